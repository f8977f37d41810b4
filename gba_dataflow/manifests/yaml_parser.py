"""Read a YAML manifest strictly: compose the node tree once (libyaml when available), then one walk.

The walk builds the plain data and the position of every value, and reports what YAML 1.1 would silently
get wrong: duplicate keys (E405), aliases that multiply the document (E406), boolean-like words,
octal and base-60 numbers, merge keys (E407). Timestamps stay text here; the schema checks them as dates.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from gba_dataflow.core.errors import ManifestError
from gba_dataflow.core.i18n import tr
from gba_dataflow.manifests.document import MAX_DEPTH, ParsedDocument, Position, SourceText
from gba_dataflow.manifests.limits import max_nodes, too_many_nodes
from gba_dataflow.manifests.pointers import dotted, escape

DEFAULT_ALIAS_BUDGET = 10_000
"""How many nodes aliases may add by expansion before the document is refused (E406)."""

_TAG = "tag:yaml.org,2002:"
_STR, _NULL, _BOOL, _INT, _FLOAT = f"{_TAG}str", f"{_TAG}null", f"{_TAG}bool", f"{_TAG}int", f"{_TAG}float"
_TIMESTAMP, _MERGE, _VALUE = f"{_TAG}timestamp", f"{_TAG}merge", f"{_TAG}value"
_SEQ, _MAP = f"{_TAG}seq", f"{_TAG}map"
_TEXT_TAGS = frozenset({_STR, _TIMESTAMP, _VALUE})  # timestamps stay text until the schema has checked them
_NUMBER_TAGS = frozenset({_INT, _FLOAT})
_PLAIN = "!gba-dataflow/plain"  # a plain scalar, resolved by the walk (cheaper than in the composer)

_resolve_implicit: Callable[[type[Node], str, tuple[bool, bool]], Any] = Resolver().resolve
_RESOLVABLE_FIRST = frozenset(key for key in Resolver.yaml_implicit_resolvers if key)
_TAG_CACHE: dict[str, str] = {}
_TAG_CACHE_LIMIT = 4096
_OCTAL = re.compile(r"[-+]?0[0-7_]+")
_SUSPECT_KEY_START = frozenset("yYnNoO<")  # boolean-like words and merge keys (true/false are fine)
_YN = frozenset("yYnN")  # booleans in YAML 1.1 (by its spec, though PyYAML reads them as text)
_BOOL_WORDS = {"yes": True, "on": True, "y": True, "no": False, "off": False, "n": False}
_YAML11_HINT = tr("write true/false for a boolean, or quote it for a string")


def _resolve(_self: Any, kind: type[Node], _value: str | None, implicit: tuple[bool, bool]) -> str:
    if kind is ScalarNode:
        return _PLAIN if implicit[0] else _STR
    return _SEQ if kind is SequenceNode else _MAP


def _loader_class(base: type[Any]) -> type[Any]:
    """A safe loader whose composer leaves plain-scalar resolution to the walk."""
    overrides = {
        "resolve": _resolve,
        # No path resolvers: the composer calls these two for every node, so they are builtins that
        # accept the arguments and do nothing with them (a Python no-op cost 3% of loading a manifest).
        "descend_resolver": staticmethod(operator.is_),  # (parent, index)
        "ascend_resolver": staticmethod(tuple),  # ()
    }
    return type(f"Strict{base.__name__}", (base,), overrides)


_PY_LOADER = _loader_class(yaml.SafeLoader)
_C_LOADER = _loader_class(yaml.CSafeLoader) if getattr(yaml, "__with_libyaml__", False) else None


def _plain_tag(value: str) -> str:
    """The YAML 1.1 tag of a plain scalar (what SafeLoader would make of it)."""
    if not value:
        return _NULL
    if value[0] not in _RESOLVABLE_FIRST:
        return _STR
    tag = _TAG_CACHE.get(value)
    if tag is None:
        tag = str(_resolve_implicit(ScalarNode, value, (True, False)))
        if len(value) <= 40:
            if len(_TAG_CACHE) >= _TAG_CACHE_LIMIT:
                _TAG_CACHE.clear()
            _TAG_CACHE[value] = tag
    return tag


def _position(node: Node) -> Position:
    mark = node.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def parse_yaml(
    source: SourceText, *, alias_budget: int = DEFAULT_ALIAS_BUDGET, use_libyaml: bool = True
) -> ParsedDocument:
    """Parse one YAML document; raise `ManifestError` (E404/E406/E408) when it cannot be read at all."""
    root = _compose(source, use_libyaml=use_libyaml)
    track = "&" in source.text  # no anchor, no alias: skip the bookkeeping
    builder = _Builder(source, alias_budget if track else None)
    builder.doc.data = builder.value(root, "", 0)
    return builder.doc


def _compose(source: SourceText, *, use_libyaml: bool) -> Node:
    loader_class = _C_LOADER if use_libyaml and _C_LOADER is not None else _PY_LOADER
    limit = max_nodes()
    if len(source.text) > limit:  # short texts cannot hold more nodes than characters
        _count_nodes(source, loader_class, limit)
    loader = loader_class(source.text)
    try:
        node: Node | None = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(source, exc) from None
    except yaml.reader.ReaderError as exc:
        raise _reader_error(source, exc, libyaml=loader_class is _C_LOADER) from None
    except yaml.YAMLError as exc:
        raise source.error("E404", tr("not well-formed YAML: {detail}", detail=str(exc)), (1, 1)) from None
    except RecursionError:
        raise source.error("E404", _too_deep(), (1, 1)) from None
    finally:
        loader.dispose()
    if node is None:
        raise source.error(
            "E408", tr("the manifest is empty"), (1, 1), hint=tr("start from `gba-dataflow new manifest`")
        )
    return node


def _too_deep() -> str:
    return tr("the document nests deeper than {depth} levels", depth=MAX_DEPTH)


_NODE_EVENTS = (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent, yaml.AliasEvent)


def _count_nodes(source: SourceText, loader_class: type[Any], limit: int) -> None:
    """Raise E450 when the document has more than `limit` nodes, from the parser's events, stopping at the
    limit: no tree is built for a document that is refused. A syntax error is left to the composer."""
    loader = loader_class(source.text)
    left = limit
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, _NODE_EVENTS):
                left -= 1
                if left < 0:
                    mark = event.start_mark
                    position = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
                    raise too_many_nodes(source, position)
    except yaml.YAMLError:
        return
    finally:
        loader.dispose()


def _syntax_error(source: SourceText, exc: yaml.MarkedYAMLError) -> ManifestError:
    mark = exc.problem_mark or exc.context_mark
    position = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    if exc.context == "expected a single document in the stream":
        return source.error(
            "E408",
            tr("the file holds more than one YAML document"),
            position,
            hint=tr("keep one manifest per file, without a second `---`"),
        )
    hint = tr("indent with spaces, not tabs") if "\t" in source.line_text(position[0]) else None
    if not exc.problem:
        return source.error("E404", tr("not well-formed YAML: cannot be parsed"), position, hint=hint)
    return source.error("E404", _not_well_formed(exc.problem, exc.context), position, hint=hint)


def _not_well_formed(problem: str, context: str | None) -> str:
    """`not well-formed YAML: <problem> <context>`, in the parser's words: translated when they are ones
    libyaml says of a hand-written manifest, else quoted as they are in a translation."""
    said = _YAML_PROBLEMS.get(problem)
    during = _YAML_CONTEXTS.get(context) if context else None
    if said is not None and context is None:
        return tr("not well-formed YAML: {problem}", problem=said)
    if said is not None and during is not None:
        return tr("not well-formed YAML: {problem} {context}", problem=said, context=during)
    detail = f"{problem} {context}" if context else problem
    return tr("not well-formed YAML: {detail}", detail=detail)


_YAML_PROBLEMS = {
    "did not find expected key": tr("did not find expected key"),
    "did not find expected ',' or '}'": tr("did not find expected ',' or '{bracket}'", bracket="}"),
    "did not find expected ',' or ']'": tr("did not find expected ',' or '{bracket}'", bracket="]"),
    "did not find expected '-' indicator": tr("did not find expected '-' indicator"),
    "did not find expected node content": tr("did not find expected node content"),
    "did not find expected <document start>": tr("did not find expected <document start>"),
    "could not find expected ':'": tr("could not find expected ':'"),
    "mapping values are not allowed in this context": tr("mapping values are not allowed in this context"),
    "block sequence entries are not allowed in this context": tr(
        "block sequence entries are not allowed in this context"
    ),
    "found character that cannot start any token": tr("found character that cannot start any token"),
    "found a tab character that violates indentation": tr("found a tab character that violates indentation"),
    "found unexpected end of stream": tr("found unexpected end of stream"),
    "found unknown escape character": tr("found unknown escape character"),
    "found undefined alias": tr("found undefined alias"),
    "control characters are not allowed": tr("control characters are not allowed"),
}
"""What libyaml says most often of a hand-written manifest (`problem`)."""
_YAML_CONTEXTS = {
    "while parsing a block mapping": tr("while parsing a block mapping"),
    "while parsing a block collection": tr("while parsing a block collection"),
    "while parsing a block node": tr("while parsing a block node"),
    "while parsing a flow mapping": tr("while parsing a flow mapping"),
    "while parsing a flow sequence": tr("while parsing a flow sequence"),
    "while parsing a flow node": tr("while parsing a flow node"),
    "while parsing a quoted scalar": tr("while parsing a quoted scalar"),
    "while scanning a quoted scalar": tr("while scanning a quoted scalar"),
    "while scanning a plain scalar": tr("while scanning a plain scalar"),
    "while scanning a simple key": tr("while scanning a simple key"),
    "while scanning for the next token": tr("while scanning for the next token"),
}
"""Where libyaml was when it found the problem (`context`)."""


def _reader_error(source: SourceText, exc: yaml.reader.ReaderError, *, libyaml: bool) -> ManifestError:
    offset = int(exc.position)
    if libyaml:  # libyaml reports a byte offset into the UTF-8 text
        offset = len(source.text.encode("utf-8")[:offset].decode("utf-8", "ignore"))
    message = (
        _not_well_formed(exc.reason, None) if exc.reason else tr("not well-formed YAML: unreadable character")
    )
    return source.error("E404", message, source.position_of(offset), hint=tr("remove the control character"))


class _Builder:
    """One walk over the composed nodes: data, positions and YAML-level diagnostics."""

    __slots__ = (
        "active",
        "budget",
        "doc",
        "expanded",
        "key_positions",
        "positions",
        "seen",
        "source",
    )

    def __init__(self, source: SourceText, alias_budget: int | None) -> None:
        self.source = source
        self.doc = ParsedDocument(None)
        self.positions = self.doc.positions
        self.key_positions = self.doc.key_positions
        self.budget = alias_budget
        self.expanded = 0
        self.seen: set[int] = set()
        self.active: set[int] = set()

    def value(self, node: Node, pointer: str, depth: int) -> Any:
        mark = node.start_mark
        position = (mark.line + 1, mark.column + 1)
        self.positions[pointer] = position
        if self.budget is not None:
            return self._tracked(node, pointer, depth, position)
        return self._build(node, pointer, depth, position)

    def _build(self, node: Node, pointer: str, depth: int, position: Position) -> Any:
        kind = type(node)
        if kind is ScalarNode:
            return node.value if node.tag == _STR else self.scalar(node, pointer, position)
        if depth >= MAX_DEPTH:
            raise self.source.error("E404", _too_deep(), position, json_path=pointer)
        if node.tag != (_MAP if kind is MappingNode else _SEQ):
            self._unsupported_tag(node, pointer, position)
        if kind is MappingNode:
            return self.mapping(node, pointer, depth)
        return self.sequence(node, pointer, depth)

    def _tracked(self, node: Node, pointer: str, depth: int, position: Position) -> Any:
        """Build while counting the nodes that aliases add: the "billion laughs" guard."""
        ident = id(node)
        if ident in self.active:
            raise self.source.error(
                "E406", tr("a YAML alias refers to a node that contains it"), position, json_path=pointer
            )
        if ident in self.seen:
            self.expanded += 1
            if self.budget is not None and self.expanded > self.budget:
                raise self.source.error(
                    "E406",
                    tr("YAML aliases expand the document by more than {budget:,} nodes", budget=self.budget),
                    position,
                    json_path=pointer,
                    hint=tr("write the values out instead of repeating them with anchors (`&`) and aliases"),
                )
        else:
            self.seen.add(ident)
        self.active.add(ident)
        try:
            return self._build(node, pointer, depth, position)
        finally:
            self.active.discard(ident)

    def mapping(self, node: Node, pointer: str, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        positions, key_positions = self.positions, self.key_positions
        untracked = self.budget is None
        for key_node, value_node in node.value:
            if type(key_node) is ScalarNode and (
                key_node.tag != _PLAIN or key_node.value[:1] not in _SUSPECT_KEY_START
            ):
                key: str = key_node.value  # the common case: a key that cannot be a YAML 1.1 surprise
            else:
                key = self.key(key_node, pointer)
            child = f"{pointer}/{key}" if "/" not in key and "~" not in key else f"{pointer}/{escape(key)}"
            mark = key_node.start_mark
            if key in result:
                self._duplicate(child, (mark.line + 1, mark.column + 1))
            else:
                key_positions[child] = (mark.line + 1, mark.column + 1)
            if untracked and type(value_node) is ScalarNode:  # the common case, inlined
                mark = value_node.start_mark
                position = positions[child] = (mark.line + 1, mark.column + 1)
                text = value_node.value
                if value_node.tag == _STR or (
                    value_node.tag == _PLAIN and text and text[0] not in _RESOLVABLE_FIRST
                ):
                    result[key] = text  # quoted, or plain text that no YAML 1.1 resolver could claim
                else:
                    result[key] = self.scalar(value_node, child, position)
            else:
                result[key] = self.value(value_node, child, depth + 1)
        return result

    def sequence(self, node: Node, pointer: str, depth: int) -> list[Any]:
        result: list[Any] = []
        positions = self.positions
        untracked = self.budget is None
        for index, item in enumerate(node.value):
            child = f"{pointer}/{index}"
            if untracked and type(item) is ScalarNode:
                mark = item.start_mark
                position = positions[child] = (mark.line + 1, mark.column + 1)
                result.append(item.value if item.tag == _STR else self.scalar(item, child, position))
            else:
                result.append(self.value(item, child, depth + 1))
        return result

    def key(self, node: Node, pointer: str) -> str:
        """The text of a key; keys are always text, but YAML 1.1 surprises among them are reported."""
        if type(node) is not ScalarNode:
            raise self.source.error(
                "E404",
                tr("a key must be a word or quoted text, not a list or mapping"),
                _position(node),
                json_path=pointer,
            )
        text: str = node.value
        if node.tag != _PLAIN or text[:1] not in _SUSPECT_KEY_START:
            return text
        tag = _plain_tag(text)
        child = f"{pointer}/{escape(text)}"
        if tag == _MERGE:
            self.report(
                "E407",
                tr("merge keys (`<<`) are a YAML 1.1 feature that YAML 1.2 and JSON do not have"),
                _position(node),
                child,
                hint=tr("write the keys out in full"),
            )
        elif (tag == _BOOL and text.lower() not in ("true", "false")) or (tag == _STR and text in _YN):
            self._boolean_word(text, _position(node), child, key=True)
        return text

    def _duplicate(self, child: str, position: Position) -> None:
        first = self.key_positions.get(child, (0, 0))[0]
        self.report(
            "E405",
            tr("duplicate key `{key}` (first at line {line})", key=dotted(child), line=first),
            position,
            child,
            hint=tr("keep one of the two entries"),
        )

    def scalar(self, node: Node, pointer: str, position: Position) -> Any:
        """The value of a scalar that is not plainly text (a plain or explicitly tagged scalar)."""
        text: str = node.value
        tag = node.tag
        if tag == _PLAIN:
            tag = _plain_tag(text)
            if tag == _STR:
                if text in _YN:
                    self._boolean_word(text, position, pointer)
                return text
        if tag in _TEXT_TAGS:
            return text
        if tag == _NULL:
            return None
        if tag == _BOOL:
            lowered = text.lower()
            if lowered in ("true", "false"):
                return lowered == "true"
            self._boolean_word(text, position, pointer)
            return _BOOL_WORDS.get(lowered, text)
        if tag in _NUMBER_TAGS:
            return self.number(text, tag == _INT, position, pointer)
        if tag == _MERGE:
            self.report(
                "E407",
                tr("unquoted `<<` at `{field}` is a YAML 1.1 merge key", field=dotted(pointer)),
                position,
                pointer,
                hint=tr("quote it"),
            )
            return text
        self._unsupported_tag(node, pointer, position)
        return text

    def number(self, text: str, integer: bool, position: Position, pointer: str) -> Any:
        if ":" in text:
            self.report(
                "E407",
                tr(
                    "`{text}` at `{field}` is a base-60 number in YAML 1.1 but text in YAML 1.2",
                    text=text,
                    field=dotted(pointer),
                ),
                position,
                pointer,
                hint=tr('quote it ("{text}") for text', text=text),
            )
            return text
        if integer and _OCTAL.fullmatch(text):
            self.report(
                "E407",
                tr(
                    "`{text}` at `{field}` is octal in YAML 1.1 but decimal in YAML 1.2",
                    text=text,
                    field=dotted(pointer),
                ),
                position,
                pointer,
                hint=tr('write it without the leading zero, or quote it ("{text}") for text', text=text),
            )
            return text
        try:
            return _to_int(text) if integer else _to_float(text)
        except ValueError:
            kind = tr("a whole number") if integer else tr("a number")
            message = tr(
                "`{text}` at `{field}` cannot be read as {kind}",
                text=text[:40],
                field=dotted(pointer),
                kind=kind,
            )
            self.report("E404", message, position, pointer)
            return text

    def _boolean_word(self, text: str, position: Position, pointer: str, *, key: bool = False) -> None:
        message = (
            tr("unquoted the key `{text}` is a boolean in YAML 1.1 but text in YAML 1.2", text=text)
            if key
            else tr(
                "unquoted `{text}` at `{field}` is a boolean in YAML 1.1 but text in YAML 1.2",
                text=text,
                field=dotted(pointer),
            )
        )
        self.report(
            "E407",
            message,
            position,
            pointer,
            hint=_YAML11_HINT,
        )

    def _unsupported_tag(self, node: Node, pointer: str, position: Position) -> None:
        self.report(
            "E404",
            tr(
                "the YAML tag `{tag}` at `{field}` is not supported in a manifest",
                tag=node.tag,
                field=dotted(pointer),
            ),
            position,
            pointer,
            hint=tr(
                "remove the tag; manifests hold only text, numbers, true/false, null, lists and mappings"
            ),
        )

    def report(
        self, code: str, message: str, position: Position, pointer: str, *, hint: str | None = None
    ) -> None:
        self.doc.diagnostics.append(
            self.source.diagnostic(code, message, position, json_path=pointer, hint=hint)
        )


def _to_int(text: str) -> int:
    digits = text.replace("_", "")
    sign = -1 if digits[:1] == "-" else 1
    if digits[:1] in ("-", "+"):
        digits = digits[1:]
    if digits[:2] == "0b":
        return sign * int(digits[2:], 2)
    if digits[:2] == "0x":
        return sign * int(digits[2:], 16)
    return sign * int(digits, 10)


def _to_float(text: str) -> float:
    lowered = text.replace("_", "").lower()
    if lowered in (".inf", "+.inf"):
        return float("inf")
    if lowered == "-.inf":
        return float("-inf")
    if lowered == ".nan":
        return float("nan")
    return float(lowered)
