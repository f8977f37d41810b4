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
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from gba_dataflow.core.errors import Diagnostic, ManifestError
from gba_dataflow.core.i18n import Phrase, os_problem, tr
from gba_dataflow.core.resources import schema_path
from gba_dataflow.core.source import Span
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


ORGANISATION = "organisation"
"""The manifest section an organisation's own schema fragment describes (`organisation.schema.json`)."""
_organisation: tuple[str, dict[str, Any]] | None = None
"""The organisation schema fragment in use in this process, with its digest (None: the shipped schema)."""


@functools.cache
def base_schema() -> dict[str, Any]:
    """The shipped manifest JSON Schema (read once per process; do not mutate it)."""
    with schema_path("manifest").open(encoding="utf-8") as handle:
        loaded: dict[str, Any] = json.load(handle)
    return loaded


@functools.cache
def schema() -> dict[str, Any]:
    """The manifest JSON Schema in use: the shipped one, with the `organisation` section of the fragment
    `use_organisation_schema` gave, if any (do not mutate it)."""
    if _organisation is None:
        return base_schema()
    merged = dict(base_schema())
    section = {"default": {}, **_organisation[1]}
    merged["properties"] = {**merged["properties"], ORGANISATION: section}
    return merged


def schema_digest() -> str:
    """What distinguishes the schema in use: "shipped", or the digest of the organisation fragment."""
    return "shipped" if _organisation is None else _organisation[0]


def use_organisation_schema(fragment: Mapping[str, Any] | None) -> None:
    """Validate manifests against the shipped schema plus an organisation's `organisation:` section (None:
    the shipped schema alone, where `organisation` is an unknown property). Loading a rulebook calls this
    with its rules directory's fragment (engine/rulebook.py), in each process that decides manifests. The
    fast check is generated code cached by the digest of its source, so the merged schema gets its own."""
    global _organisation  # noqa: PLW0603 - the one schema of the process, like its caches below
    chosen = None
    if fragment is not None:
        text = json.dumps(fragment, sort_keys=True, ensure_ascii=False)
        from hashlib import sha256

        chosen = ("sha256:" + sha256(text.encode("utf-8")).hexdigest(), dict(fragment))
    if (chosen and chosen[0]) == (_organisation and _organisation[0]):
        return
    _organisation = chosen
    for cached in (schema, validator, fast_check, normaliser):
        cached.cache_clear()


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


# --- an organisation's own facts -------------------------------------------------------------------------

ORGANISATION_FILE = "organisation.schema.json"
"""The file name of an organisation's schema fragment, beside its rules."""


def read_organisation_schema(path: str) -> dict[str, Any]:
    """Read and check an organisation schema fragment: a JSON Schema of an object whose properties (each
    with a `description`) are the facts an organisation's rules read under `organisation.`; unknown
    properties stay errors (`additionalProperties` is false, or absent and so made false). Raises
    ManifestError (E424) at the problem's line and column."""
    from gba_dataflow.manifests.document import SourceText
    from gba_dataflow.manifests.json_parser import parse_json

    try:
        text = open(path, encoding="utf-8").read()  # noqa: SIM115 - read at once
    except (OSError, UnicodeDecodeError) as error:
        reason = os_problem(error) if isinstance(error, OSError) else tr("it is not UTF-8 text")
        message = (
            tr("cannot read the organisation schema: {reason}", reason=reason)
            if isinstance(reason, Phrase)
            else tr("cannot read the organisation schema: {detail}", detail=reason)  # the system's words
        )
        raise ManifestError(message, code="E424", span=_span(path)) from None
    source = SourceText(path, text, yaml=False)
    doc = parse_json(source)
    problems = [d for d in doc.diagnostics if d.severity.value == "error"]
    if problems:
        raise ManifestError(diagnostics=[_as_e420(d) for d in problems])
    fragment = doc.data

    def fail(message: str, pointer: str, hint: str) -> ManifestError:
        return source.error("E424", message, doc.key_position(pointer), json_path=pointer or None, hint=hint)

    if not isinstance(fragment, dict) or fragment.get("type") != "object" or "properties" not in fragment:
        raise fail(
            tr("the organisation schema must describe an object with `properties`"),
            "",
            tr("start with {example}", example='{"type": "object", "properties": {...}}'),
        )
    if fragment.get("additionalProperties", False) is not False:
        raise fail(
            tr("the organisation schema must keep unknown properties errors"),
            "/additionalProperties",
            tr("remove `additionalProperties` or set it to false"),
        )
    for name, node in fragment["properties"].items():
        if not isinstance(node, dict) or not isinstance(node.get("description"), str):
            raise fail(
                tr("the organisation fact `{name}` has no description", name=name),
                f"/properties/{name}",
                tr('add "description": "what the fact means", as every field of the manifest has'),
            )
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    try:
        Draft202012Validator.check_schema(fragment)
    except SchemaError as error:
        pointer = "".join(f"/{part}" for part in error.absolute_path)
        raise fail(
            tr("the organisation schema is not a valid JSON Schema: {detail}", detail=error.message),
            pointer,
            tr("see json-schema.org"),
        ) from None
    return {"additionalProperties": False, **fragment}


def _span(path: str) -> Span:
    return Span(path, 1, 1)


def _as_e420(diagnostic: Diagnostic) -> Diagnostic:
    return replace(
        diagnostic,
        code="E424",
        message=tr("the organisation schema is not valid JSON: {problem}", problem=diagnostic.message),
    )
