"""The ledger (design §9): cumulative totals with 1,000,000 recorded transfers, and check-and-record
throughput, on SQLite and on PostgreSQL.

1. Totals: a ledger holding 1,000,000 transfer records of one exporter in one year (the worst case for a
   sum: every row counts), filled in bulk with the rows `record` writes (generated in SQL: recording them
   one by one would take most of an hour and measure nothing more) and the matching `totals` row. Then
   the median of `--repeat` (default 500) reads of that exporter-year through `Ledger.totals(exporter,
   year)`, the call `ledger totals` and every check make. For comparison, the median of 5 plain
   `SUM(...)` over the same records: what the totals table saves.
2. check --record: `Ledger.check(..., record=True)` of `--n` (default 2,000) distinct, pre-loaded manifests
   (decide on the year's total, record when allowed, append the decision log, commit): alone, then split
   over 4 writer processes at once (aggregate decisions per second, wall clock from first to last).

3. Subjects: a transfer of `--subjects` (default 1,000,000) individuals recorded with their identifiers
   (`ledger record --subjects`): read the file, hash every identifier under the organisation key, store the
   hashes and count the distinct ones; wall clock of the whole, once (design: under a minute).

PostgreSQL runs when --postgres URL or GBA_DATAFLOW_TEST_POSTGRES_URL names a server (each run in a schema
of its own, dropped afterwards); else its rows are n/a.

    python benchmarks/bench_ledger.py [--n 2000] [--repeat 500] [--rows 1000000] [--postgres URL]
                                      [--json FILE]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import common

sys.path.insert(0, str(common.REPO / "tests" / "ledger"))

from ledger_helpers import USCC, make_manifest

from gba_dataflow import load_rulebook
from gba_dataflow.ledger import open_ledger

WRITERS = 4
TOTALS_TARGET_MS = 5.0
SQLITE_RECORD_TARGET = 500.0
FILL_SQLITE = """
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
INSERT INTO transfers (kind, exporter_key, exporter_name, year, transfer_date, manifest_id, manifest_path,
    digest, personal, sensitive, subjects_hashed, voids, reason, source, recorded_at, personal_after,
    sensitive_after)
SELECT 'transfer', ?, 'Example Retail', 2026, '2026-06-08', 'bulk-' || i, NULL, 'bulk:' || i, 3, 0, 0, NULL,
    NULL, 'import', '2026-06-08T00:00:00Z', 3 * i, 0 FROM n
"""
FILL_POSTGRES = """
INSERT INTO transfers (kind, exporter_key, exporter_name, year, transfer_date, manifest_id, manifest_path,
    digest, personal, sensitive, subjects_hashed, voids, reason, source, recorded_at, personal_after,
    sensitive_after)
SELECT 'transfer', %s, 'Example Retail', 2026, '2026-06-08', 'bulk-' || i, NULL, 'bulk:' || i, 3, 0, 0, NULL,
    NULL, 'import', '2026-06-08T00:00:00Z', 3 * i, 0 FROM generate_series(1, %s) AS i
"""


@contextmanager
def ledger_urls(postgres: str | None) -> Iterator[dict[str, str | None]]:
    """A fresh SQLite file and, when a server is given, a fresh PostgreSQL schema."""
    with tempfile.TemporaryDirectory(prefix="gba-ledger-bench-") as tmp:
        urls: dict[str, str | None] = {"sqlite": f"sqlite://{Path(tmp) / 'ledger.db'}", "postgresql": None}
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        if postgres:
            import psycopg

            with psycopg.connect(postgres, autocommit=True) as admin:
                admin.execute(f"CREATE SCHEMA {schema}")  # type: ignore[arg-type]
            separator = "&" if "?" in postgres else "?"
            urls["postgresql"] = f"{postgres}{separator}options={quote(f'-csearch_path={schema}', safe='')}"
        try:
            yield urls
        finally:
            if postgres:
                import psycopg

                with psycopg.connect(postgres, autocommit=True) as admin:
                    admin.execute(f"DROP SCHEMA {schema} CASCADE")  # type: ignore[arg-type]


def measure_totals(url: str, rows: int, repeat: int) -> dict[str, float]:
    key = f"uscc:{USCC}"
    with open_ledger(url) as ledger:
        started = time.perf_counter()
        backend = ledger.backend
        backend.begin_write()
        if backend.dialect == "sqlite":
            backend.execute(FILL_SQLITE, (rows, key))
        else:
            backend.connection.execute(FILL_POSTGRES, (key, rows))  # type: ignore[attr-defined]
        backend.execute(
            "INSERT INTO totals "
            "(exporter_key, year, transfers, personal_summed, distinct_subjects, sensitive) "
            "SELECT exporter_key, year, COUNT(*), SUM(personal), 0, SUM(sensitive) FROM transfers "
            "GROUP BY exporter_key, year"
        )
        backend.commit()
        if backend.dialect == "postgresql":
            backend.execute("ANALYZE")
        fill = time.perf_counter() - started
        [found] = ledger.totals(USCC, 2026)
        assert (found.transfers, found.personal) == (rows, 3 * rows), found
        for _ in range(20):
            ledger.totals(USCC, 2026)
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            ledger.totals(USCC, 2026)
            times.append(time.perf_counter() - started)
        sums = []
        for _ in range(5):
            started = time.perf_counter()
            backend.execute(
                "SELECT SUM(personal), SUM(sensitive) FROM transfers WHERE exporter_key = ? AND year = ?",
                (key, 2026),
            )
            sums.append(time.perf_counter() - started)
    return {"fill_s": fill, "totals_ms": common.median(times) * 1000, "sum_ms": common.median(sums) * 1000}


def check_record_loop(url: str, directory: Path, prefix: str, count: int) -> tuple[float, float]:
    """Wall-clock start and end (epoch seconds) of `count` check-and-records of distinct manifests,
    loaded before the clock starts."""
    rulebook = load_rulebook(None)
    manifests = [make_manifest(directory, f"{prefix}-{n}", 1) for n in range(count)]
    with open_ledger(url) as ledger:
        ledger.check(rulebook, make_manifest(directory, f"{prefix}-warm", 1), record=True)
        started = time.time()
        for manifest in manifests:
            ledger.check(rulebook, manifest, record=True)
        return started, time.time()


def measure_records(url: str, n: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="gba-ledger-manifests-") as tmp:
        first, last = check_record_loop(url, Path(tmp), "alone", n)
        alone = last - first
        share = n // WRITERS
        writers = [
            subprocess.Popen(
                [sys.executable, __file__, "--writer", url, tmp, f"writer{w}", str(share)],
                stdout=subprocess.PIPE,
                text=True,
            )
            for w in range(WRITERS)
        ]
        spans = []
        for writer in writers:
            out, _ = writer.communicate()
            if writer.returncode != 0:
                common.fail(f"a writer process failed (exit {writer.returncode})")
            spans.append([float(value) for value in out.split()])
        together = max(end for _, end in spans) - min(start for start, _ in spans)
    return {"alone_per_s": n / alone, "writers_per_s": share * WRITERS / together}


def measure_subjects(url: str, count: int) -> dict[str, float]:
    from gba_dataflow.ledger import hash_subjects

    with tempfile.TemporaryDirectory(prefix="gba-ledger-subjects-") as tmp:
        ids = Path(tmp) / "ids.txt"
        ids.write_text("".join(f"member-{n:09d}@example.com\n" for n in range(count)), encoding="utf-8")
        manifest = make_manifest(Path(tmp), "subjects", count)
        with open_ledger(url) as ledger:
            started = time.perf_counter()
            hashed = hash_subjects(ids, b"a benchmark organisation key....")
            hashing = time.perf_counter() - started
            ledger.record(manifest, hashed)
            total = time.perf_counter() - started
            [found] = ledger.totals(USCC, 2026)
            assert (found.personal, found.exact) == (count, True), found
    return {"hash_s": hashing, "total_s": total}


def totals_part(backend: str, url: str, args: argparse.Namespace) -> tuple[dict[str, float], common.Target]:
    print(f"{backend}: filling {args.rows:,} transfers ...", flush=True)
    totals = measure_totals(url, args.rows, args.repeat)
    print(
        f"  filled in {totals['fill_s']:.1f} s; totals {totals['totals_ms']:.3f} ms "
        f"(a plain SUM over the records: {totals['sum_ms']:.0f} ms)",
        flush=True,
    )
    return totals, common.Target(
        f"{backend}: totals, {args.rows:,} transfers",
        f"<= {TOTALS_TARGET_MS:g} ms",
        f"{totals['totals_ms']:.3f} ms",
        totals["totals_ms"] <= TOTALS_TARGET_MS,
    )


def records_part(backend: str, url: str, args: argparse.Namespace) -> tuple[dict[str, float], common.Target]:
    records = measure_records(url, args.n)
    print(
        f"{backend}: check --record {records['alone_per_s']:.0f}/s alone, "
        f"{records['writers_per_s']:.0f}/s with {WRITERS} writers",
        flush=True,
    )
    bar = SQLITE_RECORD_TARGET if backend == "sqlite" else None
    return records, common.Target(
        f"{backend}: check --record, alone / {WRITERS} writers",
        f">= {bar:g}/s" if bar else "(measured)",
        f"{records['alone_per_s']:.0f}/s / {records['writers_per_s']:.0f}/s",
        (records["alone_per_s"] >= bar and records["writers_per_s"] >= bar) if bar else None,
    )


def subjects_part(backend: str, url: str, args: argparse.Namespace) -> tuple[dict[str, float], common.Target]:
    subjects = measure_subjects(url, args.subjects)
    print(f"{backend}: {args.subjects:,} identifiers recorded in {subjects['total_s']:.1f} s", flush=True)
    return subjects, common.Target(
        f"{backend}: record {args.subjects:,} hashed identifiers",
        "< 60 s",
        f"{subjects['total_s']:.1f} s (hashing {subjects['hash_s']:.1f} s)",
        subjects["total_s"] < 60,
    )


PARTS = {"totals": totals_part, "records": records_part, "subjects": subjects_part}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=500)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--subjects", type=int, default=1_000_000)
    parser.add_argument("--parts", default="totals,records,subjects", help="comma-separated parts to run")
    parser.add_argument("--postgres", default=os.environ.get("GBA_DATAFLOW_TEST_POSTGRES_URL"))
    parser.add_argument("--json", type=Path)
    parser.add_argument("--writer", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.writer:  # one of the concurrent writers (a process of its own)
        url, directory, prefix, count = args.writer
        start, end = check_record_loop(url, Path(directory), prefix, int(count))
        print(start, end)
        return 0
    figures: dict[str, Any] = {}
    targets: list[common.Target] = []
    parts = [part for part in ("totals", "records", "subjects") if part in args.parts.split(",")]
    for backend in ("sqlite", "postgresql"):
        for part in parts:
            with ledger_urls(args.postgres) as urls:  # a fresh, empty ledger for each part
                url = urls[backend]
                if url is None:
                    targets.append(common.Target(f"{backend}: {part}", "(PostgreSQL not given)", "n/a", None))
                    continue
                found, target = PARTS[part](backend, url, args)
                figures[f"{backend}_{part}"] = found
                targets.append(target)
    print(common.targets_table(targets))
    common.write_json(args.json, "bench_ledger.py", figures, targets)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
