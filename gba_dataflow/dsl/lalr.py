"""Lark's LALR parse of a rule file, run by a loop of our own over Lark's own tables.

Lark's parser loop (`ParserState.feed_token`) spends much of a parse on Python-level dunder calls: a reduce
looks its rule up in a dict keyed by `Rule` objects (a `__hash__` call), asserts the rule `!=` the end state
(a `Rule.__eq__` call), and looks the rule's goto up by its name, a `Token` (a `Token.__eq__` call). This
loop runs the same tables with the same tree-building callbacks, but keeps each action as a tuple keyed by
plain strings: `(True, state)` for a shift, `(False, size, callback, name)` for a reduce. It builds exactly
Lark's tree (a test compares them on every shipped rule file and on generated ones); on anything unexpected
(a character no terminal matches, a token no action takes) it gives up and the caller runs Lark's parser,
which raises Lark's own error.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from itertools import chain
from typing import Any

from lark import Lark, Tree
from lark.exceptions import UnexpectedInput
from lark.lexer import LexerState
from lark.parsers.lalr_analysis import Shift
from lark.utils import TextSlice

_Action = tuple[Any, ...]


class TableParser:
    """Parse with the tables of `lark` (an LALR parser without a transformer; see the module's docstring)."""

    def __init__(self, lark: Lark) -> None:
        frontend: Any = lark.parser
        parser = frontend.parser.parser  # ParsingFrontend -> LALR_Parser -> lalr_parser._Parser
        table = parser.parse_table
        callbacks: dict[Any, Callable[[list[Any]], Any]] = parser.callbacks
        if any(isinstance(key, str) for key in callbacks):  # pragma: no cover - terminal callbacks: none here
            raise ValueError("terminal callbacks are not supported")
        self._lexer = frontend.lexer
        self._start_states: dict[str, int] = dict(table.start_states)
        self._end_states: dict[str, int] = dict(table.end_states)
        self._states: dict[int, dict[str, _Action]] = {
            state: {
                sys.intern(str(key)): _action(action, arg, callbacks) for key, (action, arg) in row.items()
            }
            for state, row in table.states.items()
        }

    def parse(self, text: str, start: str) -> Tree[Any] | None:
        """The tree Lark builds for `text` from the rule `start`, or None where Lark must report an error."""
        states = self._states
        end_state = self._end_states[start]
        state_stack = [self._start_states[start]]
        values: list[Any] = []
        try:
            for token in chain(self._lexer.lex(LexerState(TextSlice.cast_from(text)), None), (_END,)):
                kind = token.type
                while True:
                    action = states[state_stack[-1]].get(kind)
                    if action is None:
                        return None
                    if action[0]:  # shift (never the end: Lark's tables reduce it to the end state)
                        if token is _END:
                            return None
                        state_stack.append(action[1])
                        values.append(token)
                        break
                    _, size, callback, name = action  # reduce
                    if size:
                        children = values[-size:]
                        del state_stack[-size:]
                        del values[-size:]
                    else:
                        children = []
                    values.append(callback(children))
                    state_stack.append(states[state_stack[-1]][name][1])
                    if token is _END and state_stack[-1] == end_state:
                        tree: Tree[Any] = values[-1]
                        return tree
        except UnexpectedInput:
            return None
        return None  # pragma: no cover - the end token always ends the loop above


class _End:
    """The end of the input, as the parser sees it (Lark's `$END` token, which no tree holds)."""

    type = "$END"


_END = _End()


def _action(action: Any, arg: Any, callbacks: dict[Any, Callable[[list[Any]], Any]]) -> _Action:
    if action is Shift:
        return (True, arg)
    return (False, len(arg.expansion), callbacks[arg], sys.intern(str(arg.origin.name)))
