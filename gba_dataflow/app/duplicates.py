"""Duplicate manifest ids in one run (W425): two manifests claiming one id are a copy-paste mistake, and
whatever keys decisions by id (a ledger, an audit log, a dashboard) would mix them up.

The run is watched as its results arrive, in input order (the first manifest with an id owns it; each
later one is flagged), keeping one entry per distinct id. Each finding is located at the later manifest's
`id:` line, found by reading that file again (only when there is a duplicate)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from gba_dataflow.core.errors import Diagnostic, Severity
from gba_dataflow.core.i18n import tr
from gba_dataflow.core.source import Span

SHOWN = 10
"""At most this many W425 warnings are listed; the rest are counted (a batch of copies would flood)."""
_ID_LINE = re.compile(r'^(id\s*:\s*|\s*"id"\s*:\s*)', re.MULTILINE)  # YAML's top level, or JSON


@dataclass
class DuplicateIds:
    """Watches the manifest ids of a run; `found` holds a W425 warning for each repeated one."""

    first: dict[str, str] = field(default_factory=dict)
    found: list[Diagnostic] = field(default_factory=list)
    more: int = 0
    """Repeated ids beyond the first SHOWN, counted only."""

    def see(self, manifest_id: str | None, manifest: str) -> None:
        if not manifest_id:
            return
        owner = self.first.get(manifest_id)
        if owner is None:
            self.first[manifest_id] = manifest
            return
        if len(self.found) >= SHOWN:
            self.more += 1
            return
        self.found.append(
            Diagnostic(
                "W425",
                tr("manifest id `{id}` is also the id of `{owner}`", id=manifest_id, owner=owner),
                _id_span(manifest),
                tr("give each manifest its own id (or check the same file only once)"),
                Severity.WARNING,
                json_path="/id",
            )
        )

    def diagnostics(self) -> list[Diagnostic]:
        """The warnings to show: the first SHOWN, then one that counts the others."""
        if not self.more:
            return list(self.found)
        extra = Diagnostic(
            "W425",
            (
                tr("{count} more manifest repeats an id of this run", count=self.more)
                if self.more == 1
                else tr("{count} more manifests repeat an id of this run", count=self.more)
            ),
            None,
            tr("give each manifest its own id"),
            Severity.WARNING,
        )
        return [*self.found, extra]


def _id_span(manifest: str) -> Span:
    """The `id:` line of a manifest file (line 1 when it cannot be read or found)."""
    try:
        with open(manifest, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError):
        return Span(manifest, 1, 1)
    match = _ID_LINE.search(text)
    if match is None:
        return Span(manifest, 1, 1)
    line = text.count("\n", 0, match.start()) + 1
    return Span(manifest, line, len(match.group(1)) + 1)
