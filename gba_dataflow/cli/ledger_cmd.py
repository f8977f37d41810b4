"""`gba-dataflow ledger ...` (the record of executed transfers) and `gba-dataflow audit ...` (the decision
log): thin wrappers around `gba_dataflow.ledger`. Every ledger failure prints its E6xx error and exits 2."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from gba_dataflow.cli.console import print_error, write_output
from gba_dataflow.cli.exit_codes import ExitCode
from gba_dataflow.cli.options import OutputOption
from gba_dataflow.cli.values import check_choice, configured_language
from gba_dataflow.core.errors import GbaError, UsageError
from gba_dataflow.core.i18n import os_problem, tr

LedgerUrlOption = Annotated[
    str | None,
    typer.Option(
        "--ledger",
        envvar="GBA_DATAFLOW_LEDGER",
        help="Ledger URL: sqlite:///PATH or postgresql://USER:PASSWORD@HOST:PORT/DB "
        "(or GBA_DATAFLOW_LEDGER).",
        metavar="URL",
        show_default=False,
    ),
]
ListFormatOption = Annotated[str, typer.Option("--format", "-f", help="Output format: text or json.")]
RECORD_FIELDS = (
    "id",
    "kind",
    "exporter_key",
    "exporter_name",
    "year",
    "transfer_date",
    "manifest_id",
    "manifest_path",
    "digest",
    "personal",
    "sensitive",
    "subjects_hashed",
    "voids",
    "reason",
    "source",
    "recorded_at",
)

ledger_app = typer.Typer(
    help="The ledger of executed transfers: the year's cumulative volumes per exporter.",
    no_args_is_help=True,
)
audit_app = typer.Typer(
    help="The tamper-evident decision log: export it, verify its hash chain.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.add_typer(ledger_app, name="ledger")
    app.add_typer(audit_app, name="audit")


def _run(action: Callable[[], int]) -> None:
    try:
        code = action()
    except GbaError as error:
        print_error(error, configured_language())
        code = ExitCode.INPUT_ERROR
    raise typer.Exit(code)


def _url(ledger: str | None) -> str:
    if not ledger:
        raise UsageError(
            tr("no ledger given"),
            code="E603",
            hint=tr("pass --ledger sqlite:///PATH or set GBA_DATAFLOW_LEDGER"),
        )
    return ledger


@ledger_app.command("migrate")
def migrate(ledger: LedgerUrlOption = None) -> None:
    """Create or upgrade the ledger's schema (one transaction; also done on first use)."""

    def action() -> int:
        from gba_dataflow.ledger import open_ledger

        with open_ledger(_url(ledger), migrate_schema=False, check_schema=False) as led:
            applied = led.migrate()
        done = ", ".join(map(str, applied)) if applied else "none (up to date)"
        sys.stdout.write(f"migrations applied to {led.url}: {done}\n")
        return ExitCode.ALLOWED

    _run(action)


@ledger_app.command("record")
def record(
    manifests: Annotated[
        list[str], typer.Argument(help="Manifests of executed transfers.", show_default=False)
    ],
    ledger: LedgerUrlOption = None,
    subjects: Annotated[
        Path | None,
        typer.Option(
            "--subjects", help="Subject identifiers of the transfer (one manifest only).", dir_okay=False
        ),
    ] = None,
    subjects_key_file: Annotated[
        Path | None,
        typer.Option("--subjects-key-file", help="The organisation key for --subjects.", dir_okay=False),
    ] = None,
) -> None:
    """Record executed transfers (idempotent: a manifest already recorded is not counted twice)."""

    def action() -> int:
        from gba_dataflow.app.batch import plan_inputs, plan_items, plan_size
        from gba_dataflow.engine.model import ManifestResult
        from gba_dataflow.ledger import open_ledger
        from gba_dataflow.ledger.run import load_or_error, subjects_for

        plan = plan_inputs(manifests)
        hashed = subjects_for(plan_size(plan), subjects, subjects_key_file)
        failed = False
        with open_ledger(_url(ledger)) as led:
            for item in plan_items(plan):
                loaded = item if isinstance(item, ManifestResult) else load_or_error(item)
                if isinstance(loaded, ManifestResult):
                    for diagnostic in loaded.errors:
                        sys.stderr.write(diagnostic.render() + "\n")
                    failed = True
                    continue
                outcome = led.record(loaded, hashed)
                made = outcome.record
                verb = "recorded" if outcome.created else "already recorded"
                sys.stdout.write(
                    f"{verb} #{made.id}: {made.manifest_path} ({made.exporter_key}, {made.year}, "
                    f"{made.personal:,} individuals, {made.sensitive:,} sensitive)\n"
                )
        return ExitCode.INPUT_ERROR if failed else ExitCode.ALLOWED

    _run(action)


@ledger_app.command("totals")
def totals(
    ledger: LedgerUrlOption = None,
    exporter: Annotated[
        str | None, typer.Option("--exporter", help="Registration number, legal name or ledger key.")
    ] = None,
    year: Annotated[int | None, typer.Option("--year", help="Calendar year.")] = None,
    output_format: ListFormatOption = "text",
) -> None:
    """The year's cumulative volumes per exporter."""

    def action() -> int:
        from gba_dataflow.ledger import open_ledger

        fmt = check_choice("--format", output_format, ("text", "json"))
        with open_ledger(_url(ledger)) as led:
            found = led.totals(exporter, year)
        if fmt == "json":
            write_output(json.dumps([t.to_dict() for t in found], indent=2, sort_keys=True) + "\n", None)
            return ExitCode.ALLOWED
        lines = [
            f"{'exporter':<40} {'year':>4} {'transfers':>9} {'individuals':>12} {'sensitive':>10}  count"
        ]
        for item in found:
            how = "exact" if item.exact else "upper bound"
            lines.append(
                f"{item.exporter_key:<40} {item.year:>4} {item.transfers:>9,} {item.personal:>12,} "
                f"{item.sensitive:>10,}  {how}"
            )
        if not found:
            lines.append("(no recorded transfers)")
        write_output("\n".join(lines) + "\n", None)
        return ExitCode.ALLOWED

    _run(action)


@ledger_app.command("show")
def show(
    ledger: LedgerUrlOption = None,
    exporter: Annotated[
        str | None, typer.Option("--exporter", help="Registration number, name or key.")
    ] = None,
    year: Annotated[int | None, typer.Option("--year", help="Calendar year.")] = None,
    output_format: ListFormatOption = "text",
) -> None:
    """Every record (transfers and voids) in order."""

    def action() -> int:
        from gba_dataflow.ledger import open_ledger

        fmt = check_choice("--format", output_format, ("text", "json"))
        with open_ledger(_url(ledger)) as led:
            found = led.records(exporter, year)
        if fmt == "json":
            write_output(json.dumps([r.to_dict() for r in found], indent=2, sort_keys=True) + "\n", None)
            return ExitCode.ALLOWED
        lines = []
        for item in found:
            if item.kind == "void":
                lines.append(f"#{item.id} void of #{item.voids}: {item.reason} ({item.recorded_at})")
            else:
                lines.append(
                    f"#{item.id} {item.transfer_date or item.year} {item.exporter_key} "
                    f"{item.manifest_id or '-'}: {item.personal:,} individuals, {item.sensitive:,} sensitive"
                    f"{', hashed subjects' if item.subjects_hashed else ''} [{item.source}]"
                )
        write_output("\n".join(lines or ["(no records)"]) + "\n", None)
        return ExitCode.ALLOWED

    _run(action)


@ledger_app.command("void")
def void(
    record_id: Annotated[int, typer.Argument(metavar="ID", help="The transfer record to void.")],
    reason: Annotated[str, typer.Option("--reason", help="Why the record is wrong.")],
    ledger: LedgerUrlOption = None,
) -> None:
    """Void a transfer record with a correcting record (records are never changed or deleted)."""

    def action() -> int:
        from gba_dataflow.ledger import open_ledger

        with open_ledger(_url(ledger)) as led:
            made = led.void(record_id, reason)
        sys.stdout.write(f"recorded #{made.id}: void of #{record_id} ({made.reason})\n")
        return ExitCode.ALLOWED

    _run(action)


@ledger_app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="CSV: exporter_name,date,personal,sensitive[,...].")],
    ledger: LedgerUrlOption = None,
) -> None:
    """Record earlier transfers of the year from a CSV file (every row checked first; all or nothing)."""

    def action() -> int:
        from gba_dataflow.ledger import open_ledger

        with open_ledger(_url(ledger)) as led:
            made = led.import_csv(file)
        sys.stdout.write(f"imported {len(made):,} transfers from {file}\n")
        return ExitCode.ALLOWED

    _run(action)


@ledger_app.command("export")
def export(
    ledger: LedgerUrlOption = None,
    output_format: Annotated[str, typer.Option("--format", "-f", help="csv or json.")] = "csv",
    output: OutputOption = None,
    exporter: Annotated[
        str | None, typer.Option("--exporter", help="Registration number, name or key.")
    ] = None,
    year: Annotated[int | None, typer.Option("--year", help="Calendar year.")] = None,
) -> None:
    """Every record as CSV or JSON."""

    def action() -> int:
        from gba_dataflow.ledger import open_ledger

        fmt = check_choice("--format", output_format, ("csv", "json"))
        with open_ledger(_url(ledger)) as led:
            found = led.records(exporter, year)
        if fmt == "json":
            text = json.dumps([r.to_dict() for r in found], indent=2, sort_keys=True) + "\n"
        else:
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            writer.writerow(RECORD_FIELDS)
            for item in found:
                values = item.to_dict()
                writer.writerow(["" if values[name] is None else values[name] for name in RECORD_FIELDS])
            text = buffer.getvalue()
        write_output(text, output)
        return ExitCode.ALLOWED

    _run(action)


@audit_app.command("export")
def audit_export(
    output: OutputOption = None,
    ledger: LedgerUrlOption = None,
    since: Annotated[str | None, typer.Option("--from", help="First day (YYYY-MM-DD, UTC).")] = None,
    until: Annotated[str | None, typer.Option("--to", help="Last day (YYYY-MM-DD, UTC).")] = None,
) -> None:
    """Write the decision log as JSON Lines (one entry per line, with its hash and the previous one's)."""

    def action() -> int:
        from gba_dataflow.cli.values import parse_as_of
        from gba_dataflow.ledger import open_ledger
        from gba_dataflow.ledger.audit import entry_line

        first = parse_as_of(since) if since else None
        last = parse_as_of(until) if until else None
        with open_ledger(_url(ledger)) as led:
            lines = [
                entry_line(entry)
                for entry in led.log(first.isoformat() if first else None, last.isoformat() if last else None)
            ]
        write_output("".join(line + "\n" for line in lines), output)
        return ExitCode.ALLOWED

    _run(action)


@audit_app.command("verify")
def audit_verify(
    file: Annotated[
        Path | None, typer.Argument(help="An exported JSON Lines log; default: the ledger's own log.")
    ] = None,
    ledger: LedgerUrlOption = None,
) -> None:
    """Verify the decision log's hash chain: exit 0 when intact, 1 naming the first broken entry."""

    def action() -> int:
        from gba_dataflow.ledger import audit, open_ledger

        if file is not None:
            try:
                text = file.read_text(encoding="utf-8")
                result = audit.verify(audit.parse_lines(text.splitlines()), where="line")
            except (OSError, UnicodeDecodeError, ValueError) as error:
                raise UsageError(
                    tr(
                        "cannot read the log `{file}`: {reason}",
                        file=str(file),
                        reason=os_problem(error),
                    ),
                    code="E609",
                    hint=tr("give a file written by `gba-dataflow audit export`"),
                ) from None
        else:
            with open_ledger(_url(ledger)) as led:
                result = led.verify_log()
        if result.intact:
            sys.stdout.write(result.message() + "\n")
            return ExitCode.ALLOWED
        sys.stderr.write(f"error E609: {result.message()}\n")
        return ExitCode.DENIED

    _run(action)
