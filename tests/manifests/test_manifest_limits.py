"""The limits of one manifest (manifests/limits.py): nodes, diagnostics, text of a diagnostic."""

from __future__ import annotations

import json

import pytest

from gba_dataflow.core.errors import Diagnostic, ManifestError
from gba_dataflow.core.source import Span
from gba_dataflow.manifests import limits, load_manifest_bytes


def codes_of(raw: bytes, name: str) -> list[str]:
    with pytest.raises(ManifestError) as caught:
        load_manifest_bytes(raw, name)
    return [diagnostic.code for diagnostic in caught.value.diagnostics]


def test_yaml_and_json_past_the_node_limit_are_refused_where_the_limit_is_passed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(limits.NODES_ENV, "50")
    raw = ("x: [" + ", ".join(["1"] * 60) + "]\n").encode()
    with pytest.raises(ManifestError) as caught:
        load_manifest_bytes(raw, "m.yaml")
    (diagnostic,) = caught.value.diagnostics
    assert (
        diagnostic.code == "E450" and diagnostic.line == 1 and diagnostic.column == 5 + 3 * 47
    )  # the 51st node: item 48
    assert codes_of(json.dumps({"x": [1] * 60}).encode(), "m.json") == ["E450"]


def test_a_short_document_is_never_counted_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    """A text shorter than the limit cannot hold more nodes than characters: no event pass."""
    import gba_dataflow.manifests.yaml_parser as yaml_parser

    monkeypatch.setattr(yaml_parser, "_count_nodes", lambda *_: pytest.fail("counted"))
    assert "E450" not in codes_of(b"x: [1, 2, 3]\n", "m.yaml")


def test_bad_settings_fall_back_to_the_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for value in ("", "many", "-5", "0"):
        monkeypatch.setenv(limits.NODES_ENV, value)
        monkeypatch.setenv(limits.DIAGNOSTICS_ENV, value)
        assert limits.max_nodes() == limits.DEFAULT_MAX_NODES
        assert limits.max_diagnostics() == limits.DEFAULT_MAX_DIAGNOSTICS


def test_diagnostics_are_capped_with_a_count_and_long_texts_are_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(limits.DIAGNOSTICS_ENV, "2")
    found = [
        Diagnostic("E410", "x" * 1000, Span("m.yaml", line, 1), "h" * 500, json_path="/" + "k" * 900)
        for line in range(1, 6)
    ]
    capped = limits.cap_diagnostics(found, "m.yaml")
    assert [d.code for d in capped] == ["E410", "E410", "E451"]
    assert capped[-1].message == "3 more problems in this manifest are not shown" and capped[-1].line == 2
    assert all(len(d.message) <= limits.MAX_TEXT and len(d.hint or "") <= limits.MAX_TEXT for d in capped)
    assert len(capped[0].json_path or "") == limits.MAX_TEXT and capped[0].json_path.endswith("...")


def test_a_surrogate_pair_is_fine_and_a_lone_half_is_not() -> None:
    pair = b'{"apiVersion": "gba-dataflow/v1", "kind": "\\ud83d\\ude00"}'
    assert "E452" not in codes_of(pair, "m.json")
    for lone in (b'"\\ud800"', b'"a\\udc00b"', b'"\\uDBFF"'):
        assert codes_of(b'{"kind": ' + lone + b"}", "m.json") == ["E452"]
