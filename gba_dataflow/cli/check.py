"""`gba-dataflow check PATH...`: the command line; what it does is in `cli.check_run`."""

from __future__ import annotations

from typing import Annotated

import typer

from gba_dataflow.cli.check_run import CheckRequest, execute_check
from gba_dataflow.cli.options import (
    AsOfOption,
    FailOnWarnOption,
    LangOption,
    NoColorOption,
    OutputOption,
    QuietOption,
    RulesOption,
)

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
VerboseOption = Annotated[
    bool,
    typer.Option(
        "--verbose",
        "-v",
        help="Show every fact of every reason with its file and line, and each rule's source line "
        "(default: each deciding fact once).",
    ),
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
    verbose: VerboseOption = False,
) -> None:
    """Check manifests: ALLOW or DENY each planned transfer, with reasons, citations and remedies.

    Formats: text, json, sarif, junit, github. Exit codes: 0 every manifest allowed; 1 at least one
    denied (or warned, with --fail-on-warn); 2 an input error.
    """
    request = CheckRequest(
        paths=paths,
        rules=rules,
        output_format=output_format,
        output=output,
        report=report,
        as_of=as_of,
        lang=lang,
        quiet=quiet,
        no_color=no_color,
        fail_on_warn=fail_on_warn,
        jobs=jobs,
        verbose=verbose,
    )
    raise typer.Exit(execute_check(request))
