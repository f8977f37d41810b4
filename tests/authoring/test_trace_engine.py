"""The evaluation trace behind `explain`: values, skipped operands, witnesses, windows and filters."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from authoring_helpers import FIXTURES

from gba_dataflow.core.errors import UsageError
from gba_dataflow.engine.rulebook import load_rulebook
from gba_dataflow.engine.trace import ExplainTrace, NodeTrace, explain_manifest
from gba_dataflow.manifests import LoadedManifest, load_manifest, load_manifest_bytes

RULES = FIXTURES / "rules"


def trace_of(name: str, *, as_of: dt.date | None = None, rule: str | None = None) -> ExplainTrace:
    manifest = load_manifest(FIXTURES / "manifests" / name)
    return explain_manifest(load_rulebook([RULES]), manifest, as_of=as_of, rule=rule)


def test_trace_shows_each_ruleset_rule_and_the_decision() -> None:
    trace = trace_of("medium.yaml")
    assert trace.result.decision.value == "deny"
    (ruleset,) = trace.rulesets
    assert (ruleset.id, ruleset.applies, ruleset.decision) == ("demo", True, "deny")
    assert [(rule.id, rule.outcome) for rule in ruleset.rules] == [
        ("demo/core_data", "does not hold"),
        ("demo/small_volume", "does not hold"),
        ("demo/sensitive_warning", "does not hold"),
    ]


def test_trace_gives_every_sub_condition_its_value_and_facts() -> None:
    small = trace_of("medium.yaml").rulesets[0].rules[1].condition
    assert small is not None and small.kind == "and" and small.value is False
    negation, volume = small.children
    assert (negation.kind, negation.value) == ("not", True)
    (let,) = negation.children
    assert (let.kind, let.note, let.value) == ("let", "let has_sensitive", False)
    (quantifier,) = let.children
    assert quantifier.note == "no element matched (2 elements)"
    assert [(f.path, f.value, f.line) for f in quantifier.facts] == [
        ("dataset.fields[0].category", "personal", 16),
        ("dataset.fields[1].category", "personal", 17),
    ]
    assert (volume.text, volume.value) == ("volume.personal_subjects_ytd < 100_000", False)
    assert [(f.path, f.value) for f in volume.facts] == [("volume.personal_subjects_ytd", 150000)]


def test_trace_marks_operands_after_the_decisive_one_as_skipped() -> None:
    applies = trace_of("small.yaml", as_of=dt.date(2026, 1, 1)).rulesets[0].applies_condition
    assert applies is not None and [child.skipped for child in applies.children] == [False, False]
    core = trace_of("core.yaml").rulesets[0]
    condition: NodeTrace | None = core.rules[0].condition
    assert condition is not None and condition.value is True


def test_trace_shows_the_matching_element_of_any() -> None:
    trace = explain_manifest(
        load_rulebook([RULES]),
        _sensitive_manifest(),
    )
    warning = trace.rulesets[0].rules[2]
    assert warning.outcome == "fires"
    assert warning.message == "The dataset holds sensitive personal information of 10 individuals."
    assert warning.condition is not None
    (quantifier,) = warning.condition.children
    assert quantifier.note == "f = dataset.fields[1]: matched"
    (body,) = quantifier.children
    assert (body.value, [f.path for f in body.facts]) == (True, ["dataset.fields[1].category"])


def test_trace_marks_rules_inactive_on_the_as_of_date() -> None:
    rule = trace_of("small.yaml", as_of=dt.date(2024, 1, 1)).rulesets[0].rules[1]
    assert (rule.active, rule.outcome, rule.holds, rule.message) == (False, "inactive", True, None)


def test_trace_limits_itself_to_one_rule_and_rejects_unknown_rules() -> None:
    trace = trace_of("small.yaml", rule="demo/core_data")
    assert [rule.id for rule in trace.rulesets[0].rules] == ["demo/core_data"]
    with pytest.raises(UsageError) as caught:
        trace_of("small.yaml", rule="demo/core_dat")
    assert caught.value.hint == "did you mean `demo/core_data`?"


def test_trace_of_a_ruleset_that_does_not_apply_evaluates_no_rule() -> None:
    raw = (FIXTURES / "manifests" / "small.yaml").read_bytes().replace(b"region: HK", b"region: SG")
    trace = explain_manifest(load_rulebook([RULES]), load_manifest_bytes(raw, "sg.yaml"))
    (ruleset,) = trace.rulesets
    assert ruleset.applies is False
    assert {rule.outcome for rule in ruleset.rules} == {"not evaluated"}
    assert ruleset.applies_condition is not None and ruleset.applies_condition.value is False


def _sensitive_manifest() -> LoadedManifest:
    raw = (FIXTURES / "manifests" / "small.yaml").read_text(encoding="utf-8")
    raw = raw.replace("  subjects: 5000\n", "  subjects: 5000\n  sensitive_subjects: 10\n")
    raw = raw.replace(
        "    - {name: phone, category: personal}\n",
        "    - {name: diagnosis, category: sensitive_personal, sensitive_type: medical_health}\n",
    )
    raw = raw.replace("sensitive_subjects_ytd: 0", "sensitive_subjects_ytd: 10")
    return load_manifest_bytes(raw.encode("utf-8"), "sensitive.yaml")


def test_trace_shows_evaluation_errors_and_fail_closed_outcomes(tmp_path: Path) -> None:
    (tmp_path / "e.rules").write_text(
        "ruleset e\n\n"
        "rule late_pipia\n  deny when mechanisms.pipia.completed_on > transfer.date\n"
        '  because "late"\n  cite "c"\n\n'
        "rule early_pipia\n  allow when mechanisms.pipia.completed_on <= transfer.date\n"
        '  because "early"\n  cite "c"\n',
        encoding="utf-8",
    )
    trace = explain_manifest(load_rulebook([tmp_path]), load_manifest(FIXTURES / "manifests" / "small.yaml"))
    deny, allow = trace.rulesets[0].rules
    assert (deny.outcome, deny.holds) == ("error", True)
    assert (allow.outcome, allow.holds) == ("error", False)
    assert deny.error is not None and deny.error.startswith("E301: ")
    assert deny.condition is not None and deny.condition.error == deny.error
    assert trace.result.decision.value == "deny"
