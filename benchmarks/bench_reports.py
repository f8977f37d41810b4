"""Time and memory of `gba-dataflow check` writing each report of a large batch (issue 22: reports stream).

Writes N generated YAML manifests (benchmarks/generate.py, seeded; default 15,000) to a temporary directory,
then runs the installed command on them, each report written to a file (stdout to /dev/null):

- `--format json --output FILE` (the reference);
- `--format text` with `--jobs 1` and `--jobs 2` (the default report, as a person or a CI log reads it);
- the GitLab recipe of docs/ci.md: the text log plus `--report junit:FILE --report json:FILE`;
- `--format sarif --output FILE`.

For each: wall time, the peak RSS of the largest process (VmHWM) and of the whole process tree (sampled
from /proc, as bench_batch.py does). Targets: text within 2x the time of json and at most 150 MB peak;
`--jobs 2` never slower than `--jobs 1`; the GitLab recipe at most 150 MB too.

    python benchmarks/bench_reports.py [--n 15000] [--repeat 1] [--json FILE]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import common
import generate
from bench_batch import TreeSampler, command, warm_up

DEFAULT_N = 15_000
PEAK_MIB = 150 * 10**6 / 2**20  # 150 MB


@dataclass
class Measured:
    name: str
    wall: float
    largest_mib: float
    tree_mib: float
    exit_code: int


def measure(name: str, args: list[str], directory: Path) -> Measured:
    """Run `gba-dataflow check DIR --rules <repo>/rules ARGS` and sample its memory."""
    argv = [*command(), "check", str(directory), "--rules", str(common.SHIPPED_RULES), *args]
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        child = subprocess.Popen(
            argv, stdout=subprocess.DEVNULL, stderr=errors, cwd=directory.parent, env=common.command_env()
        )
        sampler = TreeSampler(child.pid)
        if Path("/proc").is_dir():
            sampler.start()
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        sampler.done.set()
        errors.seek(0)
        stderr = errors.read().decode("utf-8", "replace")
    if code not in (0, 1):
        common.fail(f"`{' '.join(argv)}` exited {code}:\n{stderr[-2000:]}")
    sampler.join()
    largest = max(sampler.hwm.values(), default=0) / 2**20 or usage.ru_maxrss / 1024
    return Measured(name, wall, largest, sampler.peak / 2**20, code)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=DEFAULT_N, help=f"manifests (default {DEFAULT_N:,})")
    parser.add_argument("--seed", type=int, default=generate.DEFAULT_SEED, help="generator seed")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each; the fastest is kept")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    print(f"machine: {common.machine_line()}")

    results: dict[str, Measured] = {}
    with tempfile.TemporaryDirectory(prefix="gba-bench-reports-") as tmp:
        root = Path(tmp)
        manifests = root / "manifests"
        started = time.perf_counter()
        generate.write_manifests(manifests, args.n, args.seed)
        print(f"setup: wrote {args.n:,} YAML manifests in {time.perf_counter() - started:.1f} s")
        warm_up(manifests)
        out = root / "out"
        runs = {
            "json": ["--format", "json", "--output", f"{out}.json"],
            "text --jobs 1": ["--format", "text", "--output", f"{out}.txt"],
            "text --jobs 2": ["--format", "text", "--output", f"{out}.txt", "--jobs", "2"],
            "gitlab recipe": [
                "--output",
                f"{out}.log",
                "--report",
                f"junit:{out}.xml",
                "--report",
                f"json:{out}.gl.json",
            ],
            "sarif": ["--format", "sarif", "--output", f"{out}.sarif"],
        }
        for name, extra in runs.items():
            kept = min((measure(name, extra, manifests) for _ in range(args.repeat)), key=lambda m: m.wall)
            results[name] = kept
            print(
                f"  {name}: {args.n:,} manifests in {kept.wall:.2f} s; peak RSS {kept.largest_mib:.0f} MiB "
                f"(largest process), {kept.tree_mib:.0f} MiB (process tree); exit {kept.exit_code}"
            )
        with open(f"{out}.txt", encoding="utf-8") as report:
            text_lines = sum(1 for _ in report)
        print(f"  the text report has {text_lines:,} lines")

    json_run, text, text2, gitlab = (
        results[k] for k in ("json", "text --jobs 1", "text --jobs 2", "gitlab recipe")
    )
    targets = [
        common.Target(
            f"text {args.n:,}: peak RSS (largest process)",
            "≤ 150 MB",
            f"{text.largest_mib * 2**20 / 10**6:.0f} MB",
            text.largest_mib <= PEAK_MIB,
        ),
        common.Target(
            f"text {args.n:,}: time against json",
            "≤ 2×",
            f"{text.wall / json_run.wall:.2f}× ({text.wall:.1f} vs {json_run.wall:.1f} s)",
            text.wall <= 2 * json_run.wall,
        ),
        common.Target(
            f"text {args.n:,}: --jobs 2 against --jobs 1",
            "not slower",
            f"{text2.wall:.1f} vs {text.wall:.1f} s",
            text2.wall <= text.wall * 1.05,  # within the noise of a shared machine
        ),
        common.Target(
            f"GitLab recipe {args.n:,} (text + junit + json): peak RSS",
            "≤ 150 MB",
            f"{gitlab.largest_mib * 2**20 / 10**6:.0f} MB in {gitlab.wall:.1f} s",
            gitlab.largest_mib <= PEAK_MIB,
        ),
    ]
    print()
    print(common.targets_table(targets))
    figures: dict[str, Any] = {"n": args.n, "runs": {name: vars(m) for name, m in results.items()}}
    common.write_json(args.json, "bench_reports", figures, targets)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
