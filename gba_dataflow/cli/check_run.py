"""What `gba-dataflow check` does once its command line is parsed: decide the manifests, write the reports,
choose the exit code. Free of typer, so that `cli.main` can run a plain `check PATH...` without it."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

from gba_dataflow.cli.console import print_error, use_color, write_output
from gba_dataflow.cli.exit_codes import ExitCode
from gba_dataflow.cli.values import LANGUAGES, check_choice, parse_as_of
from gba_dataflow.core.errors import GbaError, UsageError
from gba_dataflow.core.records import record
from gba_dataflow.engine.model import RunResult

STEP_SUMMARY = "GITHUB_STEP_SUMMARY"


@record(frozen=True, kw_only=True)
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


@record(frozen=True)
class Report:
    """One document to write: a format and a file (None: stdout)."""

    format: str
    path: Path | None


def execute_check(request: CheckRequest) -> ExitCode:
    """Run a check and write its reports; the exit code (input errors are printed to stderr and give 2)."""
    from gba_dataflow.cli.formats import RENDERERS
    from gba_dataflow.cli.progress import ProgressBar
    from gba_dataflow.engine.batch import run_check

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
        note_jobs(request.jobs)
        if len(reports) == 1 and reports[0].format == "json":
            return stream_json_report(request, day, language)
        with ProgressBar(color=not request.no_color) as progress:
            run = run_check(
                request.paths,
                rules_dirs=request.rules,
                as_of=day,
                lang=language,
                jobs=request.jobs,
                progress=progress.update,
            )
        warned = any(warning.rule for result in run.results for warning in result.warnings)
        code = exit_code_for(run.counts(), warned, request.fail_on_warn)
        write_reports(
            run,
            reports,
            code,
            quiet=request.quiet,
            no_color=request.no_color,
            fail_on_warn=request.fail_on_warn,
        )
    except GbaError as error:
        print_error(error)
        return ExitCode.INPUT_ERROR
    return code


def note_jobs(jobs: int) -> None:
    """Say so on stderr when --jobs asks for more processes than there are CPUs (they are capped)."""
    from gba_dataflow.engine.batch import cpu_count

    available = cpu_count()
    if jobs > available:
        sys.stderr.write(f"note: --jobs {jobs} is more than the {available} CPUs here; using {available}\n")


def stream_json_report(request: CheckRequest, day: dt.date | None, lang: str) -> ExitCode:
    """The JSON report alone (to `request.output`, else stdout): written while manifests are decided,
    so memory stays flat.

    On a terminal, stderr gets the totals line (the counts by rule need every result, which a stream
    does not keep)."""
    from gba_dataflow.cli.console import open_output
    from gba_dataflow.cli.progress import ProgressBar, stream_is_terminal
    from gba_dataflow.reports.common import summary_line
    from gba_dataflow.reports.stream import stream_json

    with open_output(request.output) as write, ProgressBar(color=not request.no_color) as progress:
        run = stream_json(
            request.paths,
            write,
            rules_dirs=request.rules,
            as_of=day,
            lang=lang,
            jobs=request.jobs,
            progress=progress.update,
        )
    if not request.quiet and stream_is_terminal(sys.stderr):
        sys.stderr.write(summary_line(run.counts) + "\n")
    return exit_code_for(run.counts, run.warned, request.fail_on_warn)


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
