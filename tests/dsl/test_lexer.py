"""The rule lexer gives exactly the tokens of Lark's basic lexer, positions included, and its errors."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lark.exceptions import UnexpectedCharacters
from lark.lexer import BasicLexer, LexerState
from lark.utils import TextSlice

from gba_dataflow.dsl.lexer import RuleLexer
from gba_dataflow.dsl.parser import _parser

ROOT = Path(__file__).resolve().parents[2]
RULE_FILES = sorted((ROOT / "rules").glob("*.rules"))


def tokens(lexer_class: type[BasicLexer], text: str) -> list[tuple[Any, ...]] | tuple[str, int, int, int]:
    """Every token with its positions, or where the lexer stopped with an error."""
    lexer = lexer_class(_parser().lexer_conf)
    state = LexerState(TextSlice.cast_from(text))
    try:
        return [
            (t.type, t.value, str(t), t.start_pos, t.line, t.column, t.end_line, t.end_column, t.end_pos)
            for t in lexer.lex(state, None)
        ]
    except UnexpectedCharacters as error:
        return ("error", error.pos_in_stream, error.line, error.column)


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.name)
def test_the_shipped_rules_lex_as_with_lark(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    ours = tokens(RuleLexer, text)
    assert isinstance(ours, list) and len(ours) > 500
    assert ours == tokens(BasicLexer, text)


PIECES = [
    "rule",
    "ruleset",
    "rules",
    "deny",
    "allow",
    "when",
    "and",
    "android",
    "not in",
    "any",
    "x",
    "dataset.fields",
    ".name",
    "==",
    "<=",
    "<",
    "+",
    "-",
    "10",
    "1_000",
    "2.5",
    "2026-11-27",
    "2026-1-1",
    "days",
    '"text"',
    '"es\\"caped"',
    '"unterminated',
    "zh-Hans",
    "zh-Hant",
    "zh",
    "{",
    "}",
    "(",
    ")",
    ",",
    ":",
    "=",
    "# comment",
    " ",
    "  ",
    "\t",
    "\n",
    "\r\n",
    "\n\n  ",
    "@",
    "é",
    "核",
    "\x00",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_any_text_lexes_as_with_lark(text: str) -> None:
    """The same tokens, or the same error at the same place."""
    assert tokens(RuleLexer, text) == tokens(BasicLexer, text)


def test_many_blanks_before_a_bad_character_fail_at_once() -> None:
    """The blanks before a token are matched possessively: no backtracking through them."""
    text = "rule x deny when" + " \n" * 5000 + "@"
    start = time.perf_counter()
    result = tokens(RuleLexer, text)
    assert result == tokens(BasicLexer, text)
    assert time.perf_counter() - start < 5  # a catastrophic backtrack would take far longer
