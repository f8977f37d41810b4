"""`gba-dataflow schema [manifest|decision]`: print a JSON Schema."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from gba_dataflow.cli.console import print_error
from gba_dataflow.cli.exit_codes import ExitCode
from gba_dataflow.cli.values import check_choice
from gba_dataflow.core.errors import GbaError
from gba_dataflow.core.resources import schema_path

SCHEMAS = ("manifest", "decision")


def register(app: typer.Typer) -> None:
    app.command("schema")(schema)


def schema(
    name: Annotated[str, typer.Argument(help="Which schema: manifest or decision.")] = "manifest",
) -> None:
    """Print the JSON Schema of manifests or of the JSON decision output."""
    try:
        chosen = check_choice("schema", name, SCHEMAS)
    except GbaError as error:
        print_error(error)
        raise typer.Exit(ExitCode.INPUT_ERROR) from None
    sys.stdout.write(schema_path(chosen).read_text(encoding="utf-8"))
