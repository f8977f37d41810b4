"""What `gba-dataflow check` does once its command line is parsed: decide the manifests, write the reports,
choose the exit code. Free of typer, so that `cli.main` can run a plain `check PATH...` without it."""

from __future__ import annotations

import datetime as dt
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from gba_dataflow.cli.console import print_error, use_color
from gba_dataflow.cli.exit_codes import ExitCode
from gba_dataflow.cli.values import LANGUAGES, check_choice, parse_as_of
from gba_dataflow.core.errors import GbaError, UsageError

if TYPE_CHECKING:
    from gba_dataflow.reports.streaming import ReportStream

STEP_SUMMARY = "GITHUB_STEP_SUMMARY"


@dataclass(frozen=True, kw_only=True)
class CheckRequest:
    """A parsed `check` command line. The defaults are the command's own (a test holds typer's to them)."""

    paths: list[str]
    rules: list[Path] | None = None
    output_format: str = "text"
    output: Path | None = None
    report: list[str] | None = None
    as_of: str | None = None
    lang: str = "en"
    quiet: bool = False
    no_color: bool = False
    fail_on_warn: bool = False
    jobs: int = 1
    verbose: bool = False


@dataclass(frozen=True)
class Report:
    """One document to write: a format and a file (None: stdout)."""

    format: str
    path: Path | None


def execute_check(request: CheckRequest) -> ExitCode:
    """Run a check and write its reports; the exit code (input errors are printed to stderr and give 2)."""
    from gba_dataflow.cli.formats import RENDERERS

    try:
        reports = [Report(check_choice("--format", request.output_format, tuple(RENDERERS)), request.output)]
        reports += parse_reports(request.report or [], request.output)
        language = check_choice("--lang", request.lang, LANGUAGES)
        day = parse_as_of(request.as_of)
        if request.jobs < 0:
            raise UsageError(
                f"--jobs `{request.jobs}` is negative",
                code="E501",
                hint="use 1 (default), N, or 0 for one per CPU",
            )
        return stream_check(request, reports, day, language)
    except GbaError as error:
        print_error(error)
        return ExitCode.INPUT_ERROR


def stream_check(request: CheckRequest, reports: list[Report], day: dt.date | None, lang: str) -> ExitCode:
    """Decide the manifests and write every report as they are decided (memory stays flat in the number
    of manifests, whatever the formats); then the job summary and, on a terminal, the closing summary."""
    import contextlib

    from gba_dataflow.cli.console import open_output
    from gba_dataflow.cli.progress import ProgressBar, stream_is_terminal
    from gba_dataflow.engine.batch import plan_inputs
    from gba_dataflow.engine.rulebook import load_rulebook
    from gba_dataflow.reports.streaming import ReportOptions, ReportStream
    from gba_dataflow.reports.text import TextOptions
    from gba_dataflow.reports.text_layout import console_width

    rulebook = load_rulebook(request.rules)
    plan = plan_inputs(request.paths)
    root = Path.cwd()
    on_terminal = stream_is_terminal(sys.stdout) and any(item.path is None for item in reports)
    with contextlib.ExitStack() as stack:
        outputs = []
        for item in reports:
            color = item.path is None and item.format == "text" and use_color(request.no_color)
            text = TextOptions(
                width=console_width(None, color=color),
                color=color,
                quiet=request.quiet,
                verbose=request.verbose,
                lang=lang,
            )
            options = ReportOptions(item.format, text, request.fail_on_warn, root)
            outputs.append((options, stack.enter_context(open_output(item.path))))
        stream = ReportStream(outputs)
        stack.callback(stream.close)
        github = any(item.format == "github" for item in reports)
        if github and os.environ.get(STEP_SUMMARY):
            stream.want_rows()
        with ProgressBar(color=not request.no_color, force=False) as progress:
            if on_terminal:
                progress.enabled = False  # the report itself shows the progress on the terminal
            tally = stream.run(
                rulebook,
                plan,
                rules_dirs=request.rules,
                as_of=day,
                lang=lang,
                jobs=request.jobs,
                progress=progress.update,
            )
        code = exit_code_for(tally.counts, tally.warned > 0, request.fail_on_warn)
        stream.finish(code)
    if github:
        append_step_summary(stream, code)
    stdout = reports[0]
    text_on_stdout = stdout.format == "text" and stdout.path is None
    if not request.quiet and not text_on_stdout and stream_is_terminal(sys.stderr):
        from gba_dataflow.reports.common import summary_line
        from gba_dataflow.reports.summary import closing_lines, count_rules

        sys.stderr.write(summary_line(tally.counts, tally.warned, lang) + "\n")
        if tally.total > 1:
            sys.stderr.write(closing_lines(count_rules(tally.fired), lang))
        sys.stderr.flush()
    return code


def parse_reports(values: list[str], output: Path | None) -> list[Report]:
    """`FORMAT:FILE` values of --report; each file at most once, and never the --output file."""
    from gba_dataflow.cli.formats import RENDERERS

    reports: list[Report] = []
    seen = {output.resolve()} if output is not None else set()
    for value in values:
        name, colon, file = value.partition(":")
        if not colon or not file or file == "-":
            raise UsageError(
                f"--report `{value}` is not FORMAT:FILE",
                code="E501",
                hint="e.g. --report sarif:results.sarif (the main report goes to stdout: --format)",
            )
        path = Path(file)
        if path.resolve() in seen:
            raise UsageError(
                f"--report `{value}`: `{file}` is written twice", code="E501", hint="use one file per report"
            )
        seen.add(path.resolve())
        reports.append(Report(check_choice("--report", name, tuple(RENDERERS)), path))
    return reports


def append_step_summary(stream: ReportStream, code: int) -> None:
    """Append the Markdown job summary to $GITHUB_STEP_SUMMARY when GitHub Actions set it."""
    target = os.environ.get(STEP_SUMMARY)
    tally, info = stream.tally, stream.info
    if not target or tally.rows is None or info is None:
        return
    from gba_dataflow.reports.summary import MarkdownFacts, count_rules, markdown_summary

    facts = MarkdownFacts(
        counts=tally.counts,
        warned=tally.warned,
        by_rule=count_rules(tally.fired),
        rows=tally.rows,
        digest=info.rules.digest,
        as_of=info.as_of,
    )
    try:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(markdown_summary(facts, exit_code=code) + "\n")
    except OSError as error:  # a side output: say so, but let the decision decide the exit code
        sys.stderr.write(
            f"warning E501: cannot append the job summary to ${STEP_SUMMARY} `{target}`: {error.strerror}\n"
        )


def exit_code_for(counts: dict[str, int], warned: bool, fail_on_warn: bool) -> ExitCode:
    """Errors dominate, then denials, then (with --fail-on-warn) warnings."""
    if counts.get("error"):
        return ExitCode.INPUT_ERROR
    if counts.get("deny") or (fail_on_warn and warned):
        return ExitCode.DENIED
    return ExitCode.ALLOWED
