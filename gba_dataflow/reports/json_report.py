"""The `json` format (design §7, a contract): one document per run, described by schemas/decision.schema.json.

Keys keep the contract's order (never sorted), values are JSON-native (dates as ISO strings) and the same run
always renders to the same bytes. The document is laid out with one result per line, written compactly by
orjson (a tenth of the standard library's cost, which mattered for large batches): the file stays readable
and diff-friendly, and a large batch can be written as it is decided (`stream_*`), so memory stays flat in
the number of manifests.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

import orjson

from gba_dataflow.engine.model import (
    Fact,
    FailedCondition,
    ManifestResult,
    Obligation,
    Reason,
    Remedy,
    Route,
    RulesetOutcome,
    RulesInfo,
    RunResult,
    Verdict,
    Warning,
)
from gba_dataflow.reports.common import iso_date, to_jsonable

FORMAT_VERSION = 1


def render_json(run: RunResult) -> str:
    """Render a run as the contract JSON document (one result per line), with a trailing newline."""
    lines = [result_line(result) for result in run.results]
    return json_head(run.rules, run.as_of) + json_results(lines) + json_tail(run.counts(), bool(lines))


def json_head(rules: RulesInfo, as_of: dt.date | None) -> str:
    """The document up to the opening of `results`."""
    rules_info = {"paths": list(rules.paths), "digest": rules.digest}
    return (
        "{\n"
        f'  "version": {FORMAT_VERSION},\n'
        f'  "as_of": {_dumps(iso_date(as_of))},\n'
        f'  "rules": {_dumps(rules_info)},\n'
        '  "results": ['
    )


def json_results(lines: list[str]) -> str:
    """The `results` entries between `json_head` and `json_tail`."""
    return "".join(json_separator(index) + line for index, line in enumerate(lines))


def json_separator(index: int) -> str:
    """What goes before the result at `index` (0-based)."""
    return "\n    " if index == 0 else ",\n    "


def json_tail(counts: Mapping[str, int], any_results: bool = True) -> str:
    """The document from the closing of `results` to the end."""
    summary = {verdict.value: counts.get(verdict.value, 0) for verdict in Verdict}
    close = "\n  ]" if any_results else "]"
    return f'{close},\n  "summary": {_dumps(summary)}\n}}\n'


def result_line(result: ManifestResult) -> str:
    """One result as a single line of JSON."""
    return _dumps(result_to_dict(result))


def _dumps(value: Any) -> str:
    try:
        return orjson.dumps(value).decode("utf-8")
    except (
        orjson.JSONEncodeError
    ):  # an integer beyond 64 bits in a manifest: the standard library, same layout
        return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def run_to_dict(run: RunResult) -> dict[str, Any]:
    """The whole JSON document of a run as a dict (`version`, `as_of`, `rules`, `results`, `summary`)."""
    counts = run.counts()
    return {
        "version": FORMAT_VERSION,
        "as_of": iso_date(run.as_of),
        "rules": {"paths": list(run.rules.paths), "digest": run.rules.digest},
        "results": [result_to_dict(result) for result in run.results],
        "summary": {verdict.value: counts[verdict.value] for verdict in Verdict},
    }


def result_to_dict(result: ManifestResult) -> dict[str, Any]:
    """One manifest's result in the contract shape; reused by other formats and the audit log."""
    return {
        "manifest": result.manifest,
        "id": result.id,
        "route": _route(result.route),
        "decision": result.decision.value,
        "as_of": iso_date(result.as_of),
        "reasons": [_reason(reason) for reason in result.reasons],
        "obligations": [_obligation(obligation) for obligation in result.obligations],
        "warnings": [_warning(warning) for warning in result.warnings],
        "remedies": [_remedy(remedy) for remedy in result.remedies],
        "rulesets": [_ruleset(outcome) for outcome in result.rulesets],
        "errors": [diagnostic.to_dict() for diagnostic in result.errors],
        "waivers": list(result.waivers),
    }


def _route(route: Route) -> dict[str, Any]:
    return {
        "origin": route.origin,
        "destination": route.destination,
        "origin_city": route.origin_city,
        "destination_city": route.destination_city,
    }


def fact_to_dict(fact: Fact) -> dict[str, Any]:
    """A fact in the contract shape (path, pointer, value, line, column), with where its value came from
    (`provenance`, `provenance_note`); shared by the JSON formats."""
    return {
        "path": fact.path,
        "pointer": fact.pointer,
        "value": to_jsonable(fact.value),
        "line": fact.line,
        "column": fact.column,
        "provenance": fact.provenance,
        "provenance_note": fact.provenance_note,
    }


def _facts(facts: tuple[Fact, ...]) -> list[dict[str, Any]]:
    return [fact_to_dict(fact) for fact in facts]


def _reason(reason: Reason) -> dict[str, Any]:
    return {
        "rule": reason.rule,
        "effect": reason.effect,
        "message": reason.message,
        "citations": list(reason.citations),
        "facts": _facts(reason.facts),
        "source": reason.source,
        "waived_by": reason.waived_by,
    }


def _obligation(obligation: Obligation) -> dict[str, Any]:
    return {"rule": obligation.rule, "text": obligation.text, "status": obligation.status.value}


def _warning(warning: Warning) -> dict[str, Any]:
    return {
        "rule": warning.rule,
        "code": warning.code,
        "message": warning.message,
        "citations": list(warning.citations),
        "facts": _facts(warning.facts),
        "source": warning.source,
        "json_path": warning.json_path,
        "line": warning.line,
        "column": warning.column,
    }


def _remedy(remedy: Remedy) -> dict[str, Any]:
    return {
        "rule": remedy.rule,
        "kind": remedy.kind,
        "text": remedy.text,
        "failed_conditions": [_failed_condition(failed) for failed in remedy.failed_conditions],
    }


def _failed_condition(failed: FailedCondition) -> dict[str, Any]:
    return {"condition": failed.condition, "suggestion": failed.suggestion, "facts": _facts(failed.facts)}


def _ruleset(outcome: RulesetOutcome) -> dict[str, Any]:
    return {"id": outcome.id, "applies": outcome.applies, "decision": outcome.decision}
