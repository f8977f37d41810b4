"""The `gba-dataflow` command. Each command lives in its own module; this one wires them together."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from gba_dataflow import __version__
from gba_dataflow.cli.exit_codes import ExitCode
from gba_dataflow.cli.main import guarded
from gba_dataflow.cli.options import HELP_OPTIONS

app = typer.Typer(
    name="gba-dataflow",
    help="Decide whether a dataset may cross a boundary inside the Guangdong–Hong Kong–Macao Greater Bay "
    "Area: allow or deny, with the rules, citations and facts behind it.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings=HELP_OPTIONS,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"gba-dataflow {__version__}")
        raise typer.Exit(0)


@app.callback()
def root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """gba-dataflow: cross-boundary data transfer checks for the Greater Bay Area."""


# Each command module has a `register(app)` function. Add a module here to add its commands.
COMMAND_MODULES = (
    "gba_dataflow.cli.check",
    "gba_dataflow.cli.schema_cmd",
    "gba_dataflow.cli.rules_cmd",
    "gba_dataflow.cli.explain_cmd",
    "gba_dataflow.cli.new_cmd",
    "gba_dataflow.cli.serve_cmd",
    "gba_dataflow.cli.ledger_cmd",
    "gba_dataflow.cli.config_cmd",
)


def _register() -> None:
    import importlib

    for name in COMMAND_MODULES:
        importlib.import_module(name).register(app)


_register()


def run_app() -> int:
    """Run the typer app on `sys.argv`; its exit code (click's usage errors are shown and give 2)."""
    try:
        code = app(standalone_mode=False)
    except typer.Exit as done:
        return done.exit_code
    except Exception as error:
        if not _is_click_usage_error(error):
            raise
        error.show()  # type: ignore[attr-defined]
        return ExitCode.INPUT_ERROR
    return code if isinstance(code, int) else ExitCode.ALLOWED


def main() -> None:
    """Run the typer app on `sys.argv` (every command line, no fast path: see `cli.main`) and exit."""
    sys.exit(guarded(run_app))


def _is_click_usage_error(error: Exception) -> bool:
    """Click's usage errors (typer may vendor click, so recognise them by their interface)."""
    return callable(getattr(error, "show", None)) and isinstance(getattr(error, "exit_code", None), int)
