"""What the ledger stores and reports: records, totals, decision-log entries. Plain frozen data classes
with named fields."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from gba_dataflow.engine.model import ManifestResult

GENESIS = "0" * 64
"""The `prev` of the first decision-log entry."""


@dataclass(frozen=True, slots=True)
class Exporter:
    """Who a transfer is counted against: the key the ledger groups by and the legal name."""

    key: str
    """`uscc:<code>`, `hk-br:<number>`, `mo-cr:<number>`, `reg:<number>` or `name:<normalised legal name>`."""
    name: str
    by_name: bool
    """True when no registration number was given (the key is the normalised legal name)."""


@dataclass(frozen=True, slots=True)
class TransferRecord:
    """One row of the ledger: an executed transfer, or a void that corrects an earlier one."""

    id: int
    kind: str  # "transfer" | "void"
    exporter_key: str
    exporter_name: str
    year: int
    transfer_date: str | None
    manifest_id: str | None
    manifest_path: str | None
    digest: str | None
    personal: int
    sensitive: int
    subjects_hashed: int
    voids: int | None
    reason: str | None
    source: str  # "record" | "check" | "import" | "void"
    recorded_at: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Totals:
    """An exporter's cumulative volumes for one calendar year, from its live (not voided) records."""

    exporter_key: str
    year: int
    transfers: int
    personal: int
    """Individuals: distinct hashed subjects plus the summed counts of transfers recorded without them."""
    sensitive: int
    """Individuals with sensitive personal information (always summed: an upper bound)."""
    distinct_subjects: int
    personal_summed: int
    exact: bool
    """True when every personal count came from hashed identifiers (no upper bound involved)."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One decision-log entry. `hash` is the SHA-256 of every other field (see `audit.entry_hash`)."""

    seq: int
    at: str
    tool_version: str
    rules_digest: str
    manifest_digest: str | None
    manifest_path: str | None
    manifest_id: str | None
    as_of: str | None
    decision: str
    rule_ids: tuple[str, ...]
    exporter_key: str | None
    action: str  # "check" | "record" | "check-record"
    transfer_id: int | None
    prev: str
    hash: str

    def to_dict(self) -> dict[str, Any]:
        found = asdict(self)
        found["rule_ids"] = list(self.rule_ids)
        return found


@dataclass(frozen=True, slots=True)
class LedgerDecision:
    """A decision made with the ledger: the result, and the record it made (None: nothing recorded)."""

    result: ManifestResult
    record: TransferRecord | None
    log_seq: int
    already_recorded: bool = False


@dataclass(frozen=True, slots=True)
class RecordOutcome:
    """`ledger record` of one manifest: the record, and whether it was there already (same digest)."""

    record: TransferRecord
    created: bool
