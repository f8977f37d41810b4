"""The decision log's hash chain: how an entry is hashed, and how a sequence of entries is verified.

Each entry's `hash` is the SHA-256 of its canonical JSON (sorted keys, no spaces, UTF-8) without the `hash`
field; its `prev` is the previous entry's `hash` (`GENESIS` for the first). So editing an entry breaks its own
hash; dropping, inserting or reordering one breaks the numbering or the `prev` link of the entry after it.
`verify` names the first entry where any of these breaks.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from gba_dataflow.core.i18n import tr
from gba_dataflow.ledger.model import GENESIS, LogEntry

FIELDS = (
    "seq",
    "at",
    "tool_version",
    "rules_digest",
    "manifest_digest",
    "manifest_path",
    "manifest_id",
    "as_of",
    "decision",
    "rule_ids",
    "exporter_key",
    "action",
    "transfer_id",
    "prev",
    "hash",
)


def canonical(entry: Mapping[str, Any]) -> bytes:
    """The bytes an entry's hash covers: every field but `hash`, as canonical JSON."""
    body = {name: entry.get(name) for name in FIELDS if name != "hash"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def entry_hash(entry: Mapping[str, Any]) -> str:
    """The SHA-256 (hex) of an entry's canonical form."""
    return hashlib.sha256(canonical(entry)).hexdigest()


def entry_line(entry: LogEntry) -> str:
    """One JSON Lines line of an exported entry (sorted keys: byte-identical for the same entry)."""
    return json.dumps(entry.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class Verification:
    """The result of verifying a log: intact, or the first entry where the chain breaks and how."""

    entries: int
    intact: bool
    seq: int | None = None
    """The sequence number (or, for a file, the line number) of the first broken entry."""
    problem: str | None = None

    def message(self) -> str:
        """The outcome in words (a phrase: said in the report's language)."""
        if self.intact:
            return tr(
                "the decision log is intact: {entries:,} entries, every hash and link checks",
                entries=self.entries,
            )
        return tr("the decision log is broken at {problem}", problem=self.problem)


def verify(
    entries: Iterable[Mapping[str, Any]], *, where: Literal["entry", "line"] = "entry"
) -> Verification:
    """Walk the entries in order; the first edited, dropped, inserted or reordered one is named.

    A log exported from the middle (`audit export --from`) starts with an entry whose `prev` cannot be
    checked here; every later link is."""
    listed = list(entries)
    previous: Mapping[str, Any] | None = None
    for position, entry in enumerate(listed, start=1):
        seq = entry.get("seq")
        label = (
            tr("line {position} (seq {seq})", position=position, seq=seq)
            if where == "line"
            else tr("entry {position} (seq {seq})", position=position, seq=seq)
        )
        if not isinstance(seq, int) or entry_hash(entry) != entry.get("hash"):
            why = tr("its content does not match its hash (edited)")
            return Verification(
                len(listed),
                False,
                position,
                tr("{log_entry}: {chain_break}", log_entry=label, chain_break=why),
            )
        if previous is None:
            if seq == 1 and entry.get("prev") != GENESIS:
                why = tr("the first entry does not start the chain")
                return Verification(
                    len(listed),
                    False,
                    position,
                    tr("{log_entry}: {chain_break}", log_entry=label, chain_break=why),
                )
        else:
            expected = int(previous["seq"]) + 1
            if seq != expected or entry.get("prev") != previous.get("hash"):
                later = {other.get("seq") for other in listed[position:]}
                if seq > expected and expected not in later:
                    why = tr("seq {first} to {last} are missing (dropped)", first=expected, last=seq - 1)
                elif seq < expected and seq in {other.get("seq") for other in listed[: position - 1]}:
                    why = tr("a second entry with seq {seq} comes before it (inserted)", seq=seq)
                elif seq != expected:
                    why = tr("it comes after seq {seq} (reordered)", seq=previous["seq"])
                else:
                    why = tr("it does not link to the entry before (an entry was inserted or replaced)")
                return Verification(
                    len(listed),
                    False,
                    position,
                    tr("{log_entry}: {chain_break}", log_entry=label, chain_break=why),
                )
        previous = entry
    return Verification(len(listed), True)


def parse_lines(lines: Iterable[str]) -> Iterable[dict[str, Any]]:
    """The entries of an exported JSON Lines file; a line that is not a JSON object raises ValueError."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        found = json.loads(line)
        if not isinstance(found, dict):
            raise ValueError(tr("line {number} is not a JSON object", number=number))
        yield found
