"""Read a JSON manifest strictly (RFC 8259), keeping the position of every value and key.

The standard `json` module gives no positions, so this is a small recursive-descent parser; strings are
decoded by the C `scanstring` of the standard library. Duplicate keys are reported (E405), syntax errors
raise E404 at the offending character, and `NaN`/`Infinity` are refused.
"""

from __future__ import annotations

import re
from _json import scanstring as _scan  # the C string decoder behind json.loads
from typing import Any

from gba_dataflow.core.errors import ManifestError
from gba_dataflow.core.i18n import tr
from gba_dataflow.manifests.document import MAX_DEPTH, ParsedDocument, Position, SourceText
from gba_dataflow.manifests.limits import max_nodes, too_many_nodes
from gba_dataflow.manifests.pointers import dotted, escape

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_LITERALS: dict[str, tuple[str, Any]] = {"t": ("true", True), "f": ("false", False), "n": ("null", None)}
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_VALUE_START = tr(
    "a value (text in double quotes, a number, true, false, null, {brace} or {bracket})",
    brace="`{`",
    bracket="`[`",
)


def parse_json(source: SourceText) -> ParsedDocument:
    """Parse a JSON document; raise `ManifestError` (E404/E408) when it cannot be read at all."""
    parser = _JsonParser(source)
    parser.skip()
    if parser.pos >= len(source.text):
        raise source.error(
            "E408", tr("the manifest is empty"), (1, 1), hint=tr("start from `gba-dataflow new manifest`")
        )
    parser.doc.data = parser.value("", 0)
    parser.skip()
    if parser.pos < len(source.text):
        raise parser.fail(tr("unexpected text after the end of the JSON document"))
    return parser.doc


_SCAN_PROBLEMS = {
    "unterminated string starting at": tr("unterminated string starting at"),
    "invalid control character at": tr("invalid control character at"),
    "invalid \\escape": tr("invalid \\escape"),
    "invalid \\uXXXX escape": tr("invalid \\uXXXX escape"),
}
"""The problems the standard library's string decoder names (`json.decoder`), said in every language."""


def _is_unicode(text: str) -> bool:
    """False when `text` holds a lone surrogate (which UTF-8 cannot encode)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class _JsonParser:
    """Recursive descent over the text, tracking the line and where it starts for every value."""

    __slots__ = ("doc", "line", "line_start", "nodes_left", "pos", "source", "text")

    def __init__(self, source: SourceText) -> None:
        self.source = source
        self.text = source.text
        self.pos = 0
        self.line = 1
        self.line_start = 0
        self.doc = ParsedDocument(None)
        self.nodes_left = max_nodes()

    def skip(self) -> None:
        """Skip whitespace, counting lines."""
        start = self.pos
        end = _WHITESPACE.match(self.text, start).end()  # type: ignore[union-attr]  # always matches
        if end != start:
            newline = self.text.rfind("\n", start, end)
            if newline >= 0:
                self.line += self.text.count("\n", start, end)
                self.line_start = newline + 1
            self.pos = end

    def here(self) -> Position:
        return self.line, self.pos - self.line_start + 1

    def fail(self, message: str, *, hint: str | None = None) -> ManifestError:
        return self.source.error(
            "E404", tr("not well-formed JSON: {problem}", problem=message), self.here(), hint=hint
        )

    def value(self, pointer: str, depth: int) -> Any:
        self.doc.positions[pointer] = self.here()
        self.nodes_left -= 1
        if self.nodes_left < 0:
            raise too_many_nodes(self.source, self.here())
        text, pos = self.text, self.pos
        char = text[pos : pos + 1]
        if char == '"':
            return self.string()
        if char in ("{", "["):
            if depth >= MAX_DEPTH:
                raise self.fail(tr("the document nests deeper than {depth} levels", depth=MAX_DEPTH))
            return self.object(pointer, depth) if char == "{" else self.array(pointer, depth)
        if char in _LITERALS:
            word, literal = _LITERALS[char]
            if text.startswith(word, pos):
                self.pos = pos + len(word)
                return literal
        match = _NUMBER.match(text, pos)
        if match is not None:
            return self.number(match)
        if not char:
            raise self.fail(tr("the text ends where {expected} is expected", expected=_VALUE_START))
        hint = (
            tr("JSON has no NaN or Infinity")
            if text.startswith(("NaN", "Infinity", "-Infinity"), pos)
            else None
        )
        raise self.fail(
            tr("expected {expected}, found `{char}`", expected=_VALUE_START, char=char), hint=hint
        )

    def number(self, match: re.Match[str]) -> int | float:
        self.pos = match.end()
        token = match.group()
        try:
            if match.group(1) is None and match.group(2) is None:
                return int(token)
            return float(token)
        except ValueError:
            self.pos = match.start()
            raise self.fail(tr("the number has too many digits")) from None

    def string(self) -> str:
        start = self.pos
        try:
            value, self.pos = _scan(self.text, start + 1, True)
        except ValueError as exc:  # json.JSONDecodeError: unterminated string, bad escape, control character
            offset = getattr(exc, "pos", self.pos)
            said = str(getattr(exc, "msg", exc))
            said = said[:1].lower() + said[1:]
            problem = _SCAN_PROBLEMS.get(said)
            raise self.source.error(
                "E404",
                tr("not well-formed JSON: {problem}", problem=problem)
                if problem is not None
                else tr("not well-formed JSON: {detail}", detail=said),  # the decoder's words, quoted
                self.source.position_of(offset),
            ) from None
        if self.text.find("\\u", start, self.pos) != -1 and not _is_unicode(value):
            escape = _SURROGATE_ESCAPE.search(self.text, start, self.pos)
            raise self.source.error(
                "E452",
                tr(
                    "the text holds a lone surrogate (a `\\uD800`-`\\uDFFF` escape that is not half of a "
                    "pair), which is not Unicode and cannot be written out"
                ),
                self.source.position_of(escape.start() if escape else start),
                hint=tr("write the character itself, or both halves of its surrogate pair"),
            )
        return value

    def object(self, pointer: str, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        self.pos += 1
        self.skip()
        if self.text.startswith("}", self.pos):
            self.pos += 1
            return result
        while True:
            if not self.text.startswith('"', self.pos):
                raise self.fail(tr("expected a key in double quotes"))
            key_position = self.here()
            key = self.string()
            child = f"{pointer}/{escape(key)}"
            if key in result:
                first = self.doc.key_positions.get(child, (0, 0))[0]
                self.doc.diagnostics.append(
                    self.source.diagnostic(
                        "E405",
                        tr("duplicate key `{key}` (first at line {line})", key=dotted(child), line=first),
                        key_position,
                        json_path=child,
                        hint=tr("keep one of the two entries"),
                    )
                )
            else:
                self.doc.key_positions[child] = key_position
            self.skip()
            if not self.text.startswith(":", self.pos):
                raise self.fail(tr("expected `:` after the key"))
            self.pos += 1
            self.skip()
            result[key] = self.value(child, depth + 1)
            if self.close("}"):
                return result

    def array(self, pointer: str, depth: int) -> list[Any]:
        result: list[Any] = []
        self.pos += 1
        self.skip()
        if self.text.startswith("]", self.pos):
            self.pos += 1
            return result
        while True:
            result.append(self.value(f"{pointer}/{len(result)}", depth + 1))
            if self.close("]"):
                return result

    def close(self, bracket: str) -> bool:
        """After a member: consume `,` (False: another member follows) or the closing bracket (True)."""
        self.skip()
        char = self.text[self.pos : self.pos + 1]
        if char == bracket:
            self.pos += 1
            return True
        if char != ",":
            raise self.fail(
                tr("expected `,` or `{bracket}`, found `{char}`", bracket=bracket, char=char)
                if char
                else tr("expected `,` or `{bracket}` before the end", bracket=bracket)
            )
        self.pos += 1
        self.skip()
        if self.text.startswith(bracket, self.pos):
            raise self.fail(
                tr("a comma before `{bracket}` is not allowed in JSON", bracket=bracket),
                hint=tr("remove the trailing comma"),
            )
        return False
