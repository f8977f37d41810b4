"""What a rule may read: the manifest paths, their types and allowed values, taken from the JSON Schema.

The catalog is built from the schema dict (passed in by the caller), so the DSL layer does not import
the manifest layer. Array elements are addressed with `[]`: `dataset.fields[].category`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gba_dataflow.dsl.types import ANY, BOOL, DATE, NUMBER, STRING, Type, list_of, object_at


@dataclass(frozen=True, slots=True)
class FieldInfo:
    """One manifest path: its type, whether it may be null, and its enum values if any."""

    path: str
    type: Type
    nullable: bool = False
    enum: tuple[Any, ...] | None = None
    description: str = ""


Catalog = Mapping[str, FieldInfo]


def build_catalog(schema: Mapping[str, Any]) -> dict[str, FieldInfo]:
    """Flatten a manifest JSON Schema into {dotted path: FieldInfo}."""
    catalog: dict[str, FieldInfo] = {}
    _walk(schema, "", catalog, schema)
    return catalog


def _resolve(node: Mapping[str, Any], root: Mapping[str, Any]) -> Mapping[str, Any]:
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        target: Any = root
        for part in ref[2:].split("/"):
            target = target[part]
        merged = dict(target)
        merged.update({k: v for k, v in node.items() if k != "$ref"})
        return _resolve(merged, root)
    return node


def _types_of(node: Mapping[str, Any], root: Mapping[str, Any]) -> tuple[set[str], Mapping[str, Any]]:
    node = _resolve(node, root)
    declared = node.get("type")
    kinds: set[str] = set(declared) if isinstance(declared, list) else ({declared} if declared else set())
    for key in ("anyOf", "oneOf"):
        for option in node.get(key, ()):
            option_kinds, option_node = _types_of(option, root)
            kinds |= option_kinds
            if option_kinds - {"null"}:
                node = {**option_node, **{k: v for k, v in node.items() if k not in ("anyOf", "oneOf")}}
    if "enum" in node and not kinds:
        kinds = {"string"} if all(isinstance(v, str) for v in node["enum"] if v is not None) else set()
        if None in node["enum"]:
            kinds.add("null")
    return kinds, node


def _walk(node: Mapping[str, Any], prefix: str, out: dict[str, FieldInfo], root: Mapping[str, Any]) -> None:
    kinds, node = _types_of(node, root)
    nullable = "null" in kinds
    kinds.discard("null")
    description = str(node.get("description", ""))
    enum = tuple(value for value in node.get("enum", ()) if value is not None) or None
    if "const" in node:
        enum = (node["const"],)
    if kinds == {"object"} or "properties" in node:
        if prefix:
            out[prefix] = FieldInfo(prefix, object_at(prefix), nullable, None, description)
        for name, child in node.get("properties", {}).items():
            _walk(child, f"{prefix}.{name}" if prefix else name, out, root)
        return
    if kinds == {"array"}:
        items = node.get("items", {})
        element = f"{prefix}[]"
        item_kinds, item_node = _types_of(items, root)
        if item_kinds - {"null"} == {"object"} or "properties" in item_node:
            out[prefix] = FieldInfo(prefix, list_of(object_at(element)), nullable, None, description)
            _walk(items, element, out, root)
        else:
            scalar = _scalar(item_kinds - {"null"}, item_node)
            out[prefix] = FieldInfo(prefix, list_of(scalar), nullable, None, description)
        return
    out[prefix] = FieldInfo(prefix, _scalar(kinds, node), nullable, enum, description)


def _scalar(kinds: set[str], node: Mapping[str, Any]) -> Type:
    if kinds == {"boolean"}:
        return BOOL
    if kinds and kinds <= {"integer", "number"}:
        return NUMBER
    if kinds == {"string"}:
        return DATE if node.get("format") == "date" else STRING
    return ANY
