"""A small Wadler-style pretty printer: documents of text, optional line breaks, groups and alignment.

A `Group` is printed flat when it fits in the remaining width, else its `Line`s break. `Align` indents the
lines of its document to the column where it starts; `Nest` adds to the current indentation. `Fill` packs
items greedily, breaking only where the next item would not fit. `Mark` records a source offset on the
line where it is printed, so the formatter can put comments back next to the code they described.
"""

from __future__ import annotations

from dataclasses import dataclass

from gba_dataflow.core.source import display_width


@dataclass(frozen=True, slots=True)
class Text:
    text: str


@dataclass(frozen=True, slots=True)
class Line:
    """A line break, or `flat` when its group is printed on one line."""

    flat: str = " "


@dataclass(frozen=True, slots=True)
class Concat:
    parts: tuple[Doc, ...]


@dataclass(frozen=True, slots=True)
class Nest:
    indent: int
    doc: Doc


@dataclass(frozen=True, slots=True)
class Align:
    doc: Doc


@dataclass(frozen=True, slots=True)
class Group:
    doc: Doc


@dataclass(frozen=True, slots=True)
class Fill:
    """Items separated by `sep` and a space; breaks (after `sep`) only where the next item would not fit."""

    items: tuple[str, ...]
    sep: str = ","
    tail: int = 0  # width of the text that must follow the last item on its line


@dataclass(frozen=True, slots=True)
class Mark:
    offset: int


Doc = Text | Line | Concat | Nest | Align | Group | Fill | Mark


def concat(*parts: Doc) -> Concat:
    return Concat(parts)


@dataclass
class OutLine:
    """One printed line and the source offsets of the code that starts on it."""

    text: str
    marks: list[int]


_Item = tuple[int, bool, Doc]  # (indent, flat, doc)


def render(doc: Doc, width: int) -> list[OutLine]:
    """Print `doc` within `width` columns (wider where a single item is wider)."""
    lines = [OutLine("", [])]
    pieces: list[str] = []
    column = 0
    stack: list[_Item] = [(0, False, doc)]
    while stack:
        indent, flat, item = stack.pop()
        if isinstance(item, Text):
            pieces.append(item.text)
            column += display_width(item.text)
        elif isinstance(item, Mark):
            lines[-1].marks.append(item.offset)
        elif isinstance(item, Line):
            if flat:
                pieces.append(item.flat)
                column += len(item.flat)
            else:
                lines[-1].text = "".join(pieces)
                lines.append(OutLine("", []))
                pieces = [" " * indent]
                column = indent
        elif isinstance(item, Concat):
            stack.extend((indent, flat, part) for part in reversed(item.parts))
        elif isinstance(item, Nest):
            stack.append((indent + item.indent, flat, item.doc))
        elif isinstance(item, Align):
            stack.append((column, flat, item.doc))
        elif isinstance(item, Group):
            fits = flat or _fits(width - column, [(indent, True, item.doc)], stack)
            stack.append((indent, fits, item.doc))
        else:
            column = _fill(item, flat, indent, column, width, pieces, lines)
    lines[-1].text = "".join(pieces)
    return lines


def flat_text(doc: Doc) -> str:
    """`doc` printed on one line."""
    return render(Group(doc), 1 << 30)[0].text


def _fill(
    item: Fill, flat: bool, indent: int, column: int, width: int, pieces: list[str], lines: list[OutLine]
) -> int:
    for index, text in enumerate(item.items):
        if index == 0:
            pieces.append(text)
            column += display_width(text)
            continue
        candidate = f"{item.sep} {text}"
        tail = item.tail if index == len(item.items) - 1 else len(item.sep)
        if flat or column + display_width(candidate) + tail <= width:
            pieces.append(candidate)
            column += display_width(candidate)
        else:
            pieces.append(item.sep)
            lines[-1].text = "".join(pieces)
            lines.append(OutLine("", []))
            pieces.clear()
            pieces.append(" " * indent + text)
            column = indent + display_width(text)
    return column


def _fits(remaining: int, items: list[_Item], rest: list[_Item]) -> bool:
    """Whether `items` fit in `remaining` columns, up to the first line break that may follow them."""
    todo = list(items)
    rest_index = len(rest)
    while remaining >= 0:
        if not todo:
            if rest_index == 0:
                return True
            rest_index -= 1
            todo.append(rest[rest_index])
            continue
        indent, flat, item = todo.pop()
        if isinstance(item, Text):
            remaining -= display_width(item.text)
        elif isinstance(item, Line):
            if not flat:
                return True
            remaining -= len(item.flat)
        elif isinstance(item, Concat):
            todo.extend((indent, flat, part) for part in reversed(item.parts))
        elif isinstance(item, Nest | Align | Group):
            todo.append((indent, flat, item.doc))
        elif isinstance(item, Fill):
            if not item.items:
                continue
            if flat:
                remaining -= display_width(f"{item.sep} ".join(item.items))
            else:
                remaining -= display_width(item.items[0])
                if len(item.items) > 1:
                    return remaining >= 0
    return False
