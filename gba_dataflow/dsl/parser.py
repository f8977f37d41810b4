"""Parse rule files into `nodes.Ruleset`. The only module that touches Lark.

Lark's own LALR parser builds the nodes as it parses (`transformer=`: no parse tree in between). Syntax
errors are reported as `DslSyntaxError` with file:line:col, the source line with a caret and what was
expected, in words. After an error the parser resumes at the next top-level `rule` or `let`, so one run
reports several independent mistakes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import re
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from functools import cache
from pathlib import Path as FilePath
from typing import Any

from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from gba_dataflow.core.errors import Diagnostic, DslSyntaxError
from gba_dataflow.core.i18n import Phrase, os_problem, tr, tr_join
from gba_dataflow.core.source import SourceFile, Span, caret_excerpt
from gba_dataflow.dsl import limits, nodes
from gba_dataflow.dsl.citations import CiteClause, WrittenString, pair_citations
from gba_dataflow.dsl.operators import spelled_operators

MAX_ERRORS = 20
_GRAMMAR = FilePath(__file__).with_name("grammar.lark")
_TOP_LEVEL = re.compile(r"^(rule|let)\b", re.MULTILINE)
_INTERPOLATION = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_DOTTED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t"}

# What each terminal means to someone writing rules.
_TERMINAL_WORDS = {
    "IDENT": tr("a name"),
    "STRING": tr('a string in double quotes ("...")'),
    "NUMBER": tr("a number"),
    "DATE": tr("a date (YYYY-MM-DD)"),
    "LANG": tr("a language tag ({first} or {second})", first="zh-Hans", second="zh-Hant"),
    "COMPARE_OP": tr("a comparison ({operators})", operators="==, !=, <, <=, >, >="),
    "ADD_OP": tr("`+` or `-`"),
    "MEMBER": "`.field`",
    "$END": tr("the end of the file"),
}
_END_OF_FILE = _TERMINAL_WORDS["$END"]
_OPERAND_TERMINALS = {"IDENT", "STRING", "NUMBER", "DATE", "LPAR", "LBRACE", "TRUE", "FALSE", "NULL", "COUNT"}


@cache
def _parser() -> Lark:
    # Every token is kept and no positions are propagated: the builder drops the keywords and computes
    # each node's span itself, as Lark's `propagate_positions` would (and faster). The basic lexer (not the
    # contextual one) keeps "a character no terminal matches" an error of its own (E102).
    return Lark(
        _GRAMMAR.read_text(encoding="utf-8"),
        parser="lalr",
        lexer="basic",
        transformer=_Reductions(),
        keep_all_tokens=True,
        maybe_placeholders=False,
        start=["start", "items"],
    )


@cache
def _keywords() -> frozenset[str]:
    """The terminals written as quoted strings in the grammar's rules (`"rule"`, `"("`): Lark would
    leave them out of the tree; the builder uses them for positions only."""
    grammar = _GRAMMAR.read_text(encoding="utf-8")
    named = set(re.findall(r"^([A-Z][A-Z0-9_]*)(?:\.\d+)?\s*:", grammar, re.MULTILINE))
    return frozenset(terminal.name for terminal in _parser().terminals if terminal.name not in named)


def parse_file(path: str | FilePath) -> nodes.Ruleset:
    """Read and parse one rule file. Raises DslSyntaxError (E108 when it cannot be read)."""
    display = str(path)
    try:
        text = FilePath(path).read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        message = (
            tr("cannot read rule file: it is not UTF-8 text")
            if isinstance(error, UnicodeDecodeError)
            else unreadable_rule_file(error)
        )
        raise DslSyntaxError(message, code="E108", span=Span(display, 1, 1)) from None
    return parse_text(text, display)


def unreadable_rule_file(error: OSError) -> Phrase:
    """E108's message for a rule file the system cannot read: its reason translated where it is one of the
    system's common ones (`os_problem`), else quoted as the system says it."""
    problem = os_problem(error)
    if isinstance(problem, Phrase):
        return tr("cannot read rule file: {reason}", reason=problem)
    return tr("cannot read rule file: {detail}", detail=problem)


def parse_text(text: str, path: str = "<string>") -> nodes.Ruleset:
    """Parse the text of one rule file. Raises DslSyntaxError with every error found.

    The limits of `dsl.limits` are checked here (file size before the parse; nesting, size and number
    literals as the nodes are built), so that no later pass meets an expression it cannot walk."""
    too_large = limits.size_problem(text, path)
    if too_large is not None:
        raise DslSyntaxError(diagnostics=[too_large])
    with _collector_paused():
        ruleset = _parse_text(text, path)
    problems = limits.ruleset_problems(ruleset)
    if problems:
        raise DslSyntaxError(diagnostics=_cap(problems))
    return ruleset


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for the duration (and back on after, if it was on).

    A parse allocates tens of thousands of tokens and nodes, all alive until it ends and none of them
    cyclic garbage, so every collection during it would walk them for nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _parse_text(text: str, path: str) -> nodes.Ruleset:
    source = SourceFile(path, text)
    parser = _parser()
    diagnostics: list[Diagnostic] = []
    header: nodes.Ruleset | None = None
    items: list[nodes.Let | nodes.Rule] = []
    offset, start = 0, "start"
    while True:
        chunk = _blank_before(text, offset)
        builder = _Builder(source)
        current = _BUILDER.set(builder)
        try:
            try:
                result: Any = parser.parse(chunk, start=start)
            except RecursionError:  # deeper than Python can build: say so, located at the chunk
                line, column = source.position(min(offset, len(text)))
                raise DslSyntaxError(
                    tr("the expression nests more than {depth} levels deep", depth=limits.MAX_DEPTH),
                    code="E150",
                    span=Span(path, line, column),
                    hint=limits.DEPTH_HINT,
                ) from None
        except UnexpectedInput as error:
            # What the builder found before the error is dropped: the text is re-parsed from the next
            # top-level `rule` or `let`, and what lies before that is reported by the syntax error alone.
            diagnostics.append(_syntax_diagnostic(error, source, chunk))
            resume = _next_top_level(text, _error_offset(error, chunk))
        else:
            diagnostics.extend(builder.problems)
            if start == "start":
                header, found = result
            else:
                found = result
            items.extend(found)
            break
        finally:
            _BUILDER.reset(current)
        if resume is None or len(diagnostics) >= MAX_ERRORS:
            break
        offset, start = resume, "items"
    if diagnostics:
        raise DslSyntaxError(diagnostics=_cap(diagnostics))
    assert header is not None
    lets = tuple(item for item in items if isinstance(item, nodes.Let))
    rules = tuple(item for item in items if isinstance(item, nodes.Rule))
    return nodes.Ruleset(
        name=header.name,
        title=header.title,
        applies=header.applies,
        default_because=header.default_because,
        default_cites=header.default_cites,
        default_cite_translations=header.default_cite_translations,
        default_remedy=header.default_remedy,
        lets=lets,
        rules=rules,
        path=path,
        source=text,
        span=header.span,
    )


def collect_comments(text: str) -> list[tuple[int, str]]:
    """Every `#` comment outside strings, as (0-based offset, text), for the formatter."""
    found: list[tuple[int, str]] = []
    for token in _parser().lex(text, dont_ignore=True):
        if token.type == "COMMENT":
            found.append((token.start_pos or 0, str(token)))
    return found


# ---- error reporting --------------------------------------------------------------------------


def _cap(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    ordered = sorted(diagnostics, key=Diagnostic.sort_key)
    if len(ordered) <= MAX_ERRORS:
        return ordered
    kept = ordered[:MAX_ERRORS]
    last = kept[-1]
    more = len(ordered) - MAX_ERRORS
    message = tr("{message} (…and {more} more)", message=last.message, more=more)
    kept[-1] = Diagnostic(last.code, message, last.span, last.hint, excerpt=last.excerpt)
    return kept


def _blank_before(text: str, offset: int) -> str:
    """Text with everything before `offset` blanked out, so lines and columns stay true."""
    if offset == 0:
        return text
    head = re.sub(r"[^\n]", " ", text[:offset])
    return head + text[offset:]


def _next_top_level(text: str, after: int) -> int | None:
    line_end = text.find("\n", after)
    if line_end < 0:
        return None
    match = _TOP_LEVEL.search(text, line_end + 1)
    return match.start() if match else None


def _error_offset(error: UnexpectedInput, chunk: str) -> int:
    if isinstance(error, UnexpectedEOF):
        return len(chunk)
    pos = getattr(error, "pos_in_stream", None)
    if pos is None and isinstance(error, UnexpectedToken):
        pos = error.token.start_pos
    return int(pos) if pos is not None else len(chunk)


def _describe_expected(expected: set[str]) -> Phrase:
    parser = _parser()
    if expected & _OPERAND_TERMINALS and len(expected & _OPERAND_TERMINALS) >= 4:
        return tr(
            "a value (a manifest path, number, string, date, {paren} or {brace})", paren="`(`", brace="`{`"
        )
    words: list[str] = []
    for name in sorted(expected):
        if name in _TERMINAL_WORDS:
            words.append(_TERMINAL_WORDS[name])
            continue
        try:
            pattern = parser.get_terminal(name).pattern
        except KeyError:
            words.append(name.lower())
            continue
        words.append(f"`{pattern.value}`" if pattern.type == "str" else name.lower())
    unique = sorted(set(words))
    if len(unique) > 8:
        unique = [*unique[:8], "…"]
    return tr_join(unique, "or")


def _previous_word(chunk: str, offset: int) -> str:
    words = re.findall(r"[A-Za-z_][A-Za-z0-9_-]*|[=!<>]=?|\S", _strip_comments(chunk[:offset]))
    return words[-1] if words else ""


def _strip_comments(text: str) -> str:
    return re.sub(r'#[^\n"]*$', "", text, flags=re.MULTILINE)


def _syntax_diagnostic(error: UnexpectedInput, source: SourceFile, chunk: str) -> Diagnostic:
    offset = _error_offset(error, chunk)
    if isinstance(error, UnexpectedEOF) or (
        isinstance(error, UnexpectedToken) and error.token.type == "$END"
    ):
        offset = len(chunk.rstrip())
    line, column = source.position(min(offset, len(source.text)))
    span = Span(source.path, line, column, line, column + 1, offset, offset + 1)
    excerpt = caret_excerpt(source.line_text(line), column)
    previous = _previous_word(chunk, offset)
    if isinstance(error, UnexpectedCharacters):
        char = chunk[offset] if offset < len(chunk) else ""
        if char == '"':
            return Diagnostic(
                "E104",
                tr("this string is not closed"),
                span,
                tr('end the string with `"` on the same line'),
                excerpt=excerpt,
            )
        return Diagnostic(
            "E102",
            tr("`{char}` is not part of the rule language", char=char),
            span,
            tr("remove it; operators are {operators}", operators=spelled_operators()),
            excerpt=excerpt,
        )
    expected_set = set(getattr(error, "expected", set()) or set())
    if isinstance(error, UnexpectedToken):
        expected_set = set(error.accepts or error.expected)
    found: str = _END_OF_FILE
    if isinstance(error, UnexpectedToken) and error.token.type != "$END":
        found = f"`{error.token}`"
    at_end = found == _END_OF_FILE  # said apart: "found the end of the file" is not a token found in Chinese
    if previous == "when":
        return Diagnostic(
            "E103",
            tr("expected a condition after `when`, found the end of the file")
            if at_end
            else tr("expected a condition after `when`, found {found}", found=found),
            span,
            tr("write a condition such as `dataset.core_data` or `dataset.subjects >= 100_000`"),
            excerpt=excerpt,
        )
    code = "E101" if at_end else "E100"
    if offset == 0 or not previous:
        return Diagnostic(
            "E107",
            tr("a rule file must start with `ruleset <id>`"),
            span,
            tr("add a header such as `ruleset mainland_export`"),
            excerpt=excerpt,
        )
    expected = _describe_expected(expected_set)
    misspelt = _misspelt_keyword(error, expected_set)
    message: str
    if expected.count(",") < 5:
        message = (
            tr(
                "expected {expected} after `{previous}`, found the end of the file",
                expected=expected,
                previous=previous,
            )
            if at_end
            else tr(
                "expected {expected} after `{previous}`, found {found}",
                expected=expected,
                previous=previous,
                found=found,
            )
        )
        hint = misspelt or _hint_for(previous, found)
    else:
        message = (
            tr("unexpected the end of the file after `{previous}`", previous=previous)
            if at_end
            else tr("unexpected {found} after `{previous}`", found=found, previous=previous)
        )
        hint = misspelt or _hint_for(previous, found) or tr("expected {expected}", expected=expected)
    return Diagnostic(code, message, span, hint, excerpt=excerpt)


def _misspelt_keyword(error: UnexpectedInput, expected: set[str]) -> str | None:
    """ "did you mean `allow`?" when the word found is close to a keyword that could stand there
    (`alow when ...`, `becuase "..."`)."""
    if not isinstance(error, UnexpectedToken) or error.token.type == "$END":
        return None
    word = str(error.token)
    if not word.isidentifier():
        return None
    parser = _parser()
    keywords: list[str] = []
    for name in expected:
        try:
            pattern = parser.get_terminal(name).pattern
        except KeyError:
            continue
        if pattern.type == "str" and pattern.value.isidentifier():
            keywords.append(pattern.value)
    from gba_dataflow.core.suggest import did_you_mean

    return did_you_mean(word, keywords)


def _hint_for(previous: str, found: str) -> Phrase | None:
    if found == "`=`":
        return tr("compare with `==`; `=` only appears in `let name = ...`")
    if previous in {"because", "cite", "require", "remedy", "title", "met"}:
        return tr("`{keyword}` takes a string in double quotes", keyword=previous)
    if previous in {"from", "until"}:
        return tr("dates are written YYYY-MM-DD, e.g. 2024-03-22")
    return None


# ---- tokens -> AST ----------------------------------------------------------------------------

# A node's extent in the text: (line, column, start offset, end line, end column, end offset).
_Extent = tuple[int, int, int, int, int, int]


def _token_extent(token: Token) -> _Extent:
    return (
        token.line or 1,
        token.column or 1,
        token.start_pos or 0,
        token.end_line or 1,
        token.end_column or 1,
        token.end_pos or 0,
    )


class _Builder:
    """Build the nodes of one parse as Lark reduces its grammar rules. Collects semantic problems (bad
    dates, bad strings) as it goes.

    Each grammar rule has a method of the same name, called bottom-up as `method(span, *children)`: a
    child is a Token (keywords left out) or what its own rule's method returned. The span runs from
    the first to the last token of the rule, keywords included, as Lark's `propagate_positions`
    computes it: an expression in parentheses keeps its own span, but its parent's span takes in the
    parentheses.
    """

    def __init__(self, source: SourceFile) -> None:
        self.source = source
        self.problems: list[Diagnostic] = []
        self._keywords = _keywords()
        self._extents: dict[int, _Extent | None] = {}  # id(built value) -> its extent, parentheses included

    def build(self, rule: str, children: list[Any]) -> Any:
        """The value of one reduction of grammar rule `rule` over `children` (tokens and built values)."""
        kept: list[Any] = []
        first: _Extent | None = None
        last: _Extent | None = None
        for child in children:
            extent: _Extent | None
            if isinstance(child, Token):
                extent = _token_extent(child)
                if child.type not in self._keywords:
                    kept.append(child)
            else:
                extent = self._extents[id(child)]
                kept.append(child)
            if extent is not None:
                first = first or extent
                last = extent
        if first is None or last is None:
            span, extent = Span(self.source.path, 1, 1), None
        else:
            span = Span(self.source.path, first[0], first[1], last[3], last[4], first[2], last[5])
            extent = (first[0], first[1], first[2], last[3], last[4], last[5])
        if rule == "atom":  # `"(" expr ")"`: the expression itself
            (value,) = kept
        else:
            value = _RULE_METHODS[rule](self, span, *kept)
        self._extents[id(value)] = extent
        return value

    def _tspan(self, token: Token) -> Span:
        """The token's span, from the positions the lexer gave it (what `SourceFile.span` computes from its
        offsets, without searching the line index)."""
        start = token.start_pos or 0
        end = token.end_pos if token.end_pos is not None else start
        return Span(
            self.source.path,
            token.line or 1,
            token.column or 1,
            token.end_line or 1,
            token.end_column or 1,
            start,
            end,
        )

    def _problem(self, code: str, message: str, span: Span, hint: str | None = None) -> None:
        excerpt = caret_excerpt(self.source.line_text(span.line), span.column)
        self.problems.append(Diagnostic(code, message, span, hint, excerpt=excerpt))

    def _date(self, token: Token) -> dt.date:
        try:
            return dt.date.fromisoformat(str(token))
        except ValueError:
            self._problem(
                "E105",
                tr("`{date}` is not a calendar date", date=str(token)),
                self._tspan(token),
                tr("dates are written YYYY-MM-DD and must exist, e.g. 2024-02-29"),
            )
            return dt.date(1, 1, 1)

    def _string(self, token: Token) -> str:
        body = str(token)[1:-1]
        if "\\" not in body:
            return body
        out: list[str] = []
        index = 0
        while index < len(body):
            char = body[index]
            if char == "\\":
                escaped = body[index + 1] if index + 1 < len(body) else ""
                if escaped not in _ESCAPES:
                    self._problem(
                        "E104",
                        tr("unknown escape `{escape}` in a string", escape="\\" + escaped),
                        self._tspan(token),
                        tr(
                            "use {quote} for a quote, {backslash} for a backslash, {newline} for a new line",
                            quote='\\"',
                            backslash="\\\\",
                            newline="\\n",
                        ),
                    )
                out.append(_ESCAPES.get(escaped, escaped))
                index += 2
            else:
                out.append(char)
                index += 1
        return "".join(out)

    def _template(self, tokens: list[Token]) -> nodes.Template:
        parts: list[str | nodes.Path] = []
        literal: list[str] = []
        for token in tokens:
            text = self._string(token)
            if "{" not in text and "}" not in text:  # most texts: nothing to interpolate
                literal.append(text)
                continue
            span = self._tspan(token)
            position = 0
            for match in _INTERPOLATION.finditer(text):
                literal.append(text[position : match.start()])
                position = match.end()
                piece = match.group(0)
                if piece in ("{{", "}}"):
                    literal.append(piece[0])
                elif match.group(1) is not None and _DOTTED.match(match.group(1).strip()):
                    if "".join(literal):
                        parts.append("".join(literal))
                    literal = []
                    dotted = match.group(1).strip()
                    parts.append(nodes.Path(parts=tuple(dotted.split(".")), span=span))
                else:
                    self._problem(
                        "E104",
                        tr("bad interpolation `{piece}` in a string", piece=piece),
                        span,
                        tr(
                            "write {fact} to insert a fact, {open} or {close} for a literal brace",
                            fact="`{manifest.path}`",
                            open="`{{`",
                            close="`}}`",
                        ),
                    )
            literal.append(text[position:])
        if any(literal):
            parts.append("".join(literal))
        return nodes.Template(parts=tuple(parts), span=self._tspan(tokens[0]) if tokens else NO_SPAN_)

    # -- structure
    def start(self, span: Span, header: nodes.Ruleset, *items: Any) -> tuple[nodes.Ruleset, list[Any]]:
        return header, list(items)

    def items(self, span: Span, *items: Any) -> list[Any]:
        return list(items)

    def ruleset_header(self, span: Span, name: Token, *clauses: tuple[str, Any, Span]) -> nodes.Ruleset:
        values: dict[str, Any] = {}
        for kind, value, where in clauses:
            if kind in values:
                self._problem("E106", tr("the ruleset header has two `{clause}` clauses", clause=kind), where)
            values[kind] = value
        default_cites: CiteClause = values.get("default cite") or CiteClause(texts=())
        return nodes.Ruleset(
            name=str(name),
            title=values.get("title"),
            applies=values.get("applies"),
            default_because=values.get("default because"),
            default_cites=default_cites.texts,
            default_cite_translations=default_cites.translations,
            default_remedy=values.get("default remedy"),
            span=self._tspan(name),
        )

    def title_clause(self, span: Span, message: nodes.Message) -> tuple[str, Any, Span]:
        return "title", message, span

    def applies_clause(self, span: Span, condition: nodes.Expr) -> tuple[str, Any, Span]:
        return "applies", condition, span

    def default_because_clause(self, span: Span, message: nodes.Message) -> tuple[str, Any, Span]:
        return "default because", message, span

    def default_cite_clause(self, span: Span, *parts: Any) -> tuple[str, Any, Span]:
        return "default cite", self._cite_clause("default cite", parts), span

    def default_remedy_clause(self, span: Span, message: nodes.Message) -> tuple[str, Any, Span]:
        return "default remedy", message, span

    def let_decl(self, span: Span, name: Token, expr: nodes.Expr) -> nodes.Let:
        return nodes.Let(name=str(name), expr=expr, span=span)

    def rule_decl(self, span: Span, name: Token, *clauses: tuple[str, Any, Span]) -> nodes.Rule:
        single: dict[str, Any] = {}
        cites: list[str] = []
        cite_translations: list[nodes.CiteTranslation] = []
        requires: list[nodes.Message] = []
        mets: list[nodes.Message] = []
        for kind, value, where in clauses:
            if kind == "cite":
                cite_translations.extend(value.translations_after(len(cites)))
                cites.extend(value.texts)
            elif kind == "require":
                requires.append(value)
            elif kind == "met":
                mets.append(value)
            elif kind in single:
                self._problem(
                    "E106",
                    tr("rule `{rule}` has more than one `{clause}` clause", rule=str(name), clause=kind),
                    where,
                    tr(
                        "a rule has one effect, one `because`, one `remedy`, one `effective` clause and at "
                        "most one `waivable`"
                    ),
                )
            else:
                single[kind] = value
        if "effect" not in single:
            self._problem(
                "E106",
                tr("rule `{rule}` has no `deny when`, `allow when` or `warn when` clause", rule=str(name)),
                self._tspan(name),
                tr("add e.g. `deny when dataset.core_data`"),
            )
            single["effect"] = ("deny", nodes.Literal(value=True))
        effect, condition = single["effect"]
        window = single.get("effective", (None, None))
        return nodes.Rule(
            name=str(name),
            effect=effect,
            condition=condition,
            because=single.get("because"),
            cites=tuple(cites),
            cite_translations=tuple(cite_translations),
            requires=tuple(requires),
            remedy=single.get("remedy"),
            effective_from=window[0],
            effective_until=window[1],
            waivable="waivable" in single,
            mets=tuple(mets),
            span=span,
        )

    def effective_clause(self, span: Span, start: Token, until: Token | None = None) -> tuple[str, Any, Span]:
        end = self._date(until) if until is not None else None
        return "effective", (self._date(start), end), span

    def effective_until_clause(self, span: Span, until: Token) -> tuple[str, Any, Span]:
        return "effective", (None, self._date(until)), span

    def effect_clause(self, span: Span, effect: Token, condition: nodes.Expr) -> tuple[str, Any, Span]:
        return "effect", (str(effect), condition), span

    def because_clause(self, span: Span, message: nodes.Message) -> tuple[str, Any, Span]:
        return "because", message, span

    def cite_clause(self, span: Span, *parts: Any) -> tuple[str, Any, Span]:
        return "cite", self._cite_clause("cite", parts), span

    def _cite_clause(self, keyword: str, parts: tuple[Any, ...]) -> CiteClause:
        """A `cite` clause's strings (Tokens) then its translations (`translation`'s pairs), paired."""
        english = [
            WrittenString(self._string(part), self._tspan(part)) for part in parts if isinstance(part, Token)
        ]
        translations = [
            (lang, [WrittenString(self._string(token), self._tspan(token)) for token in tokens])
            for lang, tokens in (part for part in parts if not isinstance(part, Token))
        ]
        clause, problems = pair_citations(keyword, english, translations)
        for problem in problems:
            self._problem(problem.code, problem.message, problem.span, problem.hint)
        return clause

    def require_clause(self, span: Span, message: nodes.Message) -> tuple[str, Any, Span]:
        return "require", message, span

    def remedy_clause(self, span: Span, message: nodes.Message) -> tuple[str, Any, Span]:
        return "remedy", message, span

    def waivable_clause(self, span: Span) -> tuple[str, Any, Span]:
        return "waivable", True, span

    def met_clause(self, span: Span, message: nodes.Message) -> tuple[str, Any, Span]:
        return "met", message, span

    def text(self, span: Span, english: list[Token], *translations: tuple[str, list[Token]]) -> nodes.Message:
        seen: set[str] = set()
        out: list[tuple[str, nodes.Template]] = []
        for lang, tokens in translations:
            if lang in seen:
                self._problem(
                    "E106", tr("two `{lang}` translations of one text", lang=lang), self._tspan(tokens[0])
                )
            seen.add(lang)
            out.append((lang, self._template(tokens)))
        return nodes.Message(text=self._template(english), translations=tuple(out), span=span)

    def translation(self, span: Span, lang: Token, tokens: list[Token]) -> tuple[str, list[Token]]:
        return str(lang), tokens

    def strings(self, span: Span, *tokens: Token) -> list[Token]:
        return list(tokens)

    # -- expressions
    def or_op(self, span: Span, *operands: nodes.Expr) -> nodes.Expr:
        if len(operands) == 1:
            return operands[0]
        return nodes.BoolOp(op="or", operands=operands, span=span)

    def and_op(self, span: Span, *operands: nodes.Expr) -> nodes.Expr:
        if len(operands) == 1:
            return operands[0]
        return nodes.BoolOp(op="and", operands=operands, span=span)

    def not_op(self, span: Span, operand: nodes.Expr) -> nodes.Expr:
        return nodes.Not(operand=operand, span=span)

    def quantifier(
        self, span: Span, kind: Token, var: Token, collection: nodes.Expr, body: nodes.Expr
    ) -> nodes.Expr:
        return nodes.Quantifier(
            kind="any" if kind == "any" else "all",
            var=str(var),
            collection=collection,
            body=body,
            span=span,
        )

    def count(self, span: Span, var: Token, collection: nodes.Expr, body: nodes.Expr) -> nodes.Expr:
        return nodes.Count(var=str(var), collection=collection, body=body, span=span)

    def compare(self, span: Span, left: nodes.Expr, op: Token, right: nodes.Expr) -> nodes.Expr:
        return nodes.Compare(op=str(op), left=left, right=right, span=span)  # type: ignore[arg-type]

    def in_op(self, span: Span, left: nodes.Expr, right: nodes.Expr) -> nodes.Expr:
        return nodes.Compare(op="in", left=left, right=right, span=span)

    def not_in_op(self, span: Span, left: nodes.Expr, right: nodes.Expr) -> nodes.Expr:
        return nodes.Compare(op="not in", left=left, right=right, span=span)

    def contains_op(self, span: Span, left: nodes.Expr, right: nodes.Expr) -> nodes.Expr:
        return nodes.Compare(op="contains", left=left, right=right, span=span)

    def arith(self, span: Span, left: nodes.Expr, op: Token, right: nodes.Expr) -> nodes.Expr:
        return nodes.Arith(op="+" if op == "+" else "-", left=left, right=right, span=span)

    def number(self, span: Span, token: Token) -> nodes.Expr:
        text = str(token)
        if "__" in text or text.endswith("_") or "_." in text:
            self._problem(
                "E100",
                tr("`{number}` is not a well-formed number", number=text),
                self._tspan(token),
                tr("use single underscores between digits, e.g. 100_000"),
            )
        cleaned = text.replace("_", "")
        too_long = limits.number_problem(cleaned, self._tspan(token))
        if too_long is not None:
            self.problems.append(too_long)
            return nodes.Literal(value=0, span=self._tspan(token))
        value: int | float = float(cleaned) if "." in cleaned else int(cleaned)
        return nodes.Literal(value=value, span=self._tspan(token))

    def duration(self, span: Span, amount: Token, unit: Token) -> nodes.Expr:
        text = str(amount).replace("_", "")
        if "." in text:
            self._problem("E100", tr("a number of days must be a whole number"), self._tspan(amount))
            text = text.split(".")[0]
        too_long = limits.duration_problem(text, self._tspan(amount))
        if too_long is not None:
            self.problems.append(too_long)
            return nodes.Duration(days=0, span=span)
        return nodes.Duration(days=int(text), span=span)

    def date(self, span: Span, token: Token) -> nodes.Expr:
        return nodes.Literal(value=self._date(token), span=self._tspan(token))

    def string(self, span: Span, token: Token) -> nodes.Expr:
        return nodes.Literal(value=self._string(token), span=self._tspan(token))

    def true(self, span: Span) -> nodes.Expr:
        return nodes.Literal(value=True, span=span)

    def false(self, span: Span) -> nodes.Expr:
        return nodes.Literal(value=False, span=span)

    def null(self, span: Span) -> nodes.Expr:
        return nodes.Literal(value=None, span=span)

    def path(self, span: Span, head: Token, *members: Token) -> nodes.Expr:
        parts = (str(head), *(str(member)[1:] for member in members))
        return nodes.Path(parts=parts, span=span)

    def set_literal(self, span: Span, *items: nodes.Expr | None) -> nodes.Expr:
        return nodes.SetLiteral(items=tuple(item for item in items if item is not None), span=span)

    def call(self, span: Span, name: Token, *args: nodes.Expr | None) -> nodes.Expr:
        return nodes.Call(name=str(name), args=tuple(arg for arg in args if arg is not None), span=span)


_RULE_METHODS: dict[str, Callable[..., Any]] = {
    name: method
    for name, method in vars(_Builder).items()
    if callable(method) and not name.startswith("_") and name != "build"
}
"""Grammar rule name -> the `_Builder` method that builds it."""

_BUILDER: ContextVar[_Builder] = ContextVar("gba_dataflow_rule_builder")
"""The builder of the parse under way in this thread (or task): Lark's transformer is fixed when the parser
is made, the builder is made per parse."""


class _Reductions(Transformer[Token, Any]):
    """What Lark's parser calls as it reduces each grammar rule: the current parse's `_Builder`.

    Lark looks up one method per rule name; they are made below, one per `_Builder` method. The rules Lark
    makes for repetitions (`__items_star_0`) get its default, a tree that Lark splices into its parent.
    A test checks that every rule of the grammar that builds a node has a method."""


def _reduction(rule: str) -> Callable[[_Reductions, list[Any]], Any]:
    def reduce(self: _Reductions, children: list[Any]) -> Any:
        return _BUILDER.get().build(rule, children)

    reduce.__name__ = rule
    return reduce


for _rule in (*_RULE_METHODS, "atom"):
    setattr(_Reductions, _rule, _reduction(_rule))

NO_SPAN_ = nodes.NO_SPAN
