"""`gba-dataflow config` and `check` under a configuration file (issue 22 point 4), and the small CLI
things of point 7 (-h, FORCE_COLOR, --report write errors, the public exceptions)."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from gba_dataflow.cli import app as typer_app
from gba_dataflow.cli import main as entry

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project directory with the fixtures' rules and manifests, a rule test file, and the cwd in it."""
    shutil.copytree(FIXTURES / "rules", tmp_path / "policy")
    shutil.copytree(FIXTURES / "manifests", tmp_path / "manifests")
    (tmp_path / "policy" / "tests").mkdir()
    (tmp_path / "policy" / "tests" / "cases.test.yaml").write_text("- name: x\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.delenv("GBA_DATAFLOW_MAX_MANIFEST_BYTES", raising=False)
    monkeypatch.delenv("GBA_DATAFLOW_LEDGER", raising=False)
    return tmp_path


def run(
    main: object, args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[object, str, str]:
    monkeypatch.setattr(sys, "argv", ["gba-dataflow", *args])
    with pytest.raises(SystemExit) as done:
        main()  # type: ignore[operator]
    captured = capsys.readouterr()
    return done.value.code, captured.out, captured.err


def test_check_takes_its_settings_from_the_file_on_both_paths(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "gba-dataflow.toml").write_text(
        'rules = ["policy"]\nformat = "json"\nexclude = ["invalid.yaml"]\n', encoding="utf-8"
    )
    args = ["check", "."]
    assert entry.plain_check_paths(args) is not None
    fast = run(entry.main, args, monkeypatch, capsys)
    full = run(typer_app.main, args, monkeypatch, capsys)
    assert fast == full
    code, out, _ = fast
    document = json.loads(str(out))
    assert [result["manifest"] for result in document["results"]] == [
        "./manifests/allowed.yaml",
        "./manifests/denied.yaml",
    ]  # invalid.yaml excluded; policy/tests/cases.test.yaml is no manifest
    (rules,) = document["rules"]["paths"]
    assert rules.endswith("policy/starter.rules")
    assert code == 1


def test_options_override_the_file(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "gba-dataflow.toml").write_text('rules = ["policy"]\nformat = "json"\n', encoding="utf-8")
    code, out, _ = run(entry.main, ["check", "-f", "text", "manifests/allowed.yaml"], monkeypatch, capsys)
    assert code == 0 and str(out).startswith("✔ ALLOW")


def test_fail_on_warn_from_the_file_can_be_turned_off(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "gba-dataflow.toml").write_text("fail-on-warn = true\n", encoding="utf-8")
    on = run(entry.main, ["check", "-q", "manifests/allowed.yaml"], monkeypatch, capsys)
    off = run(entry.main, ["check", "-q", "--no-fail-on-warn", "manifests/allowed.yaml"], monkeypatch, capsys)
    assert off[0] == 0
    assert on[0] in (0, 1)  # 1 only if a warn rule fired
    assert on[1] == off[1]


def test_the_manifest_size_limit_is_configurable(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "gba-dataflow.toml").write_text("max-manifest-bytes = 100\n", encoding="utf-8")
    code, out, _ = run(entry.main, ["check", "manifests/allowed.yaml"], monkeypatch, capsys)
    assert code == 2
    assert "error E402: the manifest is larger than the limit of 100 bytes" in str(out)
    assert "max-manifest-bytes" in str(out)


def test_a_bad_size_limit_variable_is_refused(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GBA_DATAFLOW_MAX_MANIFEST_BYTES", "2MB")
    code, out, err = run(entry.main, ["check", "manifests/allowed.yaml"], monkeypatch, capsys)
    assert (code, out) == (2, "")
    assert "error E501: $GBA_DATAFLOW_MAX_MANIFEST_BYTES `2MB` is not a positive whole number" in str(err)


def test_a_bad_file_stops_check_with_its_location(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "gba-dataflow.toml").write_text('lang = "en"\nformt = "json"\n', encoding="utf-8")
    for main in (entry.main, typer_app.main):
        code, out, err = run(main, ["check", "manifests"], monkeypatch, capsys)
        assert (code, out) == (2, "")
        assert str(err) == (
            f"{project / 'gba-dataflow.toml'}:2:1: error E541: unknown setting `formt` in gba-dataflow.toml\n"
            "  hint: did you mean `format`?\n"
        )


def test_config_shows_each_setting_and_where_it_came_from(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "gba-dataflow.toml").write_text('\nlang = "zh-Hans"\n', encoding="utf-8")
    monkeypatch.setenv("GBA_DATAFLOW_LEDGER", "sqlite:///l.db")
    code, out, _ = run(typer_app.main, ["config"], monkeypatch, capsys)
    assert code == 0
    lines = str(out).splitlines()
    assert lines[0] == f"configuration file: {project / 'gba-dataflow.toml'}"
    assert f"lang                zh-Hans  ({project / 'gba-dataflow.toml'}:2)" in lines
    assert "format              text  (default)" in lines
    assert "ledger              sqlite:///l.db  ($GBA_DATAFLOW_LEDGER)" in lines
    code, out, _ = run(typer_app.main, ["config", "--format", "json"], monkeypatch, capsys)
    settings = json.loads(str(out))["settings"]
    assert settings["lang"] == {"value": "zh-Hans", "source": f"{project / 'gba-dataflow.toml'}:2"}


@pytest.mark.parametrize(
    "args", [["-h"], ["check", "-h"], ["rules", "-h"], ["rules", "test", "-h"], ["config", "-h"]]
)
def test_dash_h_is_help_everywhere(
    args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(entry.main, args, monkeypatch, capsys)
    assert code == 0 and str(out).startswith("Usage: gba-dataflow") and err == ""


def test_force_color_colours_a_pipe_and_no_color_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    from gba_dataflow.cli.console import use_color

    class Pipe:
        def isatty(self) -> bool:
            return False

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert use_color(False, Pipe()) is True
    assert use_color(True, Pipe()) is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert use_color(False, Pipe()) is False
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "")
    assert use_color(False, Pipe()) is False


def test_a_report_that_cannot_be_written_names_report(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "blocker").write_text("", encoding="utf-8")
    args = ["check", "manifests/allowed.yaml", "--report", "json:blocker/out.json"]
    code, _, err = run(entry.main, args, monkeypatch, capsys)
    assert code == 2
    assert "error E550: cannot write --report `blocker/out.json`" in str(err)


def test_the_public_exceptions_are_importable_from_the_package() -> None:
    import gba_dataflow
    from gba_dataflow import CheckError, DslSyntaxError, EvalError, GbaError, ManifestError, UsageError

    assert all(
        issubclass(error, GbaError) for error in (CheckError, DslSyntaxError, EvalError, ManifestError)
    )
    assert issubclass(UsageError, GbaError)
    assert {"GbaError", "ManifestError"} <= set(gba_dataflow.__all__)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["rules", "list"], "starter/"),
        (["rules", "check"], "in 1 file"),
        (["explain", "manifests/allowed.yaml"], "starter"),
    ],
)
def test_the_other_commands_take_the_rules_of_the_file(
    project: Path,
    args: list[str],
    expected: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (project / "gba-dataflow.toml").write_text('rules = ["policy"]\n', encoding="utf-8")
    code, out, _ = run(typer_app.main, args, monkeypatch, capsys)
    assert code in (0, 1) and expected in str(out)
    assert "mainland_export" not in str(out)
