"""The `text` format: a report for people, verdict first, wrapped by display width so CJK text lines up.

The report lays itself out with `reports.text_layout`, exactly as rich laid it out before (importing
rich's console took longer than the rest of the report). Every piece of user text goes in as a `Text` (never
markup), so brackets in paths such as `dataset.fields[2]` print as written, and control characters are
shown, never sent to the terminal. Colour is added only when asked for; the output has no timestamps.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

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
from gba_dataflow.reports.text_layout import Block, Grid, Group, Indent, Page, Text

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


def render_text(run: RunResult, *, color: bool, width: int | None = None, quiet: bool = False) -> str:
    """Render a run for a person: per manifest the verdict, route, reasons, obligations, warnings,
    remedies and errors (`quiet`: one line each), then a summary line.

    `width` is in terminal cells (None: the terminal's width, 80 when not a terminal). Colour codes are
    written only when `color` is true.
    """
    page = Page(width, color=color)
    for result in run.results:
        if quiet:
            _print_quiet(page, result)
        else:
            _print_result(page, result, run.lang)
            page.add_blank_line()
    page.add_unwrapped(Text(summary_line(run.counts(), run.missing_inputs()), "bold"))
    return page.text()


# ---- one manifest ------------------------------------------------------------------------------


def _print_quiet(page: Page, result: ManifestResult) -> None:
    line = Text.assemble(_verdict(result.decision), "  ", _text(result.manifest))
    if result.waivers:
        line.append(_text(f"  waived: {', '.join(result.waivers)}"))
    first = headline(result)
    if first:
        line.append(_text(f"  {first}"))
    page.add_unwrapped(line)


def _print_result(page: Page, result: ManifestResult, lang: str = "en") -> None:
    page.add(_header(result))
    for line in _context(result):
        page.add(Indent(line, _SECTION_INDENT))
    reasons = [_reason(reason, result.manifest) for reason in result.reasons]
    _print_section(page, heading(lang, "reasons"), reasons)
    _print_section(page, heading(lang, "obligations"), _obligations(result))
    warnings = [_warning(warning, result.manifest) for warning in result.warnings]
    _print_section(page, heading(lang, "warnings"), warnings)
    remedies = [_remedy(remedy, result.manifest) for remedy in result.remedies]
    _print_section(page, heading(lang, "remedies"), remedies)
    _print_errors(page, result.errors, heading(lang, "errors"))


def _verdict(decision: Verdict) -> Text:
    return Text(VERDICT_LABELS[decision], VERDICT_STYLES[decision])


def _header(result: ManifestResult) -> Text:
    header = Text.assemble(_verdict(result.decision), "  ", _text(result.manifest, "bold"))
    if result.id:
        header.append(_text(f"  (id: {result.id})", "dim"))
    if result.waivers:
        header.append(_text(f"  waived: {', '.join(result.waivers)}", "yellow"))
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


def _print_section(page: Page, title: str, entries: Sequence[Block]) -> None:
    if not entries:
        return
    page.add_blank_line()
    page.add(Indent(Text(title, "bold underline"), _SECTION_INDENT))
    for entry in entries:
        page.add(Indent(entry, _ENTRY_INDENT))


def _print_errors(page: Page, errors: Sequence[Diagnostic], title: str = "Errors:") -> None:
    """Diagnostics as `Diagnostic.render()` writes them, never wrapped so that carets stay under the fault."""
    if not errors:
        return
    page.add_blank_line()
    page.add(Indent(Text(title, "bold underline"), _SECTION_INDENT))
    indent = " " * _ENTRY_INDENT
    for diagnostic in errors:
        first, *rest = diagnostic.render().splitlines()
        page.add_unwrapped(_text(indent + first, _SEVERITY_STYLES[diagnostic.severity]))
        for line in rest:
            page.add_unwrapped(_text(indent + line))


# ---- entries -----------------------------------------------------------------------------------


def _reason(reason: Reason, manifest: str) -> Block:
    mark = ("✔", "green") if reason.effect == "allow" else ("✘", "red")
    rows = [("cite", cite) for cite in reason.citations]
    rows += [("fact", format_fact(fact, manifest)) for fact in reason.facts]
    rows.append(("source", reason.source))
    if reason.waived_by:
        rows.append(("waived", f"by waiver {reason.waived_by}: this deny does not count"))
    title = Text.assemble(mark, " ", _text(reason.rule, "bold"))
    return _entry(title, [_text(reason.message), _details(rows)])


def _obligations(result: ManifestResult) -> list[Block]:
    if not result.obligations:
        return []
    rows = [
        (f"{number}.", Text.assemble(_text(obligation.text), "\n", _text(obligation.rule, "dim")))
        for number, obligation in enumerate(result.obligations, start=1)
    ]
    return [Grid(rows, right=True)]


def _warning(warning: Warning, manifest: str) -> Block:
    title = " ".join(part for part in (warning.code, warning.rule) if part) or "warning"
    rows = [("cite", cite) for cite in warning.citations]
    rows += [("fact", format_fact(fact, manifest)) for fact in warning.facts]
    if warning.json_path:
        rows.append(("at", warning.json_path))
    if warning.source:
        rows.append(("source", _location(warning.source, warning.line, warning.column)))
    heading = Text.assemble(("!", "yellow"), " ", _text(title, "bold"))
    return _entry(heading, [_text(warning.message), _details(rows)])


def _remedy(remedy: Remedy, manifest: str) -> Block:
    title = Text.assemble(("→", "cyan"), " ")
    if remedy.kind == "closest_allow":
        title.append("closest allow: ")
    title.append(_text(remedy.rule, "bold"))
    body: list[Block] = [_text(remedy.text)]
    body += [_failed_condition(failed, manifest) for failed in remedy.failed_conditions]
    return _entry(title, body)


def _failed_condition(failed: FailedCondition, manifest: str) -> Block:
    rows = [("fact", format_fact(fact, manifest)) for fact in failed.facts]
    title = Text.assemble(("✗", "red"), " ", _text(failed.condition))
    return _entry(title, [_text(failed.suggestion), _details(rows)])


# ---- layout ------------------------------------------------------------------------------------


def _entry(title: Text, body: Iterable[Block]) -> Group:
    """A title line with its body indented beneath it; wrapped lines keep the body's indent."""
    return Group(title, Indent(Group(*body), 2))


def _details(rows: Sequence[tuple[str, str]]) -> Block:
    """`label value` rows with the values aligned in one column, wrapped by display width."""
    return Grid([(label, _text(value)) for label, value in rows], label_style="dim") if rows else Group()


def _text(value: str, style: str = "") -> Text:
    """User text (messages, paths, values) as plain text, with control characters made visible."""
    return Text(printable(value), style)


def _location(path: str, line: int | None, column: int | None) -> str:
    if line is None:
        return path
    return f"{path}:{line}" if column is None else f"{path}:{line}:{column}"
