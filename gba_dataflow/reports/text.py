"""The `text` format: a report for people, verdict first, wrapped by display width so CJK text lines up.

The report lays itself out with `reports.text_layout`, exactly as rich laid it out before (importing
rich's console took longer than the rest of the report). Every piece of user text goes in as a `Text` (never
markup), so brackets in paths such as `dataset.fields[2]` print as written, and control characters are
shown, never sent to the terminal. Colour is added only when asked for; the output has no timestamps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from gba_dataflow.core.errors import Diagnostic, Severity
from gba_dataflow.engine.model import (
    Fact,
    FailedCondition,
    ManifestResult,
    ObligationStatus,
    Reason,
    Remedy,
    RunResult,
    Verdict,
    Warning,
)
from gba_dataflow.reports.common import (
    fact_origin,
    format_fact,
    format_route,
    format_value,
    heading,
    headline,
    printable,
    summary_line,
    verdict_label,
    warned,
)
from gba_dataflow.reports.labels import label, render_diagnostic
from gba_dataflow.reports.summary import RuleCount, closing_lines, rule_counts
from gba_dataflow.reports.text_layout import Block, Grid, Group, Indent, Page, Text, console_width

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


@dataclass(frozen=True, slots=True)
class TextOptions:
    """How the text report is written: `width` in terminal cells, colour codes or not, one line per
    manifest (`quiet`) or every fact with its file (`verbose`), labels in `lang`."""

    width: int = 80
    color: bool = False
    quiet: bool = False
    verbose: bool = False
    lang: str = "en"


class PageLike(Protocol):
    """What the report writes on: a `text_layout.Page` (or, in the tests, the same layout done by rich)."""

    def add(self, block: Block) -> None: ...

    def add_unwrapped(self, text: Text) -> None: ...

    def add_blank_line(self) -> None: ...

    def text(self) -> str: ...


PageFactory = Callable[[int, bool], PageLike]


def render_text(
    run: RunResult,
    *,
    color: bool,
    width: int | None = None,
    quiet: bool = False,
    verbose: bool = False,
    page: PageFactory | None = None,
) -> str:
    """Render a run for a person: per manifest the verdict, route, reasons, obligations, warnings,
    remedies and errors (`quiet`: one line each), then the summary (and, for several manifests, the
    counts by rule). The same bytes as the streamed report (`text_piece`, then `text_tail`).

    `width` is in terminal cells (None: the terminal's width, 80 when not a terminal). Colour codes are
    written only when `color` is true.
    """
    options = TextOptions(console_width(width, color=color), color, quiet, verbose, run.lang)
    parts = [text_piece(result, options, page) for result in run.results]
    warned_count = sum(1 for result in run.results if warned(result))
    parts.append(
        text_tail(run.counts(), warned_count, rule_counts(run.results), options, page, run.missing_inputs())
    )
    return "".join(parts)


def text_piece(result: ManifestResult, options: TextOptions, page: PageFactory | None = None) -> str:
    """One manifest's part of the report (ending with a blank line unless `quiet`)."""
    target = (page or _new_page)(options.width, options.color)
    if options.quiet:
        _print_quiet(target, result, options.lang)
        return target.text()
    _print_result(target, result, options)
    return target.text() + "\n"


def text_tail(
    counts: Mapping[str, int],
    warned_count: int,
    by_rule: Sequence[RuleCount],
    options: TextOptions,
    page: PageFactory | None = None,
    missing: int = 0,
) -> str:
    """The summary after the manifests: the totals line, then (for a batch) the manifests per rule.
    `missing` inputs named no manifest (they are among the errors)."""
    target = (page or _new_page)(options.width, options.color)
    summary = Text(summary_line(counts, warned_count, options.lang, missing), "bold")
    if options.quiet:  # one line, as each manifest's
        target.add_unwrapped(summary)
    else:
        target.add(summary)
    text = target.text()
    if sum(counts.values()) > 1:
        text += closing_lines(by_rule, options.lang)
    return text


def _new_page(width: int, color: bool) -> PageLike:
    return Page(width, color=color)


# ---- one manifest ------------------------------------------------------------------------------


def _print_quiet(page: PageLike, result: ManifestResult, lang: str) -> None:
    line = Text.assemble(_verdict(result.decision, lang))
    count = sum(1 for warning in result.warnings if warning.rule)
    if count:
        line.append(" ")
        line.append(label(lang, "quiet_warning" if count == 1 else "quiet_warnings", count=count), "yellow")
    line.append("  ")
    line.append(_text(result.manifest))
    if result.waivers:
        line.append(_text("  " + label(lang, "waived", ids=", ".join(result.waivers))))
    first = headline(result)
    if first:
        line.append(_text(f"  {first}"))
    page.add_unwrapped(line)


def _print_result(page: PageLike, result: ManifestResult, options: TextOptions) -> None:
    lang = options.lang
    page.add(_header(result, lang))
    for line in _context(result, lang):
        page.add(Indent(line, _SECTION_INDENT))
    facts = _FactLines(result.manifest, options)
    reasons = [_reason(reason, facts) for reason in result.reasons]
    _print_section(page, heading(lang, "reasons"), reasons)
    _print_section(page, heading(lang, "obligations"), _obligations(result))
    _print_section(page, heading(lang, "met"), _met_obligations(result))
    warnings = [_warning(warning, facts) for warning in result.warnings]
    _print_section(page, heading(lang, "warnings"), warnings)
    remedies = [_remedy(remedy, facts) for remedy in result.remedies]
    _print_section(page, heading(lang, "remedies"), remedies)
    _print_errors(page, result.errors, lang)


def _verdict(decision: Verdict, lang: str = "en") -> Text:
    return Text(verdict_label(decision, lang), VERDICT_STYLES[decision])


def _header(result: ManifestResult, lang: str) -> Text:
    header = Text.assemble(_verdict(result.decision, lang), "  ", _text(result.manifest, "bold"))
    if result.id:
        header.append(_text("  " + label(lang, "id", id=result.id), "dim"))
    if result.waivers:
        header.append(_text("  " + label(lang, "waived", ids=", ".join(result.waivers)), "yellow"))
    return header


def _context(result: ManifestResult, lang: str) -> list[Text]:
    """The route and as-of date, then the title, each on its own line when known."""
    parts = []
    if result.route.origin or result.route.destination:
        parts.append(format_route(result.route))
    if result.as_of is not None:
        parts.append(label(lang, "as_of", date=result.as_of.isoformat()))
    lines = [_text(" · ".join(parts))] if parts else []
    if result.title:
        lines.append(_text(result.title, "italic"))
    return lines


def _print_section(page: PageLike, title: str, entries: Sequence[Block]) -> None:
    if not entries:
        return
    page.add_blank_line()
    page.add(Indent(Text(title, "bold underline"), _SECTION_INDENT))
    for entry in entries:
        page.add(Indent(entry, _ENTRY_INDENT))


def _print_errors(page: PageLike, errors: Sequence[Diagnostic], lang: str = "en") -> None:
    """Diagnostics as `Diagnostic.render()` writes them, never wrapped so that carets stay under the fault."""
    if not errors:
        return
    page.add_blank_line()
    page.add(Indent(Text(heading(lang, "errors"), "bold underline"), _SECTION_INDENT))
    indent = " " * _ENTRY_INDENT
    for diagnostic in errors:
        first, *rest = render_diagnostic(diagnostic, lang).splitlines()
        page.add_unwrapped(_text(indent + first, _SEVERITY_STYLES[diagnostic.severity]))
        for line in rest:
            page.add_unwrapped(_text(indent + line))


# ---- entries -----------------------------------------------------------------------------------


class _FactLines:
    """The `fact` rows of one manifest's entries, located by line (the manifest is named above). By default
    a reason shows each fact once: a later reason leaves out the facts an earlier one listed and says how
    many. `verbose`: every fact of every entry, with its file and line."""

    def __init__(self, manifest: str, options: TextOptions) -> None:
        self.manifest = manifest
        self.verbose = options.verbose
        self.lang = options.lang
        self.shown: set[tuple[str, str]] = set()

    def rows(self, facts: Sequence[Fact], *, once: bool = True) -> list[tuple[str, str]]:
        """The rows of `facts`; `once`: leaving out those already shown (a reason's facts)."""
        fact_label = label(self.lang, "fact")
        if self.verbose:
            return [(fact_label, format_fact(fact, self.manifest, self.lang)) for fact in facts]
        rows = []
        above = 0
        for fact in facts:
            key = (fact.path, format_value(fact.value))
            if once and key in self.shown:
                above += 1
                continue
            if once:
                self.shown.add(key)
            if fact.provenance != "stated":
                where = fact_origin(fact, self.lang)
            else:
                where = label(self.lang, "line", line=fact.line) if fact.line is not None else ""
            rows.append((fact_label, f"{fact.path} = {key[1]}{where}"))
        if above:
            rows.append(
                (fact_label, label(self.lang, "fact_above" if above == 1 else "facts_above", count=above))
            )
        return rows


def _reason(reason: Reason, facts: _FactLines) -> Block:
    mark = ("✔", "green") if reason.effect == "allow" else ("✘", "red")
    rows = [(label(facts.lang, "cite"), cite) for cite in reason.citations]
    rows += facts.rows(reason.facts)
    if facts.verbose:
        rows.append((label(facts.lang, "source"), reason.source))
    if reason.waived_by:
        rows.append((label(facts.lang, "waived_row"), label(facts.lang, "waived_by", id=reason.waived_by)))
    title = Text.assemble(mark, " ", _text(reason.rule, "bold"))
    return _entry(title, [_text(reason.message), _details(rows)])


def _obligations(result: ManifestResult) -> list[Block]:
    """What must still be done, numbered."""
    to_do = [obligation for obligation in result.obligations if obligation.status is ObligationStatus.TO_DO]
    if not to_do:
        return []
    rows = [
        (f"{number}.", Text.assemble(_text(obligation.text), "\n", _text(obligation.rule, "dim")))
        for number, obligation in enumerate(to_do, start=1)
    ]
    return [Grid(rows, right=True)]


def _met_obligations(result: ManifestResult) -> list[Block]:
    """The obligations the manifest shows already met (`met` texts of duty-met rules), each marked ✔."""
    rows = [
        ("✔", Text.assemble(_text(obligation.text), "\n", _text(obligation.rule, "dim")))
        for obligation in result.obligations
        if obligation.status is ObligationStatus.MET
    ]
    return [Grid(rows, label_style="green")] if rows else []


def _warning(warning: Warning, facts: _FactLines) -> Block:
    lang = facts.lang
    title = " ".join(part for part in (warning.code, warning.rule) if part) or label(lang, "warning")
    rows = [(label(lang, "cite"), cite) for cite in warning.citations]
    rows += facts.rows(warning.facts, once=False)
    if warning.json_path:
        rows.append((label(lang, "at"), warning.json_path))
    if warning.source and (facts.verbose or not warning.rule):
        rows.append((label(lang, "source"), _location(warning.source, warning.line, warning.column)))
    heading_text = Text.assemble(("!", "yellow"), " ", _text(title, "bold"))
    return _entry(heading_text, [_text(warning.message), _details(rows)])


def _remedy(remedy: Remedy, facts: _FactLines) -> Block:
    title = Text.assemble(("→", "cyan"), " ")
    if remedy.kind == "closest_allow":
        title.append(label(facts.lang, "closest_allow"))
    title.append(_text(remedy.rule, "bold"))
    body: list[Block] = [_text(remedy.text)]
    body += [_failed_condition(failed, facts) for failed in remedy.failed_conditions]
    return _entry(title, body)


def _failed_condition(failed: FailedCondition, facts: _FactLines) -> Block:
    rows = facts.rows(failed.facts, once=False)
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
