"""The abstract syntax tree of the rule language: frozen dataclasses with source spans.

Spans are excluded from equality, so two trees that differ only in layout compare equal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal as TypingLiteral

from gba_dataflow.core.source import Span

NO_SPAN = Span("<generated>", 0, 0)

Scalar = bool | int | float | str | dt.date | None
Effect = TypingLiteral["deny", "allow", "warn"]
LANGUAGES = ("zh-Hans", "zh-Hant")


@dataclass(frozen=True, kw_only=True)
class Node:
    """Base of every node: where it stands in its file."""

    span: Span = field(default=NO_SPAN, compare=False, repr=False)


@dataclass(frozen=True, kw_only=True)
class Expr(Node):
    """Base of expressions."""

    def children(self) -> tuple[Expr, ...]:
        return ()

    def walk(self) -> Iterator[Expr]:
        """This node and every expression below it, depth first (with a stack: a generator per level
        would pass each node of a long `and` chain up through every level above it)."""
        stack: list[Expr] = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children()))


@dataclass(frozen=True, kw_only=True)
class Literal(Expr):
    """A number, string, date, boolean or null."""

    value: Scalar


@dataclass(frozen=True, kw_only=True)
class Duration(Expr):
    """A number of days, as in `transfer.date + 10 days`."""

    days: int


@dataclass(frozen=True, kw_only=True)
class Path(Expr):
    """A dotted name: a manifest path, a `let` name or a variable bound by a quantifier."""

    parts: tuple[str, ...]

    @property
    def dotted(self) -> str:
        return ".".join(self.parts)


@dataclass(frozen=True, kw_only=True)
class SetLiteral(Expr):
    """`{"HK", "MO"}`."""

    items: tuple[Expr, ...]

    def children(self) -> tuple[Expr, ...]:
        return self.items


@dataclass(frozen=True, kw_only=True)
class Not(Expr):
    operand: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.operand,)


@dataclass(frozen=True, kw_only=True)
class BoolOp(Expr):
    """`a and b and c` or `a or b` (two or more operands)."""

    op: TypingLiteral["and", "or"]
    operands: tuple[Expr, ...]

    def children(self) -> tuple[Expr, ...]:
        return self.operands


CompareOperator = TypingLiteral["==", "!=", "<", "<=", ">", ">=", "in", "not in", "contains"]


@dataclass(frozen=True, kw_only=True)
class Compare(Expr):
    op: CompareOperator
    left: Expr
    right: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.left, self.right)


@dataclass(frozen=True, kw_only=True)
class Arith(Expr):
    """Date or number arithmetic: `a + b`, `a - b`."""

    op: TypingLiteral["+", "-"]
    left: Expr
    right: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.left, self.right)


@dataclass(frozen=True, kw_only=True)
class Quantifier(Expr):
    """`any x in xs: body` or `all x in xs: body`."""

    kind: TypingLiteral["any", "all"]
    var: str
    collection: Expr
    body: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.collection, self.body)


@dataclass(frozen=True, kw_only=True)
class Count(Expr):
    """`count(x in xs: body)`: how many elements satisfy body."""

    var: str
    collection: Expr
    body: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.collection, self.body)


@dataclass(frozen=True, kw_only=True)
class Call(Expr):
    """A built-in function call such as `has(path)` or `days_between(a, b)`."""

    name: str
    args: tuple[Expr, ...]

    def children(self) -> tuple[Expr, ...]:
        return self.args


def conjuncts(condition: Expr) -> tuple[Expr, ...]:
    """The top-level `and` operands of a condition (the whole condition when it is not an `and`)."""
    if isinstance(condition, BoolOp) and condition.op == "and":
        return condition.operands
    return (condition,)


@dataclass(frozen=True, kw_only=True)
class Template(Node):
    """A message with `{path}` interpolations: literal text and paths, in order."""

    parts: tuple[str | Path, ...]

    @property
    def paths(self) -> tuple[Path, ...]:
        return tuple(part for part in self.parts if isinstance(part, Path))

    def source_text(self) -> str:
        """The text as written, with interpolations back in braces."""
        out: list[str] = []
        for part in self.parts:
            if isinstance(part, Path):
                out.append("{" + part.dotted + "}")
            else:
                out.append(part.replace("{", "{{").replace("}", "}}"))
        return "".join(out)


@dataclass(frozen=True, kw_only=True)
class Message(Node):
    """An English text with optional translations keyed by language tag."""

    text: Template
    translations: tuple[tuple[str, Template], ...] = ()

    def in_language(self, lang: str) -> Template:
        """The template for `lang`, falling back to English."""
        for tag, template in self.translations:
            if tag == lang:
                return template
        return self.text


@dataclass(frozen=True, slots=True, kw_only=True)
class CiteTranslation(Node):
    """One citation in another language: a `zh-Hans "..."` line of a `cite` (or `default cite`) clause.

    Citations are plain strings (`Rule.cites`), so their translations stand beside them: `cite` is the index
    of the citation translated, in the order of the rule's citations. The parser orders translations by
    that index, then as written, so a clause that lists several citations and the one-citation-per-clause
    layout `rules fmt` writes give equal trees."""

    cite: int
    lang: str
    text: str


def cites_in(cites: tuple[str, ...], translations: tuple[CiteTranslation, ...], lang: str) -> tuple[str, ...]:
    """`cites` said in `lang`: each citation's translation where one is written, else the English."""
    if not translations:
        return cites
    found = {translation.cite: translation.text for translation in translations if translation.lang == lang}
    if not found:
        return cites
    return tuple(found.get(index, cite) for index, cite in enumerate(cites))


@dataclass(frozen=True, kw_only=True)
class Rule(Node):
    """One rule: an effect with its condition, texts, citations and effective window."""

    name: str
    effect: Effect
    condition: Expr
    because: Message | None = None
    cites: tuple[str, ...] = ()
    cite_translations: tuple[CiteTranslation, ...] = ()
    """The translations of `cites` (`cites_in` says them in one language)."""
    requires: tuple[Message, ...] = ()
    remedy: Message | None = None
    effective_from: dt.date | None = None
    effective_until: dt.date | None = None
    waivable: bool = False
    """`waivable`: an organisation's own policy rule, whose deny a governed waiver may turn into an allow
    (app/waivers.py). A rule without it, and every rule of the shipped (statutory) rulesets, cannot be
    waived: law cannot be waived."""
    mets: tuple[Message, ...] = ()
    """`met "..."`: obligations this (allow) rule finds already met when it holds. They are shown as met
    obligations beside the `require`s still to do; a rule with `met` texts and no `because` is a
    duty-met rule, which is not a reason for the decision (see `is_duty_met`)."""

    @property
    def is_duty_met(self) -> bool:
        """Whether this is a duty-met rule: `met` texts and no `because`. It still allows like any allow
        rule (the decision semantics do not change); reports show it as met obligations, not as a reason."""
        return bool(self.mets) and self.because is None

    def active_on(self, day: dt.date) -> bool:
        """Whether `day` lies in [effective_from, effective_until)."""
        if self.effective_from is not None and day < self.effective_from:
            return False
        return not (self.effective_until is not None and day >= self.effective_until)

    def cites_in(self, lang: str) -> tuple[str, ...]:
        """The citations in `lang` (`zh-Hans`, `zh-Hant`), English where a citation has no translation."""
        return cites_in(self.cites, self.cite_translations, lang)


@dataclass(frozen=True, kw_only=True)
class Let(Node):
    """`let name = expr`: a named condition or value shared by the rules of a file."""

    name: str
    expr: Expr


@dataclass(frozen=True, kw_only=True)
class Comment(Node):
    """A `# ...` comment, kept for the formatter."""

    text: str


@dataclass(frozen=True, kw_only=True)
class Ruleset(Node):
    """One rule file: header, `let` definitions and rules, in source order."""

    name: str
    title: Message | None = None
    applies: Expr | None = None
    default_because: Message | None = None
    default_cites: tuple[str, ...] = ()
    default_cite_translations: tuple[CiteTranslation, ...] = ()
    """The translations of `default_cites` (`default_cites_in` says them in one language)."""
    default_remedy: Message | None = None
    lets: tuple[Let, ...] = ()
    rules: tuple[Rule, ...] = ()
    comments: tuple[Comment, ...] = field(default=(), compare=False)
    path: str = field(default="<string>", compare=False)
    source: str = field(default="", compare=False, repr=False)

    def default_cites_in(self, lang: str) -> tuple[str, ...]:
        """The `default cite` citations in `lang`, English where one has no translation."""
        return cites_in(self.default_cites, self.default_cite_translations, lang)
