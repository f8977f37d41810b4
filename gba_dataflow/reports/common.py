"""Helpers shared by the report formats: JSON-native values, labels, routes and the run summary."""

from __future__ import annotations

import datetime as dt
import enum
import json
import math
import re
from collections.abc import Mapping
from typing import Any

from gba_dataflow.core.i18n import localize
from gba_dataflow.engine.decisive import fails_on_warn
from gba_dataflow.engine.model import Fact, ManifestResult, Route, Verdict
from gba_dataflow.manifests.provenance import COPIED_FROM
from gba_dataflow.reports.labels import label

_ENCODE = json.JSONEncoder(ensure_ascii=False).encode
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """`text` with control characters (escape sequences included) shown as `\\xNN`, safe for a terminal."""
    if text.isprintable():  # most text: nothing to show differently
        return text
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def to_jsonable(value: Any) -> Any:
    """Convert a manifest value to JSON-native data: dates as ISO strings, sets as sorted lists.

    Mapping order is kept; a set is sorted by its JSON text so the output is deterministic.
    """
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, enum.Enum):
        return to_jsonable(value.value)
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): to_jsonable(item) for key, item in value.items()}
    if isinstance(value, set | frozenset):
        items = [to_jsonable(item) for item in value]
        return sorted(items, key=lambda item: json.dumps(item, ensure_ascii=False, sort_keys=True))
    if isinstance(value, list | tuple):
        return [to_jsonable(item) for item in value]
    return str(value)


def format_value(value: Any) -> str:
    """A fact value as a person reads it: strings quoted, dates bare ISO, booleans and null lower-case."""
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, str | int):
        return _ENCODE(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return _ENCODE(to_jsonable(value))


def format_fact(fact: Fact, manifest: str, lang: str = "en") -> str:
    """`path = value (file:line)` for a stated value; `(default)`, `(derived: ...)` or `(ledger: ...)` for
    the others (design §3.10), so that a decision resting on a default is visible."""
    if fact.provenance == "stated":
        where = f" ({manifest}:{fact.line})" if fact.line is not None else ""
    else:
        where = fact_origin(fact, lang)
    return f"{fact.path} = {format_value(fact.value)}{where}"


def fact_origin(fact: Fact, lang: str = "en") -> str:
    """Where a value that was not stated in the manifest came from, as the suffix of its fact in a report:
    ` (default)`, ` (default: copied from transfer.origin.region)`, ` (ledger: ...)`; "" for a stated one.
    Every note is said in `lang`: the evaluation date's and a copy's from the labels, a ledger's and the
    gazetteer's through their phrases (core/i18n.py). Chinese takes full-width brackets and colon."""
    if fact.provenance == "stated":
        return ""
    kind = label(lang, f"provenance_{fact.provenance}")
    note = fact.provenance_note
    if note is not None:
        if fact.pointer == "":  # as_of
            note = label(lang, "as_of_note")
        elif note.startswith(COPIED_FROM):
            note = label(lang, "copied_from", path=note.removeprefix(COPIED_FROM))
        else:
            note = localize(note, lang)
    if lang == "en":
        return f" ({kind})" if note is None else f" ({kind}: {note})"
    return f"（{kind}）" if note is None else f"（{kind}：{note}）"


def format_route(route: Route) -> str:
    """`CN-GD Shenzhen → HK Hong Kong`; a missing region reads `?`, a missing city is left out."""
    return f"{_end(route.origin, route.origin_city)} → {_end(route.destination, route.destination_city)}"


def _end(region: str | None, city: str | None) -> str:
    return f"{region or '?'} {city}" if city else region or "?"


def headline(result: ManifestResult, lang: str = "en") -> str:
    """The one-line reason for a result: its first error, else its first reason (`rule: message`), in
    `lang` (a reason's message is already in the language the manifest was decided in)."""
    if result.errors:
        first = result.errors[0]
        return f"{first.code}: {localize(first.message, lang)}"
    if result.reasons:
        reason = result.reasons[0]
        return f"{reason.rule}: {reason.message}"
    return ""


def summary_line(counts: Mapping[str, int], warned: int = 0, lang: str = "en", missing: int = 0) -> str:
    """`3 manifests: 1 allowed, 1 denied, 1 with input errors, 0 with warnings`, in `lang`.

    `warned` counts the manifests with a warning that `--fail-on-warn` fails on. `missing` inputs (paths
    that do not exist, directories without a manifest) are among the errors but are not manifests:
    `0 manifests: ..., 1 with input errors, ... (1 path without a manifest)`."""
    total = sum(counts.get(verdict.value, 0) for verdict in Verdict) - missing
    line = label(
        lang,
        "summary",
        total=total,
        manifests=label(lang, "manifest" if total == 1 else "manifests"),
        allow=counts.get(Verdict.ALLOW.value, 0),
        deny=counts.get(Verdict.DENY.value, 0),
        error=counts.get(Verdict.ERROR.value, 0),
        warned=warned,
    )
    if missing:
        line += label(lang, "missing_path" if missing == 1 else "missing_paths", count=missing)
    return line


def warned(result: ManifestResult) -> bool:
    """Whether `result` has a warning that `--fail-on-warn` fails on: a warn rule that fired, or an allow
    resting on a decisive fact's default (W423)."""
    return any(fails_on_warn(warning) for warning in result.warnings)


def iso_date(day: dt.date | None) -> str | None:
    """A date as JSON writes it (ISO 8601), or None."""
    return day.isoformat() if day is not None else None


def heading(lang: str, key: str) -> str:
    """A section heading of the text report in `lang` (`reasons`, `obligations`, ...), else English."""
    return label(lang, key)


def verdict_label(verdict: Verdict, lang: str = "en") -> str:
    """`✔ ALLOW`, `✘ DENY` or `! ERROR` in `lang`."""
    return label(lang, verdict.value)
