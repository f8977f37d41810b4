"""Static checks of rulesets. Each check is a generator of diagnostics; `CHECKS` lists them all.

`check_rulesets` never raises for user mistakes: it returns every finding, sorted by location.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from gba_dataflow.core.errors import Diagnostic, Severity, errors_in, sort_diagnostics, warnings_in
from gba_dataflow.core.i18n import Listing, Phrase, tr
from gba_dataflow.core.source import Span
from gba_dataflow.core.suggest import did_you_mean
from gba_dataflow.dsl import checks_advanced, checks_citations, nodes
from gba_dataflow.dsl.catalog import Catalog, FieldInfo
from gba_dataflow.dsl.check_context import CheckContext, RulesetCheck
from gba_dataflow.dsl.operators import BOOL_HINT, FUNCTIONS, OPERATORS, Operator, code
from gba_dataflow.dsl.patterns import pattern_matches, pattern_suggestion
from gba_dataflow.dsl.types import ANY, BOOL, DATE, DURATION, NULL, NUMBER, STRING, Type, describe, set_of

BUILTIN_NAMES = {"as_of": DATE}


@dataclass
class CheckResult:
    """All findings of a check run."""

    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def errors(self) -> list[Diagnostic]:
        return errors_in(self.diagnostics)

    @property
    def warnings(self) -> list[Diagnostic]:
        return warnings_in(self.diagnostics)


def check_rulesets(rulesets: Sequence[nodes.Ruleset], catalog: Catalog) -> CheckResult:
    """Run every check of `CHECKS` over each ruleset, plus the cross-file checks."""
    found: list[Diagnostic] = []
    seen: dict[str, nodes.Ruleset] = {}
    for ruleset in rulesets:
        if ruleset.name in seen:
            first = seen[ruleset.name]
            context = CheckContext(ruleset, catalog)
            found.append(
                context.diagnostic(
                    "E205",
                    tr(
                        "ruleset `{ruleset}` is also declared in {path}",
                        ruleset=ruleset.name,
                        path=first.path,
                    ),
                    ruleset.span,
                    tr("give each ruleset file its own id"),
                )
            )
        seen.setdefault(ruleset.name, ruleset)
        context = CheckContext(ruleset, catalog)
        for check in CHECKS:
            found.extend(check(context))
    return CheckResult(sort_diagnostics(found))


# ---- structure checks -------------------------------------------------------------------------


def check_rule_texts(ctx: CheckContext) -> Iterator[Diagnostic]:
    """E208 missing because (a duty-met rule has `met` texts instead), E209 missing cite, E204 duplicate
    rule ids, E210 empty windows, W220 a waivable rule that does not deny, E225 `met` on a rule that does
    not allow."""
    seen: dict[str, nodes.Rule] = {}
    for rule in ctx.ruleset.rules:
        if rule.because is None and not rule.mets:
            yield ctx.diagnostic(
                "E208",
                tr("rule `{rule}` has no `because` message", rule=rule.name),
                rule.span,
                tr('add `because "why this rule decides so"`'),
            )
        if not rule.cites:
            yield ctx.diagnostic(
                "E209",
                tr("rule `{rule}` cites no legal source", rule=rule.name),
                rule.span,
                tr('add `cite "<instrument>, Art. N"`'),
            )
        if rule.name in seen:
            yield ctx.diagnostic(
                "E204",
                tr(
                    "rule `{rule}` is declared twice in ruleset `{ruleset}`",
                    rule=rule.name,
                    ruleset=ctx.ruleset.name,
                ),
                rule.span,
                tr("the first is at line {line}; rename one of them", line=seen[rule.name].span.line),
            )
        seen.setdefault(rule.name, rule)
        if rule.waivable and rule.effect != "deny":
            yield ctx.diagnostic(
                "W220",
                tr(
                    "rule `{rule}` is `waivable` but its effect is `{effect}`, not `deny`",
                    rule=rule.name,
                    effect=rule.effect,
                ),
                rule.span,
                tr("a waiver turns a deny into an allow; remove `waivable`, or make it a deny rule"),
                severity=Severity.WARNING,
            )
        yield from _check_mets(ctx, rule)
        start, until = rule.effective_from, rule.effective_until
        if start is not None and until is not None and until <= start:
            yield ctx.diagnostic(
                "E210",
                tr(
                    "rule `{rule}` is effective from {start} until {until}, which contains no day",
                    rule=rule.name,
                    start=str(start),
                    until=str(until),
                ),
                rule.span,
                tr("the window includes `from` and excludes `until`; `until` must be later"),
            )


def _check_mets(ctx: CheckContext, rule: nodes.Rule) -> Iterator[Diagnostic]:
    """E225: `met` texts on a rule that does not allow (a deny or warn rule has no obligations)."""
    if rule.mets and rule.effect != "allow":
        yield ctx.diagnostic(
            "E225",
            tr(
                "rule `{rule}` has a `met` text but its effect is `{effect}`, not `allow`",
                rule=rule.name,
                effect=rule.effect,
            ),
            rule.mets[0].span,
            tr(
                "`met` names an obligation an allow rule finds already met; make it an allow rule, or write "
                "the text as its `because`"
            ),
        )


# ---- names and types --------------------------------------------------------------------------


class _Scope:
    """Names visible in an expression: lets of the file and quantifier variables."""

    def __init__(self, lets: Mapping[str, nodes.Let], variables: Mapping[str, Type] | None = None):
        self.lets = lets
        self.variables = dict(variables or {})

    def bind(self, name: str, element: Type) -> _Scope:
        return _Scope(self.lets, {**self.variables, name: element})

    def bind_many(self, bound: Mapping[str, Type]) -> _Scope:
        return _Scope(self.lets, {**self.variables, **bound})


def check_names_and_types(ctx: CheckContext) -> Iterator[Diagnostic]:
    """E201 unknown path, E202 type mismatch, E203 enum, E206 undefined, W207 unused let, E214, E215."""
    lets = {let.name: let for let in ctx.ruleset.lets}
    typer = _Typer(ctx, lets)
    for let in ctx.ruleset.lets:
        typer.let_type(let.name)
    if ctx.ruleset.applies is not None:
        typer.expect_bool(ctx.ruleset.applies, _Scope(lets), tr("`applies when`"))
    for rule in ctx.ruleset.rules:
        scope = _Scope(lets)
        typer.expect_bool(rule.condition, scope, tr("the condition of `{rule}`", rule=rule.name))
        bound = _bound_variables(rule.condition, typer, scope)
        messages = [m for m in (rule.because, rule.remedy, *rule.requires, *rule.mets) if m is not None]
        for message in messages:
            for template in (message.text, *(t for _, t in message.translations)):
                for path in template.paths:
                    typer.check_interpolation(path, scope.bind_many(bound))
    yield from typer.found
    for let in ctx.ruleset.lets:
        if let.name not in typer.used_lets:
            yield ctx.diagnostic(
                "W207",
                tr("`let {name}` is never used", name=let.name),
                let.span,
                tr("remove it or use it in a condition"),
                Severity.WARNING,
            )


def _bound_variables(expr: nodes.Expr, typer: _Typer, scope: _Scope) -> dict[str, Type]:
    """Variables of quantifiers in a condition, for message interpolation (`{f.name}`)."""
    bound: dict[str, Type] = {}
    for node in expr.walk():
        if isinstance(node, nodes.Quantifier | nodes.Count):
            collection = typer.quiet_type(node.collection, scope.bind_many(bound))
            if collection.element is not None:
                bound[node.var] = collection.element
    return bound


class _Typer:
    """Infers types, reporting problems once each."""

    def __init__(self, ctx: CheckContext, lets: Mapping[str, nodes.Let]) -> None:
        self.ctx = ctx
        self.lets = lets
        self.found: list[Diagnostic] = []
        self.used_lets: set[str] = set()
        self._let_types: dict[str, Type] = {}
        self._in_progress: set[str] = set()
        self._quiet = 0

    def report(self, code: str, message: str, span: Span, hint: str | None = None) -> None:
        if not self._quiet:
            self.found.append(self.ctx.diagnostic(code, message, span, hint))

    def quiet_type(self, expr: nodes.Expr, scope: _Scope) -> Type:
        self._quiet += 1
        try:
            return self.type_of(expr, scope)
        finally:
            self._quiet -= 1

    def let_type(self, name: str) -> Type:
        if name in self._let_types:
            return self._let_types[name]
        if name in self._in_progress:
            self.report("E206", tr("`let {name}` refers to itself", name=name), self.lets[name].span)
            return ANY
        self._in_progress.add(name)
        result = self.type_of(self.lets[name].expr, _Scope(self.lets))
        self._in_progress.discard(name)
        self._let_types[name] = result
        return result

    def expect_bool(self, expr: nodes.Expr, scope: _Scope, what: Phrase) -> None:
        found = self.type_of(expr, scope)
        if not BOOL.accepts(found) or found.kind == "null":
            self.report(
                "E202",
                tr("{what} must be true or false, but it is a {type}", what=what, type=describe(found)),
                expr.span,
                BOOL_HINT,
            )

    def check_interpolation(self, path: nodes.Path, scope: _Scope) -> None:
        before = len(self.found)
        self.type_of(path, scope)
        for index in range(before, len(self.found)):
            old = self.found[index]
            self.found[index] = Diagnostic(
                "E215",
                tr("in a message: {message}", message=old.message),
                old.span,
                old.hint,
                excerpt=old.excerpt,
            )

    # -- inference
    def type_of(self, expr: nodes.Expr, scope: _Scope) -> Type:
        if isinstance(expr, nodes.Literal):
            return _literal_type(expr.value)
        if isinstance(expr, nodes.Duration):
            return DURATION
        if isinstance(expr, nodes.Path):
            return self.path_type(expr, scope)
        if isinstance(expr, nodes.SetLiteral):
            element = ANY
            for item in expr.items:
                item_type = self.type_of(item, scope)
                if element is ANY:
                    element = item_type
                elif not element.accepts(item_type):
                    self.report(
                        "E202",
                        tr(
                            "a set mixes {first} and {second} values",
                            first=describe(element),
                            second=describe(item_type),
                        ),
                        item.span,
                    )
            return set_of(element)
        if isinstance(expr, nodes.Not):
            return self.operation_type(OPERATORS["not"], expr, scope)
        if isinstance(expr, nodes.BoolOp | nodes.Compare | nodes.Arith):
            return self.operation_type(OPERATORS[expr.op], expr, scope)
        if isinstance(expr, nodes.Quantifier | nodes.Count):
            collection = self.type_of(expr.collection, scope)
            if collection.kind not in ("list", "set", "any"):
                self.report(
                    "E202",
                    tr(
                        "`{var} in ...` needs a list or set, but this is a {type}",
                        var=expr.var,
                        type=describe(collection),
                    ),
                    expr.collection.span,
                )
            inner = scope.bind(expr.var, collection.element or ANY)
            self.expect_bool(expr.body, inner, tr("the condition after `:`"))
            return BOOL if isinstance(expr, nodes.Quantifier) else NUMBER
        if isinstance(expr, nodes.Call):
            return self.call_type(expr, scope)
        return ANY

    def path_type(self, path: nodes.Path, scope: _Scope) -> Type:
        head, *rest = path.parts
        if head in scope.variables:
            base = scope.variables[head]
            return self._member_type(base, rest, path)
        if head in self.lets:
            self.used_lets.add(head)
            base = self.let_type(head)
            return self._member_type(base, rest, path)
        if head in BUILTIN_NAMES and not rest:
            return BUILTIN_NAMES[head]
        return self._catalog_type(path.dotted, path)

    def _member_type(self, base: Type, rest: list[str], path: nodes.Path) -> Type:
        if not rest:
            return base
        if base.kind == "object" and base.at is not None:
            return self._catalog_type(".".join([base.at, *rest]), path, shown=path.dotted)
        if base.kind == "any":
            return ANY
        self.report(
            "E202",
            tr(
                "`{name}` is a {type}, which has no field `{field}`",
                name=path.parts[0],
                type=describe(base),
                field=rest[0],
            ),
            path.span,
        )
        return ANY

    def _catalog_type(self, dotted: str, path: nodes.Path, shown: str | None = None) -> Type:
        info = self.ctx.catalog.get(dotted)
        if info is not None:
            return info.type
        shown = shown or dotted
        roots = {key.split(".")[0] for key in self.ctx.catalog}
        if "." not in dotted and dotted not in roots:
            hint = did_you_mean(dotted, [*self.lets, *roots, *BUILTIN_NAMES])
            self.report(
                "E206",
                tr("`{name}` is not defined", name=shown),
                path.span,
                hint or tr("define it with `let`, or write a full manifest path such as `dataset.core_data`"),
            )
            return ANY
        candidates = [key for key in self.ctx.catalog if key.count(".") == dotted.count(".")]
        closest = _closest(dotted, candidates)
        if closest is not None and "[]" in dotted:
            closest = closest.replace(dotted.rsplit(".", 1)[0], shown.rsplit(".", 1)[0])
        self.report(
            "E201",
            tr("`{path}` is not a field of the manifest", path=shown),
            path.span,
            _did_you_mean(closest) or tr("see `gba-dataflow schema manifest` for the fields a rule can read"),
        )
        return ANY

    def field_info(self, expr: nodes.Expr, scope: _Scope) -> FieldInfo | None:
        """The catalog entry a path expression reads, if it is a manifest field."""
        if not isinstance(expr, nodes.Path):
            return None
        head, *rest = expr.parts
        if head in scope.variables:
            base = scope.variables[head]
            if base.kind == "object" and base.at and rest:
                return self.ctx.catalog.get(".".join([base.at, *rest]))
            return None
        if head in self.lets or head in BUILTIN_NAMES:
            return None
        return self.ctx.catalog.get(expr.dotted)

    def operation_type(self, operator: Operator, expr: nodes.Expr, scope: _Scope) -> Type:
        """The type of an operator or function applied to its operands, by the operator table's type rule
        (which reports what is wrong through `report`)."""
        types = tuple(self.type_of(operand, scope) for operand in expr.children())
        return operator.type_rule(self, expr, types, scope)

    def check_enum_literals(self, field_side: nodes.Expr, literal_side: nodes.Expr, scope: _Scope) -> None:
        """Report a literal compared with a field whose schema allows only other values (E203)."""
        info = self.field_info(field_side, scope)
        if info is None:
            return
        literals = literal_side.items if isinstance(literal_side, nodes.SetLiteral) else (literal_side,)
        if info.pattern is not None:
            for literal in literals:
                if isinstance(literal, nodes.Literal) and isinstance(literal.value, str):
                    self._check_pattern(info, literal.value, literal.span, info.pattern)
        if info.enum is None:
            return
        for literal in literals:
            if (
                isinstance(literal, nodes.Literal)
                and literal.value is not None
                and literal.value not in info.enum
            ):
                allowed = ", ".join(f'"{value}"' for value in info.enum)
                hint = did_you_mean(str(literal.value), [str(v) for v in info.enum])
                self.report(
                    "E203",
                    tr("`{path}` is never {value}", path=info.path, value=repr(literal.value)),
                    literal.span,
                    hint or tr("it is one of {values}", values=allowed),
                )

    def _check_pattern(self, info: FieldInfo, value: str, span: Span, pattern: str) -> None:
        """E217: a string literal that the field's schema `pattern` can never produce."""
        if pattern_matches(pattern, value):
            return
        better = pattern_suggestion(pattern, value)
        hint = (
            tr('did you mean "{value}"?', value=better)
            if better
            else tr("values of `{path}` match {pattern}", path=info.path, pattern=pattern)
        )
        self.report(
            "E217",
            tr(
                "`{path}` is never {value}: its values match the pattern {pattern}, so this comparison "
                "never holds",
                path=info.path,
                value=repr(value),
                pattern=pattern,
            ),
            span,
            hint,
        )

    def call_type(self, expr: nodes.Call, scope: _Scope) -> Type:
        function = FUNCTIONS.get(expr.name)
        if function is None:
            names = Listing([code(name) for name in FUNCTIONS])
            self.report(
                "E214",
                tr("there is no function `{name}`", name=expr.name),
                expr.span,
                did_you_mean(expr.name, list(FUNCTIONS)) or tr("functions: {names}", names=names),
            )
            return ANY
        return self.operation_type(function, expr, scope)


def _closest(name: str, candidates: list[str]) -> str | None:
    """The candidate `did_you_mean` would suggest for `name`, itself (to be shown under another name)."""
    import difflib  # only when there is a mistake to suggest a fix for

    matches = difflib.get_close_matches(name, sorted(set(candidates)), n=1, cutoff=0.6)
    return matches[0] if matches else None


def _did_you_mean(name: str | None) -> Phrase | None:
    return tr("did you mean `{name}`?", name=name) if name is not None else None


def _literal_type(value: object) -> Type:
    if value is None:
        return NULL
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, int | float):
        return NUMBER
    if isinstance(value, dt.date):
        return DATE
    return STRING


CHECKS: tuple[RulesetCheck, ...] = (
    check_rule_texts,
    check_names_and_types,
    checks_advanced.check_never_fires,
    checks_advanced.check_shadowed_allows,
    checks_advanced.check_translations,
    checks_citations.check_cite_translations,
)
"""Every per-ruleset check, in the order they run (findings are sorted by location afterwards)."""
