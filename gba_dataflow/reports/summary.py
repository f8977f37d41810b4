"""Run summaries for batches and CI: counts by decision and by rule, as plain text (the closing summary
after a batch) and as Markdown (the GitHub Actions job summary).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from unicodedata import east_asian_width

from gba_dataflow.core.codes import CODES
from gba_dataflow.engine.model import ManifestResult, ObligationStatus, RunResult, Verdict
from gba_dataflow.reports.common import (
    VERDICT_LABELS,
    format_route,
    headline,
    printable,
    summary_line,
    warned,
)
from gba_dataflow.reports.labels import label

MAX_ROWS = 200
"""Most manifests listed one per row in a Markdown summary; a larger run lists only its denials and errors."""

KINDS = ("deny", "warn", "error", "allow", "met")
"""The kinds of count by rule, in the order they are listed: deny rules, warn rules, input errors (by code),
allow rules, duty-met rules (allow rules that only found an obligation met: never said to have allowed)."""
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#&])")


@dataclass(frozen=True, slots=True)
class RuleCount:
    """In how many manifests one rule fired (or one error code was found): `12  deny rule  m/r`.

    A deny rule counts where it denied; an allow or warn rule wherever it fired (an allow rule that only
    adds obligations counts with the allow rule that allowed the transfer: neither is said to have "allowed"
    it alone)."""

    kind: str  # "deny" | "warn" | "error" | "allow" | "met"
    rule: str  # a rule id, or an error code for "error"
    manifests: int

    @property
    def subject(self) -> str:
        if self.kind != "error":
            return self.rule
        code = CODES.get(self.rule)
        return f"{self.rule} ({code.name})" if code else self.rule


def fired(result: ManifestResult) -> tuple[tuple[str, str], ...]:
    """`(kind, rule or code)` for each rule that fired for `result` (each once), and each error code."""
    if result.decision is Verdict.ERROR:
        return tuple(("error", code) for code in dict.fromkeys(error.code for error in result.errors))
    effect = "deny" if result.decision is Verdict.DENY else "allow"
    pairs = [(effect, reason.rule) for reason in result.reasons if reason.effect == effect]
    pairs += [("warn", warning.rule) for warning in result.warnings if warning.rule]
    if effect == "allow" and result.obligations:
        pairs += _duty_met_rules(result, {rule for _, rule in pairs})
    return tuple(dict.fromkeys(pairs))


def _duty_met_rules(result: ManifestResult, reasons: set[str]) -> list[tuple[str, str]]:
    """`("met", rule)` for each rule whose obligations were met and that is not a reason of the allow (a
    duty-met rule: counted as "duty met", never as an allow rule)."""
    return [
        ("met", obligation.rule)
        for obligation in result.obligations
        if obligation.status is ObligationStatus.MET and obligation.rule not in reasons
    ]


def count_rules(counter: Counter[tuple[str, str]]) -> list[RuleCount]:
    """The counts by rule in listing order: by kind (`KINDS`), then most manifests first, then by id."""
    return [
        RuleCount(kind, rule, count)
        for kind in KINDS
        for (k, rule), count in sorted(counter.items(), key=lambda item: (-item[1], item[0][1]))
        if k == kind
    ]


def rule_counts(results: Iterable[ManifestResult]) -> list[RuleCount]:
    """Per rule, the manifests where it fired; per error code, the manifests that failed with it."""
    counter: Counter[tuple[str, str]] = Counter()
    for result in results:
        counter.update(fired(result))
    return count_rules(counter)


def closing_lines(counts: Sequence[RuleCount], lang: str = "en") -> str:
    """The manifests per rule that fired, one indented line each, counts and kinds aligned (empty when
    no rule fired)."""
    if not counts:
        return ""
    width = max(len(str(count.manifests)) for count in counts)
    kinds = {count.kind: label(lang, f"kind_{count.kind}") for count in counts}
    kind_width = max(cell_width(kind) for kind in kinds.values())
    lines = ["  " + label(lang, "by_rule")]
    for count in counts:
        kind = kinds[count.kind]
        pad = " " * (kind_width - cell_width(kind))
        lines.append(f"    {count.manifests:>{width}}  {kind}{pad}  {printable(count.subject)}")
    return "".join(line + "\n" for line in lines)


def closing_summary(run: RunResult, *, totals: bool = True) -> str:
    """The plain-text summary after a batch: the totals line (unless `totals` is false), then the
    manifests per rule that fired. Ends with a newline."""
    lines = (
        summary_line(run.counts(), sum(map(warned, run.results)), run.lang, run.missing_inputs()) + "\n"
        if totals
        else ""
    )
    return lines + closing_lines(rule_counts(run.results), run.lang)


def cell_width(text: str) -> int:
    """Terminal cells of `text` (CJK characters take two)."""
    return sum(2 if east_asian_width(char) in "WF" else 1 for char in text)


# ---- Markdown ------------------------------------------------------------------------------------


def markdown(text: str) -> str:
    """`text` safe inside Markdown (and a table cell): punctuation escaped, line breaks as spaces."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", printable(" ".join(text.split())))


@dataclass
class SummaryRows:
    """The manifest rows a Markdown summary may list, kept as results come: every row while the run is
    at most MAX_ROWS long, and the first MAX_ROWS denied or failed ones (memory stays bounded)."""

    total: int = 0
    rows: list[tuple[str, ...]] = field(default_factory=list)
    failing: list[tuple[str, ...]] = field(default_factory=list)

    def add(self, decision: str, row: tuple[str, ...]) -> None:
        self.total += 1
        if self.total <= MAX_ROWS:
            self.rows.append(row)
        elif self.rows:
            self.rows = []
        if decision != Verdict.ALLOW.value and len(self.failing) < MAX_ROWS:
            self.failing.append(row)


def markdown_row(result: ManifestResult) -> tuple[str, ...]:
    """The cells of a manifest's row in the Markdown summary."""
    route = format_route(result.route) if result.route.origin or result.route.destination else ""
    return (VERDICT_LABELS[result.decision], result.manifest, result.id or "", route, headline(result))


def render_markdown_summary(run: RunResult, *, exit_code: int, title: str = "gba-dataflow check") -> str:
    """A GitHub Actions job summary: the totals table, counts by rule, and one row per manifest
    (for a run larger than MAX_ROWS, only the denied and failed ones, at most MAX_ROWS).
    """
    rows = SummaryRows()
    for result in run.results:
        rows.add(result.decision.value, markdown_row(result))
    return markdown_summary(
        MarkdownFacts(
            counts=run.counts(),
            warned=sum(map(warned, run.results)),
            by_rule=rule_counts(run.results),
            rows=rows,
            digest=run.rules.digest,
            as_of=run.as_of,
        ),
        exit_code=exit_code,
        title=title,
    )


@dataclass(frozen=True, slots=True)
class MarkdownFacts:
    """What a Markdown summary says of a run, gathered as it was decided."""

    counts: Mapping[str, int]
    warned: int
    by_rule: Sequence[RuleCount]
    rows: SummaryRows
    digest: str
    as_of: dt.date | None


def markdown_summary(facts: MarkdownFacts, *, exit_code: int, title: str = "gba-dataflow check") -> str:
    """The job summary of `render_markdown_summary` from what a streamed run kept."""
    counts = facts.counts
    lines = [f"### {markdown(title)}: {markdown(summary_line(counts, facts.warned))}", ""]
    lines += ["| decision | manifests |", "|:--|--:|"]
    for verdict in Verdict:
        lines.append(f"| {markdown(VERDICT_LABELS[verdict])} | {counts.get(verdict.value, 0)} |")
    lines += [f"| **total** | **{facts.rows.total}** |", ""]
    if facts.by_rule:
        lines += ["| manifests | where this fired | rule |", "|--:|:--|:--|"]
        lines += [
            f"| {c.manifests} | {label('en', 'kind_' + c.kind)} | {markdown(c.subject)} |"
            for c in facts.by_rule
        ]
        lines.append("")
    lines += _manifest_rows(facts.rows)
    as_of = facts.as_of.isoformat() if facts.as_of else "each manifest's transfer date"
    lines.append(f"Exit code {exit_code} · rules {markdown(facts.digest)} · as of {markdown(as_of)}")
    return "\n".join(lines) + "\n"


def _manifest_rows(rows: SummaryRows) -> list[str]:
    if not rows.total:
        return []
    shown = rows.rows if rows.total <= MAX_ROWS else rows.failing
    note = ""
    if rows.total > MAX_ROWS:
        left = rows.total - len(shown)
        note = (
            f"{left} more {'manifest' if left == 1 else 'manifests'} not listed: a run of more than "
            f"{MAX_ROWS} manifests lists only denials and errors, at most {MAX_ROWS}"
        )
    if not shown:
        return [f"_{note}_", ""]
    lines = ["| decision | manifest | id | route | first reason |", "|:--|:--|:--|:--|:--|"]
    lines += ["| " + " | ".join(markdown(cell) for cell in cells) + " |" for cells in shown]
    if note:
        lines += ["", f"_{note}_"]
    return [*lines, ""]
