"""The `text` report laid out by rich: the oracle that `gba_dataflow.reports.text_layout` is compared with,
byte for byte. The report builds its blocks (`Text`, `Indent`, `Group`, `Grid`) and writes them on a page;
here a page that hands each block, converted to its rich counterpart, to a rich console, as the report did
before it laid itself out. The grid is rich's `Table.grid(padding=(0, 1))` layout, written out for speed.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.padding import Padding
from rich.text import Text

from gba_dataflow.engine.model import RunResult
from gba_dataflow.reports import text as report
from gba_dataflow.reports import text_layout as layout

_TRAILING_BLANKS = re.compile(r"(?:[ \t]|\x1b\[[0-9;]*m)+$")
_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


def render_text(
    run: RunResult, *, color: bool, width: int | None = None, quiet: bool = False, verbose: bool = False
) -> str:
    """The report of `run` as rich lays it out (`width` None: the width rich chooses)."""
    chosen = recording_console(color, width).width
    return report.render_text(run, color=color, width=chosen, quiet=quiet, verbose=verbose, page=RichPage)


class RichPage:
    """A page that prints each block on a rich console, then exports what it recorded."""

    def __init__(self, width: int, color: bool) -> None:
        self.color = color
        self.console = recording_console(color, width)

    def add(self, block: layout.Block) -> None:
        self.console.print(rich_block(block))

    def add_unwrapped(self, text: layout.Text) -> None:
        self.console.print(rich_text(text), soft_wrap=True)

    def add_blank_line(self) -> None:
        self.console.print()

    def text(self) -> str:
        return tidy(self.console.export_text(styles=self.color))


def rich_text(text: layout.Text) -> Text:
    """A layout `Text` as a rich `Text`: the same characters, the same styles over the same spans."""
    converted = Text(text.plain)
    for start, end, style in text.spans:
        converted.stylize(style, start, end)
    return converted


def rich_block(block: layout.Block) -> RenderableType:
    """A layout block as the rich renderable it stands for."""
    if isinstance(block, layout.Text):
        return rich_text(block)
    if isinstance(block, layout.Indent):
        return Padding(rich_block(block.block), (0, 0, 0, block.left))
    if isinstance(block, layout.Group):
        return Group(*(rich_block(inner) for inner in block.blocks))
    if isinstance(block, layout.Grid):
        rows = [(label, rich_text(cell)) for label, cell in block.rows]
        return _Grid(rows, right=block.right, label_style=block.label_style)
    raise TypeError(f"no rich counterpart for {block!r}")


def recording_console(color: bool, width: int | None) -> Console:
    """A console that lays a document out off-screen for `export_text` (whatever the terminal says:
    colour only when asked, never markup, emoji or highlighting in user text)."""
    return Console(
        file=io.StringIO(),
        record=True,
        width=width,
        color_system="truecolor" if color else None,
        force_terminal=color,
        force_jupyter=False,
        force_interactive=False,
        legacy_windows=False,
        markup=False,
        emoji=False,
        highlight=False,
    )


def tidy(text: str) -> str:
    """Drop the blanks rich pads lines with (keeping any closing colour codes); end with one newline."""
    lines = [
        _TRAILING_BLANKS.sub(lambda m: "".join(_ESCAPE.findall(m.group())), line) for line in text.split("\n")
    ]
    return "\n".join(lines).rstrip("\n") + "\n"


class _Grid:
    """Two columns laid out as `Table.grid(padding=(0, 1))` would, byte for byte, with the labels' column
    styled `label_style`: labels left- or `right`-justified, one space, values wrapped by display width
    and folded where a word is wider than the column. For a tenth of a table's cost: these rows are most
    of a report. (One difference: a tab in a value stops within the column, where the table, which
    measures a tab as no width, may break a short value at it.)"""

    def __init__(
        self, rows: Sequence[tuple[str, Text]], *, right: bool = False, label_style: str = ""
    ) -> None:
        self.rows = rows
        self.right = right
        self.label_style = label_style

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        style = self.label_style
        label_width = max(cell_len(label) for label, _ in self.rows)
        width = max(1, options.max_width - label_width - 1)
        blank = Text(" " * (label_width + 1), style)
        for label, cell in self.rows:
            pad = " " * (label_width - cell_len(label))
            head = Text.assemble((pad + label if self.right else label + pad, style), (" ", style))
            value = cell
            if "\t" in value.plain:  # tabs stop within the column, as in a table's cell
                value = cell.copy()
                value.expand_tabs()
            simple = value.cell_len <= width and "\n" not in value.plain
            for index, line in enumerate([value] if simple else value.wrap(console, width, overflow="fold")):
                yield Text.assemble(head if index == 0 else blank, line, no_wrap=True, overflow="ignore")
