"""W211 never fires, W212 shadowed allow, W213 missing translation: found when real, silent otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest
from authoring_helpers import FIXTURES, REPO

from gba_dataflow.core.codes import CODES
from gba_dataflow.core.errors import Diagnostic, DslSyntaxError
from gba_dataflow.dsl.checker import check_rulesets
from gba_dataflow.dsl.parser import parse_text
from gba_dataflow.engine.rulebook import manifest_catalog

HEADER = "ruleset demo\n  applies when as_of >= 2024-01-01\n"


def rule(name: str, effect: str, condition: str, extra: str = "", because: str = '"x"') -> str:
    return f'rule {name}\n{extra}  {effect} when {condition}\n  because {because}\n  cite "c"\n'


def findings(text: str, code: str | None = None) -> list[Diagnostic]:
    result = check_rulesets([parse_text(text, "t.rules")], manifest_catalog())
    return [d for d in result.diagnostics if code is None or d.code == code]


def underlined(diagnostic: Diagnostic, text: str) -> str:
    assert diagnostic.span is not None
    line = text.splitlines()[diagnostic.span.line - 1]
    return line[diagnostic.span.column - 1 : diagnostic.span.end_column - 1]


@pytest.mark.parametrize(
    ("condition", "extra", "message"),
    [
        (
            "dataset.subjects < 5 and dataset.subjects > 10",
            "",
            "`dataset.subjects < 5` and `dataset.subjects > 10` cannot both hold",
        ),
        ("dataset.subjects >= 10 and dataset.subjects < 10", "", "cannot both hold"),
        ('transfer.exemption == "hr" and transfer.exemption == "contract"', "", "cannot both hold"),
        ('transfer.exemption in {"hr", "contract"} and transfer.exemption == "none"', "", "cannot both hold"),
        ('transfer.exemption in {"hr"} and transfer.exemption != "hr"', "", "cannot both hold"),
        ("transfer.date > 2025-01-01 and 2024-01-01 > transfer.date", "", "cannot both hold"),
        (
            "dataset.core_data and not dataset.core_data",
            "",
            "`dataset.core_data` and `not dataset.core_data`",
        ),
        ("dataset.core_data == true and dataset.core_data == false", "", "cannot both hold"),
        ("false", "", "`false` never holds"),
        ("dataset.core_data and (dataset.subjects > 5 and dataset.subjects < 2)", "", "cannot both hold"),
        (
            "as_of < 2024-05-01",
            "  effective from 2024-06-01\n",
            "its window (`effective from 2024-06-01`) and `as_of < 2024-05-01` cannot both hold",
        ),
        (
            "dataset.core_data",
            "  effective until 2023-06-01\n",
            "`as_of >= 2024-01-01` (from the `applies when` of ruleset `demo`) and its window",
        ),
    ],
)
def test_w211_contradictions_are_found(condition: str, extra: str, message: str) -> None:
    (found,) = findings(HEADER + rule("r", "deny", condition, extra), "W211")
    assert message in found.message
    assert found.message.startswith("rule `r` can never fire")
    assert found.hint


def test_w211_points_at_the_conjunct_that_contradicts() -> None:
    text = HEADER + rule("r", "deny", "dataset.subjects < 5 and dataset.subjects > 10")
    (found,) = findings(text, "W211")
    assert underlined(found, text) == "dataset.subjects > 10"


def test_w211_looks_into_lets() -> None:
    text = (
        HEADER
        + "let big = dataset.subjects > 100 and dataset.core_data\n"
        + rule("r", "deny", "big and dataset.subjects <= 100")
    )
    (found,) = findings(text, "W211")
    assert "`dataset.subjects > 100` and `dataset.subjects <= 100`" in found.message
    text = (
        HEADER
        + 'let spi = any f in dataset.fields: f.category == "personal"\n'
        + rule("r", "deny", "spi and not spi")
    )
    assert findings(text, "W211")


def test_w211_reports_a_ruleset_that_never_applies_once() -> None:
    text = "ruleset demo\n  applies when transfer.date > 2025-01-01 and transfer.date < 2024-01-01\n" + rule(
        "r", "deny", "dataset.core_data"
    )
    (found,) = findings(text, "W211")
    assert found.message.startswith("ruleset `demo` never applies")


@pytest.mark.parametrize(
    "condition",
    [
        "dataset.subjects > 5 and dataset.subjects < 10",
        "dataset.subjects >= 10 and dataset.subjects <= 10",
        'transfer.exemption in {"hr", "contract"} and transfer.exemption != "hr"',
        "dataset.core_data or not dataset.core_data",
        "dataset.subjects > 5 and dataset.sensitive_subjects < 5",
        "(dataset.subjects < 5 or dataset.subjects > 10) and dataset.subjects > 7",
        'dataset.subjects > 5 and transfer.exemption == "hr"',
        "true",
    ],
)
def test_w211_is_silent_when_the_condition_can_hold(condition: str) -> None:
    assert findings(HEADER + rule("r", "deny", condition), "W211") == []


def test_w212_an_allow_implied_by_a_deny_is_shadowed() -> None:
    text = (
        HEADER
        + rule("core", "deny", "dataset.core_data")
        + rule("small_core", "allow", "dataset.core_data and dataset.subjects < 100")
    )
    (found,) = findings(text, "W212")
    assert (
        found.message
        == "allow rule `small_core` can never decide: deny rule `core` (line 3) holds whenever it does"
    )
    assert found.hint == "narrow `core` (e.g. `and not ...`) or remove `small_core`"
    assert found.line == 7


def test_w212_same_condition_opposite_effects_over_overlapping_windows() -> None:
    text = (
        HEADER
        + rule("d", "deny", "dataset.core_data", "  effective until 2025-01-01\n")
        + rule("a", "allow", "dataset.core_data", "  effective from 2024-06-01\n")
    )
    (found,) = findings(text, "W212")
    assert (
        "have the same condition: they always fire together from 2024-06-01 until 2025-01-01" in found.message
    )


def test_w212_looks_through_lets_and_true() -> None:
    text = (
        HEADER
        + "let risky = dataset.core_data and exporter.ciio\n"
        + rule("d", "deny", "risky")
        + rule("a", "allow", "exporter.ciio and dataset.subjects < 5 and dataset.core_data")
    )
    assert len(findings(text, "W212")) == 1
    assert (
        len(findings(HEADER + rule("d", "deny", "true") + rule("a", "allow", "dataset.core_data"), "W212"))
        == 1
    )


@pytest.mark.parametrize(
    ("deny", "allow", "extra_deny", "extra_allow"),
    [
        ("dataset.core_data and exporter.ciio", "dataset.core_data", "", ""),
        ("dataset.core_data", "not dataset.core_data", "", ""),
        (
            "dataset.core_data",
            "dataset.core_data",
            "  effective until 2024-06-01\n",
            "  effective from 2024-06-01\n",
        ),
    ],
)
def test_w212_is_silent_when_the_allow_can_decide(
    deny: str, allow: str, extra_deny: str, extra_allow: str
) -> None:
    text = HEADER + rule("d", "deny", deny, extra_deny) + rule("a", "allow", allow, extra_allow)
    assert findings(text, "W212") == []


def test_w213_a_missing_translation_is_reported_per_kind_of_text() -> None:
    text = (
        HEADER
        + rule("a", "deny", "dataset.core_data", because='"A." zh-Hans "甲。" zh-Hant "甲。"')
        + rule("b", "deny", "exporter.ciio", because='"B." zh-Hans "乙。"')
        + '  remedy "no translation, and no other remedy has one"\n'
    )
    (found,) = findings(text, "W213")
    assert found.message == (
        "the `because` of rule `b` has no zh-Hant translation, "
        "which other `because` texts of ruleset `demo` have"
    )
    assert found.hint == 'add `zh-Hant "..."` on the line after the English text'
    assert found.line == 9


def test_every_check_code_explains_itself_with_a_bad_and_a_good_example() -> None:
    for code in CODES.values():
        if code.code[1] in "12":
            assert code.bad and code.good and code.explanation, code.code


def test_the_fixture_demo_ruleset_is_clean() -> None:
    assert findings((FIXTURES / "rules" / "demo.rules").read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("path", sorted((REPO / "rules").glob("*.rules")), ids=lambda path: path.name)
def test_the_shipped_rules_have_no_w211_or_w212(path: Path) -> None:
    try:
        ruleset = parse_text(path.read_text(encoding="utf-8"), str(path))
    except DslSyntaxError:
        pytest.skip("the shipped rules do not parse right now")
    result = check_rulesets([ruleset], manifest_catalog())
    assert [d.render() for d in result.diagnostics if d.code in ("W211", "W212")] == []
