"""Python source for rule-language expressions, shared by the generated fast path and its recording
twins (`codegen.py`, `recording.py`), and the helpers that generated code calls.

Generated code is only ever right when it completes: wherever a value is not what it can decide on, it
raises (`FallbackError`, or Python's own errors), and the caller falls back to the closure path
(`compiler.py`), which gives the exact outcome and error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from gba_dataflow.core import calendars
from gba_dataflow.core.workdays import working_days_between
from gba_dataflow.dsl import nodes
from gba_dataflow.engine.compiler import has_value

FastFn = Callable[[Mapping[str, Any], dt.date, dict[str, Any]], Any]


class FallbackError(Exception):
    """Raised inside generated code when a value is not what the fast path can decide on."""


def _fail() -> bool:
    """Where a value that must be a bool is not one (inline `x is True or (x is not False and _fail())`)."""
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


def _wd_cn(a: Any, b: Any) -> int:
    start, end = _dates(a, b)
    return calendars.working_days_between(start, end, calendars.Jurisdiction.MAINLAND)


def _wd_hk(a: Any, b: Any) -> int:
    start, end = _dates(a, b)
    return calendars.working_days_between(start, end, calendars.Jurisdiction.HONG_KONG)


def _wd_mo(a: Any, b: Any) -> int:
    start, end = _dates(a, b)
    return calendars.working_days_between(start, end, calendars.Jurisdiction.MACAO)


def _year(value: Any) -> int:
    if isinstance(value, dt.date):
        return value.year
    raise FallbackError


def _len(value: Any) -> int:
    if value is None:
        raise FallbackError
    return len(value)


HELPERS: dict[str, Any] = {
    "_fail": _fail,
    "_date": dt.date,
    "_U": object(),  # a let's local before it is read (a let's value may be None)
    "_any": _any,
    "_all": _all,
    "_count": _count,
    "_has": has_value,
    "_days": _days,
    "_wd": _wd,
    "_wd_cn": _wd_cn,
    "_wd_hk": _wd_hk,
    "_wd_mo": _wd_mo,
    "_year": _year,
    "_len": _len,
    "FallbackError": FallbackError,
}


class ExprGenerator:
    """Writes the Python source of rule-language expressions for the fast path.

    Literals other than None, booleans and integers go through `constants` (the module's `_k` table).
    """

    def __init__(
        self, lets: Mapping[str, nodes.Let], constants: list[Any], *, let_locals: bool = False
    ) -> None:
        self.lets = lets
        self.constants = constants
        self.let_locals = let_locals
        """Read lets through locals `_l_<name>` (`_U` until read), computed inline where neither they nor
        the per-manifest cache have the value: for a function that evaluates many conditions
        (`run_all`), which declares them (`let_locals_line`) and stores them (`let_store_lines`)."""
        self.temps = 0

    def let_locals_line(self) -> str:
        """The statement that declares the locals of the lets that are not constants, all `_U`."""
        names = [f"_l_{name} = " for name in self.lets if not self.is_constant(name)]
        return "".join(names) + "_U" if names else "pass"

    def let_store_lines(self, indent: str) -> list[str]:
        """Statements that put the lets computed in locals into the cache, for the recording twins."""
        lines = []
        for name in self.lets:
            if not self.is_constant(name):
                lines += [f"{indent}if _l_{name} is not _U:", f"{indent}    cache[{name!r}] = _l_{name}"]
        return lines

    def is_constant(self, name: str) -> bool:
        """Whether a let reads nothing from the manifest (a set of cities): its code is the constant."""
        return not any(isinstance(node, nodes.Path) for node in self.lets[name].expr.walk())

    def constant(self, value: Any) -> str:
        self.constants.append(value)
        return f"_k[{len(self.constants) - 1}]"

    def boolean(self, expr: nodes.Expr, bound: frozenset[str]) -> str:
        """An expression in a position that needs a bool: values read or called are checked (`_b`) unless
        they can only be bools; operators are bools already."""
        code = self.expr(expr, bound)
        if isinstance(expr, nodes.Path | nodes.Literal | nodes.Call) and not self.is_bool(expr, bound):
            value = self.temp()  # what `_b(code)` does, without a call
            return f"(({value} := {code}) is True or ({value} is not False and _fail()))"
        return code

    def temp(self) -> str:
        """A fresh local name for `:=` (a quantifier's lambda gets its own: `:=` binds there)."""
        self.temps += 1
        return f"_w{self.temps}"

    def is_bool(self, expr: nodes.Expr, bound: frozenset[str]) -> bool:
        """Whether the generated code of `expr` can only give a bool (or raise): comparisons, `and`, `or`,
        `not`, `any`, `all`, `has`, boolean literals, and `let`s of those."""
        if isinstance(expr, nodes.Compare | nodes.BoolOp | nodes.Not | nodes.Quantifier):
            return True
        if isinstance(expr, nodes.Call):
            return expr.name == "has"
        if isinstance(expr, nodes.Literal):
            return isinstance(expr.value, bool)
        if isinstance(expr, nodes.Path):
            head = expr.parts[0]
            if len(expr.parts) == 1 and head not in bound and head in self.lets:
                return self.is_bool(self.lets[head].expr, frozenset())  # the checker rejects cycles
        return False

    def negation(self, operand: nodes.Expr, code: str, bound: frozenset[str]) -> str:
        """`not` of an operand's code: Python's `not` where the operand can only be a bool."""
        if self.is_bool(operand, bound):
            return f"(not {code})"
        value = self.temp()  # what `_not(code)` does, without a call
        return f"(({value} := {code}) is False or ({value} is not True and _fail()))"

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
            return self.negation(expr.operand, self.expr(expr.operand, bound), bound)
        if isinstance(expr, nodes.BoolOp):
            return self.bool_op(expr, bound)
        if isinstance(expr, nodes.Compare):
            return self.compare(expr, bound)
        if isinstance(expr, nodes.Arith):
            return f"({self.expr(expr.left, bound)} {expr.op} {self.expr(expr.right, bound)})"
        if isinstance(expr, nodes.Quantifier | nodes.Count):
            return self.quantifier(expr, bound)
        if isinstance(expr, nodes.Call):
            return self.call(expr, [self.expr(arg, bound) for arg in expr.args])
        raise TypeError(f"cannot generate {type(expr).__name__}")  # pragma: no cover

    def call(self, expr: nodes.Call, args: list[str]) -> str:
        """A call of a built-in function on the code of its arguments."""
        if expr.name == "has":  # null: no; a date (the common case): yes; else ask `has_value`
            value = self.temp()
            return f"(({value} := {args[0]}) is not None and ({value}.__class__ is _date or _has({value})))"
        helper = {
            "has": "_has",
            "days_between": "_days",
            "working_days_between": "_wd",
            "mainland_working_days": "_wd_cn",
            "hong_kong_working_days": "_wd_hk",
            "macao_working_days": "_wd_mo",
            "len": "_len",
            "year": "_year",
        }[expr.name]
        return f"{helper}({', '.join(args)})"

    def bool_op(self, expr: nodes.BoolOp, bound: frozenset[str]) -> str:
        joiner = f" {expr.op} "
        return "(" + joiner.join(self.boolean(op, bound) for op in expr.operands) + ")"

    def quantifier(self, expr: nodes.Quantifier | nodes.Count, bound: frozenset[str]) -> str:
        helper = "_count" if isinstance(expr, nodes.Count) else f"_{expr.kind}"
        inner = bound | {expr.var}
        body = self.boolean(expr.body, inner)
        return f"{helper}({self.expr(expr.collection, bound)}, lambda v_{expr.var}: {body})"

    def path(self, expr: nodes.Path, bound: frozenset[str]) -> str:
        head, *rest = expr.parts
        if head in bound:
            base = f"v_{head}"
        elif head in self.lets:
            if self.is_constant(head):
                base = self.expr(self.lets[head].expr, frozenset())
            elif self.let_locals and not bound:  # (in a quantifier's lambda `:=` would bind there)
                local = f"_l_{head}"
                inline = self.expr(self.lets[head].expr, frozenset())  # the checker rejects cycles
                value = f"(cache[{head!r}] if {head!r} in cache else {inline})"
                base = f"({local} if {local} is not _U else ({local} := {value}))"
            else:
                base = f"(cache[{head!r}] if {head!r} in cache else _let_{head}(root, as_of, cache))"
        elif head == "as_of" and not rest:
            return "as_of"
        else:
            base = f"root[{head!r}]"
        return base + "".join(f"[{key!r}]" for key in rest)

    def compare(self, expr: nodes.Compare, bound: frozenset[str]) -> str:
        return self.comparison(expr, self.expr(expr.left, bound), self.expr(expr.right, bound))

    def same(self, expr: nodes.Compare, left: str, right: str) -> str:
        """`==` of the rule language (`same_value`: a boolean never equals a number), inline: Python's
        `==` of the manifest's values (text, numbers, booleans, null, dates, lists, mappings) is a bool."""
        literals = [side.value for side in (expr.left, expr.right) if isinstance(side, nodes.Literal)]
        if literals and isinstance(literals[0], str | dt.date):
            return f"({left} == {right})"  # text or a date never equals a bool
        if literals and isinstance(literals[0], bool):
            other = right if isinstance(expr.left, nodes.Literal) else left
            return f"({other} is {literals[0]})"  # only the same boolean equals a boolean
        if literals:
            other = right if isinstance(expr.left, nodes.Literal) else left
            value = self.temp()
            literal = left if isinstance(expr.left, nodes.Literal) else right
            return f"(({value} := {other}).__class__ is not bool and {value} == {literal})"
        a, b = self.temp(), self.temp()
        same_kind = f"(({a} := {left}).__class__ is bool) is (({b} := {right}).__class__ is bool)"
        return f"(({same_kind}) and {a} == {b})"

    def comparison(self, expr: nodes.Compare, left: str, right: str) -> str:
        """A comparison of the code of its two sides."""
        op = expr.op
        if op == "==":
            return self.same(expr, left, right)
        if op == "!=":
            return f"(not {self.same(expr, left, right)})"
        if op == "contains":
            return f"({right} in {left})"
        return f"({left} {op} {right})"
