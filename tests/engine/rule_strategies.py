"""Hypothesis strategies for differential tests: checker-valid random rule files and odd but valid manifests.

`rule_files()` writes rule files as text, typed by construction: every expression is drawn for the type its
place needs (bool, number, string, date, duration, a set of one of those, the list `dataset.fields` or one of
its elements), from the manifest fields of that type in the schema's catalog, literals, `let`s of that type
and quantifier variables. It covers every operator and built-in of the language: `and or not`, the six
comparisons, `in`, `not in`, `contains`, set literals, `+` and `-` over numbers, dates and `N days`,
`any`/`all`/`count` (nested, and over `dataset.fields`), `has`, `days_between`, `working_days_between`,
`len`, `year`, `as_of`, `let`s used by rules and by other `let`s, effective windows, `applies when`,
deny/allow/warn rules and messages that interpolate `{path}`. Literals lean to odd values: null, empty
strings and sets, integers of 10**18 and beyond 64 bits, dates at the ends of the calendar and next to the
effective windows.

`manifest_documents()` draws manifests as JSON-ready dicts (dates as ISO text) that the loader accepts,
with the same leaning: null or absent optional fields, empty text where the schema allows it, huge counts,
dates at the range ends and near the rules' dates, many fields, every enum value.

Set literals hold only hashable kinds of values (no lists or field objects): a set of those makes the
reference evaluator raise (see test_differential.py, the xfail regression tests).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from hypothesis import strategies as st

from gba_dataflow.dsl.catalog import FieldInfo, build_catalog
from gba_dataflow.manifests import schema

# ---- values -------------------------------------------------------------------------------------

FIRST_DAY = dt.date(1, 1, 1)
LAST_DAY = dt.date(9999, 12, 31)
PIVOTS = (
    dt.date(2021, 9, 1),
    dt.date(2021, 11, 1),
    dt.date(2023, 6, 1),
    dt.date(2024, 2, 29),
    dt.date(2024, 3, 22),
    dt.date(2026, 1, 5),
)
"""Dates the shipped rules turn on; the generated rules and manifests use them and their neighbours."""
EDGE_DATES = (FIRST_DAY, dt.date(1, 1, 2), dt.date(9999, 12, 30), LAST_DAY)
HUGE_INTS = (10**18, 2**63 - 1, 2**63, 2**64, 2**64 + 1, 10**30)
SMALL_INTS = (0, 1, 2, 5, 9_999, 10_000, 99_999, 100_000, 1_000_000)
DURATIONS = (0, 1, 7, 60, 365, 730, 1095, 36_599, 36_600)
"""Whole days, up to the longest duration a rule may write (E152 past 36,600 days, `dsl/limits.py`)."""
STRINGS = ("", " ", "a", "HK", "MO", "CN", "CN-GD", "Shenzhen", "深圳", "none", "x" * 40, "{brace}")
# Text inside a rule file's string literal: quotes and backslashes escaped.
_ESCAPED = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t"}
VAR_NAMES = ("f", "g", "x", "as_of", "l0")
"""Quantifier variables: `as_of` and `l0` (a `let`'s name) shadow what they name elsewhere."""


def near(day: dt.date) -> st.SearchStrategy[dt.date]:
    """`day` or a day next to it, inside the calendar."""
    candidates = [day]
    if day > FIRST_DAY:
        candidates.append(day - dt.timedelta(days=1))
    if day < LAST_DAY:
        candidates.append(day + dt.timedelta(days=1))
    return st.sampled_from(candidates)


def dates(extra: Sequence[dt.date] = ()) -> st.SearchStrategy[dt.date]:
    """Days at the calendar's ends, the pivots, `extra` (the rules' dates), their neighbours, or any."""
    pool = sorted({*EDGE_DATES, *PIVOTS, *extra})
    return st.one_of(
        st.sampled_from(pool).flatmap(near),
        st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2028, 12, 31)),
        st.dates(),
    )


ints = st.one_of(st.sampled_from(SMALL_INTS), st.sampled_from(HUGE_INTS), st.integers(0, 2_000_000))
"""Integers for manifests: any size, beyond 64 bits too."""
RULE_HUGE_INTS = (10**17, 10**18 - 1, 2**59)
"""The largest number literals a rule may write (E152 past 18 digits, `dsl/limits.py`)."""
rule_ints = st.one_of(st.sampled_from(SMALL_INTS), st.sampled_from(RULE_HUGE_INTS), st.integers(0, 2_000_000))


def quote(text: str) -> str:
    """`text` as a string literal of the rule language."""
    return '"' + "".join(_ESCAPED.get(char, char) for char in text) + '"'


def number_text(value: int) -> str:
    """An integer as a rule author may write it: plain or with `_` between groups of digits."""
    return f"{value:_}" if value >= 10_000 and value % 7 else str(value)


# ---- the manifest's fields, by type ---------------------------------------------------------------


@cache
def catalog() -> dict[str, FieldInfo]:
    """What rules may read, from the manifest schema (as `rules check` builds it)."""
    return build_catalog(schema())


ELEMENT = "dataset.fields[]"
KEYWORDS = frozenset(("ruleset", "title", "applies", "when", "default", "because", "cite", "remedy", "let"))
"""Keywords that are also names a path could start with (`title` is a manifest field)."""


def _field_paths(kind: str, element: bool = False) -> tuple[FieldInfo, ...]:
    found = []
    for path, info in sorted(catalog().items()):
        inside = path.startswith(ELEMENT + ".")
        if path.split(".")[0] in KEYWORDS:  # `title` is a field, but also a keyword: no rule can read it
            continue
        if inside is element and info.type.kind == kind and path.count("[]") <= 1:
            found.append(info)
    return tuple(found)


SCALAR_KINDS = ("bool", "number", "string", "date", "duration")
SET_KINDS = tuple(f"set:{kind}" for kind in SCALAR_KINDS)
LET_KINDS = (*SCALAR_KINDS, "set:string", "set:number", "set:date", "fields")


@dataclass(frozen=True, slots=True)
class Gen:
    """A generated expression: its text, its type, and the allowed values where it reads an enum field."""

    text: str
    kind: str
    enum: tuple[str, ...] | None = None
    literal: bool = False
    """A string literal (the checker holds these to an enum field's values)."""


@dataclass(slots=True)
class _Writer:
    """Draws typed expressions for one rule file: `lets` are those defined so far, by kind."""

    draw: st.DrawFn
    lets: dict[str, str] = field(default_factory=dict)
    dates: list[dt.date] = field(default_factory=list)
    bound: dict[str, set[str]] = field(default_factory=dict)
    """Every quantifier variable of the current condition, with the kinds it was bound to."""

    def pick(self, options: Sequence[Callable[[], Gen]]) -> Gen:
        return options[self.draw(st.integers(0, len(options) - 1))]()

    def date_literal(self) -> Gen:
        day = self.draw(dates(self.dates))
        self.dates.append(day)
        return Gen(day.isoformat(), "date")

    # -- leaves
    def literal(self, kind: str, enum: tuple[str, ...] | None = None) -> Gen:
        draw = self.draw
        if kind == "bool":
            return Gen(draw(st.sampled_from(["true", "false"])), kind)
        if kind == "number":
            if draw(st.integers(0, 5)) == 0:
                return Gen(draw(st.sampled_from(["0.5", "1.0", "2.25", "100_000.5"])), kind)
            return Gen(number_text(draw(rule_ints)), kind)
        if kind == "string":
            pool = enum or STRINGS
            return Gen(quote(draw(st.sampled_from(pool))), kind, literal=True)
        if kind == "date":
            return self.date_literal()
        if kind == "duration":
            days = draw(st.sampled_from(DURATIONS))
            return Gen(f"{number_text(days)} {'day' if days == 1 and draw(st.booleans()) else 'days'}", kind)
        if kind.startswith("set:"):
            return self.set_literal(kind, 0, {}, enum)
        raise AssertionError(kind)

    def set_literal(self, kind: str, depth: int, scope: dict[str, str], enum: tuple[str, ...] | None) -> Gen:
        element = kind.split(":", 1)[1]
        size = self.draw(st.integers(0, 4))
        items = []
        for index in range(size):
            # never first: the checker types a set by its first item, and `{null, 1}` is a set of null
            if index and self.draw(st.integers(0, 5)) == 0:
                items.append("null")
            elif enum is not None:
                items.append(quote(self.draw(st.sampled_from(enum))))
            else:
                items.append(self.expr(element, depth, scope, literal_only=depth == 0).text)
        trailing = "," if items and self.draw(st.integers(0, 5)) == 0 else ""
        return Gen("{" + ", ".join(items) + trailing + "}", kind)

    def leaves(
        self, kind: str, scope: dict[str, str], enum: tuple[str, ...] | None
    ) -> list[Callable[[], Gen]]:
        options: list[Callable[[], Gen]] = [lambda: self.literal(kind, enum)]
        paths = _field_paths(kind) if kind in SCALAR_KINDS else ()
        if paths:
            options.append(lambda: self.field_path(paths))
        lets = [name for name, let_kind in self.lets.items() if let_kind == kind and name not in scope]
        if lets:
            options.append(lambda: Gen(self.draw(st.sampled_from(lets)), kind))
        same = [name for name, var_kind in scope.items() if var_kind == kind]
        if same:
            options.append(lambda: Gen(self.draw(st.sampled_from(same)), kind))
        objects = [name for name, var_kind in scope.items() if var_kind == "object"]
        members = _field_paths(kind, element=True) if objects else ()
        if members:
            options.append(lambda: self.member(objects, members))
        if kind == "date" and "as_of" not in scope:
            options.append(lambda: Gen("as_of", kind))
        if kind == "fields":
            options = [lambda: Gen("dataset.fields", kind), *options[1:]]
        return options

    def field_path(self, paths: Sequence[FieldInfo]) -> Gen:
        info = self.draw(st.sampled_from(paths))
        enum = tuple(str(value) for value in info.enum) if info.enum else None
        return Gen(info.path, info.type.kind, enum)

    def member(self, objects: Sequence[str], members: Sequence[FieldInfo]) -> Gen:
        var = self.draw(st.sampled_from(objects))
        info = self.draw(st.sampled_from(members))
        enum = tuple(str(value) for value in info.enum) if info.enum else None
        return Gen(var + info.path[len(ELEMENT) :], info.type.kind, enum)

    # -- expressions
    def expr(
        self,
        kind: str,
        depth: int,
        scope: dict[str, str],
        *,
        enum: tuple[str, ...] | None = None,
        literal_only: bool = False,
    ) -> Gen:
        """An expression of `kind`: a leaf at depth 0, else a leaf or an operator over smaller ones."""
        if literal_only:
            return self.literal(kind, enum)
        options = self.leaves(kind, scope, enum)
        if depth > 0:
            options += self.composites(kind, depth - 1, scope, enum)
        return self.pick(options)

    def composites(
        self, kind: str, depth: int, scope: dict[str, str], enum: tuple[str, ...] | None
    ) -> list[Callable[[], Gen]]:
        if kind == "bool":
            return [
                lambda: self.compare(depth, scope),
                lambda: self.compare(depth, scope),
                lambda: Gen(f"(not {self.expr('bool', depth, scope).text})", "bool"),
                lambda: self.bool_op(depth, scope),
                lambda: self.membership(depth, scope),
                lambda: self.contains(depth, scope),
                lambda: self.quantifier(depth, scope),
                lambda: self.quantifier(depth, scope),
                lambda: self.has(scope),
            ]
        if kind == "number":
            return [
                lambda: self.arith("number", "number", "number", depth, scope),
                lambda: self.call("len", [self.expr(self.collection_kind(), depth, scope)]),
                lambda: self.call("len", [self.expr("string", depth, scope)]),
                lambda: self.call("year", [self.expr("date", depth, scope)]),
                lambda: self.call(
                    self.draw(st.sampled_from(["days_between", "working_days_between"])),
                    [self.expr("date", depth, scope), self.expr("date", depth, scope)],
                ),
                lambda: self.count(depth, scope),
            ]
        if kind == "date":
            return [
                lambda: self.arith("date", "date", "duration", depth, scope),
                lambda: self.arith("date", "duration", "date", depth, scope, op="+"),
            ]
        if kind == "duration":
            return [lambda: self.arith("duration", "duration", "duration", depth, scope)]
        if kind.startswith("set:"):
            return [lambda: self.set_literal(kind, depth, scope, enum)]
        return []

    def collection_kind(self) -> str:
        return self.draw(st.sampled_from([*SET_KINDS, "fields"]))

    def call(self, name: str, args: Sequence[Gen]) -> Gen:
        return Gen(f"{name}({', '.join(arg.text for arg in args)})", "number")

    def arith(
        self, result: str, left: str, right: str, depth: int, scope: dict[str, str], op: str | None = None
    ) -> Gen:
        op = op or self.draw(st.sampled_from(["+", "-"]))
        a, b = self.expr(left, depth, scope), self.expr(right, depth, scope)
        return Gen(f"({a.text} {op} {b.text})", result)

    def compare(self, depth: int, scope: dict[str, str]) -> Gen:
        kind = self.draw(st.sampled_from([*SCALAR_KINDS, "set:string", "set:number", "fields", "null"]))
        ordered = kind in ("number", "string", "date", "duration")
        ops = ["==", "!=", "<", "<=", ">", ">="] if ordered else ["==", "!="]
        op = self.draw(st.sampled_from(ops))
        if kind == "null":  # `null == x`, `x != null`, `null == null`
            other_kind = self.draw(st.sampled_from([*SCALAR_KINDS, "null"]))
            other = "null" if other_kind == "null" else self.expr(other_kind, depth, scope).text
            sides = ["null", other]
            if self.draw(st.booleans()):
                sides.reverse()
            return Gen(f"({sides[0]} {op} {sides[1]})", "bool")
        left = self.expr(kind, depth, scope)
        right = self.expr(kind, depth, scope, enum=left.enum)
        if right.enum and left.literal and left.text[1:-1] not in right.enum:
            left = Gen(quote(self.draw(st.sampled_from(right.enum))), "string", literal=True)
        return Gen(f"({left.text} {op} {right.text})", "bool")

    def bool_op(self, depth: int, scope: dict[str, str]) -> Gen:
        op = self.draw(st.sampled_from(["and", "or"]))
        count = self.draw(st.integers(2, 3))
        operands = [self.expr("bool", depth, scope).text for _ in range(count)]
        return Gen("(" + f" {op} ".join(operands) + ")", "bool")

    def membership(self, depth: int, scope: dict[str, str]) -> Gen:
        op = self.draw(st.sampled_from(["in", "not in"]))
        objects = [name for name, kind in scope.items() if kind == "object"]
        shape = self.draw(st.integers(0, 2 if objects else 1))
        if shape == 2:  # a field of the manifest among `dataset.fields`
            return Gen(f"({self.draw(st.sampled_from(objects))} {op} dataset.fields)", "bool")
        if shape == 1:  # text inside text
            needle = self.expr("string", depth, scope)
            haystack = self.expr("string", depth, scope, enum=needle.enum)
            return Gen(f"({needle.text} {op} {haystack.text})", "bool")
        element = self.draw(st.sampled_from(SCALAR_KINDS))
        item = self.expr(element, depth, scope)
        collection = self.expr(f"set:{element}", depth, scope, enum=item.enum)
        return Gen(f"({item.text} {op} {collection.text})", "bool")

    def contains(self, depth: int, scope: dict[str, str]) -> Gen:
        objects = [name for name, kind in scope.items() if kind == "object"]
        shape = self.draw(st.integers(0, 2 if objects else 1))
        if shape == 2:
            return Gen(f"(dataset.fields contains {self.draw(st.sampled_from(objects))})", "bool")
        if shape == 1:
            hay, needle = self.expr("string", depth, scope), self.expr("string", depth, scope)
            return Gen(f"({hay.text} contains {needle.text})", "bool")
        element = self.draw(st.sampled_from(SCALAR_KINDS))
        collection = self.expr(f"set:{element}", depth, scope)
        return Gen(f"({collection.text} contains {self.expr(element, depth, scope).text})", "bool")

    def binder(self, depth: int, scope: dict[str, str]) -> tuple[str, str, dict[str, str]]:
        """A quantifier's `var in collection` and the scope of its body."""
        var = self.draw(st.sampled_from(VAR_NAMES))
        kind = self.draw(st.sampled_from(["fields", "fields", *SET_KINDS]))
        collection = self.expr(kind, depth, scope)
        element = "object" if kind == "fields" else kind.split(":", 1)[1]
        self.bound.setdefault(var, set()).add(element)
        return var, collection.text, {**scope, var: element}

    def quantifier(self, depth: int, scope: dict[str, str]) -> Gen:
        which = self.draw(st.sampled_from(["any", "all"]))
        var, collection, inner = self.binder(depth, scope)
        body = self.expr("bool", depth, inner)
        return Gen(f"({which} {var} in {collection}: {body.text})", "bool")

    def count(self, depth: int, scope: dict[str, str]) -> Gen:
        var, collection, inner = self.binder(depth, scope)
        body = self.expr("bool", depth, inner)
        return Gen(f"count({var} in {collection}: {body.text})", "number")

    def has(self, scope: dict[str, str]) -> Gen:
        kind = self.draw(st.sampled_from(SCALAR_KINDS[:4]))
        options = [lambda: self.field_path(_field_paths(kind))]
        objects = [name for name, var_kind in scope.items() if var_kind == "object"]
        if objects:
            options.append(lambda: self.member(objects, _field_paths("string", element=True)))
        if self.lets:
            options.append(lambda: Gen(self.draw(st.sampled_from(sorted(self.lets))), "any"))
        return Gen(f"has({self.pick(options).text})", "bool")

    # -- messages
    def message(self, words: str) -> str:
        """`because`/`remedy` text: words, `{path}` of manifest fields, `let`s and the condition's variables,
        and literal braces."""
        pieces = [words]
        paths = [info.path for kind in SCALAR_KINDS[:4] for info in _field_paths(kind)]
        choices: list[str] = paths + sorted(self.lets)
        for var, kinds in self.bound.items():
            if kinds == {"object"}:
                choices += [var + info.path[len(ELEMENT) :] for info in _field_paths("string", element=True)]
            elif len(kinds) == 1:
                choices.append(var)
        for _ in range(self.draw(st.integers(0, 3))):
            pieces.append(
                self.draw(st.sampled_from(["{" + self.draw(st.sampled_from(choices)) + "}", "{{x}}"]))
            )
        return quote(" ".join(pieces))


# ---- rule files ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RuleFiles:
    """Generated rule files (name -> text) and the dates written in them."""

    files: dict[str, str]
    dates: tuple[dt.date, ...]

    def all_allow(self) -> dict[str, str]:
        """The same files with every rule an allow rule and each `applies when` turned into one more allow
        rule: `decide` then names every rule that held, so a difference in any one condition shows."""
        out = {}
        for name, text in self.files.items():
            lines, extra = [], []
            for line in text.splitlines():
                if line.startswith("  applies when "):
                    condition = line.removeprefix("  applies when ")
                    extra = ["rule applies_", f"  allow when {condition}", '  because "a"', '  cite "c"', ""]
                    continue
                lines.append(re.sub(r"^  (deny|warn) when ", "  allow when ", line))
            out[name] = "\n".join([*lines, *extra]) + "\n"
        return out

    def __str__(self) -> str:  # what hypothesis prints for a failing example
        return "\n".join(f"--- {name}\n{text}" for name, text in self.files.items())


@st.composite
def rule_file(draw: st.DrawFn, name: str, max_depth: int = 3) -> tuple[str, list[dt.date]]:
    """One checker-valid ruleset `name` and the dates it mentions."""
    writer = _Writer(draw)
    lines = [f"ruleset {name}"]
    if draw(st.booleans()):
        lines.append(f"  title {quote('Generated ' + name)}")
    applies = draw(st.integers(0, 2))
    let_count = draw(st.integers(0, 4))
    lets: list[str] = []
    for index in range(let_count):  # each `let` may use those before it
        kind = draw(st.sampled_from(LET_KINDS))
        expr = writer.expr(kind, draw(st.integers(0, max_depth - 1)), {})
        lets.append(f"let l{index} = {expr.text}")
        writer.lets[f"l{index}"] = kind
    if applies:
        lines.append(f"  applies when {writer.expr('bool', draw(st.integers(0, 2)), {}).text}")
    if draw(st.booleans()):
        lines.append(f"  default because {quote('No rule of ' + name + ' allows it.')}")
        lines.append('  default cite "Generated, Art. 1"')
    lines += ["", *lets, ""]
    for index in range(draw(st.integers(1, 4))):
        writer.bound = {}
        effect = draw(st.sampled_from(["deny", "allow", "allow", "warn"]))
        condition = writer.expr("bool", draw(st.integers(0, max_depth)), {})
        lines.append(f"rule r{index}")
        window = draw(st.integers(0, 3))
        if window:
            start, until = sorted(draw(st.lists(dates(writer.dates), min_size=2, max_size=2, unique=True)))
            writer.dates += [start, until]
            if window == 1:
                lines.append(f"  effective from {start.isoformat()}")
            elif window == 2:
                lines.append(f"  effective until {until.isoformat()}")
            else:
                lines.append(f"  effective from {start.isoformat()} until {until.isoformat()}")
        lines.append(f"  {effect} when {condition.text}")
        if effect == "allow" and draw(st.integers(0, 3)) == 0:  # a duty-met rule: `met`, no `because`
            lines.append(f"  met {writer.message(f'Duty {index} of {name} is met.')}")
        else:
            lines.append(f"  because {writer.message(f'Rule {index} of {name} decides.')}")
        if draw(st.booleans()):
            lines.append(f"          zh-Hans {writer.message('规则')}")
        lines.append('  cite "Generated, Art. 2"')
        if effect == "allow" and draw(st.integers(0, 3)) == 0:
            lines.append(f"  require {writer.message('Keep a record.')}")
        if effect == "deny" and draw(st.integers(0, 3)) == 0:
            lines.append(f"  remedy {writer.message('Do something else.')}")
        lines.append("")
    return "\n".join(lines) + "\n", writer.dates


@st.composite
def rule_files(draw: st.DrawFn, max_files: int = 2, max_depth: int = 3) -> RuleFiles:
    """One or more rule files whose rulesets have distinct ids and distinct `let` names.

    (Two files that define a `let` of one name differently are decided wrongly by both evaluators: see the
    xfail regression test in test_differential.py. Each file's lets are prefixed with its ruleset id.)"""
    count = draw(st.integers(1, max_files))
    files: dict[str, str] = {}
    all_dates: list[dt.date] = []
    for index in range(count):
        name = f"rs{index}"
        text, found = draw(rule_file(name, max_depth))
        files[f"{name}.rules"] = _prefix_lets(text, name)
        all_dates += found
    return RuleFiles(files, tuple(sorted(set(all_dates))))


def _prefix_lets(text: str, prefix: str) -> str:
    """Rename `l0`, `l1`, ... to `<prefix>_l0`, ...: whole words outside string literals."""
    out: list[str] = []
    for piece in re.split(r'("(?:[^"\\\n]|\\.)*")', text):
        if piece.startswith('"'):
            # interpolations name lets as `{l0}`
            out.append(re.sub(r"\{(l\d+)\}", lambda m: "{" + f"{prefix}_{m.group(1)}" + "}", piece))
        else:
            out.append(re.sub(r"\bl(\d+)\b", lambda m: f"{prefix}_l{m.group(1)}", piece))
    return "".join(out)


# ---- manifests ----------------------------------------------------------------------------------

REGIONS = ("CN-GD", "CN-GD", "HK", "MO", "CN", "CN-BJ", "CN-HK", "SG", "US")
CITIES = ("Shenzhen", "Guangzhou", "Hengqin", "Hong Kong", "Macao", "Shantou", "深圳", "x")
SECTORS = ("banking", "credit_referencing", "healthcare", "retail", "logistics")
FTZ = ("nansha", "qianhai", "hengqin", "other")


def _enum(path: str) -> tuple[Any, ...]:
    info = catalog()[path]
    assert info.enum is not None, path
    return info.enum


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


@st.composite
def manifest_documents(draw: st.DrawFn, rule_dates: Sequence[dt.date] = ()) -> dict[str, Any]:
    """A manifest as JSON-ready data: valid, or nearly (the caller loads it and skips what fails)."""
    day = dates(rule_dates)

    def optional(strategy: st.SearchStrategy[Any], null: bool = True) -> Any:
        """A value, or None for "leave the key out"; `null` also draws JSON null ("null")."""
        choices = [st.just(None), strategy] + ([st.just("null")] if null else [])
        return draw(st.one_of(*choices))

    def put(target: dict[str, Any], key: str, value: Any) -> None:
        if value == "null":
            target[key] = None
        elif value is not None:
            target[key] = value

    def place() -> dict[str, Any]:
        out: dict[str, Any] = {"region": draw(st.sampled_from(REGIONS))}
        put(out, "city", optional(st.sampled_from(CITIES)))
        return out

    transfer = {"origin": place(), "destination": place(), "purpose": draw(st.sampled_from(["p", "payroll"]))}
    put(transfer, "date", optional(day.map(_iso)))
    put(transfer, "exemption", optional(st.sampled_from(_enum("transfer.exemption")), null=False))
    put(transfer, "exemption_justification", optional(st.sampled_from(["", "needed"]), null=False))
    put(transfer, "onward_transfer_outside_gba", optional(st.booleans(), null=False))
    exporter: dict[str, Any] = {"name": "E"}
    put(exporter, "region", optional(st.sampled_from(REGIONS), null=False))
    put(exporter, "city", optional(st.sampled_from(CITIES)))
    for flag in ("ciio", "state_organ"):
        put(exporter, flag, optional(st.booleans(), null=False))
    put(exporter, "sector", optional(st.sampled_from(SECTORS)))
    put(exporter, "ftz", optional(st.sampled_from(FTZ)))
    recipient: dict[str, Any] = {"name": "R"}
    put(recipient, "region", optional(st.sampled_from(REGIONS), null=False))
    put(recipient, "city", optional(st.sampled_from(CITIES)))

    field_count = draw(st.sampled_from([1, 1, 2, 3, 40]))
    fields = []
    for index in range(field_count):
        category = draw(st.sampled_from(_enum("dataset.fields[].category")))
        item: dict[str, Any] = {
            "name": draw(st.sampled_from(["full_name", "x", "中文", f"f{index}"])),
            "category": category,
        }
        put(item, "sensitive_type", optional(st.sampled_from(_enum("dataset.fields[].sensitive_type"))))
        fields.append(item)
    dataset: dict[str, Any] = {"name": "D", "fields": fields}
    for flag in ("important_data", "core_data", "foreign_origin_only"):
        put(dataset, flag, optional(st.booleans(), null=False))
    if draw(st.booleans()):
        dataset["ftz_negative_list"] = {"applies": draw(st.booleans()), "listed": draw(st.booleans())}
    subjects = draw(ints)
    sensitive = min(subjects, draw(ints))
    if draw(st.booleans()):
        dataset["subjects"] = subjects
        dataset["sensitive_subjects"] = sensitive
    else:
        subjects = sensitive = 0
    doc: dict[str, Any] = {
        "apiVersion": "gba-dataflow/v1",
        "kind": "TransferManifest",
        "id": draw(st.sampled_from(["m", "m-1", "a.b_c"])),
        "transfer": transfer,
        "exporter": exporter,
        "recipient": recipient,
        "dataset": dataset,
    }
    put(doc, "title", optional(st.sampled_from(["", "A title"])))
    if draw(st.booleans()):
        ytd = subjects + draw(ints)
        sensitive_ytd = sensitive + draw(ints)
        volume = {"personal_subjects_ytd": ytd, "sensitive_subjects_ytd": sensitive_ytd}
        if draw(st.booleans()):
            volume["personal_subjects_since_previous_year"] = ytd + draw(ints)
            volume["sensitive_subjects_since_previous_year"] = sensitive_ytd + draw(ints)
        if draw(st.booleans()):
            volume["processed_subjects_total"] = draw(ints)
        doc["volume"] = volume
    if draw(st.booleans()):
        doc["mechanisms"] = draw(_mechanisms(day))
    if draw(st.booleans()):
        doc["hong_kong"] = {
            "dpp1_notice": draw(st.booleans()),
            "purpose": draw(st.sampled_from(_enum("hong_kong.purpose"))),
            "prescribed_consent": draw(st.booleans()),
            "processor_contract": draw(st.booleans()),
        }
    if draw(st.booleans()):
        doc["macao"] = {
            "adequacy_decision": draw(st.booleans()),
            "article20_ground": draw(st.sampled_from(_enum("macao.article20_ground"))),
            "notified": draw(st.booleans()),
            "sensitive_basis": draw(st.sampled_from(_enum("macao.sensitive_basis"))),
            "authorisation": {
                "granted_on": draw(st.none() | day.map(_iso)),
                "reference": draw(st.none() | st.just("")),
            },
        }
    return doc


@st.composite
def _mechanisms(draw: st.DrawFn, day: st.SearchStrategy[dt.date]) -> dict[str, Any]:
    def pair() -> tuple[str | None, str | None]:
        """Two dates in order (or null): the loader refuses an end before its start."""
        first, second = draw(st.none() | day), draw(st.none() | day)
        if first is not None and second is not None and second < first:
            first, second = second, first
        return _iso(first), _iso(second)

    approved, valid = pair()
    effective, filed = pair()
    gba_effective, gba_filed = pair()
    certified, cert_valid = pair()
    return {
        "security_assessment": {
            "status": draw(st.sampled_from(_enum("mechanisms.security_assessment.status"))),
            "approved_on": approved,
            "valid_until": valid,
            "extension_applied_on": draw(st.none() | day.map(_iso)),
            "reference": draw(st.none() | st.just("") | st.just("SA-1")),
        },
        "standard_contract": {"effective_on": effective, "filed_on": filed},
        "certification": {"certified_on": certified, "valid_until": cert_valid, "body": None},
        "gba_standard_contract": {
            "effective_on": gba_effective,
            "filed_on": gba_filed,
            "filed_with": draw(
                st.none() | st.sampled_from(_enum("mechanisms.gba_standard_contract.filed_with"))
            ),
        },
        "notice_given": draw(st.booleans()),
        "separate_consent": draw(st.booleans()),
        "pipia": {"completed_on": draw(st.none() | day.map(_iso))},
    }


def as_of_dates(rule_dates: Sequence[dt.date] = ()) -> st.SearchStrategy[dt.date | None]:
    """The evaluation date: None (the manifest's own date) or a day near the rules' dates or the ends."""
    return st.none() | dates(rule_dates)
