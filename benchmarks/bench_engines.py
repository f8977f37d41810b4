"""Per-decision cost, in process: gba-dataflow against Cedar, Rego and a hand-written function (design §9).

The same eleven-rule ruleset (benchmarks/core/) in our DSL, in Cedar (cedarpy), in Rego v1 (regopy, compiled
bundle) and as a Python function (the floor). Steps:

1. Generate N manifests (seeded, benchmarks/generate.py) and load them with the strict loader; build each
   peer's requests from the loaded data (Cedar: request dicts with the context already serialised to JSON;
   Rego: `regopy.Input` terms). None of this is timed.
2. Prove that every engine agrees on every manifest: the decision and the determining rules (the deny rules
   that hold, else the allow rules that hold; none for a default deny or when the ruleset does not apply).
   Any disagreement, evaluation error, or branch of the ruleset that no manifest reaches stops the run.
3. Time every engine over all N manifests, engines alternating within each round (rotating the order),
   `--rounds` rounds (default 5); report the median per decision and the ratio to ours.
4. Check the answers again with the same pre-built requests (they must not be consumed by the runs).

    python benchmarks/bench_engines.py [--n 10000] [--seed 6] [--rounds 5] [--json FILE]
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import common
import generate
from floor import decide_floor
from peers import CEDAR_POLICIES, CORE_DIR, Verdict, load_peers

RULESET = "mainland_core"
RULE_IDS = (
    "important_data_without_assessment",
    "ciio_without_assessment",
    "sensitive_pi_without_consent",
    "security_assessment_required",
    "no_personal_or_important_data",
    "small_volume_exemption",
    "gba_standard_contract",
    "standard_contract",
    "security_assessment",
    "hong_kong_origin_purpose",
    "macao_origin_ground",
)
GBA_REGIONS = {"CN-GD", "HK", "MO"}
FLOOR = "hand-written Python (floor)"
OURS_FULL = "gba-dataflow evaluate_manifest (full explanation)"
OURS_FAST = "gba-dataflow decide (no explanation)"
CEDAR_CALL = "cedarpy is_authorized (per call)"
CEDAR_BATCH = "cedarpy is_authorized_batch (batches of --chunk)"
REGO_CALL = "regopy query_bundle_entrypoint (per call)"


Timer = Callable[[int], tuple[int, int]]
"""Decides chunk k of the timed inputs once; returns (wall, CPU) nanoseconds."""


@dataclass
class Engine:
    """One way of deciding: `run(k)` decides chunk k of the inputs; `answers()` decides them all."""

    name: str
    run: Timer
    answers: Callable[[], list[Verdict]]
    samples: list[float] = field(default_factory=list)  # wall µs per decision, one per round
    cpu_samples: list[float] = field(default_factory=list)  # CPU µs per decision, one per round

    @property
    def median(self) -> float:
        return common.median(self.samples)

    @property
    def cpu_median(self) -> float:
        return common.median(self.cpu_samples)


def chunked(items: Sequence[Any], size: int) -> list[Sequence[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def per_call(fn: Callable[[Any], Any], chunks: Sequence[Sequence[Any]]) -> Timer:
    def run(k: int) -> tuple[int, int]:
        items = chunks[k]
        wall, cpu = time.perf_counter_ns(), time.process_time_ns()
        for item in items:
            fn(item)
        return time.perf_counter_ns() - wall, time.process_time_ns() - cpu

    return run


def batched(fn: Callable[[Any], Any], chunks: Sequence[Sequence[Any]]) -> Timer:
    def run(k: int) -> tuple[int, int]:
        items = chunks[k]
        wall, cpu = time.perf_counter_ns(), time.process_time_ns()
        fn(items)
        return time.perf_counter_ns() - wall, time.process_time_ns() - cpu

    return run


def sorted_ids(answer: Verdict) -> Verdict:
    return answer[0], tuple(sorted(answer[1]))


def ours_ids(rules: Sequence[str]) -> tuple[str, ...]:
    """Our determining rule ids in the peers' form: without the ruleset prefix, and none for a default deny
    (`<ruleset>/default`) or when no ruleset applies (`gba-dataflow/no-ruleset`)."""
    prefix = RULESET + "/"
    return tuple(
        sorted(r[len(prefix) :] for r in rules if r.startswith(prefix) and not r.endswith("/default"))
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=generate.DEFAULT_N, help="manifests (default 10,000)")
    parser.add_argument("--seed", type=int, default=generate.DEFAULT_SEED, help="generator seed (default 6)")
    parser.add_argument("--rounds", type=int, default=5, help="timing rounds; the median is reported")
    parser.add_argument("--chunk", type=int, default=1000, help="manifests per turn of an engine in a round")
    parser.add_argument("--no-peers", action="store_true", help="time only ours and the floor")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]

    from gba_dataflow.engine import evaluate
    from gba_dataflow.engine.rulebook import load_rulebook
    from gba_dataflow.manifests import load_manifest_bytes

    print(f"machine: {common.machine_line()}")
    print(
        f"ruleset: {CORE_DIR.relative_to(common.REPO)} ({len(RULE_IDS)} rules), {args.n:,} manifests, "
        f"seed {args.seed}, {args.rounds} rounds, engines alternating every {args.chunk:,} manifests"
    )

    # ---- 1. inputs, built outside every timed loop ----------------------------------------------------
    started = time.perf_counter()
    manifests = [load_manifest_bytes(raw, path) for path, raw in generate.iter_yaml(args.n, args.seed)]
    datas = [m.data for m in manifests]
    rulebook = load_rulebook([CORE_DIR])
    size = max(1, args.chunk)
    m_chunks, d_chunks = chunked(manifests, size), chunked(datas, size)
    print(
        f"setup: generated and loaded {len(manifests):,} manifests in {time.perf_counter() - started:.1f} s"
    )

    evaluate_manifest = evaluate.evaluate_manifest
    decide = getattr(evaluate, "decide", None)

    def full_answers() -> list[Verdict]:
        out = []
        for m in manifests:
            result = evaluate_manifest(rulebook, m)
            if result.errors:
                common.fail(f"{m.path}: evaluate_manifest reported errors: {result.errors}")
            out.append((result.decision.value, ours_ids([reason.rule for reason in result.reasons])))
        return out

    engines = [
        Engine(FLOOR, per_call(decide_floor, d_chunks), lambda: [sorted_ids(decide_floor(d)) for d in datas]),
        Engine(OURS_FULL, per_call(lambda m: evaluate_manifest(rulebook, m), m_chunks), full_answers),
    ]
    if decide is not None:

        def fast_answers() -> list[Verdict]:
            out = []
            for m in manifests:
                decision = decide(rulebook, m)
                if getattr(decision, "errors", ()):
                    common.fail(f"{m.path}: decide reported errors: {decision.errors}")
                rules: Sequence[str] = getattr(decision, "rule_ids", None) or decision.rules
                out.append((decision.verdict.value, ours_ids(rules)))
            return out

        engines.append(Engine(OURS_FAST, per_call(lambda m: decide(rulebook, m), m_chunks), fast_answers))
    else:
        print("note: gba_dataflow.engine.evaluate has no `decide` yet: timing evaluate_manifest only")

    peers, notes = load_peers([] if args.no_peers else ["cedarpy", "regopy"])
    for note in notes:
        print(f"note: {note}")
    for peer in peers:
        if peer.name == "cedarpy":
            engines.extend(cedar_engines(peer, manifests, size))
        else:
            engines.extend(rego_engines(peer, datas, size))

    # ---- 2. every engine agrees, on every manifest; every branch is reached ---------------------------
    started = time.perf_counter()
    reference = engines[0].answers()
    for engine in engines[1:]:
        compare(engine.name, engine.answers(), reference, manifests)
    coverage(reference, datas)
    print(
        f"agreement: {len(engines)} engines agree on all {len(manifests):,} manifests "
        f"(decision and determining rules) [{time.perf_counter() - started:.1f} s]"
    )

    # ---- 3. time them, alternating ----------------------------------------------------------------------
    # Engines take turns chunk by chunk (rotating who goes first), so that a burst of load elsewhere on the
    # machine hits them all alike. The inputs are moved out of the collector's reach (gc.freeze) so that a
    # full collection during one engine's turn does not walk 10,000 manifests on its time.
    gc.collect()
    gc.freeze()
    turn = 0
    for round_no in range(args.rounds):
        wall = dict.fromkeys(range(len(engines)), 0)
        cpu = dict.fromkeys(range(len(engines)), 0)
        for k in range(len(m_chunks)):
            order = list(range(len(engines)))
            turn += 1
            for i in order[turn % len(order) :] + order[: turn % len(order)]:
                spent, used = engines[i].run(k)
                wall[i] += spent
                cpu[i] += used
        for i, engine in enumerate(engines):
            engine.samples.append(wall[i] / len(manifests) / 1000)
            engine.cpu_samples.append(cpu[i] / len(manifests) / 1000)
        print(
            f"round {round_no + 1}/{args.rounds}: "
            + ", ".join(f"{e.name.split(' (')[0]} {e.samples[-1]:.1f}" for e in engines)
            + " µs"
        )

    # ---- 4. the pre-built requests still give the same answers ----------------------------------------
    for engine in engines[1:]:
        compare(engine.name + " (after timing)", engine.answers(), reference, manifests)

    figures, targets = report(engines, args)
    common.write_json(args.json, "bench_engines", figures, targets)
    return 0


def cedar_engines(cedar: Any, manifests: Sequence[Any], size: int) -> list[Engine]:
    import cedarpy

    schema = (CORE_DIR / "mainland_core.cedarschema").read_text(encoding="utf-8")
    validation = cedarpy.validate_policies(CEDAR_POLICIES.read_text(encoding="utf-8"), schema)
    if not validation:
        common.fail(f"the Cedar policies do not validate against their schema: {validation.errors}")
    requests = [cedar.request(m.data["id"], m.data) for m in manifests]
    chunks = chunked(requests, size)
    return [
        Engine(
            CEDAR_CALL,
            per_call(cedar.decide, chunks),
            lambda: [cedar.verdict(cedar.decide(r)) for r in requests],
        ),
        Engine(
            CEDAR_BATCH,
            batched(cedar.decide_batch, chunks),
            lambda: [cedar.verdict(r) for r in cedar.decide_batch(requests)],
        ),
    ]


def rego_engines(rego: Any, datas: Sequence[dict[str, Any]], size: int) -> list[Engine]:
    inputs = [rego.request(d) for d in datas]
    chunks = chunked(inputs, size)

    def decide(item: Any) -> Any:
        output = rego.decide(item)
        return output.expressions().json()  # the answer as text: what a caller needs to read it

    return [
        Engine(REGO_CALL, per_call(decide, chunks), lambda: [rego.verdict(rego.decide(i)) for i in inputs])
    ]


def compare(name: str, answers: list[Verdict], reference: list[Verdict], manifests: Sequence[Any]) -> None:
    wrong = [i for i, (a, b) in enumerate(zip(answers, reference, strict=True)) if a != b]
    if not wrong:
        return
    for i in wrong[:10]:
        print(
            f"  {manifests[i].path}: {name} says {answers[i]}, the floor says {reference[i]}", file=sys.stderr
        )
    common.fail(
        f"{name} disagrees with the hand-written floor on {len(wrong):,} of {len(answers):,} manifests"
    )


def coverage(reference: list[Verdict], datas: Sequence[dict[str, Any]]) -> None:
    """Every rule must be determining somewhere; default deny, out of scope, and several determining rules
    at once (for a deny and for an allow) too."""
    determining: Counter[str] = Counter()
    cases: Counter[str] = Counter()
    for (verdict, rules), data in zip(reference, datas, strict=True):
        determining.update(rules)
        cases[verdict] += 1
        transfer = data["transfer"]
        origin, destination = transfer["origin"]["region"], transfer["destination"]["region"]
        if origin not in GBA_REGIONS or destination not in GBA_REGIONS or origin == destination:
            cases["out of scope"] += 1
        elif not rules:
            cases["default deny"] += 1
        elif len(rules) > 1:
            cases[f"{verdict} by several rules"] += 1
    wanted = [
        "allow",
        "deny",
        "out of scope",
        "default deny",
        "deny by several rules",
        "allow by several rules",
    ]
    print("coverage: " + ", ".join(f"{c} {cases[c]:,}" for c in wanted))
    print("  determining: " + ", ".join(f"{r} {determining[r]:,}" for r in RULE_IDS))
    missing = [r for r in RULE_IDS if not determining[r]] + [c for c in wanted if not cases[c]]
    if missing:
        common.fail(
            f"the generated manifests never reach: {', '.join(missing)} (raise --n or fix generate.py)"
        )


def report(engines: list[Engine], args: argparse.Namespace) -> tuple[dict[str, Any], list[common.Target]]:
    by_name = {e.name: e for e in engines}
    bases = [(OURS_FULL, "× evaluate_manifest")] + ([(OURS_FAST, "× decide")] if OURS_FAST in by_name else [])
    rows = []
    for e in engines:
        ratios = [f"{e.median / by_name[base].median:.2f}" for base, _ in bases]
        spread = f"{min(e.samples):.1f}-{max(e.samples):.1f}"
        rows.append(
            (e.name, f"{e.median:.1f}", spread, f"{e.cpu_median:.1f}", *ratios, f"{1e6 / e.median:,.0f}")
        )
    print()
    print(
        f"per decision, median of {args.rounds} rounds over {args.n:,} manifests; wall clock except CPU µs; "
        "× = this engine's time / ours (> 1: slower than ours)"
    )
    headers = ["engine", "µs/decision", "min-max", "CPU µs", *(label for _, label in bases), "decisions/s"]
    print(common.table(headers, rows, right=tuple(range(1, len(headers)))))

    figures: dict[str, Any] = {
        "n": args.n,
        "rounds": args.rounds,
        "chunk": args.chunk,
        "us_per_decision": {e.name: round(e.median, 2) for e in engines},
        "cpu_us_per_decision": {e.name: round(e.cpu_median, 2) for e in engines},
        "samples": {e.name: [round(x, 2) for x in e.samples] for e in engines},
    }
    floor = by_name[FLOOR].median
    cedar = [by_name[n].median for n in (CEDAR_CALL, CEDAR_BATCH) if n in by_name]
    rego = by_name[REGO_CALL].median if REGO_CALL in by_name else None
    targets: list[common.Target] = []
    # design §9: the targets are `decide`'s; `evaluate_manifest` (which also records facts and renders
    # reasons, obligations and remedies) is shown against the same peers as a figure, without a target.
    for label, name, cedar_times, judged in (
        ("decide", OURS_FAST, 10, True),
        ("evaluate_manifest", OURS_FULL, 10, False),
    ):
        if name not in by_name:
            continue
        mine = by_name[name].median
        wanted = f"≥ {cedar_times}× faster" if judged else "(figure)"
        if cedar:
            best = min(cedar)
            targets.append(
                common.Target(
                    f"{label} vs cedarpy (its faster API)",
                    wanted,
                    f"{best / mine:.2f}× faster",
                    best / mine >= cedar_times if judged else None,
                )
            )
        else:
            targets.append(common.Target(f"{label} vs cedarpy", wanted, "cedarpy not installed", None))
        if rego is not None:
            targets.append(
                common.Target(
                    f"{label} vs regopy",
                    "faster" if judged else "(figure)",
                    f"{rego / mine:.2f}× faster",
                    rego > mine if judged else None,
                )
            )
        else:
            targets.append(common.Target(f"{label} vs regopy", "faster", "regopy not installed", None))
        targets.append(
            common.Target(
                f"{label} vs hand-written floor",
                "≤ 10× the floor" if judged else "(figure)",
                f"{mine / floor:.2f}× the floor",
                mine / floor <= 10 if judged else None,
            )
        )
    print()
    print(common.targets_table(targets))
    return figures, targets


if __name__ == "__main__":
    raise SystemExit(main())
