"""The manifest JSON Schema, compiled once per process into three things:

- the jsonschema `Draft202012Validator` (with format checking), which words every error;
- a fast yes/no check generated from the same schema (`schema_code`), so a valid manifest costs a fraction
  of a full jsonschema run (an invalid one is always re-validated by jsonschema, so messages come from
  there); a schema using a keyword the check does not know disables it (every manifest then goes
  through jsonschema), so it can never accept more than jsonschema;
- the normalisation: constant defaults (`default`), copied defaults (`x-gba-default-from`), the
  `format: date` fields to turn into `datetime.date` and whole-number floats of integer fields.
"""

from __future__ import annotations

import functools
import json
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gba_dataflow.core.resources import schema_path
from gba_dataflow.manifests import schema_code
from gba_dataflow.manifests.pointers import split
from gba_dataflow.manifests.schema_code import (
    Apply,
    Check,
    ObjectPlan,
    UnsupportedSchemaError,
    compile_plan,
)

if TYPE_CHECKING:  # jsonschema is imported only when a manifest is invalid (its import is slow)
    from jsonschema.exceptions import ValidationError
    from jsonschema.protocols import Validator

DEFAULT_FROM = "x-gba-default-from"
"""Schema keyword: when the field is absent, copy the value at this JSON pointer."""


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


def compile_check(node: Mapping[str, Any]) -> Check:
    """Compile a (sub)schema into a predicate; raise `UnsupportedSchemaError` on unknown keywords."""
    return schema_code.compile_check(node, search)


# --- normalisation: defaults and dates -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Derived:
    parent: tuple[str, ...]
    name: str
    source: tuple[str, ...]


@dataclass(frozen=True)
class Normaliser:
    """Fills in every default of the schema and turns `format: date` strings into dates, in place."""

    plan: ObjectPlan
    derived: tuple[_Derived, ...]
    apply_plan: Apply

    def copied_from(self, pointer: str) -> str | None:
        """The dotted path whose value a copied default (`x-gba-default-from`) at `pointer` takes, if any."""
        return self._copies.get(pointer)

    @functools.cached_property
    def _copies(self) -> dict[str, str]:
        return {"/" + "/".join((*rule.parent, rule.name)): ".".join(rule.source) for rule in self.derived}

    def apply(self, data: dict[str, Any]) -> None:
        """Normalise a document that the schema accepts."""
        self.apply_plan(data)
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
    return Normaliser(plan, _dependency_order(derived), compile_plan(plan))


def _compile_plan(
    node: Mapping[str, Any], where: tuple[str, ...], derived: list[_Derived], *, in_array: bool
) -> ObjectPlan:
    constants: list[tuple[str, Any, bool]] = []
    dates: list[str] = []
    integers: list[str] = []
    objects: list[tuple[str, ObjectPlan]] = []
    arrays: list[tuple[str, ObjectPlan]] = []
    for name, sub in node.get("properties", {}).items():
        if "default" in sub:
            constants.append((name, sub["default"], isinstance(sub["default"], dict | list)))
        if DEFAULT_FROM in sub:
            if in_array:
                raise UnsupportedSchemaError(f"{DEFAULT_FROM} inside a list item is not supported")
            derived.append(_Derived(where, sys.intern(name), tuple(split(sub[DEFAULT_FROM]))))
        if sub.get("format") == "date":
            dates.append(name)
        if "integer" in _type_names(sub):
            integers.append(name)
        if "properties" in sub:
            objects.append((name, _compile_plan(sub, (*where, name), derived, in_array=in_array)))
        items = sub.get("items")
        if isinstance(items, Mapping) and "properties" in items:
            arrays.append((name, _compile_plan(items, (*where, name), derived, in_array=True)))
    return ObjectPlan(tuple(constants), tuple(dates), tuple(integers), tuple(objects), tuple(arrays))


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
