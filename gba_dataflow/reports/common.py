"""Helpers shared by the report formats: JSON-native values, labels, routes and the run summary."""

from __future__ import annotations

import datetime as dt
import enum
import json
import math
import re
from collections.abc import Mapping
from typing import Any

from gba_dataflow.engine.model import Fact, ManifestResult, Route, Verdict

VERDICT_LABELS: Mapping[Verdict, str] = {
    Verdict.ALLOW: "✔ ALLOW",
    Verdict.DENY: "✘ DENY",
    Verdict.ERROR: "! ERROR",
}

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """`text` with control characters (escape sequences included) shown as `\\xNN`, safe for a terminal."""
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
    if isinstance(value, dt.date):
        return value.isoformat()
    return json.dumps(to_jsonable(value), ensure_ascii=False)


def format_fact(fact: Fact, manifest: str) -> str:
    """`path = value (file:line)` for a stated value; `(default)`, `(derived: ...)` or `(ledger: ...)` for
    the others (design §3.10), so that a decision resting on a default is visible."""
    return f"{fact.path} = {format_value(fact.value)}{fact_origin(fact, manifest)}"


def fact_origin(fact: Fact, manifest: str | None) -> str:
    """Where a fact's value came from, as the suffix of its line in a report."""
    if fact.provenance == "stated":
        if fact.line is None:
            return ""
        return f" ({manifest}:{fact.line})" if manifest is not None else f"  (line {fact.line})"
    if fact.provenance_note:
        return f" ({fact.provenance}: {fact.provenance_note})"
    return f" ({fact.provenance})"


def format_route(route: Route) -> str:
    """`CN-GD Shenzhen → HK Hong Kong`; a missing region reads `?`, a missing city is left out."""
    return f"{_end(route.origin, route.origin_city)} → {_end(route.destination, route.destination_city)}"


def _end(region: str | None, city: str | None) -> str:
    return f"{region or '?'} {city}" if city else region or "?"


def headline(result: ManifestResult) -> str:
    """The one-line reason for a result: its first error, else its first reason (`rule: message`)."""
    if result.errors:
        first = result.errors[0]
        return f"{first.code}: {first.message}"
    if result.reasons:
        reason = result.reasons[0]
        return f"{reason.rule}: {reason.message}"
    return ""


def summary_line(counts: Mapping[str, int], missing: int = 0) -> str:
    """`3 manifests: 1 allowed, 1 denied, 1 error`. `missing` inputs (paths that do not exist, directories
    without a manifest) are errors, not manifests: `0 manifests: 0 allowed, 0 denied, 1 error (1 path
    without a manifest)`."""
    total = sum(counts.get(verdict.value, 0) for verdict in Verdict) - missing
    errors = counts.get(Verdict.ERROR.value, 0)
    line = (
        f"{total} {_plural(total, 'manifest')}: {counts.get(Verdict.ALLOW.value, 0)} allowed, "
        f"{counts.get(Verdict.DENY.value, 0)} denied, {errors} {_plural(errors, 'error')}"
    )
    return line + (f" ({missing} {_plural(missing, 'path')} without a manifest)" if missing else "")


def _plural(count: int, noun: str) -> str:
    return noun if count == 1 else f"{noun}s"


def iso_date(day: dt.date | None) -> str | None:
    """A date as JSON writes it (ISO 8601), or None."""
    return day.isoformat() if day is not None else None


# Section headings of the text report in each --lang (rule texts carry their own translations).
HEADINGS: Mapping[str, Mapping[str, str]] = {
    "en": {
        "reasons": "Reasons:",
        "obligations": "Must still be done:",
        "warnings": "Warnings:",
        "remedies": "To fix:",
        "errors": "Errors:",
    },
    "zh-Hans": {
        "reasons": "理由：",
        "obligations": "仍须完成：",
        "warnings": "警告：",
        "remedies": "如何纠正：",
        "errors": "错误：",
    },
    "zh-Hant": {
        "reasons": "理由：",
        "obligations": "仍須完成：",
        "warnings": "警告：",
        "remedies": "如何糾正：",
        "errors": "錯誤：",
    },
}


def heading(lang: str, key: str) -> str:
    """A section heading in `lang`, falling back to English."""
    return HEADINGS.get(lang, HEADINGS["en"]).get(key) or HEADINGS["en"][key]
