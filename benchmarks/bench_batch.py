"""Batch throughput and memory of the installed `gba-dataflow check` (design §9).

Writes N generated YAML manifests (benchmarks/generate.py, seeded) to a temporary directory, then runs

    gba-dataflow check DIR --rules <repo>/rules --format json --output OUT [--jobs J]

as a subprocess and reports, per run: manifests/s end to end (wall clock of the whole command: start-up,
rules, reading, deciding, writing the JSON report), the peak RSS of the largest process (its VmHWM, read
from /proc every 20 ms: the peak since its exec), and the peak RSS of the whole process tree (the command and
its workers, summed from /proc). The JSON report is checked: every manifest decided, none in error.

With --big it also checks 100,000 manifests (the facts of the 10,000 repeated, each with its own id and file)
and reports memory flatness: peak RSS at 100,000 against 10,000, with --jobs 1. That takes a few minutes.

    python benchmarks/bench_batch.py [--n 10000] [--jobs 1 2] [--repeat 1] [--big] [--json FILE]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import common
import generate

BIG_N = 100_000
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


@dataclass
class Run:
    n: int
    jobs: int
    wall: float
    exit_code: int
    maxrss_mib: float  # largest single process: its VmHWM (wait4's ru_maxrss without /proc)
    tree_mib: float  # whole process tree, sampled; 0 when /proc is not there
    cpu: float  # user + system seconds of the process tree
    summary: dict[str, int]

    @property
    def rate(self) -> float:
        return self.n / self.wall


def command() -> list[str]:
    """The installed console script next to this interpreter, else `python -m gba_dataflow`."""
    script = Path(sys.executable).with_name("gba-dataflow")
    return [str(script)] if script.exists() else [sys.executable, "-m", "gba_dataflow"]


def has_jobs_option() -> bool:
    shown = subprocess.run([*command(), "check", "--help"], capture_output=True, text=True, check=False)
    return "--jobs" in shown.stdout


class TreeSampler(threading.Thread):
    """Peak of the summed RSS of a process and its descendants, each one's own peak RSS (VmHWM), and the
    CPU time of each descendant, read from /proc every `interval` s. (Workers started through
    multiprocessing's forkserver are not children of the command, so `wait4` does not count their CPU
    time.)"""

    def __init__(self, pid: int, interval: float = 0.02) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.interval = interval
        self.peak = 0
        self.hwm: dict[int, int] = {}
        self.cpu: dict[int, float] = {}
        self.done = threading.Event()

    def tree(self, pid: int) -> list[int]:
        found = [pid]
        try:
            with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as handle:
                for child in handle.read().split():
                    found.extend(self.tree(int(child)))
        except OSError:
            pass
        return found

    @staticmethod
    def rss(pid: int) -> int:
        try:
            with open(f"/proc/{pid}/statm", encoding="ascii") as handle:
                return int(handle.read().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            return 0

    @staticmethod
    def high_water(pid: int) -> int:
        """The process's peak RSS since its exec (VmHWM), in bytes; 0 when unknown."""
        try:
            with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as handle:
                for line in handle:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1]) * 1024
        except (OSError, IndexError, ValueError):
            pass
        return 0

    @staticmethod
    def cpu_seconds(pid: int) -> float | None:
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime
        except (OSError, IndexError, ValueError):
            return None

    def run(self) -> None:
        while not self.done.is_set():
            pids = self.tree(self.pid)
            self.peak = max(self.peak, sum(self.rss(pid) for pid in pids))
            for pid in pids:
                self.hwm[pid] = max(self.hwm.get(pid, 0), self.high_water(pid))
                seconds = self.cpu_seconds(pid)
                if seconds is not None:
                    self.cpu[pid] = max(seconds, self.cpu.get(pid, 0.0))
            self.done.wait(self.interval)


def check_once(directory: Path, n: int, jobs: int | None, out: Path) -> Run:
    argv = [*command(), "check", str(directory), "--rules", str(common.SHIPPED_RULES), "--format", "json"]
    argv += ["--output", str(out)]
    if jobs is not None:
        argv += ["--jobs", str(jobs)]
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
        child.returncode = os.waitstatus_to_exitcode(status)
        sampler.done.set()
        errors.seek(0)
        stderr = errors.read().decode("utf-8", "replace")
    if child.returncode not in (0, 1):
        common.fail(f"`{' '.join(argv)}` exited {child.returncode}:\n{stderr[-2000:]}")
    summary = read_summary(out)
    if summary.get("error", 0) or summary.get("allow", 0) + summary.get("deny", 0) != n:
        common.fail(f"the JSON report of {n:,} manifests has the summary {summary}")
    sampler.join()
    # wait4 is exact but counts only the descendants the command reaped itself; the sampled sum counts the
    # whole tree but misses each process's last interval. Keep the larger.
    cpu = max(usage.ru_utime + usage.ru_stime, sum(sampler.cpu.values()))
    # The largest process's peak: VmHWM, which starts afresh at exec. wait4's ru_maxrss does not: Linux
    # carries into it the high-water mark of the memory the child had before exec, a copy of this
    # (benchmark) process, which holds the generated corpus. Without /proc, ru_maxrss is all there is.
    largest = max(sampler.hwm.values(), default=0) / 2**20 or usage.ru_maxrss / 1024
    return Run(n, jobs or 1, wall, child.returncode, largest, sampler.peak / 2**20, cpu, summary)


def warm_up(directory: Path) -> None:
    """One untimed run on a single manifest (its bytecode written, the rules cache filled), as a user's
    installed command would have them."""
    first = min(directory.glob("*.yaml"))
    argv = [*command(), "check", str(first), "--rules", str(common.SHIPPED_RULES), "--format", "json"]
    subprocess.run(argv, capture_output=True, env=common.command_env(), check=False)


def read_summary(report: Path) -> dict[str, int]:
    """The `summary` object at the end of the JSON report, without loading the whole (large) file."""
    with report.open("rb") as handle:
        handle.seek(max(0, report.stat().st_size - 4096))
        tail = handle.read().decode("utf-8", "replace")
    found = re.search(r'"summary"\s*:\s*(\{[^{}]*\})', tail)
    if not found:
        common.fail(f"no summary at the end of {report}")
        raise AssertionError  # unreachable: fail() exits
    pairs = re.findall(r'"(\w+)"\s*:\s*(\d+)', found.group(1))
    return {key: int(value) for key, value in pairs}


def show(run: Run, label: str) -> None:
    print(
        f"  {label}: {run.n:,} manifests in {run.wall:.2f} s (CPU {run.cpu:.2f} s) = {run.rate:,.0f} "
        f"manifests/s; peak RSS {run.maxrss_mib:.0f} MiB (largest process), "
        f"{run.tree_mib:.0f} MiB (process tree); "
        f"exit {run.exit_code}, {run.summary}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=generate.DEFAULT_N, help="manifests (default 10,000)")
    parser.add_argument("--seed", type=int, default=generate.DEFAULT_SEED, help="generator seed (default 6)")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2], help="--jobs values (default 1 2)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per --jobs value; the median is kept")
    parser.add_argument(
        "--big", action="store_true", help=f"also check {BIG_N:,} manifests (memory flatness)"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]

    print(f"machine: {common.machine_line()}")
    print(f"command: {' '.join(command())} check DIR --rules rules --format json --output FILE [--jobs J]")
    jobs_values: list[int | None] = list(args.jobs)
    if not has_jobs_option():
        print("note: `check` has no --jobs option: one run without it")
        jobs_values = [None]

    figures: dict[str, Any] = {"n": args.n, "runs": []}
    best: dict[int, Run] = {}
    with tempfile.TemporaryDirectory(prefix="gba-bench-batch-") as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        generate.write_manifests(root / "manifests", args.n, args.seed)
        print(f"setup: wrote {args.n:,} YAML manifests in {time.perf_counter() - started:.1f} s")
        warm_up(root / "manifests")
        for jobs in jobs_values:
            runs = [
                check_once(root / "manifests", args.n, jobs, root / "report.json") for _ in range(args.repeat)
            ]
            runs.sort(key=lambda r: r.wall)
            kept = runs[len(runs) // 2]
            best[kept.jobs] = kept
            show(kept, f"--jobs {kept.jobs}" if jobs is not None else "default")
            figures["runs"].append(vars(kept) | {"rate": round(kept.rate, 1)})
        big: Run | None = None
        if args.big:
            started = time.perf_counter()
            generate.write_manifests(root / "big", BIG_N, args.seed, distinct=args.n)
            print(f"setup: wrote {BIG_N:,} YAML manifests in {time.perf_counter() - started:.1f} s")
            big_jobs = None if jobs_values == [None] else 1
            big = check_once(root / "big", BIG_N, big_jobs, root / "big.json")
            show(big, f"{BIG_N:,}, " + ("default" if big_jobs is None else "--jobs 1"))
            figures["big"] = vars(big) | {"rate": round(big.rate, 1)}

    targets = make_targets(best, big)
    print()
    print(common.targets_table(targets))
    common.write_json(args.json, "bench_batch", figures, targets)
    return 0


def make_targets(best: dict[int, Run], big: Run | None) -> list[common.Target]:
    two = best.get(2) or max(best.values(), key=lambda r: r.rate)
    targets = [
        common.Target(
            f"check {two.n:,} YAML → JSON, --jobs {two.jobs}",
            "≥ 2,000 manifests/s",
            f"{two.rate:,.0f} manifests/s",
            two.rate >= 2000,
        )
    ]
    if 1 in best and two.jobs != 1:
        one = best[1]
        targets.append(
            common.Target(
                f"check {one.n:,} YAML → JSON, --jobs 1",
                "(for reference)",
                f"{one.rate:,.0f} manifests/s",
                None,
            )
        )
    base = best.get(1)
    if big is not None and base is not None:
        ratio = big.maxrss_mib / base.maxrss_mib
        targets.append(
            common.Target(
                f"peak RSS {big.n:,} vs {base.n:,} manifests (--jobs 1)",
                "≤ 1.5×",
                f"{ratio:.2f}× ({big.maxrss_mib:.0f} vs {base.maxrss_mib:.0f} MiB)",
                ratio <= 1.5,
            )
        )
    else:
        targets.append(
            common.Target("peak RSS 100,000 vs 10,000 manifests", "≤ 1.5×", "not run (use --big)", None)
        )
    return targets


if __name__ == "__main__":
    raise SystemExit(main())
