"""`check --format github`: workflow commands, escaped as the Actions toolkit does, and the job summary."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from ci_helpers import AS_OF, RULES, assert_golden, run_cli

from gba_dataflow.reports.github import command, escape_data, escape_property

_COMMAND = re.compile(r"^::(error|warning) (?P<props>[^:]*)::(?P<message>.*)$")


def _github(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    code, out, _ = run_cli("check", *args, *RULES, "--format", "github", *AS_OF, env=env)
    return code, out


def _unescape(text: str) -> str:
    return (
        text.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
    )


def _parse(line: str) -> tuple[str, dict[str, str], str]:
    match = _COMMAND.match(line)
    assert match, line
    props = dict(pair.split("=", 1) for pair in match["props"].split(","))
    return match[1], {key: _unescape(value) for key, value in props.items()}, _unescape(match["message"])


def test_github_output_of_the_fixture_batch_is_golden() -> None:
    code, out = _github("manifests")
    assert code == 2
    assert_golden("batch.github.txt", out)


def test_one_error_per_deny_reason_and_manifest_error_one_warning_per_warn_rule() -> None:
    _, out = _github("manifests")
    *commands, last = out.splitlines()
    assert last == "7 manifests: 2 allowed, 4 denied, 1 with input errors, 1 with warnings"
    parsed = [_parse(line) for line in commands]
    titles = [(kind, props["title"]) for kind, props, _ in parsed]
    assert titles == [
        ("warning", "WARN ci/sensitive_field"),
        ("error", "DENY ci/default"),
        ("error", "DENY ci/core_data"),
        ("error", "DENY ci/important_data"),
        ("error", "E410 schema-violation"),
        ("error", "DENY gba-dataflow/no-ruleset"),
        ("error", "DENY ci/important_data"),
    ]
    _, props, message = parsed[2]
    assert props == {"file": "manifests/denied.yaml", "line": "14", "col": "14", "title": "DENY ci/core_data"}
    assert message.splitlines() == [
        "Core data may not leave the Mainland.",
        "Cites: Data Security Law, Art. 21",
        "To fix: Keep core data in the Mainland.",
    ]
    _, props, message = parsed[4]
    assert (props["file"], props["line"], props["col"]) == ("manifests/invalid.yaml", "12", "13")
    assert message.startswith("`dataset.subjects` must be a whole number")


def test_values_cannot_break_out_of_a_command() -> None:
    _, out = _github("manifests/odd, name%.yaml")
    lines = out.splitlines()
    assert len(lines) == 2 and lines[0].startswith("::error file=manifests/odd%2C name%25.yaml,")
    _, props, message = _parse(lines[0])
    assert props["file"] == "manifests/odd, name%.yaml"
    assert "\x07" not in out and "data {x} set\\x07" in message


@pytest.mark.parametrize(
    ("raw", "data", "prop"),
    [
        ("100% done", "100%25 done", "100%25 done"),
        ("a\r\nb", "a%0D%0Ab", "a%0D%0Ab"),
        ("x: y, z", "x: y, z", "x%3A y%2C z"),
        ("::error::boom", "::error::boom", "%3A%3Aerror%3A%3Aboom"),
        ("%0A", "%250A", "%250A"),
    ],
)
def test_escaping_follows_the_actions_toolkit(raw: str, data: str, prop: str) -> None:
    assert escape_data(raw) == data
    assert escape_property(raw) == prop


def test_command_leaves_out_missing_properties() -> None:
    assert command("warning", "m", file="a.yaml", line=None, title="t") == "::warning file=a.yaml,title=t::m"
    assert command("error", "m") == "::error::m"


def test_job_summary_is_appended_when_github_sets_the_variable(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    code, _ = _github("manifests", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert code == 2
    text = summary.read_text(encoding="utf-8")
    assert text.startswith(
        "earlier step\n### gba-dataflow check: 7 manifests: 2 allowed, 4 denied, 1 with input errors, "
    )
    assert "| ✘ DENY | 4 |" in text and "| **total** | **7** |" in text
    assert "| 2 | deny rule | ci/important\\_data |" in text
    assert "| ✘ DENY | manifests/denied.yaml | grid-telemetry | CN-GD Guangzhou → HK Hong Kong |" in text
    assert "Exit code 2" in text
    assert_golden("batch.summary.md", text.removeprefix("earlier step\n"))
    _github("manifests/allowed.yaml", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert summary.read_text(encoding="utf-8").count("### gba-dataflow check") == 2


def test_job_summary_escapes_markdown_in_user_text(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    _github("manifests/odd, name%.yaml", env={"GITHUB_STEP_SUMMARY": str(summary)})
    row = next(line for line in summary.read_text(encoding="utf-8").splitlines() if "odd-strings" in line)
    assert row.count(" | ") == 4  # the pipes of the title cannot add a column
    assert "\\x07" in row and "\x07" not in row


def test_no_job_summary_without_the_variable_or_for_other_formats(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    run_cli("check", "manifests", *RULES, "--format", "json", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert not summary.exists()
    code, _ = _github("manifests/allowed.yaml")
    assert code == 0


def test_an_unwritable_job_summary_warns_but_keeps_the_exit_code(tmp_path: Path) -> None:
    code, out, err = run_cli(
        "check", "manifests/allowed.yaml", *RULES, "--format", "github",
        env={"GITHUB_STEP_SUMMARY": str(tmp_path / "missing" / "summary.md")},
    )  # fmt: skip
    assert code == 0
    assert out.endswith("1 manifest: 1 allowed, 0 denied, 0 with input errors, 0 with warnings\n")
    assert "cannot append the job summary" in err and "Traceback" not in err


def test_a_large_run_lists_only_denials_and_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    import gba_dataflow.reports.summary as summary_module
    from gba_dataflow.app.batch import run_check

    monkeypatch.setattr(summary_module, "MAX_ROWS", 3)
    from ci_helpers import FIXTURES

    run = run_check([str(FIXTURES / "manifests")], rules_dirs=[FIXTURES / "rules"])
    text = summary_module.render_markdown_summary(run, exit_code=2)
    rows = [line for line in text.splitlines() if line.startswith(("| ✘", "| !", "| ✔"))]
    assert [row.split(" | ")[0] for row in rows if "manifests/" in row] == [
        "| ✘ DENY",
        "| ✘ DENY",
        "| ! ERROR",
    ]
    assert "4 more manifests not listed" in text
