"""Run summaries for batches and CI: counts by decision and by rule, as plain text (the closing summary
after a batch) and as Markdown (the GitHub Actions job summary).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from gba_dataflow.core.codes import CODES
from gba_dataflow.engine.model import ManifestResult, RunResult, Verdict
from gba_dataflow.reports.common import VERDICT_LABELS, format_route, headline, printable, summary_line

MAX_ROWS = 200
"""Most manifests listed one per row in a Markdown summary; a larger run lists only its denials and errors."""

_OUTCOMES = ("denied", "warned", "failed", "allowed")
_VERBS = {"denied": "denied by", "warned": "warned by", "failed": "failed with", "allowed": "allowed by"}
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#&])")


@dataclass(frozen=True, slots=True)
class RuleCount:
    """How many manifests one rule (or error code) decided: `12 denied by mainland_export/m1_core_data`."""

    outcome: str  # "denied" | "warned" | "failed" | "allowed"
    rule: str  # a rule id, or an error code for "failed"
    manifests: int

    @property
    def subject(self) -> str:
        if self.outcome != "failed":
            return self.rule
        code = CODES.get(self.rule)
        return f"{self.rule} ({code.name})" if code else self.rule

    def __str__(self) -> str:
        return f"{self.manifests} {_VERBS[self.outcome]} {self.subject}"


def rule_counts(results: Iterable[ManifestResult]) -> list[RuleCount]:
    """Per rule, the manifests it denied, warned or allowed, and per error code the manifests that failed
    with it. A manifest counts once per rule; order: denied, warned, failed, allowed, then most first.
    """
    counters: dict[str, Counter[str]] = {outcome: Counter() for outcome in _OUTCOMES}
    for result in results:
        if result.decision is Verdict.ERROR:
            counters["failed"].update(_unique(error.code for error in result.errors))
            continue
        outcome = "denied" if result.decision is Verdict.DENY else "allowed"
        effect = "deny" if result.decision is Verdict.DENY else "allow"
        counters[outcome].update(_unique(r.rule for r in result.reasons if r.effect == effect))
        counters["warned"].update(_unique(w.rule for w in result.warnings if w.rule))
    return [
        RuleCount(outcome, rule, count)
        for outcome in _OUTCOMES
        for rule, count in sorted(counters[outcome].items(), key=lambda item: (-item[1], item[0]))
    ]


def _unique(items: Iterable[str]) -> set[str]:
    return set(items)


def closing_summary(run: RunResult, *, totals: bool = True) -> str:
    """The plain-text summary after a batch: the totals line (unless `totals` is false), then one
    indented line per rule, counts aligned. Ends with a newline; empty when there is nothing to say.
    """
    counts = rule_counts(run.results)
    width = max((len(str(count.manifests)) for count in counts), default=1)
    lines = [summary_line(run.counts(), run.missing_inputs())] if totals else []
    lines += [f"  {count.manifests:>{width}} {_VERBS[count.outcome]} {count.subject}" for count in counts]
    return "".join(line + "\n" for line in lines)


# ---- Markdown ------------------------------------------------------------------------------------


def markdown(text: str) -> str:
    """`text` safe inside Markdown (and a table cell): punctuation escaped, line breaks as spaces."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", printable(" ".join(text.split())))


def render_markdown_summary(run: RunResult, *, exit_code: int, title: str = "gba-dataflow check") -> str:
    """A GitHub Actions job summary: the totals table, counts by rule, and one row per manifest
    (for a run larger than MAX_ROWS, only the denied and failed ones, at most MAX_ROWS).
    """
    counts = run.counts()
    lines = [f"### {markdown(title)}: {markdown(summary_line(counts, run.missing_inputs()))}", ""]
    lines += ["| decision | manifests |", "|:--|--:|"]
    for verdict in Verdict:
        lines.append(f"| {markdown(VERDICT_LABELS[verdict])} | {counts[verdict.value]} |")
    lines += [f"| **total** | **{len(run.results)}** |", ""]
    by_rule = rule_counts(run.results)
    if by_rule:
        lines += ["| manifests | outcome | rule |", "|--:|:--|:--|"]
        lines += [f"| {c.manifests} | {_VERBS[c.outcome]} | {markdown(c.subject)} |" for c in by_rule]
        lines.append("")
    lines += _manifest_rows(run.results)
    lines.append(_footer(run, exit_code))
    return "\n".join(lines) + "\n"


def _manifest_rows(results: tuple[ManifestResult, ...]) -> list[str]:
    if not results:
        return []
    shown = list(results)
    note = ""
    if len(shown) > MAX_ROWS:
        failing = [result for result in shown if result.decision is not Verdict.ALLOW]
        shown = failing[:MAX_ROWS]
        left = len(results) - len(shown)
        note = (
            f"{left} more {'manifest' if left == 1 else 'manifests'} not listed: a run of more than "
            f"{MAX_ROWS} manifests lists only denials and errors, at most {MAX_ROWS}"
        )
    if not shown:
        return [f"_{note}_", ""]
    lines = ["| decision | manifest | id | route | first reason |", "|:--|:--|:--|:--|:--|"]
    for result in shown:
        route = format_route(result.route) if result.route.origin or result.route.destination else ""
        cells = (VERDICT_LABELS[result.decision], result.manifest, result.id or "", route, headline(result))
        lines.append("| " + " | ".join(markdown(cell) for cell in cells) + " |")
    if note:
        lines += ["", f"_{note}_"]
    return [*lines, ""]


def _footer(run: RunResult, exit_code: int) -> str:
    as_of = run.as_of.isoformat() if run.as_of else "each manifest's transfer date"
    return f"Exit code {exit_code} · rules {markdown(run.rules.digest)} · as of {markdown(as_of)}"
