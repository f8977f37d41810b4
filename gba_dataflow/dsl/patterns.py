"""Literals against the schema's `pattern`s: whether a rule's literal can ever equal a field's value, and
the value the author most likely meant (`"Guangdong"` -> `"CN-GD"`, `"cn-gd"` -> `"CN-GD"`).

A ruleset that compares `transfer.origin.region == "Guangdong"` silently never applies, because the schema
only lets a region be an ISO 3166 code; `rules check` reports it (E217) instead.
"""

from __future__ import annotations

import functools
import re

from gba_dataflow.core import gazetteer


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except re.error:  # a pattern Python cannot read: nothing can be said about it
        return None


def pattern_matches(pattern: str, value: str) -> bool:
    """Whether `value` matches the JSON Schema `pattern` (ECMA-262 `search` semantics, as the schema
    validator applies it); an unreadable pattern matches everything."""
    compiled = _compiled(pattern)
    return compiled is None or compiled.search(value) is not None


def pattern_suggestion(pattern: str, value: str) -> str | None:
    """A value that matches `pattern` and that `value` most likely meant: a region written by name, or the
    same text in capitals, in lower case or as a slug."""
    slug = re.sub(r"[^a-z0-9._-]+", "-", value.strip().lower()).strip("-")
    candidates = [gazetteer.region_code(value), value.strip().upper(), value.strip().lower(), slug]
    return next((c for c in candidates if c and c != value and pattern_matches(pattern, c)), None)
