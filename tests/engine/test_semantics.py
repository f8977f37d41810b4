"""Design §3, point by point: windows, applicability, deny-overrides, fail closed, facts, remedies."""

from __future__ import annotations

import datetime as dt

from engine_helpers import decide, manifest, rulebook

from gba_dataflow.engine.model import Verdict

GD = 'ruleset gd\n  applies when transfer.origin.region == "CN-GD"\n'
ALLOW_SMALL = (
    "rule small\n  allow when volume.personal_subjects_ytd < 100_000\n"
    '  because "small: {volume.personal_subjects_ytd}"\n  cite "Provisions, Art. 5(4)"\n'
    '  require "give notice"\n  require "do a PIPIA"\n'
)
DENY_CORE = (
    'rule core\n  deny when dataset.core_data\n  because "core data"\n  cite "DSL, Art. 21"\n'
    '  remedy "keep core data at home"\n'
)


def test_1_rule_outside_its_window_is_inactive() -> None:
    book = rulebook(
        GD + 'rule later\n  effective from 2026-02-01\n  allow when true\n  because "x"\n  cite "c"\n'
    )
    assert decide(book, manifest()).decision is Verdict.DENY
    assert decide(book, manifest(), as_of=dt.date(2026, 2, 1)).decision is Verdict.ALLOW
    book = rulebook(
        GD + 'rule old\n  effective until 2026-01-05\n  allow when true\n  because "x"\n  cite "c"\n'
    )
    assert decide(book, manifest(), as_of=dt.date(2026, 1, 4)).decision is Verdict.ALLOW
    assert decide(book, manifest()).decision is Verdict.DENY  # until is exclusive


def test_as_of_defaults_to_transfer_date_then_today() -> None:
    book = rulebook(GD + ALLOW_SMALL)
    assert decide(book, manifest()).as_of == dt.date(2026, 1, 5)
    assert decide(book, manifest(transfer__date=None)).as_of == dt.date.today()
    assert decide(book, manifest(), as_of=dt.date(2025, 1, 1)).as_of == dt.date(2025, 1, 1)


def test_2_ruleset_applies_only_when_its_condition_holds() -> None:
    book = rulebook(GD + ALLOW_SMALL, 'ruleset hk\n  applies when transfer.origin.region == "HK"\n')
    result = decide(book, manifest())
    assert [(o.id, o.applies, o.decision) for o in result.rulesets] == [
        ("gd", True, "allow"),
        ("hk", False, None),
    ]
    assert result.decision is Verdict.ALLOW


def test_3_deny_overrides_allow_inside_a_ruleset() -> None:
    book = rulebook(GD + ALLOW_SMALL + DENY_CORE)
    result = decide(book, manifest(dataset__core_data=True))
    assert result.decision is Verdict.DENY
    assert [r.rule for r in result.reasons] == ["gd/core"]


def test_3_default_deny_when_no_allow_holds() -> None:
    book = rulebook(GD + '  default cite "PIPL, Art. 38"\n' + ALLOW_SMALL)
    result = decide(book, manifest(volume__personal_subjects_ytd=100_000))
    assert result.decision is Verdict.DENY
    (reason,) = result.reasons
    assert reason.rule == "gd/default"
    assert reason.message == "no rule of gd permits this transfer"
    assert reason.citations == ("PIPL, Art. 38",)


def test_4_no_applicable_ruleset_fails_closed() -> None:
    book = rulebook('ruleset hk\n  applies when transfer.origin.region == "HK"\n' + ALLOW_SMALL)
    result = decide(book, manifest())
    assert result.decision is Verdict.DENY
    assert result.reasons[0].rule == "gba-dataflow/no-ruleset"
    assert "CN-GD → HK" in result.reasons[0].message


def test_4_every_applicable_regime_must_allow() -> None:
    deny_all = 'ruleset strict\nrule no\n  deny when true\n  because "no"\n  cite "c"\n'
    result = decide(rulebook(GD + ALLOW_SMALL, deny_all), manifest())
    assert result.decision is Verdict.DENY
    assert [r.rule for r in result.reasons] == ["strict/no"]


def test_5_reasons_carry_citations_source_and_facts() -> None:
    book = rulebook(GD + DENY_CORE)
    item = manifest(dataset__core_data=True)
    item.positions["/dataset/core_data"] = (12, 14)
    (reason,) = decide(book, item).reasons
    assert reason.citations == ("DSL, Art. 21",)
    assert reason.source == "r0.rules:3"
    (fact,) = reason.facts
    assert (fact.path, fact.value, fact.line, fact.column) == ("dataset.core_data", True, 12, 14)


def test_5_facts_for_any_name_the_matching_element() -> None:
    book = rulebook(
        GD + 'rule spi\n  deny when any f in dataset.fields: f.category == "sensitive_personal"\n'
        '  because "{f.name} is sensitive"\n  cite "PIPL, Art. 28"\n'
    )
    fields = [{"name": "a", "category": "personal"}, {"name": "balance", "category": "sensitive_personal"}]
    (reason,) = decide(book, manifest(dataset__fields=fields)).reasons
    assert reason.message == "balance is sensitive"
    assert [(f.path, f.pointer, f.value) for f in reason.facts] == [
        ("dataset.fields[1].category", "/dataset/fields/1/category", "sensitive_personal")
    ]


def test_5_facts_keep_only_what_decided_an_or() -> None:
    book = rulebook(
        GD + 'rule r\n  deny when dataset.important_data or dataset.core_data\n  because "x"\n  cite "c"\n'
    )
    (reason,) = decide(book, manifest(dataset__core_data=True)).reasons
    assert [f.path for f in reason.facts] == ["dataset.core_data"]


def test_6_obligations_of_every_allow_rule_deduplicated_in_order() -> None:
    second = (
        'rule also\n  allow when true\n  because "y"\n  cite "c"\n  require "do a PIPIA"\n'
        '  require "file within 10 working days"\n'
    )
    result = decide(rulebook(GD + ALLOW_SMALL + second), manifest())
    assert result.decision is Verdict.ALLOW
    assert [o.text for o in result.obligations] == [
        "give notice",
        "do a PIPIA",
        "file within 10 working days",
    ]
    assert [o.rule for o in result.obligations] == ["gd/small", "gd/small", "gd/also"]


def test_7_warn_rules_never_change_the_decision() -> None:
    warn = 'rule heads_up\n  warn when true\n  because "check twice"\n  cite "c"\n'
    result = decide(rulebook(GD + ALLOW_SMALL + warn), manifest())
    assert result.decision is Verdict.ALLOW
    assert [(w.rule, w.message) for w in result.warnings] == [("gd/heads_up", "check twice")]


def test_8_an_erroring_deny_rule_counts_as_holding() -> None:
    deny = (
        "rule late_filing\n  deny when mechanisms.standard_contract.filed_on > transfer.date\n"
        '  because "filed late"\n  cite "SCC Measures, Art. 7"\n'
    )
    result = decide(rulebook(GD + ALLOW_SMALL + deny), manifest())
    assert result.decision is Verdict.DENY
    assert [r.rule for r in result.reasons] == ["gd/late_filing"]
    (error,) = result.errors
    assert error.code == "E301" and "counts as holding" in error.notes[0]


def test_8_an_erroring_allow_rule_counts_as_not_holding() -> None:
    allow = (
        "rule filed\n  allow when mechanisms.standard_contract.filed_on <= transfer.date\n"
        '  because "filed"\n  cite "SCC Measures, Art. 7"\n'
    )
    result = decide(rulebook(GD + allow), manifest())
    assert result.decision is Verdict.DENY
    assert result.errors[0].code == "E301"
    assert "counts as not holding" in result.errors[0].notes[0]


def test_8_an_erroring_applies_condition_makes_the_ruleset_apply() -> None:
    book = rulebook(
        "ruleset s\n  applies when mechanisms.standard_contract.filed_on > transfer.date\n" + ALLOW_SMALL
    )
    result = decide(book, manifest())
    assert result.rulesets[0].applies is True
    assert result.errors


def test_9_remedies_for_a_deny_rule() -> None:
    result = decide(rulebook(GD + ALLOW_SMALL + DENY_CORE), manifest(dataset__core_data=True))
    assert [(r.rule, r.kind, r.text) for r in result.remedies] == [
        ("gd/core", "remedy", "keep core data at home")
    ]


def test_9_default_deny_names_the_closest_allow_and_its_failed_conditions() -> None:
    scc = (
        "rule scc\n  allow when not dataset.important_data and has(mechanisms.standard_contract.filed_on)\n"
        "    and volume.personal_subjects_ytd < 1_000_000\n"
        '  because "standard contract"\n  cite "Provisions, Art. 8"\n'
    )
    far = 'rule far\n  allow when dataset.core_data and dataset.important_data\n  because "far"\n  cite "c"\n'
    result = decide(rulebook(GD + scc + far), manifest(volume__personal_subjects_ytd=200_000))
    (remedy,) = result.remedies
    assert remedy.rule == "gd/scc" and remedy.kind == "closest_allow"
    (failed,) = remedy.failed_conditions
    assert failed.condition == "has(mechanisms.standard_contract.filed_on)"
    assert failed.suggestion == "would allow if mechanisms.standard_contract.filed_on were set"
    assert failed.facts[0].value is None


def test_9_a_closest_allow_message_names_the_witness_of_a_part_that_held() -> None:
    rule = (
        'rule named\n  allow when (any f in dataset.fields: f.category == "personal")\n'
        "    and has(mechanisms.standard_contract.filed_on)\n"
        '  because "{f.name} is covered by a filed contract"\n  cite "c"\n'
    )
    plain = (
        'rule plain\n  allow when dataset.core_data and dataset.important_data\n  because "p"\n  cite "c"\n'
    )
    result = decide(rulebook(GD + rule + plain), manifest())
    (remedy,) = result.remedies
    assert remedy.rule == "gd/named" and remedy.text == "full_name is covered by a filed contract"
    assert [failed.condition for failed in remedy.failed_conditions] == [
        "has(mechanisms.standard_contract.filed_on)"
    ]


def test_messages_use_the_requested_language_with_english_fallback() -> None:
    rule = 'rule r\n  deny when true\n  because "no" zh-Hans "不"\n  cite "c"\n'
    book = rulebook(GD + rule)
    assert decide(book, manifest(), lang="zh-Hans").reasons[0].message == "不"
    assert decide(book, manifest(), lang="zh-Hant").reasons[0].message == "no"


def test_decisions_are_deterministic() -> None:
    book = rulebook(GD + ALLOW_SMALL + DENY_CORE)
    assert decide(book, manifest()) == decide(book, manifest())


def test_has_treats_blank_text_as_no_value() -> None:
    rule = 'rule r\n  allow when has(transfer.exemption_justification)\n  because "x"\n  cite "c"\n'
    book = rulebook(GD + rule)
    assert decide(book, manifest(transfer__exemption_justification="   ")).decision is Verdict.DENY
    assert decide(book, manifest(transfer__exemption_justification="a contract")).decision is Verdict.ALLOW
