"""Each authoring command once through the installed `gba-dataflow` script, in a real subprocess."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from authoring_helpers import FIXTURES, GOLDEN

pytestmark = pytest.mark.e2e


def run(
    command: list[str], env: dict[str, str], *args: str, cwd: Path = FIXTURES
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*command, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=120, check=False
    )


def test_installed_rules_check(cli_command: list[str], cli_env: dict[str, str]) -> None:
    done = run(cli_command, cli_env, "rules", "check", "rules_bad")
    assert done.returncode == 1
    assert done.stdout == (GOLDEN / "check_bad.txt").read_text(encoding="utf-8")
    assert run(cli_command, cli_env, "rules", "check", "rules").returncode == 0


def test_installed_rules_fmt(cli_command: list[str], cli_env: dict[str, str], tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "fmt" / "messy.rules", tmp_path / "messy.rules")
    done = run(cli_command, cli_env, "rules", "fmt", "--check", "messy.rules", cwd=tmp_path)
    assert done.returncode == 1 and done.stdout.startswith("--- messy.rules (current)")
    done = run(cli_command, cli_env, "rules", "fmt", "messy.rules", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (0, "reformatted messy.rules\n1 reformatted, 0 unchanged\n")
    assert run(cli_command, cli_env, "rules", "fmt", "--check", "messy.rules", cwd=tmp_path).returncode == 0


def test_installed_rules_test(cli_command: list[str], cli_env: dict[str, str]) -> None:
    done = run(cli_command, cli_env, "rules", "test", "rules", "--coverage", "--threshold", "100")
    assert done.returncode == 0
    assert done.stdout == (GOLDEN / "test_pass_coverage.txt").read_text(encoding="utf-8")
    assert run(cli_command, cli_env, "rules", "test", "rules", "--cases", "cases_failing").returncode == 1


def test_installed_rules_list(cli_command: list[str], cli_env: dict[str, str]) -> None:
    done = run(cli_command, cli_env, "rules", "list", "rules", "--format", "json")
    assert done.returncode == 0
    assert [rule["id"] for rule in json.loads(done.stdout)["rules"]] == [
        "demo/core_data",
        "demo/small_volume",
        "demo/sensitive_warning",
    ]


def test_installed_rules_explain_code(cli_command: list[str], cli_env: dict[str, str]) -> None:
    done = run(cli_command, cli_env, "rules", "explain-code", "W212")
    assert done.returncode == 0 and done.stdout == (GOLDEN / "explain_code_W212.txt").read_text(
        encoding="utf-8"
    )
    done = run(cli_command, cli_env, "rules", "explain-code", "nope")
    assert done.returncode == 2 and "Traceback" not in done.stderr


def test_installed_explain(cli_command: list[str], cli_env: dict[str, str]) -> None:
    done = run(cli_command, cli_env, "explain", "manifests/medium.yaml", "--rules", "rules")
    assert done.returncode == 1
    assert done.stdout == (GOLDEN / "explain_medium.txt").read_text(encoding="utf-8")
    done = run(cli_command, cli_env, "explain", "manifests/missing.yaml", "--rules", "rules")
    assert done.returncode == 2 and "E401" in done.stderr and "Traceback" not in done.stderr


def test_installed_rules_diff(cli_command: list[str], cli_env: dict[str, str]) -> None:
    done = run(cli_command, cli_env, "rules", "diff", "rules", "rules_v2", "--manifests", "manifests")
    assert done.returncode == 1
    assert done.stdout == (GOLDEN / "diff.txt").read_text(encoding="utf-8")
