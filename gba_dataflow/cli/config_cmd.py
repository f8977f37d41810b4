"""`gba-dataflow config`: the effective settings and where each came from (`app.config`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from gba_dataflow.cli.console import print_error
from gba_dataflow.cli.exit_codes import ExitCode
from gba_dataflow.cli.values import check_choice, configured_language
from gba_dataflow.core.errors import GbaError


def register(app: typer.Typer) -> None:
    app.command("config")(config)


def config(
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="Output format: text or json.")
    ] = "text",
) -> None:
    """Show the effective settings of the configuration file (gba-dataflow.toml, or [tool.gba-dataflow] in
    pyproject.toml, the nearest one found from the current directory up) and where each came from. An
    option given on the command line overrides its setting.
    """
    from gba_dataflow.app.config import describe, load_config

    try:
        chosen = check_choice("--format", output_format, ("text", "json"))
        loaded = load_config()
    except GbaError as error:
        print_error(error, configured_language())
        raise typer.Exit(ExitCode.INPUT_ERROR) from None
    rows = describe(loaded)
    if chosen == "json":
        document = {
            "file": str(loaded.path) if loaded.path else None,
            "settings": {key: {"value": _plain(item.value), "source": item.source} for key, item in rows},
        }
        sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        return
    where = str(loaded.path) if loaded.path else f"none found (searched from {Path.cwd()} up)"
    lines = [f"configuration file: {where}", ""]
    width = max(len(key) for key, _ in rows)
    for key, item in rows:
        lines.append(f"{key.ljust(width)}  {_shown(key, item.value)}  ({item.source})")
    sys.stdout.write("\n".join(lines) + "\n")


def _plain(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    return str(value) if isinstance(value, Path) else value


def _shown(key: str, value: Any) -> str:
    if value is None:
        return {
            "rules": "./rules if present, else the rules shipped with gba-dataflow",
            "ledger": "none",
        }.get(key, "none")
    if isinstance(value, tuple | list):
        return ", ".join(str(item) for item in value) if value else "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
