"""The architecture refactor (issue 18) keeps every decision byte-identical: for every example manifest and
every rule-test case, the JSON result (decision, reasons, facts, obligations, warnings, remedies), the text
report in each language and the facts the rule-test runner sees are compared with a golden file written by
the engine before the refactor.

A deliberate change of output (a new fact field, a reworded remedy) updates the golden with
`UPDATE_GOLDEN=1 pytest tests/engine/test_equivalence.py`; the diff is reviewed like any other.
"""

from __future__ import annotations

import os
from pathlib import Path

from gba_dataflow.app.rule_tests import _load_case_manifest, read_cases, run_case, run_rule_tests
from gba_dataflow.engine.evaluate import evaluate_manifest
from gba_dataflow.engine.model import RulesInfo, RunResult
from gba_dataflow.engine.rulebook import load_rulebook
from gba_dataflow.manifests import load_manifest
from gba_dataflow.reports.json_report import result_line
from gba_dataflow.reports.rule_tests import render_tests_json
from gba_dataflow.reports.text import render_text

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).with_name("golden") / "equivalence.txt"
LANGS = ("en", "zh-Hans", "zh-Hant")


def _snapshot() -> str:
    rulebook = load_rulebook([ROOT / "rules"])
    out: list[str] = []
    for path in sorted((ROOT / "examples" / "manifests").glob("*.yaml")):
        manifest = load_manifest(path.relative_to(ROOT))
        for lang in LANGS:
            result = evaluate_manifest(rulebook, manifest, lang=lang)
            out.append(f"== example {path.name} [{lang}]")
            out.append(result_line(result))
            run = RunResult(RulesInfo(("rules",), "sha256:-"), (result,), lang=lang)
            out.append(render_text(run, color=False, width=100))
    for case_file in sorted((ROOT / "rules" / "tests").glob("*.test.yaml")):
        for case in read_cases(case_file.relative_to(ROOT)):
            outcome = run_case(rulebook, case)
            out.append(f"== case {case_file.name} #{case.name}")
            out.append(f"passed={outcome.passed} fired={','.join(outcome.fired)}")
            if outcome.decision != "error":
                manifest = _load_case_manifest(case)
                out.append(result_line(evaluate_manifest(rulebook, manifest, as_of=case.as_of)))
    out.append("== rules test --coverage")
    out.append(render_tests_json(run_rule_tests([Path("rules")]), coverage=True))
    return ("\n".join(out) + "\n").replace(str(ROOT), "<root>")  # the same golden in any checkout


def test_every_decision_is_byte_identical_to_the_golden(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(ROOT)
    text = _snapshot()
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(text, encoding="utf-8")
        return
    expected = GOLDEN.read_text(encoding="utf-8")
    if text != expected:
        import difflib

        diff = "".join(
            list(difflib.unified_diff(expected.splitlines(True), text.splitlines(True), "golden", "now"))[:80]
        )
        raise AssertionError("decisions differ from the golden:\n" + diff)
