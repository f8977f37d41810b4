"""`gba-dataflow check PATH...`: decide manifests and report."""

from __future__ import annotations

from typing import Annotated

import typer

from gba_dataflow.cli.console import print_error, use_color, write_output
from gba_dataflow.cli.exit_codes import ExitCode
from gba_dataflow.cli.options import (
    LANGUAGES,
    AsOfOption,
    FailOnWarnOption,
    FormatOption,
    LangOption,
    NoColorOption,
    OutputOption,
    QuietOption,
    RulesOption,
    check_choice,
    parse_as_of,
)
from gba_dataflow.core.errors import GbaError


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
    output_format: FormatOption = "text",
    output: OutputOption = None,
    as_of: AsOfOption = None,
    lang: LangOption = "en",
    quiet: QuietOption = False,
    no_color: NoColorOption = False,
    fail_on_warn: FailOnWarnOption = False,
) -> None:
    """Check manifests: ALLOW or DENY each planned transfer, with reasons, citations and remedies.

    Exit codes: 0 every manifest allowed; 1 at least one denied; 2 an input error.
    """
    from gba_dataflow.cli.formats import RENDERERS, RenderOptions
    from gba_dataflow.engine.batch import run_check

    try:
        renderer = RENDERERS[check_choice("--format", output_format, tuple(RENDERERS))]
        language = check_choice("--lang", lang, LANGUAGES)
        day = parse_as_of(as_of)
        run = run_check(paths, rules_dirs=rules, as_of=day, lang=language)
    except GbaError as error:
        print_error(error)
        raise typer.Exit(ExitCode.INPUT_ERROR) from None
    warned = any(warning.rule for result in run.results for warning in result.warnings)
    code = exit_code_for(run.counts(), warned, fail_on_warn)
    color = use_color(no_color) and output is None
    text = renderer(run, RenderOptions(color=color, quiet=quiet, exit_code=code))
    try:
        write_output(text, output)
    except GbaError as error:
        print_error(error)
        raise typer.Exit(ExitCode.INPUT_ERROR) from None
    raise typer.Exit(code)


def exit_code_for(counts: dict[str, int], warned: bool, fail_on_warn: bool) -> ExitCode:
    """Errors dominate, then denials, then (with --fail-on-warn) warnings."""
    if counts.get("error"):
        return ExitCode.INPUT_ERROR
    if counts.get("deny") or (fail_on_warn and warned):
        return ExitCode.DENIED
    return ExitCode.ALLOWED
