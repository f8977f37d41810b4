"""The `waivable` rule clause (issue 22 point 5): parsed, formatted, checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from gba_dataflow.core.errors import DslSyntaxError
from gba_dataflow.dsl.checker import check_rulesets
from gba_dataflow.dsl.formatter import format_text
from gba_dataflow.dsl.parser import parse_text
from gba_dataflow.engine.rulebook import manifest_catalog

REPO = Path(__file__).resolve().parents[2]
RULE = 'ruleset acme\n\nrule cap\n  deny when dataset.subjects > 10\n  because "x"\n  cite "ACME 4.2"\n'


def test_waivable_is_read_and_formatted_last_whatever_its_place() -> None:
    text = RULE.replace("rule cap\n", "rule cap\n  waivable\n")
    (rule,) = parse_text(text, "a.rules").rules
    assert rule.waivable is True
    formatted = format_text(text, "a.rules")
    assert formatted == RULE + "  waivable\n"
    assert parse_text(formatted, "a.rules") == parse_text(text, "a.rules")
    assert format_text(formatted, "a.rules") == formatted


def test_a_rule_without_the_clause_is_not_waivable() -> None:
    (rule,) = parse_text(RULE, "a.rules").rules
    assert rule.waivable is False
    assert format_text(RULE, "a.rules") == RULE


def test_waivable_twice_is_e106() -> None:
    with pytest.raises(DslSyntaxError) as caught:
        parse_text(RULE + "  waivable\n  waivable\n", "a.rules")
    assert caught.value.code == "E106"
    assert "more than one `waivable` clause" in caught.value.first.message


def test_a_misspelt_waivable_gets_a_did_you_mean() -> None:
    with pytest.raises(DslSyntaxError) as caught:
        parse_text(RULE + "  waivabel\n", "a.rules")
    assert caught.value.first.hint == "did you mean `waivable`?"


def test_a_waivable_allow_rule_is_w220() -> None:
    text = RULE.replace("deny when", "allow when") + "  waivable\n"
    found = check_rulesets([parse_text(text, "a.rules")], manifest_catalog()).diagnostics
    (w220,) = [d for d in found if d.code == "W220"]
    assert w220.message == "rule `cap` is `waivable` but its effect is `allow`, not `deny`"
    assert w220.line == 3


@pytest.mark.parametrize("path", sorted((REPO / "rules").glob("*.rules")), ids=lambda path: path.name)
def test_no_shipped_rule_is_waivable(path: Path) -> None:
    """The shipped rulesets are the law, which cannot be waived."""
    ruleset = parse_text(path.read_text(encoding="utf-8"), str(path))
    assert [rule.name for rule in ruleset.rules if rule.waivable] == []
