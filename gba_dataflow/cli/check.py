"""`gba-dataflow check PATH...`: the command line; what it does is in `cli.check_run`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from gba_dataflow.cli.check_run import CheckRequest, execute_check
from gba_dataflow.cli.options import (
    AsOfOption,
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
    str | None,
    typer.Option(
        "--format",
        "-f",
        help="Output format: text, json, sarif, junit or github. Default: the configuration file's "
        "`format`, else text.",
        show_default=False,
    ),
]
CheckLangOption = Annotated[
    str | None,
    typer.Option(
        "--lang",
        help="Language of messages: en, zh-Hans or zh-Hant. Default: the configuration file's `lang`, "
        "else en.",
        show_default=False,
    ),
]
CheckFailOnWarnOption = Annotated[
    bool | None,
    typer.Option(
        "--fail-on-warn/--no-fail-on-warn",
        help="Exit 1 when a warn rule fired. Default: the configuration file's `fail-on-warn`, else no.",
        show_default=False,
    ),
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


LedgerOption = Annotated[
    str | None,
    typer.Option(
        "--ledger",
        envvar="GBA_DATAFLOW_LEDGER",
        help="Ledger URL (sqlite:///PATH or postgresql://...): decide on the year's recorded volumes "
        "of each exporter plus this transfer, and log every decision.",
        metavar="URL",
        show_default=False,
    ),
]
RecordOption = Annotated[
    bool,
    typer.Option("--record", help="With --ledger: record each allowed transfer in the same transaction."),
]
SubjectsOption = Annotated[
    Path | None,
    typer.Option(
        "--subjects",
        help="With --ledger: the transfer's subject identifiers (one per line, or a CSV column "
        "subject_id), stored only as keyed hashes for exact distinct counts.",
        dir_okay=False,
        show_default=False,
    ),
]
SubjectsKeyOption = Annotated[
    Path | None,
    typer.Option(
        "--subjects-key-file",
        help="The organisation key for --subjects (else GBA_DATAFLOW_SUBJECTS_KEY_FILE or "
        "GBA_DATAFLOW_SUBJECTS_KEY).",
        dir_okay=False,
        show_default=False,
    ),
]
WaiversOption = Annotated[
    Path | None,
    typer.Option(
        "--waivers",
        help="Governed waivers file (YAML) for rules marked `waivable`. Default: the configuration file's "
        "`waivers`, else none. See docs/waivers.md.",
        dir_okay=False,
        show_default=False,
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
    output_format: CheckFormatOption = None,
    output: OutputOption = None,
    report: ReportOption = None,
    as_of: AsOfOption = None,
    lang: CheckLangOption = None,
    quiet: QuietOption = False,
    no_color: NoColorOption = False,
    fail_on_warn: CheckFailOnWarnOption = None,
    jobs: JobsOption = 1,
    ledger: LedgerOption = None,
    record: RecordOption = False,
    subjects: SubjectsOption = None,
    subjects_key_file: SubjectsKeyOption = None,
    waivers: WaiversOption = None,
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
        ledger=ledger,
        record=record,
        subjects=subjects,
        subjects_key_file=subjects_key_file,
        waivers=waivers,
        verbose=verbose,
    )
    raise typer.Exit(execute_check(request))
