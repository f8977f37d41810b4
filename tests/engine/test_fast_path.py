"""The generated fast path and the closure path agree wherever the fast path decides."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
from engine_helpers import decide as engine_decide
from engine_helpers import manifest, rulebook
from hypothesis import given, settings
from hypothesis import strategies as st

from gba_dataflow.core.errors import EvalError
from gba_dataflow.engine.evaluate import (
    decide,
    evaluate_manifest,
    resolve_as_of,
    with_transfer_date,
)
from gba_dataflow.engine.evaluator import EvalContext
from gba_dataflow.engine.rulebook import Rulebook, load_rulebook
from gba_dataflow.manifests import load_manifest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples" / "manifests").glob("*.yaml"))
EMPTY: Mapping[str, tuple[int, int]] = MappingProxyType({})


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
        scored, unsure = ruleset.allow_parts(ctx.root, day, cache)
        assert all(failing == values.count(False) > 0 and None not in values for failing, _, values in scored)
        assert all(None in values for _, values in unsure)
        for index, values in [(index, values) for _, index, values in scored] + unsure:
            rule = ruleset.rules[index]
            for number, (part, value) in enumerate(zip(rule.conjuncts, values, strict=True)):
                pairs.append((f"{rule.id} part {number}: {part.text}", _constant(value), part.fn))
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


def _constant(value: Any) -> Any:
    """A stand-in for a generated function that gave `value` (None: it could not tell)."""

    def fast(root: Any, day: dt.date, cache: dict[str, Any]) -> Any:
        if value is None:
            raise RuntimeError("the generated code could not tell")
        return value

    return fast


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


def mutate(base: dict[str, Any], mutation: dict[str, Any]) -> dict[str, Any]:
    """A copy of `base` with the counts, flags, exemption, city and dates of `mutation`."""
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
    return data


@settings(max_examples=150, deadline=None)
@given(MUTATIONS)
def test_fast_and_closure_paths_agree_on_mutated_manifests(mutation: dict[str, Any]) -> None:
    book = shipped_rulebook()
    data = mutate(load_manifest(EXAMPLES[0]).data, mutation)
    assert_agree(book, data, mutation["day"])


@settings(max_examples=150, deadline=None)
@given(MUTATIONS, st.integers(min_value=1, max_value=4))
def test_allow_parts_stops_only_where_no_later_rule_can_be_closest(
    mutation: dict[str, Any], enough: int
) -> None:
    """Skipped rules come after `enough` rules failing one part each: none could rank before those."""
    book = shipped_rulebook()
    day = mutation["day"]
    root = with_transfer_date(mutate(load_manifest(EXAMPLES[0]).data, mutation), day)
    for ruleset in book.rulesets:
        scored, unsure = ruleset.allow_parts(root, day, {})
        early, early_unsure = ruleset.allow_parts(root, day, {}, enough)
        assert early == scored[: len(early)] and early_unsure == unsure[: len(early_unsure)]
        skipped = [index for _, index, _ in scored[len(early) :]]
        skipped += [index for index, _ in unsure[len(early_unsure) :]]
        if skipped:
            ones = [index for failing, index, _ in early if failing == 1]
            assert len(ones) == enough and min(skipped) > max(ones)


def test_a_rules_message_names_its_own_witness_not_a_lets() -> None:
    """A let's quantifier may use the rule's variable name; the message names the rule's element."""
    text = (
        "ruleset w\n"
        'let any_sensitive = any f in dataset.fields: f.category == "sensitive_personal"\n'
        "rule a\n"
        '  deny when (any f in dataset.fields: f.name == "x") and any_sensitive\n'
        '  because "field {f.name}"\n'
        '  cite "c"\n'
    )
    fields = [
        {"name": "x", "category": "personal"},
        {"name": "y", "category": "sensitive_personal"},
    ]
    result = engine_decide(rulebook(text), manifest(dataset__fields=fields))
    assert [reason.message for reason in result.reasons] == ["field x"]
    assert [fact.path for fact in result.reasons[0].facts] == [
        "dataset.fields[0].name",
        "dataset.fields[1].category",
    ]


SHAPES = """ruleset shapes
let big = dataset.subjects > 5
let any_personal = any f in dataset.fields: f.category == "personal"
let total = dataset.subjects + dataset.sensitive_subjects
rule scratch_and
  deny when (any f in dataset.fields: f.name == "x") and dataset.core_data
  because "field {f.name}"
  cite "c"
rule scratch_or
  allow when (all f in dataset.fields: f.category == "personal") or dataset.important_data
  because "field {f.name}"
  cite "c"
rule bool_in_value
  allow when dataset.core_data == (big or dataset.important_data)
  because "b"
  cite "c"
rule mixed
  deny when total >= 10 and not any_personal or has(dataset.fields) and big
  because "m"
  cite "c"
rule static_in_body
  warn when any f in dataset.fields: f.category == "personal" and dataset.subjects > 3 and big
  because "w {f.name}"
  cite "c"
rule negated
  allow when not (big and dataset.sensitive_subjects == 0) and (total < 4 or dataset.subjects == total)
  because "n"
  cite "c"
"""

FIELDS = st.lists(
    st.fixed_dictionaries(
        {"name": st.sampled_from(["x", "y"]), "category": st.sampled_from(["personal", "sensitive_personal"])}
    ),
    max_size=3,
)


@cache
def shapes_rulebook() -> Rulebook:
    return rulebook(SHAPES)


EQUALITIES = """ruleset eq
rule with_int
  deny when dataset.subjects == 1
  because "a"
  cite "c"
rule with_true
  deny when dataset.subjects == true
  because "a"
  cite "c"
rule with_null
  deny when dataset.subjects != null
  because "a"
  cite "c"
rule two_paths
  deny when dataset.subjects == dataset.sensitive_subjects
  because "a"
  cite "c"
rule two_paths_differ
  deny when dataset.subjects != dataset.sensitive_subjects and dataset.core_data
  because "a"
  cite "c"
rule not_a_bool
  deny when not dataset.core_data
  because "a"
  cite "c"
"""

ODD_VALUES = [True, False, 1, 0, 1.0, None, "1", "", [], {}, dt.date(2026, 1, 1)]


@pytest.mark.parametrize("subjects", ODD_VALUES, ids=repr)
@pytest.mark.parametrize("sensitive", ODD_VALUES, ids=repr)
def test_equality_and_bool_checks_inline_as_the_closures_decide(subjects: Any, sensitive: Any) -> None:
    """`==` inline: a boolean never equals a number; a value that is not a bool in a bool position
    is left to the closures."""
    data = manifest(
        dataset__subjects=subjects, dataset__sensitive_subjects=sensitive, dataset__core_data=subjects
    ).data
    assert_agree(rulebook(EQUALITIES), data, dt.date(2026, 1, 5))
