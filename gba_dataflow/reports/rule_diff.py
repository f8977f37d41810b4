"""Output of `rules diff`: rules added, removed and changed, then every decision that changes."""

from __future__ import annotations

import json
from typing import Any

from gba_dataflow.app.rules_diff import DecisionChange, DiffRun, RuleChange
from gba_dataflow.engine.model import RulesInfo

FORMAT_VERSION = 1
_SIGNS = {"added": "+", "removed": "-", "changed": "~"}


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _change_line(change: RuleChange) -> str:
    what = f"{change.id} (ruleset)" if change.scope == "ruleset" else change.id
    detail = f": {', '.join(change.fields)}" if change.fields else ""
    return f"  {_SIGNS[change.kind]} {what}{detail}"


def _decision_lines(change: DecisionChange) -> list[str]:
    flag = "⚠ LOOSENING  " if change.loosening else ""
    lines = [f"  {flag}{change.manifest}  {change.old.upper()} → {change.new.upper()}"]
    if change.now_fire:
        lines.append(f"      now fires: {', '.join(change.now_fire)}")
    if change.no_longer_fire:
        lines.append(f"      no longer fires: {', '.join(change.no_longer_fire)}")
    if not change.now_fire and not change.no_longer_fire:
        lines.append("      no rule fires differently: a ruleset's `applies when` or default changed")
    return lines


def render_diff_text(run: DiffRun) -> str:
    counts = {
        kind: sum(1 for c in run.changes if c.kind == kind and c.scope == "rule")
        for kind in ("added", "removed", "changed")
    }
    lines = [f"rules: {counts['added']} added, {counts['removed']} removed, {counts['changed']} changed"]
    lines += [_change_line(change) for change in run.changes]
    loosened = len(run.loosenings)
    lines += [
        "",
        f"decisions: {len(run.decisions)} of {_plural(run.manifests, 'manifest')} change"
        + (f" ({loosened} loosening)" if loosened else ""),
    ]
    for change in run.decisions:
        lines += _decision_lines(change)
    if run.errors:
        lines += [
            "",
            f"{_plural(len(run.errors), 'error')} (manifests that could not be loaded were skipped):",
        ]
        lines += ["  " + line for error in run.errors for line in error.render().splitlines()]
    return "\n".join(lines) + "\n"


def _rules(info: RulesInfo) -> dict[str, Any]:
    return {"paths": list(info.paths), "digest": info.digest}


def render_diff_json(run: DiffRun) -> str:
    document = {
        "version": FORMAT_VERSION,
        "old": _rules(run.old),
        "new": _rules(run.new),
        "changes": [
            {"id": c.id, "kind": c.kind, "scope": c.scope, "fields": list(c.fields)} for c in run.changes
        ],
        "decisions": [
            {
                "manifest": change.manifest,
                "id": change.id,
                "old": change.old,
                "new": change.new,
                "loosening": change.loosening,
                "now_fire": list(change.now_fire),
                "no_longer_fire": list(change.no_longer_fire),
            }
            for change in run.decisions
        ],
        "summary": {
            "manifests": run.manifests,
            "changed": len(run.decisions),
            "loosening": len(run.loosenings),
            "errors": len(run.errors),
        },
        "errors": [error.to_dict() for error in run.errors],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
