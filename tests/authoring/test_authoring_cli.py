"""The authoring commands through the typer app: exit codes, stdout/stderr, and golden outputs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from authoring_helpers import FIXTURES, assert_golden, run_cli

# ---- rules check ------------------------------------------------------------------------------


def test_cli_rules_check_reports_errors_and_warnings_sorted_and_exits_1() -> None:
    code, out, err = run_cli("rules", "check", "rules_bad")
    assert code == 1
    assert err == ""
    assert_golden("check_bad.txt", out)


def test_cli_rules_check_json_is_one_document() -> None:
    code, out, _ = run_cli("rules", "check", "rules_bad", "--format", "json")
    assert code == 1
    document = json.loads(out)
    assert document["summary"] == {"errors": 2, "warnings": 6, "files": 2}
    assert [d["code"] for d in document["diagnostics"]] == [
        "W207",
        "E201",
        "W211",
        "W213",
        "W213",
        "W212",
        "W213",
        "E100",
    ]
    assert_golden("check_bad.json", out)


def test_cli_rules_check_clean_rules_exit_0() -> None:
    assert run_cli("rules", "check", "rules") == (0, "0 errors, 0 warnings in 1 file\n", "")


def test_cli_rules_check_strict_fails_on_warnings(tmp_path: Path) -> None:
    (tmp_path / "w.rules").write_text(
        'ruleset w\nlet unused = true\nrule r\n  deny when dataset.core_data\n  because "b"\n  cite "c"\n',
        encoding="utf-8",
    )
    assert run_cli("rules", "check", str(tmp_path))[0] == 0
    code, out, _ = run_cli("rules", "check", str(tmp_path), "--strict")
    assert code == 1 and "W207" in out


def test_cli_rules_check_unreadable_input_exits_2() -> None:
    code, out, err = run_cli("rules", "check", "no-such-dir")
    assert (code, out) == (2, "")
    assert "E108" in err and "no-such-dir" in err
    code, _, err = run_cli("rules", "check", "rules", "--format", "xml")
    assert code == 2 and "E501" in err


# ---- rules explain-code -----------------------------------------------------------------------


def test_cli_rules_explain_code_prints_a_bad_and_a_good_example() -> None:
    code, out, _ = run_cli("rules", "explain-code", "W212")
    assert code == 0
    assert_golden("explain_code_W212.txt", out)
    assert run_cli("rules", "explain-code", "shadowed-allow")[1] == out
    assert run_cli("rules", "explain-code", "w212")[1] == out


def test_cli_rules_explain_code_unknown_code_exits_2_with_did_you_mean() -> None:
    code, out, err = run_cli("rules", "explain-code", "W2121")
    assert (code, out) == (2, "")
    assert "`W2121` is not a gba-dataflow code" in err and "did you mean `W212`?" in err


# ---- rules fmt --------------------------------------------------------------------------------


@pytest.fixture()
def messy(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    target.mkdir()
    shutil.copy(FIXTURES / "fmt" / "messy.rules", target / "messy.rules")
    shutil.copy(FIXTURES / "rules" / "demo.rules", target / "demo.rules")
    return target


def test_cli_rules_fmt_check_prints_a_diff_and_exits_1(messy: Path) -> None:
    before = (messy / "messy.rules").read_text(encoding="utf-8")
    code, out, err = run_cli(
        "rules", "fmt", "--check", "rules/messy.rules", "rules/demo.rules", cwd=messy.parent
    )
    assert code == 1
    assert err == "1 of 2 files would be reformatted\n"
    assert_golden("fmt_check.diff", out)
    assert (messy / "messy.rules").read_text(encoding="utf-8") == before


def test_cli_rules_fmt_rewrites_files_and_lists_them(messy: Path) -> None:
    code, out, _ = run_cli("rules", "fmt", cwd=messy.parent)
    assert code == 0
    assert out == "reformatted rules/messy.rules\n1 reformatted, 1 unchanged\n"
    assert (messy / "messy.rules").read_text(encoding="utf-8") == (
        Path(__file__).parent / "golden" / "fmt_messy.rules"
    ).read_text(encoding="utf-8")
    assert run_cli("rules", "fmt", "--check", cwd=messy.parent) == (
        0,
        "",
        "0 of 2 files would be reformatted\n",
    )


def test_cli_rules_fmt_refuses_files_that_do_not_parse(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "rules_bad" / "broken.rules", tmp_path / "broken.rules")
    code, out, err = run_cli("rules", "fmt", str(tmp_path))
    assert (code, out) == (2, "")
    assert "broken.rules:5:3: error E100" in err


def test_cli_rules_fmt_without_a_rules_directory_exits_2(tmp_path: Path) -> None:
    code, _, err = run_cli("rules", "fmt", cwd=tmp_path)
    assert code == 2 and "there is no ./rules directory here" in err


# ---- rules test -------------------------------------------------------------------------------


def test_cli_rules_test_passes_and_shows_coverage() -> None:
    code, out, err = run_cli("rules", "test", "rules", "--coverage")
    assert (code, err) == (0, "")
    assert_golden("test_pass_coverage.txt", out)


def test_cli_rules_test_failures_exit_1_with_the_differences() -> None:
    code, out, _ = run_cli("rules", "test", "rules", "--cases", "cases_failing")
    assert code == 1
    assert_golden("test_failing.txt", out)


def test_cli_rules_test_coverage_under_the_threshold_exits_2(tmp_path: Path) -> None:
    cases = tmp_path / "one.yaml"
    cases.write_text(
        f"base: {FIXTURES / 'manifests' / 'small.yaml'}\ncases:\n  - name: one\n    decision: allow\n",
        encoding="utf-8",
    )
    rules = tmp_path / "rules"
    rules.mkdir()
    shutil.copy(FIXTURES / "rules" / "demo.rules", rules / "demo.rules")
    code, out, err = run_cli("rules", "test", str(rules), "--cases", str(cases), "--threshold", "90")
    assert code == 2
    assert "coverage: 46.2% (6 of 13 outcomes" in out
    assert err == "coverage 46.2% is under the threshold of 90%\n"
    assert run_cli("rules", "test", str(rules), "--cases", str(cases), "--threshold", "40")[0] == 0
    assert run_cli("rules", "test", str(rules), "--cases", str(cases), "--threshold", "130")[0] == 2


def test_cli_rules_test_json() -> None:
    code, out, _ = run_cli("rules", "test", "rules", "--format", "json", "--coverage")
    document = json.loads(out)
    assert code == 0
    assert document["summary"] == {"passed": 6, "failed": 0, "cases": 6}
    assert document["coverage"]["percent"] == 100.0
    assert document["cases"][0]["fired"] == ["demo/small_volume"]


def test_cli_rules_test_malformed_case_file_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("cases:\n  - name: x\n    decison: deny\n", encoding="utf-8")
    code, _, err = run_cli("rules", "test", "rules", "--cases", str(bad))
    assert code == 2
    assert "bad.yaml:3:5: error E216: unknown key `decison`" in err and "did you mean `decision`?" in err


# ---- rules list -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "golden"), [("text", "list.txt"), ("json", "list.json"), ("markdown", "list.md")]
)
def test_cli_rules_list(fmt: str, golden: str) -> None:
    code, out, _ = run_cli("rules", "list", "rules", "--format", fmt)
    assert code == 0
    assert_golden(golden, out)


def test_cli_rules_list_of_rules_that_do_not_parse_exits_2() -> None:
    code, _, err = run_cli("rules", "list", "rules_bad")
    assert code == 2 and "E100" in err


# ---- explain ----------------------------------------------------------------------------------


def test_cli_explain_prints_the_trace_tree_and_exits_like_check() -> None:
    code, out, _ = run_cli("explain", "manifests/medium.yaml", "--rules", "rules")
    assert code == 1
    assert_golden("explain_medium.txt", out)
    assert run_cli("explain", "manifests/small.yaml", "--rules", "rules")[0] == 0


def test_cli_explain_full_shows_every_rule_and_reads_not_evaluated() -> None:
    code, full, _ = run_cli("explain", "manifests/medium.yaml", "--rules", "rules", "--full")
    assert code == 1
    assert_golden("explain_medium.full.txt", full)
    concise = run_cli("explain", "manifests/medium.yaml", "--rules", "rules")[1]
    assert len(concise.splitlines()) < len(full.splitlines())
    assert "(skipped)" not in full and "E301" not in full


def test_cli_explain_depth_limits_the_condition_trees() -> None:
    shallow = run_cli("explain", "manifests/medium.yaml", "--rules", "rules", "--full", "--depth", "1")[1]
    full = run_cli("explain", "manifests/medium.yaml", "--rules", "rules", "--full")[1]
    assert len(shallow.splitlines()) < len(full.splitlines())
    assert "deeper: --depth or --full)" in shallow
    assert run_cli("explain", "manifests/medium.yaml", "--rules", "rules", "--depth", "0")[0] == 2


def test_cli_explain_rule_shows_that_rule_whatever_it_did() -> None:
    code, out, _ = run_cli(
        "explain", "manifests/medium.yaml", "--rules", "rules", "--rule", "demo/small_volume"
    )
    assert code == 1
    assert "demo/small_volume" in out and "more rules did not fire" not in out


def test_cli_explain_json_one_rule_in_chinese() -> None:
    code, out, _ = run_cli(
        "explain",
        "manifests/small.yaml",
        "--rules",
        "rules",
        "--format",
        "json",
        "--rule",
        "demo/small_volume",
        "--lang",
        "zh-Hans",
    )
    assert code == 0
    assert_golden("explain_small_rule.json", out)
    document = json.loads(out)
    (rule,) = document["rulesets"][0]["rules"]
    assert rule["message"] == "本年度少于10万人，且没有敏感个人信息。"


def test_cli_explain_as_of_before_a_window() -> None:
    args = ("explain", "manifests/small.yaml", "--rules", "rules", "--as-of", "2024-03-21")
    code, out, _ = run_cli(*args, "--full")
    assert code == 1
    assert "inactive on this date (effective from 2024-03-22), would hold" in out
    assert "inactive on this date" not in run_cli(*args)[1]  # by default: what decided only


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["manifests/small.yaml", "--rules", "rules", "--rule", "demo/core"],
            "did you mean `demo/core_data`?",
        ),
        (["manifests/nope.yaml", "--rules", "rules"], "E401"),
        (["manifests/small.yaml", "--rules", "rules_bad"], "E100"),
        (["manifests/small.yaml", "--rules", "rules", "--as-of", "tomorrow"], "E501"),
    ],
)
def test_cli_explain_input_errors_exit_2(args: list[str], message: str) -> None:
    code, out, err = run_cli("explain", *args)
    assert (code, out) == (2, "")
    assert message in err


# ---- rules diff -------------------------------------------------------------------------------


def test_cli_rules_diff_flags_loosening_and_exits_1() -> None:
    code, out, _ = run_cli("rules", "diff", "rules", "rules_v2", "--manifests", "manifests")
    assert code == 1
    assert_golden("diff.txt", out)
    assert (
        run_cli("rules", "diff", "rules", "rules_v2", "--manifests", "manifests", "--allow-loosening")[0] == 0
    )
    assert run_cli("rules", "diff", "rules_v2", "rules", "--manifests", "manifests")[0] == 0


def test_cli_rules_diff_json() -> None:
    code, out, _ = run_cli("rules", "diff", "rules", "rules_v2", "-m", "manifests", "--format", "json")
    assert code == 1
    assert_golden("diff.json", out)


def test_cli_rules_diff_input_errors_exit_2(tmp_path: Path) -> None:
    assert run_cli("rules", "diff", "rules", "rules_v2", "--manifests", "nope")[0] == 2
    assert run_cli("rules", "diff", "rules", "rules_bad", "--manifests", "manifests")[0] == 2
    broken = tmp_path / "broken.yaml"
    broken.write_text("apiVersion: gba-dataflow/v1\n", encoding="utf-8")
    code, out, _ = run_cli(
        "rules", "diff", "rules", "rules_v2", "--manifests", "manifests", "-m", str(broken)
    )
    assert code == 2 and "could not be loaded" in out


def test_cli_rules_diff_takes_several_manifests_after_one_option() -> None:
    code, out, _ = run_cli(
        "rules", "diff", "rules", "rules_v2", "--manifests", "manifests/small.yaml", "manifests/medium.yaml"
    )
    assert code == 1 and "decisions: 1 of 2 manifests change (1 loosening)" in out
    code, _, err = run_cli("rules", "diff", "rules", "rules_v2")
    assert code == 2 and "E502" in err


def test_cli_explain_reads_stdin_and_writes_an_output_file(tmp_path: Path) -> None:
    manifest = (FIXTURES / "manifests" / "small.yaml").read_text(encoding="utf-8")
    target = tmp_path / "trace.json"
    code, out, _ = run_cli(
        "explain", "-", "--rules", "rules", "-f", "json", "-o", str(target), input=manifest
    )
    assert (code, out) == (0, "")
    document = json.loads(target.read_text(encoding="utf-8"))
    assert (document["manifest"], document["decision"]) == ("<stdin>", "allow")
