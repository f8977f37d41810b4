"""Duty-met rules (`met` texts, no `because`): the same decisions, shown as met obligations, not reasons."""

from __future__ import annotations

from engine_helpers import decide, manifest, rulebook

from gba_dataflow.engine import evaluate
from gba_dataflow.engine.model import ObligationStatus, Verdict

GD = 'ruleset gd\n  applies when transfer.origin.region == "CN-GD"\n'
ROUTE = (
    "rule small\n  allow when volume.personal_subjects_ytd < 100_000\n"
    '  because "small"\n  cite "Provisions, Art. 5(4)"\n  require "keep counting"\n'
)
NOTICE = (
    'rule notice\n  allow when not mechanisms.notice_given\n  because "no notice"\n  cite "PIPL 39"\n'
    '  require "give notice"\n'
)
NOTICE_MET = (
    'rule notice_met\n  allow when mechanisms.notice_given\n  met "notice given on {transfer.date}"\n'
    '      zh-Hans "已于{transfer.date}告知"\n  cite "PIPL 39"\n'
)


def test_a_duty_met_rule_is_a_met_obligation_not_a_reason() -> None:
    result = decide(rulebook(GD + ROUTE + NOTICE + NOTICE_MET), manifest())
    assert result.decision is Verdict.ALLOW
    assert [reason.rule for reason in result.reasons] == ["gd/small"]
    assert [(o.rule, o.text, o.status) for o in result.obligations] == [
        ("gd/small", "keep counting", ObligationStatus.TO_DO),
        ("gd/notice_met", "notice given on 2026-01-05", ObligationStatus.MET),
    ]


def test_the_met_text_is_in_the_chosen_language() -> None:
    result = decide(rulebook(GD + ROUTE + NOTICE_MET), manifest(), lang="zh-Hans")
    assert [o.text for o in result.obligations if o.status is ObligationStatus.MET] == ["已于2026-01-05告知"]


def test_the_to_do_twin_fires_instead_when_the_duty_is_not_met() -> None:
    result = decide(rulebook(GD + ROUTE + NOTICE + NOTICE_MET), manifest(mechanisms__notice_given=False))
    assert [reason.rule for reason in result.reasons] == ["gd/small", "gd/notice"]
    assert [o.status for o in result.obligations] == [ObligationStatus.TO_DO, ObligationStatus.TO_DO]


def test_decisions_are_those_of_the_same_rule_with_a_because() -> None:
    as_because = NOTICE_MET.replace("  met ", "  because ")
    for item in (manifest(), manifest(mechanisms__notice_given=False), manifest(dataset__core_data=True)):
        with_met = decide(rulebook(GD + NOTICE_MET), item)
        with_because = decide(rulebook(GD + as_because), item)
        assert with_met.decision is with_because.decision
        assert [o.id for o in with_met.rulesets] == [o.id for o in with_because.rulesets]


def test_an_allow_that_only_duty_met_rules_give_keeps_them_as_its_reasons() -> None:
    result = decide(rulebook(GD + NOTICE_MET), manifest())
    assert result.decision is Verdict.ALLOW
    assert [(r.rule, r.message) for r in result.reasons] == [("gd/notice_met", "notice given on 2026-01-05")]
    assert [o.status for o in result.obligations] == [ObligationStatus.MET]


def test_decide_names_the_rules_the_reasons_name() -> None:
    book = rulebook(GD + ROUTE + NOTICE + NOTICE_MET)
    item = manifest()
    assert evaluate.decide(book, item).rules == ("gd/small",)
    assert evaluate.decide(rulebook(GD + NOTICE_MET), item).rules == ("gd/notice_met",)


def test_a_closest_duty_met_rule_is_described_by_its_met_text() -> None:
    result = decide(rulebook(GD + NOTICE_MET), manifest(mechanisms__notice_given=False))
    assert result.decision is Verdict.DENY
    (remedy,) = [r for r in result.remedies if r.kind == "closest_allow"]
    assert remedy.rule == "gd/notice_met" and remedy.text == "notice given on 2026-01-05"
