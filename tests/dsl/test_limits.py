"""The limits of a rule file (dsl/limits.py), at the parser."""

from __future__ import annotations

import pytest

from gba_dataflow.core.errors import DslSyntaxError
from gba_dataflow.dsl import limits
from gba_dataflow.dsl.formatter import format_ruleset
from gba_dataflow.dsl.parser import parse_text

HEAD = "ruleset r\nrule a\n  deny when "
TAIL = '\n  because "x"\n'


def problems(condition: str) -> list[tuple[str, int, int]]:
    with pytest.raises(DslSyntaxError) as caught:
        parse_text(HEAD + condition + TAIL, "r.rules")
    return [(d.code, d.line or 0, d.column or 0) for d in caught.value.diagnostics]


def test_nesting_is_refused_at_the_first_level_past_the_limit() -> None:
    assert problems("not " * limits.MAX_DEPTH + "dataset.core_data") == [
        ("E150", 3, 13 + 4 * limits.MAX_DEPTH)
    ]
    parse_text(HEAD + "not " * (limits.MAX_DEPTH - 1) + "dataset.core_data" + TAIL)


def test_nesting_far_too_deep_is_one_error_where_it_passes_the_limit() -> None:
    """Lark's LALR parser builds the nodes without recursion, so 3,000 levels parse; the limit is then
    reported once, at the first level past it (the 65th `not`)."""
    ((code, line, column),) = problems("not " * 3000 + "dataset.core_data")
    assert (code, line, column) == ("E150", 3, 13 + 4 * limits.MAX_DEPTH)


@pytest.mark.parametrize(
    ("literal", "refused"),
    [
        ("9" * 18, False),
        ("9" * 19, True),
        ("999_999_999_999_999.5", False),
        ("1_000_000_000_000_000.5", True),
        ("0." + "0" * 17 + "1", False),
        ("0." + "0" * 18 + "1", True),
    ],
)
def test_number_literals_at_and_past_the_limits(literal: str, refused: bool) -> None:
    text = HEAD + f"dataset.subjects > {literal}" + TAIL
    if refused:
        assert [code for code, _, _ in problems(f"dataset.subjects > {literal}")] == ["E152"]
    else:
        ruleset = parse_text(text)
        assert parse_text(format_ruleset(ruleset)).rules[0].condition == ruleset.rules[0].condition


def test_durations_past_the_limit_are_refused() -> None:
    parse_text(HEAD + f"transfer.date + {limits.MAX_DURATION_DAYS} days > as_of" + TAIL)
    assert problems(f"transfer.date + {limits.MAX_DURATION_DAYS + 1} days > as_of") == [("E152", 3, 29)]


def test_file_size_and_expression_count(monkeypatch: pytest.MonkeyPatch) -> None:
    many = " or ".join(["dataset.core_data"] * (limits.MAX_NODES + 10))
    assert [code for code, _, _ in problems(many)] == ["E151"]
    monkeypatch.setenv(limits.RULE_BYTES_ENV, "100")
    assert problems("dataset.core_data or dataset.core_data or dataset.core_data") == [("E151", 1, 1)]
