"""The evaluator: the one definition of what a rule-language expression means.

Each expression of a ruleset is compiled once into a closure, a function of an `EvalContext`; operators
and built-in functions apply their reference behaviour from the operator table (`dsl/operators.py`).
Whatever wants to see an evaluation — the facts of a decision, the `explain` trace, rule-test coverage,
the ranking of the allow rules closest to holding — is an `Observer` of it (`ctx.observer`), never a second
evaluation with its own copy of the semantics. Without an observer nothing is recorded.

The generated fast path (`codegen.py`) decides the same expressions without observers; where it cannot
(an error, a value that is not a boolean) the caller falls back to these closures, and differential tests
hold the two equal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from gba_dataflow.core.errors import EvalError
from gba_dataflow.core.i18n import Phrase, tr
from gba_dataflow.core.source import Span
from gba_dataflow.dsl import nodes
from gba_dataflow.dsl.operators import (
    FUNCTIONS,
    NULL_HINT,
    OPERAND,
    OPERATORS,
    OperandError,
    Operator,
    has_value,
    same_value,
)

__all__ = ["has_value", "same_value"]

RawFact = tuple[str, str, Any]
"""A manifest value read: (dotted path, JSON pointer, value)."""
# A quantifier variable: (element, collection path, collection pointer, index).
Binding = tuple[Any, str | None, str | None, int]
Fn = Callable[["EvalContext"], Any]


class Observer:
    """What an evaluation shows whoever watches it. The base class watches nothing.

    The evaluator reports every manifest value it reads (`read`) and, where an `and`, `or`, `any` or
    `all` is decided by one operand or element, that what the earlier ones recorded did not decide
    (`settle(start, mark)` with positions from `mark()`): so an observer keeping reads keeps exactly the
    facts that made a condition what it is. `enter`/`leave` are called around every sub-expression only
    for an observer whose `watches_nodes` is true (the trace): the closures of such an evaluation are wrapped.
    """

    watches_nodes = False

    def read(self, path: str, pointer: str, value: Any) -> None:
        """A manifest value (or `as_of`) was read."""

    def mark(self) -> int:
        """A position in what has been recorded so far."""
        return 0

    def settle(self, start: int, mark: int) -> None:
        """What was recorded from `start` up to `mark` did not decide the value being computed."""

    def witness(self, var: str, binding: Binding) -> None:
        """The element `binding` decided the quantifier over `var` (`any` true, `all` false)."""

    def enter(self, expr: nodes.Expr) -> None:
        """A sub-expression is about to be evaluated (only when `watches_nodes`)."""

    def leave(self, expr: nodes.Expr, value: Any, error: EvalError | None) -> None:
        """A sub-expression gave `value`, or failed with `error` (only when `watches_nodes`)."""


class FactRecorder(Observer):
    """Keeps the manifest values an evaluation read, less those that did not decide its value."""

    __slots__ = ("facts",)

    def __init__(self) -> None:
        self.facts: list[RawFact] = []

    def read(self, path: str, pointer: str, value: Any) -> None:
        self.facts.append((path, pointer, value))

    def mark(self) -> int:
        return len(self.facts)

    def settle(self, start: int, mark: int) -> None:
        del self.facts[start:mark]


class EvalContext:
    """Everything a compiled expression may read for one manifest, and who watches."""

    __slots__ = ("as_of", "let_recorded", "let_values", "observer", "root", "variables", "witnesses")

    def __init__(self, root: Mapping[str, Any], as_of: dt.date, observer: Observer | None = None) -> None:
        self.root = root
        self.as_of = as_of
        self.observer = observer
        self.let_values: dict[tuple[Compiler, str], Any] = {}
        """The lets computed for this manifest, by the compiler (one per ruleset: two rule files may each
        define a let of the same name) and name."""
        self.let_recorded: dict[tuple[Compiler, str], tuple[Any, tuple[RawFact, ...]]] = {}
        self.variables: dict[str, Binding] = {}
        self.witnesses: dict[str, Binding] = {}


def _error(code: str, message: str, span: Span, hint: str | None = None) -> EvalError:
    return EvalError(message, code=code, span=span, hint=hint)


def _null_error(expr: nodes.Expr, what: str) -> EvalError:
    return _error("E301", tr("{operand} has no value", operand=what), expr.span, NULL_HINT)


def _located(error: OperandError, expr: nodes.Expr, operands: tuple[nodes.Expr, ...]) -> EvalError:
    """An operator's refusal of its operands, located at the operand at fault (or the whole expression)."""
    at = operands[error.operand] if error.operand is not None else expr
    message = error.message
    if not isinstance(message, Phrase):
        message = message.replace(OPERAND, f"`{_text(at)}`")
    elif ("operand", OPERAND) in message.args:
        # the same phrase, now naming the operand (its English is what `str.replace` would give)
        message = Phrase(message.template, {**dict(message.args), "operand": f"`{_text(at)}`"})
    return _error(error.code, message, at.span, NULL_HINT if error.code == "E301" else None)


class Compiler:
    """Turns the expressions of one ruleset into closures; `let`s are compiled once, cached per manifest.

    With `observe_nodes`, every closure reports entering and leaving its sub-expression to an observer
    that asks for it (the trace); a decision never pays for that."""

    def __init__(self, lets: Mapping[str, nodes.Let], *, observe_nodes: bool = False) -> None:
        self.lets = lets
        self.observe_nodes = observe_nodes
        self._let_fns: dict[str, Fn] = {}

    def compile(self, expr: nodes.Expr, bound: frozenset[str] = frozenset()) -> Fn:
        fn = self._compile(expr, bound)
        return _observed(fn, expr) if self.observe_nodes else fn

    def _compile(self, expr: nodes.Expr, bound: frozenset[str]) -> Fn:
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
                if ctx.observer is not None:
                    ctx.observer.read("as_of", "", ctx.as_of)
                return ctx.as_of

            return as_of
        return _root_path(expr.parts)

    def _let(self, name: str) -> Fn:
        if name in self._let_fns:
            return self._let_fns[name]
        inner_holder: list[Fn] = []

        key = (self, name)

        def let_value(ctx: EvalContext) -> Any:
            observer = ctx.observer
            recorded = ctx.let_recorded.get(key)
            if observer is None:
                if recorded is not None:
                    return recorded[0]
                if key in ctx.let_values:
                    return ctx.let_values[key]
                value = ctx.let_values[key] = inner_holder[0](ctx)
                return value
            recorder = observer if isinstance(observer, FactRecorder) else None
            if recorded is not None and recorder is not None:  # the let's facts, recorded once
                recorder.facts.extend(recorded[1])
                return recorded[0]
            mark = observer.mark()
            witnesses, ctx.witnesses = ctx.witnesses, {}  # a let's quantifiers are not the rule's
            try:
                value = inner_holder[0](ctx)
            finally:
                ctx.witnesses = witnesses
            if recorder is not None:  # (another observer, the trace, sees the let evaluated each time)
                ctx.let_recorded[key] = (value, tuple(recorder.facts[mark:]))
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

        def make_set(ctx: EvalContext) -> frozenset[Any]:
            values = [fn(ctx) for fn in fns]
            try:
                return frozenset(values)
            except TypeError:  # a list or a mapping (a field object) has no place in a set
                raise _error(
                    "E302",
                    tr("a set can hold text, numbers, dates and booleans, not lists or objects"),
                    expr.span,
                ) from None

        return make_set

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
        decides = OPERATORS[expr.op].decides  # `or` is decided by a True operand, `and` by a False one
        decisive: bool = bool(decides)
        decided: bool = decisive

        def bool_op(ctx: EvalContext) -> bool:
            observer = ctx.observer
            start = observer.mark() if observer is not None else 0
            for fn, span in operands:
                mark = observer.mark() if observer is not None else 0
                value = fn(ctx)
                if value is decisive:
                    if observer is not None:
                        observer.settle(start, mark)
                    return decided
                if value is not (not decisive):
                    raise bool_error(value, span)
            return not decisive

        return bool_op

    def _compare(self, expr: nodes.Compare, bound: frozenset[str]) -> Fn:
        return self._apply(expr, OPERATORS[expr.op], (expr.left, expr.right), bound)

    def _arith(self, expr: nodes.Arith, bound: frozenset[str]) -> Fn:
        return self._apply(expr, OPERATORS[expr.op], (expr.left, expr.right), bound)

    def _apply(
        self, expr: nodes.Expr, operator: Operator, operands: tuple[nodes.Expr, ...], bound: frozenset[str]
    ) -> Fn:
        """An operator or function applied to its operands, evaluated left to right, by its reference
        behaviour; its refusal of the operands becomes a located E301/E302."""
        evaluate = operator.evaluate
        assert evaluate is not None, operator.name  # only the logical operators have none
        fns = tuple(self.compile(operand, bound) for operand in operands)
        if len(fns) == 2:
            left, right = fns

            def binary(ctx: EvalContext) -> Any:
                a = left(ctx)
                b = right(ctx)
                try:
                    return evaluate(a, b)
                except OperandError as error:
                    raise _located(error, expr, operands) from None

            return binary
        if len(fns) == 1:
            (only,) = fns

            def unary(ctx: EvalContext) -> Any:
                value = only(ctx)
                try:
                    return evaluate(value)
                except OperandError as error:
                    raise _located(error, expr, operands) from None

            return unary

        def call(ctx: EvalContext) -> Any:  # pragma: no cover - every built-in takes one or two
            values = [fn(ctx) for fn in fns]
            try:
                return evaluate(*values)
            except OperandError as error:
                raise _located(error, expr, operands) from None

        return call

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
            observer = ctx.observer
            where, pointer = locate(ctx) if observer is not None else (None, None)
            saved = ctx.variables.get(var)
            start = observer.mark() if observer is not None else 0
            try:
                for index, item in enumerate(items):
                    binding = (item, where, pointer, index)
                    ctx.variables[var] = binding
                    mark = observer.mark() if observer is not None else 0
                    value = body(ctx)
                    if value is want:
                        if observer is not None:
                            observer.settle(start, mark)
                            observer.witness(var, binding)
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
            where, pointer = locate(ctx) if ctx.observer is not None else (None, None)
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
        function = FUNCTIONS.get(expr.name)
        if function is None:  # pragma: no cover - the checker rejects unknown functions
            raise _error("E214", tr("there is no function `{name}`", name=expr.name), expr.span)
        return self._apply(expr, function, expr.args, bound)


# ---- helpers ----------------------------------------------------------------------------------


def _text(expr: nodes.Expr) -> str:
    if isinstance(expr, nodes.Path):
        return expr.dotted
    return type(expr).__name__.lower()


def bool_error(value: Any, span: Span) -> EvalError:
    """The error for a condition that yields something other than true or false (E301 null, E302 other)."""
    if value is None:
        return _error("E301", tr("a condition has no value (null)"), span, NULL_HINT)
    return _error("E302", tr("a condition is {value}, not true or false", value=repr(value)), span)


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
            if ctx.observer is not None:
                ctx.observer.read(dotted, pointer, value)
            return value

        return read2
    if len(parts) == 3:
        a, b, c = parts

        def read3(ctx: EvalContext) -> Any:
            section = ctx.root.get(a)
            inner = section.get(b) if isinstance(section, dict) else None
            value = inner.get(c) if isinstance(inner, dict) else None
            if ctx.observer is not None:
                ctx.observer.read(dotted, pointer, value)
            return value

        return read3

    def read(ctx: EvalContext) -> Any:
        value = dig(ctx.root, parts)
        if ctx.observer is not None:
            ctx.observer.read(dotted, pointer, value)
        return value

    return read


def _variable_path(var: str, rest: tuple[str, ...]) -> Fn:
    suffix = "".join("." + key for key in rest)
    pointer_suffix = "".join("/" + key for key in rest)

    def read_variable(ctx: EvalContext) -> Any:
        item, where, pointer, index = ctx.variables[var]
        value = dig(item, rest) if rest else item
        if ctx.observer is not None and where is not None:
            ctx.observer.read(f"{where}[{index}]{suffix}", f"{pointer}/{index}{pointer_suffix}", value)
        return value

    return read_variable


def _read_collection(
    ctx: EvalContext,
    collection: Fn,
    locate: Callable[[EvalContext], tuple[str | None, str | None]],
    expr: nodes.Quantifier | nodes.Count,
) -> Any:
    """Read a quantifier's collection without recording the whole list as a fact (its elements are)."""
    observer = ctx.observer
    ctx.observer = None
    try:
        items = collection(ctx)
    finally:
        ctx.observer = observer
    if items is None:
        raise _null_error(expr.collection, f"`{_text(expr.collection)}`")
    if observer is not None and not items:
        where, pointer = locate(ctx)
        if where is not None and pointer is not None:
            observer.read(where, pointer, items)
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
        saved_observer, saved_vars = ctx.observer, ctx.variables
        ctx.observer = None
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
            ctx.observer, ctx.variables = saved_observer, saved_vars
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


def _observed(fn: Fn, expr: nodes.Expr) -> Fn:
    """A closure that reports entering and leaving its expression to an observer that asks for it."""

    def observed(ctx: EvalContext) -> Any:
        observer = ctx.observer
        if observer is None or not observer.watches_nodes:
            return fn(ctx)
        observer.enter(expr)
        try:
            value = fn(ctx)
        except EvalError as error:
            observer.leave(expr, None, error)
            raise
        observer.leave(expr, value, None)
        return value

    return observed
