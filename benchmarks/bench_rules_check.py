"""`gba-dataflow rules check` of a large generated rule file, cold (a fresh process, nothing cached).

Writes one ruleset of N rules (default 5,000; seeded, so every run checks the same file) to a temporary
directory and times the installed command over it. The rules mix deny, allow and warn rules over the
manifest's fields, with `let`s, effective windows and translations; some allows repeat a deny's conjuncts, so
the shadowed-allow check (W212) has findings to report and candidates to compare. The figure goes in
benchmarks/README.md ("Issue 18"); the target is 3 s of wall-clock time. The command's CPU time is printed
too: on a machine other processes load, it is the steadier figure.

    python benchmarks/bench_rules_check.py [--n 5000] [--seed 18] [--repeat 3] [--out FILE] [--json FILE]
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import common

DEFAULT_N = 5_000
DEFAULT_SEED = 18
TARGET_S = 3.0

_BOOLS = [
    "dataset.important_data",
    "dataset.core_data",
    "dataset.foreign_origin_only",
    "exporter.ciio",
    "exporter.state_organ",
    "transfer.onward_transfer_outside_gba",
    "mechanisms.notice_given",
    "mechanisms.separate_consent",
    "hong_kong.prescribed_consent",
    "hong_kong.processor_contract",
]
_NUMBERS = [
    "dataset.subjects",
    "dataset.sensitive_subjects",
    "volume.personal_subjects_ytd",
    "volume.sensitive_subjects_ytd",
    "volume.processed_subjects_total",
]
_REGIONS = ["transfer.origin.region", "transfer.destination.region", "recipient.region", "exporter.region"]
_ENUMS = {
    "transfer.exemption": ["none", "contract", "hr", "emergency", "statutory_duty"],
    "mechanisms.security_assessment.status": ["none", "pending", "approved", "rejected"],
    "hong_kong.purpose": ["same", "directly_related", "new"],
}
_DATES = ["transfer.date", "mechanisms.standard_contract.effective_on", "mechanisms.pipia.completed_on"]


def _conjunct(rng: random.Random, lets: list[str]) -> str:
    kind = rng.randrange(13)
    if kind == 0:
        return rng.choice(_BOOLS)
    if kind == 1:
        return f"not {rng.choice(_BOOLS)}"
    if kind == 2:
        op = rng.choice(["<", "<=", ">", ">="])
        return f"{rng.choice(_NUMBERS)} {op} {rng.randrange(1, 1_000) * 1_000}"
    if kind == 3:
        op = rng.choice(["==", "!="])
        return f'{rng.choice(_REGIONS)} {op} "{rng.choice(["CN-GD", "HK", "MO", "SG"])}"'
    if kind == 4:
        path, values = rng.choice(sorted(_ENUMS.items()))
        return f'{path} == "{rng.choice(values)}"'
    if kind in (5, 7, 8, 9, 10, 11):
        path = rng.choice(_DATES)
        return f"{path} >= 20{rng.randrange(20, 27)}-0{rng.randrange(1, 10)}-{rng.randrange(10, 29)}"
    return rng.choice(lets)


def generate_rules(n: int = DEFAULT_N, seed: int = DEFAULT_SEED) -> str:
    """The text of one ruleset of `n` rules (deterministic for a seed)."""
    rng = random.Random(seed)
    out = [
        f"ruleset generated_{seed}",
        '  title "Generated rules" zh-Hans "生成的规则"',
        '  default because "Nothing permits it." zh-Hans "没有规则允许。"',
        '  default cite "Generated, Art. 1"',
        "",
    ]
    lets = [f"let_{index}" for index in range(20)]
    for name in lets:
        out.append(f"let {name} = {_conjunct(rng, [_BOOLS[0]])} and {_conjunct(rng, [_BOOLS[1]])}")
    out.append("")
    denies: list[list[str]] = []
    for index in range(n):
        effect = rng.choices(["deny", "allow", "warn"], weights=[4, 5, 1])[0]
        if effect == "allow" and denies and rng.random() < 0.05:  # shadowed: a deny's conjuncts and more
            parts = [*rng.choice(denies), _conjunct(rng, lets)]
        else:
            parts = [_conjunct(rng, lets) for _ in range(rng.randrange(2, 5))]
        if effect == "deny":
            denies.append(parts)
        out.append(f"rule r{index}_{effect}")
        if rng.random() < 0.2:
            out.append(
                f"  effective from 202{rng.randrange(0, 5)}-01-01 until 202{rng.randrange(5, 9)}-01-01"
            )
        out.append(f"  {effect} when " + "\n    and ".join(parts))
        out.append(f'  because "Rule {index} decides so." zh-Hans "规则 {index}。"')
        out.append(f'  cite "Generated, Art. {index + 1}"')
        if effect == "allow":
            out.append('  require "Keep the records."')
        out.append("")
    return "\n".join(out)


def _command() -> list[str]:
    installed = shutil.which("gba-dataflow", path=str(Path(sys.executable).parent))
    return [installed] if installed else [sys.executable, "-m", "gba_dataflow"]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=DEFAULT_N, help="rules (default 5,000)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="generator seed (default 18)")
    parser.add_argument("--repeat", type=int, default=3, help="runs; the median is reported (default 3)")
    parser.add_argument("--out", type=Path, help="also write the generated rule file here")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()
    text = generate_rules(args.n, args.seed)
    if args.out is not None:
        args.out.write_text(text, encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="gba-bench-rules-") as tmp:
        rules = Path(tmp) / "rules"
        rules.mkdir()
        (rules / "generated.rules").write_text(text, encoding="utf-8")
        env = common.command_env(GBA_DATAFLOW_CACHE_DIR="off")  # cold: nothing from the disk cache
        times: list[float] = []
        cpu: list[float] = []
        summary = ""
        for _ in range(args.repeat):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            done = subprocess.run(
                [*_command(), "rules", "check", "--format", "json", str(rules)],
                capture_output=True,
                text=True,
                env=env,
                check=False,
            )
            times.append(time.perf_counter() - started)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
            if done.returncode not in (0, 1):
                print(done.stderr, file=sys.stderr)
                return 2
            findings = done.stdout.count('"code"')
            summary = f"{findings:,} findings"
    median, cpu_median = statistics.median(times), statistics.median(cpu)
    print(
        f"rules check, {args.n:,} generated rules, cold: median {median:.2f} s of {args.repeat} ({summary})"
    )
    print(f"CPU time (user + system) of the command: median {cpu_median:.2f} s")
    figure = f"rules check, {args.n:,} generated rules, cold"
    targets = [
        common.Target(
            figure, f"≤ {TARGET_S:.0f} s", f"{median:.2f} s (CPU {cpu_median:.2f} s)", median <= TARGET_S
        )
    ]
    print()
    print(common.targets_table(targets))
    figures = {"wall_s": [round(t, 3) for t in times], "cpu_s": [round(t, 3) for t in cpu], "rules": args.n}
    common.write_json(args.json, "bench_rules_check", figures, targets)
    return 0


if __name__ == "__main__":
    sys.exit(main())
