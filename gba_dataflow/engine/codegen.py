"""Generate Python source for the fast path of rule evaluation.

Each rule's condition becomes one Python function `(root, as_of, cache) -> bool`, compiled once per
ruleset. The fast path records no facts and never decides an error case: if a function raises or
returns anything but a bool, the caller falls back to the closure path (`compiler.py`), which raises
the precise `EvalError` and applies the fail-closed semantics. So the fast path only ever has to be
right when it returns True or False, and it is, because both paths share one semantics.

The generated source never contains user text: names are prefixed identifiers checked by the grammar
(`[A-Za-z_][A-Za-z0-9_]*`), dictionary keys are `repr()` of identifier strings, and every other
literal (strings, dates, sets) is passed in through a constants table.
"""

from __future__ import annotations

import datetime as dt
import marshal
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from gba_dataflow.core.workdays import working_days_between
from gba_dataflow.dsl import nodes
from gba_dataflow.engine.compiler import has_value, same_value

FastFn = Callable[[Mapping[str, Any], dt.date, dict[str, Any]], Any]


class FallbackError(Exception):
    """Raised inside generated code when a value is not what the fast path can decide on."""


def _b(value: Any) -> bool:
    if value is True or value is False:
        return value
    raise FallbackError


def _not(value: Any) -> bool:
    if value is True:
        return False
    if value is False:
        return True
    raise FallbackError


def _any(items: Iterable[Any], body: Callable[[Any], Any]) -> bool:
    for item in items:
        value = body(item)
        if value is True:
            return True
        if value is not False:
            raise FallbackError
    return False


def _all(items: Iterable[Any], body: Callable[[Any], Any]) -> bool:
    for item in items:
        value = body(item)
        if value is False:
            return False
        if value is not True:
            raise FallbackError
    return True


def _count(items: Iterable[Any], body: Callable[[Any], Any]) -> int:
    total = 0
    for item in items:
        value = body(item)
        if value is True:
            total += 1
        elif value is not False:
            raise FallbackError
    return total


def _dates(a: Any, b: Any) -> tuple[dt.date, dt.date]:
    if isinstance(a, dt.date) and isinstance(b, dt.date):
        return a, b
    raise FallbackError


def _days(a: Any, b: Any) -> int:
    start, end = _dates(a, b)
    return (end - start).days


def _wd(a: Any, b: Any) -> int:
    start, end = _dates(a, b)
    return working_days_between(start, end)


def _year(value: Any) -> int:
    if isinstance(value, dt.date):
        return value.year
    raise FallbackError


def _len(value: Any) -> int:
    if value is None:
        raise FallbackError
    return len(value)


HELPERS: dict[str, Any] = {
    "_b": _b,
    "_not": _not,
    "_any": _any,
    "_all": _all,
    "_count": _count,
    "_has": has_value,
    "_days": _days,
    "_wd": _wd,
    "_eq": same_value,
    "_year": _year,
    "_len": _len,
    "FallbackError": FallbackError,
}


class _Generator:
    def __init__(self, lets: Mapping[str, nodes.Let]) -> None:
        self.lets = lets
        self.constants: list[Any] = []

    def constant(self, value: Any) -> str:
        self.constants.append(value)
        return f"_k[{len(self.constants) - 1}]"

    def boolean(self, expr: nodes.Expr, bound: frozenset[str]) -> str:
        """An expression in a position that needs a bool: paths are checked, operators are already bool."""
        code = self.expr(expr, bound)
        if isinstance(expr, nodes.Path | nodes.Literal | nodes.Call) and not (
            isinstance(expr, nodes.Call) and expr.name == "has"
        ):
            return f"_b({code})"
        return code

    def expr(self, expr: nodes.Expr, bound: frozenset[str]) -> str:
        if isinstance(expr, nodes.Literal):
            value = expr.value
            if value is None or isinstance(value, bool | int):
                return repr(value)
            return self.constant(value)
        if isinstance(expr, nodes.Duration):
            return self.constant(dt.timedelta(days=expr.days))
        if isinstance(expr, nodes.Path):
            return self.path(expr, bound)
        if isinstance(expr, nodes.SetLiteral):
            if all(isinstance(item, nodes.Literal) for item in expr.items):
                values = frozenset(item.value for item in expr.items if isinstance(item, nodes.Literal))
                return self.constant(values)
            return "frozenset((" + "".join(self.expr(i, bound) + ", " for i in expr.items) + "))"
        if isinstance(expr, nodes.Not):
            return f"_not({self.expr(expr.operand, bound)})"
        if isinstance(expr, nodes.BoolOp):
            joiner = f" {expr.op} "
            return "(" + joiner.join(self.boolean(op, bound) for op in expr.operands) + ")"
        if isinstance(expr, nodes.Compare):
            return self.compare(expr, bound)
        if isinstance(expr, nodes.Arith):
            return f"({self.expr(expr.left, bound)} {expr.op} {self.expr(expr.right, bound)})"
        if isinstance(expr, nodes.Quantifier | nodes.Count):
            helper = "_count" if isinstance(expr, nodes.Count) else f"_{expr.kind}"
            inner = bound | {expr.var}
            body = self.boolean(expr.body, inner)
            return f"{helper}({self.expr(expr.collection, bound)}, lambda v_{expr.var}: {body})"
        if isinstance(expr, nodes.Call):
            args = ", ".join(self.expr(arg, bound) for arg in expr.args)
            helper = {
                "has": "_has",
                "days_between": "_days",
                "working_days_between": "_wd",
                "len": "_len",
                "year": "_year",
            }[expr.name]
            return f"{helper}({args})"
        raise TypeError(f"cannot generate {type(expr).__name__}")  # pragma: no cover

    def path(self, expr: nodes.Path, bound: frozenset[str]) -> str:
        head, *rest = expr.parts
        if head in bound:
            base = f"v_{head}"
        elif head in self.lets:
            base = f"(cache[{head!r}] if {head!r} in cache else _let_{head}(root, as_of, cache))"
        elif head == "as_of" and not rest:
            return "as_of"
        else:
            base = f"root[{head!r}]"
        return base + "".join(f"[{key!r}]" for key in rest)

    def compare(self, expr: nodes.Compare, bound: frozenset[str]) -> str:
        left = self.expr(expr.left, bound)
        right = self.expr(expr.right, bound)
        op = expr.op
        plain = any(
            isinstance(side, nodes.Literal) and isinstance(side.value, str | dt.date)
            for side in (expr.left, expr.right)
        )  # a string or date literal can never equal a bool, so Python's == is exact here
        if op == "==":
            return f"({left} == {right})" if plain else f"_eq({left}, {right})"
        if op == "!=":
            return f"({left} != {right})" if plain else f"(not _eq({left}, {right}))"
        if op == "contains":
            return f"({right} in {left})"
        return f"({left} {op} {right})"


RunAll = Callable[[Mapping[str, Any], dt.date, dict[str, Any]], tuple[list[int], list[int]]]


@dataclass(frozen=True)
class GeneratedCode:
    """A ruleset's fast path, compiled but not yet linked: picklable, so the rules cache keeps it."""

    code: bytes
    """`marshal` of the module's code object (the cache key includes the Python version)."""
    constants: tuple[Any, ...]
    rule_count: int
    has_applies: bool


def generate(ruleset: nodes.Ruleset) -> tuple[FastFn | None, list[FastFn], RunAll]:
    """Compile the ruleset's `applies when`, each rule's condition, and `run_all`.

    `run_all(root, as_of, cache)` evaluates every rule active on `as_of` in one call and returns
    (indexes of rules that held, indexes the fast path could not decide).
    """
    return link(generate_code(ruleset))


def generate_code(ruleset: nodes.Ruleset) -> GeneratedCode:
    """Write and compile the fast-path module of a ruleset (see `generate`)."""
    lets = {let.name: let for let in ruleset.lets}
    gen = _Generator(lets)
    lines: list[str] = []
    for let in ruleset.lets:
        lines.append(f"def _let_{let.name}(root, as_of, cache):")
        lines.append(f"    value = cache[{let.name!r}] = {gen.expr(let.expr, frozenset())}")
        lines.append("    return value")
    if ruleset.applies is not None:
        lines.append(f"def applies(root, as_of, cache):\n    return {gen.expr(ruleset.applies, frozenset())}")
    conditions = [gen.expr(rule.condition, frozenset()) for rule in ruleset.rules]
    for index, code in enumerate(conditions):
        lines.append(f"def rule_{index}(root, as_of, cache):\n    return {code}")
    lines.append("def run_all(root, as_of, cache):")
    lines.append("    held = []")
    lines.append("    undecided = []")
    for index, (rule, code) in enumerate(zip(ruleset.rules, conditions, strict=True)):
        indent = "    "
        window = []
        if rule.effective_from is not None:
            window.append(f"{gen.constant(rule.effective_from)} <= as_of")
        if rule.effective_until is not None:
            window.append(f"as_of < {gen.constant(rule.effective_until)}")
        if window:
            lines.append(f"    if {' and '.join(window)}:")
            indent = "        "
        lines.append(f"{indent}try:")
        lines.append(f"{indent}    value = {code}")
        lines.append(f"{indent}except Exception:")
        lines.append(f"{indent}    undecided.append({index})")
        lines.append(f"{indent}else:")
        lines.append(f"{indent}    if value is True:")
        lines.append(f"{indent}        held.append({index})")
        lines.append(f"{indent}    elif value is not False:")
        lines.append(f"{indent}        undecided.append({index})")
    lines.append("    return held, undecided")
    compiled = compile("\n".join(lines) + "\n", f"<gba-dataflow fast path: {ruleset.name}>", "exec")
    return GeneratedCode(
        marshal.dumps(compiled), tuple(gen.constants), len(ruleset.rules), ruleset.applies is not None
    )


def link(generated: GeneratedCode) -> tuple[FastFn | None, list[FastFn], RunAll]:
    """Run a generated module and return its functions (see `generate`)."""
    namespace: dict[str, Any] = dict(HELPERS)
    namespace["_k"] = generated.constants
    exec(marshal.loads(generated.code), namespace)
    applies = namespace["applies"] if generated.has_applies else None
    rules = [namespace[f"rule_{index}"] for index in range(generated.rule_count)]
    return applies, rules, namespace["run_all"]
