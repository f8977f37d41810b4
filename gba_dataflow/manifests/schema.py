"""The manifest JSON Schema, compiled once per process into three things:

- the jsonschema `Draft202012Validator` (with format checking), which words every error;
- a fast yes/no check compiled from the same schema, so a valid manifest costs a fraction of a full
  jsonschema run (an invalid one is always re-validated by jsonschema, so messages come from there);
- the normalisation plan: constant defaults (`default`), copied defaults (`x-gba-default-from`) and
  the `format: date` fields to turn into `datetime.date`.

The fast check understands only the keywords listed in `_KEYWORDS`; a schema using any other keyword
disables it (every manifest then goes through jsonschema), so it can never accept more than jsonschema.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gba_dataflow.core.resources import schema_path
from gba_dataflow.manifests.pointers import split

if TYPE_CHECKING:  # jsonschema is imported only when a manifest is invalid (it costs ~60 ms at start-up)
    from jsonschema.exceptions import ValidationError
    from jsonschema.protocols import Validator

Check = Callable[[Any], bool]

DEFAULT_FROM = "x-gba-default-from"
"""Schema keyword: when the field is absent, copy the value at this JSON pointer."""

_ANNOTATIONS = frozenset({"$schema", "$id", "$comment", "title", "description", "default", "examples"})
_KEYWORDS = frozenset(
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


class UnsupportedSchemaError(ValueError):
    """The schema uses a keyword the fast check does not implement."""


@functools.cache
def schema() -> dict[str, Any]:
    """The parsed manifest JSON Schema (read once per process; do not mutate it)."""
    with schema_path("manifest").open(encoding="utf-8") as handle:
        loaded: dict[str, Any] = json.load(handle)
    return loaded


@functools.cache
def search(pattern: str) -> Callable[[str], re.Match[str] | None]:
    r"""`re.search` with the ECMA-262 meaning of a final `$` that JSON Schema specifies: the very end.

    Python's `$` also matches before a final newline, so `"HK\n"` would pass `^[A-Z]{2}$`.
    """
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1] + r"\Z"
    return re.compile(pattern).search


def _pattern_keyword(_validator: Any, pattern: str, instance: Any, _schema: Any) -> Iterator[ValidationError]:
    from jsonschema.exceptions import ValidationError

    if isinstance(instance, str) and search(pattern)(instance) is None:
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


@functools.cache
def validator() -> Validator:
    """The one jsonschema validator of the process: Draft 2020-12 with format checking (`format: date` is
    enforced) and `pattern` anchored as JSON Schema means it."""
    from jsonschema import Draft202012Validator, validators

    extended: type[Validator] = validators.extend(  # type: ignore[no-untyped-call]
        Draft202012Validator, {"pattern": _pattern_keyword}
    )
    return extended(schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)


@functools.cache
def fast_check() -> Check | None:
    """A compiled validity check equivalent to `validator().is_valid`, or None if the schema is beyond it."""
    try:
        return compile_check(schema())
    except UnsupportedSchemaError:
        return None


def is_date(value: str) -> bool:
    """True for an ISO `YYYY-MM-DD` string naming a real calendar day."""
    if _DATE.fullmatch(value) is None:
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


# --- the fast check --------------------------------------------------------------------------------------


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


_TYPES: dict[str, Check] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    # as in jsonschema (JSON Schema draft 6 on): 48000.0 is an integer; the normaliser makes it an int
    "integer": lambda v: (
        (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float) and v.is_integer())
    ),
    "number": _is_number,
    "boolean": lambda v: v is True or v is False,
    "null": lambda v: v is None,
}


def compile_check(node: Mapping[str, Any]) -> Check:
    """Compile a (sub)schema into a predicate; raise `UnsupportedSchemaError` on unknown keywords."""
    unknown = {
        key for key in node if key not in _KEYWORDS and key not in _ANNOTATIONS and not key.startswith("x-")
    }
    if unknown:
        raise UnsupportedSchemaError(f"unsupported keywords {sorted(unknown)}")
    checks: list[Check] = []
    if "type" in node:
        checks.append(_type_check(node["type"]))
    if "const" in node:
        checks.append(_enum_check([node["const"]]))
    if "enum" in node:
        checks.append(_enum_check(node["enum"]))
    checks.extend(_string_checks(node))
    if "minimum" in node:
        minimum = node["minimum"]
        checks.append(lambda v: not _is_number(v) or v >= minimum)
    checks.extend(_array_checks(node))
    if "properties" in node or "required" in node or "additionalProperties" in node:
        checks.append(_object_check(node))
    return _all(checks)


def _all(checks: list[Check]) -> Check:
    if not checks:
        return lambda _v: True
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        first, second = checks
        return lambda v: first(v) and second(v)
    frozen = tuple(checks)
    return lambda v: all(one(v) for one in frozen)


def _type_check(spec: str | list[str]) -> Check:
    names = [spec] if isinstance(spec, str) else list(spec)
    if any(name not in _TYPES for name in names):
        raise UnsupportedSchemaError(f"unsupported type {spec!r}")
    if len(names) == 1:
        return _TYPES[names[0]]
    if sorted(names) == ["null", "string"]:
        return lambda v: v is None or isinstance(v, str)
    tests = tuple(_TYPES[name] for name in names)
    return lambda v: any(test(v) for test in tests)


def _enum_check(values: list[Any]) -> Check:
    if any(value is not None and not isinstance(value, str) for value in values):
        raise UnsupportedSchemaError("only text and null enum values are supported")
    allowed = frozenset(values)
    return lambda v: (v is None or isinstance(v, str)) and v in allowed


def _string_checks(node: Mapping[str, Any]) -> list[Check]:
    checks: list[Check] = []
    if "pattern" in node:
        find = search(node["pattern"])
        checks.append(lambda v: not isinstance(v, str) or find(v) is not None)
    if "format" in node:
        if node["format"] != "date":
            raise UnsupportedSchemaError(f"unsupported format {node['format']!r}")
        checks.append(lambda v: not isinstance(v, str) or is_date(v))
    if "minLength" in node:
        low = node["minLength"]
        checks.append(lambda v: not isinstance(v, str) or len(v) >= low)
    if "maxLength" in node:
        high = node["maxLength"]
        checks.append(lambda v: not isinstance(v, str) or len(v) <= high)
    return checks


def _array_checks(node: Mapping[str, Any]) -> list[Check]:
    checks: list[Check] = []
    if "minItems" in node:
        low = node["minItems"]
        checks.append(lambda v: not isinstance(v, list) or len(v) >= low)
    if "items" in node:
        if not isinstance(node["items"], Mapping):
            raise UnsupportedSchemaError("`items` must be a schema")
        item = compile_check(node["items"])
        checks.append(lambda v: not isinstance(v, list) or all(item(x) for x in v))
    return checks


def _object_check(node: Mapping[str, Any]) -> Check:
    properties = {name: compile_check(sub) for name, sub in node.get("properties", {}).items()}
    required = tuple(node.get("required", ()))
    additional = node.get("additionalProperties", True)
    if additional not in (True, False):
        raise UnsupportedSchemaError("`additionalProperties` must be true or false")
    closed = additional is False

    def check(value: Any) -> bool:
        if not isinstance(value, dict):
            return True
        for name in required:
            if name not in value:
                return False
        for name, item in value.items():
            test = properties.get(name)
            if test is None:
                if closed:
                    return False
            elif not test(item):
                return False
        return True

    return check


# --- normalisation: defaults and dates -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _ObjectPlan:
    constants: tuple[tuple[str, Any, bool], ...]  # (name, default, whether it is a container to copy)
    dates: tuple[str, ...]
    integers: tuple[str, ...]
    objects: tuple[tuple[str, _ObjectPlan], ...]
    arrays: tuple[tuple[str, _ObjectPlan], ...]

    def apply(self, value: dict[str, Any]) -> None:
        for name, default, container in self.constants:
            if name not in value:
                value[name] = _fresh(default) if container else default
        for name in self.dates:
            found = value.get(name)
            if isinstance(found, str):
                value[name] = dt.date.fromisoformat(found)
        for name in self.integers:
            found = value.get(name)
            if isinstance(found, float):
                value[name] = int(found)
        for name, plan in self.objects:
            child = value.get(name)
            if isinstance(child, dict):
                plan.apply(child)
        for name, plan in self.arrays:
            for item in value.get(name) or ():
                if isinstance(item, dict):
                    plan.apply(item)


def _fresh(default: Any) -> Any:
    """A default value safe to put into a document (containers are never shared between documents)."""
    if isinstance(default, dict | list):
        return copy.deepcopy(default) if default else type(default)()
    return default


@dataclass(frozen=True, slots=True)
class _Derived:
    parent: tuple[str, ...]
    name: str
    source: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Normaliser:
    """Fills in every default of the schema and turns `format: date` strings into dates, in place."""

    plan: _ObjectPlan
    derived: tuple[_Derived, ...]

    def apply(self, data: dict[str, Any]) -> None:
        """Normalise a document that the schema accepts."""
        self.plan.apply(data)
        for rule in self.derived:
            target = _walk(data, rule.parent)
            if isinstance(target, dict) and rule.name not in target:
                target[rule.name] = _walk(data, rule.source)


def _walk(data: Any, tokens: tuple[str, ...]) -> Any:
    for token in tokens:
        if not isinstance(data, dict):
            return None
        data = data.get(token)
    return data


@functools.cache
def normaliser() -> Normaliser:
    """The normalisation plan compiled from the schema."""
    derived: list[_Derived] = []
    plan = _compile_plan(schema(), (), derived, in_array=False)
    return Normaliser(plan, _dependency_order(derived))


def _compile_plan(
    node: Mapping[str, Any], where: tuple[str, ...], derived: list[_Derived], *, in_array: bool
) -> _ObjectPlan:
    constants: list[tuple[str, Any, bool]] = []
    dates: list[str] = []
    integers: list[str] = []
    objects: list[tuple[str, _ObjectPlan]] = []
    arrays: list[tuple[str, _ObjectPlan]] = []
    for name, sub in node.get("properties", {}).items():
        if "default" in sub:
            constants.append((name, sub["default"], isinstance(sub["default"], dict | list)))
        if DEFAULT_FROM in sub:
            if in_array:
                raise UnsupportedSchemaError(f"{DEFAULT_FROM} inside a list item is not supported")
            derived.append(_Derived(where, name, tuple(split(sub[DEFAULT_FROM]))))
        if sub.get("format") == "date":
            dates.append(name)
        if "integer" in _type_names(sub):
            integers.append(name)
        if "properties" in sub:
            objects.append((name, _compile_plan(sub, (*where, name), derived, in_array=in_array)))
        items = sub.get("items")
        if isinstance(items, Mapping) and "properties" in items:
            arrays.append((name, _compile_plan(items, (*where, name), derived, in_array=True)))
    return _ObjectPlan(tuple(constants), tuple(dates), tuple(integers), tuple(objects), tuple(arrays))


def _type_names(node: Mapping[str, Any]) -> list[str]:
    declared = node.get("type", [])
    return [declared] if isinstance(declared, str) else list(declared)


def _dependency_order(pending: list[_Derived]) -> tuple[_Derived, ...]:
    """Order copied defaults so that a source is filled in before anything copies it."""
    ordered: list[_Derived] = []
    while pending:
        targets = {(*rule.parent, rule.name) for rule in pending}
        ready = [rule for rule in pending if rule.source not in targets]
        if not ready:
            raise UnsupportedSchemaError(f"{DEFAULT_FROM} defaults form a cycle")
        ordered.extend(ready)
        pending = [rule for rule in pending if rule not in ready]
    return tuple(ordered)
