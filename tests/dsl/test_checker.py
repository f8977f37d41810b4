"""Static checks: each code is reported with its position and a useful hint."""

from __future__ import annotations

import pytest

from gba_dataflow.dsl.checker import check_rulesets
from gba_dataflow.dsl.parser import parse_text
from gba_dataflow.engine.rulebook import manifest_catalog

HEADER = "ruleset demo\n"


def findings(*texts: str) -> list[tuple[str, int, int, str | None]]:
    rulesets = [parse_text(text, f"f{index}.rules") for index, text in enumerate(texts)]
    result = check_rulesets(rulesets, manifest_catalog())
    return [(d.code, d.line or 0, d.column or 0, d.hint) for d in result.diagnostics]


def rule(condition: str, extra: str = "") -> str:
    return HEADER + f'rule r\n  deny when {condition}\n  because "x"\n  cite "c"\n{extra}'


def codes(*texts: str) -> list[str]:
    return [code for code, *_ in findings(*texts)]


def test_a_clean_ruleset_has_no_findings() -> None:
    assert findings(rule('dataset.subjects >= 100_000 and transfer.exemption == "contract"')) == []


def test_unknown_path_with_did_you_mean() -> None:
    ((code, line, column, hint),) = findings(rule("dataset.subject > 10"))
    assert (code, line, column) == ("E201", 3, 13)
    assert hint == "did you mean `dataset.subjects`?"


def test_unknown_path_inside_a_quantifier() -> None:
    ((code, _, _, hint),) = findings(rule('any f in dataset.fields: f.categry == "personal"'))
    assert code == "E201"
    assert hint == "did you mean `f.category`?"


@pytest.mark.parametrize(
    "condition",
    [
        'dataset.subjects == "many"',
        "transfer.date > 5",
        "dataset.core_data < true",
        "dataset.subjects",
        "not transfer.purpose",
        "transfer.date + 3 > as_of",
        'dataset.fields contains "x" and any f in dataset.subjects: f',
    ],
)
def test_type_mismatches(condition: str) -> None:
    assert "E202" in codes(rule(condition))


def test_literal_outside_an_enum() -> None:
    ((code, _, _, hint),) = findings(rule('transfer.exemption == "contracts"'))
    assert code == "E203" and hint == "did you mean `contract`?"
    assert codes(rule('transfer.exemption in {"hr", "holiday"}')) == ["E203"]


def test_duplicate_rule_and_ruleset_ids() -> None:
    text = rule("dataset.core_data") + 'rule r\n  deny when dataset.core_data\n  because "x"\n  cite "c"\n'
    assert codes(text) == ["E204"]
    assert codes(rule("dataset.core_data"), rule("dataset.core_data")) == ["E205"]


def test_undefined_and_unused_lets() -> None:
    assert codes(rule("spi")) == ["E206"]
    assert codes("let unused = dataset.core_data\n".join([HEADER, ""]) + rule("true")[len(HEADER) :]) == [
        "W207"
    ]


def test_missing_because_and_cite() -> None:
    assert codes(HEADER + "rule r\n  deny when dataset.core_data\n") == ["E208", "E209"]


def test_empty_window() -> None:
    text = (
        HEADER
        + "rule r\n  effective from 2025-01-01 until 2024-01-01\n"
        + '  deny when true\n  because "x"\n  cite "c"\n'
    )
    assert "E210" in codes(text)


def test_functions_are_known_and_called_rightly() -> None:
    assert codes(rule("size(dataset.fields) > 3")) == ["E214"]
    assert codes(rule("days_between(transfer.date) > 3")) == ["E214"]
    assert codes(rule("has(1)")) == ["E214"]
    assert (
        codes(
            rule(
                "working_days_between(mechanisms.standard_contract.effective_on, "
                "mechanisms.standard_contract.filed_on) > 10"
            )
        )
        == []
    )


def test_interpolations_are_checked() -> None:
    text = (
        HEADER + 'rule r\n  deny when any f in dataset.fields: f.category == "personal"\n'
        '  because "{f.nme} and {dataset.subjects}"\n  cite "c"\n'
    )
    assert codes(text) == ["E215"]


def test_findings_are_sorted_and_carry_excerpts() -> None:
    rulesets = [parse_text(rule("dataset.subject > 1 and dataset.core > 2"), "f.rules")]
    result = check_rulesets(rulesets, manifest_catalog())
    assert [d.column for d in result.diagnostics] == [13, 37]
    assert result.diagnostics[0].excerpt is not None and "^" in result.diagnostics[0].excerpt
