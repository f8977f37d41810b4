"""`rules check` knows the schema's patterns (E217): a literal a field can never hold is an error."""

from __future__ import annotations

import pytest

from gba_dataflow.core.codes import CODES
from gba_dataflow.dsl.checker import check_rulesets
from gba_dataflow.dsl.parser import parse_text
from gba_dataflow.engine.rulebook import manifest_catalog


def _findings(condition: str) -> list[tuple[str, str | None]]:
    text = f'ruleset x\n\nrule r\n  deny when {condition}\n  because "x"\n  cite "c"\n'
    result = check_rulesets([parse_text(text, "x.rules")], manifest_catalog())
    return [(d.code, d.hint) for d in result.diagnostics if d.code == "E217"]


@pytest.mark.parametrize(
    ("condition", "hint"),
    [
        ('transfer.origin.region == "Guangdong"', 'did you mean "CN-GD"?'),
        ('transfer.origin.region == "广东省"', 'did you mean "CN-GD"?'),
        ('"Hong Kong" == transfer.destination.region', 'did you mean "HK"?'),
        ('exporter.region in {"cn-gd", "MO"}', 'did you mean "CN-GD"?'),
        ('recipient.region != "Macau"', 'did you mean "MO"?'),
        ('id == "My Manifest"', 'did you mean "my-manifest"?'),
    ],
)
def test_a_literal_the_pattern_cannot_match_is_an_error_with_did_you_mean(condition: str, hint: str) -> None:
    assert _findings(condition) == [("E217", hint)]


@pytest.mark.parametrize(
    "condition",
    [
        'transfer.origin.region == "CN-GD"',
        'transfer.origin.region in {"HK", "MO", "CN-BJ"}',
        'transfer.origin.region contains "CN-"',
        'exporter.city == "Shenzhen"',
    ],
)
def test_literals_that_can_match_pass(condition: str) -> None:
    assert _findings(condition) == []


def test_a_pattern_without_a_likely_meaning_names_the_pattern() -> None:
    ((code, hint),) = _findings('transfer.origin.region == "Greater Bay Area"')
    assert code == "E217" and hint is not None and "^[A-Z]{2}" in hint


def test_the_code_explains_itself_with_its_own_examples() -> None:
    code = CODES["E217"]
    assert _findings(code.bad.removeprefix("applies when ")) and not _findings(
        code.good.removeprefix("applies when ")
    )
