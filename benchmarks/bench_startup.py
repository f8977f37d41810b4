"""Cold start of `gba-dataflow check one.yaml`, and parse + static check of the shipped rules (design §9).

1. Cold start: the installed command checks one bundled example manifest, run as a subprocess from an
   empty directory (so it uses the ruleset shipped with the package, as a user would), `--runs` times
   (default 15) after one discarded run (which writes the bytecode and fills the on-disk cache of
   compiled rules, as a user's installed command has them; see `common.command_env`); median wall clock.
   Then the import profile of the same command (PYTHONPROFILEIMPORTTIME, median of 3 runs): the
   modules that cost most, by their own time and by cumulative time.
2. Rules, warm: in this process, after one warm-up, the median of `--repeat` (default 20) runs of what
   `gba-dataflow rules check` does with the shipped rules: parse every file and run every static check.
   Parse and check are also shown on their own, and `load_rulebook` as `check` calls it (parse, check and
   compile, or whatever cache of compiled rules the engine keeps).

    python benchmarks/bench_startup.py [--runs 15] [--repeat 20] [--json FILE]
"""

from __future__ import annotations

import argparse
import importlib
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import common

EXAMPLE = common.REPO / "examples" / "manifests" / "shenzhen-bank-gba-contract-to-hk.yaml"
TOP_IMPORTS = 12


def command() -> list[str]:
    script = Path(sys.executable).with_name("gba-dataflow")
    return [str(script)] if script.exists() else [sys.executable, "-m", "gba_dataflow"]


def child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cold_start(workdir: Path, runs: int) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds of each run but the first."""
    argv = [*command(), "check", "one.yaml"]
    times: list[float] = []
    cpus: list[float] = []
    for i in range(runs + 1):
        cpu = child_cpu()
        start = time.perf_counter()
        done = subprocess.run(argv, cwd=workdir, capture_output=True, env=common.command_env(), check=False)
        elapsed = time.perf_counter() - start
        cpu = child_cpu() - cpu
        if done.returncode not in (0, 1):
            common.fail(f"`{' '.join(argv)}` exited {done.returncode}:\n{done.stderr.decode()[-2000:]}")
        if i:  # the first run is discarded
            times.append(elapsed)
            cpus.append(cpu)
    return times, cpus


def import_profile(workdir: Path, runs: int = 3) -> tuple[list[tuple[str, float, float]], float]:
    """(module, own ms, cumulative ms), medians over `runs`, and the median total import time in ms."""
    own: dict[str, list[float]] = defaultdict(list)
    cumulative: dict[str, list[float]] = defaultdict(list)
    totals: list[float] = []
    argv = [*command(), "check", "one.yaml"]
    for _ in range(runs):
        env = common.command_env(PYTHONPROFILEIMPORTTIME="1")
        done = subprocess.run(argv, cwd=workdir, capture_output=True, env=env, check=False)
        total = 0.0
        for line in done.stderr.decode("utf-8", "replace").splitlines():
            if not line.startswith("import time:") or "[us]" in line:
                continue
            self_us, cum_us, name = line[len("import time:") :].split("|", 2)
            module = name.strip()
            own[module].append(int(self_us) / 1000)
            cumulative[module].append(int(cum_us) / 1000)
            total += int(self_us) / 1000
        totals.append(total)
    rows = [(m, statistics.median(own[m]), statistics.median(cumulative[m])) for m in own]
    return rows, statistics.median(totals) if totals else 0.0


def by_package(rows: list[tuple[str, float, float]]) -> list[tuple[str, float, int]]:
    """Own import time summed per top-level package: (package, ms, modules), costliest first."""
    ms: dict[str, float] = defaultdict(float)
    count: dict[str, int] = defaultdict(int)
    for module, own, _ in rows:
        root = module.split(".", 1)[0]
        ms[root] += own
        count[root] += 1
    return sorted(((p, ms[p], count[p]) for p in ms), key=lambda r: -r[1])


def timed(fn: Callable[[], Any], repeat: int) -> list[float]:
    fn()  # warm-up
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def rules_warm(repeat: int) -> dict[str, list[float]]:
    from gba_dataflow.dsl.checker import check_rulesets
    from gba_dataflow.engine.rulebook import load_rulebook, manifest_catalog, parse_rule_files, rule_files

    try:  # what `rules check` runs
        check_rule_paths = importlib.import_module("gba_dataflow.app.authoring").check_rule_paths
    except ImportError:  # an older tree: the same steps are spelled out below
        check_rule_paths = None

    dirs = [common.SHIPPED_RULES]
    files = rule_files(dirs)
    parsed = parse_rule_files(files)

    def parse_and_check() -> None:
        if check_rule_paths is not None:
            run = check_rule_paths(dirs)
            if run.errors:
                common.fail(f"the shipped rules have errors: {run.errors[:3]}")
        else:
            check_rulesets(parse_rule_files(rule_files(dirs)), manifest_catalog())

    return {
        "parse + static check (`rules check`)": timed(parse_and_check, repeat),
        "  parse only": timed(lambda: parse_rule_files(rule_files(dirs)), repeat),
        "  static checks only": timed(lambda: check_rulesets(parsed, manifest_catalog()), repeat),
        "load_rulebook (as `check` loads rules)": timed(lambda: load_rulebook(dirs), repeat),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=15, help="cold-start runs after the discarded one")
    parser.add_argument("--repeat", type=int, default=20, help="in-process repeats of the rules check")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]

    print(f"machine: {common.machine_line()}")
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="gba-bench-startup-") as tmp:
        workdir = Path(tmp)
        shutil.copy(EXAMPLE, workdir / "one.yaml")
        times, cpus = cold_start(workdir, args.runs)
        cold = statistics.median(times) * 1000
        cold_cpu = statistics.median(cpus) * 1000
        print(
            f"\ncold start: `gba-dataflow check one.yaml` ({EXAMPLE.name}), median of {len(times)} runs "
            f"(first discarded): {cold:.0f} ms (min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}); "
            f"CPU (user + system) {cold_cpu:.0f} ms"
        )
        rows, total = import_profile(workdir)
    by_self = sorted(rows, key=lambda r: -r[1])[:TOP_IMPORTS]
    packages = by_package(rows)[:TOP_IMPORTS]
    print(f"\nimports: {total:.0f} ms in all (median of 3 runs with PYTHONPROFILEIMPORTTIME)")
    print(
        common.table(
            ["module (by own time)", "own ms", "cumulative ms"],
            [(m, f"{s:.1f}", f"{c:.1f}") for m, s, c in by_self],
            right=(1, 2),
        )
    )
    print()
    print(
        common.table(
            ["package (own time of its modules)", "ms", "modules"],
            [(p, f"{t:.1f}", n) for p, t, n in packages],
            right=(1, 2),
        )
    )

    warm = rules_warm(args.repeat)
    print(
        f"\nshipped rules ({common.SHIPPED_RULES.relative_to(common.REPO)}), in process, warm, "
        f"median of {args.repeat}:"
    )
    print(
        common.table(
            ["step", "median ms", "min ms"],
            [(k, f"{statistics.median(v):.1f}", f"{min(v):.1f}") for k, v in warm.items()],
            right=(1, 2),
        )
    )
    check_ms = statistics.median(warm["parse + static check (`rules check`)"])

    figures = {
        "cold_start_ms": round(cold, 1),
        "cold_start_runs_ms": [round(t * 1000, 1) for t in times],
        "cold_start_cpu_ms": round(cold_cpu, 1),
        "imports_ms": round(total, 1),
        "imports_top_self": [(m, round(s, 1), round(c, 1)) for m, s, c in by_self],
        "imports_by_package": [(p, round(t, 1), n) for p, t, n in packages],
        "rules_warm_ms": {k.strip(): round(statistics.median(v), 2) for k, v in warm.items()},
    }
    targets = [
        common.Target("cold start: check one.yaml", "≤ 200 ms", f"{cold:.0f} ms", cold <= 200),
        common.Target(
            "shipped rules parse + static check, warm", "≤ 100 ms", f"{check_ms:.1f} ms", check_ms <= 100
        ),
    ]
    print()
    print(common.targets_table(targets))
    common.write_json(args.json, "bench_startup", figures, targets)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
