"""`gba-dataflow schema [manifest|decision]`: print a JSON Schema."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from gba_dataflow.cli.console import print_error
from gba_dataflow.cli.exit_codes import ExitCode
from gba_dataflow.cli.options import RulesOption, configured_rules
from gba_dataflow.cli.values import check_choice, configured_language
from gba_dataflow.core.errors import GbaError
from gba_dataflow.core.i18n import tr
from gba_dataflow.core.resources import schema_path

SCHEMAS = ("manifest", "decision")


def register(app: typer.Typer) -> None:
    app.command("schema")(schema)


def schema(
    name: Annotated[str, typer.Argument(help="Which schema: manifest or decision.")] = "manifest",
    rules: RulesOption = None,
) -> None:
    """Print the JSON Schema of manifests or of the JSON decision output.

    When the rules (--rules, else the configuration file's) carry an organisation.schema.json, the
    manifest schema printed is the merged one, with its `organisation` section."""
    try:
        chosen = check_choice(tr("schema"), name, SCHEMAS)
        merged = _merged_manifest_schema(configured_rules(rules)) if chosen == "manifest" else None
    except GbaError as error:
        print_error(error, configured_language())
        raise typer.Exit(ExitCode.INPUT_ERROR) from None
    sys.stdout.write(merged or schema_path(chosen).read_text(encoding="utf-8"))


def _merged_manifest_schema(rules: list[Path] | None) -> str | None:
    """The manifest schema with the organisation section of `rules`, as JSON text; None without one."""
    from gba_dataflow.engine.rulebook import default_rules_dirs, use_organisation_schema_of
    from gba_dataflow.manifests.schema import schema as manifest_schema

    if not use_organisation_schema_of(rules or default_rules_dirs()):
        return None
    return json.dumps(manifest_schema(), indent=2, ensure_ascii=False) + "\n"
