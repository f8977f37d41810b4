"""schemas/decision.schema.json: a valid 2020-12 schema, closed objects, every property described."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from report_samples import mixed_run

from gba_dataflow.core.resources import schema_path
from gba_dataflow.reports import run_to_dict


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(schema_path("decision").read_text(encoding="utf-8"))
    return loaded


def _subschemas(node: Any, where: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            yield from _subschemas(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _subschemas(value, f"{where}/{index}")


def _objects(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(where, node) for where, node in _subschemas(schema) if node.get("type") == "object"]


def test_decision_schema_is_a_valid_2020_12_schema(schema: dict[str, Any]) -> None:
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def test_decision_schema_describes_every_property(schema: dict[str, Any]) -> None:
    missing = [
        f"{where}/properties/{name}"
        for where, node in _objects(schema)
        for name, prop in node.get("properties", {}).items()
        if not prop.get("description")
    ]
    assert not missing


def test_decision_schema_closes_every_object_and_requires_every_key(schema: dict[str, Any]) -> None:
    objects = _objects(schema)
    assert len(objects) >= 12
    for where, node in objects:
        assert node.get("additionalProperties") is False, where
        assert node.get("required") == list(node["properties"]), where


def test_decision_schema_rejects_unknown_and_missing_keys(schema: dict[str, Any]) -> None:
    validator = Draft202012Validator(schema)
    document = run_to_dict(mixed_run())
    assert validator.is_valid(document)
    assert not validator.is_valid({**document, "extra": 1})
    result = dict(document["results"][0])
    del result["route"]
    assert not validator.is_valid({**document, "results": [result]})
    assert not validator.is_valid({**document, "results": [{**document["results"][0], "decision": "maybe"}]})


def test_decision_schema_lists_keys_in_contract_order(schema: dict[str, Any]) -> None:
    document = run_to_dict(mixed_run())
    assert list(schema["properties"]) == list(document)
    assert list(schema["$defs"]["result"]["properties"]) == list(document["results"][0])
