"""The operator table (`dsl/operators.py`) is the one place an operator is declared: every consumer reads it.

These tests fail when an operator is spelled by the grammar but missing from the table, when an entry lacks
what a consumer needs, when a consumer cannot handle an entry, and when an inline template of the generated
code disagrees with the reference behaviour on odd operand values.
"""

from __future__ import annotations

import datetime as dt
import re
import typing
from pathlib import Path
from typing import Any

import pytest

from gba_dataflow.core.errors import EvalError
from gba_dataflow.dsl import nodes
from gba_dataflow.dsl.formatter import format_text
from gba_dataflow.dsl.operators import FUNCTIONS, OPERATORS, OperandError, Operator, spelled_operators
from gba_dataflow.dsl.parser import parse_text
from gba_dataflow.engine.evaluator import Compiler, EvalContext
from gba_dataflow.engine.exprgen import HELPERS, ExprGenerator

GRAMMAR = (Path(__file__).resolve().parents[2] / "gba_dataflow" / "dsl" / "grammar.lark").read_text()
ALL = {**OPERATORS, **FUNCTIONS}


def test_every_operator_of_the_ast_has_an_entry() -> None:
    compare = set(typing.get_args(nodes.CompareOperator))
    assert compare
    assert compare | {"and", "or", "not", "+", "-"} == set(OPERATORS)


@pytest.mark.parametrize("name", sorted(OPERATORS))
def test_the_grammar_spells_every_operator(name: str) -> None:
    for word in name.split():
        assert f'"{word}"' in GRAMMAR or re.search(rf"(^|\|)\s*\"{re.escape(word)}\"", GRAMMAR), name


@pytest.mark.parametrize("entry", list(ALL.values()), ids=list(ALL))
def test_every_entry_has_what_each_consumer_reads(entry: Operator) -> None:
    assert callable(entry.type_rule), "the checker calls the type rule"
    assert entry.precedence >= 1, "the formatter parenthesises by precedence"
    if entry.kind == "logical" and entry.arity == 0:
        assert entry.decides is not None, "the evaluator short-circuits on `decides`"
    else:
        assert entry.evaluate is not None, "the evaluator applies the reference behaviour"
    if entry.kind == "compare" and entry.name not in ("in", "not in", "contains"):
        assert entry.converse in OPERATORS, "the bound checks swap sides with the converse"


def test_the_hint_lists_every_operator_once() -> None:
    hint = spelled_operators()
    for name in OPERATORS:
        for word in name.split():
            assert word in hint


def _rule_with(condition: str) -> str:
    return f'ruleset t\nrule r\n  deny when {condition}\n  because "b"\n  cite "c"\n'


CONDITIONS = {
    "and": "dataset.core_data and dataset.important_data",
    "or": "dataset.core_data or dataset.important_data",
    "not": "not dataset.core_data",
    "==": 'transfer.origin.region == "CN-GD"',
    "!=": 'transfer.origin.region != "CN-GD"',
    "<": "dataset.subjects < 10",
    "<=": "dataset.subjects <= 10",
    ">": "dataset.subjects > 10",
    ">=": "dataset.subjects >= 10",
    "in": 'transfer.origin.region in {"HK", "MO"}',
    "not in": 'transfer.origin.region not in {"HK", "MO"}',
    "contains": '{"HK", "MO"} contains transfer.origin.region',
    "+": "transfer.date + 10 days > as_of",
    "-": "transfer.date - 10 days < as_of",
    "has": "has(mechanisms.pipia.completed_on)",
    "days_between": "days_between(transfer.date, as_of) > 1",
    "working_days_between": "working_days_between(transfer.date, as_of) > 1",
    "len": "len(dataset.fields) > 1",
    "year": "year(transfer.date) == 2026",
}


def test_every_entry_has_a_consumer_test_condition() -> None:
    assert set(CONDITIONS) == set(ALL)


@pytest.mark.parametrize("name", sorted(CONDITIONS))
def test_every_consumer_handles_every_entry(name: str) -> None:
    """Parse, check, format (and parse again), evaluate and generate code for a rule using the entry."""
    from gba_dataflow.dsl.checker import check_rulesets
    from gba_dataflow.engine.codegen import generate_code, link
    from gba_dataflow.engine.rulebook import manifest_catalog

    text = _rule_with(CONDITIONS[name])
    ruleset = parse_text(text, "t.rules")
    assert not check_rulesets([ruleset], manifest_catalog()).errors
    assert parse_text(format_text(text, "t.rules"), "t.rules") == ruleset
    root: dict[str, Any] = {
        "transfer": {"origin": {"region": "CN-GD"}, "date": dt.date(2026, 1, 5)},
        "dataset": {"core_data": False, "important_data": True, "subjects": 3, "fields": [{}, {}]},
        "mechanisms": {"pipia": {"completed_on": None}},
    }
    day = dt.date(2026, 3, 1)
    reference = Compiler({})._compile(ruleset.rules[0].condition, frozenset())(EvalContext(root, day))
    fast = link(generate_code(ruleset)).rules[0](root, day, {})
    assert fast is reference


# ---- inline templates agree with the reference behaviour --------------------------------------------

ODD_VALUES: list[Any] = [
    None,
    True,
    False,
    0,
    1,
    -1,
    2**70,
    1.5,
    "",
    "HK",
    "1",
    dt.date(1, 1, 1),
    dt.date(9999, 12, 31),
    dt.date(2025, 2, 5),
    dt.timedelta(days=10),
    frozenset(),
    frozenset({"HK", 1}),
    [],
    ["HK"],
    {},
    {"name": "x"},
]


def _reference(entry: Operator, values: tuple[Any, ...]) -> Any:
    assert entry.evaluate is not None
    try:
        return entry.evaluate(*values)
    except OperandError:
        return "refused"
    except (TypeError, OverflowError):  # outside the checked language (`len(5)`): the evaluator's E302 path
        return "refused"


def _inline(entry: Operator, values: tuple[Any, ...], literal_side: int | None) -> Any:
    """The generated code of the entry, on paths (or a literal on one side), evaluated on `values`."""
    operands: list[nodes.Expr] = []
    root: dict[str, Any] = {}
    for index, value in enumerate(values):
        if index == literal_side:
            operands.append(nodes.Literal(value=value))
        else:
            operands.append(nodes.Path(parts=(f"v{index}",)))
            root[f"v{index}"] = value
    if entry.kind == "function":
        expr: nodes.Expr = nodes.Call(name=entry.name, args=tuple(operands))
    elif entry.kind == "arith":
        expr = nodes.Arith(op=entry.name, left=operands[0], right=operands[1])  # type: ignore[arg-type]
    else:
        expr = nodes.Compare(op=entry.name, left=operands[0], right=operands[1])  # type: ignore[arg-type]
    constants: list[Any] = []
    code = ExprGenerator({}, constants).expr(expr, frozenset())
    namespace = {**HELPERS, "_k": tuple(constants), "root": root}
    try:
        return eval(code, namespace)
    except Exception:
        return "fallback"


INLINED = [entry for entry in ALL.values() if entry.evaluate is not None and entry.kind != "logical"]


@pytest.mark.parametrize("entry", INLINED, ids=[entry.name for entry in INLINED])
def test_generated_code_agrees_with_the_reference_on_odd_values(entry: Operator) -> None:
    """Where the generated code gives a value it is the reference's value (of the same type); where it
    cannot, it raises and the evaluator decides (so it may fall back, never disagree)."""
    arity = entry.arity
    pairs = [(a,) for a in ODD_VALUES] if arity == 1 else [(a, b) for a in ODD_VALUES for b in ODD_VALUES]
    literal_sides: list[int | None] = [None, 0, 1] if arity == 2 else [None]
    for values in pairs:
        expected = _reference(entry, values)
        for side in literal_sides:
            if side is not None and not isinstance(values[side], str | int | float | bool | dt.date):
                continue  # literals in rules are scalars
            got = _inline(entry, values, side)
            if got == "fallback":
                continue
            assert expected != "refused", (
                f"{entry.name}{values} (literal {side}): fast {got!r}, reference refuses"
            )
            assert type(got) is type(expected) and got == expected, (
                f"{entry.name}{values} (literal {side}): fast {got!r}, reference {expected!r}"
            )


def test_a_refusal_is_located_at_the_operand_at_fault() -> None:
    ruleset = parse_text(_rule_with("dataset.subjects < mechanisms.pipia.completed_on"), "t.rules")
    condition = ruleset.rules[0].condition
    assert isinstance(condition, nodes.Compare)
    fn = Compiler({}).compile(condition)
    with pytest.raises(EvalError) as raised:
        fn(EvalContext({"dataset": {"subjects": None}, "mechanisms": {"pipia": {}}}, dt.date(2026, 1, 1)))
    first = raised.value.first
    assert first.code == "E301"
    assert first.message == "`dataset.subjects` has no value"
    assert first.span == condition.left.span
