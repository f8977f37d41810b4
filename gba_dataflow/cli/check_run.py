"""What `gba-dataflow check` does once its command line is parsed: decide the manifests, write the reports,
choose the exit code. Free of typer, so that `cli.main` can run a plain `check PATH...` without it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from gba_dataflow.cli.console import print_diagnostics, print_error, use_color, write_output
from gba_dataflow.cli.exit_codes import ExitCode
from gba_dataflow.cli.values import LANGUAGES, check_choice, language_for_errors, parse_as_of
from gba_dataflow.core.errors import GbaError, UsageError
from gba_dataflow.core.i18n import localize, os_problem, tr
from gba_dataflow.engine.model import RunResult
from gba_dataflow.manifests.files import Selection

if TYPE_CHECKING:
    from gba_dataflow.app.batch import Amend
    from gba_dataflow.reports.streaming import ReportStream

STEP_SUMMARY = "GITHUB_STEP_SUMMARY"


@dataclass(frozen=True, kw_only=True)
class CheckRequest:
    """A parsed `check` command line. The defaults are the command's own (a test holds typer's to them)."""

    paths: list[str]
    rules: list[Path] | None = None
    output_format: str | None = None  # None: the configuration file's, else text
    output: Path | None = None
    report: list[str] | None = None
    as_of: str | None = None
    lang: str | None = None  # None: the configuration file's, else en
    quiet: bool = False
    no_color: bool = False
    fail_on_warn: bool | None = None  # None: the configuration file's, else False
    jobs: int = 1
    ledger: str | None = None
    record: bool = False
    subjects: Path | None = None
    subjects_key_file: Path | None = None
    waivers: Path | None = None  # None: the configuration file's, else no waivers
    verbose: bool = False


@dataclass(frozen=True)
class Report:
    """One document to write: a format and a file (None: stdout)."""

    format: str
    path: Path | None


def execute_check(request: CheckRequest) -> ExitCode:
    """Run a check and write its reports; the exit code (input errors are printed to stderr and give 2).

    Settings the command line leaves out come from the configuration file (`app.config`), if any. Its
    manifest size limit is put in the environment (GBA_DATAFLOW_MAX_MANIFEST_BYTES, where the loader of
    every worker process finds it) for the run only."""
    from gba_dataflow.manifests.loader import MAX_BYTES_VARIABLE

    try:
        request, selection, limit = apply_config(request)
    except GbaError as error:
        print_error(error, language_for_errors(request.lang))
        return ExitCode.INPUT_ERROR
    if limit is None:
        return _execute_check(request, selection)
    os.environ[MAX_BYTES_VARIABLE] = str(limit)
    try:
        return _execute_check(request, selection)
    finally:
        os.environ.pop(MAX_BYTES_VARIABLE, None)


def _execute_check(request: CheckRequest, selection: Selection) -> ExitCode:
    from gba_dataflow.cli.formats import RENDERERS

    try:
        reports = [
            Report(
                check_choice("--format", request.output_format or "text", tuple(RENDERERS)), request.output
            )
        ]
        reports += parse_reports(request.report or [], request.output)
        language = check_choice("--lang", request.lang or "en", LANGUAGES)
        day = parse_as_of(request.as_of)
        if request.jobs < 0:
            raise UsageError(
                tr("--jobs `{jobs}` is negative", jobs=request.jobs),
                code="E501",
                hint=tr("use 1 (default), N, or 0 for one per CPU"),
            )
        note_jobs(request.jobs, language)
        amend = waivers_amendment(request, language)
        if request.ledger or request.record or request.subjects:
            if amend is not None:
                raise UsageError(
                    tr("waivers are not applied to a check with a ledger yet"),
                    code="E501",
                    hint=tr(
                        "check with --ledger without --waivers (a waived deny would be recorded as allowed "
                        "without the ledger knowing of the waiver), or apply the waivers without a ledger"
                    ),
                )
            from gba_dataflow.reports.common import warned as report_warned

            run = ledger_run(request, day, language)
            warned = any(report_warned(result) for result in run.results)
            code = exit_code_for(run.counts(), warned, bool(request.fail_on_warn))
            write_reports(run, reports, code, request)
            return code
        return stream_check(request, reports, day, language, selection, amend)
    except GbaError as error:
        print_error(error, language_for_errors(request.lang))
        return ExitCode.INPUT_ERROR


def note_jobs(jobs: int, lang: str = "en") -> None:
    """Say so on stderr when --jobs asks for more processes than there are CPUs (they are capped)."""
    from gba_dataflow.app.batch import cpu_count

    available = cpu_count()
    if jobs > available:
        note = tr(
            "note: --jobs {jobs} is more than the {available} CPUs here; using {available}",
            jobs=jobs,
            available=available,
        )
        sys.stderr.write(localize(note, lang) + "\n")


def ledger_run(request: CheckRequest, day: dt.date | None, lang: str) -> RunResult:
    """A check with the ledger's volumes (`--ledger`, GBA_DATAFLOW_LEDGER), recording with --record."""
    from gba_dataflow.cli.progress import ProgressBar
    from gba_dataflow.ledger.run import run_ledger_check

    if not request.ledger:
        raise UsageError(
            tr("--record and --subjects need a ledger"),
            code="E501",
            hint=tr("add --ledger sqlite:///PATH (or set GBA_DATAFLOW_LEDGER)"),
        )
    made: list[str] = []
    with ProgressBar(color=not request.no_color, lang=lang) as progress:
        run = run_ledger_check(
            request.paths,
            ledger_url=request.ledger,
            rules_dirs=request.rules,
            as_of=day,
            lang=lang,
            record=request.record,
            subjects=request.subjects,
            key_file=request.subjects_key_file,
            progress=progress.update,
            recorded=lambda record: made.append(f"#{record.id} {record.manifest_path}"),
        )
    if made and not request.quiet:  # which records were made: on stderr, so that reports stay as they are
        sys.stderr.write(
            "".join(
                localize(tr("recorded in the ledger: {record}", record=line), lang) + "\n" for line in made
            )
        )
    return run


def apply_config(request: CheckRequest) -> tuple[CheckRequest, Selection, int | None]:
    """The request with the configuration file's settings where the command line left them out, the
    file's include/exclude globs, and its manifest size limit when the environment does not set one
    (GBA_DATAFLOW_MAX_MANIFEST_BYTES wins over the file)."""
    from gba_dataflow.app.config import load_config
    from gba_dataflow.manifests.loader import MAX_BYTES_VARIABLE

    config = load_config()
    limit = os.environ.get(MAX_BYTES_VARIABLE)
    if limit is not None and not (limit.isdigit() and int(limit) > 0):
        raise UsageError(
            tr(
                "${variable} `{limit}` is not a positive whole number of bytes",
                variable=MAX_BYTES_VARIABLE,
                limit=limit,
            ),
            code="E501",
            hint=tr(
                "e.g. {variable}=2097152, or unset it for the default (1 MiB)", variable=MAX_BYTES_VARIABLE
            ),
        )
    configured = (
        config.get("max-manifest-bytes") if limit is None and config.has("max-manifest-bytes") else None
    )
    if config.path is not None:
        request = dataclasses.replace(
            request,
            rules=request.rules if request.rules is not None else config.rules,
            output_format=request.output_format or config.get("format"),
            lang=request.lang or config.get("lang"),
            fail_on_warn=request.fail_on_warn
            if request.fail_on_warn is not None
            else config.get("fail-on-warn"),
            waivers=request.waivers or config.get("waivers"),
            ledger=request.ledger or config.ledger_url,
        )
    return request, Selection(include=config.include, exclude=config.exclude), configured


def waivers_amendment(request: CheckRequest, lang: str) -> Amend | None:
    """The waivers of --waivers (or the configuration file's) as the batch runner's `amend`, after
    checking them against the rules (an expired, unapproved, unknown-rule or statutory waiver stops the
    run, E561-E564); waivers expiring within 30 days are listed on stderr (W565)."""
    if request.waivers is None:
        return None
    import functools

    from gba_dataflow.app.waivers import amend_with_waivers, load_waivers
    from gba_dataflow.cli.console import print_diagnostics
    from gba_dataflow.engine.rulebook import load_rulebook

    waivers, notes = load_waivers(request.waivers, load_rulebook(request.rules), dt.date.today())
    if notes and not request.quiet:
        print_diagnostics(notes, lang)
    return functools.partial(amend_with_waivers, waivers, lang)


def stream_check(
    request: CheckRequest,
    reports: list[Report],
    day: dt.date | None,
    lang: str,
    selection: Selection | None = None,
    amend: Amend | None = None,
) -> ExitCode:
    """Decide the manifests and write every report as they are decided (memory stays flat in the number
    of manifests, whatever the formats); then the job summary and, on a terminal, the closing summary."""
    import contextlib

    from gba_dataflow.app.batch import plan_inputs
    from gba_dataflow.cli.console import open_output
    from gba_dataflow.cli.progress import ProgressBar, stream_is_terminal
    from gba_dataflow.engine.rulebook import load_rulebook
    from gba_dataflow.reports.streaming import ReportOptions, ReportStream
    from gba_dataflow.reports.text import TextOptions
    from gba_dataflow.reports.text_layout import console_width

    rulebook = load_rulebook(request.rules)
    plan = plan_inputs(request.paths, selection)
    root = Path.cwd()
    on_terminal = stream_is_terminal(sys.stdout) and any(item.path is None for item in reports)
    with contextlib.ExitStack() as stack:
        outputs = []
        for index, item in enumerate(reports):
            color = item.path is None and item.format == "text" and use_color(request.no_color)
            text = TextOptions(
                width=console_width(None, color=color),
                color=color,
                quiet=request.quiet,
                verbose=request.verbose,
                lang=lang,
            )
            options = ReportOptions(item.format, text, bool(request.fail_on_warn), root)
            option = "--output" if index == 0 else "--report"  # the first report is --format's
            outputs.append((options, stack.enter_context(open_output(item.path, option))))
        stream = ReportStream(outputs)
        stack.callback(stream.close)
        github = any(item.format == "github" for item in reports)
        if github and os.environ.get(STEP_SUMMARY):
            stream.want_rows()
        with ProgressBar(color=not request.no_color, force=False, lang=lang) as progress:
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
                amend=amend,
            )
        code = exit_code_for(tally.counts, tally.warned > 0, bool(request.fail_on_warn))
        stream.finish(code)
    print_diagnostics(tally.duplicates.diagnostics(), lang)
    if github:
        append_step_summary(stream, code, lang)
    stdout = reports[0]
    text_on_stdout = stdout.format == "text" and stdout.path is None
    if not request.quiet and not text_on_stdout and stream_is_terminal(sys.stderr):
        from gba_dataflow.reports.common import summary_line
        from gba_dataflow.reports.summary import closing_lines, count_rules

        sys.stderr.write(summary_line(tally.counts, tally.warned, lang, tally.missing) + "\n")
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
                tr("--report `{value}` is not FORMAT:FILE", value=value),
                code="E501",
                hint=tr("e.g. --report sarif:results.sarif (the main report goes to stdout: --format)"),
            )
        path = Path(file)
        if path.resolve() in seen:
            raise UsageError(
                tr("--report `{value}`: `{file}` is written twice", value=value, file=file),
                code="E501",
                hint=tr("use one file per report"),
            )
        seen.add(path.resolve())
        reports.append(Report(check_choice("--report", name, tuple(RENDERERS)), path))
    return reports


def write_reports(run: RunResult, reports: list[Report], code: int, request: CheckRequest) -> None:
    """Render and write every report of a run decided as a whole (a check with a ledger, which decides
    each manifest in a transaction of its own), and the closing summary on a terminal."""
    from gba_dataflow.cli.formats import RENDERERS, RenderOptions
    from gba_dataflow.cli.progress import stream_is_terminal

    root = Path.cwd()
    for index, item in enumerate(reports):
        color = item.path is None and item.format == "text" and use_color(request.no_color)
        options = RenderOptions(
            color=color,
            quiet=request.quiet,
            verbose=request.verbose,
            exit_code=code,
            fail_on_warn=bool(request.fail_on_warn),
            root=root,
        )
        option = "--output" if index == 0 else "--report"  # the first report is --format's
        write_output(RENDERERS[item.format](run, options), item.path, option=option)
    stdout = reports[0]
    text_on_stdout = stdout.format == "text" and stdout.path is None
    if not request.quiet and not text_on_stdout and stream_is_terminal(sys.stderr):
        from gba_dataflow.reports.summary import closing_summary

        sys.stderr.write(closing_summary(run))
        sys.stderr.flush()


def append_step_summary(stream: ReportStream, code: int, lang: str = "en") -> None:
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
        lang=info.lang,
    )
    try:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(markdown_summary(facts, exit_code=code) + "\n")
    except OSError as error:  # a side output: say so, but let the decision decide the exit code
        from gba_dataflow.core.errors import Diagnostic, Severity

        problem = tr(
            "cannot append the job summary to ${variable} `{target}`: {reason}",
            variable=STEP_SUMMARY,
            target=target,
            reason=os_problem(error),
        )
        print_diagnostics([Diagnostic("E501", problem, severity=Severity.WARNING)], lang)


def exit_code_for(counts: dict[str, int], warned: bool, fail_on_warn: bool) -> ExitCode:
    """Errors dominate, then denials, then (with --fail-on-warn) warnings."""
    if counts.get("error"):
        return ExitCode.INPUT_ERROR
    if counts.get("deny") or (fail_on_warn and warned):
        return ExitCode.DENIED
    return ExitCode.ALLOWED
