"""Compile AST expressions into Python closures, once per ruleset.

A compiled expression is a function of an `EvalContext`. When `ctx.facts` is a list, every manifest
path read is appended to it as (path, pointer, value), and `and`/`or`/`any`/`all` keep only the facts
that decided their result: the facts that made a condition hold. When it is None (the fast path used
for every rule first), nothing is recorded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from gba_dataflow.core import calendars
from gba_dataflow.core.blank import is_blank
from gba_dataflow.core.errors import EvalError
from gba_dataflow.core.source import Span
from gba_dataflow.core.workdays import working_days_between
from gba_dataflow.dsl import nodes

RawFact = tuple[str, str, Any]
# A quantifier variable: (element, collection path, collection pointer, index).
Binding = tuple[Any, str | None, str | None, int]
Fn = Callable[["EvalContext"], Any]


class EvalContext:
    """Everything a compiled expression may read for one manifest."""

    __slots__ = ("as_of", "facts", "let_recorded", "let_values", "root", "variables", "witnesses")

    def __init__(self, root: Mapping[str, Any], as_of: dt.date) -> None:
        self.root = root
        self.as_of = as_of
        self.facts: list[RawFact] | None = None
        self.let_values: dict[str, Any] = {}
        self.let_recorded: dict[str, tuple[Any, tuple[RawFact, ...]]] = {}
        self.variables: dict[str, Binding] = {}
        self.witnesses: dict[str, Binding] = {}


def _error(code: str, message: str, span: Span, hint: str | None = None) -> EvalError:
    return EvalError(message, code=code, span=span, hint=hint)


def _null_error(expr: nodes.Expr, what: str) -> EvalError:
    return _error("E301", f"{what} has no value", expr.span, "guard optional fields with `has(path) and ...`")


class Compiler:
    """Turns the expressions of one ruleset into closures; `let`s are compiled once, cached per manifest."""

    def __init__(self, lets: Mapping[str, nodes.Let]) -> None:
        self.lets = lets
        self._let_fns: dict[str, Fn] = {}

    def compile(self, expr: nodes.Expr, bound: frozenset[str] = frozenset()) -> Fn:
        if isinstance(expr, nodes.Literal):
            value = expr.value
            return lambda ctx: value
        if isinstance(expr, nodes.Duration):
            delta = dt.timedelta(days=expr.days)
            return lambda ctx: delta
        if isinstance(expr, nodes.Path):
            return self._path(expr, bound)
        if isinstance(expr, nodes.SetLiteral):
            return self._set(expr, bound)
        if isinstance(expr, nodes.Not):
            return self._not(expr, bound)
        if isinstance(expr, nodes.BoolOp):
            return self._bool_op(expr, bound)
        if isinstance(expr, nodes.Compare):
            return self._compare(expr, bound)
        if isinstance(expr, nodes.Arith):
            return self._arith(expr, bound)
        if isinstance(expr, nodes.Quantifier):
            return self._quantifier(expr, bound)
        if isinstance(expr, nodes.Count):
            return self._count(expr, bound)
        if isinstance(expr, nodes.Call):
            return self._call(expr, bound)
        raise TypeError(f"cannot compile {type(expr).__name__}")  # pragma: no cover

    # -- names
    def _path(self, expr: nodes.Path, bound: frozenset[str]) -> Fn:
        head, *rest = expr.parts
        if head in bound:
            return _variable_path(head, tuple(rest))
        if head in self.lets:
            let_fn = self._let(head)
            if rest:
                keys = tuple(rest)

                def let_member(ctx: EvalContext) -> Any:
                    return dig(let_fn(ctx), keys)

                return let_member
            return let_fn
        if head == "as_of" and not rest:

            def as_of(ctx: EvalContext) -> Any:
                if ctx.facts is not None:
                    ctx.facts.append(("as_of", "", ctx.as_of))
                return ctx.as_of

            return as_of
        return _root_path(expr.parts)

    def _let(self, name: str) -> Fn:
        if name in self._let_fns:
            return self._let_fns[name]
        inner_holder: list[Fn] = []

        def let_value(ctx: EvalContext) -> Any:
            recorded = ctx.let_recorded.get(name)
            if ctx.facts is None:
                if recorded is not None:
                    return recorded[0]
                if name in ctx.let_values:
                    return ctx.let_values[name]
                value = ctx.let_values[name] = inner_holder[0](ctx)
                return value
            if recorded is not None:
                ctx.facts.extend(recorded[1])
                return recorded[0]
            mark = len(ctx.facts)
            witnesses, ctx.witnesses = ctx.witnesses, {}  # a let's quantifiers are not the rule's
            try:
                value = inner_holder[0](ctx)
            finally:
                ctx.witnesses = witnesses
            ctx.let_recorded[name] = (value, tuple(ctx.facts[mark:]))
            return value

        self._let_fns[name] = let_value
        inner_holder.append(self.compile(self.lets[name].expr))
        return let_value

    # -- operators
    def _set(self, expr: nodes.SetLiteral, bound: frozenset[str]) -> Fn:
        if all(isinstance(item, nodes.Literal) for item in expr.items):
            constant = frozenset(item.value for item in expr.items if isinstance(item, nodes.Literal))
            return lambda ctx: constant
        fns = [self.compile(item, bound) for item in expr.items]
        return lambda ctx: frozenset(fn(ctx) for fn in fns)

    def _not(self, expr: nodes.Not, bound: frozenset[str]) -> Fn:
        operand = self.compile(expr.operand, bound)
        span = expr.operand.span

        def negate(ctx: EvalContext) -> bool:
            value = operand(ctx)
            if value is True:
                return False
            if value is False:
                return True
            raise bool_error(value, span)

        return negate

    def _bool_op(self, expr: nodes.BoolOp, bound: frozenset[str]) -> Fn:
        operands = tuple((self.compile(op, bound), op.span) for op in expr.operands)
        decisive = expr.op == "or"  # `or` is decided by a True operand, `and` by a False one
        decided: bool = decisive

        def bool_op(ctx: EvalContext) -> bool:
            facts = ctx.facts
            start = len(facts) if facts is not None else 0
            for fn, span in operands:
                mark = len(facts) if facts is not None else 0
                value = fn(ctx)
                if value is decisive:
                    if facts is not None:
                        del facts[start:mark]
                    return decided
                if value is not (not decisive):
                    raise bool_error(value, span)
            return not decisive

        return bool_op

    def _compare(self, expr: nodes.Compare, bound: frozenset[str]) -> Fn:
        left = self.compile(expr.left, bound)
        right = self.compile(expr.right, bound)
        op = expr.op
        if op in ("in", "not in"):
            negate = op == "not in"

            def membership(ctx: EvalContext) -> bool:
                item = left(ctx)
                container = right(ctx)
                if container is None:
                    raise _null_error(expr.right, "the collection after `in`")
                try:
                    return (item in container) is not negate
                except TypeError as error:
                    raise _type_error(expr, error) from None

            return membership
        if op == "contains":

            def contains(ctx: EvalContext) -> bool:
                container = left(ctx)
                item = right(ctx)
                if container is None:
                    raise _null_error(expr.left, "the collection before `contains`")
                try:
                    return item in container
                except TypeError as error:
                    raise _type_error(expr, error) from None

            return contains
        if op == "==":
            return lambda ctx: same_value(left(ctx), right(ctx))
        if op == "!=":
            return lambda ctx: not same_value(left(ctx), right(ctx))
        compare = _ORDERINGS[op]

        def ordering(ctx: EvalContext) -> bool:
            a = left(ctx)
            b = right(ctx)
            try:
                return bool(compare(a, b))
            except TypeError as error:
                if a is None:
                    raise _null_error(expr.left, f"`{_text(expr.left)}`") from None
                if b is None:
                    raise _null_error(expr.right, f"`{_text(expr.right)}`") from None
                raise _type_error(expr, error) from None

        return ordering

    def _arith(self, expr: nodes.Arith, bound: frozenset[str]) -> Fn:
        left = self.compile(expr.left, bound)
        right = self.compile(expr.right, bound)
        subtract = expr.op == "-"

        def arith(ctx: EvalContext) -> Any:
            a = left(ctx)
            b = right(ctx)
            if a is None:
                raise _null_error(expr.left, f"`{_text(expr.left)}`")
            if b is None:
                raise _null_error(expr.right, f"`{_text(expr.right)}`")
            try:
                return a - b if subtract else a + b
            except (TypeError, OverflowError) as error:
                raise _type_error(expr, error) from None

        return arith

    def _collection(self, expr: nodes.Quantifier | nodes.Count, bound: frozenset[str]) -> tuple[Fn, Fn]:
        collection = self.compile(expr.collection, bound)
        locate = _locator(expr.collection, bound, self.lets)
        return collection, locate

    def _quantifier(self, expr: nodes.Quantifier, bound: frozenset[str]) -> Fn:
        collection, locate = self._collection(expr, bound)
        body = self.compile(expr.body, bound | {expr.var})
        var = expr.var
        want = expr.kind == "any"  # `any` is decided by a True element, `all` by a False one
        found: bool = want
        body_span = expr.body.span

        def quantify(ctx: EvalContext) -> bool:
            items = _read_collection(ctx, collection, locate, expr)
            facts = ctx.facts
            where, pointer = locate(ctx) if facts is not None else (None, None)
            saved = ctx.variables.get(var)
            start = len(facts) if facts is not None else 0
            try:
                for index, item in enumerate(items):
                    binding = (item, where, pointer, index)
                    ctx.variables[var] = binding
                    mark = len(facts) if facts is not None else 0
                    value = body(ctx)
                    if value is want:
                        if facts is not None:
                            del facts[start:mark]
                            ctx.witnesses[var] = binding
                        return found
                    if value is not (not want):
                        raise bool_error(value, body_span)
                return not want
            finally:
                if saved is None:
                    ctx.variables.pop(var, None)
                else:
                    ctx.variables[var] = saved

        return quantify

    def _count(self, expr: nodes.Count, bound: frozenset[str]) -> Fn:
        collection, locate = self._collection(expr, bound)
        body = self.compile(expr.body, bound | {expr.var})
        var = expr.var

        def count(ctx: EvalContext) -> int:
            items = _read_collection(ctx, collection, locate, expr)
            where, pointer = locate(ctx) if ctx.facts is not None else (None, None)
            saved = ctx.variables.get(var)
            total = 0
            try:
                for index, item in enumerate(items):
                    ctx.variables[var] = (item, where, pointer, index)
                    if body(ctx) is True:
                        total += 1
            finally:
                if saved is None:
                    ctx.variables.pop(var, None)
                else:
                    ctx.variables[var] = saved
            return total

        return count

    def _call(self, expr: nodes.Call, bound: frozenset[str]) -> Fn:
        args = [self.compile(arg, bound) for arg in expr.args]
        name = expr.name
        if name == "has":
            (arg,) = args
            return lambda ctx: has_value(arg(ctx))
        if name in _DAY_COUNTS:
            first, second = args
            count_days = _DAY_COUNTS[name]

            def between(ctx: EvalContext) -> int:
                a = first(ctx)
                b = second(ctx)
                if a is None:
                    raise _null_error(expr.args[0], f"`{_text(expr.args[0])}`")
                if b is None:
                    raise _null_error(expr.args[1], f"`{_text(expr.args[1])}`")
                if not isinstance(a, dt.date) or not isinstance(b, dt.date):
                    raise _error("E302", f"`{name}` needs two dates", expr.span)
                return count_days(a, b)

            return between
        if name == "len":
            (arg,) = args

            def length(ctx: EvalContext) -> int:
                value = arg(ctx)
                if value is None:
                    raise _null_error(expr.args[0], f"`{_text(expr.args[0])}`")
                return len(value)

            return length
        if name == "year":
            (arg,) = args

            def year(ctx: EvalContext) -> int:
                value = arg(ctx)
                if not isinstance(value, dt.date):
                    raise _null_error(expr.args[0], f"`{_text(expr.args[0])}`")
                return value.year

            return year
        raise _error("E214", f"there is no function `{name}`", expr.span)  # pragma: no cover - checked


# ---- helpers ----------------------------------------------------------------------------------

_ORDERINGS: dict[str, Callable[[Any, Any], Any]] = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def same_value(a: Any, b: Any) -> bool:
    """`==` of the rule language: a boolean never equals a number (Python says `True == 1`)."""
    # bool is an int in Python: keep `true == 1` false, as the type checker would.
    if isinstance(a, bool) is not isinstance(b, bool):
        return False
    return bool(a == b)


def _in(jurisdiction: calendars.Jurisdiction) -> Callable[[dt.date, dt.date], int]:
    return lambda a, b: calendars.working_days_between(a, b, jurisdiction)


def _days_between(a: dt.date, b: dt.date) -> int:
    return (b - a).days


_DAY_COUNTS: dict[str, Callable[[dt.date, dt.date], int]] = {
    "days_between": _days_between,
    "working_days_between": working_days_between,
    "mainland_working_days": _in(calendars.Jurisdiction.MAINLAND),
    "hong_kong_working_days": _in(calendars.Jurisdiction.HONG_KONG),
    "macao_working_days": _in(calendars.Jurisdiction.MACAO),
}


_EMPTY: tuple[Any, ...] = ([], {})
_SET_SCALARS = frozenset((dt.date, dt.datetime, bool, int, float))
"""The types of values that are always set: no value of one equals an empty list or mapping."""


def has_value(value: Any) -> bool:
    """`has(path)`: false for null, blank text and empty lists or mappings."""
    if value is None:
        return False
    if type(value) in _SET_SCALARS:
        return True
    if isinstance(value, str):
        return not is_blank(value)  # a blank justification documents nothing
    return value not in _EMPTY


def _text(expr: nodes.Expr) -> str:
    if isinstance(expr, nodes.Path):
        return expr.dotted
    return type(expr).__name__.lower()


def bool_error(value: Any, span: Span) -> EvalError:
    """The error for a condition that yields something other than true or false (E301 null, E302 other)."""
    if value is None:
        return _error(
            "E301", "a condition has no value (null)", span, "guard optional fields with `has(path) and ...`"
        )
    return _error("E302", f"a condition is {value!r}, not true or false", span)


def _type_error(expr: nodes.Expr, error: Exception) -> EvalError:
    return _error("E302", f"cannot evaluate this comparison: {error}", expr.span)


def dig(value: Any, keys: tuple[str, ...]) -> Any:
    """The value at `keys` below `value`; None through a gap (the rule language's lenient read)."""
    for key in keys:
        if type(value) is not dict and not isinstance(value, Mapping):  # a dict, nearly always: no ABC check
            return None
        value = value.get(key)
    return value


def _root_path(parts: tuple[str, ...]) -> Fn:
    dotted = ".".join(parts)
    pointer = "/" + "/".join(parts)
    if len(parts) == 2:
        a, b = parts

        def read2(ctx: EvalContext) -> Any:
            section = ctx.root.get(a)
            value = section.get(b) if isinstance(section, dict) else None
            if ctx.facts is not None:
                ctx.facts.append((dotted, pointer, value))
            return value

        return read2
    if len(parts) == 3:
        a, b, c = parts

        def read3(ctx: EvalContext) -> Any:
            section = ctx.root.get(a)
            inner = section.get(b) if isinstance(section, dict) else None
            value = inner.get(c) if isinstance(inner, dict) else None
            if ctx.facts is not None:
                ctx.facts.append((dotted, pointer, value))
            return value

        return read3

    def read(ctx: EvalContext) -> Any:
        value = dig(ctx.root, parts)
        if ctx.facts is not None:
            ctx.facts.append((dotted, pointer, value))
        return value

    return read


def _variable_path(var: str, rest: tuple[str, ...]) -> Fn:
    suffix = "".join("." + key for key in rest)
    pointer_suffix = "".join("/" + key for key in rest)

    def read_variable(ctx: EvalContext) -> Any:
        item, where, pointer, index = ctx.variables[var]
        value = dig(item, rest) if rest else item
        if ctx.facts is not None and where is not None:
            ctx.facts.append((f"{where}[{index}]{suffix}", f"{pointer}/{index}{pointer_suffix}", value))
        return value

    return read_variable


def _read_collection(
    ctx: EvalContext,
    collection: Fn,
    locate: Callable[[EvalContext], tuple[str | None, str | None]],
    expr: nodes.Quantifier | nodes.Count,
) -> Any:
    """Read a quantifier's collection without recording the whole list as a fact (its elements are)."""
    facts = ctx.facts
    ctx.facts = None
    try:
        items = collection(ctx)
    finally:
        ctx.facts = facts
    if items is None:
        raise _null_error(expr.collection, f"`{_text(expr.collection)}`")
    if facts is not None and not items:
        where, pointer = locate(ctx)
        if where is not None and pointer is not None:
            facts.append((where, pointer, items))
    return items


def _locator(
    expr: nodes.Expr, bound: frozenset[str], lets: Mapping[str, nodes.Let]
) -> Callable[[EvalContext], tuple[str | None, str | None]]:
    """Where a collection lives in the manifest, for naming the facts read from its elements."""
    if isinstance(expr, nodes.Path):
        head, *rest = expr.parts
        if head in bound:
            suffix = "".join("." + key for key in rest)
            pointer_suffix = "".join("/" + key for key in rest)

            def locate_variable(ctx: EvalContext) -> tuple[str | None, str | None]:
                _, where, pointer, index = ctx.variables[head]
                if where is None:
                    return None, None
                return f"{where}[{index}]{suffix}", f"{pointer}/{index}{pointer_suffix}"

            return locate_variable
        if head not in lets and head != "as_of":
            located = (expr.dotted, "/" + "/".join(expr.parts))
            return lambda ctx: located
    return lambda ctx: (None, None)


def constant_text(template: nodes.Template) -> str | None:
    """The text of a template that interpolates nothing (the same for every manifest), else None."""
    texts = [part for part in template.parts if isinstance(part, str)]
    return "".join(texts) if len(texts) == len(template.parts) else None


def compile_template(
    template: nodes.Template, compiler: Compiler, bound: frozenset[str]
) -> Callable[[EvalContext], str]:
    """Compile a message's `{path}` interpolations; variables resolve to the rule's witnesses."""
    constant = constant_text(template)
    if constant is not None:
        return lambda ctx: constant
    pieces: list[str | Fn] = [
        part if isinstance(part, str) else compiler.compile(part, bound) for part in template.parts
    ]

    def render(ctx: EvalContext) -> str:
        saved_facts, saved_vars = ctx.facts, ctx.variables
        ctx.facts = None
        ctx.variables = {**ctx.witnesses}
        out: list[str] = []
        try:
            for piece in pieces:
                if isinstance(piece, str):
                    out.append(piece)
                    continue
                try:
                    value = piece(ctx)
                except (KeyError, EvalError):
                    value = None
                out.append(format_value(value))
        finally:
            ctx.facts, ctx.variables = saved_facts, saved_vars
        return "".join(out)

    return render


def format_value(value: Any) -> str:
    """A value as it reads in a message: dates ISO, booleans lower-case, null as `null`."""
    if value.__class__ is str:
        return value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(format_value(item) for item in value)
    if isinstance(value, dict):
        return str(value.get("name", value))
    return str(value)
