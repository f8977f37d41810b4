"""Write every report of a `check` as its manifests are decided, so memory stays flat in the number of
manifests whatever the formats.

Each manifest's result is turned into an `Entry` where it is decided (in a worker process with `--jobs`):
its piece of each report, already rendered, and the little the run keeps of it (its decision, whether a warn
rule fired, the rules that fired; for SARIF the rule ids and codes it uses; for the job summary its row).
Only the entry crosses between processes, and the parent only writes pieces and adds up counts.

A format whose document starts with what only the end knows (JUnit's counts, SARIF's rule catalogue and exit
code) writes its pieces to a temporary file and, at the end, its head, the pieces and its tail. The bytes are
those of the format's `render_*` function for the same run (the tests hold them equal).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from gba_dataflow.app.batch import Amend, Plan, Progress, describe_rules, iter_plan, resolve_jobs
from gba_dataflow.app.duplicates import DuplicateIds
from gba_dataflow.engine.model import ManifestResult, RuleDoc, RulesInfo, Verdict
from gba_dataflow.engine.rulebook import Rulebook
from gba_dataflow.reports.common import warned
from gba_dataflow.reports.sarif import Catalog, CatalogRef
from gba_dataflow.reports.summary import SummaryRows, count_rules, fired
from gba_dataflow.reports.text import TextOptions

Write = Callable[[str], object]
FORMATS = ("text", "json", "sarif", "junit", "github")


@dataclass(frozen=True, slots=True)
class ReportOptions:
    """One report to write: its format and what that format needs (`text` for the text report; SARIF
    and GitHub name files relative to `root`; JUnit fails warned manifests with `fail_on_warn`)."""

    format: str
    text: TextOptions = field(default_factory=TextOptions)
    fail_on_warn: bool = False
    root: Path | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    """What the run keeps of one manifest: its decision, whether a warn rule fired, the rules that fired
    (`(kind, rule or code)`), the rule ids and codes a SARIF report needs, its job-summary row, and its
    piece of each report."""

    decision: str
    warned: bool
    fired: tuple[tuple[str, str], ...]
    refs: tuple[CatalogRef, ...]
    row: tuple[str, ...] | None
    pieces: tuple[str, ...]
    id: str | None = None
    """The manifest's id, for the duplicate-id check (W425)."""
    manifest: str = ""


@dataclass(frozen=True, slots=True)
class EntryMaker:
    """Turns a result into its `Entry`; it runs where the manifest is decided (a plain data class, so
    that it can be sent to worker processes)."""

    reports: tuple[ReportOptions, ...]
    rows: bool = False

    def __call__(self, result: ManifestResult) -> Entry:
        sarif = any(report.format == "sarif" for report in self.reports)
        if sarif:
            from gba_dataflow.reports.sarif import catalog_refs

            refs = catalog_refs(result)
        else:
            refs = ()
        row = None
        if self.rows:
            from gba_dataflow.reports.summary import markdown_row

            row = markdown_row(result, self.reports[0].text.lang if self.reports else "en")
        return Entry(
            decision=result.decision.value,
            warned=warned(result),
            fired=fired(result),
            refs=refs,
            row=row,
            pieces=tuple(piece(report, result) for report in self.reports),
            id=result.id,
            manifest=result.manifest,
        )


def piece(report: ReportOptions, result: ManifestResult) -> str:
    """One manifest's piece of a report."""
    if report.format == "text":
        from gba_dataflow.reports.text import text_piece

        return text_piece(result, report.text)
    if report.format == "json":
        from gba_dataflow.reports.json_report import result_line

        return result_line(result)
    if report.format == "sarif":
        from gba_dataflow.reports.sarif import sarif_piece

        return sarif_piece(result, report.root, report.text.lang)
    if report.format == "junit":
        from gba_dataflow.reports.junit import junit_case

        return junit_case(result, report.fail_on_warn, report.text.lang)
    if report.format == "github":
        from gba_dataflow.reports.github import github_piece

        return github_piece(result, report.root, report.text.lang)
    raise ValueError(f"unknown report format {report.format!r}")


@dataclass
class Tally:
    """What a streamed run adds up: counts by decision, manifests where a warn rule fired (and of those,
    how many were allowed), manifests per rule that fired, the SARIF catalogue and the job-summary rows.
    Its size is bounded by the rules, not by the manifests."""

    counts: dict[str, int] = field(default_factory=lambda: {verdict.value: 0 for verdict in Verdict})
    warned: int = 0
    warned_allowed: int = 0
    fired: Counter[tuple[str, str]] = field(default_factory=Counter)
    catalog: Catalog | None = None
    rows: SummaryRows | None = None
    missing: int = 0
    """Inputs that named no manifest (they are among the errors)."""
    duplicates: DuplicateIds = field(default_factory=DuplicateIds)
    """The manifest ids seen, and a W425 warning for each repeated one."""

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def add(self, entry: Entry) -> None:
        self.counts[entry.decision] += 1
        self.duplicates.see(entry.id, entry.manifest)
        if entry.warned:
            self.warned += 1
            self.warned_allowed += entry.decision == Verdict.ALLOW.value
        self.fired.update(entry.fired)
        if self.catalog is not None:
            self.catalog.add(entry.refs)
        if self.rows is not None and entry.row is not None:
            self.rows.add(entry.decision, entry.row)


@dataclass(frozen=True, slots=True)
class RunInfo:
    """What the heads and tails of the documents say of the run."""

    rules: RulesInfo
    as_of: dt.date | None
    lang: str
    rule_docs: tuple[RuleDoc, ...] = ()


class _Sink:
    """Writes one report: each piece as it comes (or to a spool), then the end of the document."""

    def __init__(self, report: ReportOptions, write: Write) -> None:
        self.report = report
        self.write = write
        self.count = 0
        self.spool: IO[str] | None = None
        if report.format in ("sarif", "junit"):
            self.spool = tempfile.TemporaryFile("w+", encoding="utf-8", newline="\n")  # noqa: SIM115 - close()

    def start(self, info: RunInfo) -> None:
        if self.report.format == "json":
            from gba_dataflow.reports.json_report import json_head

            self.write(json_head(info.rules, info.as_of))

    def add(self, text: str) -> None:
        if self.report.format == "json":
            from gba_dataflow.reports.json_report import json_separator

            self.write(json_separator(self.count) + text)
        elif self.report.format == "junit":
            from gba_dataflow.reports.junit import junit_body

            assert self.spool is not None
            self.spool.write(junit_body([text]))
        elif self.spool is not None:
            self.spool.write(text)
        elif text:
            self.write(text)
        self.count += 1

    def finish(self, tally: Tally, info: RunInfo, exit_code: int) -> None:
        fmt = self.report.format
        if fmt == "json":
            from gba_dataflow.reports.json_report import json_tail

            self.write(json_tail(tally.counts, self.count > 0))
        elif fmt == "text":
            from gba_dataflow.reports.text import text_tail

            by_rule = count_rules(tally.fired)
            self.write(
                text_tail(tally.counts, tally.warned, by_rule, self.report.text, missing=tally.missing)
            )
        elif fmt == "github":
            from gba_dataflow.reports.common import summary_line

            self.write(summary_line(tally.counts, tally.warned, info.lang, missing=tally.missing) + "\n")
        elif fmt == "junit":
            self._finish_junit(tally, info)
        elif fmt == "sarif":
            self._finish_sarif(tally, info, exit_code)

    def close(self) -> None:
        if self.spool is not None:
            self.spool.close()
            self.spool = None

    def _finish_junit(self, tally: Tally, info: RunInfo) -> None:
        from gba_dataflow.reports.junit import JunitTotals, junit_frame

        failures = tally.counts[Verdict.DENY.value]
        if self.report.fail_on_warn:
            failures += tally.warned_allowed
        totals = JunitTotals(
            tally.total,
            failures,
            tally.counts[Verdict.ERROR.value],
            tally.counts,
            tally.warned,
            tally.missing,
        )
        head, tail = junit_frame(totals, info.rules, info.as_of, info.lang)
        self.write(head)
        self._copy_spool()
        self.write(tail)

    def _finish_sarif(self, tally: Tally, info: RunInfo, exit_code: int) -> None:
        from gba_dataflow.reports.sarif import resolve_line, sarif_frame

        catalog = tally.catalog if tally.catalog is not None else Catalog(info.rule_docs)
        head, tail = sarif_frame(
            catalog, info.rules, info.as_of, info.lang, tally.counts, exit_code=exit_code
        )
        self.write(head)
        assert self.spool is not None
        if self.spool.tell() == 0:
            self.write("[]")
        else:
            self.spool.seek(0)
            self.spool.read(1)  # the first piece's leading comma
            self.write("[")
            for line in self.spool:
                self.write(resolve_line(line[:-1], catalog) + "\n" if line.endswith("\n") else line)
            self.write("\n      ]")
        self.write(tail)

    def _copy_spool(self) -> None:
        assert self.spool is not None
        self.spool.seek(0)
        while chunk := self.spool.read(1 << 16):
            self.write(chunk)


class ReportStream:
    """Every report of a run, written as its manifests are decided: `run` decides and writes the pieces,
    `finish` (once the exit code is known) writes the ends of the documents."""

    def __init__(
        self, reports: Sequence[tuple[ReportOptions, Write]], *, rule_docs: tuple[RuleDoc, ...] = ()
    ) -> None:
        self.sinks = [_Sink(report, write) for report, write in reports]
        self.maker = EntryMaker(tuple(report for report, _ in reports))
        self.rule_docs = rule_docs
        self.tally = Tally()
        self.info: RunInfo | None = None

    def want_rows(self) -> None:
        """Keep the job-summary rows (a Markdown summary will be written)."""
        self.maker = EntryMaker(self.maker.reports, rows=True)
        self.tally.rows = SummaryRows()

    def run(
        self,
        rulebook: Rulebook,
        plan: Plan,
        *,
        rules_dirs: Sequence[Path] | None = None,
        as_of: dt.date | None = None,
        lang: str = "en",
        jobs: int = 1,
        progress: Progress | None = None,
        amend: Amend | None = None,
    ) -> Tally:
        """Decide `plan`, writing each report's pieces in input order; the tally of the run. `amend`
        changes each result before it is reported (the waivers)."""
        self.tally.missing = sum(1 for item in plan if isinstance(item, ManifestResult) and item.no_manifest)
        rule_docs = self.rule_docs
        if any(sink.report.format == "sarif" for sink in self.sinks):
            rule_docs = rule_docs or describe_rules(rulebook, lang)
            self.tally.catalog = Catalog(rule_docs)
        self.info = RunInfo(rulebook.info, as_of, lang, rule_docs)
        for sink in self.sinks:
            sink.start(self.info)
        entries = iter_plan(
            rulebook, plan, rules_dirs, as_of, lang, resolve_jobs(jobs), progress, self.maker, amend
        )
        for entry in entries:
            self.tally.add(entry)
            for sink, text in zip(self.sinks, entry.pieces, strict=True):
                sink.add(text)
        return self.tally

    def finish(self, exit_code: int) -> None:
        """Write the end of every document (and the heads that only the end could write)."""
        assert self.info is not None, "run() first"
        try:
            for sink in self.sinks:
                sink.finish(self.tally, self.info, exit_code)
        finally:
            self.close()

    def close(self) -> None:
        for sink in self.sinks:
            sink.close()
