"""Evaluate one manifest against a rulebook and combine the rule outcomes into a decision (design §3)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

from gba_dataflow.core.errors import Diagnostic, EvalError
from gba_dataflow.core.source import Span
from gba_dataflow.dsl import nodes
from gba_dataflow.engine.codegen import FastFn, RecordFn
from gba_dataflow.engine.compiler import EvalContext, Fn, RawFact, bool_error, format_value
from gba_dataflow.engine.model import (
    Fact,
    FailedCondition,
    ManifestResult,
    Obligation,
    Reason,
    Remedy,
    Route,
    RulesetOutcome,
    Verdict,
    Warning,
)
from gba_dataflow.engine.rulebook import CompiledRule, CompiledRuleset, Conjunct, Rulebook

MAX_CLOSEST_ALLOWS = 3
NO_RULESET = "gba-dataflow/no-ruleset"


class ManifestInput(Protocol):
    """What the engine needs of a loaded manifest (see gba_dataflow.manifests.LoadedManifest)."""

    @property
    def path(self) -> str: ...
    @property
    def data(self) -> dict[str, Any]: ...
    @property
    def positions(self) -> Mapping[str, tuple[int, int]]: ...
    @property
    def digest(self) -> str: ...
    @property
    def warnings(self) -> tuple[Diagnostic, ...]: ...


@dataclass
class _RulesetRun:
    """The outcome of one applicable ruleset for one manifest."""

    ruleset: CompiledRuleset
    denies: list[CompiledRule] = field(default_factory=list)
    allows: list[CompiledRule] = field(default_factory=list)
    warns: list[CompiledRule] = field(default_factory=list)

    @property
    def decision(self) -> Verdict:
        return Verdict.ALLOW if self.allows and not self.denies else Verdict.DENY


def resolve_as_of(data: Mapping[str, Any], as_of: dt.date | None) -> dt.date:
    """--as-of if given, else transfer.date, else today (design §3)."""
    if as_of is not None:
        return as_of
    planned = (data.get("transfer") or {}).get("date")
    return planned if isinstance(planned, dt.date) else dt.date.today()


def route_of(data: Mapping[str, Any]) -> Route:
    transfer = data.get("transfer") or {}
    origin = transfer.get("origin") or {}
    destination = transfer.get("destination") or {}
    return Route(origin.get("region"), destination.get("region"), origin.get("city"), destination.get("city"))


class Decision(NamedTuple):
    """The bare decision (no explanation): the verdict and the rule ids that determined it."""

    verdict: Verdict
    rules: tuple[str, ...]
    errors: tuple[Diagnostic, ...] = ()


@dataclass
class _Evaluation:
    """Which rulesets applied and which of their rules held, for one manifest."""

    ctx: EvalContext
    runs: list[_RulesetRun]
    outcomes: list[RulesetOutcome]
    errors: list[Diagnostic]
    cache: dict[str, Any]
    """The generated code's values of `let`s for this manifest."""

    @property
    def verdict(self) -> Verdict:
        if not self.runs or any(run.decision is Verdict.DENY for run in self.runs):
            return Verdict.DENY
        return Verdict.ALLOW


def _evaluate(rulebook: Rulebook, data: dict[str, Any], as_of: dt.date | None) -> _Evaluation:
    day = resolve_as_of(data, as_of)
    ctx = EvalContext(with_transfer_date(data, day), day)
    cache: dict[str, Any] = {}
    errors: list[Diagnostic] = []
    runs: list[_RulesetRun] = []
    outcomes: list[RulesetOutcome] = []
    for ruleset in rulebook.rulesets:
        if not _applies(ruleset, ctx, cache, errors):
            outcomes.append(RulesetOutcome(ruleset.id, False, None))
            continue
        run = _run_ruleset(ruleset, ctx, cache, errors)
        runs.append(run)
        outcomes.append(RulesetOutcome(ruleset.id, True, run.decision.value))
    return _Evaluation(ctx, runs, outcomes, errors, cache)


def decide(rulebook: Rulebook, manifest: ManifestInput, *, as_of: dt.date | None = None) -> Decision:
    """Decide one manifest without building explanations: the fast path for bulk and embedded use.

    The determining rules are the deny rules that held (or `<ruleset>/default` for a default deny),
    and for an allow the allow rules that held.
    """
    evaluation = _evaluate(rulebook, manifest.data, as_of)
    verdict = evaluation.verdict
    if not evaluation.runs:
        return Decision(verdict, (NO_RULESET,), tuple(evaluation.errors))
    ids: list[str] = []
    for run in evaluation.runs:
        if run.decision is Verdict.DENY:
            ids.extend(rule.id for rule in run.denies) if run.denies else ids.append(
                f"{run.ruleset.id}/default"
            )
        elif verdict is Verdict.ALLOW:
            ids.extend(rule.id for rule in run.allows)
    return Decision(verdict, tuple(ids), tuple(evaluation.errors))


def evaluate_manifest(
    rulebook: Rulebook, manifest: ManifestInput, *, as_of: dt.date | None = None, lang: str = "en"
) -> ManifestResult:
    """Decide one loaded, valid manifest and explain the decision (reasons, facts, obligations, remedies)."""
    evaluation = _evaluate(rulebook, manifest.data, as_of)
    ctx, runs = evaluation.ctx, evaluation.runs
    data = ctx.root
    explainer = _Explainer(ctx, manifest.positions, lang, evaluation.cache)
    route = route_of(data)
    reasons: list[Reason] = []
    remedies: list[Remedy] = []
    obligations: list[Obligation] = []
    verdict = evaluation.verdict
    if not runs:
        reasons.append(
            Reason(
                rule=NO_RULESET,
                effect="deny",
                message=f"no ruleset covers {route.origin} → {route.destination}; transfers are denied "
                "unless a ruleset applies (fail closed)",
                citations=(),
                facts=explainer.route_facts(),
                source="gba-dataflow",
            )
        )
        remedies.append(
            Remedy(
                NO_RULESET,
                "remedy",
                "check the origin and destination regions, or add a ruleset that covers this route",
            )
        )
    else:
        for run in runs:
            if run.decision is Verdict.DENY:
                reasons.extend(explainer.reasons(run.denies) if run.denies else [explainer.default_deny(run)])
                remedies.extend(explainer.remedies(run))
            elif verdict is Verdict.ALLOW:
                reasons.extend(explainer.reasons(run.allows))
        if verdict is Verdict.ALLOW:
            obligations = explainer.obligations([rule for run in runs for rule in run.allows])
    warnings = [_manifest_warning(d) for d in manifest.warnings]
    warnings.extend(explainer.warnings([rule for run in runs for rule in run.warns]))
    return ManifestResult(
        manifest=manifest.path,
        id=data.get("id"),
        route=route,
        decision=verdict,
        as_of=ctx.as_of,
        reasons=tuple(reasons),
        obligations=tuple(obligations),
        warnings=tuple(warnings),
        remedies=tuple(remedies),
        rulesets=tuple(evaluation.outcomes),
        errors=tuple(evaluation.errors),
        title=data.get("title") or None,
        digest=manifest.digest,
    )


def error_result(path: str, diagnostics: Sequence[Diagnostic]) -> ManifestResult:
    """The result for a manifest that could not be read or validated: `error`, never `allow`."""
    return ManifestResult(
        manifest=path, id=None, route=Route(None, None), decision=Verdict.ERROR, errors=tuple(diagnostics)
    )


# ---- running rules ----------------------------------------------------------------------------


def with_transfer_date(data: dict[str, Any], day: dt.date) -> dict[str, Any]:
    """The manifest data with `transfer.date` set to the as-of date when the manifest gave none."""
    transfer = data.get("transfer")
    if isinstance(transfer, dict) and transfer.get("date") is None:
        return {**data, "transfer": {**transfer, "date": day}}
    return data


def _fast(fn: FastFn | None, ctx: EvalContext, cache: dict[str, Any]) -> bool | None:
    """Run a generated fast-path function; None means "fall back to the closure path"."""
    if fn is None:
        return None
    try:
        value = fn(ctx.root, ctx.as_of, cache)
    except Exception:
        return None
    return value if value is True or value is False else None


def _strict(fn: Fn, ctx: EvalContext, span: Span) -> bool:
    """Evaluate a closure to a bool; a condition that yields no bool is an error (fail closed)."""
    value = fn(ctx)
    if value is True or value is False:
        return value
    raise bool_error(value, span)


def _applies(
    ruleset: CompiledRuleset, ctx: EvalContext, cache: dict[str, Any], errors: list[Diagnostic]
) -> bool:
    condition = ruleset.node.applies
    if condition is None:
        return True
    fast = _fast(ruleset.fast_applies, ctx, cache)
    if fast is not None:
        return fast
    closure = ruleset.applies  # compiled on first use: only when the fast path cannot tell
    if closure is None:  # pragma: no cover - None only for a ruleset without `applies when`
        return True
    try:
        return _strict(closure, ctx, condition.span)
    except EvalError as error:
        errors.extend(
            _tag(error, f"`applies when` of {ruleset.id} failed; the ruleset is treated as applying")
        )
        return True  # fail closed: an applicable ruleset can only add reasons to deny


def _run_ruleset(
    ruleset: CompiledRuleset, ctx: EvalContext, cache: dict[str, Any], errors: list[Diagnostic]
) -> _RulesetRun:
    run = _RulesetRun(ruleset)
    rules = ruleset.rules
    try:
        held, undecided = ruleset.run_all(ctx.root, ctx.as_of, cache)
    except Exception:
        held, undecided = [], [i for i, rule in enumerate(rules) if rule.node.active_on(ctx.as_of)]
    if undecided:
        held = sorted(held + [i for i in undecided if _closure_holds(rules[i], ctx, errors)])
    lists = {"deny": run.denies, "allow": run.allows, "warn": run.warns}
    for index in held:
        rule = rules[index]
        lists[rule.effect].append(rule)
    return run


def _closure_holds(rule: CompiledRule, ctx: EvalContext, errors: list[Diagnostic]) -> bool:
    try:
        return _strict(rule.condition, ctx, rule.node.condition.span)
    except EvalError as error:
        holds = rule.effect == "deny"  # fail closed (design §3.8)
        effect = "counts as holding" if holds else "counts as not holding"
        errors.extend(_tag(error, f"rule {rule.id} could not be evaluated and {effect}"))
        return holds


def _tag(error: EvalError, note: str) -> list[Diagnostic]:
    return [
        Diagnostic(d.code, d.message, d.span, d.hint, d.severity, notes=(note,)) for d in error.diagnostics
    ]


def _manifest_warning(diagnostic: Diagnostic) -> Warning:
    return Warning(
        message=diagnostic.message,
        code=diagnostic.code,
        json_path=diagnostic.json_path,
        line=diagnostic.line,
        column=diagnostic.column,
        source=diagnostic.path,
    )


_NO_POSITION = (None, None)


def facts_from(raw: Sequence[RawFact], positions: Mapping[str, tuple[int, int]]) -> tuple[Fact, ...]:
    """The facts of recorded reads: the first read of each path, with its line and column in the manifest."""
    seen: dict[str, Fact] = {}
    where = positions.get
    for path, pointer, value in raw:
        if path not in seen:
            line, column = where(pointer, _NO_POSITION) if pointer else _NO_POSITION
            # tuple.__new__ rather than Fact(...): the named tuple's own __new__ is a Python function
            seen[path] = tuple.__new__(Fact, (path, pointer, value, line, column))
    return tuple(seen.values())


class _Explainer:
    """Builds reasons, facts, obligations and remedies for the rules that decided."""

    def __init__(
        self, ctx: EvalContext, positions: Mapping[str, tuple[int, int]], lang: str, cache: dict[str, Any]
    ) -> None:
        self.ctx = ctx
        self.positions = positions
        self.lang = lang
        self.cache = cache
        self._rule_facts: dict[str, tuple[tuple[Fact, ...], dict[str, Any]]] = {}

    def rule_facts(self, rule: CompiledRule) -> tuple[Fact, ...]:
        """The facts of a rule that held, computed once; also leaves its witnesses for its messages."""
        cached = self._rule_facts.get(rule.id)
        if cached is None:
            facts, _ = self.facts_of(lambda: rule.condition, rule.record)
            cached = self._rule_facts[rule.id] = (facts, dict(self.ctx.witnesses))
        self.ctx.witnesses = dict(cached[1])
        return cached[0]

    def facts_of(
        self, closure: Callable[[], Fn], record: RecordFn | None = None
    ) -> tuple[tuple[Fact, ...], bool]:
        """Re-evaluate a condition recording facts; returns (facts, value is True).

        `record`, the condition's generated twin, is tried first: it records the same facts faster, and
        raises wherever it cannot; then the condition's closure, `closure()` (compiled on first use), runs
        from scratch.
        """
        ctx = self.ctx
        ctx.witnesses = {}
        if record is not None:
            raw: list[RawFact] = []
            try:
                value = record(ctx.root, ctx.as_of, raw, ctx.let_recorded, ctx.witnesses) is True
            except Exception:  # the closure path below gives the exact outcome
                pass
            else:
                return facts_from(raw, self.positions), value
        ctx.facts = []
        try:
            value = closure()(ctx) is True
        except EvalError:
            value = False
        raw, ctx.facts = ctx.facts, None
        return facts_from(raw, self.positions), value

    def route_facts(self) -> tuple[Fact, ...]:
        raw: list[RawFact] = []
        for end in ("origin", "destination"):
            pointer = f"/transfer/{end}/region"
            raw.append((f"transfer.{end}.region", pointer, self.ctx.root["transfer"][end]["region"]))
        return facts_from(raw, self.positions)

    def reason(self, rule: CompiledRule) -> Reason:
        facts = self.rule_facts(rule)
        message = rule.because.render(self.ctx, self.lang) if rule.because else rule.id
        return Reason(rule.id, rule.effect, message, rule.node.cites, facts, rule.source, rule.node.span.line)

    def reasons(self, rules: Sequence[CompiledRule]) -> list[Reason]:
        return [self.reason(rule) for rule in rules]

    def warnings(self, rules: Sequence[CompiledRule]) -> list[Warning]:
        out = []
        for rule in rules:
            reason = self.reason(rule)
            out.append(
                Warning(
                    message=reason.message,
                    rule=rule.id,
                    citations=reason.citations,
                    facts=reason.facts,
                    source=rule.source,
                )
            )
        return out

    def obligations(self, rules: Sequence[CompiledRule]) -> list[Obligation]:
        seen: set[str] = set()
        out: list[Obligation] = []
        for rule in rules:
            self.rule_facts(rule)
            for message in rule.requires:
                text = message.render(self.ctx, self.lang)
                if text not in seen:
                    seen.add(text)
                    out.append(Obligation(rule.id, text))
        return out

    def default_deny(self, run: _RulesetRun) -> Reason:
        ruleset = run.ruleset
        if ruleset.default_because is not None:
            message = ruleset.default_because.render(self.ctx, self.lang)
        else:
            message = f"no rule of {ruleset.id} permits this transfer"
        return Reason(
            f"{ruleset.id}/default",
            "deny",
            message,
            ruleset.node.default_cites,
            (),
            ruleset.source,
            ruleset.node.span.line,
        )

    def remedies(self, run: _RulesetRun) -> list[Remedy]:
        out: list[Remedy] = []
        for rule in run.denies:
            if rule.remedy is not None:
                self.rule_facts(rule)
                out.append(Remedy(rule.id, "remedy", rule.remedy.render(self.ctx, self.lang)))
        if run.denies:
            return out
        if run.ruleset.default_remedy is not None:
            out.append(
                Remedy(
                    f"{run.ruleset.id}/default",
                    "remedy",
                    run.ruleset.default_remedy.render(self.ctx, self.lang),
                )
            )
        out.extend(self.closest_allows(run))
        return out

    def closest_allows(self, run: _RulesetRun) -> list[Remedy]:
        """The allow rules with the fewest failing conditions, and exactly which failed.

        Rules are ranked by evaluating their conditions without recording anything; only the closest
        (at most MAX_CLOSEST_ALLOWS) are evaluated again to record the facts of what failed. A closest
        rule's message sees the witnesses of its own conditions (so where it may name one, the parts that
        held are recorded again too, for their witnesses)."""
        scored: list[tuple[int, int, CompiledRule, tuple[bool, ...]]] = []
        for order, rule in enumerate(run.ruleset.rules):
            if rule.effect != "allow" or not rule.node.active_on(self.ctx.as_of):
                continue
            held = tuple([self.holds(part) for part in rule.conjuncts])
            if not all(held):
                scored.append((held.count(False), order, rule, held))
        if not scored:
            return []
        scored.sort(key=lambda item: item[:2])
        best = scored[0][0]
        out = []
        for failing, _, rule, held in scored[:MAX_CLOSEST_ALLOWS]:
            if failing != best:
                break
            missing: list[FailedCondition] = []
            witnesses: dict[str, Any] = {}
            for part, part_held in zip(rule.conjuncts, held, strict=True):
                if part_held and not rule.reads_witnesses:
                    continue  # it holds, and its witnesses would go unread
                failed = self.failed_condition(part)
                witnesses.update(self.ctx.witnesses)
                if failed is not None:
                    missing.append(failed)
            self.ctx.witnesses = witnesses
            because = rule.because.render(self.ctx, self.lang) if rule.because else rule.id
            out.append(Remedy(rule.id, "closest_allow", because, tuple(missing)))
        return out

    def holds(self, part: Conjunct) -> bool:
        """Whether a part of a condition holds, recording nothing (one that cannot be evaluated does not
        hold): by its generated function where that decides, else by its closure."""
        fast = _fast(part.fast, self.ctx, self.cache)
        if fast is not None:
            return fast
        try:
            return part.fn(self.ctx) is True
        except EvalError:
            return False

    def failed_condition(self, part: Conjunct) -> FailedCondition | None:
        facts, holds = self.facts_of(lambda: part.fn, part.record)
        if holds:
            return None
        return FailedCondition(part.text, _suggest(part.expr, facts), facts)


def _suggest(expr: nodes.Expr, facts: tuple[Fact, ...]) -> str:
    """Plain words for what would make a failed condition hold."""
    if isinstance(expr, nodes.Call) and expr.name == "has" and isinstance(expr.args[0], nodes.Path):
        return f"would allow if {expr.args[0].dotted} were set"
    if isinstance(expr, nodes.Path):
        return f"would allow if {expr.dotted} were true"
    if isinstance(expr, nodes.Not) and isinstance(expr.operand, nodes.Path):
        return f"would allow if {expr.operand.dotted} were false"
    now = ", ".join(f"{fact.path} = {format_value(fact.value)}" for fact in facts[:4])
    return "would allow if this held" + (f" (now {now})" if now else "")
