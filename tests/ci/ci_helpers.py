"""Helpers for the CI-integration tests: run `gba-dataflow` in-process from tests/ci/fixtures, compare
golden files under tests/ci/golden (UPDATE_GOLDEN=1 rewrites them), validate SARIF against the official
schema and parse JUnit XML.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from gba_dataflow import __version__
from gba_dataflow.cli.app import app

FIXTURES = Path(__file__).parent / "fixtures"
GOLDEN = Path(__file__).parent / "golden"
RULES = ("--rules", "rules")
AS_OF = ("--as-of", "2026-12-01")
VERSION_MARK = "<version>"


def run_cli(
    *args: str, cwd: Path = FIXTURES, input: str | None = None, env: Mapping[str, str] | None = None
) -> tuple[int, str, str]:
    """Invoke `gba-dataflow ARGS` in-process with the given cwd; returns (exit code, stdout, stderr)."""
    runner = CliRunner()
    before = Path.cwd()
    os.chdir(cwd)
    try:
        result = runner.invoke(
            app,
            list(args),
            input=input,
            env={"COLUMNS": "100", "NO_COLOR": "1", "GITHUB_STEP_SUMMARY": "", **(env or {})},
        )
    finally:
        os.chdir(before)
    return result.exit_code, result.stdout, result.stderr


def assert_golden(name: str, text: str) -> None:
    """Compare `text` with tests/ci/golden/NAME byte for byte; UPDATE_GOLDEN=1 rewrites the file."""
    path = GOLDEN / name
    data = text.replace(__version__, VERSION_MARK).encode("utf-8")
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return
    assert path.exists(), f"missing golden file {path}; run with UPDATE_GOLDEN=1 to create it"
    assert data == path.read_bytes(), (
        f"{name} differs from its golden file; rerun with UPDATE_GOLDEN=1 and review"
    )


def copy_fixtures(target: Path) -> Path:
    """A writable copy of tests/ci/fixtures (rules/ and manifests/) under `target`."""
    shutil.copytree(FIXTURES, target, dirs_exist_ok=True)
    return target


# ---- SARIF -------------------------------------------------------------------------------------------

# RFC 3986 URI reference: no spaces or characters outside the allowed set; `%` only in `%XX`.
_URI_CHARS = re.compile(r"^(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


def is_uri_reference(value: object) -> bool:
    return isinstance(value, str) and bool(_URI_CHARS.match(value))


def is_uri(value: object) -> bool:
    return is_uri_reference(value) and bool(_SCHEME.match(str(value)))


def sarif_validator(shared_data: Path) -> Any:
    """A Draft 4 validator for the official SARIF 2.1.0 schema, checking `uri` and `uri-reference` formats."""
    from jsonschema import Draft4Validator, FormatChecker

    schema = json.loads((shared_data / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    checker = FormatChecker()
    checker.checks("uri")(is_uri)
    checker.checks("uri-reference")(is_uri_reference)
    return Draft4Validator(schema, format_checker=checker)


def assert_valid_sarif(shared_data: Path, document: dict[str, Any]) -> None:
    errors = sorted(sarif_validator(shared_data).iter_errors(document), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])
