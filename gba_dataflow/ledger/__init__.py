"""The transfer ledger and the tamper-evident decision log (design §8).

    from gba_dataflow.ledger import open_ledger, Ledger, LedgerError

    with open_ledger("sqlite:///var/lib/gba/ledger.db") as ledger:
        result = ledger.evaluate(rulebook, manifest, record=True)
        ledger.totals(exporter="91440300MA5DC8QY13", year=2026)

This layer sits above the engine (it decides manifests with the year's volumes) and below the reports and
the CLI; it alone talks to SQLite (stdlib `sqlite3`) and PostgreSQL (psycopg 3).
"""

from gba_dataflow.ledger.errors import LedgerError
from gba_dataflow.ledger.model import LedgerDecision, LogEntry, RecordOutcome, Totals, TransferRecord
from gba_dataflow.ledger.store import Ledger, open_ledger
from gba_dataflow.ledger.subjects import SubjectHashes, hash_subjects, organisation_key

__all__ = [
    "Ledger",
    "LedgerDecision",
    "LedgerError",
    "LogEntry",
    "RecordOutcome",
    "SubjectHashes",
    "Totals",
    "TransferRecord",
    "hash_subjects",
    "open_ledger",
    "organisation_key",
]
