"""Output of `rules test`: one line per case (pytest style), the differences for failures, a summary, and
coverage per rule file with line numbers."""

from __future__ import annotations

import json
from typing import Any

from gba_dataflow.app.rule_tests import ConditionCoverage, Coverage, FileCoverage, TestRun
from gba_dataflow.core.i18n import localize
from gba_dataflow.core.source import display_width
from gba_dataflow.reports.labels import label

FORMAT_VERSION = 1
_TEXT_WIDTH = 64


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def tests_summary(run: TestRun, lang: str = "en") -> str:
    """`1 failed, 3 passed (4 cases in 2 files)`, in `lang`."""
    failed = len(run.failed)
    passed = len(run.results) - failed
    if lang != "en":
        counts = {"passed": passed, "cases": len(run.results), "files": len(run.files)}
        return label(lang, "tests_summary_failed" if failed else "tests_summary", failed=failed, **counts)
    parts = [f"{failed} failed"] if failed else []
    parts.append(f"{passed} passed")
    return f"{', '.join(parts)} ({_plural(len(run.results), 'case')} in {_plural(len(run.files), 'file')})"


def threshold_message(percent: float, threshold: float, lang: str = "en") -> str:
    """`coverage 80.0% is under the threshold of 90%`, in `lang`."""
    return label(lang, "tests_threshold", percent=f"{percent:.1f}", threshold=f"{threshold:g}")


def render_tests_text(run: TestRun, *, coverage: bool = False, lang: str = "en") -> str:
    """Each case's PASS or FAIL line (grouped by file) and a failure's differences, the summary, and with
    `coverage` the coverage table; gba-dataflow's words in `lang` (the rules' conditions as written)."""
    if lang != "en":
        return _render_tests_text_in(run, coverage, lang)
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


def _render_tests_text_in(run: TestRun, coverage: bool, lang: str) -> str:
    lines: list[str] = []
    current = None
    for result in run.results:
        if result.case.file != current:
            if current is not None:
                lines.append("")
            current = result.case.file
            lines.append(current)
        status = label(lang, "tests_pass" if result.passed else "tests_fail")
        lines.append(f"  {status} {result.case.name}{label(lang, 'line', line=result.case.line)}")
        lines.extend(f"       {localize(failure, lang)}" for failure in result.failures)
    lines += ["", tests_summary(run, lang)]
    if coverage:
        lines += ["", *coverage_lines(run.coverage, lang)]
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


def _condition(condition: ConditionCoverage, lang: str = "en") -> str:
    if lang != "en":
        true = _count(lang, "cov_true", "cov_never_true", condition.true)
        false = _count(lang, "cov_false", "cov_never_false", condition.false)
        return f"{true}{' ' * max(0, 14 - display_width(true))}  {false}"
    true = f"✔ true ×{condition.true}" if condition.true else "✘ never true"
    false = f"✔ false ×{condition.false}" if condition.false else "✘ never false"
    return f"{true:<14}  {false}"


def _count(lang: str, key: str, never: str, count: int) -> str:
    """`✔ fired ×3`, or `✘ never fired` for a count of 0, in `lang`."""
    return label(lang, key, count=count) if count else label(lang, never)


def coverage_lines(coverage: Coverage, lang: str = "en") -> list[str]:
    """The coverage table: its total, then each rule file's rules and conditions with their line numbers."""
    covered, total = coverage.items()
    if lang != "en":
        percent = f"{coverage.percent:.1f}"
        lines = [label(lang, "cov_total", percent=percent, covered=covered, total=total)]
    else:
        lines = [
            f"coverage: {coverage.percent:.1f}% ({covered} of {total} outcomes: each rule firing, each "
            "top-level condition true and false)"
        ]
    for file in coverage.files:
        lines += ["", *_file_lines(file, lang)]
    return lines


def _file_lines(file: FileCoverage, lang: str = "en") -> list[str]:
    covered, total = file.items()
    if lang != "en":
        share = label(lang, "cov_file", percent=f"{file.percent:.1f}", covered=covered, total=total)
        lines = [f"{file.path}  {share}"]
    else:
        lines = [f"{file.path}  {file.percent:.1f}% ({covered} of {total})"]
    if file.applies is not None:
        applies = "applies when" if lang == "en" else label(lang, "applies_when").strip()
        lines.append(
            f"{file.applies.line:>6}  {_short(applies, _TEXT_WIDTH + 2)}  {_condition(file.applies, lang)}"
        )
    for rule in file.rules:
        if lang == "en":
            fired = f"✔ fired ×{rule.fired}" if rule.fired else "✘ never fired"
            effect = rule.effect
        else:
            fired = _count(lang, "cov_fired", "cov_never_fired", rule.fired)
            effect = label(lang, f"effect_{rule.effect}")
        lines.append(f"{rule.line:>6}  {_short(f'{effect} {rule.id}', _TEXT_WIDTH + 2)}  {fired}")
        for condition in rule.conditions:
            lines.append(f"{condition.line:>6}    {_short(condition.text)}  {_condition(condition, lang)}")
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
