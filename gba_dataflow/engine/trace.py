"""The evaluation trace behind `gba-dataflow explain`: every ruleset, rule and sub-condition with its value.

The trace is an observer of the one evaluator (`evaluator.py`): each rule's condition is evaluated once
with a `TraceRecorder` watching, which sees every sub-expression entered and left, its value or error and
the facts it read. What the evaluator short-circuits is never entered, so it reads "not evaluated"; a
quantifier shows the element that decided it. The decision itself comes from `evaluate_manifest`, and a
rule's outcome from `rule_outcome`, so the trace can never disagree with `check`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from gba_dataflow.core.errors import EvalError, UsageError
from gba_dataflow.core.i18n import localize, tr
from gba_dataflow.core.suggest import did_you_mean
from gba_dataflow.dsl import nodes
from gba_dataflow.engine.evaluate import (
    ManifestInput,
    evaluate_manifest,
    facts_from,
    resolve_as_of,
    rule_outcome,
    with_transfer_date,
)
from gba_dataflow.engine.evaluator import Binding, Compiler, EvalContext, FactRecorder, bool_error
from gba_dataflow.engine.model import Fact, ManifestResult
from gba_dataflow.engine.rulebook import CompiledRule, CompiledRuleset, Rulebook, source_text
from gba_dataflow.manifests.provenance import Provenance


@dataclass(frozen=True)
class NodeTrace:
    """One sub-condition: its source text, its value (or error) and the facts it read."""

    kind: str  # and | or | not | any | all | compare | let | fact | call | value
    text: str
    value: Any
    line: int = 0
    error: str | None = None
    facts: tuple[Fact, ...] = ()
    children: tuple[NodeTrace, ...] = ()
    skipped: bool = False  # not evaluated: `and`/`or` stopped at an earlier decisive operand
    note: str | None = None  # e.g. which element of `any` matched
    operands: tuple[tuple[str, Any], ...] = ()  # computed sides of a comparison


@dataclass(frozen=True)
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
    citations: tuple[str, ...] = ()
    """The rule's citations, in the language of `message`, when the rule fired (with its message or its
    `met` texts)."""
    met: tuple[str, ...] = ()
    """When it fires: its `met` texts, the obligations it finds already met."""


@dataclass(frozen=True)
class RulesetTrace:
    """One ruleset: whether it applies (and the tree of its `applies when`), its decision and its rules."""

    id: str
    source: str
    applies: bool
    decision: str | None
    applies_condition: NodeTrace | None
    rules: tuple[RuleTrace, ...]


@dataclass(frozen=True)
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
            tr("--rule `{rule}` is not a rule of the loaded rulesets", rule=rule),
            code="E501",
            hint=did_you_mean(rule, known) or tr("see `gba-dataflow rules list`"),
        )
    result = evaluate_manifest(rulebook, manifest, as_of=as_of, lang=lang)
    day = resolve_as_of(manifest.data, as_of)
    ctx = EvalContext(with_transfer_date(manifest.data, day), day)
    outcomes = {outcome.id: outcome for outcome in result.rulesets}
    traces = []
    for ruleset in rulebook.rulesets:
        if rule is not None and not any(r.id == rule for r in ruleset.rules):
            continue
        tracer = _Tracer(ruleset, ctx, manifest.positions, getattr(manifest, "provenance_of", None), lang)
        outcome = outcomes.get(ruleset.id)
        applies = outcome.applies if outcome is not None else True
        applies_tree = None
        if ruleset.node.applies is not None:
            applies_tree, _, _ = tracer.trace(ruleset.node.applies)
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
    tree, value, failure = tracer.trace(node.condition)
    ctx = tracer.ctx
    holds = rule_outcome(rule.effect, value, failure)
    message = rule.because.render(ctx, lang) if holds and active and rule.because is not None else None
    met = tuple(text.render(ctx, lang) for text in rule.mets) if holds and active else ()
    if not active:
        label = "inactive"
    elif failure is not None:
        label = "error"
    else:
        label = "fires" if holds else "does not hold"
    error = _error_text(failure, lang) if failure is not None else None
    return replace(
        base,
        evaluated=True,
        holds=holds,
        outcome=label,
        error=error,
        message=message,
        condition=tree,
        citations=rule.cites_in(lang) if message is not None or met else (),
        met=met,
    )


def _error_text(error: EvalError, lang: str) -> str:
    """`E301: ... has no value`, in `lang` (a phrase in English, so that it can still be said in another)."""
    first = error.first
    text = tr("{code}: {message}", code=first.code, message=first.message)
    return text if lang == "en" else localize(text, lang)


class _Frame:
    """One sub-expression as the evaluator entered it: its value or error, what it read, its children."""

    __slots__ = ("children", "error", "expr", "facts", "start", "value", "witness")

    def __init__(self, expr: nodes.Expr, start: int) -> None:
        self.expr = expr
        self.start = start
        self.value: Any = None
        self.error: EvalError | None = None
        self.facts: tuple[tuple[str, str, Any], ...] = ()
        self.children: list[_Frame] = []
        self.witness: Binding | None = None


class TraceRecorder(FactRecorder):
    """Watches an evaluation sub-expression by sub-expression (the evaluator calls `enter`/`leave`)."""

    __slots__ = ("roots", "stack")
    watches_nodes = True

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[_Frame] = []
        self.roots: list[_Frame] = []

    def enter(self, expr: nodes.Expr) -> None:
        self.stack.append(_Frame(expr, len(self.facts)))

    def witness(self, var: str, binding: Binding) -> None:
        if self.stack:
            self.stack[-1].witness = binding

    def leave(self, expr: nodes.Expr, value: Any, error: EvalError | None) -> None:
        frame = self.stack.pop()
        frame.value, frame.error = value, error
        frame.facts = tuple(self.facts[frame.start :])
        (self.stack[-1].children if self.stack else self.roots).append(frame)


class _Tracer:
    """Evaluates the conditions of one ruleset with a `TraceRecorder` watching, and turns what it saw into
    `NodeTrace` trees."""

    def __init__(
        self,
        ruleset: CompiledRuleset,
        ctx: EvalContext,
        positions: Mapping[str, tuple[int, int]],
        origin: Callable[[str], Provenance] | None = None,
        lang: str = "en",
    ) -> None:
        self.origin = origin
        self.lang = lang
        """The language of the errors' texts in the trees."""
        self.node = ruleset.node
        self.lets = {let.name: let for let in ruleset.node.lets}
        self.compiler = Compiler(self.lets, observe_nodes=True)
        self.ctx = ctx
        self.positions = positions

    def trace(self, expr: nodes.Expr) -> tuple[NodeTrace, Any, EvalError | None]:
        """Evaluate `expr` once, watched: its tree, its value and its error (if any)."""
        ctx = self.ctx
        recorder = TraceRecorder()
        ctx.observer, ctx.witnesses, ctx.let_recorded = recorder, {}, {}
        value: Any = None
        error: EvalError | None = None
        try:
            value = self.compiler.compile(expr)(ctx)
        except EvalError as failure:
            error = failure
        finally:
            ctx.observer = None
        if error is None and value is not True and value is not False:
            error = bool_error(value, expr.span)
        root = recorder.roots[-1] if recorder.roots else _Frame(expr, 0)
        return self._node(root, frozenset(), 0), value, error

    def _node(self, frame: _Frame, bound: frozenset[str], depth: int) -> NodeTrace:
        expr = frame.expr
        kind = _kind(expr, self.lets, bound)
        children: tuple[NodeTrace, ...] = ()
        note = None
        if depth < 32:
            if isinstance(expr, nodes.BoolOp):
                children = self._operands(expr, frame, bound, depth)
            elif isinstance(expr, nodes.Not) and frame.children:
                children = (self._node(frame.children[0], bound, depth + 1),)
            elif kind == "let" and isinstance(expr, nodes.Path):
                children = tuple(self._node(child, frozenset(), depth + 1) for child in frame.children[:1])
                note = f"let {expr.parts[0]}"
            elif isinstance(expr, nodes.Quantifier):
                children, note = self._quantifier(expr, frame, bound, depth)
        operands = self._computed_sides(expr, frame) if isinstance(expr, nodes.Compare) else ()
        return NodeTrace(
            kind=kind,
            text=source_text(self.node, expr),
            value=frame.value,
            line=max(expr.span.line, 0),
            error=_error_text(frame.error, self.lang) if frame.error is not None else None,
            facts=facts_from(frame.facts, self.positions, self.origin) if not children else (),
            children=children,
            note=note,
            operands=operands,
        )

    def _operands(
        self, expr: nodes.BoolOp, frame: _Frame, bound: frozenset[str], depth: int
    ) -> tuple[NodeTrace, ...]:
        seen = [self._node(child, bound, depth + 1) for child in frame.children]
        rest = expr.operands[len(seen) :]  # after the operand that decided (or failed): not evaluated
        return tuple(seen) + tuple(
            NodeTrace(
                kind=_kind(operand, self.lets, bound),
                text=source_text(self.node, operand),
                value=None,
                line=max(operand.span.line, 0),
                skipped=True,
            )
            for operand in rest
        )

    def _quantifier(
        self, expr: nodes.Quantifier, frame: _Frame, bound: frozenset[str], depth: int
    ) -> tuple[tuple[NodeTrace, ...], str | None]:
        bodies = frame.children
        if frame.error is not None:
            return (), None
        if frame.value is not (expr.kind == "any"):  # no element decided: every one was evaluated
            count = len(bodies)
            verdict = "no element matched" if expr.kind == "any" else "every element matched"
            return (), f"{verdict} ({count} {'element' if count == 1 else 'elements'})"
        witness = frame.witness
        if witness is None or not bodies:
            return (), None
        _, where, _, index = witness
        name = f"{where}[{index}]" if where else f"element {index}"
        note = f"{expr.var} = {name}: matched" if expr.kind == "any" else f"{expr.var} = {name}: failed"
        return (self._node(bodies[-1], bound | {expr.var}, depth + 1),), note

    def _computed_sides(self, expr: nodes.Compare, frame: _Frame) -> tuple[tuple[str, Any], ...]:
        """The computed value of each side of a comparison that is neither a literal nor a plain path."""
        out = []
        for side, child in zip((expr.left, expr.right), frame.children, strict=False):
            if isinstance(side, nodes.Literal | nodes.SetLiteral | nodes.Duration) or (
                isinstance(side, nodes.Path) and side.parts[0] not in self.lets
            ):
                continue
            if child.error is None:
                out.append((source_text(self.node, side), child.value))
        return tuple(out)


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
