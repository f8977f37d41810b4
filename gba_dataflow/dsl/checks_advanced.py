"""Static checks that reason about whole rules: W211 never fires, W212 shadowed allow, W213 translations.

All three are conservative and syntactic: they look at the top-level `and` of a condition (with positive
`let` references expanded), compare sub-expressions by AST equality and never evaluate anything, so a warning
is always real, while some dead or shadowed rules go unnoticed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from gba_dataflow.core.errors import Diagnostic, Severity
from gba_dataflow.core.i18n import Phrase, tr, tr_join
from gba_dataflow.dsl import nodes
from gba_dataflow.dsl.check_context import CheckContext
from gba_dataflow.dsl.operators import OPERATORS, code

_W = Severity.WARNING
_AS_OF = nodes.Path(parts=("as_of",))
_TRUE = nodes.Literal(value=True)
_MAX_LET_DEPTH = 16


# ---- conjuncts --------------------------------------------------------------------------------


def conjuncts(
    expr: nodes.Expr, lets: Mapping[str, nodes.Let], *, keep_names: bool = True, depth: int = 0
) -> list[nodes.Expr]:
    """The operands of a condition's top-level `and`, flattened, with `let` references expanded.

    With `keep_names` a `let` reference is kept next to its expansion, so `x and not x` is recognised.
    """
    if isinstance(expr, nodes.BoolOp) and expr.op == "and":
        return [
            part
            for operand in expr.operands
            for part in conjuncts(operand, lets, keep_names=keep_names, depth=depth)
        ]
    if (
        isinstance(expr, nodes.Path)
        and len(expr.parts) == 1
        and expr.parts[0] in lets
        and depth < _MAX_LET_DEPTH
    ):
        expanded = conjuncts(lets[expr.parts[0]].expr, lets, keep_names=keep_names, depth=depth + 1)
        return [expr, *expanded] if keep_names else expanded
    return [expr]


# ---- W211: a rule that can never fire ---------------------------------------------------------


@dataclass(frozen=True)
class _Bound:
    """One constraint `key op value`, and where it came from (for the message)."""

    key: nodes.Expr
    op: str
    value: object
    origin: str  # "rule" | "window" | "applies"
    expr: nodes.Expr | None = None
    label: str = ""

    @property
    def text(self) -> str:
        if self.label or self.expr is None:
            return self.label
        from gba_dataflow.dsl.formatter import format_expr  # only when a finding is reported

        return format_expr(self.expr)


def _kind(value: object) -> str | None:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, dt.date):
        return "date"
    if isinstance(value, str):
        return "string"
    return None


def _bounds_of(expr: nodes.Expr, origin: str) -> list[_Bound]:
    """The constraints a conjunct puts on one sub-expression (empty when it is not that simple)."""
    if isinstance(expr, nodes.Literal):
        return [_Bound(_TRUE, "==", False, origin, expr)] if expr.value is False else []
    if isinstance(expr, nodes.Not):
        return [_Bound(expr.operand, "==", False, origin, expr)]
    if not isinstance(expr, nodes.Compare):
        return [_Bound(expr, "==", True, origin, expr)]
    left, right, op = expr.left, expr.right, str(expr.op)
    if op in ("in", "not in"):
        if isinstance(right, nodes.SetLiteral) and all(
            isinstance(item, nodes.Literal) and _kind(item.value) for item in right.items
        ):
            values = frozenset(item.value for item in right.items if isinstance(item, nodes.Literal))
            return [_Bound(left, op, values, origin, expr)]
        return []
    if op == "contains":
        return []
    converse = OPERATORS[op].converse
    if isinstance(left, nodes.Literal) and not isinstance(right, nodes.Literal) and converse is not None:
        left, right, op = right, left, converse
    if isinstance(right, nodes.Literal) and _kind(right.value) is not None:
        return [_Bound(left, op, right.value, origin, expr)]
    return []


class _Feasible:
    """The values one sub-expression may still take; `add` returns the bound a new one contradicts."""

    def __init__(self) -> None:
        self.kind: str | None = None
        self.lower: _Bound | None = None
        self.upper: _Bound | None = None
        self.equal: _Bound | None = None
        self.members: list[_Bound] = []  # `in` sets
        self.excluded: list[_Bound] = []  # `!=` and `not in`

    def add(self, bound: _Bound) -> _Bound | None:
        values = bound.value if isinstance(bound.value, frozenset) else frozenset({bound.value})
        kinds = {_kind(value) for value in values}
        if len(kinds) > 1 or (self.kind is not None and kinds and self.kind not in kinds):
            return None  # mixed types: the type checker reports those
        if kinds:
            self.kind = next(iter(kinds))
        ordered = self.kind in ("number", "date", "string")
        if bound.op in ("<", "<=", ">", ">=") and not ordered:
            return None
        conflict = self._conflict(bound)
        if conflict is None:
            self._record(bound)
        return conflict

    def _allowed(self, value: object, ignore: _Bound | None = None) -> _Bound | None:
        """The recorded bound that rules `value` out, if any."""
        if self.equal is not None and self.equal is not ignore and self.equal.value != value:
            return self.equal
        for bound in (self.lower, self.upper):
            if bound is not None and bound is not ignore and not _satisfies(value, bound):
                return bound
        for bound in self.members:
            if bound is not ignore and isinstance(bound.value, frozenset) and value not in bound.value:
                return bound
        for bound in self.excluded:
            if bound is not ignore and not _satisfies(value, bound):
                return bound
        return None

    def _conflict(self, bound: _Bound) -> _Bound | None:
        if bound.op == "==":
            return self._allowed(bound.value)
        if bound.op == "in" and isinstance(bound.value, frozenset):
            blockers = [self._allowed(value) for value in sorted(bound.value, key=repr)]
            if all(blockers) and blockers:
                return blockers[0]
            return None if blockers else self.equal or self.lower or self.upper
        if bound.op in ("!=", "not in"):
            if self.equal is not None and not _satisfies(self.equal.value, bound):
                return self.equal
            for member in self.members:
                if isinstance(member.value, frozenset) and all(
                    not _satisfies(value, bound) or self._allowed(value, member) for value in member.value
                ):
                    return member
            return None
        # an order bound: check against equalities, sets and the opposite bound
        if self.equal is not None and not _satisfies(self.equal.value, bound):
            return self.equal
        for member in self.members:
            if isinstance(member.value, frozenset) and all(not _satisfies(v, bound) for v in member.value):
                return member
        opposite = self.upper if bound.op in (">", ">=") else self.lower
        if opposite is not None and not _overlap(bound, opposite):
            return opposite
        return None

    def _record(self, bound: _Bound) -> None:
        if bound.op == "==":
            self.equal = bound
        elif bound.op == "in":
            self.members.append(bound)
        elif bound.op in ("!=", "not in"):
            self.excluded.append(bound)
        elif bound.op in (">", ">="):
            if self.lower is None or _tighter(bound, self.lower):
                self.lower = bound
        elif self.upper is None or _tighter(bound, self.upper):
            self.upper = bound


def _satisfies(value: object, bound: _Bound) -> bool:
    limit = bound.value
    try:
        if bound.op == "==":
            return value == limit
        if bound.op == "!=":
            return value != limit
        if bound.op == "in":
            return isinstance(limit, frozenset) and value in limit
        if bound.op == "not in":
            return isinstance(limit, frozenset) and value not in limit
        if bound.op == "<":
            return bool(value < limit)  # type: ignore[operator]
        if bound.op == "<=":
            return bool(value <= limit)  # type: ignore[operator]
        if bound.op == ">":
            return bool(value > limit)  # type: ignore[operator]
        return bool(value >= limit)  # type: ignore[operator]
    except TypeError:
        return True


def _tighter(new: _Bound, old: _Bound) -> bool:
    if new.value == old.value:
        return new.op in ("<", ">")
    lower = new.op in (">", ">=")
    try:
        return bool(new.value > old.value) if lower else bool(new.value < old.value)  # type: ignore[operator]
    except TypeError:
        return False


def _overlap(a: _Bound, b: _Bound) -> bool:
    low, high = (a, b) if a.op in (">", ">=") else (b, a)
    try:
        if low.value == high.value:
            return low.op == ">=" and high.op == "<="
        return bool(low.value < high.value)  # type: ignore[operator]
    except TypeError:
        return True


def _contradiction(bounds: Sequence[_Bound]) -> tuple[_Bound, _Bound] | None:
    """The first pair of bounds that cannot hold together, in order."""
    truth = _Feasible()
    truth.add(_Bound(_TRUE, "==", True, "rule", label="true"))
    states: list[tuple[nodes.Expr, _Feasible]] = [(_TRUE, truth)]
    for bound in bounds:
        state = next((s for key, s in states if key == bound.key), None)
        if state is None:
            state = _Feasible()
            states.append((bound.key, state))
        conflict = state.add(bound)
        if conflict is not None:
            return conflict, bound
    return None


def _window_bounds(rule: nodes.Rule) -> list[_Bound]:
    found = []
    if rule.effective_from is not None:
        text = f"effective from {rule.effective_from.isoformat()}"
        found.append(_Bound(_AS_OF, ">=", rule.effective_from, "window", label=text))
    if rule.effective_until is not None:
        text = f"effective until {rule.effective_until.isoformat()}"
        found.append(_Bound(_AS_OF, "<", rule.effective_until, "window", label=text))
    return found


def _describe(bound: _Bound, ruleset: str) -> Phrase:
    if bound.origin == "window":
        return tr("its window (`{window}`)", window=bound.text)
    if bound.origin == "applies":
        return tr(
            "`{condition}` (from the `applies when` of ruleset `{ruleset}`)",
            condition=bound.text,
            ruleset=ruleset,
        )
    return tr("`{condition}`", condition=bound.text)


def check_never_fires(ctx: CheckContext) -> Iterator[Diagnostic]:
    """W211: a condition that contradicts itself, its window or its ruleset's `applies when`."""
    ruleset = ctx.ruleset
    lets = {let.name: let for let in ruleset.lets}
    if "as_of" in lets:
        return
    scope: list[_Bound] = []
    if ruleset.applies is not None:
        scope = [b for part in conjuncts(ruleset.applies, lets) for b in _bounds_of(part, "applies")]
        clash = _contradiction(scope)
        if clash is not None:
            first, second = clash
            what = (
                tr("`{condition}` never holds", condition=second.text)
                if first.label == "true"
                else tr("`{first}` and `{second}` cannot both hold", first=first.text, second=second.text)
            )
            yield ctx.diagnostic(
                "W211",
                tr("ruleset `{ruleset}` never applies: {reason}", ruleset=ruleset.name, reason=what),
                (second.expr or ruleset.applies).span,
                tr("fix the bounds of `applies when`"),
                _W,
            )
            scope = []
    for rule in ruleset.rules:
        own = [b for part in conjuncts(rule.condition, lets) for b in _bounds_of(part, "rule")]
        clash = _contradiction([*scope, *_window_bounds(rule), *own])
        if clash is None:
            continue
        first, second = clash
        span = second.expr.span if second.origin == "rule" and second.expr is not None else rule.span
        if first.label == "true":
            message = tr(
                "rule `{rule}` can never fire: {part} never holds",
                rule=rule.name,
                part=_describe(second, ruleset.name),
            )
        else:
            message = tr(
                "rule `{rule}` can never fire: {first} and {second} cannot both hold",
                rule=rule.name,
                first=_describe(first, ruleset.name),
                second=_describe(second, ruleset.name),
            )
        yield ctx.diagnostic(
            "W211",
            message,
            span,
            tr("the condition is always false as written; fix the bounds or remove the rule"),
            _W,
        )


# ---- W212: an allow rule that a deny rule always overrides ------------------------------------


def _window_overlap(a: nodes.Rule, b: nodes.Rule) -> tuple[dt.date | None, dt.date | None] | None:
    starts = [day for day in (a.effective_from, b.effective_from) if day is not None]
    ends = [day for day in (a.effective_until, b.effective_until) if day is not None]
    start, end = (max(starts) if starts else None), (min(ends) if ends else None)
    if start is not None and end is not None and end <= start:
        return None
    return start, end


def check_shadowed_allows(ctx: CheckContext) -> Iterator[Diagnostic]:
    """W212: every conjunct of a deny rule is also a conjunct of an allow rule, over overlapping windows.

    For each allow, the first such deny (in file order) is reported. Only candidates are compared: a deny
    can shadow an allow only if the allow has each of the deny's conjuncts, so each deny is filed under
    one of its conjuncts (the one fewest allows have) and an allow looks at the denies filed under its
    own conjuncts, plus the denies without any (`deny when true`). That keeps the check near-linear in the
    number of rules where comparing every deny with every allow was quadratic; the findings are the same.
    """
    ruleset = ctx.ruleset
    lets = {let.name: let for let in ruleset.lets}
    denies = [
        (rule, [p for p in conjuncts(rule.condition, lets, keep_names=False) if p != _TRUE])
        for rule in ruleset.rules
        if rule.effect == "deny"
    ]
    allows = [(rule, conjuncts(rule.condition, lets)) for rule in ruleset.rules if rule.effect == "allow"]
    candidates = _shadowing_candidates(denies, allows)
    for allow, allowed in allows:
        for index in candidates(allowed):
            deny, denied = denies[index]
            if not all(part in allowed for part in denied):
                continue
            overlap = _window_overlap(allow, deny)
            if overlap is None:
                continue
            leaves = [p for p in conjuncts(allow.condition, lets, keep_names=False) if p != _TRUE]
            same = all(part in denied for part in leaves)
            when = _window_text(overlap, allow)
            if same:
                message = tr(
                    "allow rule `{allow}` and deny rule `{deny}` have the same condition: they "
                    "always fire together{when}, and the deny wins",
                    allow=allow.name,
                    deny=deny.name,
                    when=when,
                )
            else:
                message = tr(
                    "allow rule `{allow}` can never decide: deny rule `{deny}` (line "
                    "{line}) holds whenever it does{when}",
                    allow=allow.name,
                    deny=deny.name,
                    line=deny.span.line,
                    when=when,
                )
            yield ctx.diagnostic(
                "W212",
                message,
                allow.span,
                tr(
                    "narrow `{deny}` (e.g. `and not ...`) or remove `{allow}`",
                    deny=deny.name,
                    allow=allow.name,
                ),
                _W,
            )
            break


_Conjuncts = list[nodes.Expr]


def _shadowing_candidates(
    denies: Sequence[tuple[nodes.Rule, _Conjuncts]], allows: Sequence[tuple[nodes.Rule, _Conjuncts]]
) -> Callable[[_Conjuncts], list[int]]:
    """A function giving, for an allow's conjuncts, the indexes (in `denies`, ascending) of the denies whose
    conjuncts it may all have: each deny is filed under its conjunct that the fewest allows have."""
    held_by: dict[nodes.Expr, int] = {}
    for _, allowed in allows:
        for part in set(allowed):
            held_by[part] = held_by.get(part, 0) + 1
    filed: dict[nodes.Expr, list[int]] = {}
    always: list[int] = []
    for index, (_, denied) in enumerate(denies):
        if not denied:
            always.append(index)
            continue
        rarest = min(denied, key=lambda part: held_by.get(part, 0))
        filed.setdefault(rarest, []).append(index)

    def candidates(allowed: _Conjuncts) -> list[int]:
        found = set(always)
        for part in allowed:
            found.update(filed.get(part, ()))
        return sorted(found)

    return candidates


def _window_text(overlap: tuple[dt.date | None, dt.date | None], rule: nodes.Rule) -> Phrase:
    """` from A until B` (either end may be open) where the overlap is narrower than the allow's window."""
    start, end = overlap
    if overlap == (rule.effective_from, rule.effective_until) or (start is None and end is None):
        return tr("")
    if start is not None and end is not None:
        return tr(" from {start} until {end}", start=start.isoformat(), end=end.isoformat())
    if start is not None:
        return tr(" from {start}", start=start.isoformat())
    assert end is not None
    return tr(" until {end}", end=end.isoformat())


# ---- W213: translations -----------------------------------------------------------------------


def check_translations(ctx: CheckContext) -> Iterator[Diagnostic]:
    """W213: a `because`, `require`, `remedy` or `met` without a language that other texts of that kind
    have."""
    ruleset = ctx.ruleset
    kinds: dict[str, list[tuple[Phrase, nodes.Message]]] = {"because": [], "require": [], "remedy": []}
    if ruleset.default_because is not None:
        kinds["because"].append((tr("the ruleset's `default because`"), ruleset.default_because))
    if ruleset.default_remedy is not None:
        kinds["remedy"].append((tr("the ruleset's `default remedy`"), ruleset.default_remedy))
    for rule in ruleset.rules:
        if rule.because is not None:
            kinds["because"].append((tr("the `because` of rule `{rule}`", rule=rule.name), rule.because))
        kinds["require"].extend(
            (tr("a `require` of rule `{rule}`", rule=rule.name), message) for message in rule.requires
        )
        if rule.remedy is not None:
            kinds["remedy"].append((tr("the `remedy` of rule `{rule}`", rule=rule.name), rule.remedy))
        kinds.setdefault("met", []).extend(
            (tr("a `met` of rule `{rule}`", rule=rule.name), message) for message in rule.mets
        )
    for kind, messages in kinds.items():
        wanted = sorted({lang for _, message in messages for lang, _ in message.translations})
        for what, message in messages:
            have = {lang for lang, _ in message.translations}
            missing = [lang for lang in wanted if lang not in have]
            if missing:
                names = tr_join([code(lang) for lang in missing], "and")
                yield ctx.diagnostic(
                    "W213",
                    tr(
                        "{what} has no {languages} translation, which other `{kind}` texts of ruleset "
                        "`{ruleset}` have",
                        what=what,
                        languages=names,
                        kind=kind,
                        ruleset=ruleset.name,
                    ),
                    message.span,
                    tr('add `{language} "..."` on the line after the English text', language=missing[0]),
                    _W,
                )
