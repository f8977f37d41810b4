"""Helpers shared by the benchmark scripts: machine description, tables, target rows, JSON results."""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
SHIPPED_RULES = REPO / "rules"
CORE_RULES = BENCH_DIR / "core"


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "-"


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable = os.cpu_count() or 0
    try:
        load = "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    except OSError:
        load = "-"
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "platform": platform.platform(terse=True),
        "load_average": load,
        "gba-dataflow": package_version("gba-dataflow"),
        "cedarpy": package_version("cedarpy"),
        "regopy": package_version("regopy"),
        "lark": package_version("lark"),
        "pyyaml": package_version("PyYAML"),
    }


def machine_line(info: dict[str, Any] | None = None) -> str:
    info = info or machine()
    return (
        f"{info['cpu']}, {info['cores']} cores ({info['usable_cores']} usable), {info['python']}, "
        f"{info['platform']}, load average {info['load_average']}; gba-dataflow {info['gba-dataflow']}, "
        f"cedarpy {info['cedarpy']}, regopy {info['regopy']}"
    )


@dataclass
class Target:
    """One design §9 target: what is measured, the bar, the figure, and whether the figure meets it."""

    figure: str
    target: str
    measured: str
    passed: bool | None  # None: not measured (an optional peer missing, a step skipped)

    @property
    def verdict(self) -> str:
        return {True: "PASS", False: "FAIL", None: "n/a"}[self.passed]


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], *, right: Sequence[int] = ()) -> str:
    """A plain-text table (monospace, Markdown-compatible pipes)."""
    cells = [[str(h) for h in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        parts = [
            c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        return "| " + " | ".join(parts) + " |"

    rule = (
        "|"
        + "|".join(("-" * (w + 1) + ":") if i in right else "-" * (w + 2) for i, w in enumerate(widths))
        + "|"
    )
    return "\n".join([line(cells[0]), rule, *(line(row) for row in cells[1:])])


def targets_table(targets: Sequence[Target]) -> str:
    return table(
        ["figure", "target", "measured", "result"],
        [(t.figure, t.target, t.measured, t.verdict) for t in targets],
    )


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def write_json(path: Path | None, script: str, figures: dict[str, Any], targets: Sequence[Target]) -> None:
    """Write the results for run_all.py (or any other consumer) when --json was given."""
    if path is None:
        return
    payload = {
        "script": script,
        "machine": machine(),
        "figures": figures,
        "targets": [asdict(t) | {"result": t.verdict} for t in targets],
    }
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8")


def fail(message: str) -> None:
    """Stop a benchmark loudly (exit status 3), e.g. when engines disagree."""
    print(f"\n*** BENCHMARK ABORTED: {message}", file=sys.stderr, flush=True)
    raise SystemExit(3)


def command_env(**extra: str) -> dict[str, str]:
    """The environment for a timed `gba-dataflow` subprocess: what an installed user's shell has.

    PYTHONDONTWRITEBYTECODE is dropped: pip compiles a package's bytecode when it installs it, so a
    user's command never compiles its own modules at start, but with that variable set (as on some
    CI images and sandboxes) an editable install would compile every module on every run. Run a
    command once untimed so its bytecode exists. PYTHONPROFILE* variables are dropped as well.
    """
    dropped = ("PYTHONDONTWRITEBYTECODE", "PYTHONPROFILE")
    return {k: v for k, v in os.environ.items() if not k.startswith(dropped)} | extra
