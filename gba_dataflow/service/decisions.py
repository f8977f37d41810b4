"""What the check endpoints do, free of HTTP: read the options, load the manifests, decide, render.

The response body of a check is the `check --format json` document (design §7) of the manifests of the
request, made by the same functions as the CLI's report, so a manifest decided over HTTP and on the command
line gives the same bytes (given the same name, rules and options).

Messages and hints of errors stay English in that document: programs read it, and key on the stable codes.
A client that shows them to a person (the service's own web page) asks `localized=true`: each error, and
each warning, then also carries `localized`, its texts in the request's `lang`; nothing else changes.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import orjson

from gba_dataflow.core.errors import Diagnostic, ManifestError, UsageError
from gba_dataflow.core.i18n import localize, localize_optional, tr
from gba_dataflow.engine.evaluate import error_result, evaluate_manifest
from gba_dataflow.engine.model import ManifestResult, RulesInfo, Verdict
from gba_dataflow.engine.rulebook import Rulebook
from gba_dataflow.manifests import DEFAULT_MAX_BYTES, LoadedManifest, load_manifest_bytes
from gba_dataflow.reports.json_report import json_head, json_results, json_tail, result_line, result_to_dict
from gba_dataflow.service.rules_state import LANGUAGES

Syntax = Literal["yaml", "json"]
DEFAULT_NAME = "<request>"
"""How a manifest is named in results when the request gives no `name`."""
MAX_NAME = 200
BATCH_EXAMPLE = '{"manifests": [{"name": "a.yaml", "content": "apiVersion: gba-dataflow/v1 ..."}]}'
"""The shape of a batch, as the hint of a malformed one shows it."""

CHECK_PARAMETERS = ("as_of", "lang", "record", "name", "localized")
BATCH_PARAMETERS = ("as_of", "lang", "localized")

Evaluate = Callable[[Rulebook, LoadedManifest, dt.date | None, str, bool], ManifestResult]
"""Decide one loaded manifest: (rulebook, manifest, as_of, lang, record) -> result."""


@dataclass(frozen=True, slots=True)
class CheckOptions:
    """The query parameters of a check, validated."""

    as_of: dt.date | None = None
    lang: str = "en"
    record: bool = False
    name: str = DEFAULT_NAME
    localized: bool = False
    """Errors and warnings also carry their texts in `lang` (`localized`), for a page that shows them."""

    @property
    def localized_lang(self) -> str | None:
        """The language of the `localized` texts, or None when they were not asked for."""
        return self.lang if self.localized else None


@dataclass(frozen=True, slots=True)
class ManifestInput:
    """One manifest of a request, not yet loaded."""

    name: str
    raw: bytes
    syntax: Syntax | None


def bad_request(message: str, hint: str, json_path: str | None = None) -> UsageError:
    """An E520: the request is not in the shape the endpoint takes (`message` and `hint` are phrases)."""
    return UsageError(message, code="E520", hint=hint, json_path=json_path)


def parse_options(query: Sequence[tuple[str, str]], allowed: Sequence[str]) -> CheckOptions:
    """The check options of a query string; an unknown, repeated or bad parameter is an error (E520/E501)."""
    seen: dict[str, str] = {}
    for key, value in query:
        if key not in allowed:
            raise bad_request(
                tr("unknown query parameter `{key}`", key=key),
                tr("this endpoint takes: {parameters}", parameters=", ".join(allowed)),
            )
        if key in seen:
            raise bad_request(tr("query parameter `{key}` is given twice", key=key), tr("give it once"))
        seen[key] = value
    as_of = seen.get("as_of")
    day = None
    if as_of is not None:
        try:
            day = dt.date.fromisoformat(as_of) if len(as_of) == 10 else None
        except ValueError:
            day = None
        if day is None:
            raise UsageError(
                tr("as_of `{value}` is not a date", value=as_of),
                code="E501",
                hint=tr("write it as YYYY-MM-DD, e.g. 2026-12-01"),
            )
    lang = seen.get("lang", "en")
    if lang not in LANGUAGES:
        raise UsageError(
            tr("lang `{value}` is not one of {languages}", value=lang, languages=", ".join(LANGUAGES)),
            code="E501",
            hint=tr("choose one of: {languages}", languages=", ".join(LANGUAGES)),
        )
    name = _name(seen.get("name", DEFAULT_NAME), "name")
    return CheckOptions(day, lang, _flag(seen, "record"), name, _flag(seen, "localized"))


def _flag(seen: dict[str, str], parameter: str) -> bool:
    text = seen.get(parameter, "false")
    if text not in ("true", "false"):
        raise UsageError(
            tr("{parameter} `{value}` is not true or false", parameter=parameter, value=text),
            code="E501",
            hint=tr("{parameter}=true", parameter=parameter),
        )
    return text == "true"


def localized_language(query: Sequence[tuple[str, str]]) -> str | None:
    """The language of the `localized` texts a request asks for (`localized=true`), read from the raw query
    so that a request refused for its query still gets them: its `lang`, English when that is not one of
    the languages, None when `localized=true` is not asked."""
    values = dict(query)
    if values.get("localized") != "true":
        return None
    lang = values.get("lang", "en")
    return lang if lang in LANGUAGES else "en"


def _name(value: Any, where: str, json_path: str | None = None) -> str:
    if not isinstance(value, str) or not value or len(value) > MAX_NAME or not value.isprintable():
        raise bad_request(
            tr(
                "`{field}` must be a printable text of 1 to {maximum} characters",
                field=where,
                maximum=MAX_NAME,
            ),
            tr("name the manifest as its file is named, e.g. transfer.yaml"),
            json_path,
        )
    return value


def syntax_of(content_type: str | None) -> Syntax | None:
    """YAML or JSON by the media type of the body; None (decided by the content) for text/plain or none.

    Raises E520 for another media type."""
    media = (content_type or "").split(";")[0].strip().lower()
    if media in ("application/json",) or media.endswith("+json"):
        return "json"
    if media in ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"):
        return "yaml"
    if media in ("", "text/plain", "application/octet-stream"):
        return None
    raise bad_request(
        tr("media type `{media}` is not a manifest", media=media),
        tr("send the manifest as application/yaml, application/json or text/plain"),
    )


def plain_evaluate(
    rulebook: Rulebook, manifest: LoadedManifest, as_of: dt.date | None, lang: str, record: bool
) -> ManifestResult:
    """Decide without a ledger (`record` is always False here: the app refuses it first)."""
    return evaluate_manifest(rulebook, manifest, as_of=as_of, lang=lang)


def decide(
    rulebook: Rulebook, item: ManifestInput, options: CheckOptions, evaluate: Evaluate
) -> ManifestResult:
    """Load and decide one manifest; a manifest that does not load gives an `error` result, never raises."""
    try:
        manifest = load_manifest_bytes(item.raw, item.name, syntax=item.syntax)
    except ManifestError as error:
        return error_result(item.name, error.diagnostics)
    return evaluate(rulebook, manifest, options.as_of, options.lang, options.record)


def too_large(name: str, limit: int = DEFAULT_MAX_BYTES) -> ManifestResult:
    """The result of a manifest over the size limit: the loader's own E402."""
    try:
        load_manifest_bytes(b" " * (limit + 1), name, max_bytes=limit)
    except ManifestError as error:
        return error_result(name, error.diagnostics)
    raise AssertionError("the loader accepted a manifest over its limit")  # pragma: no cover


def render_document(
    info: RulesInfo, as_of: dt.date | None, results: Sequence[ManifestResult], localized: str | None = None
) -> str:
    """The §7 JSON document of these results, byte for byte as `check --format json` writes it; with
    `localized` (a language), each error and warning also carries its texts in that language."""
    counts = {verdict.value: 0 for verdict in Verdict}
    for result in results:
        counts[result.decision.value] += 1
    if localized is None:
        lines = [result_line(result) for result in results]
    else:
        lines = [_localized_line(result, localized) for result in results]
    return json_head(info, as_of) + json_results(lines) + json_tail(counts, bool(lines))


def localized_texts(diagnostic: Diagnostic, lang: str) -> dict[str, Any]:
    """A diagnostic's message, hint and notes in `lang` (as written when a text has no translation)."""
    return {
        "message": localize(diagnostic.message, lang),
        "hint": localize_optional(diagnostic.hint, lang),
        "notes": [localize(note, lang) for note in diagnostic.notes],
    }


def _localized_line(result: ManifestResult, lang: str) -> str:
    document = result_to_dict(result)
    for entry, diagnostic in zip(document["errors"], result.errors, strict=True):
        entry["localized"] = localized_texts(diagnostic, lang)
    for entry, warning in zip(document["warnings"], result.warnings, strict=True):
        entry["localized"] = {"message": localize(warning.message, lang)}
    try:
        return orjson.dumps(document).decode("utf-8")
    except orjson.JSONEncodeError:  # an integer beyond 64 bits in a manifest: as the JSON report does
        return json.dumps(document, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def parse_batch(raw: bytes, max_batch: int) -> list[ManifestInput]:
    """The manifests of a batch body: `{"manifests": [{"name", "content" | "manifest"}, ...]}`.

    A malformed envelope is an E520 naming the JSON path of the problem; a manifest inside it that is
    malformed is that manifest's own `error` result, decided with the others."""
    try:
        document = json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicates)
    except UnicodeDecodeError:
        raise bad_request(tr("the batch is not UTF-8 text"), tr("send the batch as UTF-8 JSON")) from None
    except _DuplicateKeyError as error:
        raise bad_request(
            tr("the batch repeats the key `{key}`", key=error.key), tr("give each key once")
        ) from None
    except ValueError as error:
        raise bad_request(
            tr("the batch is not JSON: {detail}", detail=str(error)), tr("send a JSON object")
        ) from None
    if not isinstance(document, dict) or not isinstance(document.get("manifests"), list):
        raise bad_request(
            tr('the batch must be a JSON object with a list "manifests"'),
            tr(
                "{batch_example}",
                batch_example=BATCH_EXAMPLE,
            ),
            "",
        )
    extra = sorted(set(document) - {"manifests"})
    if extra:
        raise bad_request(
            tr("unknown key `{key}` in the batch", key=extra[0]), tr('the batch holds only "manifests"'), ""
        )
    entries: list[Any] = document["manifests"]
    if len(entries) > max_batch:
        raise UsageError(
            tr(
                "the batch holds {count:,} manifests, more than the limit of {limit:,}",
                count=len(entries),
                limit=max_batch,
            ),
            code="E521",
            hint=tr("split it into smaller batches"),
            json_path="/manifests",
        )
    return [_batch_entry(entry, index) for index, entry in enumerate(entries)]


def _batch_entry(entry: Any, index: int) -> ManifestInput:
    path = f"/manifests/{index}"
    hint = tr(
        "each entry is {text} or {manifest}",
        text='{"name": "a.yaml", "content": "<YAML or JSON text>"}',
        manifest='{"name": "a.json", "manifest": {...}}',
    )
    if not isinstance(entry, dict):
        raise bad_request(tr("entry {index} of the batch is not an object", index=index), hint, path)
    unknown = sorted(set(entry) - {"name", "content", "manifest"})
    if unknown:
        raise bad_request(
            tr("unknown key `{key}` in entry {index} of the batch", key=unknown[0], index=index), hint, path
        )
    name = _name(entry.get("name", f"<batch>/{index}"), f"manifests[{index}].name", path + "/name")
    if ("content" in entry) == ("manifest" in entry):
        raise bad_request(
            tr("entry {index} of the batch needs exactly one of `content` and `manifest`", index=index),
            hint,
            path,
        )
    if "content" in entry:
        content = entry["content"]
        if not isinstance(content, str):
            raise bad_request(
                tr("`content` of entry {index} is not a text", index=index), hint, path + "/content"
            )
        return ManifestInput(name, content.encode("utf-8"), None)
    text = json.dumps(entry["manifest"], indent=2, ensure_ascii=False)
    return ManifestInput(name, text.encode("utf-8"), "json")


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _DuplicateKeyError(key)
        found[key] = value
    return found


def error_document(diagnostics: Sequence[Diagnostic], localized: str | None = None) -> dict[str, Any]:
    """The body of a refused request: `{"errors": [{code, message, path, line, column, ...}]}`; with
    `localized` (a language), each error also carries its texts in that language."""
    errors = [diagnostic.to_dict() for diagnostic in diagnostics]
    if localized is not None:
        for entry, diagnostic in zip(errors, diagnostics, strict=True):
            entry["localized"] = localized_texts(diagnostic, localized)
    return {"errors": errors}


def status_for(results: Sequence[ManifestResult]) -> int:
    """The HTTP status of a check: as the CLI's exit code, errors dominate (422, or 413 for a manifest
    over the size limit); allow and deny are both decisions (200)."""
    errors = [result for result in results if result.decision is Verdict.ERROR]
    if not errors:
        return 200
    if len(results) == 1 and any(d.code == "E402" for d in errors[0].errors):
        return 413
    return 422
