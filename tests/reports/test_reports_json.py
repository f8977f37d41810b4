"""The `json` format: contract shape and order, schema validity, determinism, golden files."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

import pytest
from golden import assert_golden
from jsonschema import Draft202012Validator
from report_samples import RUNS, allow_result, deny_result, error_result, mixed_run, zh_run

from gba_dataflow.core.resources import schema_path
from gba_dataflow.engine.model import Fact, Reason, RunResult
from gba_dataflow.reports import json_report, render_json, result_to_dict, run_to_dict
from gba_dataflow.reports.common import to_jsonable

RESULT_KEYS = [
    "manifest",
    "id",
    "route",
    "decision",
    "as_of",
    "reasons",
    "obligations",
    "warnings",
    "remedies",
    "rulesets",
    "errors",
    "waivers",
]


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json.loads(schema_path("decision").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


@pytest.mark.parametrize("name", sorted(RUNS))
def test_render_json_matches_golden(name: str) -> None:
    assert_golden(f"{name}.json", render_json(RUNS[name]()))


@pytest.mark.parametrize("name", sorted(RUNS))
def test_render_json_validates_against_decision_schema(name: str, validator: Draft202012Validator) -> None:
    document = json.loads(render_json(RUNS[name]()))
    errors = sorted(validator.iter_errors(document), key=lambda error: list(error.absolute_path))
    assert not errors, [f"{list(error.absolute_path)}: {error.message}" for error in errors]


@pytest.mark.parametrize("name", sorted(RUNS))
def test_render_json_is_byte_identical_across_renders(name: str) -> None:
    assert render_json(RUNS[name]()) == render_json(RUNS[name]())


def test_render_json_keeps_contract_key_order() -> None:
    document = json.loads(render_json(mixed_run()))
    assert list(document) == ["version", "as_of", "rules", "results", "summary"]
    assert list(document["rules"]) == ["paths", "digest"]
    assert list(document["summary"]) == ["allow", "deny", "error"]
    result = document["results"][0]
    assert list(result) == RESULT_KEYS
    assert list(result["route"]) == ["origin", "destination", "origin_city", "destination_city"]
    assert list(result["reasons"][0]) == [
        "rule",
        "effect",
        "message",
        "citations",
        "facts",
        "source",
        "waived_by",
    ]
    assert list(result["reasons"][0]["facts"][0]) == [
        "path",
        "pointer",
        "value",
        "line",
        "column",
        "provenance",
        "provenance_note",
    ]
    assert list(result["obligations"][0]) == ["rule", "text", "status"]
    assert list(result["warnings"][0]) == [
        "rule",
        "code",
        "message",
        "citations",
        "facts",
        "source",
        "json_path",
        "line",
        "column",
    ]
    assert list(result["rulesets"][0]) == ["id", "applies", "decision"]
    remedy = document["results"][2]["remedies"][0]
    assert list(remedy) == ["rule", "kind", "text", "failed_conditions"]
    assert list(remedy["failed_conditions"][0]) == ["condition", "suggestion", "facts"]


def test_render_json_is_indented_utf8_with_trailing_newline() -> None:
    text = render_json(zh_run())
    assert text.endswith("}\n")
    assert text.startswith('{\n  "version": 1,\n')
    assert "核心数据不得出境" in text  # not \u escapes


def test_render_json_top_level_as_of_is_the_override_and_result_as_of_the_date_used() -> None:
    assert json.loads(render_json(mixed_run()))["as_of"] is None
    document = json.loads(render_json(zh_run()))
    assert document["as_of"] == "2025-01-15"
    assert document["results"][0]["as_of"] == "2025-01-15"


def test_render_json_summary_counts_decisions() -> None:
    assert json.loads(render_json(mixed_run()))["summary"] == {"allow": 1, "deny": 2, "error": 1}


def test_result_to_dict_renders_dates_and_any_elements_as_json() -> None:
    allow = result_to_dict(allow_result())
    assert allow["as_of"] == "2024-06-01"
    assert allow["reasons"][0]["facts"][0]["value"] == "2024-05-20"
    deny = result_to_dict(deny_result())
    assert deny["reasons"][0]["facts"][0]["value"]["tags"] == ["hydrology", "real-time"]
    assert deny["reasons"][0]["facts"][1] == {
        "path": "mechanisms.cac_assessment.approved_on",
        "pointer": "/mechanisms/cac_assessment/approved_on",
        "value": None,
        "line": None,
        "column": None,
        "provenance": "stated",
        "provenance_note": None,
    }


def test_result_to_dict_uses_diagnostic_to_dict_for_errors() -> None:
    result = error_result()
    data = result_to_dict(result)
    assert data["decision"] == "error"
    assert data["errors"] == [diagnostic.to_dict() for diagnostic in result.errors]
    assert data["errors"][0]["line"] == 7
    assert data["errors"][0]["column"] == 13


def test_run_to_dict_is_what_render_json_writes() -> None:
    run = mixed_run()
    assert json.loads(render_json(run)) == run_to_dict(run)


def test_to_jsonable_makes_sets_deterministic_and_values_native() -> None:
    value: Any = {"when": dt.date(2024, 1, 2), "regions": frozenset({"MO", "HK"}), "ratio": float("inf")}
    assert to_jsonable(value) == {"when": "2024-01-02", "regions": ["HK", "MO"], "ratio": "inf"}


def test_render_json_accepts_any_fact_value(validator: Draft202012Validator) -> None:
    odd = Fact("dataset.categories", "/dataset/categories", {"b", "a", dt.date(2024, 1, 1)}, 3, 1)
    reason = Reason("r/s", "allow", "m", (), (odd,), "rules/r.rules:1")
    run = RunResult(
        rules=mixed_run().rules, results=(dataclasses.replace(allow_result(), reasons=(reason,)),)
    )
    document = json.loads(render_json(run))
    assert document["results"][0]["reasons"][0]["facts"][0]["value"] == ["2024-01-01", "a", "b"]
    assert not list(validator.iter_errors(document))


def test_lines_are_compact_and_a_value_beyond_64_bits_is_still_written_exactly() -> None:
    sample = {"a": [1, "x", 2.5], "b": None, "c": "文"}
    assert json_report._dumps(sample) == '{"a":[1,"x",2.5],"b":null,"c":"文"}'
    # orjson refuses integers beyond 64 bits; the standard library writes them in the same layout
    assert json_report._dumps({"n": 2**70, "c": "文"}) == '{"n":1180591620717411303424,"c":"文"}'
