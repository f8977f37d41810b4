"""`gba-dataflow check`: exit codes, formats, inputs and golden outputs (in-process)."""

from __future__ import annotations

import json

import pytest
from cli_helpers import FIXTURES, assert_golden, run

RULES = ("--rules", "rules")


def test_allowed_manifest_exits_0() -> None:
    code, out, _ = run("check", "manifests/allowed.yaml", *RULES)
    assert code == 0
    assert out.startswith("✔ ALLOW")


def test_denied_manifest_exits_1() -> None:
    code, out, _ = run("check", "manifests/denied.yaml", *RULES)
    assert code == 1
    assert out.startswith("✘ DENY")


def test_invalid_manifest_exits_2_with_error_result_never_allow() -> None:
    code, out, _ = run("check", "manifests/invalid.yaml", *RULES, "--format", "json")
    assert code == 2
    (result,) = json.loads(out)["results"]
    assert result["decision"] == "error"
    error = result["errors"][0]
    assert error["code"] == "E410"
    assert (error["line"], error["json_path"]) == (12, "/dataset/subjects")


def test_errors_dominate_denials() -> None:
    code, _, _ = run("check", "manifests", *RULES, "--quiet")
    assert code == 2


def test_directory_inputs_are_sorted_and_golden() -> None:
    code, out, _ = run("check", "manifests", *RULES)
    assert code == 2
    assert_golden("check-manifests.txt", out)


def test_json_output_is_golden_and_deterministic() -> None:
    first = run("check", "manifests", *RULES, "--format", "json", "--as-of", "2026-12-01")[1]
    second = run("check", "manifests", *RULES, "--format", "json", "--as-of", "2026-12-01")[1]
    assert first == second
    assert_golden("check-manifests.json", first)
    summary = json.loads(first)["summary"]
    assert summary == {"allow": 1, "deny": 1, "error": 1}


def test_quiet_prints_one_line_per_manifest() -> None:
    code, out, _ = run("check", "manifests/allowed.yaml", "manifests/denied.yaml", *RULES, "--quiet")
    assert code == 1
    assert_golden("check-quiet.txt", out)


def test_stdin_is_read_with_a_dash() -> None:
    text = (FIXTURES / "manifests" / "denied.yaml").read_text(encoding="utf-8")
    code, out, _ = run("check", "-", *RULES, "--format", "json", input=text)
    assert code == 1
    assert json.loads(out)["results"][0]["manifest"] == "<stdin>"


def test_output_file(tmp_path: object) -> None:
    from pathlib import Path

    target = Path(str(tmp_path)) / "out" / "decisions.json"
    code, out, _ = run("check", "manifests/allowed.yaml", *RULES, "--format", "json", "--output", str(target))
    assert code == 0 and out == ""
    assert json.loads(target.read_text(encoding="utf-8"))["summary"]["allow"] == 1


def test_lang_translates_rule_messages() -> None:
    _, out, _ = run("check", "manifests/denied.yaml", *RULES, "--lang", "zh-Hans")
    assert "入门规则集中没有允许此传输的规则。" in out


def test_as_of_before_the_provisions_changes_the_decision() -> None:
    code, _, _ = run("check", "manifests/allowed.yaml", *RULES, "--as-of", "2024-03-21")
    assert code == 1


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("--format", "xml"), "--format `xml` is not one of"),
        (("--lang", "fr"), "--lang `fr` is not one of"),
        (("--as-of", "2026-13-01"), "--as-of `2026-13-01` is not a date"),
        (("--rules", "nowhere"), "rules directory `nowhere` does not exist"),
    ],
)
def test_bad_options_exit_2_with_a_clear_message(args: tuple[str, ...], needle: str) -> None:
    code, out, err = run("check", "manifests/allowed.yaml", *RULES, *args)
    assert code == 2
    assert needle in err
    assert "Traceback" not in err + out


def test_missing_manifest_is_an_error_result() -> None:
    code, out, _ = run("check", "manifests/nope.yaml", *RULES, "--format", "json")
    assert code == 2
    result = json.loads(out)["results"][0]
    assert result["decision"] == "error" and result["errors"][0]["code"] == "E401"


def test_broken_rules_exit_2_and_decide_nothing(tmp_path: object) -> None:
    from pathlib import Path

    rules = Path(str(tmp_path))
    (rules / "bad.rules").write_text(
        "ruleset bad\nrule r\n  deny when dataset.subject > 1\n", encoding="utf-8"
    )
    code, out, err = run("check", "manifests/allowed.yaml", "--rules", str(rules))
    assert code == 2 and out == ""
    assert "E201" in err and "did you mean `dataset.subjects`?" in err


def test_schema_command_prints_both_schemas() -> None:
    for name in ("manifest", "decision"):
        code, out, _ = run("schema", name)
        assert code == 0
        assert json.loads(out)["$schema"].startswith("https://json-schema.org/draft/2020-12")
    assert run("schema", "manifests")[0] == 2


def test_version() -> None:
    code, out, _ = run("--version")
    assert code == 0 and out.startswith("gba-dataflow ")
