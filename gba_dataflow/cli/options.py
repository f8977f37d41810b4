"""Options shared by several commands, declared once (design §6)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from gba_dataflow.core.errors import UsageError

LANGUAGES = ("en", "zh-Hans", "zh-Hant")

RulesOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--rules",
        "-r",
        help="Rules directory (repeatable). Default: ./rules if present, "
        "else the ruleset shipped with gba-dataflow.",
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


def parse_as_of(value: str | None) -> dt.date | None:
    """Validate --as-of."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(
            f"--as-of `{value}` is not a date",
            code="E501",
            hint="write it as YYYY-MM-DD, e.g. --as-of 2026-12-01",
        ) from None


def check_choice(option: str, value: str, choices: tuple[str, ...]) -> str:
    """Validate an option against its allowed values, with a did-you-mean hint."""
    if value in choices:
        return value
    from gba_dataflow.core.suggest import did_you_mean

    hint = did_you_mean(value, choices) or f"choose one of: {', '.join(choices)}"
    raise UsageError(f"{option} `{value}` is not one of {', '.join(choices)}", code="E501", hint=hint)
