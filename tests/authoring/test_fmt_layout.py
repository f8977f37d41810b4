"""The canonical layout: clause order, indentation, parentheses, wrapping, strings and comments."""

from __future__ import annotations

from pathlib import Path

import pytest
from authoring_helpers import FIXTURES, REPO, assert_golden

from gba_dataflow.core.errors import DslSyntaxError
from gba_dataflow.dsl.formatter import format_expr, format_text, unified_diff
from gba_dataflow.dsl.parser import collect_comments, parse_text

IDENTITY = [
    line
    for line in (FIXTURES / "identity_conditions.txt").read_text(encoding="utf-8").splitlines()
    if line and not line.startswith("#")
]


def formatted_condition(condition: str) -> str:
    text = format_text(f"ruleset r\n\nrule x\n  deny when {condition}\n")
    return text.split("deny when ", 1)[1].rstrip("\n")


@pytest.mark.parametrize("condition", IDENTITY)
def test_fmt_identity_conditions_come_back_unchanged(condition: str) -> None:
    assert formatted_condition(condition) == condition
    source = f"ruleset r\n\nrule x\n  deny when {condition}\n"
    assert parse_text(format_text(source)) == parse_text(source)


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("((dataset.core_data))", "dataset.core_data"),
        ("dataset.subjects>=100000", "dataset.subjects >= 100_000"),
        ("a and b or c", "(a and b) or c"),
        ("not (a == 1)", "not a == 1"),
        ("(a < 1) and (b > 2)", "a < 1 and b > 2"),
        ("x in {1,2,}", "x in {1, 2}"),
        ("transfer.date + 1 days > as_of", "transfer.date + 1 day > as_of"),
        ("(any f in xs: f) and y", "(any f in xs: f) and y"),
        ("y and (any f in xs: f)", "y and any f in xs: f"),
        ("y or (any f in xs: f and z)", "y or any f in xs: f and z"),
        ("(not any f in xs: f) and y", "not (any f in xs: f) and y"),
    ],
)
def test_fmt_uses_the_fewest_parentheses_that_keep_the_tree(written: str, canonical: str) -> None:
    assert formatted_condition(written) == canonical


def test_fmt_format_expr_prints_one_line() -> None:
    condition = parse_text("ruleset r\nrule x\n  deny when a and (b or c)\n").rules[0].condition
    assert format_expr(condition) == "a and (b or c)"


def test_fmt_orders_clauses_and_indents_them() -> None:
    text = format_text(
        'ruleset r title "T" applies when a\n'
        'rule x remedy "fix" require "do" cite "c1" "c2" because "why" deny when b\n'
        "  effective from 2024-01-01\n"
    )
    assert text == (
        'ruleset r\n  title "T"\n  applies when a\n\n'
        "rule x\n  effective from 2024-01-01\n  deny when b\n"
        '  because "why"\n  cite "c1"\n  cite "c2"\n  require "do"\n  remedy "fix"\n'
    )


def test_fmt_keeps_lets_where_they_were_with_a_blank_line_between_declarations() -> None:
    text = format_text("ruleset r\nrule a\n  deny when x\nlet x = true\nrule b\n  deny when x\n")
    assert text == "ruleset r\n\nrule a\n  deny when x\n\nlet x = true\n\nrule b\n  deny when x\n"


def test_fmt_aligns_translations_under_the_english_text() -> None:
    text = format_text(
        'ruleset r\nrule a\n  deny when x\n  because "Why." zh-Hans "为何。" zh-Hant "為何。"\n'
    )
    assert '  because "Why."\n          zh-Hans "为何。"\n          zh-Hant "為何。"\n' in text


def test_fmt_wraps_long_conditions_at_the_top_level_operator() -> None:
    condition = " and ".join(f"dataset.fields_number_{index} > {index}" for index in range(6))
    text = format_text(f"ruleset r\nrule a\n  allow when {condition}\n")
    lines = text.splitlines()
    start = lines.index("  allow when dataset.fields_number_0 > 0")
    assert lines[start + 1 : start + 6] == [f"      and dataset.fields_number_{i} > {i}" for i in range(1, 6)]


def test_fmt_aligns_nested_conditions_with_their_first_operand() -> None:
    inner = " or ".join(f"mechanisms.some_long_mechanism_name_{index}" for index in range(4))
    text = format_text(f"ruleset r\nlet x = dataset.core_data and ({inner})\n")
    assert text.splitlines()[2:] == [
        "let x = dataset.core_data",
        "    and (mechanisms.some_long_mechanism_name_0",
        "         or mechanisms.some_long_mechanism_name_1",
        "         or mechanisms.some_long_mechanism_name_2",
        "         or mechanisms.some_long_mechanism_name_3)",
    ]


def test_fmt_splits_long_texts_at_spaces_and_after_cjk_punctuation() -> None:
    english = "word " * 40
    chinese = (
        "第一句话很长很长很长很长很长很长很长很长很长很长，第二句话也很长很长很长很长很长很长很长很长很长。"
        * 2
    )
    text = format_text(
        f'ruleset r\nrule a\n  deny when x\n  because "{english.strip()}" zh-Hans "{chinese}"\n'
    )
    assert all(len(line) <= 110 for line in text.splitlines())
    assert '"word word' in text and 'word "\n          "word' in text
    assert '，"\n' in text
    assert (
        parse_text(text).rules[0].because
        == parse_text(
            f'ruleset r\nrule a\n  deny when x\n  because "{english.strip()}" zh-Hans "{chinese}"\n'
        )
        .rules[0]
        .because
    )


def test_fmt_escapes_strings_and_interpolations() -> None:
    source = (
        'ruleset r\nrule a\n  deny when x == "a\\"b\\\\c"\n  because "{{literal}} and { dataset.subjects }"\n'
    )
    text = format_text(source)
    assert 'deny when x == "a\\"b\\\\c"' in text
    assert 'because "{{literal}} and {dataset.subjects}"' in text
    assert parse_text(text) == parse_text(source)


def test_fmt_keeps_comments_next_to_their_code() -> None:
    source = (
        "# header\n\nruleset r  # the ruleset\n"
        "# about x\nlet x = true\n"
        'rule a\n  # why b\n  because "b"\n  deny when x and  # first\n    y\n'
        "# about the end\n"
    )
    text = format_text(source)
    assert text == (
        "# header\n\nruleset r  # the ruleset\n\n# about x\nlet x = true\n\n"
        'rule a\n  deny when x and y  # first\n  # why b\n  because "b"\n# about the end\n'
    )
    assert format_text(text) == text


def test_fmt_keeps_a_comment_inside_a_wrapped_condition_before_its_operand() -> None:
    operands = [f"dataset.long_field_name_number_{index}" for index in range(5)]
    source = (
        "ruleset r\nrule a\n  deny when "
        + "\n    # about two\n    and ".join([" and ".join(operands[:2]), " and ".join(operands[2:])])
        + "\n"
    )
    text = format_text(source)
    assert (
        "      and dataset.long_field_name_number_1\n"
        "      # about two\n"
        "      and dataset.long_field_name_number_2" in text
    )
    assert format_text(text) == text


def test_fmt_messy_file_matches_its_golden_output() -> None:
    source = (FIXTURES / "fmt" / "messy.rules").read_text(encoding="utf-8")
    text = format_text(source, "messy.rules")
    assert_golden("fmt_messy.rules", text)
    assert parse_text(text) == parse_text(source)
    assert format_text(text) == text


def test_fmt_rejects_text_that_does_not_parse() -> None:
    with pytest.raises(DslSyntaxError):
        format_text("ruleset r\nrule a\n  deny when\n")


def test_fmt_unified_diff_names_the_file() -> None:
    diff = unified_diff("a\n", "b\n", "x.rules")
    assert diff.startswith("--- x.rules (current)\n+++ x.rules (formatted)\n")
    assert unified_diff("a\n", "a\n", "x.rules") == ""


def rule_files() -> list[Path]:
    return sorted([*(REPO / "rules").glob("*.rules"), *FIXTURES.rglob("*.rules")])


@pytest.mark.parametrize("path", rule_files(), ids=lambda path: path.name)
def test_fmt_keeps_the_ast_of_every_rule_file_and_is_idempotent(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    try:
        original = parse_text(source, str(path))
    except DslSyntaxError:
        pytest.skip("the file does not parse (tested by `rules check`)")
    text = format_text(source, str(path))
    assert parse_text(text, str(path)) == original
    assert format_text(text, str(path)) == text
    assert [comment for _, comment in collect_comments(text)] == [
        comment.rstrip() for _, comment in collect_comments(source)
    ]


def test_fmt_keeps_header_comments_with_their_clauses() -> None:
    source = (
        "ruleset r\n"
        "  # the scope\n"
        "  applies when a\n"
        '  default cite "x" # first citation\n'
        "  # the title comes first\n"
        '  title "T"\n'
        "let s = {1, 2,\n  # inside a set\n  3}\n"
    )
    text = format_text(source)
    assert text == (
        "ruleset r\n"
        "  # the title comes first\n"
        '  title "T"\n'
        "  # the scope\n"
        "  applies when a\n"
        '  default cite "x"  # first citation\n\n'
        "# inside a set\n"
        "let s = {1, 2, 3}\n"
    )
    assert format_text(text) == text
