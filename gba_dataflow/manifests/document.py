"""The parsed, not yet validated form of a manifest, and the text it came from (for diagnostics)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from gba_dataflow.core.errors import Diagnostic, ManifestError, Severity
from gba_dataflow.core.source import Span, caret_excerpt

Position = tuple[int, int]
"""A 1-based (line, column)."""

MAX_DEPTH = 64
"""Deepest nesting of mappings and lists accepted (a manifest needs 5)."""

# YAML line breaks (libyaml counts all of these); JSON only knows "\n".
_YAML_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")
_JSON_BREAK = re.compile(r"\n")
_RARE_BREAKS = ("\x85", "\u2028", "\u2029")
_WORD = r"(?:[^\s,\[\]{}#:]|:(?=[^\s,\[\]{}]))+"
_TOKEN = re.compile(rf'"(?:[^"\\]|\\.)*"?|\'(?:[^\']|\'\')*\'?|{_WORD}(?:[ \t]+{_WORD})*')
_MAX_EXCERPT = 200


class SourceText:
    """The decoded text of one manifest, turning positions into spans, excerpts and diagnostics."""

    __slots__ = ("_breaks", "_lines", "path", "text")

    def __init__(self, path: str, text: str, *, yaml: bool = True) -> None:
        self.path = path
        self.text = text
        self._breaks = _YAML_BREAK if yaml else _JSON_BREAK
        self._lines: list[str] | None = None

    def line_text(self, line: int) -> str:
        """The text of a 1-based line without its line break ('' when out of range)."""
        if self._lines is None:
            text = self.text
            rare = "\r" in text or (self._breaks is _YAML_BREAK and any(c in text for c in _RARE_BREAKS))
            self._lines = self._breaks.split(text) if rare else text.split("\n")
        return self._lines[line - 1] if 1 <= line <= len(self._lines) else ""

    def position_of(self, offset: int) -> Position:
        """The 1-based (line, column) of a 0-based character offset."""
        offset = max(0, min(offset, len(self.text)))
        line, line_start = 1, 0
        for match in self._breaks.finditer(self.text, 0, offset):
            line += 1
            line_start = match.end()
        return line, offset - line_start + 1

    def diagnostic(
        self,
        code: str,
        message: str,
        position: Position | None,
        *,
        json_path: str | None = None,
        hint: str | None = None,
        severity: Severity = Severity.ERROR,
        notes: tuple[str, ...] = (),
    ) -> Diagnostic:
        """A diagnostic located at `position`, with a caret excerpt of its line."""
        if position is None:
            return Diagnostic(code, message, None, hint, severity, json_path, None, notes)
        line, column = position
        text = self.line_text(line)
        width = _token_width(text, column)
        span = Span(self.path, line, column, line, column + width)
        excerpt = (
            caret_excerpt(text[:_MAX_EXCERPT], column, width) if text and column <= _MAX_EXCERPT else None
        )
        return Diagnostic(code, message, span, hint, severity, json_path, excerpt, notes)

    def error(self, code: str, message: str, position: Position | None, **kwargs: Any) -> ManifestError:
        """A `ManifestError` holding one located diagnostic."""
        return ManifestError(diagnostics=[self.diagnostic(code, message, position, **kwargs)])


def _token_width(line_text: str, column: int) -> int:
    """How many characters the token starting at `column` spans (at least 1), to size the caret."""
    match = _TOKEN.match(line_text, column - 1)
    if match is None or match.end() == match.start():
        return 1
    return min(match.end() - match.start(), _MAX_EXCERPT)


@dataclass(slots=True)
class ParsedDocument:
    """A manifest as read from YAML or JSON: plain data plus where every value and key stands."""

    data: Any
    positions: dict[str, Position] = field(default_factory=dict)
    key_positions: dict[str, Position] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def value_position(self, pointer: str) -> Position:
        """Where the value at `pointer` stands, else its nearest enclosing value (else line 1)."""
        while pointer not in self.positions:
            if not pointer:
                return (1, 1)
            pointer = pointer[: pointer.rfind("/")]
        return self.positions[pointer]

    def key_position(self, pointer: str) -> Position:
        """Where the key of `pointer` stands (its value for list items and the document)."""
        found = self.key_positions.get(pointer)
        return found if found is not None else self.value_position(pointer)
