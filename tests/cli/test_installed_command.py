"""End to end through the installed `gba-dataflow` console script and `python -m gba_dataflow`."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
pytestmark = pytest.mark.e2e


def run(
    command: list[str], env: dict[str, str], *args: str, stdin: str | None = None, cwd: Path = FIXTURES
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*command, *args],
        capture_output=True,
        text=True,
        input=stdin,
        cwd=cwd,
        env=env,
        timeout=120,
        check=False,
    )


def test_installed_command_exit_codes(cli_command: list[str], cli_env: dict[str, str]) -> None:
    rules = ("--rules", "rules")
    assert run(cli_command, cli_env, "check", "manifests/allowed.yaml", *rules).returncode == 0
    assert run(cli_command, cli_env, "check", "manifests/denied.yaml", *rules).returncode == 1
    done = run(cli_command, cli_env, "check", "manifests/invalid.yaml", *rules)
    assert done.returncode == 2
    assert "E410" in done.stdout and "Traceback" not in done.stderr


def test_installed_command_reads_stdin_and_writes_json(
    cli_command: list[str], cli_env: dict[str, str]
) -> None:
    text = (FIXTURES / "manifests" / "allowed.yaml").read_text(encoding="utf-8")
    done = run(cli_command, cli_env, "check", "-", "--rules", "rules", "--format", "json", stdin=text)
    assert done.returncode == 0
    assert json.loads(done.stdout)["results"][0]["decision"] == "allow"


def test_python_dash_m_matches_the_script(cli_command: list[str], cli_env: dict[str, str]) -> None:
    args = ("check", "manifests", "--rules", "rules", "--format", "json", "--as-of", "2026-12-01")
    script = run(cli_command, cli_env, *args)
    module = run([sys.executable, "-m", "gba_dataflow"], cli_env, *args)
    assert script.returncode == module.returncode == 2
    assert script.stdout == module.stdout


def test_version_and_help(cli_command: list[str], cli_env: dict[str, str]) -> None:
    assert run(cli_command, cli_env, "--version").stdout.startswith("gba-dataflow ")
    helped = run(cli_command, cli_env, "--help")
    assert helped.returncode == 0 and "check" in helped.stdout


def test_usage_errors_exit_2_without_traceback(cli_command: list[str], cli_env: dict[str, str]) -> None:
    for args in (("check",), ("check", "x.yaml", "--bogus"), ("nonsense",)):
        done = run(cli_command, cli_env, *args)
        assert done.returncode == 2, args
        assert "Traceback" not in done.stderr


def test_shipped_rules_are_used_outside_a_checkout(
    cli_command: list[str], cli_env: dict[str, str], tmp_path: Path
) -> None:
    manifest = tmp_path / "m.yaml"
    manifest.write_text(
        (FIXTURES / "manifests" / "allowed.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    done = run(cli_command, cli_env, "check", "m.yaml", "--format", "json", cwd=tmp_path)
    assert done.returncode in (0, 1), done.stderr
    paths = json.loads(done.stdout)["rules"]["paths"]
    assert paths and all(p.endswith(".rules") for p in paths)


def test_wheel_ships_rules_schemas_and_examples(repo_root: Path, tmp_path: Path) -> None:
    pytest.importorskip("hatchling")
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(repo_root),
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = tmp_path.glob("gba_dataflow-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "gba_dataflow/_data/schemas/manifest.schema.json" in names
    assert "gba_dataflow/_data/schemas/decision.schema.json" in names
    assert any(n.startswith("gba_dataflow/_data/rules/") and n.endswith(".rules") for n in names)
    assert any(n.startswith("gba_dataflow/_data/examples/") for n in names)
    assert "gba_dataflow/dsl/grammar.lark" in names
    assert "gba_dataflow/py.typed" in names
