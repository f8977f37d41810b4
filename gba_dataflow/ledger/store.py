"""The ledger: executed transfers, the year's totals per exporter, hashed subjects and the decision log,
in one store (`backends`), changed only inside write transactions that hold the ledger's lock.

Records are never updated or deleted; a correction is a `void` record. The `totals` and `crossings` tables
are derived from the records and kept up to date in the same transaction, so reading an exporter's year
is one indexed row whatever the number of records.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator, Sequence
from hashlib import sha256
from pathlib import Path
from types import TracebackType
from typing import Any

from gba_dataflow._version import __version__
from gba_dataflow.core.i18n import tr
from gba_dataflow.engine.evaluate import evaluate_manifest, resolve_as_of
from gba_dataflow.engine.model import ManifestResult, Verdict
from gba_dataflow.engine.rulebook import Rulebook
from gba_dataflow.ledger import audit
from gba_dataflow.ledger.backends import Backend, PostgresBackend, connect
from gba_dataflow.ledger.errors import LedgerError
from gba_dataflow.ledger.identity import exporter_of, key_candidates, normalised_name
from gba_dataflow.ledger.migrations import LATEST, installed_version, migrate
from gba_dataflow.ledger.model import (
    GENESIS,
    Exporter,
    LedgerDecision,
    LogEntry,
    RecordOutcome,
    Totals,
    TransferRecord,
)
from gba_dataflow.ledger.subjects import SubjectHashes
from gba_dataflow.ledger.volumes import THRESHOLDS, Crossing, LedgerView, with_ledger_volumes
from gba_dataflow.manifests.loader import LoadedManifest
from gba_dataflow.manifests.registration import registration_kind, registration_problem

_RECORD_COLUMNS = (
    "id, kind, exporter_key, exporter_name, year, transfer_date, manifest_id, manifest_path, digest, "
    "personal, sensitive, subjects_hashed, voids, reason, source, recorded_at"
)
_LOG_COLUMNS = ", ".join(audit.FIELDS)
RECENT = 5
"""How many of the latest record ids a ledger fact names."""
IMPORT_COLUMNS = ("exporter_name", "date", "personal", "sensitive")
IMPORT_OPTIONAL = ("registration_number", "region", "reference")
_MIGRATE_HINT = tr("run `gba-dataflow ledger migrate`")


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Ledger:
    """An open ledger. Use as a context manager (it closes on exit); not shared between threads."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.url = backend.url.display

    # ---- life cycle -------------------------------------------------------------------------

    def __enter__(self) -> Ledger:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self.backend.rollback()
        self.backend.close()

    def migrate(self) -> list[int]:
        """Apply missing schema migrations (one transaction); the versions applied."""
        return migrate(self.backend, _now())

    def ping(self) -> None:
        """Raise LedgerError unless the store answers and its schema is current."""
        version = installed_version(self.backend)
        if version != LATEST:
            raise LedgerError(
                tr(
                    "the ledger {ledger} has schema version {version}, expected {latest}",
                    ledger=self.url,
                    version=version,
                    latest=LATEST,
                ),
                code="E604",
                hint=_MIGRATE_HINT,
            )

    # ---- reading ----------------------------------------------------------------------------

    def totals(self, exporter: str | None = None, year: int | None = None) -> list[Totals]:
        """The year totals, by exporter key then year; `exporter` is a key, registration number or name."""
        where, params = self._filter(exporter, year)
        rows = self.backend.execute(
            "SELECT exporter_key, year, transfers, personal_summed, distinct_subjects, sensitive FROM totals"
            f"{where} ORDER BY exporter_key, year",
            params,
        )
        return [_totals(row) for row in rows]

    def totals_for(self, key: str, year: int) -> Totals:
        """One exporter's totals for one year (zeros when nothing was recorded)."""
        rows = self.backend.execute(
            "SELECT exporter_key, year, transfers, personal_summed, distinct_subjects, sensitive FROM totals "
            "WHERE exporter_key = ? AND year = ?",
            (key, year),
        )
        return _totals(rows[0]) if rows else Totals(key, year, 0, 0, 0, 0, 0, True)

    def records(self, exporter: str | None = None, year: int | None = None) -> list[TransferRecord]:
        """Every record (transfers and voids) in id order, optionally of one exporter and year."""
        where, params = self._filter(exporter, year)
        rows = self.backend.execute(f"SELECT {_RECORD_COLUMNS} FROM transfers{where} ORDER BY id", params)
        return [_record(row) for row in rows]

    def record_by_id(self, number: int) -> TransferRecord | None:
        rows = self.backend.execute(f"SELECT {_RECORD_COLUMNS} FROM transfers WHERE id = ?", (number,))
        return _record(rows[0]) if rows else None

    def log(self, since: str | None = None, until: str | None = None) -> Iterator[LogEntry]:
        """Decision-log entries in order; `since`/`until` are dates (YYYY-MM-DD, inclusive) of `at`."""
        clauses: list[str] = []
        params: list[Any] = []
        if since:
            clauses.append("at >= ?")
            params.append(since)
        if until:
            clauses.append("at < ?")
            params.append((dt.date.fromisoformat(until) + dt.timedelta(days=1)).isoformat())
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        for row in self.backend.execute(f"SELECT {_LOG_COLUMNS} FROM decisions{where} ORDER BY seq", params):
            yield _entry(row)

    def verify_log(self) -> audit.Verification:
        """Check the whole stored log's hash chain."""
        return audit.verify((entry.to_dict() for entry in self.log()), where="entry")

    # ---- deciding ---------------------------------------------------------------------------

    def evaluate(
        self,
        rulebook: Rulebook,
        manifest: LoadedManifest,
        as_of: dt.date | None = None,
        lang: str = "en",
        record: bool = False,
        subjects: SubjectHashes | None = None,
    ) -> ManifestResult:
        """Decide `manifest` on the year's totals for its exporter plus this transfer; with `record`,
        record it when allowed. The decision is appended to the log in the same transaction."""
        return self.check(rulebook, manifest, as_of=as_of, lang=lang, record=record, subjects=subjects).result

    def check(
        self,
        rulebook: Rulebook,
        manifest: LoadedManifest,
        *,
        as_of: dt.date | None = None,
        lang: str = "en",
        record: bool = False,
        subjects: SubjectHashes | None = None,
    ) -> LedgerDecision:
        """`evaluate`, also telling which record was made (if any) and the log entry's number."""
        exporter = exporter_of(manifest.data)
        day = resolve_as_of(manifest.data, as_of)
        transfer_date: dt.date | None = manifest.data["transfer"]["date"]
        year = (transfer_date or day).year
        backend = self.backend
        backend.begin_write()
        try:
            existing = self._by_digest(manifest.digest)
            voided = False
            if existing is not None and self._voided(existing.id):
                if record:
                    raise _voided_digest(existing)
                existing, voided = None, True
            backend.execute("SAVEPOINT pending")
            if existing is not None:
                pending = existing
            else:
                # a voided manifest is decided as a new transfer; its digest stays with the voided record
                pending = self._insert_transfer(
                    exporter,
                    year,
                    transfer_date,
                    manifest,
                    subjects,
                    "check" if record else "check-only",
                    keep_digest=not voided,
                )
            view = self._view(exporter, year, pending.id)
            result = evaluate_manifest(rulebook, with_ledger_volumes(manifest, view), as_of=as_of, lang=lang)
            keep = existing is None and record and result.decision is Verdict.ALLOW
            if existing is None and not keep:
                backend.execute("ROLLBACK TO SAVEPOINT pending")
            backend.execute("RELEASE SAVEPOINT pending")
            made = pending if keep else None
            seq = self._append_log(
                rulebook_digest=rulebook.info.digest,
                manifest=manifest,
                as_of=result.as_of,
                decision=result.decision.value,
                rule_ids=tuple(reason.rule for reason in result.reasons),
                exporter_key=exporter.key,
                action="check-record" if record else "check",
                transfer_id=pending.id if (keep or existing is not None) else None,
            )
            backend.commit()
        except BaseException:
            backend.rollback()
            raise
        return LedgerDecision(result, made, seq, already_recorded=existing is not None)

    # ---- recording --------------------------------------------------------------------------

    def record(self, manifest: LoadedManifest, subjects: SubjectHashes | None = None) -> RecordOutcome:
        """Record an executed transfer (idempotent by manifest digest) and log it."""
        exporter = exporter_of(manifest.data)
        transfer_date: dt.date | None = manifest.data["transfer"]["date"]
        year = (transfer_date or resolve_as_of(manifest.data, None)).year
        self.backend.begin_write()
        try:
            existing = self._by_digest(manifest.digest)
            if existing is not None:
                if self._voided(existing.id):
                    raise _voided_digest(existing)
                self.backend.rollback()
                return RecordOutcome(existing, False)
            made = self._insert_transfer(exporter, year, transfer_date, manifest, subjects, "record")
            self._append_log(
                rulebook_digest="",
                manifest=manifest,
                as_of=None,
                decision="recorded",
                rule_ids=(),
                exporter_key=exporter.key,
                action="record",
                transfer_id=made.id,
            )
            self.backend.commit()
        except BaseException:
            self.backend.rollback()
            raise
        return RecordOutcome(made, True)

    def void(self, number: int, reason: str) -> TransferRecord:
        """Add a record voiding transfer record `number` (never an update or delete) and log it."""
        if not reason.strip():
            raise LedgerError(
                tr("a void needs a reason"), code="E608", hint=tr("--reason 'sent twice by mistake'")
            )
        backend = self.backend
        backend.begin_write()
        try:
            target = self.record_by_id(number)
            if target is None or target.kind != "transfer":
                raise LedgerError(
                    tr(
                        "there is no transfer record #{number} in the ledger {ledger}",
                        number=number,
                        ledger=self.url,
                    ),
                    code="E608",
                    hint=tr("`gba-dataflow ledger show` lists the records"),
                )
            if self._voided(number):
                raise LedgerError(
                    tr("transfer record #{number} is voided already", number=number),
                    code="E608",
                    hint=tr("a record is voided once; `ledger show` lists the voids"),
                )
            before = self.totals_for(target.exporter_key, target.year)
            summed = before.personal_summed - (target.personal if target.subjects_hashed == 0 else 0)
            sensitive = before.sensitive - target.sensitive
            rows = backend.execute(
                "INSERT INTO transfers (kind, exporter_key, exporter_name, year, transfer_date, manifest_id, "
                "manifest_path, digest, personal, sensitive, subjects_hashed, voids, reason, source, "
                "recorded_at, personal_after, sensitive_after) "
                "VALUES ('void', ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, 'void', ?, 0, 0) RETURNING id",
                (
                    target.exporter_key,
                    target.exporter_name,
                    target.year,
                    target.transfer_date,
                    target.manifest_id,
                    target.manifest_path,
                    target.personal,
                    target.sensitive,
                    target.subjects_hashed,
                    number,
                    reason.strip(),
                    _now(),
                ),
            )
            void_id = int(rows[0][0])
            distinct = before.distinct_subjects
            if target.subjects_hashed:
                distinct = self._live_distinct(target.exporter_key, target.year)
            self._store_totals(
                target.exporter_key, target.year, before.transfers - 1, summed, distinct, sensitive
            )
            backend.execute(
                "DELETE FROM crossings WHERE exporter_key = ? AND year = ? AND "
                "((measure = 'personal' AND threshold > ?) OR (measure = 'sensitive' AND threshold > ?))",
                (target.exporter_key, target.year, summed + distinct, sensitive),
            )
            self._append_log(
                rulebook_digest="",
                manifest=None,
                as_of=None,
                decision="void",
                rule_ids=(),
                exporter_key=target.exporter_key,
                action="void",
                transfer_id=void_id,
                manifest_digest=target.digest,
            )
            backend.commit()
        except BaseException:
            backend.rollback()
            raise
        found = self.record_by_id(void_id)
        assert found is not None
        return found

    def import_csv(self, path: Path) -> list[TransferRecord]:
        """Record earlier transfers of the year from a CSV file, every row checked first (E607 with the
        line number), all in one transaction. Rows already imported (same content) are skipped."""
        rows = _read_import(path)
        made: list[TransferRecord] = []
        self.backend.begin_write()
        try:
            for exporter, day, personal, sensitive, reference, digest in rows:
                if self._by_digest(digest) is not None:
                    continue
                record = self._insert_row(
                    exporter, day.year, day, reference, str(path), digest, personal, sensitive, None, "import"
                )
                made.append(record)
            self.backend.commit()
        except BaseException:
            self.backend.rollback()
            raise
        return made

    # ---- inside a write transaction ---------------------------------------------------------

    def _filter(self, exporter: str | None, year: int | None) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if exporter:
            candidates = key_candidates(exporter)
            clauses.append(f"exporter_key IN ({', '.join('?' for _ in candidates)})")
            params.extend(candidates)
        if year is not None:
            clauses.append("year = ?")
            params.append(year)
        return (f" WHERE {' AND '.join(clauses)}" if clauses else ""), params

    def _by_digest(self, digest: str) -> TransferRecord | None:
        rows = self.backend.execute(f"SELECT {_RECORD_COLUMNS} FROM transfers WHERE digest = ?", (digest,))
        return _record(rows[0]) if rows else None

    def _voided(self, number: int) -> bool:
        return bool(self.backend.execute("SELECT COUNT(*) FROM transfers WHERE voids = ?", (number,))[0][0])

    def _insert_transfer(
        self,
        exporter: Exporter,
        year: int,
        day: dt.date | None,
        manifest: LoadedManifest,
        subjects: SubjectHashes | None,
        source: str,
        *,
        keep_digest: bool = True,
    ) -> TransferRecord:
        dataset = manifest.data["dataset"]
        return self._insert_row(
            exporter,
            year,
            day,
            manifest.data.get("id"),
            manifest.path,
            manifest.digest if keep_digest else None,
            int(dataset["subjects"]),
            int(dataset["sensitive_subjects"]),
            subjects,
            source,
        )

    def _insert_row(
        self,
        exporter: Exporter,
        year: int,
        day: dt.date | None,
        manifest_id: str | None,
        path: str | None,
        digest: str | None,
        personal: int,
        sensitive: int,
        subjects: SubjectHashes | None,
        source: str,
    ) -> TransferRecord:
        backend = self.backend
        before = self.totals_for(exporter.key, year)
        summed, distinct = before.personal_summed, before.distinct_subjects
        if subjects is None:
            summed += personal
        else:
            distinct += self._new_subjects(exporter.key, year, subjects.hashes)
        total_sensitive = before.sensitive + sensitive
        rows = backend.execute(
            "INSERT INTO transfers (kind, exporter_key, exporter_name, year, transfer_date, manifest_id, "
            "manifest_path, digest, personal, sensitive, subjects_hashed, voids, reason, source, "
            "recorded_at, personal_after, sensitive_after) "
            "VALUES ('transfer', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?, ?, ?) RETURNING id",
            (
                exporter.key,
                exporter.name,
                year,
                day.isoformat() if day else None,
                manifest_id,
                path,
                digest,
                personal,
                sensitive,
                len(subjects.hashes) if subjects else 0,
                source,
                _now(),
                summed + distinct,
                total_sensitive,
            ),
        )
        number = int(rows[0][0])
        if subjects is not None:
            backend.execute(
                "INSERT INTO subjects (transfer_id, exporter_key, year, hash) "
                "SELECT ?, ?, ?, hash FROM pending_subjects",
                (number, exporter.key, year),
            )
        self._store_totals(exporter.key, year, before.transfers + 1, summed, distinct, total_sensitive)
        for measure, old, new in (
            ("personal", before.personal, summed + distinct),
            ("sensitive", before.sensitive, total_sensitive),
        ):
            for threshold in THRESHOLDS[measure]:
                if old < threshold <= new:
                    backend.execute(
                        "INSERT INTO crossings (exporter_key, year, measure, threshold, record_id) "
                        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (exporter_key, year, measure, threshold) "
                        "DO UPDATE SET record_id = excluded.record_id",
                        (exporter.key, year, measure, threshold, number),
                    )
        found = self.record_by_id(number)
        assert found is not None
        return found

    def _new_subjects(self, key: str, year: int, hashes: Sequence[str]) -> int:
        """Put `hashes` in the session's `pending_subjects` table; how many no live record of the
        exporter's year holds yet."""
        backend = self.backend
        if backend.dialect == "sqlite":
            backend.execute("CREATE TEMP TABLE IF NOT EXISTS pending_subjects (hash TEXT PRIMARY KEY)")
        else:
            backend.execute(
                "CREATE TEMP TABLE IF NOT EXISTS pending_subjects (hash TEXT PRIMARY KEY) "
                "ON COMMIT DELETE ROWS"
            )
        backend.execute("DELETE FROM pending_subjects")
        if isinstance(backend, PostgresBackend):
            backend.copy_column("pending_subjects", "hash", hashes)
        else:
            backend.executemany("INSERT INTO pending_subjects (hash) VALUES (?)", ((h,) for h in hashes))
        rows = backend.execute(
            "SELECT COUNT(*) FROM pending_subjects p WHERE NOT EXISTS (SELECT 1 FROM subjects s "
            "WHERE s.exporter_key = ? AND s.year = ? AND s.hash = p.hash "
            "AND NOT EXISTS (SELECT 1 FROM transfers v WHERE v.voids = s.transfer_id))",
            (key, year),
        )
        return int(rows[0][0])

    def _live_distinct(self, key: str, year: int) -> int:
        rows = self.backend.execute(
            "SELECT COUNT(DISTINCT s.hash) FROM subjects s WHERE s.exporter_key = ? AND s.year = ? "
            "AND NOT EXISTS (SELECT 1 FROM transfers v WHERE v.voids = s.transfer_id)",
            (key, year),
        )
        return int(rows[0][0])

    def _store_totals(
        self, key: str, year: int, transfers: int, summed: int, distinct: int, sensitive: int
    ) -> None:
        self.backend.execute(
            "INSERT INTO totals "
            "(exporter_key, year, transfers, personal_summed, distinct_subjects, sensitive) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (exporter_key, year) DO UPDATE SET "
            "transfers = excluded.transfers, personal_summed = excluded.personal_summed, "
            "distinct_subjects = excluded.distinct_subjects, sensitive = excluded.sensitive",
            (key, year, transfers, summed, distinct, sensitive),
        )

    def _view(self, exporter: Exporter, year: int, pending_id: int) -> LedgerView:
        backend = self.backend
        recent = backend.execute(
            "SELECT t.id FROM transfers t WHERE t.exporter_key = ? AND t.year = ? AND t.kind = 'transfer' "
            "AND NOT EXISTS (SELECT 1 FROM transfers v WHERE v.voids = t.id) ORDER BY t.id DESC LIMIT ?",
            (exporter.key, year, RECENT),
        )
        crossings = backend.execute(
            "SELECT c.measure, c.threshold, c.record_id, t.manifest_id, t.transfer_date FROM crossings c "
            "JOIN transfers t ON t.id = c.record_id WHERE c.exporter_key = ? AND c.year = ? "
            "ORDER BY c.measure, c.threshold",
            (exporter.key, year),
        )
        return LedgerView(
            exporter,
            year,
            self.totals_for(exporter.key, year),
            self.totals_for(exporter.key, year - 1),
            tuple(sorted(int(row[0]) for row in recent)),
            tuple(Crossing(str(m), int(t), int(r), i, d) for m, t, r, i, d in crossings),
            pending_id,
        )

    def _append_log(
        self,
        *,
        rulebook_digest: str,
        manifest: LoadedManifest | None,
        as_of: dt.date | None,
        decision: str,
        rule_ids: tuple[str, ...],
        exporter_key: str | None,
        action: str,
        transfer_id: int | None,
        manifest_digest: str | None = None,
    ) -> int:
        rows = self.backend.execute("SELECT seq, hash FROM decisions ORDER BY seq DESC LIMIT 1")
        seq, prev = (int(rows[0][0]) + 1, str(rows[0][1])) if rows else (1, GENESIS)
        body: dict[str, Any] = {
            "seq": seq,
            "at": _now(),
            "tool_version": __version__,
            "rules_digest": rulebook_digest,
            "manifest_digest": manifest.digest if manifest is not None else manifest_digest,
            "manifest_path": manifest.path if manifest is not None else None,
            "manifest_id": manifest.data.get("id") if manifest is not None else None,
            "as_of": as_of.isoformat() if as_of else None,
            "decision": decision,
            "rule_ids": list(rule_ids),
            "exporter_key": exporter_key,
            "action": action,
            "transfer_id": transfer_id,
            "prev": prev,
        }
        body["hash"] = audit.entry_hash(body)
        values = [body[name] for name in audit.FIELDS]
        values[audit.FIELDS.index("rule_ids")] = json.dumps(list(rule_ids))
        self.backend.execute(
            f"INSERT INTO decisions ({_LOG_COLUMNS}) VALUES ({', '.join('?' for _ in audit.FIELDS)})", values
        )
        return seq


def _totals(row: Sequence[Any]) -> Totals:
    key, year, transfers, summed, distinct, sensitive = row
    return Totals(
        str(key),
        int(year),
        int(transfers),
        int(summed) + int(distinct),
        int(sensitive),
        int(distinct),
        int(summed),
        int(summed) == 0,
    )


def _record(row: Sequence[Any]) -> TransferRecord:
    values = list(row)
    for index in (0, 4, 9, 10, 11):
        values[index] = int(values[index])
    values[12] = int(values[12]) if values[12] is not None else None
    return TransferRecord(*values)


def _entry(row: Sequence[Any]) -> LogEntry:
    values = dict(zip(audit.FIELDS, row, strict=True))
    values["rule_ids"] = tuple(json.loads(values["rule_ids"]))
    values["seq"] = int(values["seq"])
    if values["transfer_id"] is not None:
        values["transfer_id"] = int(values["transfer_id"])
    return LogEntry(**values)


def _voided_digest(record: TransferRecord) -> LedgerError:
    return LedgerError(
        tr(
            "this manifest was recorded as #{number} and then voided; it cannot be recorded again unchanged",
            number=record.id,
        ),
        code="E608",
        hint=tr("give the corrected transfer its own manifest (e.g. a new id)"),
    )


def _read_import(path: Path) -> list[tuple[Exporter, dt.date, int, int, str | None, str]]:
    """Every row of an import file, checked; E607 naming the line of the first bad row."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise LedgerError(
            tr(
                "cannot read `{path}`: {reason}",
                path=str(path),
                reason=str(getattr(error, "strerror", None) or error),
            ),
            code="E607",
            hint=tr("a UTF-8 CSV file with a header row"),
        ) from None
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    missing = [name for name in IMPORT_COLUMNS if name not in header]
    unknown = [name for name in header if name not in IMPORT_COLUMNS + IMPORT_OPTIONAL]
    if missing or unknown:
        message = (
            tr("{path}:1: the header is wrong: missing {columns}", path=str(path), columns=", ".join(missing))
            if missing
            else tr(
                "{path}:1: the header is wrong: unknown column {columns}",
                path=str(path),
                columns=", ".join(unknown),
            )
        )
        raise LedgerError(
            message,
            code="E607",
            hint=tr(
                "columns: {required} and optionally {optional}",
                required=", ".join(IMPORT_COLUMNS),
                optional=", ".join(IMPORT_OPTIONAL),
            ),
        )
    found: list[tuple[Exporter, dt.date, int, int, str | None, str]] = []
    for row in reader:
        line = reader.line_num

        def bad_row(message: str, hint: str, line: int = line) -> LedgerError:
            # `message` is a phrase, or the manifests' own text of a registration number's problem
            return LedgerError(
                tr("{path}:{line}: {row_problem}", path=str(path), line=line, row_problem=message),
                code="E607",
                hint=hint,
            )

        if None in row or any(row.get(name) is None for name in IMPORT_COLUMNS):
            raise bad_row(tr("the row does not have one value per column"), tr("check the commas and quotes"))
        name = (row["exporter_name"] or "").strip()
        if not name:
            raise bad_row(tr("exporter_name is empty"), tr("the exporter's legal name"))
        try:
            day = dt.date.fromisoformat((row["date"] or "").strip())
        except ValueError:
            raise bad_row(
                tr("date `{value}` is not a YYYY-MM-DD calendar date", value=row["date"]),
                tr("e.g. 2026-03-01"),
            ) from None
        counts: list[int] = []
        for column in ("personal", "sensitive"):
            value = (row[column] or "").strip()
            if not value.isdigit():
                raise bad_row(
                    tr("{column} `{value}` is not a whole number >= 0", column=column, value=value),
                    tr("individuals, e.g. 1200"),
                )
            counts.append(int(value))
        if counts[1] > counts[0]:
            raise bad_row(
                tr(
                    "sensitive ({sensitive:,}) is more than personal ({personal:,})",
                    sensitive=counts[1],
                    personal=counts[0],
                ),
                tr("individuals with sensitive data are counted among all the individuals"),
            )
        region = (row.get("region") or "").strip() or "CN-GD"
        number = (row.get("registration_number") or "").strip()
        if number:
            problem = registration_problem(number, region)
            if problem is not None:
                raise bad_row(problem, tr("the exporter's registration number, as in manifests"))
            prefix = {"uscc": "uscc", "hk-br": "hk-br", "mo-cr": "mo-cr"}.get(
                registration_kind(region), "reg"
            )
            exporter = Exporter(f"{prefix}:{number}", name, False)
        else:
            exporter = Exporter(f"name:{normalised_name(name)}", name, True)
        reference = (row.get("reference") or "").strip() or None
        canonical = json.dumps([exporter.key, day.isoformat(), counts, reference], separators=(",", ":"))
        found.append(
            (exporter, day, counts[0], counts[1], reference, "csv:" + sha256(canonical.encode()).hexdigest())
        )
    return found


def open_ledger(url: str, *, migrate_schema: bool = True, check_schema: bool = True) -> Ledger:
    """Open the ledger at `url` (`sqlite:///PATH`, `sqlite:PATH`, `postgresql://...`), migrating its schema
    on first use. Raises LedgerError (E601-E604) when it cannot be used: never a half-open ledger."""
    backend = connect(url)
    try:
        ledger = Ledger(backend)
        if check_schema and installed_version(backend) != LATEST:
            if not migrate_schema:
                raise LedgerError(
                    tr("the ledger {ledger} is not migrated", ledger=ledger.url),
                    code="E604",
                    hint=_MIGRATE_HINT,
                )
            ledger.migrate()
    except BaseException:
        backend.close()
        raise
    return ledger
