"""Time and memory of the attack inputs of issue 19 (docs/security.md): each must be decided or refused in
under 1 s and 200 MB. Each input runs as `gba-dataflow check` (or `rules check`) in a process of its own,
after one warm-up run that fills the disk cache; wall clock and the process's own peak RSS are printed.

    python benchmarks/bench_attacks.py [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import common

EXAMPLE = common.REPO / "examples" / "manifests" / "shenzhen-bank-gba-contract-to-hk.yaml"
RULE_HEAD = "ruleset r\nrule a\n  deny when "
RULE_TAIL = '\n  because "core"\n  cite "DSL, Art. 21"\n'
MEASURED = """
import resource, sys
from gba_dataflow.cli.main import run
sys.argv = ["gba-dataflow", *sys.argv[1:]]
code = run()
sys.stdout.flush()
try:  # this program's own peak (ru_maxrss keeps the peak of the process it was forked from, over exec)
    with open("/proc/self/status") as status:
        peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
except (OSError, StopIteration):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
sys.stderr.write(f"\\npeak-kib {peak}\\n")
raise SystemExit(code)
"""


def manifest_inputs() -> dict[str, Callable[[], str]]:
    def keys(count: int) -> str:
        body = "\n".join(f"k{index}: 1" for index in range(count))
        return f"apiVersion: gba-dataflow/v1\nkind: TransferManifest\n{body}\n"

    return {
        "1 MB YAML [y, y, ...]": lambda: "[" + ", ".join(["y"] * 333_332) + "]",
        "1 MB YAML {y: 1, ...}": lambda: (
            "{" + ", ".join(f"y{i}: 1" for i in range(90_000))[:999_000].rsplit(",", 1)[0] + "}"
        ),
        "87k unknown keys": lambda: keys(87_000),
        "4,990 unknown keys (under the node limit)": lambda: keys(4_990),
        "1 MB JSON list": lambda: json.dumps(["y"] * 150_000),
    }


def rule_inputs() -> dict[str, str]:
    return {
        "50,000 `or` operands": " or ".join(["dataset.core_data"] * 50_000),
        "4,500 `or` operands (under the size limit)": " or ".join(["dataset.core_data"] * 4_500),
        "1,000 nested `not`": "not " * 1_000 + "dataset.core_data",
        "4,301-digit number": "dataset.subjects > " + "9" * 4_301,
        "as_of + 99999999999999999999 days": "transfer.date > as_of + 99999999999999999999 days",
        "309-digit float": "dataset.subjects > 1" + "0" * 308 + ".5",
    }


def measure(args: list[str], runs: int) -> tuple[float, int, int]:
    """Median wall seconds, the largest peak RSS (KiB) and the exit code of `runs` runs."""
    times, peaks, code = [], [], 0
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", MEASURED, *args],
            capture_output=True,
            env=common.command_env(),
            check=False,
        )
        times.append(time.perf_counter() - start)
        last = done.stderr.decode("utf-8", "replace").rstrip().splitlines()[-1]
        peaks.append(int(last.split()[1]) if last.startswith("peak-kib ") else -1)
        code = done.returncode
    return statistics.median(times), max(peaks), code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    rows: list[tuple[str, float, int, int]] = []
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        measure(["check", str(EXAMPLE)], 1)  # warm-up: the disk cache of the shipped rules
        for name, make in manifest_inputs().items():
            path = work / "attack.json" if "JSON" in name else work / "attack.yaml"
            path.write_text(make(), encoding="utf-8")
            rows.append((f"manifest: {name}", *measure(["check", str(path)], options.runs)))
        for name, condition in rule_inputs().items():
            rules = work / f"rules-{len(rows)}"
            rules.mkdir()
            (rules / "r.rules").write_text(RULE_HEAD + condition + RULE_TAIL, encoding="utf-8")
            rows.append((f"rules: {name}", *measure(["rules", "check", str(rules)], options.runs)))
    print(f"{'input':<52} {'wall s':>7} {'peak MiB':>9} {'exit':>5}")
    for name, seconds, peak, code in rows:
        print(f"{name:<52} {seconds:7.2f} {peak / 1024:9.1f} {code:5}")
    worst_time = max(row[1] for row in rows)
    worst_peak = max(row[2] for row in rows) / 1024
    verdict = "PASS" if worst_time < 1 and worst_peak < 200 else "FAIL"
    print(f"worst: {worst_time:.2f} s, {worst_peak:.1f} MiB (target < 1 s and < 200 MB): {verdict}")


if __name__ == "__main__":
    main()
