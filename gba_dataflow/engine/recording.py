"""The recording twins of rule conditions: generated functions that record the facts of a decision.

A twin records what the closure path (`compiler.py`) keeps when it explains a condition: the facts that
decided its value (every operand's for an `and` that held, only the first false operand's for one that
failed, and dually for `or`, `any` and `all`), each path once in the order first read, with its place in
the manifest, and the witnesses of the condition's own quantifiers. It is written for a value known in
advance, so it never records what it would throw away: `record_<i>`, a rule's twin, runs for a rule that
held; `record_<i>_<j>`, the twin of a part of a rule's condition, first evaluates the part with the fast
path's code, then takes the branch written for the value it got. Where an `and` must have failed, the
fast path's code finds the first false operand, and only that operand is recorded.

`(root, as_of, cache, facts, at, witnesses) -> value`: `cache` holds the fast path's `let` values for
this manifest, `facts` receives one Fact per path, keyed by its dotted path, and `at` is the manifest's
`positions.get`. Lets are inlined. A path read again on the same code path is neither read nor recorded
again (its value is kept in a local); only in branches and loops is "already recorded?" asked at run
time. Like the fast path a twin may only complete where the closure path gives the same value, facts and
witnesses: where a value is not the one its branch was written for, or a read goes through a gap, it
raises, and the caller records with the closures. A rule has no twin (`NeedsClosuresError` while
generating) where it, or a `let` it reads, has `count(...)`, a quantifier inside another (through a let
too), a quantifier over anything but a manifest list, source nested deeper than MAX_INDENT or an
`and`/`or` of more than MAX_CHAIN operands.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from gba_dataflow.dsl import nodes
from gba_dataflow.engine.compiler import dig
from gba_dataflow.engine.exprgen import ExprGenerator
from gba_dataflow.engine.model import Fact

RecordFn = Callable[
    [Mapping[str, Any], dt.date, dict[str, Any], dict[str, Fact], Callable[..., Any], dict[str, Any]], Any
]
"""`(root, as_of, cache, facts, at, witnesses) -> value`"""

MAX_INDENT = 4 * 60
"""Deepest indentation of a twin's source (each nested `and`/`or` of the other kind adds a level)."""
MAX_CHAIN = 100
"""Most operands of one `and`/`or` in a twin (each is a branch of one `if`/`elif` chain)."""

HELPERS: dict[str, Any] = {
    "_dig": dig,
    "_tn": tuple.__new__,  # _tn(_F, fields): a Fact without the named tuple's Python `__new__`
    "_F": Fact,
    "_NP": (None, None),
}


class NeedsClosuresError(Exception):
    """The expression has what only the closure path records (see the module's docstring)."""


class _Scope:
    """What the code written so far on one code path has recorded: the paths recorded for sure, each
    with the local that holds its value, and those that may have been (in a branch or a loop)."""

    __slots__ = ("definite", "maybe")

    def __init__(self, definite: dict[str, str] | None = None, maybe: set[str] | None = None) -> None:
        self.definite: dict[str, str] = dict(definite or {})
        self.maybe: set[str] = set(maybe or ())

    def branch(self) -> _Scope:
        return _Scope(self.definite, self.maybe)

    def join(self, branches: list[_Scope]) -> None:
        """After branches: what any of them recorded may have been recorded."""
        for branch in branches:
            self.maybe |= branch.maybe | branch.definite.keys()


class _TwinWriter:
    """Writes the twins of one ruleset: statements, with the fast path's code for what is not recorded."""

    def __init__(self, lets: Mapping[str, nodes.Let], constants: list[Any]) -> None:
        self.lets = lets
        self.fast = ExprGenerator(lets, constants)
        self.lines: list[str] = []
        self.count = 0
        self.variables: dict[str, tuple[str, str]] = {}
        """Quantifier variables in scope: the manifest path and pointer of their list."""
        self.in_let = False
        """Whether a `let` is being written: its quantifiers' witnesses are not the rule's."""
        self.in_body = False
        """Whether a quantifier's body is being written (through a let too)."""
        self.sink = "facts"
        """Where facts go: `facts`, or a scratch dict while only witnesses are wanted."""

    def twin(self, name: str, expr: nodes.Expr, known: bool | None, out: list[str]) -> bool:
        """Append the twin of `expr` as function `name`, for the value `known` (None: either); False
        when `expr` is left to the closures."""
        self.lines, self.count = [], 0
        try:
            if known is None:
                value = self.bool_value(expr, "    ", _Scope())
            else:
                self.emit(expr, known, "    ", _Scope())
                value = repr(known)
        except NeedsClosuresError:
            return False
        out.append(f"def {name}(root, as_of, cache, facts, at, witnesses):")
        out.extend(self.lines)
        out.append(f"    return {value}")
        return True

    def temp(self, prefix: str) -> str:
        self.count += 1
        return f"_{prefix}{self.count}"

    def line(self, indent: str, text: str) -> None:
        self.lines.append(indent + text)

    @property
    def bound(self) -> frozenset[str]:
        return frozenset(self.variables)

    # ---- boolean positions: statements that record the facts that decided a known value ----------

    def emit(self, expr: nodes.Expr, known: bool, indent: str, scope: _Scope) -> None:
        """Record the decisive facts of `expr`, which must have the value `known` (else raise)."""
        if len(indent) > MAX_INDENT:
            raise NeedsClosuresError  # Python refuses source indented 100 levels deep
        if isinstance(expr, nodes.BoolOp):
            self.emit_chain(expr, known, indent, scope)
        elif isinstance(expr, nodes.Not):
            self.emit(expr.operand, not known, indent, scope)
        elif isinstance(expr, nodes.Quantifier):
            self.emit_quantifier(expr, known, indent, scope)
        elif isinstance(expr, nodes.Path) and len(expr.parts) == 1 and self.is_let(expr.parts[0]):
            with self.let_context():
                self.emit(self.lets[expr.parts[0]].expr, known, indent, scope)
        else:
            self.line(indent, f"if {self.value(expr, indent, scope)} is not {known}:")
            self.line(indent, "    raise FallbackError")

    def emit_chain(self, expr: nodes.BoolOp, known: bool, indent: str, scope: _Scope) -> None:
        if len(expr.operands) > MAX_CHAIN:
            raise NeedsClosuresError
        decisive = expr.op == "or"  # as the closure path: `or` is decided by a True operand
        if known is not decisive:  # every operand held its non-deciding value: all are recorded
            for operand in expr.operands:
                self.emit(operand, known, indent, scope)
            return
        # the first operand with the deciding value decides: the fast path's code finds it
        test = self.temp("t")
        branches: list[_Scope] = []
        level, chained = indent, False
        for operand in expr.operands:
            code = self.fast.boolean(operand, self.bound)
            self.line(level, f"{'elif' if chained else 'if'} ({test} := {code}) is {decisive}:")
            branch = scope.branch()
            branches.append(branch)
            self.emit(operand, decisive, level + "    ", branch)
            self.line(level, f"elif {test} is not {not decisive}:")
            self.line(level, "    raise FallbackError")
            chained = True
            if self.sets_witnesses(operand):  # as the closure path, whose quantifiers set them anyway
                self.line(level, "else:")
                level += "    "
                self.witnesses_only(operand, not decisive, level)
                chained = False
        if chained:
            self.line(level, "else:")
            level += "    "
        self.line(level, "raise FallbackError")
        scope.join(branches)

    def sets_witnesses(self, expr: nodes.Expr) -> bool:
        """Whether evaluating `expr` sets witnesses of the rule's quantifiers (a let's go nowhere)."""
        return not self.in_let and any(isinstance(node, nodes.Quantifier) for node in expr.walk())

    def witnesses_only(self, expr: nodes.Expr, known: bool, indent: str) -> None:
        """Evaluate an operand that did not decide for the witnesses it sets; its facts go to scratch."""
        scratch = self.temp("x")
        self.line(indent, f"{scratch} = {{}}")
        sink, self.sink = self.sink, scratch
        try:
            self.emit(expr, known, indent, _Scope())
        finally:
            self.sink = sink

    def emit_quantifier(self, expr: nodes.Quantifier, known: bool, indent: str, scope: _Scope) -> None:
        collection = expr.collection
        if (
            self.in_body
            or not isinstance(collection, nodes.Path)
            or collection.parts[0] in self.lets
            or collection.parts[0] == "as_of"
        ):
            raise NeedsClosuresError  # nested, or over a list that is not read from the manifest
        where, pointer = collection.dotted, "/" + "/".join(collection.parts)
        var, want = expr.var, expr.kind == "any"  # `any` is decided by a True element, `all` by a False
        items = self.temp("i")
        self.line(indent, f"{items} = _dig(root, {tuple(collection.parts)!r})")
        self.line(indent, f"if {items} is None:")
        self.line(indent, "    raise FallbackError")
        body = scope.branch()
        self.variables[var] = (where, pointer)
        self.in_body = True
        try:
            if known is want:  # the first element that decides: the fast path's code finds it
                inner = indent + "    "
                test = self.fast.boolean(expr.body, self.bound)
                self.line(indent, f"for i_{var}, v_{var} in enumerate({items}):")
                self.line(inner, f"if ({test}) is {want}:")
                self.emit(expr.body, want, inner + "    ", body)
                if not self.in_let:
                    self.line(inner, f"    witnesses[{var!r}] = (v_{var}, {where!r}, {pointer!r}, i_{var})")
                self.line(inner, "    break")
                self.line(indent, "else:")
                self.line(indent, "    raise FallbackError")
            else:  # no element decides: every element's facts, or the empty list's
                self.line(indent, f"if not {items}:")
                self.record(where, pointer, items, indent + "    ", _Scope(maybe={where}))
                self.line(indent, f"for i_{var}, v_{var} in enumerate({items}):")
                self.emit(expr.body, not want, indent + "    ", body)
        finally:
            del self.variables[var]
            self.in_body = False
        scope.join([body])
        scope.maybe.add(where)

    # ---- value positions: reads as statements, in the closure path's order ------------------------

    def value(self, expr: nodes.Expr, indent: str, scope: _Scope) -> str:
        """The code of the value of `expr`, after statements that read and record what it reads."""
        if isinstance(expr, nodes.Path):
            return self.read(expr, indent, scope)
        if isinstance(expr, nodes.Literal | nodes.Duration):
            return self.fast.expr(expr, frozenset())
        if isinstance(expr, nodes.SetLiteral):
            if all(isinstance(item, nodes.Literal) for item in expr.items):
                return self.fast.expr(expr, frozenset())
            items = [self.value(item, indent, scope) for item in expr.items]
            return "frozenset((" + "".join(item + ", " for item in items) + "))"
        if isinstance(expr, nodes.BoolOp | nodes.Quantifier):
            return self.bool_value(expr, indent, scope)
        if isinstance(expr, nodes.Not):
            return self.fast.negation(expr.operand, self.value(expr.operand, indent, scope), self.bound)
        if isinstance(expr, nodes.Compare):
            left = self.value(expr.left, indent, scope)
            return self.fast.comparison(expr, left, self.value(expr.right, indent, scope))
        if isinstance(expr, nodes.Arith):
            left = self.value(expr.left, indent, scope)
            return f"({left} {expr.op} {self.value(expr.right, indent, scope)})"
        if isinstance(expr, nodes.Call):
            return self.fast.call(expr, [self.value(arg, indent, scope) for arg in expr.args])
        raise NeedsClosuresError  # `count(...)`

    def bool_value(self, expr: nodes.Expr, indent: str, scope: _Scope) -> str:
        """A condition whose value is not known in advance: the fast path's code decides which branch
        records it."""
        value = self.temp("b")
        self.line(indent, f"{value} = {self.fast.boolean(expr, self.bound)}")
        branches = [scope.branch(), scope.branch()]
        for known, branch in zip((True, False), branches, strict=True):
            self.line(indent, f"{'if' if known else 'elif'} {value} is {known}:")
            self.emit(expr, known, indent + "    ", branch)
        self.line(indent, "else:")
        self.line(indent, "    raise FallbackError")
        scope.join(branches)
        return value

    def read(self, expr: nodes.Path, indent: str, scope: _Scope) -> str:
        head, *rest = expr.parts
        keys = "".join(f"[{key!r}]" for key in rest)
        if head in self.variables:
            where, pointer = self.variables[head]
            value = self.temp("v")
            self.line(indent, f"{value} = v_{head}{keys}")
            suffix = "".join("." + key for key in rest)
            pointer_suffix = "".join("/" + key for key in rest)
            dotted = self.temp("d")
            self.line(indent, f"{dotted} = f'{where}[{{i_{head}}}]{suffix}'")
            slashed = self.temp("p")
            self.line(indent, f"if {dotted} not in {self.sink}:")
            self.line(indent, f"    {slashed} = f'{pointer}/{{i_{head}}}{pointer_suffix}'")
            self.line(indent, f"    _line, _column = at({slashed}, _NP)")
            fact = f"_tn(_F, ({dotted}, {slashed}, {value}, _line, _column))"
            self.line(indent, f"    {self.sink}[{dotted}] = {fact}")
            return value
        if head in self.lets:
            let = self.lets[head].expr
            if self.fast.is_constant(head):
                return self.fast.expr(let, frozenset()) + keys  # a set of cities: nothing to record
            with self.let_context():
                return self.value(let, indent, scope) + keys
        if head == "as_of" and not rest:
            self.record("as_of", "", "as_of", indent, scope)
            return "as_of"
        dotted = expr.dotted
        if dotted in scope.definite:
            return scope.definite[dotted]
        value = self.temp("v")
        self.line(indent, f"{value} = root[{head!r}]{keys}")
        self.record(dotted, "/" + "/".join(expr.parts), value, indent, scope)
        return value

    def record(self, dotted: str, pointer: str, value: str, indent: str, scope: _Scope) -> None:
        """Record the fact of a path read from the manifest, unless this code path already has."""
        if dotted in scope.definite:
            return
        if pointer:  # (line, column) unpacked into the Fact's fields: cheaper than adding tuples
            lines = [
                f"_line, _column = at({pointer!r}, _NP)",
                f"{self.sink}[{dotted!r}] = _tn(_F, ({dotted!r}, {pointer!r}, {value}, _line, _column))",
            ]
        else:
            lines = [f"{self.sink}[{dotted!r}] = _tn(_F, ({dotted!r}, '', {value}, None, None))"]
        if self.in_body or dotted in scope.maybe:
            self.line(indent, f"if {dotted!r} not in {self.sink}:")
            indent += "    "
        for line in lines:
            self.line(indent, line)
        scope.definite[dotted] = value

    # ---- lets ----------------------------------------------------------------------------------------

    def is_let(self, name: str) -> bool:
        return name in self.lets and name not in self.variables

    @contextmanager
    def let_context(self) -> Iterator[None]:
        """A let's expression sees no quantifier variable, and its quantifiers set no witness."""
        variables, self.variables = self.variables, {}
        in_let, self.in_let = self.in_let, True
        try:
            yield
        finally:
            self.variables, self.in_let = variables, in_let


def recording_lines(
    ruleset: nodes.Ruleset, constants: list[Any], lines: list[str]
) -> tuple[tuple[bool, ...], tuple[tuple[bool, ...], ...]]:
    """Append the twins to a generated module: `record_<i>` for each rule, `record_<i>_<j>` for each part
    of its condition (its top-level `and` operands, or the whole condition). Return which have one."""
    writer = _TwinWriter({let.name: let for let in ruleset.lets}, constants)
    recorders = tuple(
        writer.twin(f"record_{index}", rule.condition, True, lines)
        for index, rule in enumerate(ruleset.rules)
    )
    parts = tuple(
        tuple(
            writer.twin(f"record_{index}_{part}", operand, None, lines)
            for part, operand in enumerate(nodes.conjuncts(rule.condition))
        )
        for index, rule in enumerate(ruleset.rules)
    )
    return recorders, parts
