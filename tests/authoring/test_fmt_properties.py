"""Formatter properties: parsing the formatted text of any ruleset gives the same AST, formatting is
idempotent, and every comment survives."""

from __future__ import annotations

import re

from authoring_strategies import exprs, rulesets
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gba_dataflow.dsl import nodes
from gba_dataflow.dsl.formatter import format_ruleset, format_text
from gba_dataflow.dsl.parser import collect_comments, parse_text

PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY_SETTINGS
@given(rulesets)
def test_fmt_of_a_generated_ruleset_parses_back_to_an_equal_ast_and_is_idempotent(
    ruleset: nodes.Ruleset,
) -> None:
    text = format_ruleset(ruleset)
    assert parse_text(text) == ruleset, text
    assert format_text(text) == text


@PROPERTY_SETTINGS
@given(exprs)
def test_fmt_keeps_any_expression_with_the_fewest_safe_parentheses(expr: nodes.Expr) -> None:
    ruleset = nodes.Ruleset(name="r", rules=(nodes.Rule(name="x", effect="deny", condition=expr),))
    text = format_ruleset(ruleset)
    assert parse_text(text).rules[0].condition == expr, text


@settings(max_examples=60, deadline=None)
@given(rulesets)
def test_fmt_at_a_narrow_width_still_keeps_the_ast(ruleset: nodes.Ruleset) -> None:
    text = format_ruleset(ruleset, width=30)
    assert parse_text(text) == ruleset, text
    assert format_text(text, width=30) == text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rulesets, st.data())
def test_fmt_keeps_every_comment_wherever_it_was_written(ruleset: nodes.Ruleset, data: st.DataObject) -> None:
    lines = format_ruleset(ruleset).splitlines()
    commented: list[str] = []
    for number, line in enumerate(lines):
        if data.draw(st.booleans(), label=f"own-line comment before line {number}"):
            commented.append(f"# note {number}")
        trailing = data.draw(st.booleans(), label=f"trailing comment on line {number}") and line.strip()
        commented.append(f"{line}  # end {number}" if trailing else line)
    source = "\n".join(commented) + "\n"
    text = format_text(source)
    assert parse_text(text) == ruleset
    # Trailing comments that end up on one line are joined (`# a  # b`): compare the comments one by one.
    assert sorted(
        part for _, comment in collect_comments(text) for part in re.split("  (?=#)", comment)
    ) == sorted(comment for _, comment in collect_comments(source))
    assert format_text(text) == text
