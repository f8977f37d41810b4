"""Evaluate one manifest against a rulebook and combine the rule outcomes into a decision (design §3)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from gba_dataflow.core.errors import Diagnostic, EvalError
from gba_dataflow.core.i18n import Listing, Phrase, localize, tr
from gba_dataflow.core.source import Span
from gba_dataflow.engine.decisive import decisive_default_warnings
from gba_dataflow.engine.evaluator import EvalContext, FactRecorder, Fn, RawFact, bool_error, format_value
from gba_dataflow.engine.model import (
    Fact,
    FailedCondition,
    ManifestResult,
    Obligation,
    ObligationStatus,
    Reason,
    Remedy,
    Route,
    RulesetOutcome,
    Verdict,
    Warning,
)
from gba_dataflow.engine.rulebook import CompiledMessage, CompiledRule, CompiledRuleset, Conjunct, Rulebook
from gba_dataflow.manifests.provenance import Provenance

_ALLOW, _DENY = Verdict.ALLOW, Verdict.DENY  # a global, where `Verdict.DENY` costs an enum lookup
MAX_CLOSEST_ALLOWS = 3
NO_RULESET = "gba-dataflow/no-ruleset"
_NO_RULESET_REMEDY = tr("check the origin and destination regions, or add a ruleset that covers this route")


def _say(text: Phrase, lang: str) -> str:
    """A text of gba-dataflow's own among the rules' texts of a result, in the language they are in (the
    rules' texts are chosen by `lang` as the result is made); in English still the phrase itself."""
    return text if lang == "en" else localize(text, lang)


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


@dataclass(slots=True)
class _RulesetRun:
    """One applicable ruleset's judgement of a manifest: the rules that held, by effect, and its decision."""

    ruleset: CompiledRuleset
    denies: list[CompiledRule]
    allows: list[CompiledRule]
    warns: list[CompiledRule]
    decision: Verdict


def resolve_as_of(data: Mapping[str, Any], as_of: dt.date | None) -> dt.date:
    """--as-of if given, else transfer.date, else today (design §3)."""
    if as_of is not None:
        return as_of
    planned = (data.get("transfer") or {}).get("date")
    return planned if type(planned) is dt.date or isinstance(planned, dt.date) else dt.date.today()


_ROUTES: dict[tuple[Any, Any, Any, Any], Route] = {}
"""The routes made so far, by their fields: a batch has few, and a Route is immutable, so manifests on the
same route share one (looking it up costs less than making a named tuple)."""
MAX_ROUTES = 4096


def route_of(data: Mapping[str, Any]) -> Route:
    """Where the manifest's transfer goes (missing parts are None)."""
    try:  # a loaded manifest has every one of these
        transfer = data["transfer"]
        origin, destination = transfer["origin"], transfer["destination"]
        key = (origin["region"], destination["region"], origin["city"], destination["city"])
    except (KeyError, TypeError):
        transfer = _mapping(data.get("transfer"))
        origin, destination = _mapping(transfer.get("origin")), _mapping(transfer.get("destination"))
        key = (origin.get("region"), destination.get("region"), origin.get("city"), destination.get("city"))
    try:
        route = _ROUTES.get(key)
    except TypeError:  # an unhashable value (not from a valid manifest): not kept
        return _route(key)
    if route is None:
        if len(_ROUTES) >= MAX_ROUTES:
            _ROUTES.clear()
        route = _ROUTES[key] = _route(key)
    return route


def _route(key: tuple[Any, Any, Any, Any]) -> Route:
    origin, destination, origin_city, destination_city = key
    return Route(
        origin=origin, destination=destination, origin_city=origin_city, destination_city=destination_city
    )


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


@dataclass(frozen=True, slots=True)
class Decision:
    """The bare decision (no explanation): the verdict and the rule ids that determined it."""

    verdict: Verdict
    rules: tuple[str, ...]
    errors: tuple[Diagnostic, ...] = ()


@dataclass(slots=True)
class _Evaluation:
    """Which rulesets applied to one manifest and which of their rules held."""

    root: dict[str, Any]
    """The manifest data with `transfer.date` set (see `with_transfer_date`)."""
    as_of: dt.date
    ctx: EvalContext | None
    """The evaluator's context, where any closure ran (the generated code could not decide)."""
    runs: list[_RulesetRun]
    outcomes: list[RulesetOutcome]
    errors: list[Diagnostic]
    caches: dict[str, dict[str, Any]]
    """The generated code's values of `let`s for this manifest, per ruleset (two rule files may each define
    a let of the same name)."""
    verdict: Verdict


def _evaluate(
    rulebook: Rulebook, data: dict[str, Any], as_of: dt.date | None, fast: bool = True
) -> _Evaluation:
    transfer = data.get("transfer")
    planned = transfer.get("date") if transfer.__class__ is dict else None
    if as_of is None and planned.__class__ is dt.date:  # the usual case: a manifest with its date
        day, root = planned, data
    else:
        day = resolve_as_of(data, as_of)
        root = with_transfer_date(data, day)
    ctx: EvalContext | None = None  # made only for a closure
    caches: dict[str, dict[str, Any]] = {}
    errors: list[Diagnostic] = []
    runs: list[_RulesetRun] = []
    outcomes: list[RulesetOutcome] = []
    verdict = _ALLOW
    for ruleset in rulebook.rulesets:
        cache = caches[ruleset.id] = {}
        applies = ruleset.fast_applies if fast else _no_fast_path if ruleset.node.applies else None
        if applies is not None:  # it has `applies when`: the generated function, else the closure
            try:
                value = applies(root, day, cache)
            except Exception:
                value = None
            if value is not True:
                if value is not False:
                    ctx = ctx or EvalContext(root, day)
                    value = _applies_by_closure(ruleset, ctx, errors)
                if not value:
                    outcomes.append(ruleset.outcomes[None])
                    continue
        held = None
        if fast:
            try:
                held = ruleset.run_all(root, day, cache)
            except Exception:  # the evaluator decides every rule, and says what went wrong
                held = None
        if held is not None:
            denies, allows, warns, undecided = held
        else:
            denies, allows, warns = [], [], []
            undecided = [i for i, rule in enumerate(ruleset.rules) if rule.node.active_on(day)]
        if undecided:
            ctx = ctx or EvalContext(root, day)
            denies, allows, warns = _with_closures(ruleset, ctx, denies + allows + warns, undecided, errors)
        decision = _ALLOW if allows and not denies else _DENY
        if decision is _DENY:
            verdict = decision
        runs.append(_RulesetRun(ruleset, denies, allows, warns, decision))
        outcomes.append(ruleset.outcomes[decision])
    if not runs:
        verdict = _DENY
    return _Evaluation(root, day, ctx, runs, outcomes, errors, caches, verdict)


def _no_fast_path(root: Any, day: Any, cache: Any) -> None:
    """`applies when` without the generated code: None sends it to the evaluator."""
    return None


def decide(
    rulebook: Rulebook, manifest: ManifestInput, *, as_of: dt.date | None = None, fast: bool = True
) -> Decision:
    """Decide one manifest without building explanations: the fast path for bulk and embedded use.

    The determining rules are the deny rules that held (or `<ruleset>/default` for a default deny),
    and for an allow the allow rules that held but for duty-met rules (the rules `evaluate_manifest`
    gives as reasons). `fast=False` decides by the reference evaluator alone, never the generated code:
    the differential tests compare the two.
    """
    evaluation = _evaluate(rulebook, manifest.data, as_of, fast)
    verdict, errors = evaluation.verdict, tuple(evaluation.errors)
    if not evaluation.runs:
        return Decision(verdict=verdict, rules=(NO_RULESET,), errors=errors)
    ids: list[str] = []
    for run in evaluation.runs:
        if run.decision is _DENY:
            ids.extend(rule.id for rule in run.denies) if run.denies else ids.append(run.ruleset.default_id)
        elif verdict is _ALLOW:
            ids.extend(rule.id for rule in _reasons_to_allow(run.allows))
    return Decision(verdict=verdict, rules=tuple(ids), errors=errors)


def evaluate_manifest(
    rulebook: Rulebook, manifest: ManifestInput, *, as_of: dt.date | None = None, lang: str = "en"
) -> ManifestResult:
    """Decide one loaded, valid manifest and explain the decision (reasons, facts, obligations, remedies)."""
    evaluation = _evaluate(rulebook, manifest.data, as_of)
    data, verdict = evaluation.root, evaluation.verdict
    explainer = _Explainer(
        data,
        evaluation.as_of,
        evaluation.ctx,
        evaluation.caches,
        manifest.positions.get,
        lang,
        getattr(manifest, "provenance_of", None),
    )
    route = route_of(data)
    reasons: list[Reason] = []
    remedies: list[Remedy] = []
    obligations: list[Obligation] = []
    warnings = [_manifest_warning(d) for d in manifest.warnings] if manifest.warnings else []
    if not evaluation.runs:
        reasons.append(explainer.no_ruleset(route))
        remedies.append(Remedy(rule=NO_RULESET, kind="remedy", text=_say(_NO_RULESET_REMEDY, lang)))
    for run in evaluation.runs:
        if run.decision is _DENY:
            if run.denies:
                reasons.extend(map(explainer.reason, run.denies))
                remedies.extend(explainer.remedies(run.denies))
            else:
                reasons.append(explainer.default_deny(run.ruleset))
                remedies.extend(explainer.default_remedies(run.ruleset))
        elif verdict is _ALLOW:
            reasons.extend(map(explainer.reason, _reasons_to_allow(run.allows)))
            if run.ruleset.requires:
                explainer.add_obligations(run.allows, obligations)
        if run.warns:
            warnings.extend(map(explainer.warning, run.warns))
    if verdict is _ALLOW and evaluation.runs:  # W423: an allow resting on a decisive fact's default
        applied = {run.ruleset.id: run.ruleset.node for run in evaluation.runs}
        provenance = getattr(manifest, "provenance", None) or {}
        outcomes = tuple(evaluation.outcomes)
        warnings.extend(decisive_default_warnings(applied, outcomes, manifest.positions, provenance))
    return ManifestResult(
        manifest=manifest.path,
        id=data.get("id"),
        route=route,
        decision=verdict,
        as_of=evaluation.as_of,
        reasons=tuple(reasons),
        obligations=tuple(obligations),
        warnings=tuple(warnings),
        remedies=tuple(remedies),
        rulesets=tuple(evaluation.outcomes),
        errors=tuple(evaluation.errors),
        title=data.get("title") or None,
        digest=manifest.digest,
    )


def _reasons_to_allow(allows: Sequence[CompiledRule]) -> Sequence[CompiledRule]:
    """The allow rules that held and are reasons for the allow: all but the duty-met rules (`met` texts
    and no `because`), which are shown as met obligations instead. Where only duty-met rules held, they
    stay the reasons, so that an allow always says which rules allowed it."""
    reasons = [rule for rule in allows if not rule.node.is_duty_met]
    return reasons if reasons else allows


def error_result(path: str, diagnostics: Sequence[Diagnostic]) -> ManifestResult:
    """The result for a manifest that could not be read or validated: `error`, never `allow`."""
    return ManifestResult(
        manifest=path,
        id=None,
        route=Route(origin=None, destination=None),
        decision=Verdict.ERROR,
        errors=tuple(diagnostics),
    )


# ---- running rules ----------------------------------------------------------------------------


def with_transfer_date(data: dict[str, Any], day: dt.date) -> dict[str, Any]:
    """The manifest data with `transfer.date` set to the as-of date when the manifest gave none."""
    transfer = data.get("transfer")
    if isinstance(transfer, dict) and transfer.get("date") is None:
        return {**data, "transfer": {**transfer, "date": day}}
    return data


def _strict(fn: Fn, ctx: EvalContext, span: Span) -> bool:
    """Evaluate a closure to a bool; a condition that yields no bool is an error (fail closed)."""
    value = fn(ctx)
    if value is True or value is False:
        return value
    raise bool_error(value, span)


def _applies_by_closure(ruleset: CompiledRuleset, ctx: EvalContext, errors: list[Diagnostic]) -> bool:
    """`applies when` by its closure, where the generated function could not tell."""
    condition = ruleset.node.applies
    closure = ruleset.applies  # compiled on first use
    if condition is None or closure is None:  # pragma: no cover - only called for a ruleset with one
        return True
    try:
        return _strict(closure, ctx, condition.span)
    except EvalError as error:
        note = tr(
            "`applies when` of {ruleset} failed; the ruleset is treated as applying", ruleset=ruleset.id
        )
        errors.extend(_tag(error, note))
        return True  # fail closed: an applicable ruleset can only add reasons to deny


def _with_closures(
    ruleset: CompiledRuleset,
    ctx: EvalContext,
    decided: list[CompiledRule],
    undecided: list[int],
    errors: list[Diagnostic],
) -> tuple[list[CompiledRule], list[CompiledRule], list[CompiledRule]]:
    """The rules that held, by effect in rule order: those the generated code found, and of those it
    could not decide (`undecided`, by index), the ones whose closures hold."""
    rules = ruleset.rules
    held = [index for index, rule in enumerate(rules) if any(rule is found for found in decided)]
    held = sorted(held + [index for index in undecided if _closure_holds(rules[index], ctx, errors)])
    lists: tuple[list[CompiledRule], list[CompiledRule], list[CompiledRule]] = ([], [], [])
    effects = ruleset.effect_indexes
    for index in held:
        lists[effects[index]].append(rules[index])
    return lists


def rule_outcome(effect: str, value: Any, error: EvalError | None) -> bool:
    """Whether a rule counts as holding: the one definition (design §3.8). Its condition's value when
    that is a boolean; where evaluating it failed, a deny rule counts as holding (fail closed) and an
    allow or warn rule as not holding."""
    if error is not None:
        return effect == "deny"
    return value is True


def condition_value(fn: Fn, ctx: EvalContext, span: Span) -> tuple[bool | None, EvalError | None]:
    """Evaluate a condition's closure: (its boolean value, None), or (None, the error) where it failed or
    gave something other than true or false."""
    try:
        return _strict(fn, ctx, span), None
    except EvalError as error:
        return None, error


def _closure_holds(rule: CompiledRule, ctx: EvalContext, errors: list[Diagnostic]) -> bool:
    value, error = condition_value(rule.condition, ctx, rule.node.condition.span)
    holds = rule_outcome(rule.effect, value, error)
    if error is not None:
        note = (
            tr("rule {rule} could not be evaluated and counts as holding", rule=rule.id)
            if holds
            else tr("rule {rule} could not be evaluated and counts as not holding", rule=rule.id)
        )
        errors.extend(_tag(error, note))
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


def facts_from(
    raw: Sequence[RawFact],
    positions: Mapping[str, tuple[int, int]],
    origin: Callable[[str], Provenance] | None = None,
) -> tuple[Fact, ...]:
    """The facts of recorded reads: the first read of each path, with its line and column in the manifest
    and where its value came from (`origin`: the manifest's `provenance_of`; None: stated where the file
    has it, else the default)."""
    return _facts_from(raw, positions.get, origin)


_AS_OF_NOTE = "the evaluation date: --as-of, else transfer.date, else today"


def _facts_from(
    raw: Sequence[RawFact],
    at: Callable[[str, Any], tuple[Any, Any]],
    origin: Callable[[str], Provenance] | None = None,
) -> tuple[Fact, ...]:
    seen: dict[str, Fact] = {}
    for path, pointer, value in raw:
        if path in seen:
            continue
        if not pointer:  # `as_of`: not a manifest value
            seen[path] = Fact(
                path=path, pointer=pointer, value=value, provenance="derived", provenance_note=_AS_OF_NOTE
            )
            continue
        line, column = at(pointer, _NO_POSITION)
        if origin is not None:
            where = origin(pointer)
            kind, note = where.origin.value, where.note
        else:
            kind, note = ("stated" if line is not None else "default"), None
        seen[path] = Fact(
            path=path,
            pointer=pointer,
            value=value,
            line=line,
            column=column,
            provenance=kind,
            provenance_note=note,
        )
    return tuple(seen.values())


class _Explainer:
    """Builds reasons, facts, obligations and remedies for the rules that decided.

    The facts come from evaluating those rules again with a `FactRecorder` watching (the decision itself
    came from the generated code, which records nothing)."""

    __slots__ = ("_ctx", "_rule_witnesses", "as_of", "at", "caches", "lang", "origin", "root", "witnesses")

    def __init__(
        self,
        root: dict[str, Any],
        as_of: dt.date,
        ctx: EvalContext | None,
        caches: dict[str, dict[str, Any]],
        at: Callable[[str, Any], tuple[Any, Any]],
        lang: str,
        origin: Callable[[str], Provenance] | None = None,
    ) -> None:
        self.root = root
        self.as_of = as_of
        self._ctx = ctx
        self.caches = caches
        """The generated code's values of `let`s for this manifest, per ruleset, from deciding it."""
        self.at = at
        self.origin = origin
        """The manifest's `provenance_of`: where each value came from."""
        """The manifest's `positions.get`: a JSON pointer's (line, column)."""
        self.lang = lang
        self.witnesses: dict[str, Any] = {}
        """The quantifier witnesses of the condition recorded last, which a message may name."""
        self._rule_witnesses: dict[str, dict[str, Any]] = {}
        """The witnesses of each rule explained whose messages may name them (`reads_witnesses`)."""

    def context(self) -> EvalContext:
        """The closures' context, made on first use, holding the current witnesses."""
        ctx = self._ctx
        if ctx is None:
            ctx = self._ctx = EvalContext(self.root, self.as_of)
        ctx.witnesses = self.witnesses
        return ctx

    def facts_of(self, condition: CompiledRule | Conjunct) -> tuple[tuple[Fact, ...], bool]:
        """Evaluate a condition with a fact recorder watching; returns (facts, value is True).

        Leaves the condition's quantifier witnesses in `self.witnesses`, for the messages that name them.
        """
        self.witnesses = {}
        ctx = self.context()
        recorder = ctx.observer = FactRecorder()
        try:
            value = condition.closure(ctx) is True
        except EvalError:
            value = False
        ctx.observer = None
        self.witnesses = ctx.witnesses
        return _facts_from(recorder.facts, self.at, self.origin), value

    def rule_facts(self, rule: CompiledRule) -> tuple[Fact, ...]:
        """The facts of a rule that held, leaving its witnesses current (for its messages)."""
        facts, _ = self.facts_of(rule)
        if rule.reads_witnesses:
            self._rule_witnesses[rule.id] = self.witnesses
        return facts

    def with_witnesses(self, rule: CompiledRule) -> None:
        """Make the witnesses of a rule that held current again, for its messages (called for a rule
        whose messages may name them: `reads_witnesses`)."""
        witnesses = self._rule_witnesses.get(rule.id)
        if witnesses is None:
            self.rule_facts(rule)
            witnesses = self.witnesses
        self.witnesses = dict(witnesses)

    def text(self, message: CompiledMessage) -> str:
        """A message in the chosen language, for this manifest."""
        return message.constants.get(self.lang) or message.render(self.context(), self.lang)

    def no_ruleset(self, route: Route) -> Reason:
        raw: list[RawFact] = []
        for end in ("origin", "destination"):
            pointer = f"/transfer/{end}/region"
            raw.append((f"transfer.{end}.region", pointer, self.root["transfer"][end]["region"]))
        message = tr(
            "no ruleset covers {origin} → {destination}; transfers are denied unless a "
            "ruleset applies (fail closed)",
            origin=route.origin,
            destination=route.destination,
        )
        return Reason(
            rule=NO_RULESET,
            effect="deny",
            message=_say(message, self.lang),
            citations=(),
            facts=_facts_from(raw, self.at, self.origin),
            source="gba-dataflow",
            source_line=0,
        )

    def reason(self, rule: CompiledRule) -> Reason:
        facts, _ = self.facts_of(rule)  # rule_facts, inline (a call less per reason on the hot path)
        if rule.reads_witnesses:
            self._rule_witnesses[rule.id] = self.witnesses
        because = rule.because
        if because is None:
            message = " ".join(map(self.text, rule.mets)) if rule.mets else rule.id  # a duty-met rule
        else:
            message = because.constants.get(self.lang) or because.render(self.context(), self.lang)  # text()
        return Reason(
            rule=rule.id,
            effect=rule.effect,
            message=message,
            citations=rule.cites_in(self.lang),
            facts=facts,
            source=rule.source,
            source_line=rule.line,
        )

    def warning(self, rule: CompiledRule) -> Warning:
        reason = self.reason(rule)
        return Warning(
            message=reason.message,
            rule=rule.id,
            citations=reason.citations,
            facts=reason.facts,
            source=rule.source,
        )

    def add_obligations(self, rules: Sequence[CompiledRule], out: list[Obligation]) -> None:
        """Add to `out` the `requires` (to do) and `met` texts (met) of allow rules that held, in rule
        order, each text once."""
        for rule in rules:
            if not (rule.requires or rule.node.mets):
                continue
            if rule.reads_witnesses:
                self.with_witnesses(rule)
            for message in rule.requires:
                text = self.text(message)
                if all(text != obligation.text for obligation in out):
                    out.append(Obligation(rule=rule.id, text=text))
            for message in rule.mets:
                text = self.text(message)
                if all(text != obligation.text for obligation in out):
                    out.append(Obligation(rule=rule.id, text=text, status=ObligationStatus.MET))

    def default_deny(self, ruleset: CompiledRuleset) -> Reason:
        because = ruleset.default_because
        if because is not None:
            message = self.text(because)
        else:
            message = _say(tr("no rule of {ruleset} permits this transfer", ruleset=ruleset.id), self.lang)
        cites = ruleset.node.default_cites
        return Reason(
            rule=ruleset.default_id,
            effect="deny",
            message=message,
            citations=cites if self.lang == "en" else ruleset.node.default_cites_in(self.lang),
            facts=(),
            source=ruleset.source,
            source_line=ruleset.line,
        )

    def remedies(self, denies: Sequence[CompiledRule]) -> list[Remedy]:
        """The remedies of the deny rules that held."""
        out: list[Remedy] = []
        for rule in denies:
            if rule.remedy is not None:
                if rule.reads_witnesses:
                    self.with_witnesses(rule)
                out.append(Remedy(rule=rule.id, kind="remedy", text=self.text(rule.remedy)))
        return out

    def default_remedies(self, ruleset: CompiledRuleset) -> list[Remedy]:
        """For a default deny: the ruleset's default remedy, then the allow rules that came closest."""
        out: list[Remedy] = []
        remedy = ruleset.default_remedy
        if remedy is not None:
            out.append(Remedy(rule=ruleset.default_id, kind="remedy", text=self.text(remedy)))
        out.extend(self.closest_allows(ruleset))
        return out

    def closest_allows(self, ruleset: CompiledRuleset) -> list[Remedy]:
        """The allow rules with the fewest failing conditions, and exactly which failed.

        Rules are ranked by evaluating the parts of their conditions without recording anything (by the
        generated `allow_parts`, which stops once no later rule can be among the closest, and a part's
        closure where that cannot tell); only the closest (at most MAX_CLOSEST_ALLOWS) are evaluated
        again to record the facts of what failed. A closest rule's message sees the witnesses of its own
        conditions (so where it may name one, the parts that held are recorded again too, for their
        witnesses)."""
        rules = ruleset.rules
        try:
            cache = self.caches.setdefault(ruleset.id, {})
            scored, unsure = ruleset.allow_parts(self.root, self.as_of, cache, MAX_CLOSEST_ALLOWS)
        except Exception:  # pragma: no cover - each part's errors are caught inside
            scored, unsure = (
                [],
                [
                    (index, (None,) * len(rule.conjuncts))
                    for index, rule in enumerate(rules)
                    if rule.effect == "allow" and rule.node.active_on(self.as_of)
                ],
            )
        for index, parts in unsure:  # the generated code could not tell: the closures do
            rule = rules[index]
            held = tuple(
                [
                    self.holds(part) if value is None else value
                    for part, value in zip(rule.conjuncts, parts, strict=True)
                ]
            )
            if False in held:
                scored.append((held.count(False), index, held))
        if not scored:
            return []
        scored.sort()  # fewest failing parts first, then the order of the rules
        best = scored[0][0]
        out = []
        for failing, index, held in scored[:MAX_CLOSEST_ALLOWS]:
            if failing != best:
                break
            rule = rules[index]
            conjuncts = rule.conjuncts
            missing: list[FailedCondition] = []
            if rule.reads_witnesses:  # its message sees the witnesses of every part
                witnesses: dict[str, Any] = {}
                for part in conjuncts:
                    failed = self.failed_condition(part)
                    witnesses.update(self.witnesses)
                    if failed is not None:
                        missing.append(failed)
                self.witnesses = witnesses
            else:
                for position, part_held in enumerate(held):
                    if part_held is False:
                        failed = self.failed_condition(conjuncts[position])
                        if failed is not None:
                            missing.append(failed)
            because = rule.remedy or rule.because  # an allow rule's remedy says what it would take
            if because is None and rule.mets:  # a duty-met rule says what it would find met
                because = rule.mets[0]
            text = rule.id if because is None else self.text(because)
            out.append(
                Remedy(rule=rule.id, kind="closest_allow", text=text, failed_conditions=tuple(missing))
            )
        return out

    def holds(self, part: Conjunct) -> bool:
        """Whether a part of a condition holds by its closure (one that cannot be evaluated does not)."""
        try:
            return part.fn(self.context()) is True
        except EvalError:
            return False

    def failed_condition(self, part: Conjunct) -> FailedCondition | None:
        facts, holds = self.facts_of(part)
        if holds:
            return None
        return FailedCondition(
            condition=part.readable or part.text,
            suggestion=_say(part.suggestion or _suggest(facts), self.lang),
            facts=facts,
        )


def _suggest(facts: tuple[Fact, ...]) -> Phrase:
    """Plain words for what would make a failed condition hold, from the facts it read."""
    if not facts:
        return tr("would allow if this held")
    if len(facts) == 1:  # the usual case, without a list and a join
        return tr("would allow if this held (now {facts})", facts=_now(facts[0].path, facts[0].value))
    now = Listing([_now(fact.path, fact.value) for fact in facts[:4]])
    return tr("would allow if this held (now {facts})", facts=now)


def _now(path: str, value: Any) -> Phrase:
    """A fact in words: `x = 3`, or `x is not set` rather than `x = null`."""
    if value is None:
        return tr("{path} is not set", path=path)
    return tr("{path} = {value}", path=path, value=format_value(value))
