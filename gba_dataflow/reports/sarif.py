"""The `sarif` format: SARIF 2.1.0 for code-scanning tools (GitHub code scanning, GitLab, Azure DevOps).

One run; `tool.driver.rules` holds one reporting descriptor per rule of the rulebook (plus the synthetic
`<ruleset>/default` and `gba-dataflow/no-ruleset` ids and the manifest diagnostic codes the run used);
one result per deny reason (level `error`), warn rule that fired (`warning`), manifest error (`error`) and
manifest warning (`warning`). Results point at the manifest, relative to `%SRCROOT%` (the directory
gba-dataflow ran in), at the line and column of the field that made the rule fire. No timestamps, no
absolute paths for files under that directory, stable order: the same run gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from hashlib import sha256
from pathlib import Path
from typing import Any

from gba_dataflow import __version__
from gba_dataflow.core.codes import CODES
from gba_dataflow.core.errors import Diagnostic, Severity
from gba_dataflow.engine.model import (
    Fact,
    ManifestResult,
    Reason,
    RuleDoc,
    RulesInfo,
    RunResult,
    Verdict,
    Warning,
)
from gba_dataflow.reports.common import format_value, to_jsonable
from gba_dataflow.reports.locations import file_ref, first_position, reason_position, remedy_lines

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
TOOL_NAME = "gba-dataflow"
INFORMATION_URI = "https://gba-dataflow.dev/"
SRCROOT = "%SRCROOT%"
FINGERPRINT = "gbaDataflowResult/v1"

_LEVELS = {"deny": "error", "warn": "warning", "allow": "note"}
_TEMPLATE = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")


def render_sarif(
    run: RunResult, *, exit_code: int, root: Path | None = None, tool_version: str = __version__
) -> str:
    """The SARIF log of a run as indented JSON text with a trailing newline (the bytes of the streamed
    report: `sarif_piece` per manifest, then `sarif_frame` around them)."""
    catalog = Catalog(run.rule_docs)
    pieces = []
    for result in run.results:
        catalog.note(result)
        pieces.append(sarif_piece(result, root))
    head, tail = sarif_frame(
        catalog, run.rules, run.as_of, run.lang, run.counts(), exit_code=exit_code, tool_version=tool_version
    )
    body = "".join(resolve_indexes(piece, catalog) for piece in pieces if piece)
    return head + sarif_results(body) + tail


def sarif_log(
    run: RunResult, *, exit_code: int, root: Path | None = None, tool_version: str = __version__
) -> dict[str, Any]:
    """The SARIF log of a run as a dict. `root` is `%SRCROOT%` (default: the current directory)."""
    log: dict[str, Any] = json.loads(
        render_sarif(run, exit_code=exit_code, root=root, tool_version=tool_version)
    )
    return log


_RESULTS = "\x00results\x00"
_INDEX = "\x00"
_RESULT_INDENT = " " * 8
_INDEX_LINE = re.compile(r'^( *"ruleIndex": )("(?:[^"\\]|\\.)*"),$')


def sarif_piece(result: ManifestResult, root: Path | None) -> str:
    """One manifest's SARIF results as they sit in the document, each preceded by `,\n` (the first one's
    comma is dropped by `sarif_frame`'s caller); empty when it has none. Rule indexes are left as
    placeholders for `resolve_indexes`, since the index of a diagnostic code is known only at the end."""
    parts = []
    for item in _results(result, root):
        text = json.dumps(item, indent=2, ensure_ascii=False, allow_nan=False)
        parts.append(",\n" + _RESULT_INDENT + text.replace("\n", "\n" + _RESULT_INDENT))
    return "".join(parts)


def resolve_indexes(piece: str, catalog: Catalog) -> str:
    """`piece` with each rule-index placeholder replaced by the rule's index in `catalog`."""
    return "\n".join(resolve_line(line, catalog) for line in piece.split("\n"))


def resolve_line(line: str, catalog: Catalog) -> str:
    """One line of a piece, its rule-index placeholder (if it holds one) replaced by the index. JSON text
    holds no raw line break inside a string, so a line that starts with the `ruleIndex` key is one."""
    if '"ruleIndex": "' not in line:
        return line
    match = _INDEX_LINE.match(line)
    if match is None:
        return line
    rule = json.loads(match.group(2))
    if not rule.startswith(_INDEX):
        return line
    return f"{match.group(1)}{catalog.index(rule[1:])},"


def sarif_frame(
    catalog: Catalog,
    rules: RulesInfo,
    as_of: dt.date | None,
    lang: str,
    counts: Mapping[str, int],
    *,
    exit_code: int,
    tool_version: str = __version__,
) -> tuple[str, str]:
    """The document before and after its results. The body between them is the pieces (with their
    indexes resolved) joined, as `sarif_results` writes them."""
    driver = {
        "name": TOOL_NAME,
        "fullName": f"{TOOL_NAME} {tool_version}",
        "version": tool_version,
        "semanticVersion": tool_version,
        "informationUri": INFORMATION_URI,
        "rules": catalog.descriptors(),
    }
    log = {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {"driver": driver},
                "invocations": [{"executionSuccessful": exit_code in (0, 1), "exitCode": exit_code}],
                "originalUriBaseIds": {
                    SRCROOT: {"description": {"text": "The directory gba-dataflow ran in."}}
                },
                "columnKind": "unicodeCodePoints",
                "results": _RESULTS,
                "properties": {
                    "asOf": as_of.isoformat() if as_of else None,
                    "language": lang,
                    "rules": {"paths": list(rules.paths), "digest": rules.digest},
                    "summary": {verdict.value: counts.get(verdict.value, 0) for verdict in Verdict},
                },
            }
        ],
    }
    text = json.dumps(log, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    head, tail = text.split(json.dumps(_RESULTS))
    return head, tail


def sarif_results(body: str) -> str:
    """The `results` array from the pieces (indexes resolved) joined."""
    return f"[{body[1:]}\n      ]" if body else "[]"


# ---- rules ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CatalogRef:
    """A rule id (with what describes it if the rulebook does not) or a diagnostic code a result uses."""

    id: str
    effect: str | None = None  # None: a diagnostic code
    message: str = ""


def catalog_refs(result: ManifestResult) -> tuple[CatalogRef, ...]:
    """What the catalog needs to know of a result: the rule ids and diagnostic codes it uses."""
    refs = [CatalogRef(error.code) for error in result.errors]
    refs += [CatalogRef(reason.rule, reason.effect, reason.rule) for reason in result.reasons]
    for warning in result.warnings:
        if warning.code and not warning.rule:
            refs.append(CatalogRef(warning.code))
        else:
            refs.append(CatalogRef(_warning_id(warning), "warn", warning.message))
    return tuple(refs)


class Catalog:
    """The reporting descriptors: every rule of the run (in rulebook order), any rule id a result uses
    that the run did not describe, then the diagnostic codes the results use (sorted). Built as results
    come (`note`, `add`); its size is bounded by the rules and codes, not by the manifests.
    """

    def __init__(self, rule_docs: Iterable[RuleDoc]) -> None:
        self._rules = {doc.id: doc for doc in rule_docs}
        self._codes: set[str] = set()
        self._index: dict[str, int] | None = None

    def note(self, result: ManifestResult) -> None:
        self.add(catalog_refs(result))

    def add(self, refs: Iterable[CatalogRef]) -> None:
        for ref in refs:
            if ref.effect is None:
                self._codes.add(ref.id)
            elif ref.id not in self._rules:
                self._rules[ref.id] = RuleDoc(id=ref.id, effect=ref.effect, ruleset="", message=ref.message)

    def index(self, rule_id: str) -> int:
        if self._index is None:
            self._index = {descriptor["id"]: number for number, descriptor in enumerate(self.descriptors())}
        return self._index[rule_id]

    def descriptors(self) -> list[dict[str, Any]]:
        descriptors = [_rule_descriptor(doc) for doc in self._rules.values()]
        descriptors += [_code_descriptor(code) for code in sorted(self._codes - self._rules.keys())]
        return descriptors


def _warning_id(warning: Warning) -> str:
    return warning.rule or warning.code or "gba-dataflow/warning"


def _rule_descriptor(doc: RuleDoc) -> dict[str, Any]:
    message = _describe(doc.message)
    remedy = _describe(doc.remedy) if doc.remedy else None
    kind = {"deny": "Deny", "allow": "Allow", "warn": "Warn"}.get(doc.effect, doc.effect)
    text = [message]
    markdown = [
        f"**{kind}** rule `{doc.id}`" + (f" of *{_md(doc.ruleset_title)}*" if doc.ruleset_title else ""),
        "",
    ]
    markdown.append(_md(message))
    if doc.citations:
        text.append("Cites: " + "; ".join(doc.citations) + ".")
        markdown += ["", "**Cites**", "", *(f"- {_md(cite)}" for cite in doc.citations)]
    if doc.requires:
        text.append("Must still be done: " + " ".join(_describe(item) for item in doc.requires))
        markdown += [
            "",
            "**Must still be done**",
            "",
            *(f"- {_md(_describe(item))}" for item in doc.requires),
        ]
    if doc.mets:
        text.append("Already met when it holds: " + " ".join(_describe(item) for item in doc.mets))
        markdown += [
            "",
            "**Already met when it holds**",
            "",
            *(f"- {_md(_describe(item))}" for item in doc.mets),
        ]
    if remedy:
        text.append(f"To fix: {remedy}")
        markdown += ["", f"**To fix**: {_md(remedy)}"]
    window = _window(doc)
    details = [f"Effective {window}."] if window != "always" else []
    if doc.source:
        details.append(f"Source: {doc.source}.")
    if details:
        text.append(" ".join(details))
        markdown += ["", " ".join(_md(detail) for detail in details)]
    return {
        "id": doc.id,
        "name": doc.id.rsplit("/", 1)[-1],
        "shortDescription": {"text": _sarif_text(_first_sentence(message))},
        "fullDescription": {"text": _sarif_text(message)},
        "help": {"text": _sarif_text("\n".join(text)), "markdown": _sarif_text("\n".join(markdown))},
        "defaultConfiguration": {"level": _LEVELS.get(doc.effect, "error")},
        "properties": {
            "effect": doc.effect,
            "ruleset": doc.ruleset,
            "citations": list(doc.citations),
            "remedy": remedy,
            "window": window,
            "effective_from": doc.effective_from.isoformat() if doc.effective_from else None,
            "effective_until": doc.effective_until.isoformat() if doc.effective_until else None,
            "source": doc.source,
            "tags": _tags(["gba-dataflow", doc.ruleset, doc.effect]),
        },
    }


def _code_descriptor(code: str) -> dict[str, Any]:
    known = CODES.get(code)
    summary = known.summary if known else "a diagnostic of gba-dataflow"
    sentence = summary[:1].upper() + summary[1:] + "."
    explanation = known.explanation if known and known.explanation else sentence
    level = "warning" if known and known.severity is Severity.WARNING else "error"
    more = f"See `gba-dataflow rules explain-code {code}`."
    markdown = [_md(explanation)]
    for title, example in (("Bad", known.bad if known else ""), ("Good", known.good if known else "")):
        if example:
            markdown += [f"**{title}**", f"```yaml\n{example}\n```"]
    return {
        "id": code,
        "name": known.name if known else code,
        "shortDescription": {"text": _sarif_text(sentence)},
        "fullDescription": {"text": _sarif_text(explanation)},
        "help": {
            "text": _sarif_text(f"{explanation}\n\n{more}"),
            "markdown": _sarif_text("\n\n".join([*markdown, more])),
        },
        "defaultConfiguration": {"level": level},
        "properties": {"tags": _tags(["gba-dataflow", "diagnostic"])},
    }


def _window(doc: RuleDoc) -> str:
    start = doc.effective_from.isoformat() if doc.effective_from else None
    end = doc.effective_until.isoformat() if doc.effective_until else None
    if start and end:
        return f"from {start} until {end}"
    if start:
        return f"from {start}"
    return f"until {end}" if end else "always"


def _tags(items: list[str]) -> list[str]:
    return list(dict.fromkeys(item for item in items if item))


def _describe(template: str) -> str:
    """A message template as written (`{f.name} is ...`), its placeholders shown as `<f.name>`."""

    def replace(match: re.Match[str]) -> str:
        whole = match.group(0)
        if whole in ("{{", "}}"):
            return whole[0]
        return f"<{match.group(1)}>"

    return _TEMPLATE.sub(replace, template)


def _first_sentence(text: str) -> str:
    match = re.search(r"(?<=[.!?。])\s", text)
    return text[: match.start()] if match else text


# ---- results -------------------------------------------------------------------------------------


def _results(result: ManifestResult, root: Path | None) -> Iterator[dict[str, Any]]:
    for error in result.errors:
        yield _diagnostic_result(error, result, root)
    if result.decision is Verdict.DENY or result.waivers:
        for reason in result.reasons:
            if reason.effect == "deny":
                yield _reason_result(reason, result, root)
    for warning in result.warnings:
        yield _warning_result(warning, result, root)


def _reason_result(reason: Reason, result: ManifestResult, root: Path | None) -> dict[str, Any]:
    line, column = reason_position(result, reason.rule, reason.facts)
    remedies = remedy_lines(result, reason.rule)
    found = _result(
        rule=reason.rule,
        level="error",
        message="\n".join([_message(reason.message, reason.citations), *remedies]),
        location=_location(result.manifest, line, column, root),
        related=_related(reason.facts, result.manifest, root),
        properties={
            "decision": result.decision.value,
            "manifestId": result.id,
            "citations": list(reason.citations),
            "facts": [_fact(fact) for fact in reason.facts],
            "remedies": remedies,
            "source": reason.source,
        },
        fingerprint=(reason.rule, result.manifest, *(fact.path for fact in reason.facts)),
    )
    if reason.waived_by:  # a governed waiver: SARIF's own way to say "accepted, do not show as open"
        found["suppressions"] = [
            {"kind": "external", "status": "accepted", "justification": f"waived by {reason.waived_by}"}
        ]
    return found


def _warning_result(warning: Warning, result: ManifestResult, root: Path | None) -> dict[str, Any]:
    rule = _warning_id(warning)
    if warning.rule:
        line, column = first_position(warning.facts) or (1, 1)
    else:
        line, column = warning.line or 1, warning.column or 1
    properties: dict[str, Any] = {"decision": result.decision.value, "manifestId": result.id}
    if warning.rule:
        properties |= {"citations": list(warning.citations), "facts": [_fact(fact) for fact in warning.facts]}
    if warning.json_path is not None:
        properties["jsonPath"] = warning.json_path
    return _result(
        rule=rule,
        level="warning",
        message=_message(warning.message, warning.citations),
        location=_location(result.manifest, line, column, root),
        related=_related(warning.facts, result.manifest, root),
        properties=properties,
        fingerprint=(rule, result.manifest, warning.json_path or "", *(fact.path for fact in warning.facts)),
    )


def _diagnostic_result(error: Diagnostic, result: ManifestResult, root: Path | None) -> dict[str, Any]:
    text = error.message + (f" (hint: {error.hint})" if error.hint else "")
    properties: dict[str, Any] = {"decision": result.decision.value, "manifestId": result.id}
    if error.json_path is not None:
        properties["jsonPath"] = error.json_path
    if error.notes:
        properties["notes"] = list(error.notes)
    return _result(
        rule=error.code,
        level="warning" if error.severity is Severity.WARNING else "error",
        message=text,
        location=_location(error.path or result.manifest, error.line or 1, error.column or 1, root),
        related=[],
        properties=properties,
        fingerprint=(error.code, result.manifest, error.json_path or "", error.message),
    )


def _result(
    *,
    rule: str,
    level: str,
    message: str,
    location: dict[str, Any],
    related: list[dict[str, Any]],
    properties: dict[str, Any],
    fingerprint: tuple[str, ...],
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ruleId": rule,
        "ruleIndex": _INDEX + rule,  # resolved by `resolve_indexes`
        "level": level,
        "message": {"text": _sarif_text(message)},
        "locations": [location],
    }
    if related:
        out["relatedLocations"] = related
    digest = sha256("\0".join(fingerprint).encode("utf-8")).hexdigest()
    out["partialFingerprints"] = {FINGERPRINT: digest[:32]}
    out["properties"] = properties
    return out


def _message(text: str, citations: tuple[str, ...]) -> str:
    return f"{text} ({'; '.join(citations)})" if citations else text


def _location(path: str, line: int, column: int, root: Path | None) -> dict[str, Any]:
    ref = file_ref(path, root)
    artifact: dict[str, Any] = {"uri": ref.uri}
    if ref.relative:
        artifact["uriBaseId"] = SRCROOT
    region = {"startLine": max(line, 1), "startColumn": max(column, 1)}
    return {"physicalLocation": {"artifactLocation": artifact, "region": region}}


def _related(facts: tuple[Fact, ...], manifest: str, root: Path | None) -> list[dict[str, Any]]:
    related: list[dict[str, Any]] = []
    for fact in facts:
        if fact.line is None:
            continue
        location = _location(manifest, fact.line, fact.column or 1, root)
        location["id"] = len(related) + 1
        location["message"] = {"text": _sarif_text(f"{fact.path} = {format_value(fact.value)}")}
        related.append(location)
    return related


def _fact(fact: Fact) -> dict[str, Any]:
    """A fact in a result's properties, with where its value came from (design §3.10)."""
    return {
        "path": fact.path,
        "value": to_jsonable(fact.value),
        "line": fact.line,
        "column": fact.column,
        "provenance": fact.provenance,
        "provenanceNote": fact.provenance_note,
    }


def _sarif_text(text: str) -> str:
    """SARIF message text: literal braces are doubled (SARIF 2.1.0 §3.11.5)."""
    return text.replace("{", "{{").replace("}", "}}")


def _md(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>|~#])", r"\\\1", text)
