"""Python generated from the manifest schema: the fast validity check and the normalisation, each one
module of plain functions (cheaper per manifest than a closure per keyword).

The check understands only the keywords in `KEYWORDS` (a schema using any other raises
`UnsupportedSchemaError`, and the caller falls back to jsonschema), so it can never accept more than
jsonschema does. The generated source holds no text from the schema: every name, pattern and value is
a numbered constant (`K3`), so no property name can change the meaning of the code.
"""

from __future__ import annotations

import copy
import datetime as dt
import marshal
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from hashlib import sha256
from types import CodeType
from typing import Any

from gba_dataflow.core import diskcache

Check = Callable[[Any], bool]
Search = Callable[[str], Callable[[str], Any]]
"""`search(pattern)`: the matcher of a `pattern` keyword, None when the text does not match."""
Apply = Callable[[dict[str, Any]], None]

ANNOTATIONS = frozenset({"$schema", "$id", "$comment", "title", "description", "default", "examples"})
KEYWORDS = frozenset(
    {
        "type",
        "const",
        "enum",
        "pattern",
        "format",
        "minLength",
        "maxLength",
        "minimum",
        "minItems",
        "items",
        "properties",
        "required",
        "additionalProperties",
    }
)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)  # the same test as jsonschema's "date" format
_NUMBER = "(isinstance({v}, (int, float)) and not isinstance({v}, bool))"
_TYPES = {
    "object": "isinstance({v}, dict)",
    "array": "isinstance({v}, list)",
    "string": "isinstance({v}, str)",
    # as in jsonschema (JSON Schema draft 6 on): 48000.0 is an integer; the normaliser makes it an int
    "integer": "((isinstance({v}, int) and not isinstance({v}, bool))"
    " or (isinstance({v}, float) and {v}.is_integer()))",
    "number": _NUMBER,
    "boolean": "({v} is True or {v} is False)",
    "null": "{v} is None",
}


class UnsupportedSchemaError(ValueError):
    """The schema uses a keyword the fast check does not implement."""


def is_date(value: str) -> bool:
    """True for an ISO `YYYY-MM-DD` string naming a real calendar day."""
    if _DATE.fullmatch(value) is None:
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


class _Module:
    """Generated functions and the constants they read (globals of the module: `K0`, `K1`, ...)."""

    def __init__(self) -> None:
        self.functions: list[str] = []
        self.constants: list[Any] = []

    def const(self, value: Any) -> str:
        """The name of a new constant (a global of the generated module: cheaper to read than `K[i]`).
        Text is interned, as the names in the rules' generated code are."""
        self.constants.append(sys.intern(value) if value.__class__ is str else value)
        return f"K{len(self.constants) - 1}"

    def add(self, lines: list[str]) -> str:
        name = f"_f{len(self.functions)}"
        self.functions.append("\n".join([f"def {name}(v):", *lines]))
        return name

    def link(self, entry: str, label: str, **helpers: Any) -> Any:
        source = "\n\n".join(self.functions) + "\n"
        namespace: dict[str, Any] = {f"K{index}": value for index, value in enumerate(self.constants)}
        namespace.update(helpers)
        exec(_compiled(source, f"<gba-dataflow manifest schema: {label}>"), namespace)
        return namespace[entry]


def _compiled(source: str, filename: str) -> CodeType:
    """`compile(source)` through the disk cache, whose entry is named by the digest of the source and
    of the Python version: compiling the schema's code cost more than the rest of a one-manifest run's
    manifest handling."""
    key = sha256(f"{sys.version}\0{filename}\0{source}".encode()).hexdigest()
    name = f"code-{key}.marshal"
    cached = diskcache.read_marshal(name)
    if isinstance(cached, CodeType):
        return cached
    code = compile(source, filename, "exec")
    diskcache.write(name, marshal.dumps(code))
    return code


# --- the check -------------------------------------------------------------------------------------------


def compile_check(node: Mapping[str, Any], search: Search) -> Check:
    """Compile a (sub)schema into a predicate equivalent to jsonschema's `is_valid` for the keywords it
    knows; `search(pattern)` gives the matcher of a `pattern` (JSON Schema's meaning of `$`)."""
    module = _Module()
    expression = _check(module, node, "v", 0, search)
    entry = module.add([f"    return {expression}"])
    check: Check = module.link(entry, "check", _MISSING=_MISSING, is_date=is_date)
    return check


_MISSING = object()


def _check(module: _Module, node: Mapping[str, Any], v: str, depth: int, search: Search) -> str:
    """A Python expression that holds when the value named `v` satisfies `node`."""
    unknown = {
        key for key in node if key not in KEYWORDS and key not in ANNOTATIONS and not key.startswith("x-")
    }
    if unknown:
        raise UnsupportedSchemaError(f"unsupported keywords {sorted(unknown)}")
    parts: list[str] = []
    if "type" in node:
        parts.append(_type(node["type"], v))
    if "const" in node:
        parts.append(_enum(module, [node["const"]], v))
    if "enum" in node:
        parts.append(_enum(module, node["enum"], v))
    parts += _strings(module, node, v, search, guard=node.get("type") != "string")
    if "minimum" in node:
        parts.append(f"(not {_NUMBER.format(v=v)} or {v} >= {module.const(node['minimum'])})")
    parts += _arrays(module, node, v, depth, search)
    if "properties" in node or "required" in node or "additionalProperties" in node:
        parts.append(f"{_object(module, node, depth, search)}({v})")
    if not parts:
        return "True"
    return parts[0] if len(parts) == 1 else "(" + " and ".join(parts) + ")"


def _type(spec: str | list[str], v: str) -> str:
    names = [spec] if isinstance(spec, str) else list(spec)
    if any(name not in _TYPES for name in names):
        raise UnsupportedSchemaError(f"unsupported type {spec!r}")
    tests = [_TYPES[name].format(v=v) for name in names]
    return tests[0] if len(tests) == 1 else "(" + " or ".join(tests) + ")"


def _enum(module: _Module, values: list[Any], v: str) -> str:
    if any(value is not None and not isinstance(value, str) for value in values):
        raise UnsupportedSchemaError("only text and null enum values are supported")
    return f"(({v} is None or isinstance({v}, str)) and {v} in {module.const(frozenset(values))})"


def _strings(module: _Module, node: Mapping[str, Any], v: str, search: Search, *, guard: bool) -> list[str]:
    """The string keywords, which hold for any value that is not text (`guard`: unless `type` already
    requires text, the test comes first)."""
    tests: list[str] = []
    if "pattern" in node:
        tests.append(f"{module.const(search(node['pattern']))}({v}) is not None")
    if "format" in node:
        if node["format"] != "date":
            raise UnsupportedSchemaError(f"unsupported format {node['format']!r}")
        tests.append(f"is_date({v})")
    if "minLength" in node:
        tests.append(f"len({v}) >= {module.const(node['minLength'])}")
    if "maxLength" in node:
        tests.append(f"len({v}) <= {module.const(node['maxLength'])}")
    return [f"(not isinstance({v}, str) or {test})" if guard else f"({test})" for test in tests]


def _arrays(module: _Module, node: Mapping[str, Any], v: str, depth: int, search: Search) -> list[str]:
    parts: list[str] = []
    if "minItems" in node:
        parts.append(f"(not isinstance({v}, list) or len({v}) >= {module.const(node['minItems'])})")
    if "items" in node:
        if not isinstance(node["items"], Mapping):
            raise UnsupportedSchemaError("`items` must be a schema")
        item = f"item{depth}"
        test = _check(module, node["items"], item, depth + 1, search)
        parts.append(f"(not isinstance({v}, list) or all({test} for {item} in {v}))")
    return parts


def _object(module: _Module, node: Mapping[str, Any], depth: int, search: Search) -> str:
    """A function checking `properties`, `required` and `additionalProperties` of a dict (true for others)."""
    properties: Mapping[str, Any] = node.get("properties", {})
    additional = node.get("additionalProperties", True)
    if additional not in (True, False):
        raise UnsupportedSchemaError("`additionalProperties` must be true or false")
    lines = ["    if not isinstance(v, dict):", "        return True"]
    if node.get("required"):
        lines += [
            f"    if not {module.const(frozenset(node['required']))} <= v.keys():",
            "        return False",
        ]
    if additional is False:
        lines += [f"    if not v.keys() <= {module.const(frozenset(properties))}:", "        return False"]
    for name, sub in properties.items():
        test = _check(module, sub, "x", depth + 1, search)
        if test == "True":
            continue
        lines += [
            f"    x = v.get({module.const(name)}, _MISSING)",
            f"    if x is not _MISSING and not {test}:",
            "        return False",
        ]
    lines.append("    return True")
    return module.add(lines)


# --- normalisation ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ObjectPlan:
    """What normalising one kind of object does, in this order: fill in constant defaults (`constants`:
    name, default, whether it is a container to copy), turn `dates` into dates and whole-number floats
    among `integers` into ints, then normalise the child `objects` and the objects in `arrays`."""

    constants: tuple[tuple[str, Any, bool], ...]
    dates: tuple[str, ...]
    integers: tuple[str, ...]
    objects: tuple[tuple[str, ObjectPlan], ...]
    arrays: tuple[tuple[str, ObjectPlan], ...]


def compile_plan(plan: ObjectPlan) -> Apply:
    """The plan as one generated function per kind of object, applied in place."""
    module = _Module()
    entry = _normalise(module, plan)
    apply: Apply = module.link(entry, "normalise", _fresh=_fresh, _date=dt.date.fromisoformat)
    return apply


def _normalise(module: _Module, plan: ObjectPlan) -> str:
    lines: list[str] = []
    for name, default, container in plan.constants:
        key = module.const(name)
        value = f"_fresh({module.const(default)})" if container else module.const(default)
        lines += [f"    if {key} not in v:", f"        v[{key}] = {value}"]
    for names, test, convert in ((plan.dates, "str", "_date"), (plan.integers, "float", "int")):
        for name in names:
            key = module.const(name)
            lines += [
                f"    x = v.get({key})",
                f"    if isinstance(x, {test}):",
                f"        v[{key}] = {convert}(x)",
            ]
    for name, child in plan.objects:
        lines += _on_dict(f"    x = v.get({module.const(name)})", "    ", _normalise(module, child))
    for name, child in plan.arrays:
        head = f"    for x in v.get({module.const(name)}) or ():"
        lines += _on_dict(head, "        ", _normalise(module, child))
    return module.add(lines or ["    pass"])


def _on_dict(head: str, indent: str, function: str) -> list[str]:
    """`head` (which sets `x`), then `function(x)` at `indent` when `x` is a dict."""
    return [head, f"{indent}if isinstance(x, dict):", f"{indent}    {function}(x)"]


def _fresh(default: Any) -> Any:
    """A default value safe to put into a document (containers are never shared between documents)."""
    if isinstance(default, dict | list):
        return copy.deepcopy(default) if default else type(default)()
    return default
