"""The generated fast path and the closure path agree wherever the fast path decides."""

from __future__ import annotations

import copy
import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gba_dataflow.core.errors import EvalError
from gba_dataflow.engine.compiler import EvalContext
from gba_dataflow.engine.evaluate import decide, evaluate_manifest, resolve_as_of, with_transfer_date
from gba_dataflow.engine.rulebook import Rulebook, load_rulebook
from gba_dataflow.manifests import load_manifest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples" / "manifests").glob("*.yaml"))


@cache
def shipped_rulebook() -> Rulebook:
    return load_rulebook([ROOT / "rules"])


@pytest.fixture(scope="module")
def shipped() -> Rulebook:
    return shipped_rulebook()


def both_paths(book: Rulebook, data: dict[str, Any], day: dt.date) -> list[tuple[str, Any, Any]]:
    """(rule id, fast value, closure value) for every rule and applies condition."""
    ctx = EvalContext(with_transfer_date(data, day), day)
    cache: dict[str, Any] = {}
    out = []
    for ruleset in book.rulesets:
        pairs = [(f"{ruleset.id}/applies", ruleset.fast_applies, ruleset.applies)] if ruleset.applies else []
        pairs += [(rule.id, rule.fast, rule.condition) for rule in ruleset.rules]
        for name, fast, slow in pairs:
            assert fast is not None and slow is not None
            try:
                fast_value: Any = fast(ctx.root, day, cache)
            except Exception:
                fast_value = "fallback"
            try:
                slow_value: Any = slow(ctx)
            except EvalError as error:
                slow_value = f"error {error.code}"
            out.append((name, fast_value, slow_value))
    return out


def assert_agree(book: Rulebook, data: dict[str, Any], day: dt.date) -> None:
    for name, fast, slow in both_paths(book, data, day):
        if fast == "fallback":
            continue  # the closure path decides these
        assert fast is slow, f"{name}: fast {fast!r} != closure {slow!r}"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_fast_and_closure_paths_agree_on_every_example(shipped: Rulebook, path: Path) -> None:
    data = load_manifest(path).data
    for day in (dt.date(2023, 1, 1), dt.date(2024, 3, 21), dt.date(2024, 3, 22), resolve_as_of(data, None)):
        assert_agree(shipped, data, day)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_decide_matches_the_explained_decision(shipped: Rulebook, path: Path) -> None:
    manifest = load_manifest(path)
    fast = decide(shipped, manifest)
    full = evaluate_manifest(shipped, manifest)
    assert fast.verdict is full.decision
    if full.decision.value == "deny":
        assert set(fast.rules) == {reason.rule for reason in full.reasons}


MUTATIONS = st.fixed_dictionaries(
    {
        "subjects": st.sampled_from([0, 1, 9_999, 10_000, 99_999, 100_000, 999_999, 1_000_000]),
        "sensitive": st.sampled_from([0, 1, 9_999, 10_000]),
        "flags": st.lists(
            st.sampled_from(
                ["ciio", "state_organ", "important_data", "core_data", "foreign_origin_only", "onward"]
            ),
            max_size=3,
        ),
        "exemption": st.sampled_from(["none", "contract", "hr", "emergency", "statutory_duty"]),
        "city": st.sampled_from(["Shenzhen", "Guangzhou", "Shantou", "Hengqin", None]),
        "day": st.dates(min_value=dt.date(2021, 1, 1), max_value=dt.date(2027, 12, 31)),
        "null_dates": st.booleans(),
    }
)


@settings(max_examples=150, deadline=None)
@given(MUTATIONS)
def test_fast_and_closure_paths_agree_on_mutated_manifests(mutation: dict[str, Any]) -> None:
    book = shipped_rulebook()
    base = load_manifest(EXAMPLES[0]).data
    data = copy.deepcopy(base)
    data["dataset"]["subjects"] = mutation["subjects"] + mutation["sensitive"]
    data["dataset"]["sensitive_subjects"] = mutation["sensitive"]
    data["volume"]["personal_subjects_ytd"] = mutation["subjects"]
    data["volume"]["sensitive_subjects_ytd"] = mutation["sensitive"]
    data["transfer"]["exemption"] = mutation["exemption"]
    data["exporter"]["city"] = mutation["city"]
    for flag in mutation["flags"]:
        section = "exporter" if flag in ("ciio", "state_organ") else "dataset"
        if flag == "onward":
            data["transfer"]["onward_transfer_outside_gba"] = True
        else:
            data[section][flag] = True
    if mutation["null_dates"]:
        for mechanism in data["mechanisms"].values():
            if isinstance(mechanism, dict):
                for key in mechanism:
                    if key.endswith("_on"):
                        mechanism[key] = None
    assert_agree(book, data, mutation["day"])
