"""The canonical layout of rule files (`gba-dataflow rules fmt`).

The output depends only on the AST and the comments, so formatting is idempotent and parsing the output gives
an equal AST. Layout:

- the `ruleset` header, its clauses indented 2 (title, applies when, default because/cite/remedy);
- one blank line between declarations; `let`s and rules stay in source order;
- rule clauses indented 2 in the order effective, effect, because, met, cite, require, remedy, waivable; one
  citation per `cite` line, each translated citation on a line of its own under it (`default cite` keeps
  its citations in one clause, one line per language); translations on the following lines, aligned with
  the English text; long texts split into adjacent strings at spaces (or after CJK punctuation);
- expressions with the fewest parentheses that keep the tree; a condition too long for one line breaks at
  its top-level `and`/`or` with a 4-space continuation, nested ones align with their first operand.

Comments are kept: a comment on a line of its own goes before the next piece of code that follows it in the
source, a comment after code stays at the end of the line where that code is printed.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from gba_dataflow.core.source import display_width
from gba_dataflow.dsl import nodes
from gba_dataflow.dsl.operators import FUNCTIONS, OPERATORS
from gba_dataflow.dsl.parser import collect_comments, parse_text
from gba_dataflow.dsl.pretty import (
    Align,
    Doc,
    Fill,
    Group,
    Line,
    Mark,
    Nest,
    OutLine,
    Text,
    concat,
    flat_text,
    render,
)

WIDTH = 110
INDENT = 2
CONTINUATION = 4

# Binding strengths, from the operator table (a quantifier binds as `not`; names and calls tightest).
_OR, _AND, _NOT = (OPERATORS[name].precedence for name in ("or", "and", "not"))
_CMP, _SUM, _ATOM = OPERATORS["=="].precedence, OPERATORS["+"].precedence, FUNCTIONS["has"].precedence
_TOKEN = re.compile(r'"(?:\\.|[^"\\\n])*"|#[^\n]*|zh-Han[st]|[A-Za-z_][A-Za-z0-9_]*|\S')
_RULE_KEYWORDS = frozenset(
    {"effective", "deny", "allow", "warn", "because", "cite", "require", "remedy", "waivable", "met"}
)
_HEADER_KEYWORDS = frozenset({"title", "applies", "default"})
_BREAK_AFTER = frozenset(" ，。；：、！？）」』】,;:")
_BLANK_BETWEEN = re.compile(r"\n[ \t]*\n")


# ---- public API -------------------------------------------------------------------------------


def format_text(text: str, path: str = "<string>", *, width: int = WIDTH) -> str:
    """Parse a rule file and return its canonical text. Raises DslSyntaxError when it does not parse."""
    return format_ruleset(parse_text(text, path), width=width)


def format_ruleset(ruleset: nodes.Ruleset, *, width: int = WIDTH) -> str:
    """The canonical text of a parsed (or built) ruleset, with the comments of its source kept."""
    printer = _Printer(ruleset, width)
    lines = printer.lines()
    comments = collect_comments(ruleset.source) if ruleset.source else []
    return _place_comments(lines, comments, ruleset.source, printer.blocks)


def format_expr(expr: nodes.Expr) -> str:
    """An expression on one line, as the formatter writes it."""
    return flat_text(_expr(expr, _OR, True))


def unified_diff(old: str, new: str, path: str) -> str:
    """A unified diff from `old` to `new`, labelled with `path` (empty when they are equal)."""
    return "".join(
        difflib.unified_diff(
            old.splitlines(keepends=True),
            new.splitlines(keepends=True),
            f"{path} (current)",
            f"{path} (formatted)",
        )
    )


# ---- literals ---------------------------------------------------------------------------------


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")


def quote(text: str) -> str:
    """A string literal that parses back to `text`."""
    return f'"{_escape(text)}"'


def _number(value: int | float) -> str:
    """A number literal that parses back to `value`: a float in plain decimal notation (the language has
    no exponents), its shortest round-tripping digits, never `inf` (the parser refuses literals of more
    than `limits.MAX_NUMBER_DIGITS` digits, so no rule holds a float that is not finite)."""
    if isinstance(value, int):
        return f"{value:_}" if value >= 10_000 else str(value)
    text = repr(value)
    if "e" in text or "E" in text:
        from decimal import Decimal  # only for the rare literal repr writes with an exponent

        text = format(Decimal(text), "f")
        text += ".0" if "." not in text else ""
    if not text[:1].isdigit() and not text.startswith("-"):
        raise ValueError(f"a rule cannot hold the number {value!r}")
    return text


def _scalar(value: nodes.Scalar) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return _number(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return quote(value)


# ---- expressions ------------------------------------------------------------------------------


def _precedence(expr: nodes.Expr) -> int:
    if isinstance(expr, nodes.BoolOp | nodes.Compare | nodes.Arith):
        return OPERATORS[expr.op].precedence
    if isinstance(expr, nodes.Not | nodes.Quantifier):
        return _NOT
    return _ATOM


def _marked(expr: nodes.Expr, doc: Doc) -> Doc:
    return concat(Mark(expr.span.start), doc) if expr.span.start >= 0 else doc


def _expr(expr: nodes.Expr, level: int, open_ok: bool) -> Doc:
    """`expr` where its context needs precedence `level`; `open_ok`: nothing follows it before a closing
    bracket, so a quantifier (whose body extends as far right as it can) needs no parentheses."""
    if _precedence(expr) < level or (isinstance(expr, nodes.Quantifier) and not open_ok):
        return concat(Text("("), Align(_expr(expr, _OR, True)), Text(")"))
    return _marked(expr, _bare(expr, open_ok))


def _bare(expr: nodes.Expr, open_ok: bool) -> Doc:
    if isinstance(expr, nodes.Literal):
        return Text(_scalar(expr.value))
    if isinstance(expr, nodes.Duration):
        return Text(f"{_number(expr.days)} {'day' if expr.days == 1 else 'days'}")
    if isinstance(expr, nodes.Path):
        return Text(expr.dotted)
    if isinstance(expr, nodes.BoolOp):
        return Align(_chain(expr, open_ok))
    if isinstance(expr, nodes.Not):
        return concat(Text("not "), _expr(expr.operand, _NOT, open_ok))
    if isinstance(expr, nodes.Compare):
        return concat(_expr(expr.left, _SUM, False), Text(f" {expr.op} "), _expr(expr.right, _SUM, open_ok))
    if isinstance(expr, nodes.Arith):
        return concat(_expr(expr.left, _SUM, False), Text(f" {expr.op} "), _expr(expr.right, _ATOM, open_ok))
    if isinstance(expr, nodes.Quantifier):
        return concat(
            Text(f"{expr.kind} {expr.var} in "),
            _expr(expr.collection, _SUM, False),
            Text(": "),
            _expr(expr.body, _OR, True),
        )
    if isinstance(expr, nodes.Count):
        return concat(
            Text(f"count({expr.var} in "),
            _expr(expr.collection, _SUM, False),
            Text(": "),
            Align(_expr(expr.body, _OR, True)),
            Text(")"),
        )
    if isinstance(expr, nodes.Call):
        return concat(Text(f"{expr.name}("), _arguments(expr.args), Text(")"))
    if isinstance(expr, nodes.SetLiteral):
        items = tuple(flat_text(_expr(item, _OR, True)) for item in expr.items)
        return concat(Text("{"), Align(Fill(items, ",", tail=1)), Text("}"))
    raise TypeError(f"cannot format {type(expr).__name__}")  # pragma: no cover - every node kind is above


def _arguments(args: tuple[nodes.Expr, ...]) -> Doc:
    if not args:
        return Text("")
    parts: list[Doc] = [_expr(args[0], _OR, True)]
    for arg in args[1:]:
        parts.extend((Text(","), Line(), _expr(arg, _OR, True)))
    return Align(Group(concat(*parts)))


def _chain(expr: nodes.BoolOp, open_ok: bool, continuation: int | None = None) -> Doc:
    """`a and b and c`: one line when it fits, else one operand per line, each led by its operator."""
    last = len(expr.operands) - 1
    # An `and` inside an `or` is always parenthesised, so that nobody has to remember which binds tighter.
    docs = [_expr(op, _NOT, open_ok and index == last) for index, op in enumerate(expr.operands)]
    rest: list[Doc] = []
    for doc in docs[1:]:
        rest.extend((Line(), Text(f"{expr.op} "), doc))
    tail: Doc = concat(*rest) if continuation is None else Nest(continuation, concat(*rest))
    return Group(concat(docs[0], tail))


def _condition(expr: nodes.Expr) -> Doc:
    """A clause's whole condition: a top-level `and`/`or` continues 4 columns in from the clause."""
    if isinstance(expr, nodes.BoolOp):
        return _marked(expr, _chain(expr, True, CONTINUATION))
    return _expr(expr, _OR, True)


# ---- declarations -----------------------------------------------------------------------------


@dataclass
class _Clauses:
    """Where a declaration's clauses start in the source (keyword offsets), to re-attach comments."""

    offsets: dict[str, list[int]] = field(default_factory=dict)
    cite_strings: list[list[int]] = field(default_factory=list)

    def first(self, kind: str, index: int = 0) -> int:
        found = self.offsets.get(kind, [])
        return found[index] if index < len(found) else -1


def _tokens(text: str, start: int, end: int) -> Iterator[tuple[int, str]]:
    for match in _TOKEN.finditer(text, max(start, 0), max(end, 0)):
        if not match.group().startswith("#"):
            yield match.start(), match.group()


def _scan(text: str, start: int, end: int, keywords: frozenset[str]) -> _Clauses:
    """The offsets of the clause keywords between `start` and `end` (keywords never occur elsewhere)."""
    found = _Clauses()
    previous, previous_offset = "", -1
    in_cite = False
    for offset, token in _tokens(text, start, end):
        if previous == "default" and token in ("because", "cite", "remedy"):
            found.offsets.setdefault(f"default {token}", []).append(previous_offset)
        elif token in keywords and token != "default":
            kind = "effect" if token in ("deny", "allow", "warn") else token
            found.offsets.setdefault(kind, []).append(offset)
            in_cite = token == "cite"
            if in_cite:
                found.cite_strings.append([])
        elif in_cite and token.startswith('"'):
            found.cite_strings[-1].append(offset)
        else:
            in_cite = False
        previous, previous_offset = token, offset
    return found


class _Printer:
    """Lays out one ruleset as lines, each with the source offsets of the code it holds."""

    def __init__(self, ruleset: nodes.Ruleset, width: int) -> None:
        self.ruleset = ruleset
        self.width = width
        self.source = ruleset.source
        # (source start, source end, first line, end line) of each declaration, for comments inside one.
        self.blocks: list[tuple[int, int, int, int]] = []

    def lines(self) -> list[OutLine]:
        ruleset = self.ruleset
        items: list[nodes.Let | nodes.Rule] = [*ruleset.lets, *ruleset.rules]
        items.sort(key=lambda item: item.span.start)  # stable: generated trees keep lets first
        first_item = items[0].span.start if items and items[0].span.start >= 0 else len(self.source)
        out = self._header(first_item)
        for item in items:
            out.append(OutLine("", []))
            first = len(out)
            out.extend(self._let(item) if isinstance(item, nodes.Let) else self._rule(item))
            self.blocks.append((item.span.start, item.span.end, first, len(out)))
        return out

    # -- header
    def _header(self, end: int) -> list[OutLine]:
        ruleset = self.ruleset
        clauses = _scan(self.source, 0, end, _HEADER_KEYWORDS)
        name_offset = ruleset.span.start
        start = [0] if self.source and name_offset >= 0 else []
        out = [OutLine(f"ruleset {ruleset.name}", [*start, *([name_offset] if name_offset >= 0 else [])])]
        if ruleset.title is not None:
            out.extend(self._message("title", ruleset.title, clauses.first("title")))
        if ruleset.applies is not None:
            out.extend(self._doc(self._clause("applies when", ruleset.applies, clauses.first("applies"))))
        if ruleset.default_because is not None:
            out.extend(
                self._message("default because", ruleset.default_because, clauses.first("default because"))
            )
        if ruleset.default_cites:
            strings = tuple(quote(cite) for cite in ruleset.default_cites)
            prefix = " " * INDENT + "default cite "
            doc = concat(_mark(clauses.first("default cite")), Text(prefix), Align(Fill(strings, "")))
            out.extend(self._doc(doc))
            out.extend(self._default_cite_translations(ruleset, len(prefix)))
        if ruleset.default_remedy is not None:
            out.extend(
                self._message("default remedy", ruleset.default_remedy, clauses.first("default remedy"))
            )
        return out

    # -- declarations
    def _let(self, let: nodes.Let) -> list[OutLine]:
        return self._doc(concat(_mark(let.span.start), Text(f"let {let.name} = "), _condition(let.expr)))

    def _rule(self, rule: nodes.Rule) -> list[OutLine]:
        clauses = _scan(self.source, rule.span.start, rule.span.end, _RULE_KEYWORDS)
        out = [OutLine(f"rule {rule.name}", [rule.span.start] if rule.span.start >= 0 else [])]
        window = _window(rule)
        if window:
            offset = clauses.first("effective")
            out.append(OutLine(" " * INDENT + window, [offset] if offset >= 0 else []))
        out.extend(self._doc(self._clause(f"{rule.effect} when", rule.condition, clauses.first("effect"))))
        if rule.because is not None:
            out.extend(self._message("because", rule.because, clauses.first("because")))
        out.extend(self._mets(rule, clauses))
        out.extend(self._cites(rule.cites, clauses, rule.cite_translations))
        for index, message in enumerate(rule.requires):
            out.extend(self._message("require", message, clauses.first("require", index)))
        if rule.remedy is not None:
            out.extend(self._message("remedy", rule.remedy, clauses.first("remedy")))
        if rule.waivable:
            offset = clauses.first("waivable")
            out.append(OutLine(" " * INDENT + "waivable", [offset] if offset >= 0 else []))
        return out

    def _mets(self, rule: nodes.Rule, clauses: _Clauses) -> list[OutLine]:
        """The `met` texts, where a `because` stands: a duty-met rule has them instead of one."""
        out: list[OutLine] = []
        for index, message in enumerate(rule.mets):
            out.extend(self._message("met", message, clauses.first("met", index)))
        return out

    def _cites(
        self, cites: Sequence[str], clauses: _Clauses, translations: Sequence[nodes.CiteTranslation] = ()
    ) -> list[OutLine]:
        offsets: list[list[int]] = []
        keywords = clauses.offsets.get("cite", [])
        for keyword, strings in zip(keywords, clauses.cite_strings, strict=False):
            offsets.extend([[keyword, strings[0]]] if strings else [[keyword]])
            offsets.extend([offset] for offset in strings[1:])
        if len(offsets) != len(cites):
            offsets = [[] for _ in cites]
        out: list[OutLine] = []
        for index, (cite, marks) in enumerate(zip(cites, offsets, strict=True)):
            out.append(OutLine(" " * INDENT + f"cite {quote(cite)}", marks))
            out.extend(_cite_translation_lines(translations, index, INDENT + len("cite ")))
        return out

    def _default_cite_translations(self, ruleset: nodes.Ruleset, column: int) -> list[OutLine]:
        """The translations of `default cite`, one line per language listing every citation (the header has
        one `default cite` clause); a citation a tree gives no translation in that language keeps its
        English, which says it in that language the same way (`Ruleset.default_cites_in`)."""
        by_lang: dict[str, list[nodes.CiteTranslation | None]] = {}
        for translation in ruleset.default_cite_translations:
            if 0 <= translation.cite < len(ruleset.default_cites):
                by_lang.setdefault(translation.lang, [None] * len(ruleset.default_cites))[
                    translation.cite
                ] = translation
        out: list[OutLine] = []
        for lang, found in by_lang.items():
            strings = tuple(
                quote(each.text if each is not None else cite)
                for each, cite in zip(found, ruleset.default_cites, strict=True)
            )
            first = next((each.span.start for each in found if each is not None), -1)
            doc = concat(_mark(first), Text(" " * column + lang + " "), Align(Fill(strings, "")))
            out.extend(self._doc(doc))
        return out

    # -- clauses
    def _clause(self, keyword: str, expr: nodes.Expr, offset: int) -> Doc:
        return concat(
            _mark(offset), Text(" " * INDENT), Nest(INDENT, concat(Text(f"{keyword} "), _condition(expr)))
        )

    def _doc(self, doc: Doc) -> list[OutLine]:
        return render(doc, self.width)

    def _message(self, keyword: str, message: nodes.Message, offset: int) -> list[OutLine]:
        column = INDENT + len(keyword) + 1
        out = self._strings(" " * INDENT + keyword + " ", message.text, column)
        out[0].marks[:0] = [offset] if offset >= 0 else []
        for lang, template in message.translations:
            out.extend(self._strings(" " * column + lang + " ", template, column + len(lang) + 1))
        return out

    def _strings(self, prefix: str, template: nodes.Template, column: int) -> list[OutLine]:
        chunks = _split(_units(template), self.width - column)
        marks = [template.span.start] if template.span.start >= 0 else []
        out = [OutLine(prefix + chunks[0], marks)]
        out.extend(OutLine(" " * column + chunk, []) for chunk in chunks[1:])
        return out


def _cite_translation_lines(
    translations: Sequence[nodes.CiteTranslation], index: int, column: int
) -> list[OutLine]:
    """The translations of a rule's citation `index`, each on its own line under it, aligned with it."""
    return [
        OutLine(
            " " * column + f"{each.lang} {quote(each.text)}",
            [each.span.start] if each.span.start >= 0 else [],
        )
        for each in translations
        if each.cite == index
    ]


def _mark(offset: int) -> Doc:
    return Mark(offset) if offset >= 0 else Text("")


def _window(rule: nodes.Rule) -> str:
    if rule.effective_from is not None and rule.effective_until is not None:
        return f"effective from {rule.effective_from.isoformat()} until {rule.effective_until.isoformat()}"
    if rule.effective_from is not None:
        return f"effective from {rule.effective_from.isoformat()}"
    if rule.effective_until is not None:
        return f"effective until {rule.effective_until.isoformat()}"
    return ""


# ---- texts ------------------------------------------------------------------------------------


def _units(template: nodes.Template) -> list[str]:
    """The text of a template as indivisible pieces: characters, escapes, `{{`, `}}` and `{path}`."""
    units: list[str] = []
    for part in template.parts:
        if isinstance(part, nodes.Path):
            units.append("{" + part.dotted + "}")
            continue
        for char in part:
            if char in "{}":
                units.append(char * 2)
            else:
                units.append(_escape(char))
    return units


def _breaks_after(unit: str) -> bool:
    return len(unit) == 1 and (unit in _BREAK_AFTER or unicodedata.category(unit) == "Zs")


def _split(units: list[str], available: int) -> list[str]:
    """Quoted chunks of at most `available` columns (quotes included), split only after a space or CJK
    punctuation; a piece with no such point stays whole."""
    chunks: list[str] = []
    current: list[str] = []
    width = 0
    last_break = -1
    for unit in units:
        current.append(unit)
        width += display_width(unit)
        if width + 2 > available and 0 <= last_break < len(current) - 1:
            chunks.append("".join(current[: last_break + 1]))
            current = current[last_break + 1 :]
            width = sum(display_width(piece) for piece in current)
            last_break = max((i for i, piece in enumerate(current[:-1]) if _breaks_after(piece)), default=-1)
        if _breaks_after(unit):
            last_break = len(current) - 1
    if current or not chunks:
        chunks.append("".join(current))
    return [f'"{chunk}"' for chunk in chunks]


# ---- comments ---------------------------------------------------------------------------------


def _place_comments(
    lines: list[OutLine],
    comments: list[tuple[int, str]],
    source: str,
    blocks: Sequence[tuple[int, int, int, int]],
) -> str:
    """Put each comment back: own-line ones before the line holding the next code (or before their declaration
    when that code is in another one), trailing ones after the line holding the code before them."""
    anchors = sorted((mark, index) for index, line in enumerate(lines) for mark in line.marks)
    before: dict[int, list[tuple[int, str, int]]] = {}
    after: dict[int, list[str]] = {}
    at_end: list[tuple[int, str]] = []
    for offset, text in comments:
        line_start = source.rfind("\n", 0, offset) + 1
        if source[line_start:offset].strip():
            index = _last_at_or_before(anchors, offset)
            after.setdefault(index, []).append(text.rstrip())
            continue
        target = next(((mark, index) for mark, index in anchors if mark >= offset), None)
        block = next((block for block in blocks if block[0] < offset < block[1]), None)
        if block is not None and (target is None or not block[2] <= target[1] < block[3]):
            before.setdefault(block[2], []).append((offset, text, offset))  # no code of its declaration
            continue  # follows it: put it on top of the declaration
        if target is None:
            at_end.append((offset, text))
        else:
            code = min((mark for mark in lines[target[1]].marks if mark > offset), default=len(source))
            before.setdefault(target[1], []).append((offset, text, code))
    out: list[str] = []
    for index, line in enumerate(lines):
        group = before.get(index, [])
        indent = line.text[: len(line.text) - len(line.text.lstrip(" "))]
        for position, (offset, text, code) in enumerate(group):
            out.append(indent + text.rstrip())
            following = group[position + 1][0] if position + 1 < len(group) else code
            if not indent and _BLANK_BETWEEN.search(source, offset, following):
                out.append("")
        trailing = after.get(index, [])
        out.append(line.text + "".join("  " + text for text in trailing) if trailing else line.text)
    if at_end:
        last_code = max((mark for mark, _ in anchors), default=0)
        if _BLANK_BETWEEN.search(source, last_code, at_end[0][0]):
            out.append("")
        for position, (offset, text) in enumerate(at_end):
            out.append(text.rstrip())
            if position + 1 < len(at_end) and _BLANK_BETWEEN.search(source, offset, at_end[position + 1][0]):
                out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _last_at_or_before(anchors: list[tuple[int, int]], offset: int) -> int:
    found = 0
    for mark, index in anchors:
        if mark > offset:
            break
        found = index
    return found
