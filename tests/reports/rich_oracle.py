"""The rich-based `text` report as it was before the report laid itself out: the oracle that the layout of
`gba_dataflow.reports.text` is compared with, byte for byte. A verbatim copy of the old module; do not edit.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping, Sequence

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.padding import Padding
from rich.text import Text

from gba_dataflow.core.errors import Diagnostic, Severity
from gba_dataflow.engine.model import (
    FailedCondition,
    ManifestResult,
    Reason,
    Remedy,
    RunResult,
    Verdict,
    Warning,
)
from gba_dataflow.reports.common import (
    VERDICT_LABELS,
    format_fact,
    format_route,
    heading,
    headline,
    printable,
    summary_line,
)

VERDICT_STYLES: Mapping[Verdict, str] = {
    Verdict.ALLOW: "bold green",
    Verdict.DENY: "bold red",
    Verdict.ERROR: "bold yellow",
}
_SEVERITY_STYLES: Mapping[Severity, str] = {
    Severity.ERROR: "bold red",
    Severity.WARNING: "bold yellow",
    Severity.INFO: "bold cyan",
}
_SECTION_INDENT = 2
_ENTRY_INDENT = 4
_TRAILING_BLANKS = re.compile(r"(?:[ \t]|\x1b\[[0-9;]*m)+$")
_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


def render_text(run: RunResult, *, color: bool, width: int | None = None, quiet: bool = False) -> str:
    """Render a run for a person: per manifest the verdict, route, reasons, obligations, warnings,
    remedies and errors (`quiet`: one line each), then a summary line.

    `width` is in terminal cells (None: the terminal's width, 80 when not a terminal). Colour codes are
    written only when `color` is true.
    """
    console = recording_console(color, width)
    for result in run.results:
        if quiet:
            _print_quiet(console, result)
        else:
            _print_result(console, result, run.lang)
            console.print()
    console.print(Text(summary_line(run.counts()), style="bold"), soft_wrap=True)
    return tidy(console.export_text(styles=color))


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


# ---- one manifest ------------------------------------------------------------------------------


def _print_quiet(console: Console, result: ManifestResult) -> None:
    line = Text.assemble(_verdict(result.decision), "  ", _text(result.manifest))
    first = headline(result)
    if first:
        line.append_text(_text(f"  {first}"))
    console.print(line, soft_wrap=True)


def _print_result(console: Console, result: ManifestResult, lang: str = "en") -> None:
    console.print(_header(result))
    for line in _context(result):
        console.print(_pad(line, _SECTION_INDENT))
    reasons = [_reason(reason, result.manifest) for reason in result.reasons]
    _print_section(console, heading(lang, "reasons"), reasons)
    _print_section(console, heading(lang, "obligations"), _obligations(result))
    warnings = [_warning(warning, result.manifest) for warning in result.warnings]
    _print_section(console, heading(lang, "warnings"), warnings)
    remedies = [_remedy(remedy, result.manifest) for remedy in result.remedies]
    _print_section(console, heading(lang, "remedies"), remedies)
    _print_errors(console, result.errors, heading(lang, "errors"))


def _verdict(decision: Verdict) -> Text:
    return Text(VERDICT_LABELS[decision], style=VERDICT_STYLES[decision])


def _header(result: ManifestResult) -> Text:
    header = Text.assemble(_verdict(result.decision), "  ", _text(result.manifest, "bold"))
    if result.id:
        header.append_text(_text(f"  (id: {result.id})", "dim"))
    return header


def _context(result: ManifestResult) -> list[Text]:
    """The route and as-of date, then the title, each on its own line when known."""
    parts = []
    if result.route.origin or result.route.destination:
        parts.append(format_route(result.route))
    if result.as_of is not None:
        parts.append(f"as of {result.as_of.isoformat()}")
    lines = [_text(" · ".join(parts))] if parts else []
    if result.title:
        lines.append(_text(result.title, "italic"))
    return lines


def _print_section(console: Console, title: str, entries: Sequence[RenderableType]) -> None:
    if not entries:
        return
    console.print()
    console.print(_pad(Text(title, style="bold underline"), _SECTION_INDENT))
    for entry in entries:
        console.print(_pad(entry, _ENTRY_INDENT))


def _print_errors(console: Console, errors: Sequence[Diagnostic], title: str = "Errors:") -> None:
    """Diagnostics as `Diagnostic.render()` writes them, never wrapped so that carets stay under the fault."""
    if not errors:
        return
    console.print()
    console.print(_pad(Text(title, style="bold underline"), _SECTION_INDENT))
    indent = " " * _ENTRY_INDENT
    for diagnostic in errors:
        first, *rest = diagnostic.render().splitlines()
        console.print(_text(indent + first, _SEVERITY_STYLES[diagnostic.severity]), soft_wrap=True)
        for line in rest:
            console.print(_text(indent + line), soft_wrap=True)


# ---- entries -----------------------------------------------------------------------------------


def _reason(reason: Reason, manifest: str) -> RenderableType:
    mark = ("✔", "green") if reason.effect == "allow" else ("✘", "red")
    rows = [("cite", cite) for cite in reason.citations]
    rows += [("fact", format_fact(fact, manifest)) for fact in reason.facts]
    rows.append(("source", reason.source))
    title = Text.assemble(mark, " ", _text(reason.rule, "bold"))
    return _entry(title, [_text(reason.message), _details(rows)])


def _obligations(result: ManifestResult) -> list[RenderableType]:
    if not result.obligations:
        return []
    rows = [
        (f"{number}.", Text.assemble(_text(obligation.text), "\n", _text(obligation.rule, "dim")))
        for number, obligation in enumerate(result.obligations, start=1)
    ]
    return [_Grid(rows, right=True)]


def _warning(warning: Warning, manifest: str) -> RenderableType:
    title = " ".join(part for part in (warning.code, warning.rule) if part) or "warning"
    rows = [("cite", cite) for cite in warning.citations]
    rows += [("fact", format_fact(fact, manifest)) for fact in warning.facts]
    if warning.json_path:
        rows.append(("at", warning.json_path))
    if warning.source:
        rows.append(("source", _location(warning.source, warning.line, warning.column)))
    heading = Text.assemble(("!", "yellow"), " ", _text(title, "bold"))
    return _entry(heading, [_text(warning.message), _details(rows)])


def _remedy(remedy: Remedy, manifest: str) -> RenderableType:
    title = Text.assemble(("→", "cyan"), " ")
    if remedy.kind == "closest_allow":
        title.append("closest allow: ")
    title.append_text(_text(remedy.rule, "bold"))
    body: list[RenderableType] = [_text(remedy.text)]
    body += [_failed_condition(failed, manifest) for failed in remedy.failed_conditions]
    return _entry(title, body)


def _failed_condition(failed: FailedCondition, manifest: str) -> RenderableType:
    rows = [("fact", format_fact(fact, manifest)) for fact in failed.facts]
    title = Text.assemble(("✗", "red"), " ", _text(failed.condition))
    return _entry(title, [_text(failed.suggestion), _details(rows)])


# ---- layout ------------------------------------------------------------------------------------


def _entry(title: Text, body: Iterable[RenderableType]) -> Group:
    """A title line with its body indented beneath it; wrapped lines keep the body's indent."""
    return Group(title, _pad(Group(*body), 2))


def _details(rows: Sequence[tuple[str, str]]) -> RenderableType:
    """`label value` rows with the values aligned in one column, wrapped by display width."""
    return _Grid([(label, _text(value)) for label, value in rows], label_style="dim") if rows else Group()


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


def _text(value: str, style: str = "") -> Text:
    """User text (messages, paths, values) as plain rich text, with control characters made visible."""
    return Text(printable(value), style=style)


def _pad(renderable: RenderableType, left: int) -> Padding:
    return Padding(renderable, (0, 0, 0, left))


def _location(path: str, line: int | None, column: int | None) -> str:
    if line is None:
        return path
    return f"{path}:{line}" if column is None else f"{path}:{line}:{column}"
