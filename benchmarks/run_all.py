"""Run every benchmark and print one table of the design §9 targets: target, measured, pass or fail.

Each script runs in its own process (so that no run warms another's caches or imports) and writes its
figures as JSON; the scripts' own output is shown as it comes. The default run takes about five minutes on
the 2-core dev machine; --big adds the 100,000-manifest memory run, --quick is a one-minute smoke run with
smaller inputs (its figures are not comparable).

    python benchmarks/run_all.py [--big] [--quick] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import common

SCRIPTS = (
    "bench_engines.py",
    "bench_batch.py",
    "bench_reports.py",
    "bench_startup.py",
    "bench_rules_check.py",
    "bench_ledger.py",
    "bench_service.py",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--big", action="store_true", help="also run the 100,000-manifest batch")
    parser.add_argument("--quick", action="store_true", help="small inputs, few rounds: a smoke run")
    parser.add_argument("--json", type=Path, help="write every script's figures to this JSON file")
    args = parser.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]

    extra: dict[str, list[str]] = {name: [] for name in SCRIPTS}
    if args.quick:
        extra["bench_engines.py"] += ["--n", "2000", "--rounds", "2"]
        extra["bench_batch.py"] += ["--n", "2000"]
        extra["bench_reports.py"] += ["--n", "2000"]
        extra["bench_startup.py"] += ["--runs", "5", "--repeat", "5"]
        extra["bench_service.py"] += ["--seconds", "1"]
        extra["bench_rules_check.py"] += ["--repeat", "1"]
        extra["bench_ledger.py"] += [
            "--n",
            "400",
            "--rows",
            "50000",
            "--repeat",
            "50",
            "--subjects",
            "100000",
        ]
    if args.big:
        extra["bench_batch.py"].append("--big")

    results: list[dict[str, Any]] = []
    failed: list[str] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="gba-bench-") as tmp:
        for name in SCRIPTS:
            out = Path(tmp) / (name + ".json")
            print(f"\n==== {name} {' '.join(extra[name])}".rstrip(), flush=True)
            done = subprocess.run(
                [sys.executable, str(common.BENCH_DIR / name), "--json", str(out), *extra[name]], check=False
            )
            if done.returncode != 0 or not out.exists():
                failed.append(f"{name} (exit {done.returncode})")
                continue
            results.append(json.loads(out.read_text(encoding="utf-8")))

    rows = [
        (result["script"], t["figure"], t["target"], t["measured"], t["result"])
        for result in results
        for t in result["targets"]
    ]
    print(f"\n==== summary ({time.perf_counter() - started:.0f} s)")
    print(f"machine: {common.machine_line()}")
    print(common.table(["script", "figure", "target", "measured", "result"], rows))
    if failed:
        print(f"\nnot measured: {', '.join(failed)}", file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
