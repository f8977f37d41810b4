"""`gba-dataflow rules ...`: check, fmt, test, list, explain-code and diff, for people who write rules."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from gba_dataflow.cli.console import print_diagnostics, print_error
from gba_dataflow.cli.exit_codes import ExitCode
from gba_dataflow.cli.options import HELP_OPTIONS, AsOfOption
from gba_dataflow.cli.values import (
    LANGUAGES,
    check_choice,
    configured_language,
    language_for_errors,
    parse_as_of,
)
from gba_dataflow.core.errors import Diagnostic, GbaError, UsageError, sort_diagnostics
from gba_dataflow.core.i18n import tr

if TYPE_CHECKING:
    from gba_dataflow.app.config import Config

rules_app = typer.Typer(
    name="rules",
    help="Write and maintain rule files: static checks, formatting, unit tests, listing and diffs.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    context_settings=HELP_OPTIONS,
)

PathsArgument = Annotated[
    list[Path] | None,
    typer.Argument(
        metavar="PATH",
        help="Rule directories or files. Default: the configuration file's `rules`, else ./rules if "
        "present, else the shipped rules.",
        show_default=False,
    ),
]
FormatChoice = Annotated[str, typer.Option("--format", "-f", help="Output format: text or json.")]


def _lang_option(what: str) -> object:
    return typer.Option(
        "--lang",
        help=f"Language of {what}: en, zh-Hans or zh-Hant. Default: the configuration file's `lang`, "
        "else en. JSON stays English.",
        show_default=False,
    )


def _read_config(lang: str | None) -> Config:
    """The configuration file, read once for a command that takes --lang; a file that cannot be read is
    reported (in --lang, else English) and ends the command."""
    from gba_dataflow.app.config import load_config

    try:
        return load_config()
    except GbaError as error:
        raise _fail(error, language_for_errors(lang)) from None


def _language(lang: str | None, config: Config) -> str:
    """The language chosen: --lang, else the configuration file's `lang`, else en. Raises UsageError for a
    bad --lang."""
    return check_choice("--lang", lang or config.get("lang") or "en", LANGUAGES)


def register(app: typer.Typer) -> None:
    app.add_typer(rules_app, name="rules")


def _fail(error: GbaError, lang: str | None = None) -> typer.Exit:
    """Print `error` in `lang`, by default the configuration file's `lang` (English without one)."""
    print_error(error, lang or configured_language())
    return typer.Exit(ExitCode.INPUT_ERROR)


@rules_app.command("check")
def check(
    paths: PathsArgument = None,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 on warnings too.")] = False,
    output_format: FormatChoice = "text",
    waivers: Annotated[
        Path | None,
        typer.Option(
            "--waivers",
            help="Also check this waivers file against the rules (default: the configuration file's "
            "`waivers`, if any): malformed, expired, unapproved, unknown-rule and statutory waivers are "
            "errors; those expiring within 30 days are listed.",
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            help="Language of the findings in text: en, zh-Hans or zh-Hant. Default: the configuration "
            "file's `lang`, else en. JSON keeps English messages.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Parse and statically check rule files: each finding with its code, file:line:col, message and hint.

    Exit codes: 0 no errors (warnings allowed unless --strict); 1 errors (or warnings with --strict);
    2 unreadable input or a bad option.
    """
    from gba_dataflow.app.authoring import RuleCheckRun, check_rule_paths
    from gba_dataflow.reports.rule_check import render_check_json, render_check_text

    config = _read_config(lang)
    language = language_for_errors(lang or config.get("lang"))  # for a --format or --lang error
    try:
        chosen = check_choice("--format", output_format, ("text", "json"))
        language = _language(lang, config)
        paths = paths or config.rules
        run = check_rule_paths(paths)
        waivers_file = waivers or config.get("waivers")
        files, diagnostics = list(run.files), list(run.diagnostics)
        if waivers_file is not None and not run.errors:
            files.append(str(waivers_file))
            diagnostics += _waiver_findings(Path(waivers_file), paths)
    except GbaError as error:
        raise _fail(error, language) from None
    run = RuleCheckRun(tuple(files), tuple(sort_diagnostics(diagnostics)))
    if chosen == "json":
        sys.stdout.write(render_check_json(run.files, run.diagnostics))
    else:
        sys.stdout.write(render_check_text(run.files, run.diagnostics, language))
    failed = bool(run.errors) or (strict and bool(run.warnings))
    raise typer.Exit(ExitCode.DENIED if failed else ExitCode.ALLOWED)


def _waiver_findings(path: Path, rules: list[Path] | None) -> list[Diagnostic]:
    """What `rules check` reports about a waivers file: every malformed entry, or each waiver's standing
    against the rules (E561-E564) and those expiring soon (W565)."""
    import datetime as dt

    from gba_dataflow.app.waivers import WaiverError, check_waivers, read_waivers
    from gba_dataflow.engine.rulebook import load_rulebook

    try:
        found = read_waivers(path)
    except WaiverError as error:
        return list(error.diagnostics)
    return check_waivers(found, load_rulebook(rules), dt.date.today())


@rules_app.command("waivers")
def waivers_report(
    file: Annotated[
        Path | None,
        typer.Argument(
            help="The waivers file. Default: the configuration file's `waivers`.",
            show_default=False,
            metavar="FILE",
        ),
    ] = None,
    rules: Annotated[
        list[Path] | None,
        typer.Option(
            "--rules",
            "-r",
            help="Rules the waivers are checked against (repeatable). Default: as for `check`.",
            show_default=False,
        ),
    ] = None,
    within: Annotated[
        int,
        typer.Option("--within", help="List the waivers that expire within this many days.", metavar="DAYS"),
    ] = 30,
) -> None:
    """List the waivers that expire soon (with owner and approver), after checking the whole file.

    Exit codes: 0 the file is sound (whatever expires soon); 2 a waiver that may not stand, or bad input.
    """
    import datetime as dt

    from gba_dataflow.app.config import load_config
    from gba_dataflow.app.waivers import expiry_report, load_waivers
    from gba_dataflow.engine.rulebook import load_rulebook

    try:
        config = load_config()
        chosen = file or config.get("waivers")
        if chosen is None:
            raise UsageError(
                tr("no waivers file"),
                code="E501",
                hint=tr("name it (`rules waivers waivers.yaml`) or set `waivers` in gba-dataflow.toml"),
            )
        if within < 0:
            raise UsageError(
                tr("--within {within} is negative", within=within),
                code="E501",
                hint=tr("give a number of days, e.g. 30"),
            )
        today = dt.date.today()
        found, _ = load_waivers(chosen, load_rulebook(rules or config.rules), today)
    except GbaError as error:
        raise _fail(error) from None
    sys.stdout.write(expiry_report(found, today, within))


@rules_app.command("explain-code")
def explain_code(
    code: Annotated[
        str, typer.Argument(help="A code such as W212, or its name (shadowed-allow).", metavar="CODE")
    ],
) -> None:
    """Print what a diagnostic code means, with a bad and a good example."""
    from gba_dataflow.core.codes import CODES, lookup
    from gba_dataflow.core.suggest import did_you_mean
    from gba_dataflow.reports.rule_check import render_code

    found = lookup(code)
    if found is None:
        names = [*CODES, *(c.name for c in CODES.values())]
        hint = did_you_mean(code.upper(), CODES) or did_you_mean(code.lower(), names)
        raise _fail(
            UsageError(
                tr("`{code}` is not a gba-dataflow code", code=code),
                code="E501",
                hint=hint or tr("codes are E1xx (syntax), E2xx/W2xx (checks), E3xx, E4xx, E5xx"),
            )
        )
    sys.stdout.write(render_code(found))


@rules_app.command("fmt")
def fmt(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Rule files or directories. Default: ./rules.", show_default=False, metavar="PATH"
        ),
    ] = None,
    check_only: Annotated[
        bool,
        typer.Option("--check", help="Change nothing: print a diff and exit 1 where a file would change."),
    ] = False,
) -> None:
    """Rewrite rule files in the one canonical layout (comments kept); --check only reports.

    Exit codes: 0 nothing to change (or files rewritten); 1 with --check, some file would change;
    2 a file does not parse or cannot be read.
    """
    from gba_dataflow.app.authoring import format_paths, write_formatted
    from gba_dataflow.dsl.formatter import unified_diff

    targets = paths or [Path("rules")]
    try:
        if not paths and not targets[0].is_dir():
            raise UsageError(
                tr("there is no ./rules directory here"),
                code="E108",
                hint=tr("give the rule files or directories to format: `gba-dataflow rules fmt PATH`"),
            )
        results = format_paths(targets)
        changed = [result for result in results if result.changed]
        if check_only:
            for result in changed:
                sys.stdout.write(unified_diff(result.original, result.formatted, str(result.path)))
            sys.stderr.write(f"{len(changed)} of {len(results)} files would be reformatted\n")
            raise typer.Exit(ExitCode.DENIED if changed else ExitCode.ALLOWED)
        for path in write_formatted(results):
            sys.stdout.write(f"reformatted {path}\n")
    except GbaError as error:
        raise _fail(error) from None
    sys.stdout.write(f"{len(changed)} reformatted, {len(results) - len(changed)} unchanged\n")


@rules_app.command("list")
def list_rules(
    paths: PathsArgument = None,
    output_format: Annotated[str, typer.Option("--format", "-f", help="text, json or markdown.")] = "text",
    lang: Annotated[str | None, _lang_option("the headings, effects, windows and citations")] = None,
) -> None:
    """List every rule: id, effect, effective window and citations."""
    from gba_dataflow.app.authoring import load_rulesets
    from gba_dataflow.reports.rule_list import (
        render_list_json,
        render_list_markdown,
        render_list_text,
        rule_rows,
    )

    config = _read_config(lang)
    language = language_for_errors(lang or config.get("lang"))  # for a --format or --lang error
    try:
        chosen = check_choice("--format", output_format, ("text", "json", "markdown"))
        language = _language(lang, config)
        said = "en" if chosen == "json" else language  # JSON is the machine contract: English
        rows = rule_rows(load_rulesets(paths or config.rules), said)
    except GbaError as error:
        raise _fail(error, language) from None
    if chosen == "json":
        sys.stdout.write(render_list_json(rows))
    elif chosen == "markdown":
        sys.stdout.write(render_list_markdown(rows, language))
    else:
        sys.stdout.write(render_list_text(rows, lang=language))


@rules_app.command("test")
def test(
    paths: PathsArgument = None,
    cases: Annotated[
        list[Path] | None,
        typer.Option(
            "--cases",
            help="More case files or directories (repeatable). "
            "Default: the *.test.yaml files under the rule directories.",
            show_default=False,
        ),
    ] = None,
    coverage: Annotated[
        bool, typer.Option("--coverage", help="Show coverage per rule and condition.")
    ] = False,
    threshold: Annotated[
        float | None,
        typer.Option(
            "--threshold",
            help="Exit 2 when coverage is under this percentage (implies --coverage).",
            show_default=False,
        ),
    ] = None,
    output_format: FormatChoice = "text",
    lang: Annotated[str | None, _lang_option("the report in text and of its errors")] = None,
) -> None:
    """Run the rule test cases (YAML): one line per case, the differences for failures, and coverage.

    Exit codes: 0 every case passed; 1 a case failed; 2 coverage under --threshold, or unreadable input.
    """
    from gba_dataflow.app.rule_tests import run_rule_tests
    from gba_dataflow.reports.rule_tests import render_tests_json, render_tests_text, threshold_message

    config = _read_config(lang)
    language = language_for_errors(lang or config.get("lang"))  # for a --format or --lang error
    try:
        chosen = check_choice("--format", output_format, ("text", "json"))
        language = _language(lang, config)
        if threshold is not None and not 0 <= threshold <= 100:
            raise UsageError(
                tr("--threshold {threshold:g} is not a percentage", threshold=threshold),
                code="E501",
                hint=tr("give a number from 0 to 100, e.g. --threshold 90"),
            )
        said = "en" if chosen == "json" else language  # JSON is the machine contract: English
        run = run_rule_tests(paths or config.rules, cases or (), lang=said)
    except GbaError as error:
        raise _fail(error, language) from None
    show = coverage or threshold is not None
    if chosen == "json":
        sys.stdout.write(render_tests_json(run, coverage=show))
    else:
        sys.stdout.write(render_tests_text(run, coverage=show, lang=language))
    if run.problems:  # malformed cases: reported after the results of the others
        print_diagnostics(run.problems, language)
        raise typer.Exit(ExitCode.INPUT_ERROR)
    if run.failed:
        raise typer.Exit(ExitCode.DENIED)
    if threshold is not None and run.coverage.percent < threshold:
        sys.stderr.write(threshold_message(run.coverage.percent, threshold, language) + "\n")
        raise typer.Exit(ExitCode.INPUT_ERROR)


@rules_app.command("diff")
def diff(
    old: Annotated[
        Path, typer.Argument(help="The rules before the change (a directory or file).", metavar="OLD")
    ],
    new: Annotated[Path, typer.Argument(help="The rules after the change.", metavar="NEW")],
    more: Annotated[
        list[str] | None,
        typer.Argument(
            help="More manifests, as in `--manifests a.yaml b.yaml`.",
            show_default=False,
            metavar="MANIFEST",
        ),
    ] = None,
    manifests: Annotated[
        list[str] | None,
        typer.Option(
            "--manifests", "-m", help="Manifest files or directories to decide with both.", show_default=False
        ),
    ] = None,
    allow_loosening: Annotated[
        bool, typer.Option("--allow-loosening", help="Exit 0 even when a decision goes from deny to allow.")
    ] = False,
    as_of: AsOfOption = None,
    output_format: FormatChoice = "text",
) -> None:
    """Decide manifests with two versions of the rules: every decision that changes and why, plus the rules
    added, removed and changed.

    Exit codes: 0 nothing loosens (or --allow-loosening); 1 a decision goes from deny to allow;
    2 rules that do not load, or manifests that cannot be read.
    """
    from gba_dataflow.app.rules_diff import diff_rules
    from gba_dataflow.reports.rule_diff import render_diff_json, render_diff_text

    try:
        chosen = check_choice("--format", output_format, ("text", "json"))
        inputs = [*(manifests or ()), *(more or ())]
        if not inputs:
            raise UsageError(
                tr("give the manifests to decide with --manifests PATH..."),
                code="E502",
                hint=tr("e.g. `gba-dataflow rules diff rules-old rules --manifests examples/`"),
            )
        run = diff_rules([old], [new], inputs, as_of=parse_as_of(as_of))
    except GbaError as error:
        raise _fail(error) from None
    sys.stdout.write(render_diff_json(run) if chosen == "json" else render_diff_text(run))
    if run.errors:
        raise typer.Exit(ExitCode.INPUT_ERROR)
    if run.loosenings and not allow_loosening:
        raise typer.Exit(ExitCode.DENIED)
