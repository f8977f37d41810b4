"""Helpers for CLI tests: run the app in-process from the fixtures folder; compare golden files."""

from __future__ import annotations

import os
from pathlib import Path

from typer.testing import CliRunner

from gba_dataflow.cli.app import app

FIXTURES = Path(__file__).parent / "fixtures"
GOLDEN = Path(__file__).parent / "golden"


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    """Invoke `gba-dataflow ARGS` in-process with cwd = fixtures; returns (exit code, stdout, stderr)."""
    runner = CliRunner()
    cwd = Path.cwd()
    os.chdir(FIXTURES)
    try:
        result = runner.invoke(app, list(args), input=input, env={"COLUMNS": "100", "NO_COLOR": "1"})
    finally:
        os.chdir(cwd)
    return result.exit_code, result.stdout, result.stderr


def assert_golden(name: str, text: str) -> None:
    """Compare with tests/cli/golden/NAME; UPDATE_GOLDEN=1 rewrites it."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text, f"{name} differs; rerun with UPDATE_GOLDEN=1 and review"
