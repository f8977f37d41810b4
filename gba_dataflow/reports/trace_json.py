"""`explain --format json`: the evaluation trace as one JSON document (deterministic, JSON-native values)."""

from __future__ import annotations

import json
from typing import Any

from gba_dataflow.engine.trace import ExplainTrace, NodeTrace, RulesetTrace, RuleTrace
from gba_dataflow.reports.common import iso_date, to_jsonable
from gba_dataflow.reports.json_report import fact_to_dict

FORMAT_VERSION = 1


def render_trace_json(trace: ExplainTrace) -> str:
    return json.dumps(trace_to_dict(trace), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def trace_to_dict(trace: ExplainTrace) -> dict[str, Any]:
    """`{"version", "manifest", "id", "as_of", "decision", "rule", "rulesets": [...]}`."""
    return {
        "version": FORMAT_VERSION,
        "manifest": trace.manifest,
        "id": trace.result.id,
        "as_of": trace.as_of.isoformat(),
        "decision": trace.result.decision.value,
        "rule": trace.rule_filter,
        "rulesets": [_ruleset(ruleset) for ruleset in trace.rulesets],
    }


def _ruleset(ruleset: RulesetTrace) -> dict[str, Any]:
    return {
        "id": ruleset.id,
        "source": ruleset.source,
        "applies": ruleset.applies,
        "decision": ruleset.decision,
        "applies_condition": _node(ruleset.applies_condition) if ruleset.applies_condition else None,
        "rules": [_rule(rule) for rule in ruleset.rules],
    }


def _rule(rule: RuleTrace) -> dict[str, Any]:
    return {
        "id": rule.id,
        "effect": rule.effect,
        "source": rule.source,
        "effective_from": iso_date(rule.effective_from),
        "effective_until": iso_date(rule.effective_until),
        "active": rule.active,
        "evaluated": rule.evaluated,
        "holds": rule.holds,
        "outcome": rule.outcome,
        "error": rule.error,
        "message": rule.message,
        "citations": list(rule.citations),
        "condition": _node(rule.condition) if rule.condition else None,
        "met": list(rule.met),
    }


def _node(node: NodeTrace) -> dict[str, Any]:
    return {
        "kind": node.kind,
        "text": node.text,
        "line": node.line,
        "value": to_jsonable(node.value),
        "error": node.error,
        "skipped": node.skipped,
        "note": node.note,
        "operands": [{"text": text, "value": to_jsonable(value)} for text, value in node.operands],
        "facts": [fact_to_dict(fact) for fact in node.facts],
        "children": [_node(child) for child in node.children],
    }
