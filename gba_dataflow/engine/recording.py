"""The recording twins of rule conditions: generated functions that record the facts of a decision.

A twin `record_<i>(root, as_of, facts, recorded, witnesses)` evaluates a rule's condition as the
closure path does when it records (`compiler.py`): it appends the same facts in the same order, keeps
only the decisive operand's facts for `and`, `or`, `any` and `all`, caches each `let`'s value and facts
per manifest in `recorded` (the closure path's own cache, so the two can take turns), and sets the same
quantifier witnesses. The explanation of a decision runs it instead of the closures. Like the fast
path it may only complete where the closure path would give the same value and facts; anything else
raises, and the caller re-runs the closure. It reads the manifest by subscript, inline
(`(_ap((dotted, pointer, _v := root['a']['b'])) or _v)`): a read through a gap (a key the loader did not
fill, a null section), which the closure path reads as null, raises here. A rule has no twin
(`NeedsClosuresError` while generating) where it, or a `let` it reads, has `count(...)`, a nested
quantifier, a quantifier over anything but a manifest list, an `and`/`or` inside another expression
(`a == (b or c)`), or an `and`/`or` chain that would nest deeper than MAX_INDENT.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from gba_dataflow.dsl import nodes
from gba_dataflow.engine.compiler import dig
from gba_dataflow.engine.exprgen import ExprGenerator, FallbackError

RecordFn = Callable[[Mapping[str, Any], dt.date, list[Any], dict[str, Any], dict[str, Any]], Any]
"""`(root, as_of, facts, recorded, witnesses) -> value`"""

_Binding = tuple[Any, str, str, int]
MAX_INDENT = 4 * 60
"""Deepest indentation of a twin's source (each operand of `and`/`or` nests one level)."""


def _contains(container: Any, item: Any) -> bool:
    return bool(item in container)  # the container first: the closure path reads it first


def _rquant(
    facts: list[Any],
    witnesses: dict[str, _Binding],
    var: str,
    want: bool,
    items: Any,
    where: str,
    pointer: str,
    body: Callable[[Any, int], Any],
) -> bool:
    """`any` (want True) / `all` (want False) over a manifest list while recording."""
    if items is None:
        raise FallbackError
    if not items:
        facts.append((where, pointer, items))
        return not want
    start = len(facts)
    for index, item in enumerate(items):
        mark = len(facts)
        value = body(item, index)
        if value is want:
            del facts[start:mark]
            witnesses[var] = (item, where, pointer, index)
            return bool(want)
        if value is not (not want):
            raise FallbackError
    return not want


class _Nowhere(dict[str, _Binding]):
    """Where the quantifiers of a `let` put their witnesses: nowhere (a rule's messages may name only the
    variables of its own condition's quantifiers)."""

    def __setitem__(self, key: str, value: _Binding) -> None:
        pass


HELPERS: dict[str, Any] = {
    "_nowhere": _Nowhere(),
    "_contains": _contains,
    "_rquant": _rquant,
    "_dig": dig,
}


class NeedsClosuresError(Exception):
    """The expression has what only the closure path records (see the module's docstring)."""


class _Body:
    """The statements of one generated function, and its temporary names."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.count = 0

    def temp(self, prefix: str) -> str:
        self.count += 1
        return f"_{prefix}{self.count}"


class _RecordingGenerator(ExprGenerator):
    """Writes twins as statements: `and`/`or` become nested `if`s (no call per operand).

    `emit` handles the boolean positions (a rule's condition, a let, an operand of `and`/`or`/`not`, a
    quantifier's body); anywhere else (`a == (b or c)`) an `and`/`or` would be evaluated out of order,
    so the rule is left to the closures.
    """

    def __init__(self, lets: Mapping[str, nodes.Let], constants: list[Any]) -> None:
        super().__init__(lets, constants)
        self.let_code: dict[str, tuple[list[str], str] | None] = {}
        """Each `let` read so far: its statements and value, or None when it has no twin."""
        self.variables: dict[str, tuple[str, str]] = {}
        """Quantifier variables in scope: the manifest path and pointer of their list."""
        self.in_let = False
        """Whether a `let` is being written: its quantifiers' witnesses go `_nowhere`."""

    def function(self, expr: nodes.Expr) -> tuple[list[str], str]:
        """The statements (indented for a function body) and the value expression of `expr`."""
        body = _Body()
        value = self.emit(expr, body, "    ")
        return body.lines, value

    def append_twin(self, name: str, expr: nodes.Expr, lines: list[str]) -> bool:
        """Append the twin of `expr` as function `name`; False when `expr` is left to the closures."""
        try:
            statements, value = self.function(expr)
        except NeedsClosuresError:
            return False
        lines.append(f"def {name}(root, as_of, facts, recorded, witnesses):")
        lines.append("    _ap = facts.append")
        lines.extend(statements)
        lines.append(f"    return {value}")
        return True

    def emit(self, expr: nodes.Expr, body: _Body, indent: str) -> str:
        if isinstance(expr, nodes.BoolOp):
            return self.emit_bool_op(expr, body, indent)
        if isinstance(expr, nodes.Not):
            return self.negation(
                expr.operand, self.emit(expr.operand, body, indent), frozenset(self.variables)
            )
        if isinstance(expr, nodes.Quantifier):
            return self.emit_quantifier(expr, body, indent)
        if isinstance(expr, nodes.Path) and len(expr.parts) == 1 and self.is_let(expr.parts[0]):
            return self.emit_let(self.lets[expr.parts[0]], body, indent)
        return self.expr(expr, frozenset(self.variables))

    def is_let(self, name: str) -> bool:
        return name in self.lets and name not in self.variables

    def emit_let(self, let: nodes.Let, body: _Body, indent: str) -> str:
        """A `let` read where a bool is wanted, inlined: its statements here, once per read (recording a
        let again costs less than a call and a per-manifest cache of its facts)."""
        outer, self.variables = self.variables, {}  # a let sees no quantifier variable
        in_let, self.in_let = self.in_let, True
        try:
            return self.emit(let.expr, body, indent)
        finally:
            self.variables, self.in_let = outer, in_let

    def emit_bool_op(self, expr: nodes.BoolOp, body: _Body, indent: str) -> str:
        if len(indent) + 4 * len(expr.operands) > MAX_INDENT:
            raise NeedsClosuresError  # Python refuses source indented 100 levels deep
        decisive = expr.op == "or"  # as the closure path: `or` is decided by a True operand
        result, start, mark, value = body.temp("r"), body.temp("s"), body.temp("m"), body.temp("v")
        body.lines.append(f"{indent}{start} = len(facts)")
        for position, operand in enumerate(expr.operands):
            if position:
                body.lines.append(f"{indent}{mark} = len(facts)")
            code = self.emit(operand, body, indent)
            body.lines.append(f"{indent}{value} = {code}")
            body.lines.append(f"{indent}if {value} is {decisive}:")
            if position:  # the facts of the operands before, which did not decide
                body.lines.append(f"{indent}    del facts[{start}:{mark}]")
            body.lines.append(f"{indent}    {result} = {decisive}")
            body.lines.append(f"{indent}elif {value} is not {not decisive}:")
            body.lines.append(f"{indent}    raise FallbackError")
            body.lines.append(f"{indent}else:")
            indent += "    "
        body.lines.append(f"{indent}{result} = {not decisive}")
        return result

    def emit_quantifier(self, expr: nodes.Quantifier, body: _Body, indent: str) -> str:
        collection = expr.collection
        if (
            self.variables
            or not isinstance(collection, nodes.Path)
            or collection.parts[0] in self.lets
            or collection.parts[0] == "as_of"
        ):
            raise NeedsClosuresError  # nested, or over a list that is not read from the manifest
        where, pointer = collection.dotted, "/" + "/".join(collection.parts)
        function = body.temp("q")
        body.lines.append(f"{indent}def {function}(v_{expr.var}, i_{expr.var}):")
        self.variables[expr.var] = (where, pointer)
        try:
            value = self.emit(expr.body, body, indent + "    ")
        finally:
            del self.variables[expr.var]
        body.lines.append(f"{indent}    return {value}")
        items = f"_dig(root, {tuple(collection.parts)!r})"
        want = expr.kind == "any"
        witnesses = "_nowhere" if self.in_let else "witnesses"
        return (
            f"_rquant(facts, {witnesses}, {expr.var!r}, {want}, {items}, {where!r}, {pointer!r}, {function})"
        )

    def bool_op(self, expr: nodes.BoolOp, bound: frozenset[str]) -> str:
        raise NeedsClosuresError  # inside an expression: see the class docstring

    def quantifier(self, expr: nodes.Quantifier | nodes.Count, bound: frozenset[str]) -> str:
        raise NeedsClosuresError  # `count(...)`, or a quantifier inside an expression

    def path(self, expr: nodes.Path, bound: frozenset[str]) -> str:
        head, *rest = expr.parts
        if head in self.variables:
            where, pointer = self.variables[head]
            keys = "".join(f"[{key!r}]" for key in rest)
            suffix = "".join("." + key for key in rest)
            pointer_suffix = "".join("/" + key for key in rest)
            dotted = f"f'{where}[{{i_{head}}}]{suffix}'"
            slashed = f"f'{pointer}/{{i_{head}}}{pointer_suffix}'"
            return f"(_ap(({dotted}, {slashed}, _v := v_{head}{keys})) or _v)"
        if head in self.lets:
            let = self.lets[head].expr
            if not rest and not any(isinstance(node, nodes.Path) for node in let.walk()):
                return self.expr(let, frozenset())  # a constant (a set of cities): nothing to record
            if self.let_function(head) is None:
                raise NeedsClosuresError
            keys = "".join(f"[{key!r}]" for key in rest)
            return f"_rlet_{head}(root, as_of, facts, recorded, witnesses){keys}"
        if head == "as_of" and not rest:
            return "(_ap(('as_of', '', as_of)) or as_of)"
        pointer = "/" + "/".join(expr.parts)
        keys = "".join(f"[{key!r}]" for key in expr.parts)
        return f"(_ap(({expr.dotted!r}, {pointer!r}, _v := root{keys})) or _v)"

    def contains(self, left: str, right: str) -> str:
        return f"_contains({left}, {right})"

    def let_function(self, name: str) -> tuple[list[str], str] | None:
        if name not in self.let_code:
            self.let_code[name] = None  # (the checker rejects cycles between lets)
            outer, self.variables = self.variables, {}
            in_let, self.in_let = self.in_let, True
            try:
                self.let_code[name] = self.function(self.lets[name].expr)
            except NeedsClosuresError:
                pass
            finally:
                self.variables, self.in_let = outer, in_let
        return self.let_code[name]


def recording_lines(
    ruleset: nodes.Ruleset, constants: list[Any], lines: list[str]
) -> tuple[tuple[bool, ...], tuple[tuple[bool, ...], ...]]:
    """Append the twins to a generated module: `record_<i>`, `record_<i>_<j>` for the parts of an `and`
    condition, `_rlet_<name>` for the lets they read. Return which rules, and which parts, have one."""
    gen = _RecordingGenerator({let.name: let for let in ruleset.lets}, constants)
    recorders = tuple(
        gen.append_twin(f"record_{index}", rule.condition, lines) for index, rule in enumerate(ruleset.rules)
    )
    parts: list[tuple[bool, ...]] = []
    for index, rule in enumerate(ruleset.rules):
        operands = nodes.conjuncts(rule.condition)
        if len(operands) == 1:
            parts.append(())  # the rule's own twin records its one part
            continue
        parts.append(
            tuple(
                gen.append_twin(f"record_{index}_{part}", operand, lines)
                for part, operand in enumerate(operands)
            )
        )
    for name, function in gen.let_code.items():
        if function is None:
            continue
        statements, value = function
        lines.append(f"def _rlet_{name}(root, as_of, facts, recorded, witnesses):")
        lines.append(f"    hit = recorded.get({name!r})")
        lines.append("    if hit is not None:")
        lines.append("        facts.extend(hit[1])")
        lines.append("        return hit[0]")
        lines.append("    mark = len(facts)")
        lines.append("    _ap = facts.append")
        lines.extend(statements)
        lines.append(f"    value = {value}")
        lines.append(f"    recorded[{name!r}] = (value, tuple(facts[mark:]))")
        lines.append("    return value")
    return recorders, tuple(parts)
