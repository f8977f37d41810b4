"""The rule language's lexer: Lark's basic lexer, one regular expression match per token.

Lark's basic lexer matches the whitespace and comments between two tokens as tokens of their own, then
drops them, and keeps line and column by feeding every piece through a line counter: two matches and a
dozen Python calls per token, 40 % of parsing the shipped rules. This one matches the blanks before a
token and the token in one go (`(?:blank)*+(?:token|token|...)`, the terminals in Lark's own order, so
the same alternative wins), counts newlines only in the text it skipped, and builds the `Token` directly.
It yields the same tokens, positions included (the tests compare the two on every shipped rule file and
on generated ones); anything it cannot match goes back to Lark's code, which raises Lark's own error.
"""

from __future__ import annotations

import re
from typing import Any

from lark import Token
from lark.common import LexerConf
from lark.lexer import BasicLexer, LexerState, PatternStr, UnlessCallback


class RuleLexer(BasicLexer):
    """`BasicLexer` with a faster `next_token`; pass the class as `Lark(..., lexer=RuleLexer)`."""

    __future_interface__ = 2  # Lark calls `lex(lexer_state, parser_state)`, as for its own lexers

    def __init__(self, conf: LexerConf, comparator: Any = None) -> None:
        super().__init__(conf, comparator)
        terminals = self.scanner.terminals  # Lark's order, after its keyword ("unless") rewriting
        blank = "|".join(t.pattern.to_regexp() for t in terminals if t.name in self.ignore_types)
        tokens = "|".join(
            f"(?P<{t.name}>{t.pattern.to_regexp()})" for t in terminals if t.name not in self.ignore_types
        )
        # Possessive: blanks are never given back, so a bad character after many of them fails at once.
        self._token = re.compile(f"(?:{blank})*+(?:{tokens})", self.g_regex_flags)
        self._blanks = re.compile(f"(?:{blank})*+", self.g_regex_flags)
        self._multiline = frozenset(self.newline_types)
        keywords = {kind: _keyword_types(callback) for kind, callback in self.callback.items()}
        self._keywords = {kind: types for kind, types in keywords.items() if types is not None}
        """Per terminal, Lark's retyping of a match that is a keyword (`rule` matches IDENT), as a dict
        {text: keyword terminal}: one lookup instead of a call and a regular expression per name."""
        self._callbacks = {kind: call for kind, call in self.callback.items() if kind not in self._keywords}
        """Lark's other callbacks by terminal (none for the rule language's grammar)."""

    def next_token(self, lex_state: LexerState, parser_state: Any = None) -> Token:
        counter = lex_state.line_ctr
        text = lex_state.text.text
        pos = counter.char_pos
        match = self._token.match(text, pos, lex_state.text.end)
        if match is None:  # the end, or a character no terminal matches: Lark's code says which
            blanks = self._blanks.match(text, pos, lex_state.text.end)
            _advance(counter, text, blanks.end() if blanks is not None else pos)
            return super().next_token(lex_state, parser_state)
        kind = match.lastgroup
        assert kind is not None
        start, end = match.span(kind)
        value = text[start:end]
        keywords = self._keywords.get(kind)
        if keywords is not None:
            kind = keywords.get(value, kind)
        line, line_start = counter.line, counter.line_start_pos
        if start > pos and "\n" in text[pos:start]:
            line += text.count("\n", pos, start)
            line_start = text.rindex("\n", pos, start) + 1
        token = str.__new__(Token, value)  # what Token(...) does, without its argument handling
        token.type = kind
        token.value = value
        token.start_pos = start
        token.line = line
        token.column = start - line_start + 1
        if kind in self._multiline and "\n" in value:
            line += value.count("\n")
            line_start = text.rindex("\n", start, end) + 1
        token.end_line = counter.line = line
        counter.line_start_pos = line_start
        token.end_column = counter.column = end - line_start + 1
        token.end_pos = counter.char_pos = end
        callback = self._callbacks.get(kind)
        if callback is not None:
            token = callback(token)
        lex_state.last_token = token
        return token


def _advance(counter: Any, text: str, pos: int) -> None:
    """Move Lark's line counter over skipped blanks to `pos`."""
    newlines = text.count("\n", counter.char_pos, pos)
    if newlines:
        counter.line += newlines
        counter.line_start_pos = text.rindex("\n", counter.char_pos, pos) + 1
    counter.char_pos = pos
    counter.column = pos - counter.line_start_pos + 1


def _keyword_types(callback: Any) -> dict[str, str] | None:
    """What Lark's `UnlessCallback` does, as a dict: the keyword terminals whose literal text a match may be
    (each pattern a plain string, case-sensitive), by that text. None for any other callback."""
    if not isinstance(callback, UnlessCallback):
        return None
    keywords: dict[str, str] = {}
    for terminal in callback.scanner.terminals:
        if not isinstance(terminal.pattern, PatternStr) or terminal.pattern.flags:
            return None
        keywords.setdefault(terminal.pattern.value, terminal.name)  # the first alternative wins, as in Lark
    return keywords
