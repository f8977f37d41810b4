"""The two stores behind the ledger, with one interface and the same SQL: SQLite (stdlib `sqlite3`, the
default, one machine) and PostgreSQL through psycopg 3 (several machines or CI runners).

SQL is written once with `?` placeholders (PostgreSQL's `%s` is put in by `PostgresBackend`). A write
transaction holds the whole ledger: SQLite's `BEGIN IMMEDIATE` (one writer; others wait up to the busy
timeout) and, on PostgreSQL, a transaction-scoped advisory lock taken first (waiting at most the lock
timeout). Holding it for the whole check-and-record is what makes two writers unable to both pass a
threshold only one could, and keeps the decision log's hash chain linear. Every driver error becomes a
`LedgerError`: unreachable (E601) or busy past the timeout (E602), never a silent allow.
"""

from __future__ import annotations

import abc
import contextlib
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from gba_dataflow.core.i18n import tr
from gba_dataflow.ledger.errors import LedgerError

DEFAULT_TIMEOUT = 10.0
"""Seconds a write waits for other writers (and a PostgreSQL connection for the server) before E602/E601."""
ADVISORY_LOCK = 0x6762_6164_6C65_6467  # "gbadledg": the one lock every PostgreSQL write transaction takes
_URL_HINT = tr(
    "use sqlite:///ABSOLUTE/PATH, sqlite:RELATIVE/PATH or postgresql://USER:PASSWORD@HOST:PORT/DATABASE"
)
_LOCKED_HINT = tr("retry, or raise the wait with ?timeout=SECONDS in the ledger URL")

Row = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class LedgerUrl:
    """A parsed ledger URL: the backend, what to connect to, and the timeout in seconds."""

    scheme: str  # "sqlite" | "postgresql"
    target: str  # a file path, or a libpq connection URI without gba-dataflow's own parameters
    timeout: float
    display: str  # the URL with any password hidden, for messages


def parse_url(url: str) -> LedgerUrl:
    """Parse `sqlite:///abs/path`, `sqlite:rel/path` or `postgresql://...` (`?timeout=SECONDS` on either)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    query = parse_qsl(parts.query, keep_blank_values=True)
    timeout = DEFAULT_TIMEOUT
    rest: list[tuple[str, str]] = []
    for name, value in query:
        if name == "timeout":
            try:
                timeout = float(value)
            except ValueError:
                timeout = -1.0
            if not timeout > 0:
                raise LedgerError(
                    tr("the ledger URL's timeout `{value}` is not a positive number of seconds", value=value),
                    code="E603",
                    hint=tr("e.g. ?timeout=10"),
                )
        else:
            rest.append((name, value))
    if scheme == "sqlite":
        if rest:
            raise LedgerError(
                tr("a sqlite ledger URL takes no parameter but `timeout` (found `{name}`)", name=rest[0][0]),
                code="E603",
                hint=_URL_HINT,
            )
        path = parts.path if not parts.netloc else ""
        if not path or parts.netloc:
            raise LedgerError(tr("`{url}` names no SQLite file", url=url), code="E603", hint=_URL_HINT)
        return LedgerUrl("sqlite", path, timeout, f"sqlite:{path}")
    if scheme in ("postgresql", "postgres"):
        target = urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(rest), ""))
        shown = parts.netloc.rpartition("@")[2]
        user = parts.username
        display = f"postgresql://{user + '@' if user else ''}{shown}{parts.path}"
        return LedgerUrl("postgresql", target, timeout, display)
    raise LedgerError(tr("`{url}` is not a ledger URL", url=url), code="E603", hint=_URL_HINT)


class Backend(abc.ABC):
    """One open connection to a ledger store."""

    dialect: str
    url: LedgerUrl

    @abc.abstractmethod
    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Run one statement; its rows (empty for statements without a result)."""

    @abc.abstractmethod
    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """Run one statement for each row of parameters."""

    @abc.abstractmethod
    def begin_write(self) -> None:
        """Start a write transaction holding the ledger's lock (waiting at most the timeout)."""

    @abc.abstractmethod
    def commit(self) -> None: ...

    @abc.abstractmethod
    def rollback(self) -> None: ...

    @abc.abstractmethod
    def close(self) -> None: ...

    @property
    @abc.abstractmethod
    def id_column(self) -> str:
        """The DDL of an auto-numbered primary key column."""


class SqliteBackend(Backend):
    """SQLite in WAL mode: readers never wait; one writer at a time (`BEGIN IMMEDIATE`, busy timeout)."""

    dialect = "sqlite"

    def __init__(self, url: LedgerUrl) -> None:
        self.url = url
        path = Path(url.target)
        if not path.parent.is_dir():
            raise LedgerError(
                tr(
                    "cannot open the ledger {ledger}: the directory `{directory}` does not exist",
                    ledger=url.display,
                    directory=str(path.parent),
                ),
                code="E601",
                hint=tr("create the directory, or point --ledger at another file"),
            )
        try:
            self.connection = sqlite3.connect(
                url.target, timeout=url.timeout, isolation_level=None, check_same_thread=False
            )
            self.connection.execute("PRAGMA journal_mode=WAL")
            self.connection.execute("PRAGMA synchronous=NORMAL")
            self.connection.execute("PRAGMA foreign_keys=ON")
        except sqlite3.Error as error:
            raise self.translate(error) from None

    @property
    def id_column(self) -> str:
        return "INTEGER PRIMARY KEY"

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        try:
            return self.connection.execute(sql, tuple(params)).fetchall()
        except sqlite3.Error as error:
            raise self.translate(error) from None

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        try:
            self.connection.executemany(sql, rows)
        except sqlite3.Error as error:
            raise self.translate(error) from None

    def begin_write(self) -> None:
        self.execute("BEGIN IMMEDIATE")

    def commit(self) -> None:
        self.execute("COMMIT")

    def rollback(self) -> None:
        if self.connection.in_transaction:
            self.connection.execute("ROLLBACK")

    def close(self) -> None:
        self.connection.close()

    def translate(self, error: sqlite3.Error) -> LedgerError:
        text = str(error)
        if "locked" in text or "busy" in text:
            return _locked(self.url)
        return LedgerError(
            tr("cannot use the ledger {ledger}: {detail}", ledger=self.url.display, detail=text),
            code="E601",
            hint=tr("check that the file is a gba-dataflow ledger and that it can be written"),
        )


class PostgresBackend(Backend):
    """PostgreSQL through psycopg 3, in autocommit mode with explicit transactions."""

    dialect = "postgresql"

    def __init__(self, url: LedgerUrl) -> None:
        self.url = url
        try:
            import psycopg
        except ImportError:
            raise LedgerError(
                tr(
                    "the ledger {ledger} is a PostgreSQL server, but psycopg is not installed",
                    ledger=url.display,
                ),
                code="E603",
                hint=tr("pip install 'gba-dataflow[postgres]'"),
            ) from None
        self.psycopg = psycopg
        try:
            self.connection = psycopg.connect(
                url.target, autocommit=True, connect_timeout=max(1, round(url.timeout))
            )
            milliseconds = max(1, round(url.timeout * 1000))
            self.connection.execute(f"SET lock_timeout = {milliseconds}")
        except psycopg.Error as error:
            raise self.translate(error) from None

    @property
    def id_column(self) -> str:
        return "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        try:
            cursor = self.connection.execute(sql.replace("?", "%s"), tuple(params))
            return cursor.fetchall() if cursor.description is not None else []
        except self.psycopg.Error as error:
            raise self.translate(error) from None

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        try:
            with self.connection.cursor() as cursor:
                cursor.executemany(sql.replace("?", "%s"), list(rows))
        except self.psycopg.Error as error:
            raise self.translate(error) from None

    def copy_column(self, table: str, column: str, values: Iterable[str]) -> None:
        """Load many one-column rows with COPY (executemany is ~50x slower for a million hashes)."""
        try:
            with (
                self.connection.cursor() as cursor,
                cursor.copy(f"COPY {table} ({column}) FROM STDIN") as copy,
            ):
                for value in values:
                    copy.write_row((value,))
        except self.psycopg.Error as error:
            raise self.translate(error) from None

    def begin_write(self) -> None:
        self.execute("BEGIN")
        self.execute("SELECT pg_advisory_xact_lock(?)", (ADVISORY_LOCK,))

    def commit(self) -> None:
        self.execute("COMMIT")

    def rollback(self) -> None:
        status = self.connection.info.transaction_status
        if status != self.psycopg.pq.TransactionStatus.IDLE:
            with contextlib.suppress(self.psycopg.Error):
                self.connection.execute("ROLLBACK")

    def close(self) -> None:
        self.connection.close()

    def translate(self, error: Exception) -> LedgerError:
        errors = self.psycopg.errors
        if isinstance(error, errors.LockNotAvailable | errors.QueryCanceled):
            return _locked(self.url)
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return LedgerError(
            tr("cannot use the ledger {ledger}: {detail}", ledger=self.url.display, detail=first),
            code="E601",
            hint=tr("check that the server runs, the URL's user, password and database, and the network"),
        )


def _locked(url: LedgerUrl) -> LedgerError:
    """E602: the write lock was not granted within the timeout (either backend)."""
    return LedgerError(
        tr(
            "the ledger {ledger} stayed locked by other writers for more than {seconds:g} s",
            ledger=url.display,
            seconds=url.timeout,
        ),
        code="E602",
        hint=_LOCKED_HINT,
    )


def connect(url: str) -> Backend:
    """Open the store a ledger URL names (nothing is created until the first migration)."""
    parsed = parse_url(url)
    if parsed.scheme == "sqlite":
        return SqliteBackend(parsed)
    return PostgresBackend(parsed)
