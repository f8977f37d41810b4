"""Options shared by several commands, declared once (design §6)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

RulesOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--rules",
        "-r",
        help="Rules directory (repeatable). Default: the configuration file's `rules`, else ./rules if "
        "present, else the ruleset shipped with gba-dataflow.",
        show_default=False,
    ),
]
FormatOption = Annotated[str, typer.Option("--format", "-f", help="Output format.")]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help="Write the report to this file instead of stdout.",
        dir_okay=False,
        show_default=False,
    ),
]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Evaluate as of this date (YYYY-MM-DD). Default: each manifest's transfer.date, else today.",
        show_default=False,
    ),
]
LangOption = Annotated[str, typer.Option("--lang", help="Language of messages: en, zh-Hans or zh-Hant.")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="One line per manifest.")]
NoColorOption = Annotated[bool, typer.Option("--no-color", help="Never use colour.")]
FailOnWarnOption = Annotated[bool, typer.Option("--fail-on-warn", help="Exit 1 when a warn rule fired.")]


def configured_rules(given: list[Path] | None) -> list[Path] | None:
    """The rules directories of a command: those given on the command line, else the configuration
    file's `rules`, else None (the default: ./rules, else the shipped rules). Raises ConfigError."""
    if given:
        return given
    from gba_dataflow.app.config import load_config

    return load_config().rules


HELP_OPTIONS = {"help_option_names": ["-h", "--help"]}
"""Every command and group takes `-h` as `--help` (click's context settings, inherited by subcommands)."""
