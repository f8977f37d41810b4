"""action.yml: a composite GitHub Action; its inputs, outputs and steps, and its check script run for real."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from ci_helpers import copy_fixtures

_EXPRESSION = re.compile(r"^\$\{\{\s*inputs\.([a-z-]+)\s*\}\}$")


@pytest.fixture(scope="module")
def action(repo_root: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((repo_root / "action.yml").read_text(encoding="utf-8"))
    return loaded


def _step(action: dict[str, Any], step_id: str) -> dict[str, Any]:
    return next(step for step in action["runs"]["steps"] if step.get("id") == step_id)


def test_action_is_composite_with_the_documented_inputs_and_outputs(action: dict[str, Any]) -> None:
    assert action["name"] and action["description"]
    assert action["runs"]["using"] == "composite"
    inputs = action["inputs"]
    assert {"paths", "rules", "format", "sarif-file", "fail-on-warn", "as-of"} <= set(inputs)
    for name, spec in inputs.items():
        assert spec.get("description"), name
        assert spec.get("required") is False and isinstance(spec.get("default"), str), name
    assert inputs["format"]["default"] == "github"
    assert inputs["sarif-file"]["default"].endswith(".sarif")
    assert action["outputs"]["exit-code"]["value"] == "${{ steps.check.outputs.exit-code }}"


def test_steps_install_from_the_action_path_and_never_paste_inputs_into_scripts(
    action: dict[str, Any],
) -> None:
    steps = action["runs"]["steps"]
    install = next(step for step in steps if "pip install" in step.get("run", ""))
    assert "$GITHUB_ACTION_PATH" in install["run"]
    for step in steps:
        if "run" in step:
            assert step["shell"] == "bash"
            assert "${{" not in step["run"], step.get("name")  # inputs travel through env (no injection)
    check = _step(action, "check")
    assert "--report" in check["run"] and "sarif:" in check["run"]
    assert '"$GITHUB_OUTPUT"' in check["run"]
    for value in check["env"].values():
        assert _EXPRESSION.match(value), value


def _run_check_step(
    action: dict[str, Any], workdir: Path, tmp_path: Path, **given: str
) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    """Run the check step's script with bash as the runner would: inputs (defaults filled in) as env."""
    check = _step(action, "check")
    values = {name: spec["default"] for name, spec in action["inputs"].items()} | given
    env = {key: values[_EXPRESSION.match(value)[1]] for key, value in check["env"].items()}  # type: ignore[index]
    output, summary = tmp_path / "github_output", tmp_path / "summary.md"
    output.unlink(missing_ok=True)
    base = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    env |= {
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(summary),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{base.get('PATH', '')}",
        "NO_COLOR": "1",
    }
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", check["run"]],
        capture_output=True, text=True, cwd=workdir, env=base | env, timeout=120, check=False,
    )  # fmt: skip
    outputs = (
        dict(line.split("=", 1) for line in output.read_text(encoding="utf-8").splitlines())
        if output.exists()
        else {}
    )
    return done, outputs


@pytest.mark.e2e
@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash, as GitHub's runners have")
def test_the_check_step_annotates_writes_sarif_and_sets_the_exit_code(
    action: dict[str, Any], tmp_path: Path, shared_data: Path, cli_command: list[str]
) -> None:
    from ci_helpers import assert_valid_sarif

    work = copy_fixtures(tmp_path / "repo")
    done, outputs = _run_check_step(
        action, work, tmp_path, paths="manifests/allowed.yaml\nmanifests/denied.yaml", rules="rules",
        **{"as-of": "2026-12-01", "sarif-file": "reports/gba.sarif"},
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert outputs == {"exit-code": "1", "sarif-file": "reports/gba.sarif"}
    assert "::error file=manifests/denied.yaml,line=" in done.stdout
    log = json.loads((work / "reports" / "gba.sarif").read_text(encoding="utf-8"))
    assert_valid_sarif(shared_data, log)
    assert log["runs"][0]["invocations"][0]["exitCode"] == 1
    assert "### gba-dataflow check" in (tmp_path / "summary.md").read_text(encoding="utf-8")


@pytest.mark.e2e
@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash, as GitHub's runners have")
def test_the_check_step_passes_fail_on_warn_and_handles_empty_inputs(
    action: dict[str, Any], tmp_path: Path, cli_command: list[str]
) -> None:
    work = copy_fixtures(tmp_path / "repo")
    common = {"rules": "rules", "as-of": "2026-12-01", "sarif-file": ""}
    done, outputs = _run_check_step(action, work, tmp_path, paths="manifests/allowed-warned.yaml", **common)
    assert (done.returncode, outputs["exit-code"]) == (0, "0")
    assert not list(work.rglob("*.sarif"))
    done, outputs = _run_check_step(
        action, work, tmp_path, paths="manifests/allowed-warned.yaml", **common, **{"fail-on-warn": "true"}
    )
    assert (done.returncode, outputs["exit-code"]) == (1, "1")
    done, outputs = _run_check_step(action, work, tmp_path, paths="  ", **common)
    assert (done.returncode, outputs["exit-code"]) == (2, "2")
    assert "::error title=gba-dataflow::the paths input is empty" in done.stdout
