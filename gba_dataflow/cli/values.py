"""Checks of option values shared by several commands, free of typer (see `cli.main`)."""

from __future__ import annotations

import datetime as dt

from gba_dataflow.core.errors import UsageError

LANGUAGES = ("en", "zh-Hans", "zh-Hant")


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
