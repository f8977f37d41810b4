"""Checks of option values shared by several commands, free of typer (see `cli.main`)."""

from __future__ import annotations

import datetime as dt

from gba_dataflow.app.words import code_list
from gba_dataflow.core.errors import UsageError
from gba_dataflow.core.i18n import tr

LANGUAGES = ("en", "zh-Hans", "zh-Hant")


def language_for_errors(value: str | None) -> str:
    """The language in which to print a command's errors: the --lang asked for (or the configuration
    file's) when it is one we speak, else English (an invalid --lang is itself reported in English)."""
    return value if value in LANGUAGES else "en"


def configured_language() -> str:
    """The language of the configuration file (`lang`) for the errors of a command without --lang, when it
    is set and one we speak; else English (also when the configuration file itself cannot be read: its own
    error is then said in English)."""
    from gba_dataflow.app.config import load_config
    from gba_dataflow.core.errors import GbaError

    try:
        return language_for_errors(load_config().get("lang"))
    except GbaError:
        return "en"


def parse_as_of(value: str | None) -> dt.date | None:
    """Validate --as-of."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(
            tr("--as-of `{value}` is not a date", value=value),
            code="E501",
            hint=tr("write it as YYYY-MM-DD, e.g. --as-of 2026-12-01"),
        ) from None


def check_choice(option: str, value: str, choices: tuple[str, ...]) -> str:
    """Validate an option against its allowed values, with a did-you-mean hint."""
    if value in choices:
        return value
    from gba_dataflow.core.suggest import did_you_mean

    hint = did_you_mean(value, choices) or tr("choose one of: {choices}", choices=code_list(choices))
    raise UsageError(
        tr(
            "{option} `{value}` is not one of {choices}",
            option=option,
            value=value,
            choices=code_list(choices),
        ),
        code="E501",
        hint=hint,
    )
