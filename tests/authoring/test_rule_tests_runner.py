"""The rule test runner: case files, expectations, what fires, and coverage."""

from __future__ import annotations

from pathlib import Path

import pytest
from authoring_helpers import FIXTURES, run_cli

from gba_dataflow.app.rule_tests import discover_case_files, read_cases, run_rule_tests
from gba_dataflow.core.errors import GbaError

RULES = FIXTURES / "rules"


def write(tmp_path: Path, text: str, name: str = "c.test.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_runner_discovers_test_files_under_the_rule_directories() -> None:
    found = discover_case_files([RULES], [FIXTURES / "cases_failing"])
    assert [path.name for path in found] == ["demo.test.yaml", "failing.test.yaml"]


def test_runner_passes_the_demo_cases_with_full_coverage() -> None:
    run = run_rule_tests([RULES])
    assert [result.passed for result in run.results] == [True] * 6
    assert run.coverage.percent == 100.0
    (file,) = run.coverage.files
    assert file.applies is not None and (file.applies.true, file.applies.false) == (5, 1)
    small = next(rule for rule in file.rules if rule.id == "demo/small_volume")
    assert [(c.text, c.true, c.false) for c in small.conditions] == [
        ("not has_sensitive", 3, 1),
        ("volume.personal_subjects_ytd < 100_000", 2, 1),
    ]


def test_runner_reports_readable_differences() -> None:
    run = run_rule_tests([RULES], [FIXTURES / "cases_failing"])
    failed = {result.case.name: result.failures for result in run.failed}
    assert failed["expects the wrong decision"] == (
        "decision: expected allow, got deny",
        "  demo/core_data: Core data may not leave the Mainland.",
        "rules: `demo/core_dta` is not a rule of the loaded rulesets (did you mean `demo/core_data`?)",
    )
    assert failed["expects an obligation that is not there"] == (
        'obligations: no obligation contains "security assessment"',
        "  got: Give notice and obtain separate consent (PIPL Art. 39).",
    )
    assert failed["a manifest that does not load"][0] == "the manifest does not load:"
    assert "a manifest that must not load" not in failed


def test_runner_checks_rules_that_must_not_fire(tmp_path: Path) -> None:
    cases = write(
        tmp_path,
        "base: " + str(FIXTURES / "manifests" / "small.yaml") + "\ncases:\n"
        "  - name: not firing\n    decision: allow\n    not_rules: [demo/small_volume]\n",
    )
    (result,) = run_rule_tests([RULES], [cases]).results[6:]
    assert result.failures == (
        "rules: expected not to fire, but fired: demo/small_volume",
        "  fired: demo/small_volume",
    )


def test_runner_deep_merges_a_case_over_its_base(tmp_path: Path) -> None:
    cases = write(
        tmp_path,
        "base: " + str(FIXTURES / "manifests" / "small.yaml") + "\ncases:\n"
        "  - name: m\n    manifest: {transfer: {destination: {region: MO, city: Macao}}}\n"
        "    decision: allow\n    rules: [demo/small_volume]\n",
    )
    (result,) = run_rule_tests([RULES], [cases]).results[6:]
    assert result.passed, result.failures


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("cases:\n  - name: x\n    decison: deny\n", "unknown key `decison`", 3),
        ("cases:\n  - name: x\n    manifest: {}\n    decision: maybe\n", "`decision` must be one of", 4),
        ("cases:\n  - decision: deny\n    manifest: {}\n", "a case needs a `name`", 2),
        ("cases: []\n", "a test file holds a list of cases", 1),
        ("cases:\n  - name: x\n    decision: deny\n", "`manifest` must be a path or a mapping", 2),
        (
            "cases:\n  - name: x\n    manifest: {}\n    decision: deny\n    as_of: soon\n",
            "`as_of` must be a date",
            5,
        ),
        (
            "cases:\n  - name: x\n    manifest: {}\n    decision: deny\n    rules: 3\n",
            "must be a list of texts",
            5,
        ),
        ("casez: []\n", "unknown key `casez`", 1),
    ],
)
def test_runner_rejects_malformed_case_files_with_a_located_e216(
    tmp_path: Path, text: str, message: str, line: int
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(GbaError) as caught:
        read_cases(path)
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == "E216"
    assert message in diagnostic.message
    assert diagnostic.line == line


def test_runner_without_case_files_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "r.rules").write_text((RULES / "demo.rules").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(GbaError) as caught:
        run_rule_tests([tmp_path])
    assert caught.value.code == "E216"
    assert "no test case file" in caught.value.first.message


def test_runner_goes_on_past_a_malformed_case(tmp_path: Path) -> None:
    """A malformed case is reported (E216, located) and the cases around it still run (issue 22)."""
    cases = write(
        tmp_path,
        "base: " + str(FIXTURES / "manifests" / "small.yaml") + "\ncases:\n"
        "  - name: before\n    decision: allow\n"
        "  - name: malformed\n    decison: deny\n"
        "  - name: after\n    decision: deny\n",
    )
    run = run_rule_tests([RULES], [cases])
    assert [result.case.name for result in run.results[6:]] == ["before", "after"]
    assert [result.passed for result in run.results[6:]] == [True, False]
    (problem,) = run.problems
    assert (problem.code, problem.line, problem.path) == ("E216", 6, str(cases))
    assert "decison" in problem.message


def test_rules_test_reports_a_malformed_case_after_the_others_and_exits_2(tmp_path: Path) -> None:
    cases = write(
        tmp_path,
        "base: " + str(FIXTURES / "manifests" / "small.yaml") + "\ncases:\n"
        "  - name: malformed\n    decison: deny\n  - name: after it\n    decision: allow\n",
    )
    code, out, err = run_cli("rules", "test", str(RULES), "--cases", str(cases))
    assert code == 2
    assert "after it" in out
    assert f"{cases}:4:5: error E216: unknown key `decison`" in err


def test_runner_checks_met_obligations_apart_from_those_to_do(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    demo = (RULES / "demo.rules").read_text(encoding="utf-8")
    duty_met = (
        "\nrule notice_met\n  allow when mechanisms.notice_given\n"
        '  met "The individuals were told (PIPL Art. 39)."\n  cite "PIPL Art. 39"\n'
    )
    (rules / "demo.rules").write_text(demo + duty_met, encoding="utf-8")
    write(
        rules,
        "base: " + str(FIXTURES / "manifests" / "small.yaml") + "\ncases:\n"
        "  - name: told, and met\n    manifest: {mechanisms: {notice_given: true}}\n    decision: allow\n"
        "    met: [were told]\n    obligations: [separate consent]\n"
        "  - name: a met text is not an obligation to do\n"
        "    manifest: {mechanisms: {notice_given: true}}\n    decision: allow\n"
        "    obligations: [were told]\n"
        "  - name: nothing met when not told\n"
        "    manifest: {mechanisms: {notice_given: false}}\n    decision: allow\n    met: [were told]\n",
        "met.test.yaml",
    )
    run = run_rule_tests([rules])
    results = {
        result.case.name: result for result in run.results if result.case.file.endswith("met.test.yaml")
    }
    assert results["told, and met"].passed
    assert results["told, and met"].met == ("The individuals were told (PIPL Art. 39).",)
    assert results["a met text is not an obligation to do"].failures[0] == (
        'obligations: no obligation contains "were told"'
    )
    assert results["nothing met when not told"].failures == (
        'met: no obligation already met contains "were told"',
        "  got: (none)",
    )
