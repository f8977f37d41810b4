"""Off-screen layout for the `text` report: styled text word-wrapped by display width, indented blocks and a
two-column grid, written as plain text or with ANSI colour codes.

Text is laid out exactly as rich 15 lays it out (`Console.print`, `Text`, `Padding`, `Group`, then
`export_text`), which the report used before: where lines break, how a word wider than a line is folded, how
tabs expand, where a line is cut (measured piece by piece, as rich's console measures it) and which styles
each piece carries. The tests compare the two byte for byte.
Widths are measured by `rich.cells.cell_len`, the one part of rich used here, so that CJK text takes the same
two cells as in rich; it is imported for the first text with a character that may not be one cell wide
(`_cells`), since an English report never needs it.

Laid-out texts and grid rows are remembered (`_cached`), since a batch report repeats rule texts, citations
and obligations; an indented line is not padded out to the width, as rich pads it, since the page drops the
blanks that end its lines anyway.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from itertools import pairwise
from operator import itemgetter
from typing import NamedTuple, Protocol

Segment = tuple[str, str]
"""A piece of a line: its text and the SGR parameters of its style (`"1;32"`; `""` for none)."""
Line = list[Segment]

TAB_SIZE = 8
_WORD = re.compile(r"\s*\S+\s*")
_WORD_PARTS = re.compile(r"(\s*\S+)(\s*)")
_TRAILING_SPACE = re.compile(r"\s+$")
_TRAILING_BLANKS = re.compile(r"(?:[ \t]|\x1b\[[0-9;]*m)+$")
_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")
_ZERO_WIDTH_JOINER = "\u200d"
_EMOJI_PRESENTATION = "\ufe0f"  # variation selector 16: widens some one-cell characters to two

_ATTRIBUTES = ("bold", "dim", "italic", "underline")  # SGR 1 to 4, written in this order
_COLOURS = {
    name: str(30 + number)
    for number, name in enumerate(("black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"))
}
_SGR: dict[tuple[str, ...], str] = {}


class Block(Protocol):
    """Anything laid out as lines of segments in a given width (at least 1 cell)."""

    def lines(self, width: int) -> list[Line]:
        """The lines of this block, `width` cells wide at most (a grid's labels may overflow)."""
        ...


CACHE_SIZE = 4096
"""Most laid-out texts and grid rows remembered. A batch report repeats the same rule texts, citations and
obligations for manifest after manifest; laying each out once makes the report several times faster. When
full, the memory is emptied and fills again with what recurs: memory stays flat."""
_LAYOUTS: dict[tuple[tuple[object, ...], int], list[Line]] = {}


def _cached(key: tuple[object, ...], width: int, layout: Callable[[int], list[Line]]) -> list[Line]:
    """`layout(width)`, remembered by `key` (the lines returned are shared: never changed in place)."""
    entry = (key, width)
    lines = _LAYOUTS.get(entry)
    if lines is None:
        if len(_LAYOUTS) >= CACHE_SIZE:
            _LAYOUTS.clear()
        lines = _LAYOUTS[entry] = layout(width)
    return lines


class Span(NamedTuple):
    """A style over `plain[start:end]` of a `Text`."""

    start: int
    end: int
    style: str


class Text:
    """Styled text: `plain`, with styles over spans of it. Where spans overlap, attributes add up and the
    colour of the later span wins. Styles are words: `bold`, `dim`, `italic`, `underline` and the eight
    basic colours."""

    __slots__ = ("plain", "spans")

    def __init__(self, plain: str = "", style: str = "") -> None:
        self.plain = plain
        self.spans = [Span(0, len(plain), style)] if style else []

    @classmethod
    def assemble(cls, *parts: Text | str | tuple[str, str]) -> Text:
        """Texts, strings and `(string, style)` pairs one after the other."""
        text = cls()
        for part in parts:
            if isinstance(part, tuple):
                text.append(*part)
            else:
                text.append(part)
        return text

    def append(self, part: Text | str, style: str = "") -> Text:
        """Add `part` at the end (a `str` in `style`); an empty part adds nothing."""
        offset = len(self.plain)
        if isinstance(part, str):
            if part:
                self.plain += part
                if style:
                    self.spans.append(Span(offset, offset + len(part), style))
        elif part.plain:
            self.plain += part.plain
            self.spans += [Span(start + offset, end + offset, style) for start, end, style in part.spans]
        return self

    def copy(self) -> Text:
        """A copy that can be changed without changing this text."""
        text = Text(self.plain)
        text.spans = self.spans.copy()
        return text

    def lines(self, width: int) -> list[Line]:
        """Word-wrapped to `width` cells (see `wrap`)."""
        return _cached(self.key(), width, self._lines)

    def key(self) -> tuple[object, ...]:
        """What this text's layout depends on: its characters and its styles (equal keys, equal lines)."""
        return ("text", self.plain, tuple(self.spans))

    def _lines(self, width: int) -> list[Line]:
        plain = self.plain
        if not self.spans and "\n" not in plain and "\t" not in plain and _narrow(plain):
            return _wrap_narrow(plain, width)
        return [line.segments() for line in self.wrap(width)]

    def wrap(self, width: int) -> list[Text]:
        """The lines of this text, each broken between words to fit `width` cells, a word wider than that
        folded over several lines; tabs expanded, blanks at a break dropped."""
        wrapped = []
        for line in self.unwrapped():
            for piece in line._divide(_break_offsets(line.plain, width)):
                piece._rstrip_end(width)
                piece._truncate(width)
                wrapped.append(piece)
        return wrapped

    def unwrapped(self) -> list[Text]:
        """The lines of this text as written (split at newlines), with tabs expanded."""
        lines = self._split_lines()
        for line in lines:
            line.expand_tabs()
        return lines

    def expand_tabs(self) -> None:
        """Replace each tab by spaces up to the next tab stop (every 8 cells) in the tab's style."""
        if "\t" not in self.plain:
            return
        parts = []
        for line in self._split_after("\n"):
            if "\t" not in line.plain:
                parts.append(line)
                continue
            position = 0
            for part in line._split_after("\t"):
                if part.plain.endswith("\t"):
                    part.plain = part.plain[:-1] + " "
                    position += _cells(part.plain)
                    if position % TAB_SIZE:
                        spaces = TAB_SIZE - position % TAB_SIZE
                        part._extend_style(spaces)
                        position += spaces
                else:
                    position += _cells(part.plain)
                parts.append(part)
        expanded = Text.assemble(*parts)
        self.plain, self.spans = expanded.plain, expanded.spans

    def segments(self) -> Line:
        """This text (one line) in pieces of one style each, cut wherever a span starts or ends."""
        text, spans = self.plain, self.spans
        if not spans:
            return [(text, "")] if text else []
        events = [(0, False, 0)]
        events += [(span.start, False, index) for index, span in enumerate(spans, 1)]
        events += [(span.end, True, index) for index, span in enumerate(spans, 1)]
        events.append((len(text), True, 0))
        events.sort(key=itemgetter(0, 1))
        stack: list[int] = []
        line = []
        for (offset, leaving, index), (next_offset, _, _) in pairwise(events):
            if leaving:
                stack.remove(index)
            else:
                stack.append(index)
            if next_offset > offset:
                styles = tuple(spans[index - 1].style for index in sorted(stack) if index)
                line.append((text[offset:next_offset], _sgr(styles)))
        return line

    def _divide(self, offsets: Sequence[int]) -> list[Text]:
        """Cut at `offsets` (ascending), each piece keeping the parts of the spans over it."""
        if not offsets:
            return [self.copy()]
        bounds = [0, *offsets, len(self.plain)]
        pieces = []
        for low, high in pairwise(bounds):
            piece = Text(self.plain[low:high])
            piece.spans = [
                Span(max(start, low) - low, min(end, high) - low, style)
                for start, end, style in self.spans
                if min(end, high) > max(start, low)
            ]
            pieces.append(piece)
        return pieces

    def _split_lines(self) -> list[Text]:
        """The lines between newlines (a newline at the end leaves an empty last line)."""
        if "\n" not in self.plain:
            return [self.copy()]
        offsets = []
        for index, char in enumerate(self.plain):
            if char == "\n":
                offsets += [index, index + 1]
        return [line for line in self._divide(offsets) if line.plain != "\n"]

    def _split_after(self, separator: str) -> list[Text]:
        """The pieces ending with `separator` (and the rest, when not empty)."""
        if separator not in self.plain:
            return [self.copy()]
        offsets = [index + 1 for index, char in enumerate(self.plain) if char == separator]
        pieces = self._divide(offsets)
        if self.plain.endswith(separator):
            pieces.pop()
        return pieces

    def _extend_style(self, spaces: int) -> None:
        """Add `spaces` at the end in the style of the last character."""
        end = len(self.plain)
        self.spans = [
            span._replace(end=span.end + spaces) if span.end >= end else span for span in self.spans
        ]
        self.plain += " " * spaces

    def _rstrip_end(self, width: int) -> None:
        """Drop trailing whitespace beyond `width` characters."""
        excess = len(self.plain) - width
        if excess > 0:
            blanks = _TRAILING_SPACE.search(self.plain)
            if blanks is not None:
                self._set_plain(self.plain[: -min(len(blanks.group()), excess)])

    def _truncate(self, width: int) -> None:
        """Cut to `width` cells (a double-width character cut in half becomes a space)."""
        if _cells(self.plain) > width:
            self._set_plain(_set_cell_size(self.plain, width))

    def _set_plain(self, plain: str) -> None:
        """Replace the text by `plain`, a prefix of it (but perhaps for its last character)."""
        if plain != self.plain:
            shorter = len(plain) < len(self.plain)
            self.plain = plain
            if shorter:
                end = len(plain)
                self.spans = [
                    Span(start, min(stop, end), style) for start, stop, style in self.spans if start < end
                ]


class Group:
    """Blocks one under the other."""

    def __init__(self, *blocks: Block) -> None:
        self.blocks = blocks

    def lines(self, width: int) -> list[Line]:
        """The lines of each block in turn."""
        return [line for block in self.blocks for line in block.lines(width)]


class Indent:
    """A block `left` cells in from the left (narrower by as much); its lines are cut to fit."""

    def __init__(self, block: Block, left: int) -> None:
        self.block = block
        self.left = left

    def lines(self, width: int) -> list[Line]:
        """The block's lines, cut to `width` cells; none when nothing fits."""
        return self._lines(width)

    def _lines(self, width: int) -> list[Line]:
        inner = width - self.left
        if inner < 1:
            return []
        margin = [(" " * self.left, "")] if self.left else []
        if _fits(self.block, inner):
            return [[*margin, *line] for line in self.block.lines(inner)]
        return [[*margin, *_fit(line, inner, pad=False)] for line in self.block.lines(inner)]


class Grid:
    """Two columns laid out as rich's `Table.grid(padding=(0, 1))` would, byte for byte, with the labels'
    column styled `label_style`: labels left- or `right`-justified, one space, values wrapped by display width
    and folded where a word is wider than the column. (One difference: a tab in a value stops within the
    column, where the table, which measures a tab as no width, may break a short value at it.)"""

    def __init__(
        self, rows: Sequence[tuple[str, Text]], *, right: bool = False, label_style: str = ""
    ) -> None:
        self.rows = rows
        self.right = right
        self.label_style = label_style
        self._label_width: int | None = None
        self._joins_pieces: bool | None = None

    def lines(self, width: int) -> list[Line]:
        """One line per line of each value, the label on its first (each row remembered)."""
        return self._lines(width)

    def label_width(self) -> int:
        """The width of the labels' column: its widest label."""
        if self._label_width is None:
            self._label_width = max(_cells(label) for label, _ in self.rows)
        return self._label_width

    def joins_pieces(self) -> bool:
        """Whether a value's line may be wider piece by piece than as a whole (see `_joins_pieces`)."""
        if self._joins_pieces is None:
            self._joins_pieces = any(_joins_pieces(cell) for _, cell in self.rows)
        return self._joins_pieces

    def _lines(self, width: int) -> list[Line]:
        label_width = self.label_width()
        value_width = max(1, width - label_width - 1)
        lines: list[Line] = []
        for label, cell in self.rows:  # each row on its own: rows recur (citations) where grids do not
            key = ("row", self.right, self.label_style, label_width, label, cell.key())
            lines += _cached(key, value_width, partial(self._row, label, cell, label_width))
        return lines

    def _row(self, label: str, cell: Text, label_width: int, value_width: int) -> list[Line]:
        style = self.label_style
        head, head_line = _grid_head(label, label_width, style, self.right)
        value = cell
        if "\t" in value.plain:  # tabs stop within the column, as in a table's cell
            value = cell.copy()
            value.expand_tabs()
        simple = _cells(value.plain) <= value_width and "\n" not in value.plain
        if simple and "\n" not in label:  # one line: the label's cell, then the value's pieces
            return [[*head_line, *value.segments()]]
        blank = Text(" " * (label_width + 1), style)
        lines = []
        for index, line in enumerate([value] if simple else value.wrap(value_width)):
            row = Text.assemble(head if index == 0 else blank, line)
            lines += [part.segments() for part in row.unwrapped()]
        return lines


_HEADS: dict[tuple[str, int, str, bool], tuple[Text, Line]] = {}


def _grid_head(label: str, label_width: int, style: str, right: bool) -> tuple[Text, Line]:
    """A grid row's label cell (the label justified in its column, then the one-space gap) and its pieces,
    made once per label and column (never changed once made)."""
    key = (label, label_width, style, right)
    head = _HEADS.get(key)
    if head is None:
        pad = " " * (label_width - _cells(label))
        text = Text.assemble((pad + label if right else label + pad, style), (" ", style))
        head = (text, text.segments())
        if len(_HEADS) < CACHE_SIZE:
            _HEADS[key] = head
    return head


class Page:
    """A document laid out `width` cells wide (None: as wide as the terminal), as a console prints it."""

    def __init__(self, width: int | None = None, *, color: bool = False) -> None:
        self.width = console_width(width, color=color)
        self.color = color
        self._lines: list[Line] = []

    def add(self, block: Block) -> None:
        """Add a block, its lines cut at the page's width."""
        if self.width < 1:
            return
        if _fits(block, self.width):
            self._lines += block.lines(self.width)
        else:
            self._lines += [_fit(line, self.width, pad=False) for line in block.lines(self.width)]

    def add_unwrapped(self, text: Text) -> None:
        """Add text as written: its lines are never wrapped nor cut, whatever their width."""
        if self.width >= 1:
            self._lines += [line.segments() for line in text.unwrapped()]

    def add_blank_line(self) -> None:
        """Add an empty line."""
        if self.width >= 1:
            self._lines.append([])

    def text(self) -> str:
        """The page as text, with ANSI colour codes when `color`, lines `tidy`."""
        if self.color:
            lines = ["".join(_paint(text, sgr) for text, sgr in line) for line in self._lines]
            return tidy("".join(line + "\n" for line in lines))
        # plain text holds no escape codes (user text is made `printable`): tidy is stripping blanks
        lines = ["".join(text for text, _ in line).rstrip(" \t") for line in self._lines]
        return "\n".join(lines).rstrip("\n") + "\n"


def _fits(block: Block, width: int) -> bool:
    """Whether every line of `block` laid out `width` cells wide is that wide at most, measured piece by
    piece as rich's console measures a line to cut it: text is wrapped to it, an indent cut to it, a grid's
    values wrapped to what its labels leave (a label may overflow). Text with a joiner between two pieces
    may not fit (`_joins_pieces`)."""
    if isinstance(block, Text):
        return not _joins_pieces(block)
    if isinstance(block, Indent):
        return True
    if isinstance(block, Group):
        return all(_fits(inner, width) for inner in block.blocks)
    if isinstance(block, Grid):
        return block.label_width() + 2 <= width and not block.joins_pieces()
    return False


def _joins_pieces(text: Text) -> bool:
    """Whether a line of `text` may be wider measured piece by piece than as a whole: a zero-width joiner
    hides the character after it from `cell_len` (rich's measure), unless a style ends between the two,
    cutting the line into two pieces there. Text is wrapped by its width as a whole; rich's console then
    measures the pieces of each line, one after the other, and cuts the line where they overflow, dropping
    the joined character and whatever follows; `_fit` cuts as it does. (Only text with a joiner and styles:
    unstyled text is one piece a line.)"""
    return bool(text.spans) and _ZERO_WIDTH_JOINER in text.plain


def console_width(width: int | None, *, color: bool, environ: Mapping[str, str] = os.environ) -> int:
    """The width a rich `Console(width=width, force_terminal=color)` lays text out in: `width`, else
    `$COLUMNS`, else the terminal's, else 80. (As rich does, a `dumb` terminal is 80 wide when colour is on,
    unless `$LINES` is set too.)"""
    if width is None:
        columns = environ.get("COLUMNS")
        if columns is not None and columns.isdigit():
            width = int(columns)
    lines = environ.get("LINES")
    if width is not None and lines is not None and lines.isdigit():
        return width
    if color and environ.get("TERM", "").lower() in ("dumb", "unknown"):
        return 80
    if width is not None:
        return width
    for stream in (1, 2) if sys.platform == "win32" else (0, 1, 2):
        try:
            return os.get_terminal_size(stream).columns or 80
        except (AttributeError, ValueError, OSError):
            continue
    return 80


def tidy(text: str) -> str:
    """Drop the blanks that pad lines (keeping any closing colour codes); end with one newline."""
    lines = [
        _TRAILING_BLANKS.sub(_closing_codes, line) if line[-1:] in _MAY_TRAIL else line
        for line in text.split("\n")
    ]
    return "\n".join(lines).rstrip("\n") + "\n"


_MAY_TRAIL = (" ", "\t", "m")  # how a line with trailing blanks or colour codes ends


def _closing_codes(match: re.Match[str]) -> str:
    return "".join(_ESCAPE.findall(match.group()))


def _paint(text: str, sgr: str) -> str:
    return f"\x1b[{sgr}m{text}\x1b[0m" if sgr and text else text


def _sgr(styles: tuple[str, ...]) -> str:
    """The SGR parameters of `styles` combined in order: attributes add up, the last colour wins."""
    sgr = _SGR.get(styles)
    if sgr is None:
        attributes: set[str] = set()
        colour = ""
        for word in " ".join(styles).split():
            if word in _COLOURS:
                colour = _COLOURS[word]
            elif word in _ATTRIBUTES:
                attributes.add(word)
            else:
                raise ValueError(f"unknown style {word!r}")
        codes = [str(number) for number, name in enumerate(_ATTRIBUTES, 1) if name in attributes]
        sgr = _SGR[styles] = ";".join([*codes, colour] if colour else codes)
    return sgr


def _fit(line: Line, width: int, *, pad: bool) -> Line:
    """`line` cut to `width` cells, or (`pad`) filled out to it with spaces."""
    plain = "".join(text for text, _ in line)
    length = len(plain) if _narrow(plain) else sum(_cells(text) for text, _ in line)
    if length < width:
        return [*line, (" " * (width - length), "")] if pad else line
    if length == width:
        return line
    fitted = []
    length = 0
    for text, sgr in line:
        cells = _cells(text)
        if length + cells < width:
            fitted.append((text, sgr))
            length += cells
        else:
            fitted.append((_set_cell_size(text, width - length), sgr))
            break
    return fitted


# ---- display width -----------------------------------------------------------------------------


def _break_offsets(text: str, width: int) -> list[int]:
    """Where to break one line of `text` to fit `width` cells: before a word that does not fit, and within a
    word wider than a whole line. A word keeps the blanks after it."""
    if _narrow(text):
        return _break_offsets_narrow(text, width)
    measure = _cells
    breaks = []
    offset = 0  # cells used on the current line
    for word in _WORD.finditer(text):
        start = word.start()
        cells = measure(word.group().rstrip())
        if width - offset >= cells:
            offset += measure(word.group())
        elif cells > width:
            folded = _chop_cells(word.group(), width)
            for index, piece in enumerate(folded):
                if start:
                    breaks.append(start)
                if index == len(folded) - 1:
                    offset = measure(piece)
                else:
                    start += len(piece)
        elif offset and start:
            breaks.append(start)
            offset = measure(word.group())
    return breaks


def _break_offsets_narrow(text: str, width: int) -> list[int]:
    """`_break_offsets` for text whose every character is one cell wide: lengths are widths, so no word
    is cut out of the text to be measured."""
    breaks = []
    offset = 0
    for word in _WORD_PARTS.finditer(text):
        start = word.start()
        cells = word.end(1) - start  # the word and the blanks before it
        if width - offset >= cells:
            offset += word.end() - start
        elif cells > width:  # folded: whole lines of it, then what is left
            length = word.end() - start
            pieces = range(start, word.end(), width)
            for index, piece_start in enumerate(pieces):
                if piece_start:
                    breaks.append(piece_start)
                if index == len(pieces) - 1:
                    offset = length - index * width
        elif offset and start:
            breaks.append(start)
            offset = word.end() - start
    return breaks


ONE_CELL_MARKS = "✔✘✗→·"
"""The marks the reports write besides ASCII, each one cell wide in rich (a test holds them to it)."""
_MARKS_AS_ASCII = str.maketrans(dict.fromkeys(ONE_CELL_MARKS, "x"))


def _wrap_narrow(text: str, width: int) -> list[Line]:
    """`Text(text).lines(width)` for unstyled text of one-cell characters on one line, without building a
    `Text` per line: the same breaks, the same blanks dropped, the same cut."""
    lines: list[Line] = []
    for low, high in pairwise([0, *_break_offsets(text, width), len(text)]):
        piece = text[low:high]
        excess = len(piece) - width
        if excess > 0:
            blanks = len(piece) - len(piece.rstrip())
            piece = piece[: len(piece) - min(blanks, excess)][:width]
        lines.append([(piece, "")] if piece else [])
    return lines


def _narrow(text: str) -> bool:
    """Whether every character of `text` is one cell wide: printable ASCII or one of `ONE_CELL_MARKS`."""
    if text.isascii():
        return text.isprintable()
    text = text.translate(_MARKS_AS_ASCII)
    return text.isascii() and text.isprintable()


def _cells(text: str) -> int:
    """The width of `text` in cells: measured by rich, unless every character is one cell wide (or a line
    break, which rich counts as none)."""
    if (text.isascii() and text.isprintable()) or _narrow(text):  # the first test inline: most text is ASCII
        return len(text)
    if "\n" in text and _narrow(text.replace("\n", "")):
        return len(text) - text.count("\n")
    from rich.cells import cell_len

    return cell_len(text)


def _graphemes(text: str) -> list[tuple[int, int, int]]:
    """`(start, end, cells)` of each character of `text` with the zero-width ones that follow it (joined by a
    zero-width joiner, or widened by an emoji variation selector)."""
    spans: list[tuple[int, int, int]] = []
    last = ""  # the last character measured, until a variation selector widens it
    index = 0
    while index < len(text):
        char = text[index]
        if char in (_ZERO_WIDTH_JOINER, _EMOJI_PRESENTATION):
            if not spans:
                spans.append((index, index + 1, 0))
                index += 1
                continue
            start, _, cells = spans[-1]
            if char == _ZERO_WIDTH_JOINER:  # swallows the next character too
                index += 2 if index < len(text) - 1 else 1
            else:
                index += 1
                if last and _cells(last + _EMOJI_PRESENTATION) > _cells(last):
                    last = ""
                    cells += 1
            spans[-1] = (start, index, cells)
            continue
        cells = _cells(char)
        if cells:
            last = char
            spans.append((index, index + 1, cells))
        elif spans:
            start, _, width = spans[-1]
            spans[-1] = (start, index + 1, width)
        else:
            spans.append((index, index + 1, 0))
        index += 1
    return spans


def _chop_cells(text: str, width: int) -> list[str]:
    """`text` cut into pieces of at most `width` cells. A character wider than that gets a piece alone (and,
    first in `text`, an empty piece before it, as in rich)."""
    if _narrow(text):
        return [text[index : index + width] for index in range(0, len(text), width)]
    pieces = []
    size = 0
    offset = 0
    for start, _, cells in _graphemes(text):
        if size + cells > width:
            pieces.append(text[offset:start])
            offset = start
            size = 0
        size += cells
    if size:
        pieces.append(text[offset:])
    return pieces


def _set_cell_size(text: str, width: int) -> str:
    """`text` cut or padded with spaces to `width` cells (a double-width character cut in half: a space)."""
    if _narrow(text):
        return text[:width] if len(text) >= width else text + " " * (width - len(text))
    if width <= 0:
        return ""
    cells = _cells(text)
    if cells <= width:
        return text + " " * (width - cells)
    size = 0
    for start, _, char_cells in _graphemes(text):
        if size == width:
            return text[:start]
        if size + char_cells > width:
            return text[:start] + " "
        size += char_cells
    return text
