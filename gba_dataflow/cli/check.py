"""`gba-dataflow check PATH...`: decide manifests and report."""

from __future__ import annotations

import datetime as dt
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from gba_dataflow.cli.console import print_error, use_color, write_output
from gba_dataflow.cli.exit_codes import ExitCode
from gba_dataflow.cli.options import (
    LANGUAGES,
    AsOfOption,
    FailOnWarnOption,
    LangOption,
    NoColorOption,
    OutputOption,
    QuietOption,
    RulesOption,
    check_choice,
    parse_as_of,
)
from gba_dataflow.core.errors import GbaError, UsageError
from gba_dataflow.engine.model import RunResult

STEP_SUMMARY = "GITHUB_STEP_SUMMARY"

ReportOption = Annotated[
    list[str] | None,
    typer.Option(
        "--report",
        help="Also write the report in FORMAT to FILE, as FORMAT:FILE (repeatable), e.g. "
        "--report sarif:results.sarif --report junit:results.xml.",
        metavar="FORMAT:FILE",
        show_default=False,
    ),
]
CheckFormatOption = Annotated[
    str, typer.Option("--format", "-f", help="Output format: text, json, sarif, junit or github.")
]
JobsOption = Annotated[
    int,
    typer.Option(
        "--jobs",
        "-j",
        help="Decide manifests in N processes (0: one per CPU). Output is the same whatever N is.",
        metavar="N",
    ),
]


@dataclass(frozen=True)
class Report:
    """One document to write: a format and a file (None: stdout)."""

    format: str
    path: Path | None


def register(app: typer.Typer) -> None:
    app.command("check")(check)


def check(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Manifest files, directories (searched for *.yaml, *.yml, *.json) or - for stdin.",
            show_default=False,
        ),
    ],
    rules: RulesOption = None,
    output_format: CheckFormatOption = "text",
    output: OutputOption = None,
    report: ReportOption = None,
    as_of: AsOfOption = None,
    lang: LangOption = "en",
    quiet: QuietOption = False,
    no_color: NoColorOption = False,
    fail_on_warn: FailOnWarnOption = False,
    jobs: JobsOption = 1,
) -> None:
    """Check manifests: ALLOW or DENY each planned transfer, with reasons, citations and remedies.

    Formats: text, json, sarif, junit, github. Exit codes: 0 every manifest allowed; 1 at least one
    denied (or warned, with --fail-on-warn); 2 an input error.
    """
    from gba_dataflow.cli.formats import RENDERERS
    from gba_dataflow.cli.progress import ProgressBar
    from gba_dataflow.engine.batch import run_check

    try:
        reports = [Report(check_choice("--format", output_format, tuple(RENDERERS)), output)]
        reports += parse_reports(report or [], output)
        language = check_choice("--lang", lang, LANGUAGES)
        day = parse_as_of(as_of)
        if jobs < 0:
            raise UsageError(
                f"--jobs `{jobs}` is negative", code="E501", hint="use 1 (default), N, or 0 for one per CPU"
            )
        if len(reports) == 1 and reports[0].format == "json":
            code = stream_json_report(
                paths, reports[0].path, rules, day, language, jobs, no_color, fail_on_warn, quiet
            )
            raise typer.Exit(code)
        with ProgressBar(color=not no_color) as progress:
            run = run_check(
                paths, rules_dirs=rules, as_of=day, lang=language, jobs=jobs, progress=progress.update
            )
    except GbaError as error:
        print_error(error)
        raise typer.Exit(ExitCode.INPUT_ERROR) from None
    warned = any(warning.rule for result in run.results for warning in result.warnings)
    code = exit_code_for(run.counts(), warned, fail_on_warn)
    try:
        write_reports(run, reports, code, quiet=quiet, no_color=no_color, fail_on_warn=fail_on_warn)
    except GbaError as error:
        print_error(error)
        raise typer.Exit(ExitCode.INPUT_ERROR) from None
    raise typer.Exit(code)


def stream_json_report(
    paths: list[str],
    output: Path | None,
    rules: list[Path] | None,
    day: dt.date | None,
    lang: str,
    jobs: int,
    no_color: bool,
    fail_on_warn: bool,
    quiet: bool,
) -> ExitCode:
    """The JSON report alone: written while manifests are decided, so memory stays flat.

    On a terminal, stderr gets the totals line (the counts by rule need every result, which a stream
    does not keep)."""
    from gba_dataflow.cli.console import open_output
    from gba_dataflow.cli.progress import ProgressBar, stream_is_terminal
    from gba_dataflow.reports.common import summary_line
    from gba_dataflow.reports.stream import stream_json

    with open_output(output) as write, ProgressBar(color=not no_color) as progress:
        run = stream_json(
            paths, write, rules_dirs=rules, as_of=day, lang=lang, jobs=jobs, progress=progress.update
        )
    if not quiet and stream_is_terminal(sys.stderr):
        sys.stderr.write(summary_line(run.counts) + "\n")
    return exit_code_for(run.counts, run.warned, fail_on_warn)


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


def write_reports(
    run: RunResult, reports: list[Report], code: int, *, quiet: bool, no_color: bool, fail_on_warn: bool
) -> None:
    """Render and write every report; the GitHub job summary; the closing summary on a terminal."""
    from gba_dataflow.cli.formats import RENDERERS, RenderOptions
    from gba_dataflow.cli.progress import stream_is_terminal

    root = Path.cwd()
    for item in reports:
        color = item.path is None and item.format == "text" and use_color(no_color)
        options = RenderOptions(
            color=color, quiet=quiet, exit_code=code, fail_on_warn=fail_on_warn, root=root
        )
        write_output(RENDERERS[item.format](run, options), item.path)
    if any(item.format == "github" for item in reports):
        append_step_summary(run, code)
    stdout = reports[0]
    text_on_stdout = stdout.format == "text" and stdout.path is None
    if not quiet and not text_on_stdout and stream_is_terminal(sys.stderr):
        from gba_dataflow.reports.summary import closing_summary

        sys.stderr.write(closing_summary(run))
        sys.stderr.flush()


def append_step_summary(run: RunResult, code: int) -> None:
    """Append the Markdown job summary to $GITHUB_STEP_SUMMARY when GitHub Actions set it."""
    target = os.environ.get(STEP_SUMMARY)
    if not target:
        return
    from gba_dataflow.reports.summary import render_markdown_summary

    try:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(render_markdown_summary(run, exit_code=code) + "\n")
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
