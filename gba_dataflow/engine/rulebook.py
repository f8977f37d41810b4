"""Load rule directories: parse every `*.rules` file, check it against the manifest schema, compile it."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from hashlib import sha256
from pathlib import Path
from typing import TYPE_CHECKING

from gba_dataflow.core.errors import CheckError, Diagnostic, DslSyntaxError, GbaError
from gba_dataflow.core.i18n import Phrase, tr
from gba_dataflow.core.resources import data_dir
from gba_dataflow.core.source import Span
from gba_dataflow.dsl import nodes
from gba_dataflow.engine import cache
from gba_dataflow.engine.codegen import (
    AllowParts,
    FastFn,
    GeneratedCode,
    RunAll,
    generate_code,
    link,
)
from gba_dataflow.engine.evaluator import Compiler, EvalContext, Fn, compile_template, constant_text
from gba_dataflow.engine.model import RulesetOutcome, RulesInfo, Verdict
from gba_dataflow.manifests.schema import (
    ORGANISATION_FILE,
    read_organisation_schema,
    schema_digest,
    use_organisation_schema,
)
from gba_dataflow.manifests.schema import schema as manifest_schema

if TYPE_CHECKING:  # the catalog is built only when rules are checked (a cache miss)
    from gba_dataflow.dsl.catalog import FieldInfo

RULE_SUFFIX = ".rules"
EFFECTS = ("deny", "allow", "warn")


@dataclass(frozen=True, eq=False)
class CompiledMessage:
    """A message in every language it was written in, ready to render for a manifest.

    A template that interpolates nothing is kept as its text; the others are compiled to closures on
    first use."""

    templates: dict[str, nodes.Template]
    compiler: Compiler
    bound: frozenset[str]
    """The quantifier variables the templates may name: they read the rule's witnesses."""
    constants: dict[str, str]
    """The text in each language whose template reads nothing: the same for every manifest."""

    @cached_property
    def renderers(self) -> dict[str, Callable[[EvalContext], str]]:
        return {
            lang: compile_template(template, self.compiler, self.bound)
            for lang, template in self.templates.items()
        }

    def render(self, ctx: EvalContext, lang: str = "en") -> str:
        text = self.constants.get(lang)
        if text is not None:
            return text
        renderer = self.renderers.get(lang) or self.renderers["en"]
        return renderer(ctx)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(sorted(self.templates))


@dataclass(frozen=True, eq=False)
class Conjunct:
    """One top-level `and` operand of a condition, for "what would make this allow rule hold"."""

    text: str
    expr: nodes.Expr
    compiler: Compiler
    readable: str = ""
    """The part for a steward (a bare `let` name replaced by its condition, see `condition_text`); the
    authoring views (coverage, explain) keep `text`, as written."""

    @cached_property
    def fn(self) -> Fn:
        """The part as a closure, compiled on first use: it records what failed, and decides where the
        generated code cannot."""
        return self.compiler.compile(self.expr)

    @property
    def closure(self) -> Fn:
        """The part as a closure (`fn`), by the name `CompiledRule` gives its condition's."""
        return self.fn

    suggestion: Phrase | None = field(init=False)
    """What would make this part hold, where its shape alone says it (`has(path)`, `path`, `not path`);
    None where it depends on the facts read. Derived in __post_init__, a plain attribute."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "suggestion", _suggestion(self.expr))


def _suggestion(expr: nodes.Expr) -> Phrase | None:
    """Only for manifest paths (dotted): a single name is a `let` (or `as_of`), whose name means nothing
    to a steward; its facts say what it read instead (see evaluate._suggest)."""
    if isinstance(expr, nodes.Call) and expr.name == "has" and isinstance(expr.args[0], nodes.Path):
        return tr("would allow if {path} were set", path=expr.args[0].dotted)
    if isinstance(expr, nodes.Path) and len(expr.parts) > 1:
        return tr("would allow if {path} were true", path=expr.dotted)
    if isinstance(expr, nodes.Not) and isinstance(expr.operand, nodes.Path) and len(expr.operand.parts) > 1:
        return tr("would allow if {path} were false", path=expr.operand.dotted)
    return None


@dataclass(frozen=True, eq=False)
class CompiledRule:
    """A rule ready to evaluate: its generated decision function, and its condition and texts compiled to
    closures on first use (a decision needs only `fast`; explaining one needs the rest for a few rules)."""

    id: str
    node: nodes.Rule
    ruleset: nodes.Ruleset
    compiler: Compiler
    source: str
    fast: FastFn

    # Derived in __post_init__, plain attributes so that reading them is cheap when explaining:
    effect: str = field(init=False)
    cites: tuple[str, ...] = field(init=False)
    cite_languages: dict[str, tuple[str, ...]] = field(init=False)
    """The citations in each language they are translated into (`cites_in`)."""
    line: int = field(init=False)
    """The line of the rule in its file."""
    bound: frozenset[str] = field(init=False)
    """The quantifier variables of the condition, which the rule's messages may name."""
    reads_witnesses: bool = field(init=False)
    """Whether its messages may name a quantifier variable of its condition: only then do they read
    the witnesses that recording the condition leaves."""

    def __post_init__(self) -> None:
        node = self.node
        bound = frozenset(
            expr.var for expr in node.condition.walk() if isinstance(expr, nodes.Quantifier | nodes.Count)
        )
        derived = {
            "effect": node.effect,
            "cites": node.cites,
            "cite_languages": {
                lang: node.cites_in(lang)
                for lang in dict.fromkeys(each.lang for each in node.cite_translations)
            },
            "line": node.span.line,
            "bound": bound,
            "reads_witnesses": bool(bound),
        }
        for name, value in derived.items():
            object.__setattr__(self, name, value)

    def cites_in(self, lang: str) -> tuple[str, ...]:
        """The citations in `lang`, English where one has no translation (`nodes.Rule.cites_in`)."""
        return self.cite_languages.get(lang, self.cites)

    # The messages, compiled on first use (a cold start explains a rule or two):
    @cached_property
    def because(self) -> CompiledMessage | None:
        return _message(self.node.because, self.compiler, self.bound)

    @cached_property
    def requires(self) -> tuple[CompiledMessage, ...]:
        messages = (_message(text, self.compiler, self.bound) for text in self.node.requires)
        return tuple(message for message in messages if message is not None)

    @cached_property
    def remedy(self) -> CompiledMessage | None:
        return _message(self.node.remedy, self.compiler, self.bound)

    @cached_property
    def mets(self) -> tuple[CompiledMessage, ...]:
        """The `met` texts: obligations this allow rule finds already met when it holds."""
        messages = (_message(text, self.compiler, self.bound) for text in self.node.mets)
        return tuple(message for message in messages if message is not None)

    @cached_property
    def condition(self) -> Fn:
        """The condition as a closure (see `evaluator`): it records the facts of a decision."""
        return self.compiler.compile(self.node.condition)

    @property
    def closure(self) -> Fn:
        """The condition as a closure (`condition`), by the name `Conjunct` gives its part's."""
        return self.condition

    @cached_property
    def conjuncts(self) -> tuple[Conjunct, ...]:
        """The condition's top-level `and` operands (the whole condition when it is not an `and`)."""
        parts = nodes.conjuncts(self.node.condition)
        return tuple(
            Conjunct(source_text(self.ruleset, part), part, self.compiler, condition_text(self.ruleset, part))
            for part in parts
        )


@dataclass(frozen=True, eq=False)
class CompiledRuleset:
    """A ruleset ready to evaluate (its closures, like its rules', are compiled on first use)."""

    id: str
    node: nodes.Ruleset
    compiler: Compiler
    rules: tuple[CompiledRule, ...]
    source: str
    fast_applies: FastFn | None
    run_all: RunAll
    """The generated function that evaluates every rule active on a day: (denies, allows, warns) that
    held, each in rule order, and the indexes of those it could not decide."""
    allow_parts: AllowParts

    @cached_property
    def applies(self) -> Fn | None:
        return self.compiler.compile(self.node.applies) if self.node.applies is not None else None

    # Derived in __post_init__, plain attributes (see CompiledRule):
    default_id: str = field(init=False)
    """The id of the reason for a default deny: `<ruleset>/default`."""
    line: int = field(init=False)
    """The line of the ruleset's header in its file."""
    effect_indexes: tuple[int, ...] = field(init=False)
    """Per rule, the index of its effect in EFFECTS (deny, allow, warn)."""
    outcomes: dict[Verdict | None, RulesetOutcome] = field(init=False)
    """The outcome of this ruleset for each decision, and for None (it does not apply)."""
    requires: bool = field(init=False)
    """Whether any of its rules has a `requires` or a `met` (an obligation, to do or met, when it allows)."""

    def __post_init__(self) -> None:
        outcomes: dict[Verdict | None, RulesetOutcome] = {
            None: RulesetOutcome(id=self.id, applies=False, decision=None)
        }
        for verdict in (Verdict.ALLOW, Verdict.DENY):
            outcomes[verdict] = RulesetOutcome(id=self.id, applies=True, decision=verdict.value)
        derived = {
            "default_id": f"{self.id}/default",
            "line": self.node.span.line,
            "effect_indexes": tuple(EFFECTS.index(rule.effect) for rule in self.rules),
            "outcomes": outcomes,
            "requires": any(rule.node.requires or rule.node.mets for rule in self.rules),
        }
        for name, value in derived.items():
            object.__setattr__(self, name, value)

    @cached_property
    def default_because(self) -> CompiledMessage | None:
        return _message(self.node.default_because, self.compiler, frozenset())

    @cached_property
    def default_remedy(self) -> CompiledMessage | None:
        return _message(self.node.default_remedy, self.compiler, frozenset())


@dataclass(frozen=True)
class Rulebook:
    """Every ruleset of a run, compiled, with the warnings the static checks found."""

    rulesets: tuple[CompiledRuleset, ...]
    info: RulesInfo
    warnings: tuple[Diagnostic, ...] = ()

    def rule(self, rule_id: str) -> CompiledRule | None:
        for ruleset in self.rulesets:
            for rule in ruleset.rules:
                if rule.id == rule_id:
                    return rule
        return None


def default_rules_dirs() -> list[Path]:
    """`./rules` when it exists, else the ruleset shipped inside the package."""
    local = Path("rules")
    return [local] if local.is_dir() else [data_dir("rules")]


def rule_files(dirs: Iterable[Path]) -> list[Path]:
    """The `*.rules` files of the given directories (or files), sorted, deterministic."""
    found: list[Path] = []
    for entry in dirs:
        if entry.is_file():
            found.append(entry)
        elif entry.is_dir():
            found.extend(sorted(p for p in entry.rglob(f"*{RULE_SUFFIX}") if p.is_file()))
        else:
            raise DslSyntaxError(
                tr("rules directory `{path}` does not exist", path=str(entry)),
                code="E108",
                span=Span(str(entry), 1, 1),
                hint=tr("pass an existing directory to --rules"),
            )
    if not found:
        shown = ", ".join(str(d) for d in dirs)
        raise DslSyntaxError(
            tr("no `*{suffix}` file in {paths}", suffix=RULE_SUFFIX, paths=shown),
            code="E503",
            hint=tr("pass a directory of rule files with --rules"),
        )
    return found


def manifest_catalog() -> dict[str, FieldInfo]:
    """The paths rules may read, from the manifest JSON Schema in use: the shipped one, plus the
    `organisation` section of the rules directory's `organisation.schema.json` when the rules being
    loaded have one (`use_organisation_schema_of`)."""
    return _catalog(schema_digest())


@functools.cache
def _catalog(digest: str) -> dict[str, FieldInfo]:
    from gba_dataflow.dsl.catalog import build_catalog

    return build_catalog(manifest_schema())


def organisation_schema_file(dirs: Sequence[Path]) -> Path | None:
    """The `organisation.schema.json` beside the rules of `dirs` (a directory given, or a rule file's
    directory), if any. Raises CheckError (E424) when two directories have one: an organisation has one
    schema of its own facts."""
    found = sorted(
        {
            candidate.resolve()
            for entry in dirs
            for candidate in [(entry if entry.is_dir() else entry.parent) / ORGANISATION_FILE]
            if candidate.is_file()
        }
    )
    if len(found) > 1:
        raise CheckError(
            tr("two organisation schemas: {first} and {second}", first=str(found[0]), second=str(found[1])),
            code="E424",
            span=Span(str(found[1]), 1, 1),
            hint=tr("keep one {file} for all your organisation's rules", file=ORGANISATION_FILE),
        )
    return found[0] if found else None


def use_organisation_schema_of(dirs: Sequence[Path]) -> bytes:
    """Make the organisation schema of `dirs` (or none) the one manifests are validated against and rules
    are typed against, in this process; its bytes (empty when there is none), for cache keys."""
    path = organisation_schema_file(dirs)
    if path is None:
        use_organisation_schema(None)
        return b""
    use_organisation_schema(read_organisation_schema(str(path)))
    return path.read_bytes()


def parse_rule_files(files: Sequence[Path]) -> list[nodes.Ruleset]:
    """Parse every file, raising one DslSyntaxError with the errors of all of them."""
    return _parse_sources([(path, _read_rule_file(path)) for path in files])


def _read_rule_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        from gba_dataflow.dsl.parser import unreadable_rule_file  # the parser (and Lark) only on this error

        raise DslSyntaxError(
            unreadable_rule_file(error),
            code="E108",
            span=Span(str(path), 1, 1),
        ) from None


def _parse_sources(sources: Sequence[tuple[Path, bytes]]) -> list[nodes.Ruleset]:
    from gba_dataflow.dsl.parser import parse_text

    parsed: list[nodes.Ruleset] = []
    problems: list[Diagnostic] = []
    for path, data in sources:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            problems.append(
                Diagnostic(
                    "E108",
                    tr("cannot read rule file: it is not UTF-8 text"),
                    Span(str(path), line, 1),
                    tr("save the file as UTF-8"),
                )
            )
            continue
        try:
            parsed.append(parse_text(text, str(path)))
        except DslSyntaxError as error:
            problems.extend(error.diagnostics)
    if problems:
        raise DslSyntaxError(diagnostics=problems)
    return parsed


def load_rulebook(dirs: Sequence[Path] | None = None, *, use_cache: bool = True) -> Rulebook:
    """Parse, check and compile the rules in `dirs`. Raises DslSyntaxError or CheckError on errors.

    Parsed and checked rulesets are cached on disk (see `engine/cache.py`); a cache hit skips the
    parser and the checker, which is most of a cold start.
    """
    chosen = list(dirs or default_rules_dirs())
    files = rule_files(chosen)
    sources = [(path, _read_rule_file(path)) for path in files]
    fragment = use_organisation_schema_of(chosen)
    key = cache.rules_key([(str(path), data) for path, data in sources] + [(ORGANISATION_FILE, fragment)])
    cached = cache.load(key) if use_cache else None
    if isinstance(cached, tuple) and len(cached) == 4:
        rulesets, warnings, generated, digest = cached
        return compile_rulebook(rulesets, files, warnings, generated, digest=digest)
    from gba_dataflow.dsl.checker import check_rulesets

    rulesets = _parse_sources(sources)
    result = check_rulesets(rulesets, manifest_catalog())
    if result.errors:
        raise CheckError(diagnostics=result.errors)
    warnings = tuple(result.warnings)
    generated = [generate_code(ruleset) for ruleset in rulesets]
    book = compile_rulebook(rulesets, files, warnings, generated)
    if use_cache:
        cache.store(key, (rulesets, warnings, generated, book.info.digest))
    return book


def compile_rulebook(
    rulesets: Sequence[nodes.Ruleset],
    files: Sequence[Path],
    warnings: tuple[Diagnostic, ...] = (),
    generated: Sequence[GeneratedCode] | None = None,
    *,
    digest: str | None = None,
) -> Rulebook:
    """Compile checked rulesets (no checks here: call `load_rulebook` for the full pipeline).

    `generated` is each ruleset's fast path as `generate_code` made it (from the cache); None: make it.
    `digest`: the rules' digest (`rules_digest`), as the cache kept it; None: compute it.
    """
    info = RulesInfo(paths=tuple(str(path) for path in files), digest=digest or rules_digest(rulesets, files))
    codes = generated if generated is not None else [generate_code(ruleset) for ruleset in rulesets]
    compiled = tuple(compile_ruleset(ruleset, code) for ruleset, code in zip(rulesets, codes, strict=True))
    return Rulebook(compiled, info, warnings)


def rules_digest(rulesets: Sequence[nodes.Ruleset], files: Sequence[Path]) -> str:
    """`sha256:` of the rule files' names and texts, in the order of their paths: what reports show."""
    digest = sha256()
    for path, ruleset in sorted(zip(files, rulesets, strict=True), key=lambda pair: str(pair[0])):
        digest.update(path.name.encode() + b"\0" + ruleset.source.encode() + b"\0")
    return "sha256:" + digest.hexdigest()


def compile_ruleset(ruleset: nodes.Ruleset, generated: GeneratedCode | None = None) -> CompiledRuleset:
    """Compile one parsed ruleset (`generated`: its fast path from `generate_code`, if already made)."""
    compiler = Compiler({let.name: let for let in ruleset.lets})
    fast = link(generated or generate_code(ruleset))
    rules = tuple(
        CompiledRule(
            id=f"{ruleset.name}/{rule.name}",
            node=rule,
            ruleset=ruleset,
            compiler=compiler,
            source=f"{ruleset.path}:{rule.span.line}",
            fast=rule_fast,
        )
        for rule, rule_fast in zip(ruleset.rules, fast.rules, strict=True)
    )
    fast.bind(rules, _activity(ruleset))
    return CompiledRuleset(
        id=ruleset.name,
        node=ruleset,
        compiler=compiler,
        rules=rules,
        source=f"{ruleset.path}:{ruleset.span.line}",
        fast_applies=fast.applies,
        run_all=fast.run_all,
        allow_parts=fast.allow_parts,
    )


def _activity(ruleset: nodes.Ruleset) -> Callable[[dt.date], tuple[bool, ...]]:
    """Which of a ruleset's rules are active on a day, by `nodes.Rule.active_on` (the one definition of
    an effective window), remembered for the few days a batch has."""
    rules = ruleset.rules

    @functools.lru_cache(maxsize=256)
    def active(day: dt.date) -> tuple[bool, ...]:
        return tuple(rule.active_on(day) for rule in rules)

    return active


def _message(
    message: nodes.Message | None, compiler: Compiler, bound: frozenset[str]
) -> CompiledMessage | None:
    if message is None:
        return None
    templates = {"en": message.text, **dict(message.translations)}
    texts = {lang: constant_text(template) for lang, template in templates.items()}
    constants = {lang: text for lang, text in texts.items() if text is not None}
    return CompiledMessage(templates, compiler, bound, constants)


def source_text(ruleset: nodes.Ruleset, expr: nodes.Expr) -> str:
    """The text of an expression as written in its file, on one line."""
    span = expr.span
    if ruleset.source and 0 <= span.start < span.end:
        return re.sub(r"\s+", " ", ruleset.source[span.start : span.end]).strip()
    return type(expr).__name__


def condition_text(ruleset: nodes.Ruleset, expr: nodes.Expr) -> str:
    """A part of a condition as a steward can read it: its source text, where a bare `let` name (or `not`
    one) is replaced by the let's own condition, so that a failed part never shows only an internal name."""
    negated = isinstance(expr, nodes.Not)
    target = expr.operand if isinstance(expr, nodes.Not) else expr
    if isinstance(target, nodes.Path) and len(target.parts) == 1:
        let = next((item for item in ruleset.lets if item.name == target.parts[0]), None)
        if let is not None:
            text = condition_text(ruleset, let.expr)
            return f"not ({text})" if negated else text
    return source_text(ruleset, expr)


def is_rules_error(error: Exception) -> bool:
    """True for errors raised while loading rules (syntax or check)."""
    return isinstance(error, DslSyntaxError | CheckError) or (
        isinstance(error, GbaError) and error.code.startswith(("E1", "E2"))
    )
