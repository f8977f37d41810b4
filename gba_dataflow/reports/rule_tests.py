"""Output of `rules test`: one line per case (pytest style), the differences for failures, a summary, and
coverage per rule file with line numbers."""

from __future__ import annotations

import json
from typing import Any

from gba_dataflow.app.rule_tests import ConditionCoverage, Coverage, FileCoverage, TestRun
from gba_dataflow.core.source import display_width

FORMAT_VERSION = 1
_TEXT_WIDTH = 64


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def tests_summary(run: TestRun) -> str:
    """`1 failed, 3 passed (4 cases in 2 files)`."""
    failed = len(run.failed)
    passed = len(run.results) - failed
    parts = [f"{failed} failed"] if failed else []
    parts.append(f"{passed} passed")
    return f"{', '.join(parts)} ({_plural(len(run.results), 'case')} in {_plural(len(run.files), 'file')})"


def render_tests_text(run: TestRun, *, coverage: bool = False) -> str:
    lines: list[str] = []
    current = None
    for result in run.results:
        if result.case.file != current:
            if current is not None:
                lines.append("")
            current = result.case.file
            lines.append(current)
        status = "PASS" if result.passed else "FAIL"
        lines.append(f"  {status} {result.case.name}  (line {result.case.line})")
        lines.extend(f"       {failure}" for failure in result.failures)
    lines += ["", tests_summary(run)]
    if coverage:
        lines += ["", *coverage_lines(run.coverage)]
    return "\n".join(lines) + "\n"


def _short(text: str, width: int = _TEXT_WIDTH) -> str:
    if display_width(text) <= width:
        return text + " " * (width - display_width(text))
    out = ""
    for char in text:
        if display_width(out + char) > width - 1:
            break
        out += char
    return out + "…" + " " * (width - 1 - display_width(out))


def _condition(condition: ConditionCoverage) -> str:
    true = f"✔ true ×{condition.true}" if condition.true else "✘ never true"
    false = f"✔ false ×{condition.false}" if condition.false else "✘ never false"
    return f"{true:<14}  {false}"


def coverage_lines(coverage: Coverage) -> list[str]:
    covered, total = coverage.items()
    lines = [
        f"coverage: {coverage.percent:.1f}% ({covered} of {total} outcomes: each rule firing, each "
        "top-level condition true and false)"
    ]
    for file in coverage.files:
        lines += ["", *_file_lines(file)]
    return lines


def _file_lines(file: FileCoverage) -> list[str]:
    covered, total = file.items()
    lines = [f"{file.path}  {file.percent:.1f}% ({covered} of {total})"]
    if file.applies is not None:
        lines.append(
            f"{file.applies.line:>6}  {_short('applies when', _TEXT_WIDTH + 2)}  {_condition(file.applies)}"
        )
    for rule in file.rules:
        fired = f"✔ fired ×{rule.fired}" if rule.fired else "✘ never fired"
        lines.append(f"{rule.line:>6}  {_short(f'{rule.effect} {rule.id}', _TEXT_WIDTH + 2)}  {fired}")
        for condition in rule.conditions:
            lines.append(f"{condition.line:>6}    {_short(condition.text)}  {_condition(condition)}")
    return lines


def render_tests_json(run: TestRun, *, coverage: bool = False) -> str:
    document: dict[str, Any] = {
        "version": FORMAT_VERSION,
        "files": list(run.files),
        "cases": [
            {
                "file": result.case.file,
                "name": result.case.name,
                "line": result.case.line,
                "status": "pass" if result.passed else "fail",
                "expected": {
                    "decision": result.case.decision,
                    "rules": list(result.case.rules),
                    "not_rules": list(result.case.not_rules),
                    "obligations": list(result.case.obligations),
                    "met": list(result.case.met),
                },
                "decision": result.decision,
                "fired": list(result.fired),
                "obligations": list(result.obligations),
                "met": list(result.met),
                "failures": list(result.failures),
            }
            for result in run.results
        ],
        "summary": {
            "passed": len(run.results) - len(run.failed),
            "failed": len(run.failed),
            "cases": len(run.results),
        },
        "coverage": _coverage_dict(run.coverage) if coverage else None,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _coverage_dict(coverage: Coverage) -> dict[str, Any]:
    covered, total = coverage.items()
    return {
        "percent": round(coverage.percent, 2),
        "covered": covered,
        "total": total,
        "files": [
            {
                "path": file.path,
                "ruleset": file.ruleset,
                "percent": round(file.percent, 2),
                "applies": _condition_dict(file.applies) if file.applies else None,
                "rules": [
                    {
                        "id": rule.id,
                        "effect": rule.effect,
                        "line": rule.line,
                        "fired": rule.fired,
                        "conditions": [_condition_dict(c) for c in rule.conditions],
                    }
                    for rule in file.rules
                ],
            }
            for file in coverage.files
        ],
    }


def _condition_dict(condition: ConditionCoverage) -> dict[str, Any]:
    return {"text": condition.text, "line": condition.line, "true": condition.true, "false": condition.false}
