"""The table-driven parse loop builds exactly Lark's trees, and leaves every error to Lark."""

from __future__ import annotations

import contextlib
import gc
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lark.exceptions import UnexpectedInput
from test_parser import KEYWORDS

from gba_dataflow.core.errors import DslSyntaxError
from gba_dataflow.dsl.lalr import TableParser
from gba_dataflow.dsl.parser import _parser, parse_text

ROOT = Path(__file__).resolve().parents[2]
RULE_FILES = sorted([*(ROOT / "rules").glob("*.rules"), *(ROOT / "tests").rglob("*.rules")])


def both(text: str, start: str = "start") -> tuple[Any, Any]:
    """(our tree or None, Lark's tree or the type of its error)."""
    ours = TableParser(_parser()).parse(text, start)
    try:
        theirs: Any = _parser().parse(text, start=start)
    except UnexpectedInput as error:
        theirs = type(error)
    return ours, theirs


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_rule_file_gives_larks_tree_or_leaves_its_error_to_lark(path: Path) -> None:
    ours, theirs = both(path.read_text(encoding="utf-8"))
    if isinstance(theirs, type):
        assert ours is None, path  # a file with a syntax error: Lark reports it
    else:
        assert ours == theirs and ours is not None


def test_the_items_start_gives_larks_tree() -> None:
    text = (ROOT / "rules" / "hong_kong_pdpo.rules").read_text(encoding="utf-8")
    body = text[text.index("\nrule ") :]
    ours, theirs = both(body, "items")
    assert ours is not None and ours == theirs


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(KEYWORDS), max_size=40), st.sampled_from(["start", "items"]))
def test_any_token_soup_gives_larks_tree_or_none_where_lark_raises(tokens: list[str], start: str) -> None:
    ours, theirs = both(("ruleset x\n" if start == "start" else "") + " ".join(tokens), start)
    if isinstance(theirs, type):
        assert ours is None
    else:
        assert ours == theirs


@pytest.mark.parametrize("was_enabled", [True, False])
@pytest.mark.parametrize("text", ["ruleset x\nrule y deny when a == 1\n", "ruleset x\nrule y deny when (\n"])
def test_parsing_pauses_the_garbage_collector_and_restores_it(was_enabled: bool, text: str) -> None:
    enabled = gc.isenabled()
    try:
        gc.enable() if was_enabled else gc.disable()
        with contextlib.suppress(DslSyntaxError):
            parse_text(text)
        assert gc.isenabled() is was_enabled
    finally:
        gc.enable() if enabled else gc.disable()
