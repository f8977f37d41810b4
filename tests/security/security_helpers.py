"""Helpers of the attack tests: run the installed command in a subprocess, bounded in time and memory."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "manifests"
ALLOWED = EXAMPLES / "shenzhen-bank-gba-contract-to-hk.yaml"
DENIED = EXAMPLES / "important-data-refused.yaml"
MEMORY_LIMIT = 1024 * 1024 * 1024
"""Address space of a command under test: a run that needs more fails instead of swapping the machine."""


@dataclass(frozen=True, slots=True)
class Ran:
    """What a command did."""

    code: int
    out: bytes
    err: str
    seconds: float
    peak_kib: int
    """The process's own peak resident memory (VmHWM), -1 when not measured."""


def command() -> list[str]:
    script = Path(sys.executable).with_name("gba-dataflow")
    return [str(script)] if script.exists() else [sys.executable, "-m", "gba_dataflow"]


def environment(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "GITHUB_STEP_SUMMARY"}
    env.update({"NO_COLOR": "1", "COLUMNS": "100", **extra})
    return env


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_command(
    *args: str | Path,
    cwd: Path | None = None,
    timeout: float = 60,
    env: dict[str, str] | None = None,
    stdin: bytes | None = None,
) -> Ran:
    """Run `gba-dataflow ARGS` with a memory limit and a timeout; its exit code and output (peak memory
    is not measured here: `run_measured`)."""
    start = time.perf_counter()
    done = subprocess.run(
        [*command(), *map(str, args)],
        cwd=cwd,
        env=env or environment(),
        input=stdin if stdin is not None else b"",
        capture_output=True,
        timeout=timeout,
        preexec_fn=_limit,
        check=False,
    )
    seconds = time.perf_counter() - start
    return Ran(done.returncode, done.stdout, done.stderr.decode("utf-8", "replace"), seconds, -1)


_MEASURED = """
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


def run_measured(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None) -> Ran:
    """Run the command line in a Python process of its own, under a memory limit, a CPU limit and a
    timeout (guards against a hang or a runaway, not timings), and read its own peak memory."""

    def limits() -> None:
        _limit()
        resource.setrlimit(resource.RLIMIT_CPU, (30, 30))

    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _MEASURED, *map(str, args)],
        cwd=cwd,
        env=env or environment(),
        input=b"",
        capture_output=True,
        timeout=60,
        preexec_fn=limits,
        check=False,
    )
    seconds = time.perf_counter() - start
    err = done.stderr.decode("utf-8", "replace")
    lines = err.rstrip().splitlines()
    peak = int(lines[-1].split()[1]) if lines and lines[-1].startswith("peak-kib ") else -1
    return Ran(done.returncode, done.stdout, "\n".join(lines[:-1]), seconds, peak)
