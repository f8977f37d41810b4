"""Versioned schema migrations, applied in one write transaction (all or nothing) on first use or by
`gba-dataflow ledger migrate`. A migration is never edited once released: a change is a new version.

`{id}` in the DDL is the backend's auto-numbered primary key; every other type is the same on SQLite and
PostgreSQL (`BIGINT` is an integer affinity in SQLite).
"""

from __future__ import annotations

from gba_dataflow.core.i18n import tr
from gba_dataflow.ledger.backends import Backend
from gba_dataflow.ledger.errors import LedgerError

MIGRATIONS: tuple[tuple[int, str, tuple[str, ...]], ...] = (
    (
        1,
        "transfers, totals, threshold crossings, hashed subjects and the decision log",
        (
            """CREATE TABLE transfers (
                id {id},
                kind TEXT NOT NULL CHECK (kind IN ('transfer', 'void')),
                exporter_key TEXT NOT NULL,
                exporter_name TEXT NOT NULL,
                year INTEGER NOT NULL,
                transfer_date TEXT,
                manifest_id TEXT,
                manifest_path TEXT,
                digest TEXT UNIQUE,
                personal BIGINT NOT NULL CHECK (personal >= 0),
                sensitive BIGINT NOT NULL CHECK (sensitive >= 0),
                subjects_hashed BIGINT NOT NULL,
                voids BIGINT UNIQUE REFERENCES transfers (id),
                reason TEXT,
                source TEXT NOT NULL,
                recorded_at TEXT NOT NULL,
                personal_after BIGINT NOT NULL,
                sensitive_after BIGINT NOT NULL
            )""",
            "CREATE INDEX transfers_exporter_year ON transfers (exporter_key, year, id)",
            """CREATE TABLE totals (
                exporter_key TEXT NOT NULL,
                year INTEGER NOT NULL,
                transfers BIGINT NOT NULL,
                personal_summed BIGINT NOT NULL,
                distinct_subjects BIGINT NOT NULL,
                sensitive BIGINT NOT NULL,
                PRIMARY KEY (exporter_key, year)
            )""",
            """CREATE TABLE crossings (
                exporter_key TEXT NOT NULL,
                year INTEGER NOT NULL,
                measure TEXT NOT NULL,
                threshold BIGINT NOT NULL,
                record_id BIGINT NOT NULL REFERENCES transfers (id),
                PRIMARY KEY (exporter_key, year, measure, threshold)
            )""",
            """CREATE TABLE subjects (
                transfer_id BIGINT NOT NULL REFERENCES transfers (id),
                exporter_key TEXT NOT NULL,
                year INTEGER NOT NULL,
                hash TEXT NOT NULL,
                PRIMARY KEY (transfer_id, hash)
            )""",
            "CREATE INDEX subjects_exporter_year ON subjects (exporter_key, year, hash)",
            """CREATE TABLE decisions (
                seq BIGINT PRIMARY KEY,
                at TEXT NOT NULL,
                tool_version TEXT NOT NULL,
                rules_digest TEXT NOT NULL,
                manifest_digest TEXT,
                manifest_path TEXT,
                manifest_id TEXT,
                as_of TEXT,
                decision TEXT NOT NULL,
                rule_ids TEXT NOT NULL,
                exporter_key TEXT,
                action TEXT NOT NULL,
                transfer_id BIGINT,
                prev TEXT NOT NULL,
                hash TEXT NOT NULL
            )""",
            "CREATE INDEX decisions_at ON decisions (at)",
        ),
    ),
)

LATEST = MIGRATIONS[-1][0]


def current_version(backend: Backend) -> int:
    """The schema version of the ledger (0 for an empty store)."""
    backend.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations "
        "(version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    rows = backend.execute("SELECT MAX(version) FROM schema_migrations")
    return int(rows[0][0] or 0)


def installed_version(backend: Backend) -> int:
    """The schema version without writing anything (0 when the ledger was never migrated)."""
    if backend.dialect == "sqlite":
        found = backend.execute(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
        )
        exists = bool(found[0][0])
    else:
        exists = backend.execute("SELECT to_regclass('schema_migrations') IS NOT NULL")[0][0] is True
    if not exists:
        return 0
    return int(backend.execute("SELECT MAX(version) FROM schema_migrations")[0][0] or 0)


def migrate(backend: Backend, now: str) -> list[int]:
    """Apply the missing migrations in one write transaction; the versions applied (empty: up to date).

    The version is read again under the write lock, so two processes starting together migrate once."""
    backend.begin_write()
    try:
        version = current_version(backend)
        if version > LATEST:
            raise LedgerError(
                tr(
                    "the ledger {ledger} has schema version {version}; "
                    "this gba-dataflow knows up to {latest}",
                    ledger=backend.url.display,
                    version=version,
                    latest=LATEST,
                ),
                code="E604",
                hint=tr("upgrade gba-dataflow"),
            )
        applied: list[int] = []
        for number, description, statements in MIGRATIONS:
            if number <= version:
                continue
            for statement in statements:
                backend.execute(statement.replace("{id}", backend.id_column))
            backend.execute(
                "INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)",
                (number, description, now),
            )
            applied.append(number)
        backend.commit()
    except BaseException:
        backend.rollback()
        raise
    return applied
