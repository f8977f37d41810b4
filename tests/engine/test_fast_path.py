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
from gba_dataflow.engine.compiler import EvalContext
from gba_dataflow.engine.evaluate import (
    decide,
    evaluate_manifest,
    facts_from,
    resolve_as_of,
    with_transfer_date,
)
from gba_dataflow.engine.model import Fact
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


# ---- the recording twins: the same facts as the closures, in the same order ------------------------


def both_recordings(
    book: Rulebook, data: dict[str, Any], day: dt.date, positions: Mapping[str, tuple[int, int]] = EMPTY
) -> list[tuple[str, Any, Any]]:
    """(rule id, (value, facts, witnesses) from the twin or "fallback", the same from the closure).

    A rule's twin is written for a rule that held: it runs only where the closure says so (elsewhere it
    must fall back). A part's twin runs on every part."""
    out = []
    for ruleset in book.rulesets:
        closure_ctx = EvalContext(with_transfer_date(data, day), day)
        cache: dict[str, Any] = {}
        conditions = [(rule.id, rule.record, rule.condition, True) for rule in ruleset.rules]
        conditions += [
            (f"{rule.id} part {index}: {part.text}", part.record, part.fn, False)
            for rule in ruleset.rules
            for index, part in enumerate(rule.conjuncts)
        ]
        for name, record, condition, held_only in conditions:
            if record is None:  # recorded by the closures only
                continue
            closure_ctx.facts = []
            closure_ctx.witnesses = {}
            try:
                value = condition(closure_ctx)
            except EvalError as error:
                value = f"error {error.code}"
            closure = (value, facts_from(closure_ctx.facts, positions), closure_ctx.witnesses)
            closure_ctx.facts = None
            facts: dict[str, Any] = {}
            witnesses: dict[str, Any] = {}
            try:
                twin: Any = (
                    record(closure_ctx.root, day, cache, facts, positions.get, witnesses),
                    tuple(facts.values()),
                    witnesses,
                )
            except Exception:
                twin = "fallback"
            if held_only and value is not True:
                assert twin == "fallback", f"{name}: the twin of a rule that did not hold completed"
                continue
            out.append((name, twin, closure))
    return out


def assert_same_recordings(
    book: Rulebook, data: dict[str, Any], day: dt.date, positions: Mapping[str, tuple[int, int]] = EMPTY
) -> None:
    for name, twin, closure in both_recordings(book, data, day, positions):
        if twin == "fallback":
            continue  # the closure path records these
        assert twin[0] is closure[0] and twin[1:] == closure[1:], f"{name}: {twin!r} != {closure!r}"
        assert all(type(fact) is Fact for fact in twin[1]), name


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


def test_every_shipped_rule_has_a_twin(shipped: Rulebook) -> None:
    assert [rule.id for rs in shipped.rulesets for rule in rs.rules if rule.record is None] == []


def test_every_part_of_a_shipped_condition_has_generated_code(shipped: Rulebook) -> None:
    """What ranks the allow rules nearest to holding, and records what failed, for a default deny."""
    parts = [(rule.id, part) for rs in shipped.rulesets for rule in rs.rules for part in rule.conjuncts]
    assert len(parts) > sum(len(rs.rules) for rs in shipped.rulesets)  # some conditions are `and`s
    assert [rule_id for rule_id, part in parts if part.record is None] == []
    day = dt.date(2025, 6, 1)
    for ruleset in shipped.rulesets:  # allow_parts evaluates every part of every allow rule active on day
        scored, unsure = ruleset.allow_parts({}, day, {})
        assert scored == []  # nothing can be read from an empty manifest
        listed = {index: len(values) for index, values in unsure}
        expected = {
            index: len(rule.conjuncts)
            for index, rule in enumerate(ruleset.rules)
            if rule.effect == "allow" and rule.node.active_on(day)
        }
        assert listed == expected


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_recording_twins_record_what_the_closures_record(shipped: Rulebook, path: Path) -> None:
    loaded = load_manifest(path)
    for day in (dt.date(2023, 1, 1), dt.date(2024, 3, 22), resolve_as_of(loaded.data, None)):
        assert_same_recordings(shipped, loaded.data, day, loaded.positions)


@settings(max_examples=100, deadline=None)
@given(MUTATIONS)
def test_recording_twins_agree_on_mutated_manifests(mutation: dict[str, Any]) -> None:
    data = mutate(load_manifest(EXAMPLES[0]).data, mutation)
    assert_same_recordings(shipped_rulebook(), data, mutation["day"])


def test_count_and_nested_quantifiers_are_recorded_by_the_closures_only() -> None:
    book = rulebook(
        'ruleset q\nlet sensitive = count(f in dataset.fields: f.category == "sensitive") > 0\n'
        'rule a\n  deny when sensitive\n  because "a"\n  cite "c"\n'
        "rule b\n  deny when any f in dataset.fields: any g in dataset.fields: f.name == g.name\n"
        '  because "b {f.name}"\n  cite "c"\n'
        'rule c\n  deny when any f in dataset.fields: f.category == "sensitive"\n  because "c {f.name}"\n'
        '  cite "c"\n'
    )
    a, b, c = book.rulesets[0].rules
    assert a.record is None and b.record is None and c.record is not None
    fields = [{"name": "x", "category": "personal"}, {"name": "y", "category": "sensitive"}]
    result = engine_decide(book, manifest(dataset__fields=fields))
    assert [fact.path for fact in result.reasons[0].facts] == [
        "dataset.fields[0].category",
        "dataset.fields[1].category",
    ]
    assert [reason.message for reason in result.reasons[1:]] == ["b x", "c y"]
    assert [fact.path for fact in result.reasons[2].facts] == ["dataset.fields[1].category"]


def test_a_twin_that_cannot_finish_leaves_the_facts_to_the_closures() -> None:
    book = rulebook(
        "ruleset r\nrule a\n  deny when dataset.subjects > 5 or dataset.core_data\n"
        '  because "a"\n  cite "c"\n'
    )
    # a count given as text: the twin raises on `>`; the closure path reports the error (fail closed)
    result = engine_decide(book, manifest(dataset__subjects="many"))
    assert result.decision.value == "deny"
    assert result.errors and result.errors[0].code == "E302"


def test_a_very_long_or_is_recorded_by_the_closures() -> None:
    operands = " or ".join(f"dataset.subjects == {n}" for n in range(150))
    book = rulebook(f'ruleset r\nrule a\n  deny when {operands}\n  because "a"\n  cite "c"\n')
    assert book.rulesets[0].rules[0].record is None
    result = engine_decide(book, manifest(dataset__subjects=149))
    assert result.decision.value == "deny"
    assert [fact.value for fact in result.reasons[0].facts] == [149]


@pytest.mark.parametrize(
    "root",
    [
        {"mechanisms": {"pipia": {"completed_on": None}}, "dataset": {"core_data": False}},
        {"mechanisms": {"pipia": {"completed_on": dt.date(2024, 1, 1)}}, "dataset": {"core_data": False}},
        {"mechanisms": {"pipia": {}}, "dataset": {"core_data": False}},
        {"mechanisms": {"pipia": None}, "dataset": {"core_data": True}},
        {"mechanisms": None, "dataset": {}},
        {"mechanisms": [{"pipia": 1}], "dataset": None},
        {"mechanisms": MappingProxyType({"pipia": MappingProxyType({"completed_on": None})}), "dataset": {}},
        {},
    ],
)
def test_twins_read_through_gaps_as_the_closures_do_or_leave_it_to_them(root: Any) -> None:
    """A twin reads by subscript: through a gap it raises, and the closures record the null."""
    book = rulebook(
        "ruleset r\nrule a\n  deny when not has(mechanisms.pipia.completed_on) and not dataset.core_data\n"
        '  because "a"\n  cite "c"\n'
    )
    recordings = both_recordings(book, root, dt.date(2025, 1, 1))
    assert recordings
    for name, twin, closure in recordings:
        assert twin == "fallback" or (twin[0] is closure[0] and twin[1:] == closure[1:]), name


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
    book = rulebook(text)
    assert book.rulesets[0].rules[0].record is not None
    result = engine_decide(book, manifest(dataset__fields=fields))
    assert [reason.message for reason in result.reasons] == ["field x"]
    # the closures alone (no twin) say the same
    closures_only = rulebook(text)
    rule = closures_only.rulesets[0].rules[0]
    object.__setattr__(rule, "record", None)
    result = engine_decide(closures_only, manifest(dataset__fields=fields))
    assert [reason.message for reason in result.reasons] == ["field x"]
    assert [fact.path for fact in result.reasons[0].facts] == [
        "dataset.fields[0].name",
        "dataset.fields[1].category",
    ]


# ---- the twins on the shapes the shipped rules lack -------------------------------------------------

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


@settings(max_examples=200, deadline=None)
@given(
    fields=FIELDS,
    subjects=st.integers(0, 12),
    sensitive=st.integers(0, 3),
    core=st.booleans(),
    important=st.booleans(),
)
def test_twins_record_what_the_closures_record_on_every_shape(
    fields: list[dict[str, str]], subjects: int, sensitive: int, core: bool, important: bool
) -> None:
    """Chains decided either way, quantifiers (their witnesses too), lets inlined, `and`/`or` as values."""
    book = shapes_rulebook()
    assert all(rule.record is not None for rule in book.rulesets[0].rules)
    item = manifest(
        dataset__fields=fields,
        dataset__subjects=subjects,
        dataset__sensitive_subjects=sensitive,
        dataset__core_data=core,
        dataset__important_data=important,
    )
    positions = {"/dataset/subjects": (3, 5), "/dataset/fields/0/name": (7, 9)}
    recordings = both_recordings(book, item.data, dt.date(2026, 1, 5), positions)
    assert recordings
    for name, twin, closure in recordings:
        assert twin != "fallback", name  # every shape here has a twin that completes
        assert twin[0] is closure[0] and twin[1:] == closure[1:], f"{name}: {twin!r} != {closure!r}"


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
