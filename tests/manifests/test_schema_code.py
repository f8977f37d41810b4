"""The Python generated from a JSON Schema: the fast check agrees with jsonschema keyword by keyword, the
normalisation fills in what the plan says, and no text of the schema ever becomes code."""

from __future__ import annotations

import builtins
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from gba_dataflow.core import diskcache
from gba_dataflow.manifests.schema import compile_check
from gba_dataflow.manifests.schema_code import ObjectPlan, UnsupportedSchemaError, compile_plan

VALUES = [None, True, False, 0, 1, -3, 2.5, 48000.0, "", "HK", "hk", "HK\n", "2026-02-30", "2026-12-01",
          [], ["HK"], [1, "a"], {}, {"a": 1}, {"a": "x", "b": None}]  # fmt: skip

SCHEMAS: list[dict[str, Any]] = [
    {"type": "string"},
    {"type": ["string", "null"]},
    {"type": "integer"},
    {"type": "number", "minimum": 1},
    {"type": "boolean"},
    {"type": "array", "minItems": 1, "items": {"type": "string", "pattern": "^[A-Z]{2}$"}},
    {"enum": ["HK", None]},
    {"const": "HK"},
    {"type": "string", "minLength": 1, "maxLength": 2},
    {"format": "date"},
    {"type": ["string", "null"], "format": "date"},
    {"pattern": "^[A-Z]{2}$"},
    {"type": "object", "required": ["a"], "properties": {"a": {"type": "integer"}}},
    {"type": "object", "properties": {"a": {}, "b": {"type": "null"}}, "additionalProperties": False},
    {"items": {"type": "object", "properties": {"a": {"enum": ["x"]}}, "required": ["a"]}},
    {"type": "array", "items": {"type": "array", "items": {"type": "integer", "minimum": 0}}},
]


def _jsonschema(schema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


@pytest.mark.parametrize("schema", SCHEMAS, ids=str)
def test_each_keyword_agrees_with_jsonschema(schema: dict[str, Any]) -> None:
    check, reference = compile_check(schema), _jsonschema(schema)
    for value in VALUES:
        expected = reference.is_valid(value)
        if "pattern" in str(schema) and value == "HK\n":  # jsonschema's `$` matches before a final
            expected = False  # newline; ours is ECMA-262's (the very end)
        assert check(value) == expected, value


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 5)
    | st.floats(-5, 5)
    | st.sampled_from(["HK", "x", "2026-01-01"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["a", "b", "c"]), inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None)
@given(schema=st.sampled_from(SCHEMAS), value=json_values)
def test_the_check_agrees_with_jsonschema_on_any_value(schema: dict[str, Any], value: Any) -> None:
    assert compile_check(schema)(value) == _jsonschema(schema).is_valid(value)


@pytest.mark.parametrize(
    "schema",
    [
        {"anyOf": [{"type": "string"}]},
        {"type": "string", "format": "email"},
        {"type": "tuple"},
        {"enum": [1, 2]},
        {"items": [{"type": "string"}]},
        {"additionalProperties": {"type": "string"}},
        {"properties": {"a": {"oneOf": []}}},
    ],
)
def test_anything_else_is_refused_so_jsonschema_decides(schema: dict[str, Any]) -> None:
    with pytest.raises(UnsupportedSchemaError):
        compile_check(schema)


HOSTILE = "x'] or __import__('os').system('exit 3') or v['"


def test_schema_text_never_becomes_code() -> None:
    schema = {
        "type": "object",
        "required": [HOSTILE],
        "properties": {HOSTILE: {"enum": [HOSTILE]}, "p": {"pattern": "'; raise SystemExit #"}},
    }
    check = compile_check(schema)
    assert check({HOSTILE: HOSTILE}) is True
    assert check({HOSTILE: "other"}) is False
    assert check({}) is False
    plan = ObjectPlan(((HOSTILE, HOSTILE, False),), (), (), (), ())
    document: dict[str, Any] = {}
    compile_plan(plan)(document)
    assert document == {HOSTILE: HOSTILE}


def test_normalisation_follows_the_plan_in_place() -> None:
    child = ObjectPlan((("kind", "x", False),), ("on",), (), (), ())
    plan = ObjectPlan(
        constants=(("tags", [], True), ("count", 0, False)),
        dates=("date",),
        integers=("subjects",),
        objects=(("contract", child),),
        arrays=(("fields", child),),
    )
    apply = compile_plan(plan)
    document: dict[str, Any] = {
        "count": 5,
        "date": "2026-12-01",
        "subjects": 48000.0,
        "contract": {"on": "2026-01-02"},
        "fields": [{"kind": "y"}, "not an object", {"on": None}],
    }
    apply(document)
    assert document == {
        "count": 5,
        "tags": [],
        "date": dt.date(2026, 12, 1),
        "subjects": 48000,
        "contract": {"on": dt.date(2026, 1, 2), "kind": "x"},
        "fields": [{"kind": "y"}, "not an object", {"on": None, "kind": "x"}],
    }
    assert isinstance(document["subjects"], int)
    other: dict[str, Any] = {}
    apply(other)
    assert other["tags"] == [] and other["tags"] is not document["tags"]  # defaults are never shared


def test_an_empty_plan_changes_nothing() -> None:
    document = {"a": 1}
    compile_plan(ObjectPlan((), (), (), (), ()))(document)
    assert document == {"a": 1}


@pytest.fixture()
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "cache"
    monkeypatch.setenv(diskcache.ENV, str(home))
    return home


def test_compiled_code_is_cached_by_its_source(cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    schema = {"type": "object", "properties": {"cached": {"type": "integer"}}}
    assert compile_check(schema)({"cached": 1})
    (entry,) = cache_home.glob("code-*.marshal")
    compiled: list[str] = []
    real_compile = builtins.compile

    def spy(source: str, filename: str, mode: str) -> Any:
        compiled.append(filename)
        return real_compile(source, filename, mode)

    monkeypatch.setattr(builtins, "compile", spy)
    assert compile_check(schema)({"cached": 1}) and not compile_check(schema)({"cached": "1"})
    assert compiled == []  # read from the cache
    entry.write_bytes(b"not code")  # a damaged entry is compiled again and replaced
    assert compile_check(schema)({"cached": 1})
    assert len(compiled) == 1 and entry.read_bytes() != b"not code"
