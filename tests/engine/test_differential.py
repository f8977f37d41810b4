"""The generated fast path decides as the reference evaluator does, on random rules and odd manifests.

Everything goes through the public API: rule files are written to a directory and loaded with
`load_rulebook` (so only what `rules check` accepts is decided), manifests are dumped as JSON and loaded
with `load_manifest_bytes`, and `decide(...)` is compared with `decide(..., fast=False)` (the reference
evaluator alone): the same verdict, the same rule ids, the same error codes. `evaluate_manifest` must never
raise and must reach the same verdict.

Default: a modest, derandomized run (CI is deterministic). `GBA_DIFF_EXAMPLES=3000` runs many more, with
a random seed unless `GBA_DIFF_SEED` is set:

    GBA_DIFF_EXAMPLES=3000 .venv/bin/pytest -q tests/engine/test_differential.py -k evaluator_agree
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, seed, settings
from hypothesis import strategies as st
from rule_strategies import RuleFiles, as_of_dates, manifest_documents, rule_files

from gba_dataflow.core.errors import CheckError, DslSyntaxError, GbaError, ManifestError
from gba_dataflow.engine.evaluate import Decision, decide, evaluate_manifest
from gba_dataflow.engine.rulebook import Rulebook, load_rulebook
from gba_dataflow.manifests import LoadedManifest, load_manifest_bytes

_EXTRA = int(os.environ.get("GBA_DIFF_EXAMPLES", "0"))
_SEED = os.environ.get("GBA_DIFF_SEED")
EXAMPLES = _EXTRA or 40
DIFF = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not (_EXTRA or _SEED),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
    print_blob=True,
)


def _seeded(test: Any) -> Any:
    """A fixed seed where one is asked for (`GBA_DIFF_SEED`), to replay a long run."""
    return seed(int(_SEED))(test) if _SEED else test


def load_rules(files: dict[str, str]) -> Rulebook:
    """Write the files to a fresh directory and load them as `check --rules DIR` would (no cache)."""
    with tempfile.TemporaryDirectory(prefix="gba-diff-") as directory:
        for name, text in files.items():
            (Path(directory) / name).write_text(text, encoding="utf-8")
        return load_rulebook([Path(directory)], use_cache=False)


def load_document(doc: dict[str, Any]) -> LoadedManifest:
    return load_manifest_bytes(json.dumps(doc, ensure_ascii=False).encode(), "generated.json")


def outcome(decision: Decision) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """What must agree: the verdict, the determining rules and the error codes, in order."""
    return decision.verdict.value, decision.rules, tuple(error.code for error in decision.errors)


def assert_agree(book: Rulebook, manifest: LoadedManifest, as_of: dt.date | None) -> None:
    fast = decide(book, manifest, as_of=as_of)
    reference = decide(book, manifest, as_of=as_of, fast=False)
    assert outcome(fast) == outcome(reference)
    result = evaluate_manifest(book, manifest, as_of=as_of)
    assert result.decision is fast.verdict
    assert tuple(error.code for error in result.errors) == outcome(fast)[2]


# ---- the generators themselves ----------------------------------------------------------------------


@settings(DIFF, max_examples=max(EXAMPLES // 2, 20))
@_seeded
@given(rule_files())
def test_generated_rule_files_pass_the_checker(files: RuleFiles) -> None:
    """Typed by construction: every generated file parses and has no checker error (warnings may be)."""
    for variant in (files.files, files.all_allow()):
        try:
            book = load_rules(variant)
        except (DslSyntaxError, CheckError) as error:
            pytest.fail("\n".join(f"{d.line}: {d.code} {d.message}" for d in error.diagnostics))
        assert len(book.rulesets) == len(files.files)
        assert all(ruleset.rules for ruleset in book.rulesets)


@settings(DIFF, max_examples=max(EXAMPLES // 2, 20))
@_seeded
@given(manifest_documents())
def test_generated_manifests_load(doc: dict[str, Any]) -> None:
    """The manifest generator keeps to the schema and the cross-field checks: what it draws loads."""
    loaded = load_document(doc)
    dataset = loaded.data["dataset"]
    assert dataset["subjects"] == doc["dataset"].get("subjects", 0)  # huge counts survive, exactly
    assert [field["name"] for field in dataset["fields"]] == [
        field["name"] for field in doc["dataset"]["fields"]
    ]
    assert loaded.data["transfer"]["date"] == (
        dt.date.fromisoformat(doc["transfer"]["date"]) if doc["transfer"].get("date") else None
    )


# ---- the differential property ----------------------------------------------------------------------


@DIFF
@_seeded
@given(rule_files(), st.data())
def test_fast_path_and_reference_evaluator_agree(files: RuleFiles, data: st.DataObject) -> None:
    """On one to four manifests and as-of days per rulebook. The rules are decided as written, and with
    every rule made an allow rule (`all_allow`), where `decide` names each rule that held."""
    try:
        books = [load_rules(files.files), load_rules(files.all_allow())]
    except (DslSyntaxError, CheckError):
        assume(False)
        raise
    decided = 0
    for _ in range(data.draw(st.integers(1, 4), label="manifests")):
        doc = data.draw(manifest_documents(files.dates), label="manifest")
        try:
            manifest = load_document(doc)
        except ManifestError:
            continue
        as_of = data.draw(as_of_dates(files.dates), label="as_of")
        for book in books:
            assert_agree(book, manifest, as_of)
        decided += 1
    assume(decided > 0)


# ---- per operator: each operator and built-in on odd operands --------------------------------------------
#
# Each operand is a literal, or a manifest path with an odd value put in the one manifest all cases share.
# For an operator, every pair of operands becomes one allow rule of one ruleset; the rules `rules check`
# refuses are dropped (their count is asserted, so a case that stops loading is noticed), and the rest are
# decided by both evaluators on several as-of days. With allow rules only, `decide` names every rule that
# held.

BASE: dict[str, Any] = {
    "apiVersion": "gba-dataflow/v1",
    "kind": "TransferManifest",
    "id": "op",
    "transfer": {
        "origin": {"region": "CN-GD", "city": "Shenzhen"},
        "destination": {"region": "HK"},
        "purpose": "p",
        "date": "2024-03-22",
        "exemption_justification": "",
    },
    "exporter": {"name": "E", "city": None},
    "recipient": {"name": "R"},
    "title": None,
    "dataset": {
        "name": "D",
        "core_data": True,
        "subjects": 2**64 + 1,
        "fields": [{"name": "a", "category": "personal"}, {"name": "b", "category": "non_personal"}],
    },
    "volume": {"personal_subjects_ytd": 10**30, "sensitive_subjects_ytd": 0},
    "mechanisms": {
        "pipia": {"completed_on": None},
        "standard_contract": {"effective_on": "9999-12-31"},
        "certification": {"certified_on": "0001-01-01"},
    },
}
"""The manifest of every per-operator case: null, empty text, counts beyond 64 bits, the calendar's ends."""

OPERANDS = (
    "null",
    "mechanisms.pipia.completed_on",  # null date
    "recipient.city",  # null text
    "exporter.city",  # null text
    "true",
    "false",
    "dataset.core_data",  # true
    "0",
    "1",
    "1.0",
    "0.5",
    "999_999_999_999_999_999",  # the largest literal a rule may write (18 digits)
    "dataset.subjects",  # 2**64 + 1
    "volume.personal_subjects_ytd",  # 10**30
    '""',
    '"a"',
    '"深圳"',
    "transfer.exemption_justification",  # ""
    "dataset.name",
    "0001-01-01",
    "9999-12-31",
    "2024-02-29",
    "as_of",
    "mechanisms.standard_contract.effective_on",  # 9999-12-31
    "mechanisms.certification.certified_on",  # 0001-01-01
    "0 days",
    "1 day",
    "36_600 days",  # the longest duration a rule may write
    "{}",
    "{1}",
    "{1, 1.0, 2}",
    '{"a", ""}',
    "{0001-01-01, 9999-12-31}",
    "{true}",
    "{1, null}",
    "{0 days, 1 day}",
    "dataset.fields",
)
PAIRED = (
    "null",
    "mechanisms.pipia.completed_on",
    "recipient.city",
    "true",
    "dataset.core_data",
    "0",
    "1.0",
    "0.5",
    "999_999_999_999_999_999",
    "volume.personal_subjects_ytd",
    '""',
    '"深圳"',
    "transfer.exemption_justification",
    "0001-01-01",
    "9999-12-31",
    "as_of",
    "mechanisms.standard_contract.effective_on",
    "0 days",
    "36_600 days",
    "{}",
    "{1, 1.0, 2}",
    '{"a", ""}',
    "{1, null}",
    "dataset.fields",
)
"""The operands of binary operators and functions: one or two of each odd kind (all pairs are tried)."""
AS_OF = (dt.date(1, 1, 1), dt.date(9999, 12, 31))
PROBES = ("0", "2_024", "999_999_999_999_999_999", "0.5", "0001-01-01", "9999-12-31", "0 days", "1 day")
"""Values a computed result is compared with: those of the wrong type are refused by the checker."""


def _ruleset(conditions: Sequence[str]) -> str:
    rules = [
        f'rule c{index}\n  allow when {condition}\n  because "c{index}"\n  cite "c"\n'
        for index, condition in enumerate(conditions)
    ]
    return "ruleset op\n\n" + "\n".join(rules)


def _checked(conditions: Sequence[str]) -> tuple[list[str], Rulebook | None]:
    """The conditions `rules check` accepts, loaded as one ruleset of allow rules (those it refuses
    dropped), and that rulebook (None when it refuses them all)."""
    kept = list(conditions)
    for _ in range(3):
        if not kept:
            return kept, None
        text = _ruleset(kept)
        try:
            return kept, load_rules({"op.rules": text})
        except CheckError as error:
            lines = [
                number for number, line in enumerate(text.splitlines(), 1) if line.startswith("  allow when")
            ]
            refused = {diagnostic.line for diagnostic in error.diagnostics}
            assert refused <= set(lines), [str(d) for d in error.diagnostics if d.line not in lines]
            kept = [condition for condition, line in zip(kept, lines, strict=True) if line not in refused]
    raise AssertionError("the checker kept refusing rules it had not named")


def _agree(conditions: Sequence[str]) -> int:
    """Decide the accepted conditions with both evaluators on every as-of day; how many were accepted.

    In rule files of at most CHUNK rules: a rule file may hold 4,000 expression nodes (E151)."""
    accepted = 0
    for start in range(0, len(conditions), CHUNK):
        kept, book = _checked(conditions[start : start + CHUNK])
        if book is not None:
            _decide_both(book, kept)
        accepted += len(kept)
    return accepted


CHUNK = 200


def _decide_both(book: Rulebook, conditions: Sequence[str]) -> None:
    manifest = load_document(BASE)
    for as_of in AS_OF:
        fast = decide(book, manifest, as_of=as_of)
        reference = decide(book, manifest, as_of=as_of, fast=False)
        differ = set(fast.rules) ^ set(reference.rules)
        shown = {rule: conditions[int(rule.rsplit("/c", 1)[1])] for rule in differ if "/c" in rule}
        assert outcome(fast) == outcome(reference), (as_of, shown)
        result = evaluate_manifest(book, manifest, as_of=as_of)
        assert result.decision is fast.verdict


def test_the_shared_manifest_loads_with_its_odd_values() -> None:
    data = load_document(BASE).data
    assert data["dataset"]["subjects"] == 2**64 + 1 and data["volume"]["personal_subjects_ytd"] == 10**30
    assert data["mechanisms"]["standard_contract"]["effective_on"] == dt.date(9999, 12, 31)


@pytest.mark.parametrize("op", ["==", "!=", "<", "<=", ">", ">=", "in", "not in", "contains"])
def test_each_comparison_agrees_on_odd_operands(op: str) -> None:
    conditions = [f"{left} {op} {right}" for left in PAIRED for right in PAIRED]
    assert _agree(conditions) >= 20


def _typed(expressions: Sequence[str]) -> list[str]:
    """The expressions the checker accepts, tried as `e == e` and decided by both evaluators (which
    compares their errors), to be compared with `PROBES` next."""
    conditions = {f"{expression} == {expression}": expression for expression in expressions}
    listed = list(conditions)
    kept: list[str] = []
    for start in range(0, len(listed), CHUNK):  # a rule file may hold 4,000 expression nodes (E151)
        chunk_kept, book = _checked(listed[start : start + CHUNK])
        if book is not None:
            _decide_both(book, chunk_kept)
        kept += chunk_kept
    return [conditions[condition] for condition in kept]


@pytest.mark.parametrize("op", ["+", "-"])
def test_each_arithmetic_operator_agrees_on_odd_operands(op: str) -> None:
    typed = _typed([f"({left} {op} {right})" for left in PAIRED for right in PAIRED])
    assert len(typed) >= 20
    conditions = [f"{expression} < {probe}" for expression in typed for probe in PROBES]
    assert _agree(conditions) >= 2 * len(typed)


@pytest.mark.parametrize("name", ["len", "year", "days_between", "working_days_between"])
def test_each_function_agrees_on_odd_arguments(name: str) -> None:
    if name in ("len", "year"):
        calls = [f"{name}({arg})" for arg in OPERANDS]
    else:
        calls = [f"{name}({a}, {b})" for a in PAIRED for b in PAIRED]
    typed = _typed(calls)
    assert len(typed) >= 5
    conditions = [
        f"{call} < {probe}" for call in typed for probe in ("0", "2_024", "999_999_999_999_999_999")
    ]
    assert _agree(conditions) == len(conditions)


def test_has_agrees_on_null_empty_and_set_values() -> None:
    conditions = [f"{negation}has({operand})" for operand in OPERANDS for negation in ("", "not ")]
    paths = [
        op
        for op in OPERANDS
        if re.fullmatch(r"[a-z_][a-z0-9_.]*", op) and op not in ("true", "false", "null")
    ]
    assert _agree(conditions) == 2 * len(paths)


@pytest.mark.parametrize("kind", ["any", "all", "count"])
def test_each_quantifier_agrees_over_odd_collections(kind: str) -> None:
    bodies = (
        "x == x",
        "x != null",
        "has(x)",
        "x == 1",
        'x.name == "a"',
        "x > 0",
        "any y in dataset.fields: y == x",
    )
    if kind == "count":
        conditions = [
            f"count(x in {c}: {b}) {cmp} 1" for c in OPERANDS for b in bodies for cmp in ("==", ">")
        ]
    else:
        conditions = [f"{kind} x in {c}: {b}" for c in OPERANDS for b in bodies]
    assert _agree(conditions) >= 20


def test_boolean_operators_agree_on_null_and_errors() -> None:
    """`and`, `or`, `not` over operands that hold, fail, read null or raise: the short-circuits agree."""
    parts = (
        "true",
        "false",
        "(mechanisms.pipia.completed_on > as_of)",
        "(as_of + 1 day > as_of)",
        "has(exporter.city)",
    )
    shapes = ("{a} and {b}", "{a} or {b}", "not ({a} and {b})", "not {a} or {b}")
    conditions = [shape.format(a=a, b=b) for a in parts for b in parts for shape in shapes]
    assert _agree(conditions) == len(conditions)


# ---- disagreements and crashes found by this file: regression tests the lead is to fix --------------


UNHASHABLE = """ruleset a
rule lists
  deny when dataset.fields in {dataset.fields}
  because "a list in a set of lists"
  cite "c"
rule objects
  deny when any f in dataset.fields: f in {f}
  because "{f.name} in a set of fields"
  cite "c"
"""


def test_a_set_of_unhashable_values_is_an_evaluation_error_not_a_crash() -> None:
    """`rules check` accepts both rules; a set literal of lists or field objects is an evaluation error
    (E302, fail closed) in the reference evaluator, and the fast path falls back to it."""
    book = load_rules({"a.rules": UNHASHABLE})
    assert_agree(book, load_document(BASE), None)


def test_two_rulesets_may_define_a_let_of_the_same_name() -> None:
    """Each ruleset's lets are its own: the values are cached per ruleset in both evaluators."""
    files = {
        "a.rules": "ruleset a\nlet big = dataset.subjects > 5\n"
        'rule r\n  allow when big\n  because "x"\n  cite "c"\n',
        "b.rules": "ruleset b\nlet big = dataset.subjects > 1_000_000\n"
        'rule r\n  deny when big\n  because "x"\n  cite "c"\n'
        'rule s\n  allow when true\n  because "x"\n  cite "c"\n',
    }
    together = load_rules(files)
    doc = json.loads(json.dumps(BASE))
    doc["dataset"]["subjects"] = 48_000
    manifest = load_document(doc)
    alone = {name: decide(load_rules({name: text}), manifest) for name, text in files.items()}
    assert alone["a.rules"].verdict.value == "allow" and alone["b.rules"].verdict.value == "allow"
    assert decide(together, manifest).verdict.value == "allow"
    assert decide(together, manifest, fast=False).verdict.value == "allow"


def test_a_huge_duration_is_refused_when_the_rules_load_not_a_crash() -> None:
    text = 'ruleset a\nrule r\n  deny when as_of + 1_000_000_000 days > as_of\n  because "x"\n  cite "c"\n'
    with pytest.raises(GbaError) as refused:
        load_rules({"a.rules": text})
    assert refused.value.code == "E152" and refused.value.first.span is not None
