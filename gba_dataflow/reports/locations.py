"""Where a finding points, for the CI formats (SARIF, GitHub annotations): a file relative to the
directory gba-dataflow ran in, and the line and column of the manifest field that made a rule fire.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePath
from urllib.parse import quote

from gba_dataflow.engine.model import Fact, ManifestResult
from gba_dataflow.reports.labels import label

STDIN_NAME = "<stdin>"


@dataclass(frozen=True, slots=True)
class FileRef:
    """A file as a CI format names it: `path` for people, `uri` for SARIF; `relative` to the run's root."""

    path: str
    uri: str
    relative: bool


def file_ref(path: str, root: Path | None = None) -> FileRef:
    """Name `path` relative to `root` (default: the current directory) with `/` separators.

    A path outside `root` stays absolute (`file:///...` as a URI); standard input is `<stdin>`.
    """
    if path == STDIN_NAME:
        return FileRef(path, quote(path, safe=""), False)
    base = Path(root) if root is not None else Path.cwd()
    pure = PurePath(path)
    if not pure.is_absolute():
        relative = posixpath.normpath(pure.as_posix())
        if relative != ".." and not relative.startswith("../"):
            return FileRef(relative, quote(relative, safe="/"), True)
    pure = PurePath(os.path.normpath(base / pure))
    try:
        relative = pure.relative_to(base).as_posix()
    except ValueError:
        absolute = Path(pure)
        return FileRef(str(absolute), absolute.as_uri(), False)
    return FileRef(relative, quote(relative, safe="/"), True)


def first_position(facts: Iterable[Fact]) -> tuple[int, int] | None:
    """The (line, column) of the first fact the loader located (column 1 when only the line is known)."""
    for fact in facts:
        if fact.line is not None:
            return fact.line, fact.column or 1
    return None


def reason_position(result: ManifestResult, rule: str, facts: Iterable[Fact]) -> tuple[int, int]:
    """Where a reason points in its manifest: its first located fact; for a default deny (no facts of its
    own) the first located fact of a failed condition of the closest allow rules of that ruleset; else 1:1.
    """
    found = first_position(facts)
    if found is None and rule.endswith("/default"):
        ruleset = rule.rsplit("/", 1)[0] + "/"
        for remedy in result.remedies:
            if remedy.kind == "closest_allow" and remedy.rule.startswith(ruleset):
                for failed in remedy.failed_conditions:
                    found = found or first_position(failed.facts)
    return found or (1, 1)


def remedy_lines(result: ManifestResult, rule: str, lang: str = "en") -> list[str]:
    """What would fix one deny reason: its rule's remedy (`To fix: ...`) and, for a default deny, the
    closest allow rules of that ruleset with what failed (`Closest allow rule r: would allow if ...`).
    """
    lines = []
    ruleset = rule.rsplit("/", 1)[0] + "/"
    for remedy in result.remedies:
        if remedy.kind == "remedy" and remedy.rule == rule:
            lines.append(label(lang, "remedy_line", text=remedy.text))
        elif remedy.kind == "closest_allow" and rule.endswith("/default") and remedy.rule.startswith(ruleset):
            failed = "; ".join(condition.suggestion for condition in remedy.failed_conditions)
            lines.append(label(lang, "closest_allow_line", rule=remedy.rule, text=failed or remedy.text))
    return lines
