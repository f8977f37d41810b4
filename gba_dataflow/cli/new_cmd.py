"""`gba-dataflow new manifest`: write a commented manifest template to fill in."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from gba_dataflow.cli.console import print_error, write_output
from gba_dataflow.cli.exit_codes import ExitCode
from gba_dataflow.cli.options import HELP_OPTIONS, LangOption
from gba_dataflow.cli.values import LANGUAGES, check_choice, language_for_errors
from gba_dataflow.core.errors import GbaError, UsageError
from gba_dataflow.core.i18n import localize, tr

new_app = typer.Typer(
    name="new",
    help="Write a starting point to fill in: `new manifest` writes a commented manifest template.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings=HELP_OPTIONS,
)


def register(app: typer.Typer) -> None:
    app.add_typer(new_app, name="new")


@new_app.command("manifest")
def manifest(
    route: Annotated[
        str,
        typer.Option(
            "--route",
            help="ORIGIN:DESTINATION, ISO 3166 codes: CN-GD:HK, CN-GD:MO, HK:CN-GD, MO:CN-GD, HK:MO, MO:HK "
            "(or any other pair, with generic hints).",
        ),
    ] = "CN-GD:HK",
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write the template to this file instead of stdout (an existing file is not overwritten).",
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing --output file.")] = False,
    lang: LangOption = "en",
) -> None:
    """Write a commented manifest template for a route: every field with its meaning, type, allowed values
    and default, and hints for the route. Fill it in, then run `gba-dataflow check`.
    """
    from gba_dataflow.manifests.template import manifest_template

    try:
        text = manifest_template(route, check_choice("--lang", lang, LANGUAGES))
        if "GD" in route.strip().split(":"):  # a real code (Grenada), but surely Guangdong was meant
            note = tr("note: GD is Grenada; Guangdong is CN-GD (e.g. --route CN-GD:HK)")
            sys.stderr.write(localize(note, language_for_errors(lang)) + "\n")
        if output is not None and output.exists() and not force:
            raise UsageError(
                tr("--output `{path}` already exists", path=str(output)),
                code="E501",
                hint=tr("choose another file, or pass --force"),
            )
        write_output(text, output)
    except GbaError as error:
        print_error(error, language_for_errors(lang))
        raise typer.Exit(ExitCode.INPUT_ERROR) from None
