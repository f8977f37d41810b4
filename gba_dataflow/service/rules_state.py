"""The rules a service decides with, replaced as a whole when they are reloaded.

A request takes the current `RulesSnapshot` once and decides with it from start to end, and a reload builds
a complete new snapshot before it rebinds one attribute: so every request sees the old rules or the new,
never a mix. A reload whose rules do not parse or check leaves the old snapshot in place and keeps the
diagnostics that say why (`RulesState.last_reload`).
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gba_dataflow.app.batch import describe_rules
from gba_dataflow.core.errors import Diagnostic, GbaError
from gba_dataflow.engine.model import RuleDoc
from gba_dataflow.engine.rulebook import Rulebook, default_rules_dirs, load_rulebook
from gba_dataflow.reports.common import iso_date

LANGUAGES = ("en", "zh-Hans", "zh-Hant")


@dataclass(frozen=True, slots=True)
class RulesSnapshot:
    """One loaded rulebook and what the service derives from it, never changed once made."""

    rulebook: Rulebook
    generation: int
    """1 for the rules loaded at start, one more for each successful reload."""
    loaded_at: str
    """When these rules were loaded (UTC, ISO 8601, to the second)."""
    docs: dict[str, tuple[RuleDoc, ...]] = field(default_factory=dict)
    """The rules described in each language (`GET /v1/rules`)."""

    @property
    def digest(self) -> str:
        return self.rulebook.info.digest


@dataclass(frozen=True, slots=True)
class ReloadOutcome:
    """What the last reload did: `ok` (new rules in use) or not (old rules kept, `errors` say why)."""

    ok: bool
    at: str
    digest: str
    """The digest of the rules in use after the reload."""
    errors: tuple[Diagnostic, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "at": self.at,
            "digest": self.digest,
            "errors": [diagnostic.to_dict() for diagnostic in self.errors],
        }


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def make_snapshot(rulebook: Rulebook, generation: int) -> RulesSnapshot:
    docs = {lang: describe_rules(rulebook, lang) for lang in LANGUAGES}
    return RulesSnapshot(rulebook, generation, _now(), docs)


class RulesState:
    """The current rules of one service process. Loading at start raises (a service never starts
    without rules); `reload` never does."""

    def __init__(self, dirs: Sequence[Path] | None) -> None:
        self._dirs = list(dirs) if dirs is not None else None
        self._lock = threading.Lock()
        self._current = make_snapshot(load_rulebook(self._dirs), 1)
        self.last_reload: ReloadOutcome | None = None

    @property
    def current(self) -> RulesSnapshot:
        """The rules to decide a request with: read once per request."""
        return self._current

    def reload(self) -> ReloadOutcome:
        """Load the rules again; swap them in if they load and check, else keep the old ones."""
        with self._lock:  # two reloads at once would both build generation n+1
            old = self._current
            try:
                rulebook = load_rulebook(self._dirs)
            except GbaError as error:
                outcome = ReloadOutcome(False, _now(), old.digest, tuple(error.diagnostics))
            else:
                self._current = make_snapshot(rulebook, old.generation + 1)
                outcome = ReloadOutcome(True, _now(), rulebook.info.digest)
            self.last_reload = outcome
            return outcome

    def signature(self) -> tuple[tuple[str, int, int], ...]:
        """The rule files' names, sizes and modification times: what `--watch` compares."""
        return rules_signature(self._dirs)


def rules_signature(dirs: Sequence[Path] | None) -> tuple[tuple[str, int, int], ...]:
    """Names, sizes and modification times of the rule files under `dirs` (None: the default rules)."""
    found: list[tuple[str, int, int]] = []
    for entry in dirs or default_rules_dirs():
        paths = [entry] if entry.is_file() else sorted(entry.rglob("*.rules")) if entry.is_dir() else []
        for path in paths:
            try:
                info = os.stat(path)
            except OSError:
                continue
            found.append((str(path), info.st_size, info.st_mtime_ns))
    return tuple(found)


def rules_document(snapshot: RulesSnapshot, lang: str, last_reload: ReloadOutcome | None) -> dict[str, Any]:
    """`GET /v1/rules`: the rules in use (paths, digest, when loaded), the last reload, and every rule."""
    info = snapshot.rulebook.info
    return {
        "version": 1,
        "rules": {"paths": list(info.paths), "digest": info.digest},
        "generation": snapshot.generation,
        "loaded_at": snapshot.loaded_at,
        "last_reload": last_reload.to_dict() if last_reload is not None else None,
        "items": [_rule_doc(doc) for doc in snapshot.docs[lang]],
    }


def _rule_doc(doc: RuleDoc) -> dict[str, Any]:
    return {
        "id": doc.id,
        "effect": doc.effect,
        "ruleset": doc.ruleset,
        "ruleset_title": doc.ruleset_title,
        "message": doc.message,
        "citations": list(doc.citations),
        "remedy": doc.remedy,
        "requires": list(doc.requires),
        "effective_from": iso_date(doc.effective_from),
        "effective_until": iso_date(doc.effective_until),
        "source": doc.source,
        "mets": list(doc.mets),
    }
