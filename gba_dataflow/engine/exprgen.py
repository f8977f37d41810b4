"""Python source for rule-language expressions, for the generated fast path (`codegen.py`), and the helpers
that generated code calls.

Operators and functions are written from the operator table (`dsl/operators.py`): an entry's inline
template where it has one, else a call of its reference behaviour, so a new operator needs no code here.

Generated code is only ever right when it completes: wherever a value is not what it can decide on, it
raises (`FallbackError`, or Python's own errors), and the caller falls back to the closure path
(`compiler.py`), which gives the exact outcome and error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from gba_dataflow.dsl import nodes
from gba_dataflow.dsl.operators import FUNCTIONS, OPERATORS, Operator, has_value

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


HELPERS: dict[str, Any] = {
    "_fail": _fail,
    "_date": dt.date,
    "_U": object(),  # a let's local before it is read (a let's value may be None)
    "_any": _any,
    "_all": _all,
    "_count": _count,
    "_has": has_value,
    "_op": {name: entry.evaluate for name, entry in {**OPERATORS, **FUNCTIONS}.items()},
    "FallbackError": FallbackError,
}


class ExprGenerator:
    """Writes the Python source of rule-language expressions for the fast path.

    Literals other than None, booleans and integers go through `constants` (the module's `_k` table).

    A `let` is read one way everywhere: from the function's local `_l_<name>` (`_U` until read; every
    generated function declares them with `let_locals_line` and hands them on with `let_store_lines`),
    else from the per-manifest cache, else computed in place. Inside a quantifier's lambda, where `:=`
    would bind the lambda's own local, the computed value goes straight into the cache.
    """

    def __init__(self, lets: Mapping[str, nodes.Let], constants: list[Any]) -> None:
        self.lets = lets
        self.constants = constants
        self.temps = 0

    def let_locals_line(self) -> str:
        """The statement that declares the locals of the lets that are not constants, all `_U`."""
        names = [f"_l_{name} = " for name in self.lets if not self.is_constant(name)]
        return "".join(names) + "_U" if names else "pass"

    def let_store_lines(self, indent: str) -> list[str]:
        """Statements that put the lets computed in locals into the per-manifest cache."""
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
            return self.operation(
                expr, OPERATORS[expr.op], [self.expr(expr.left, bound), self.expr(expr.right, bound)]
            )
        if isinstance(expr, nodes.Quantifier | nodes.Count):
            return self.quantifier(expr, bound)
        if isinstance(expr, nodes.Call):
            return self.call(expr, [self.expr(arg, bound) for arg in expr.args])
        raise TypeError(f"cannot generate {type(expr).__name__}")  # pragma: no cover

    def call(self, expr: nodes.Call, args: list[str]) -> str:
        """A call of a built-in function on the code of its arguments."""
        return self.operation(expr, FUNCTIONS[expr.name], args)

    def operation(self, expr: nodes.Expr, operator: Operator, args: list[str]) -> str:
        """An operator or function on the code of its operands: its inline template, else a call of its
        reference behaviour (whose refusal of a value raises, and the caller falls back)."""
        inline = operator.inline
        if inline is None:
            return f"_op[{operator.name!r}]({', '.join(args)})"
        if isinstance(inline, str):
            return inline.format(*args)
        return inline(self, expr, tuple(args))

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
            else:
                inline = self.expr(self.lets[head].expr, frozenset())  # the checker rejects cycles
                if bound:  # in a quantifier's lambda: no local
                    base = f"(cache[{head!r}] if {head!r} in cache else cache.setdefault({head!r}, {inline}))"
                else:
                    local = f"_l_{head}"
                    value = f"(cache[{head!r}] if {head!r} in cache else {inline})"
                    base = f"({local} if {local} is not _U else ({local} := {value}))"
        elif head == "as_of" and not rest:
            return "as_of"
        else:
            base = f"root[{head!r}]"
        return base + "".join(f"[{key!r}]" for key in rest)

    def compare(self, expr: nodes.Compare, bound: frozenset[str]) -> str:
        return self.comparison(expr, self.expr(expr.left, bound), self.expr(expr.right, bound))

    def comparison(self, expr: nodes.Compare, left: str, right: str) -> str:
        """A comparison of the code of its two sides."""
        return self.operation(expr, OPERATORS[expr.op], [left, right])
