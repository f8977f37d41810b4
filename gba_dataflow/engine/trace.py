"""The evaluation trace behind `gba-dataflow explain`: every ruleset, rule and sub-condition with its value.

Each sub-condition is compiled on its own (with the ruleset's `Compiler`) and evaluated against the same
context as the real decision, recording the facts it read. The decision itself comes from
`evaluate_manifest`, so the trace can never disagree with `check`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from gba_dataflow.core.errors import EvalError, UsageError
from gba_dataflow.core.records import field, record, replace
from gba_dataflow.core.suggest import did_you_mean
from gba_dataflow.dsl import nodes
from gba_dataflow.engine.compiler import Binding, Compiler, EvalContext
from gba_dataflow.engine.evaluate import (
    ManifestInput,
    evaluate_manifest,
    facts_from,
    resolve_as_of,
    with_transfer_date,
)
from gba_dataflow.engine.model import Fact, ManifestResult
from gba_dataflow.engine.rulebook import CompiledRule, CompiledRuleset, Rulebook, source_text


@record(frozen=True)
class NodeTrace:
    """One sub-condition: its source text, its value (or error) and the facts it read."""

    kind: str  # and | or | not | any | all | compare | let | fact | call | value
    text: str
    value: Any
    line: int = 0
    error: str | None = None
    facts: tuple[Fact, ...] = ()
    children: tuple[NodeTrace, ...] = ()
    skipped: bool = False  # the engine never evaluates it (`and`/`or` stop at the first decisive operand)
    note: str | None = None  # e.g. which element of `any` matched
    operands: tuple[tuple[str, Any], ...] = ()  # computed sides of a comparison


@record(frozen=True)
class RuleTrace:
    """One rule: active on the as-of date or not, holds or not, and its condition's tree."""

    id: str
    effect: str
    source: str
    active: bool
    effective_from: dt.date | None
    effective_until: dt.date | None
    evaluated: bool
    holds: bool | None
    outcome: str  # fires | does not hold | inactive | not evaluated | error
    error: str | None = None
    message: str | None = None
    condition: NodeTrace | None = None


@record(frozen=True)
class RulesetTrace:
    """One ruleset: whether it applies (and the tree of its `applies when`), its decision and its rules."""

    id: str
    source: str
    applies: bool
    decision: str | None
    applies_condition: NodeTrace | None
    rules: tuple[RuleTrace, ...]


@record(frozen=True)
class ExplainTrace:
    """The whole trace of one manifest."""

    manifest: str
    as_of: dt.date
    result: ManifestResult
    rulesets: tuple[RulesetTrace, ...] = field(default=())
    rule_filter: str | None = None


def explain_manifest(
    rulebook: Rulebook,
    manifest: ManifestInput,
    *,
    as_of: dt.date | None = None,
    lang: str = "en",
    rule: str | None = None,
) -> ExplainTrace:
    """Trace the evaluation of one loaded manifest; `rule` limits the trace to one rule (`ruleset/rule`).

    Raises UsageError (E501) when `rule` names no rule of the rulebook.
    """
    if rule is not None and rulebook.rule(rule) is None:
        known = [r.id for ruleset in rulebook.rulesets for r in ruleset.rules]
        raise UsageError(
            f"--rule `{rule}` is not a rule of the loaded rulesets",
            code="E501",
            hint=did_you_mean(rule, known) or "see `gba-dataflow rules list`",
        )
    result = evaluate_manifest(rulebook, manifest, as_of=as_of, lang=lang)
    day = resolve_as_of(manifest.data, as_of)
    ctx = EvalContext(with_transfer_date(manifest.data, day), day)
    outcomes = {outcome.id: outcome for outcome in result.rulesets}
    traces = []
    for ruleset in rulebook.rulesets:
        if rule is not None and not any(r.id == rule for r in ruleset.rules):
            continue
        tracer = _Tracer(ruleset, ctx, manifest.positions)
        outcome = outcomes.get(ruleset.id)
        applies = outcome.applies if outcome is not None else True
        applies_tree = tracer.trace(ruleset.node.applies) if ruleset.node.applies is not None else None
        rules = tuple(
            _rule_trace(tracer, compiled, day, applies or rule is not None, lang)
            for compiled in ruleset.rules
            if rule is None or compiled.id == rule
        )
        traces.append(
            RulesetTrace(
                ruleset.id,
                ruleset.source,
                applies,
                outcome.decision if outcome is not None else None,
                applies_tree,
                rules,
            )
        )
    return ExplainTrace(manifest.path, day, result, tuple(traces), rule)


def _rule_trace(tracer: _Tracer, rule: CompiledRule, day: dt.date, evaluate: bool, lang: str) -> RuleTrace:
    node = rule.node
    active = node.active_on(day)
    base = RuleTrace(
        id=rule.id,
        effect=rule.effect,
        source=rule.source,
        active=active,
        effective_from=node.effective_from,
        effective_until=node.effective_until,
        evaluated=False,
        holds=None,
        outcome="not evaluated",
    )
    if not evaluate:
        return base
    tree = tracer.trace(node.condition)
    ctx = tracer.ctx
    ctx.facts, ctx.witnesses = [], {}
    error = None
    try:
        holds: bool | None = rule.condition(ctx) is True
    except EvalError as failure:
        error = _error_text(failure)
        holds = rule.effect == "deny"  # fail closed, as the engine does (design §3.8)
    ctx.facts = None
    message = rule.because.render(ctx, lang) if holds and active and rule.because is not None else None
    if not active:
        outcome = "inactive"
    elif error is not None:
        outcome = "error"
    else:
        outcome = "fires" if holds else "does not hold"
    return replace(
        base, evaluated=True, holds=holds, outcome=outcome, error=error, message=message, condition=tree
    )


def _error_text(error: EvalError) -> str:
    first = error.first
    return f"{first.code}: {first.message}"


class _Tracer:
    """Evaluates the sub-conditions of one ruleset's expressions, each compiled on its own."""

    def __init__(
        self, ruleset: CompiledRuleset, ctx: EvalContext, positions: Mapping[str, tuple[int, int]]
    ) -> None:
        self.node = ruleset.node
        self.lets = {let.name: let for let in ruleset.node.lets}
        self.compiler = Compiler(self.lets)
        self.ctx = ctx
        self.positions = positions

    def trace(self, expr: nodes.Expr, bound: frozenset[str] = frozenset(), depth: int = 0) -> NodeTrace:
        value, error, facts, witness = self._evaluate(expr, bound)
        children: tuple[NodeTrace, ...] = ()
        note = None
        kind = _kind(expr, self.lets, bound)
        if depth < 32:
            if isinstance(expr, nodes.BoolOp):
                children = self._operands(expr, bound, depth)
            elif isinstance(expr, nodes.Not):
                children = (self.trace(expr.operand, bound, depth + 1),)
            elif kind == "let" and isinstance(expr, nodes.Path):
                children = (self.trace(self.lets[expr.parts[0]].expr, frozenset(), depth + 1),)
                note = f"let {expr.parts[0]}"
            elif isinstance(expr, nodes.Quantifier):
                children, note = self._quantifier(expr, bound, witness, depth)
        operands = self._operands_of(expr, bound) if isinstance(expr, nodes.Compare) else ()
        return NodeTrace(
            kind=kind,
            text=source_text(self.node, expr),
            value=value,
            line=max(expr.span.line, 0),
            error=error,
            facts=facts if not children else (),
            children=children,
            note=note,
            operands=operands,
        )

    def _evaluate(
        self, expr: nodes.Expr, bound: frozenset[str]
    ) -> tuple[Any, str | None, tuple[Fact, ...], Binding | None]:
        ctx = self.ctx
        ctx.facts, ctx.witnesses = [], {}
        error = None
        try:
            value = self.compiler.compile(expr, bound)(ctx)
        except EvalError as failure:
            value, error = None, _error_text(failure)
        except (KeyError, TypeError) as failure:  # a variable the body needs is not bound
            value, error = None, f"cannot evaluate here: {failure}"
        raw, ctx.facts = ctx.facts or [], None
        witness = ctx.witnesses.get(expr.var) if isinstance(expr, nodes.Quantifier) else None
        return value, error, facts_from(raw, self.positions), witness

    def _operands(self, expr: nodes.BoolOp, bound: frozenset[str], depth: int) -> tuple[NodeTrace, ...]:
        decisive = expr.op == "or"
        out: list[NodeTrace] = []
        stopped = False
        for operand in expr.operands:
            child = self.trace(operand, bound, depth + 1)
            if stopped:
                child = _skip(child)
            elif child.error is not None or child.value is decisive:
                stopped = True
            out.append(child)
        return tuple(out)

    def _quantifier(
        self, expr: nodes.Quantifier, bound: frozenset[str], witness: Binding | None, depth: int
    ) -> tuple[tuple[NodeTrace, ...], str | None]:
        items = self._collection_size(expr, bound)
        if witness is None:
            if items is None:
                return (), None
            verdict = "no element matched" if expr.kind == "any" else "every element matched"
            return (), f"{verdict} ({items} {'element' if items == 1 else 'elements'})"
        _, where, _, index = witness
        name = f"{where}[{index}]" if where else f"element {index}"
        note = f"{expr.var} = {name}: matched" if expr.kind == "any" else f"{expr.var} = {name}: failed"
        saved = self.ctx.variables.get(expr.var)
        self.ctx.variables[expr.var] = witness
        try:
            child = self.trace(expr.body, bound | {expr.var}, depth + 1)
        finally:
            if saved is None:
                self.ctx.variables.pop(expr.var, None)
            else:
                self.ctx.variables[expr.var] = saved
        return (child,), note

    def _collection_size(self, expr: nodes.Quantifier, bound: frozenset[str]) -> int | None:
        try:
            items = self.compiler.compile(expr.collection, bound)(self.ctx)
        except (EvalError, KeyError, TypeError):
            return None
        return len(items) if isinstance(items, list | tuple | set | frozenset) else None

    def _operands_of(self, expr: nodes.Compare, bound: frozenset[str]) -> tuple[tuple[str, Any], ...]:
        """The computed value of each side of a comparison that is neither a literal nor a plain path."""
        out = []
        for side in (expr.left, expr.right):
            if isinstance(side, nodes.Literal | nodes.SetLiteral | nodes.Duration) or (
                isinstance(side, nodes.Path) and side.parts[0] not in self.lets
            ):
                continue
            saved = self.ctx.facts
            self.ctx.facts = None
            try:
                out.append((source_text(self.node, side), self.compiler.compile(side, bound)(self.ctx)))
            except (EvalError, KeyError, TypeError):
                continue
            finally:
                self.ctx.facts = saved
        return tuple(out)


def _skip(node: NodeTrace) -> NodeTrace:
    return replace(node, skipped=True)


def _kind(expr: nodes.Expr, lets: Mapping[str, nodes.Let], bound: frozenset[str]) -> str:
    if isinstance(expr, nodes.BoolOp):
        return expr.op
    if isinstance(expr, nodes.Not):
        return "not"
    if isinstance(expr, nodes.Quantifier):
        return expr.kind
    if isinstance(expr, nodes.Compare):
        return "compare"
    if isinstance(expr, nodes.Path):
        head = expr.parts[0]
        return "let" if head in lets and head not in bound and len(expr.parts) == 1 else "fact"
    if isinstance(expr, nodes.Call | nodes.Count):
        return "call"
    return "value"
