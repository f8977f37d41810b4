"""Schema validation (E410): every violation, each at the offending value, in words a data steward reads."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from gba_dataflow.core.errors import Diagnostic
from gba_dataflow.core.i18n import Given, Listing, Phrase, tr
from gba_dataflow.core.suggest import did_you_mean
from gba_dataflow.manifests.document import ParsedDocument, SourceText
from gba_dataflow.manifests.limits import max_diagnostics
from gba_dataflow.manifests.pointers import dotted, escape, join
from gba_dataflow.manifests.schema import fast_check, validator

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

_TYPE_WORDS: dict[str, str] = {
    "object": tr("a mapping of fields"),
    "array": tr("a list"),
    "string": tr("text"),
    "integer": tr("a whole number"),
    "number": tr("a number"),
    "boolean": tr("true or false"),
    "null": tr("null"),
}
_PATTERN_WORDS: dict[str, tuple[str, str | None]] = {
    "^[A-Z]{2}(-[A-Z0-9]{1,3})?$": (
        tr("an ISO 3166 region code such as `CN-GD`, `HK` or `MO`"),
        tr("write the code in capitals: `CN-GD` for Guangdong, `HK` for Hong Kong, `MO` for Macao"),
    ),
    "^[a-z0-9][a-z0-9._-]*$": (
        tr("a slug of lower-case letters, digits, `.`, `_` and `-`, starting with a letter or digit"),
        tr("for example `crm-to-hk-service-centre`"),
    ),
}
_SENTENCE_END = re.compile(r"(?<=[a-z)`])\. (?=[A-Z])")
_LOOKS_LIKE_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def schema_diagnostics(doc: ParsedDocument, source: SourceText) -> list[Diagnostic]:
    """Validate `doc.data` (dates still text) against the manifest schema; [] when it is valid."""
    check = fast_check()
    if check is not None and check(doc.data):
        return []
    found = _Translator(doc, source).translate(validator().iter_errors(doc.data))
    if not found:  # the fast check and jsonschema disagree: fail closed
        found.append(
            source.diagnostic(
                "E410", tr("the manifest does not match the manifest schema"), (1, 1), json_path=""
            )
        )
    return found


def describe(value: Any) -> str:
    """A short, readable rendering of a manifest value for messages."""
    if value is None:
        return tr("null (no value)")
    if value is True or value is False:
        return tr("`{value}`", value=str(value).lower())
    if isinstance(value, str):
        shown = value if value.isprintable() else value.encode("unicode_escape").decode("ascii")
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        return tr("the text `{shown}`", shown=shown) if shown else tr("empty text")
    if isinstance(value, dict):
        return tr("a mapping")
    if isinstance(value, list):
        return tr("a list")
    return tr("`{value}`", value=value)


class _Translator:
    """Turns jsonschema errors into located diagnostics, one per offending value."""

    def __init__(self, doc: ParsedDocument, source: SourceText) -> None:
        self.doc = doc
        self.source = source
        self.suggestions_left = max_diagnostics()
        """Did-you-mean hints cost a fuzzy match each: only as many as diagnostics are shown."""

    def translate(self, errors: Iterator[ValidationError]) -> list[Diagnostic]:
        by_pointer: dict[str, list[ValidationError]] = {}
        for error in errors:
            by_pointer.setdefault(join(error.absolute_path), []).append(error)
        found: list[Diagnostic] = []
        for pointer, errors_here in by_pointer.items():
            typed = [error for error in errors_here if error.validator == "type"]
            # a value of the wrong type: its other complaints add nothing
            group = typed[:1] if typed else errors_here
            structural = [error for error in group if error.validator in ("required", "additionalProperties")]
            if structural:
                found.extend(self._object(pointer, structural[0]))
            found.extend(
                self._value(pointer, error)
                for error in group
                if error.validator not in ("required", "additionalProperties")
            )
        return found

    # --- objects: missing and unknown fields --------------------------------------------------------------

    def _object(self, pointer: str, error: ValidationError) -> Iterator[Diagnostic]:
        instance: Any = error.instance
        subschema = error.schema if isinstance(error.schema, Mapping) else {}
        properties: Mapping[str, Any] = subschema.get("properties", {})
        missing = [name for name in subschema.get("required", ()) if name not in instance]
        unknown = (
            [name for name in instance if name not in properties]
            if subschema.get("additionalProperties", True) is False
            else []
        )
        for name in unknown:
            yield self._unknown(pointer, name, properties, missing)
        for name in missing:
            child = f"{pointer}/{escape(name)}"
            description = _description(child, str(properties.get(name, {}).get("description", "")))
            yield self.source.diagnostic(
                "E410",
                tr("`{field}` is required", field=dotted(child)),
                self.doc.key_position(pointer),
                json_path=child,
                hint=tr("add `{name}`: {description}", name=name, description=description)
                if description
                else None,
            )

    def _unknown(
        self, pointer: str, name: str, properties: Mapping[str, Any], missing: list[str]
    ) -> Diagnostic:
        child = f"{pointer}/{escape(name)}"
        self.suggestions_left -= 1
        hinted = self.suggestions_left >= 0
        suggestion = did_you_mean(name, properties) if hinted else None
        close = [candidate for candidate in missing if hinted and did_you_mean(name, [candidate])]
        if close:  # `transfr` for a missing `transfer`: one diagnostic, not two
            missing.remove(close[0])
            suggestion = did_you_mean(name, close[:1])
        message = (
            tr("unknown field `{field}` ({suggestion})", field=dotted(child), suggestion=suggestion)
            if suggestion
            else tr("unknown field `{field}`", field=dotted(child))
        )
        allowed = Listing([f"`{key}`" for key in properties])
        return self.source.diagnostic(
            "E410",
            message,
            self.doc.key_position(child),
            json_path=child,
            hint=(
                tr("fields allowed at `{field}`: {allowed}", field=dotted(pointer), allowed=allowed)
                if pointer
                else tr("fields allowed at the top level: {allowed}", allowed=allowed)
            )
            if properties
            else None,
        )

    # --- values -------------------------------------------------------------------------------------------

    def _value(self, pointer: str, error: ValidationError) -> Diagnostic:
        message, hint = self._words(pointer, error)
        return self.source.diagnostic(
            "E410", message, self.doc.value_position(pointer), json_path=pointer, hint=hint
        )

    def _words(self, pointer: str, error: ValidationError) -> tuple[str, str | None]:
        name = f"`{dotted(pointer)}`"
        value: Any = error.instance
        schema = error.schema if isinstance(error.schema, Mapping) else {}
        keyword = error.validator
        expected: Any = error.validator_value
        if keyword == "type":
            return self._type_words(name, value, schema)
        found = describe(value)
        if keyword == "enum":
            options = Listing(["null" if option is None else f"`{option}`" for option in expected])
            self.suggestions_left -= 1
            hinted = isinstance(value, str) and self.suggestions_left >= 0
            hint = did_you_mean(value, [o for o in expected if o]) if hinted else None
            return tr(
                "{name} must be one of {options}, not {found}", name=name, options=options, found=found
            ), hint
        if keyword == "const":
            return tr(
                "{name} must be `{expected}`, not {found}", name=name, expected=expected, found=found
            ), None
        if keyword == "pattern":
            words, hint = _PATTERN_WORDS.get(
                str(expected), (tr("text matching `{pattern}`", pattern=expected), None)
            )
            return _must_be(name, words, found), hint
        if keyword == "format":
            return _date_words(name, value)
        if keyword == "minLength":
            return tr("{name} must not be empty", name=name), tr(
                "write a value, or leave the field out if it is optional"
            )
        if keyword == "maxLength":
            return tr("{name} is longer than {limit} characters", name=name, limit=expected), None
        if keyword == "minimum":
            return tr(
                "{name} must be {minimum} or more, not {found}", name=name, minimum=expected, found=found
            ), None
        if keyword == "minItems":
            if expected == 1:
                return tr("{name} must list at least {count} item", name=name, count=expected), None
            return tr("{name} must list at least {count} items", name=name, count=expected), None
        # a keyword the schema does not use today: jsonschema's own words, quoted
        return tr("{name}: {detail}", name=name, detail=error.message), None

    def _type_words(self, name: str, value: Any, schema: Mapping[str, Any]) -> tuple[str, str | None]:
        types = schema.get("type", [])
        names = [types] if isinstance(types, str) else list(types)
        wanted: str
        if schema.get("format") == "date":
            wanted = tr("a date written YYYY-MM-DD or null") if "null" in names else _A_DATE
        else:
            wanted = _either([_TYPE_WORDS.get(type_name, type_name) for type_name in names])
        return _must_be(name, wanted, describe(value)), _type_hint(names, value)


_A_DATE = tr("a date written YYYY-MM-DD")


def _must_be(name: str, wanted: str, found: str) -> Phrase:
    return tr("{name} must be {wanted}, not {found}", name=name, wanted=wanted, found=found)


def _either(words: list[str]) -> str:
    """`a or b or c`, each `or` said in the report's language."""
    if not words:
        return ""
    joined = words[0]
    for word in words[1:]:
        joined = tr("{head} or {last}", head=joined, last=word)
    return joined


def _first_sentence(text: str) -> str:
    return _SENTENCE_END.split(text)[0].rstrip(".")


def _description(pointer: str, english: str) -> str:
    """The first sentence of a field's description, with the Chinese of the manifest template (its texts
    are keyed by the schema's pointer: list items are `/0`)."""
    first = _first_sentence(english)
    if not first:
        return first
    from gba_dataflow.manifests.template_zh import TEXTS  # only for a missing field

    key = "/".join("0" if part.isdigit() else part for part in pointer.split("/"))
    translations = {
        lang: texts["descriptions"][key].split("。")[0]
        for lang, texts in TEXTS.items()
        if key in texts["descriptions"]
    }
    return Given(first, translations) if translations else first


def _type_hint(names: list[str], value: Any) -> str | None:
    if "string" in names and (value is True or value is False):
        return tr("quote it if you mean the text")
    if "integer" in names and isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return tr("write the number without quotes")
    if "integer" in names and isinstance(value, float):
        return tr("write a whole number")
    if "boolean" in names and isinstance(value, str) and value.lower() in ("true", "false"):
        return tr("write true or false without quotes")
    if "array" in names and isinstance(value, dict):
        return tr("write the entries as a list, one `- ` per entry")
    if "object" in names and value is None:
        return tr("fill in its fields, or leave it out if it is optional")
    return None


def _date_words(name: str, value: Any) -> tuple[str, str | None]:
    shown = describe(value)
    if isinstance(value, str) and _LOOKS_LIKE_DATE.fullmatch(value):
        return tr("{name} is not a real calendar date: {found}", name=name, found=shown), tr(
            "check the month and the day"
        )
    if isinstance(value, str) and _LOOKS_LIKE_DATE.match(value):
        return _must_be(name, _A_DATE, shown), tr("write only the date, without a time")
    return _must_be(name, _A_DATE, shown), None
