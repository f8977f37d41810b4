"""`rules diff`: rule changes by AST equality, decisions that change, loosenings."""

from __future__ import annotations

from authoring_helpers import FIXTURES

from gba_dataflow.app.rules_diff import diff_rules, rule_changes
from gba_dataflow.dsl.parser import parse_text


def test_diff_reports_loosened_decisions_and_the_rules_responsible() -> None:
    run = diff_rules([FIXTURES / "rules"], [FIXTURES / "rules_v2"], [str(FIXTURES / "manifests")])
    assert run.manifests == 3
    (change,) = run.decisions
    assert change.manifest.endswith("medium.yaml")
    assert (change.old, change.new, change.loosening) == ("deny", "allow", True)
    assert change.now_fire == ("demo/small_volume",)
    assert change.no_longer_fire == ("demo/default",)
    assert run.loosenings == [change]


def test_diff_lists_rules_added_removed_and_changed() -> None:
    run = diff_rules(
        [FIXTURES / "rules"], [FIXTURES / "rules_v2"], [str(FIXTURES / "manifests" / "small.yaml")]
    )
    assert [(c.id, c.kind, c.fields) for c in run.changes] == [
        ("demo", "changed", ("let has_sensitive",)),
        ("demo/core_data", "changed", ("because",)),
        ("demo/small_volume", "changed", ("condition", "because", "uses changed let has_sensitive")),
        ("demo/important_data", "added", ()),
        ("demo/sensitive_warning", "removed", ()),
    ]
    assert run.decisions == ()


def test_diff_ignores_layout_and_comments() -> None:
    old = parse_text('ruleset r\nrule a\n  deny when x and y\n  because "b"\n')
    new = parse_text('# a comment\nruleset r\n\nrule a\n  deny when x\n      and y  # why\n  because "b"\n')
    assert rule_changes([old], [new]) == []


def test_diff_reports_window_changes_and_new_rulesets() -> None:
    old = parse_text("ruleset r\nrule a\n  deny when x\n")
    new = parse_text("ruleset r\nrule a\n  effective from 2024-01-01\n  deny when x\n")
    other = parse_text("ruleset s\nrule b\n  deny when x\n")
    changes = rule_changes([old], [new, other])
    assert [(c.id, c.kind, c.scope, c.fields) for c in changes] == [
        ("r/a", "changed", "rule", ("window",)),
        ("s", "added", "ruleset", ()),
        ("s/b", "added", "rule", ()),
    ]


def test_diff_reports_a_changed_citation_translation_as_a_cite_change() -> None:
    old = parse_text(
        'ruleset r\n  default cite "A"\nrule a\n  deny when x\n  cite "B"\n       zh-Hans "乙"\n'
    )
    new = parse_text(
        'ruleset r\n  default cite "A"\n               zh-Hant "甲"\nrule a\n  deny when x\n  cite "B"\n'
        '       zh-Hans "乙二"\n'
    )
    assert [(c.id, c.fields) for c in rule_changes([old], [new])] == [
        ("r", ("default cite",)),
        ("r/a", ("cite",)),
    ]
    both = parse_text(
        'ruleset r\n  default cite "A"\nrule a\n  deny when x\n  cite "C"\n       zh-Hans "丙"\n'
    )
    assert [(c.id, c.fields) for c in rule_changes([old], [both])] == [("r/a", ("cite",))]


def test_diff_reports_a_reason_turned_into_a_met_text() -> None:
    old = parse_text('ruleset r\nrule a_met\n  allow when x\n  because "Met: told"\n')
    new = parse_text('ruleset r\nrule a_met\n  allow when x\n  met "Told"\n')
    changes = rule_changes([old], [new])
    assert [(c.id, c.kind, c.fields) for c in changes] == [("r/a_met", "changed", ("because", "met"))]
