"""Shared helpers of the authoring-tool tests: fixture paths, the in-process CLI and golden files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gba_dataflow.cli.app import app

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
GOLDEN = HERE / "golden"
REPO = HERE.parents[1]


def run_cli(*args: str, cwd: Path = FIXTURES, input: str | None = None) -> tuple[int, str, str]:
    """Invoke `gba-dataflow ARGS` in-process with the working directory `cwd`: (exit code, stdout, stderr)."""
    runner = CliRunner()
    before = Path.cwd()
    os.chdir(cwd)
    try:
        result = runner.invoke(app, list(args), input=input, env={"COLUMNS": "100", "NO_COLOR": "1"})
    finally:
        os.chdir(before)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def assert_golden(name: str, text: str) -> None:
    """Compare `text` with golden/NAME byte for byte; UPDATE_GOLDEN=1 rewrites the file instead."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    if not path.exists():
        pytest.fail(f"missing golden file {path}; run with UPDATE_GOLDEN=1 to create it")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs; rerun with UPDATE_GOLDEN=1 and review"
