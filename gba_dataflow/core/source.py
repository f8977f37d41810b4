"""Source files and spans: where a piece of text came from, for precise error messages."""

from __future__ import annotations

import bisect
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

STDIN = "-"
"""The input path that names standard input."""


class Span(NamedTuple):
    """A region of a source file. Lines and columns are 1-based; offsets are 0-based.

    A named tuple rather than a frozen dataclass: a parse makes thousands of spans and the rules cache
    loads them, and a tuple is made faster than an object with fields."""

    path: str
    line: int
    column: int
    end_line: int = 0
    end_column: int = 0
    start: int = -1
    end: int = -1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True)
class SourceFile:
    """The full text of one input file, with a line index for offset -> (line, column)."""

    path: str
    text: str

    @cached_property
    def line_starts(self) -> list[int]:
        starts = [0]
        find, index = self.text.find, self.text.find("\n")
        while index != -1:
            starts.append(index + 1)
            index = find("\n", index + 1)
        return starts

    def position(self, offset: int) -> tuple[int, int]:
        """Return the 1-based (line, column) of a 0-based character offset."""
        line_index = bisect.bisect_right(self.line_starts, offset) - 1
        return line_index + 1, offset - self.line_starts[line_index] + 1

    def line_text(self, line: int) -> str:
        """Return the text of a 1-based line, without its newline ('' when out of range)."""
        lines = self.text.splitlines()
        return lines[line - 1] if 1 <= line <= len(lines) else ""

    def span(self, start: int, end: int) -> Span:
        line, column = self.position(start)
        end_line, end_column = self.position(max(start, end))
        return Span(self.path, line, column, end_line, end_column, start, end)


def display_width(text: str) -> int:
    """Terminal cells taken by `text`: East Asian wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in ("W", "F") else 1 for char in text)


def caret_excerpt(line_text: str, column: int, width: int = 1) -> str:
    """Render a source line with a caret under `column` (1-based), as compilers do; CJK-aware."""
    expanded = line_text.expandtabs(1)
    before = expanded[: max(column - 1, 0)]
    marked = expanded[max(column - 1, 0) : max(column - 1, 0) + max(width, 1)]
    carets = max(display_width(marked), 1) if marked else max(width, 1)
    return f"  {expanded}\n  {' ' * display_width(before)}{'^' * carets}"
