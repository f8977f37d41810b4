"""The `met` rule clause: obligations an allow rule finds already met (parsed, formatted, checked)."""

from __future__ import annotations

from pathlib import Path

from gba_dataflow.core.codes import CODES
from gba_dataflow.core.errors import Diagnostic
from gba_dataflow.core.i18n import localize
from gba_dataflow.dsl.checker import check_rulesets
from gba_dataflow.dsl.formatter import format_text
from gba_dataflow.dsl.parser import parse_text
from gba_dataflow.engine.rulebook import manifest_catalog

REPO = Path(__file__).resolve().parents[2]
DUTY_MET = (
    "ruleset acme\n\nrule notice_met\n  allow when mechanisms.notice_given\n"
    '  met "The individuals were told."\n      zh-Hans "已告知个人。"\n'
    '  met "Notice given on {transfer.date}."\n  cite "PIPL Art. 39"\n'
)


def _findings(text: str, code: str) -> list[Diagnostic]:
    result = check_rulesets([parse_text(text, "a.rules")], manifest_catalog())
    return [d for d in result.diagnostics if d.code == code]


def test_met_texts_are_read_in_order_with_their_translations() -> None:
    (rule,) = parse_text(DUTY_MET, "a.rules").rules
    assert [message.text.source_text() for message in rule.mets] == [
        "The individuals were told.",
        "Notice given on {transfer.date}.",
    ]
    assert rule.mets[0].translations[0][0] == "zh-Hans"
    assert rule.because is None and rule.is_duty_met


def test_a_rule_with_a_because_is_not_a_duty_met_rule() -> None:
    text = DUTY_MET.replace("  cite", '  because "Notice is a duty."\n  cite')
    (rule,) = parse_text(text, "a.rules").rules
    assert len(rule.mets) == 2 and not rule.is_duty_met


def test_met_is_formatted_where_a_because_stands_and_round_trips() -> None:
    moved = DUTY_MET.replace('  cite "PIPL Art. 39"\n', "").replace(
        "  allow when mechanisms.notice_given\n",
        '  allow when mechanisms.notice_given\n  cite "PIPL Art. 39"\n',
    )
    formatted = format_text(moved, "a.rules")
    assert formatted == DUTY_MET
    assert parse_text(formatted, "a.rules") == parse_text(moved, "a.rules")
    assert format_text(formatted, "a.rules") == formatted


def test_a_duty_met_rule_needs_no_because() -> None:
    assert _findings(DUTY_MET, "E208") == []


def test_met_on_a_deny_rule_is_e225_at_the_text() -> None:
    text = DUTY_MET.replace("allow when", "deny when")
    (e225,) = _findings(text, "E225")
    assert e225.message == "rule `notice_met` has a `met` text but its effect is `deny`, not `allow`"
    assert (e225.line, e225.column) == (5, 7)
    assert e225.hint is not None and "make it an allow rule" in e225.hint
    assert _findings(DUTY_MET, "E225") == []


def test_e225_is_said_in_chinese() -> None:
    (e225,) = _findings(DUTY_MET.replace("allow when", "warn when"), "E225")
    assert (
        localize(e225.message, "zh-Hans") == "规则 `notice_met` 有 `met` 文本，但其效果是 `warn` 而非 `allow`"
    )
    assert (
        localize(e225.message, "zh-Hant") == "規則 `notice_met` 有 `met` 文字，但其效果是 `warn` 而非 `allow`"
    )
    assert localize(e225.hint, "zh-Hant").startswith("`met` 表示允許規則認定已經履行的義務")


def test_e225_explains_itself_with_examples_that_check_as_they_say() -> None:
    code = CODES["E225"]
    assert code.name == "met-not-allow" and code.bad and code.good
    for example, expected in ((code.bad, 1), (code.good, 0)):
        assert len(_findings("ruleset acme\n\n" + example + "\n", "E225")) == expected


def test_an_unknown_path_in_a_met_text_is_e215() -> None:
    text = DUTY_MET.replace("{transfer.date}", "{transfer.dat}")
    assert len(_findings(text, "E215")) == 1


def test_a_met_text_without_a_translation_others_have_is_w213() -> None:
    (w213,) = _findings(DUTY_MET, "W213")
    assert w213.message.startswith("a `met` of rule `notice_met` has no ")
    assert "zh-Hans" in w213.message and "other `met` texts of ruleset `acme`" in w213.message
    assert (w213.line, w213.column) == (7, 7)


def test_the_shipped_duty_met_rules_use_met_texts_not_met_reasons() -> None:
    for path in sorted((REPO / "rules").glob("*.rules")):
        for rule in parse_text(path.read_text(encoding="utf-8"), str(path)).rules:
            if rule.name.endswith("_duty_met"):
                assert rule.is_duty_met, rule.name
                assert all(lang in dict(m.translations) for m in rule.mets for lang in ("zh-Hans", "zh-Hant"))
            if rule.because is not None:
                assert not rule.because.text.source_text().startswith("Met:"), rule.name
