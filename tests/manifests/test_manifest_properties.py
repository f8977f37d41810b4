"""Properties: the loader turns any input into a LoadedManifest or a ManifestError, nothing else; the
compiled fast check and the JSON parser agree with their references (jsonschema, json.loads)."""

from __future__ import annotations

import copy
import json
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from manifest_samples import EXAMPLE, MINIMAL

from gba_dataflow.core.errors import ManifestError
from gba_dataflow.manifests import LoadedManifest, load_manifest_bytes
from gba_dataflow.manifests.document import SourceText
from gba_dataflow.manifests.json_parser import parse_json
from gba_dataflow.manifests.schema import fast_check, validator
from gba_dataflow.manifests.yaml_parser import parse_yaml

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
    st.sampled_from(
        ["yes", "no", "NO", "on", "y", "2026-02-30", "2026-10-20", "010", "1:30", "<<", "~", "CN-GD"]
    ),
    st.dates().map(lambda d: d.isoformat()),
)
keys = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        ["apiVersion", "kind", "id", "transfer", "dataset", "fields", "region", "subjects", "no"]
    ),
)
documents = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=5),
    max_leaves=25,
)


def outcome(raw: bytes, name: str) -> LoadedManifest | ManifestError:
    try:
        return load_manifest_bytes(raw, name)
    except ManifestError as error:
        assert error.diagnostics, "a ManifestError always carries diagnostics"
        assert all(d.code != "E900" for d in error.diagnostics), str(error)
        return error


@SETTINGS
@given(raw=st.binary(max_size=400), name=st.sampled_from(["m.yaml", "m.json", "<stdin>"]))
def test_any_bytes_give_a_manifest_or_a_manifest_error(raw: bytes, name: str) -> None:
    assert isinstance(outcome(raw, name), LoadedManifest | ManifestError)


@SETTINGS
@given(text=st.text(max_size=400), name=st.sampled_from(["m.yaml", "m.json"]))
def test_any_text_gives_a_manifest_or_a_manifest_error(text: str, name: str) -> None:
    assert isinstance(outcome(text.encode("utf-8", "surrogatepass"), name), LoadedManifest | ManifestError)


YAML_SYNTAX = "-:{}[],&*!|>'\"#%@`\n\t  abyYnN0o1x9.~<=?\\\r\u2028\x85é深"


@SETTINGS
@given(text=st.text(alphabet=YAML_SYNTAX, max_size=80), name=st.sampled_from(["m.yaml", "m.json"]))
def test_yaml_like_text_gives_a_manifest_or_a_manifest_error(text: str, name: str) -> None:
    assert isinstance(outcome(text.encode(), name), LoadedManifest | ManifestError)


@SETTINGS
@given(document=documents, style=st.sampled_from([None, False, True]))
def test_any_yaml_document_gives_a_manifest_or_a_manifest_error(document: Any, style: bool | None) -> None:
    text = yaml.safe_dump(document, default_flow_style=style, allow_unicode=True)
    assert isinstance(outcome(text.encode(), "m.yaml"), LoadedManifest | ManifestError)


@SETTINGS
@given(document=documents)
def test_any_json_document_gives_a_manifest_or_a_manifest_error(document: Any) -> None:
    assert isinstance(outcome(json.dumps(document).encode(), "m.json"), LoadedManifest | ManifestError)


def _paths(value: Any, where: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [where]
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(_paths(item, (*where, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(_paths(item, (*where, index)))
    return found


BASE = json.loads(json.dumps(yaml.safe_load(EXAMPLE), default=lambda value: value.isoformat()))
BASE_PATHS = _paths(BASE)


mutations = st.lists(st.tuples(st.sampled_from(BASE_PATHS), documents, st.booleans()), min_size=1, max_size=3)


def mutate(picks: list[tuple[tuple[Any, ...], Any, bool]]) -> Any:
    """The example with some values replaced or deleted."""
    document: Any = copy.deepcopy(BASE)
    for path, replacement, delete in picks:
        if not path:
            document = replacement
            continue
        parent = document
        try:
            for step in path[:-1]:
                parent = parent[step]
            if delete and isinstance(parent, dict):
                parent.pop(path[-1], None)
            else:
                parent[path[-1]] = replacement
        except (KeyError, IndexError, TypeError):
            continue
    return document


@SETTINGS
@given(picks=mutations)
def test_fast_check_agrees_with_jsonschema(picks: list[tuple[tuple[Any, ...], Any, bool]]) -> None:
    document = mutate(picks)
    check = fast_check()
    assert check is not None
    assert check(document) == validator().is_valid(document)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(picks=mutations, syntax=st.sampled_from(["yaml", "json"]))
def test_nearly_valid_manifests_load_only_when_the_schema_accepts_them(
    picks: list[tuple[tuple[Any, ...], Any, bool]], syntax: str
) -> None:
    """Never fail open: whatever loads was valid against the schema (dates as text)."""
    document = mutate(picks)
    text = json.dumps(document) if syntax == "json" else yaml.safe_dump(document, allow_unicode=True)
    result = outcome(text.encode(), f"m.{syntax}")
    if isinstance(result, LoadedManifest):
        as_text = json.loads(json.dumps(yaml.safe_load(text), default=lambda value: value.isoformat()))
        assert validator().is_valid(as_text)


@SETTINGS
@given(document=documents, indent=st.sampled_from([None, 0, 2]))
def test_json_parser_agrees_with_json_loads(document: Any, indent: int | None) -> None:
    text = json.dumps(document, indent=indent, ensure_ascii=False)
    parsed = parse_json(SourceText("m.json", text, yaml=False))
    assert parsed.data == json.loads(text)
    assert not parsed.diagnostics


@SETTINGS
@given(text=st.text(alphabet='{}[]:,"\\ \n0123456789-+.eEtruefalsnl\tab', max_size=40))
def test_json_parser_rejects_what_json_loads_rejects(text: str) -> None:
    try:
        expected: Any = json.loads(text, object_pairs_hook=dict)
    except ValueError:
        expected = ValueError
    try:
        parsed = parse_json(SourceText("m.json", text, yaml=False))
        got: Any = parsed.data
    except ManifestError as error:
        got = ValueError if error.code in ("E404", "E408") else error
    if expected is not ValueError and text.strip():
        assert got == expected
    elif text.strip():
        assert got is ValueError


@SETTINGS
@given(document=documents, style=st.sampled_from([None, False, True]))
def test_libyaml_and_pure_python_yaml_agree(document: Any, style: bool | None) -> None:
    text = yaml.safe_dump(document, default_flow_style=style, allow_unicode=True)

    def parse(use_libyaml: bool) -> Any:
        try:
            parsed = parse_yaml(SourceText("m.yaml", text), use_libyaml=use_libyaml)
        except ManifestError as error:
            return [d.code for d in error.diagnostics]
        return parsed.data, parsed.positions, [(d.code, d.line, d.column) for d in parsed.diagnostics]

    assert parse(True) == parse(False)


def test_valid_manifests_round_trip_through_both_syntaxes() -> None:
    for text in (EXAMPLE, MINIMAL):
        as_json = json.dumps(yaml.safe_load(text), default=lambda value: value.isoformat())
        assert (
            load_manifest_bytes(as_json.encode(), "m.json").data
            == load_manifest_bytes(text.encode(), "m.yaml").data
        )
