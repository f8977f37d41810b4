"""The parsers give every key that the schema names one interned string object (see manifests/keys.py)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import Any

import yaml
from manifest_samples import EXAMPLE

from gba_dataflow.manifests import load_manifest_bytes
from gba_dataflow.manifests.document import SourceText
from gba_dataflow.manifests.keys import canonical_keys
from gba_dataflow.manifests.yaml_parser import parse_yaml


def all_keys(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from all_keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from all_keys(item)


def test_the_schema_names_the_keys_of_every_section() -> None:
    keys = canonical_keys()
    assert {"transfer", "origin", "region", "personal_subjects_ytd", "approved_on"} <= keys.keys()
    assert all(keys[name] is sys.intern(name) for name in keys)


def test_yaml_and_json_keys_are_the_interned_objects() -> None:
    as_json = json.dumps(yaml.safe_load(EXAMPLE), default=str).encode()
    for raw, name in ((EXAMPLE.encode(), "example.yaml"), (as_json, "example.json")):
        data = load_manifest_bytes(raw, name).data
        keys = list(all_keys(data))
        assert len(keys) > 50
        assert [key for key in keys if key is not sys.intern(key)] == [], name  # defaults too
        assert data["transfer"]["origin"]["region"] == "CN-GD"


def test_a_key_the_schema_does_not_name_is_read_but_not_kept() -> None:
    """Keys are only looked up: a manifest never adds to the table (its size is the schema's)."""
    before = dict(canonical_keys())
    text = EXAMPLE.replace("  purpose: customer", "  purpose_note_x: x\n  purpose: customer", 1)
    document = parse_yaml(SourceText("x.yaml", text))
    assert document.data["transfer"]["purpose_note_x"] == "x"
    assert dict(canonical_keys()) == before and "purpose_note_x" not in before
