"""The manifest JSON Schema: valid 2020-12, described, closed, with the fields and defaults of design §4."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from gba_dataflow.core.resources import schema_path
from gba_dataflow.manifests import schema
from gba_dataflow.manifests.schema import DEFAULT_FROM, UnsupportedSchemaError, compile_check, fast_check

PIPL_ART_28 = [
    "biometric",
    "religious_belief",
    "specific_identity",
    "medical_health",
    "financial_account",
    "location_tracking",
    "minor_under_14",
    "other",
]


def properties(node: dict[str, Any], where: str = "") -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    """Every (pointer, property schema, parent object schema) of the schema, depth first."""
    for name, sub in node.get("properties", {}).items():
        pointer = f"{where}/{name}"
        yield pointer, sub, node
        yield from properties(sub, pointer)
        if isinstance(sub.get("items"), dict):
            yield from properties(sub["items"], f"{pointer}/0")


def objects(node: dict[str, Any], where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if node.get("type") == "object" or "properties" in node:
        yield where or "/", node
    for name, sub in node.get("properties", {}).items():
        yield from objects(sub, f"{where}/{name}")
    if isinstance(node.get("items"), dict):
        yield from objects(node["items"], f"{where}/0")


def prop(pointer: str) -> dict[str, Any]:
    found = dict((p, sub) for p, sub, _ in properties(schema()))
    return found[pointer]


def test_schema_is_valid_2020_12() -> None:
    Draft202012Validator.check_schema(schema())
    assert schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema()["$id"] == "https://gba-dataflow.dev/schemas/manifest.schema.json"
    assert schema()["title"] and schema()["description"]


def test_schema_is_read_once_from_the_shipped_file() -> None:
    assert schema() is schema()
    assert schema() == json.loads(schema_path("manifest").read_text(encoding="utf-8"))


def test_every_property_has_a_description() -> None:
    missing = [
        pointer for pointer, sub, _ in properties(schema()) if not str(sub.get("description", "")).strip()
    ]
    assert not missing


def test_every_object_is_closed() -> None:
    open_objects = [
        where for where, node in objects(schema()) if node.get("additionalProperties") is not False
    ]
    assert not open_objects


def test_every_optional_property_has_a_default() -> None:
    undefaulted = [
        pointer
        for pointer, sub, parent in properties(schema())
        if pointer.rsplit("/", 1)[1] not in parent.get("required", ())
        and "default" not in sub
        and DEFAULT_FROM not in sub
    ]
    assert not undefaulted


def test_copied_defaults_name_existing_fields() -> None:
    pointers = {pointer for pointer, _, _ in properties(schema())}
    sources = [sub[DEFAULT_FROM] for _, sub, _ in properties(schema()) if DEFAULT_FROM in sub]
    assert sources and all(source in pointers for source in sources)


def test_required_fields_follow_the_design() -> None:
    root = schema()
    assert set(root["required"]) == {
        "apiVersion",
        "kind",
        "id",
        "transfer",
        "exporter",
        "recipient",
        "dataset",
    }
    assert prop("/apiVersion")["const"] == "gba-dataflow/v1"
    assert prop("/kind")["const"] == "TransferManifest"
    assert prop("/id")["pattern"] == "^[a-z0-9][a-z0-9._-]*$"
    assert set(prop("/transfer")["required"]) == {"origin", "destination", "purpose"}
    assert prop("/transfer/origin")["required"] == ["region"]
    assert prop("/dataset/fields")["minItems"] == 1


def test_enums_and_defaults_follow_the_design() -> None:
    assert prop("/transfer/exemption")["enum"] == ["none", "contract", "hr", "emergency", "statutory_duty"]
    assert prop("/transfer/exemption")["default"] == "none"
    assert prop("/dataset/fields/0/category")["enum"] == ["non_personal", "personal", "sensitive_personal"]
    assert prop("/dataset/fields/0/sensitive_type")["enum"] == [*PIPL_ART_28, None]
    assert prop("/mechanisms/security_assessment/status")["enum"] == [
        "none",
        "pending",
        "approved",
        "rejected",
    ]
    assert prop("/mechanisms/gba_standard_contract/filed_with")["enum"] == [
        "guangdong_cac",
        "hk_dpo",
        "dspdp",
        None,
    ]
    assert prop("/hong_kong/purpose")["enum"] == ["same", "directly_related", "new"]
    assert prop("/macao/sensitive_basis")["enum"] == [
        "none",
        "explicit_consent",
        "legal_authorisation",
        "dspdp_authorisation",
    ]
    assert prop("/dataset/subjects") == prop("/dataset/subjects") | {
        "type": "integer",
        "minimum": 0,
        "default": 0,
    }
    assert prop("/exporter/region")[DEFAULT_FROM] == "/transfer/origin/region"
    assert prop("/volume/processed_subjects_total")[DEFAULT_FROM] == "/volume/personal_subjects_ytd"


def test_dates_are_strings_with_the_date_format() -> None:
    dates = [pointer for pointer, sub, _ in properties(schema()) if sub.get("format") == "date"]
    assert "/transfer/date" in dates
    assert "/mechanisms/security_assessment/extension_applied_on" in dates
    assert len(dates) == 12
    assert all(prop(pointer)["type"] == ["string", "null"] for pointer in dates)


@pytest.mark.parametrize("code", ["CN-GD", "HK", "MO", "CN-BJ", "SG", "US-CA", "GB-ENG"])
def test_regions_accept_iso_3166_codes(code: str) -> None:
    assert Draft202012Validator(prop("/transfer/origin/region")).is_valid(code)


@pytest.mark.parametrize("code", ["cn-gd", "Guangdong", "HKG", "CN_GD", "", "CN-"])
def test_regions_refuse_other_text(code: str) -> None:
    assert not Draft202012Validator(prop("/transfer/origin/region")).is_valid(code)


def test_the_fast_check_covers_the_shipped_schema() -> None:
    assert fast_check() is not None


def test_the_fast_check_refuses_keywords_it_does_not_know() -> None:
    with pytest.raises(UnsupportedSchemaError):
        compile_check({"type": "object", "anyOf": [{"required": ["a"]}]})
    with pytest.raises(UnsupportedSchemaError):
        compile_check({"type": "string", "format": "email"})
