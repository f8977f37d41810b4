"""Shared fixtures: the repository root, the shared reference data and the installed command."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def pytest_configure(config: pytest.Config) -> None:
    """Keep the rules cache of the test run out of the user's own cache directory."""
    if "GBA_DATAFLOW_CACHE_DIR" not in os.environ:
        import tempfile

        os.environ["GBA_DATAFLOW_CACHE_DIR"] = tempfile.mkdtemp(prefix="gba-dataflow-test-cache-")


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data, present where we work and in CI; absent in a user's clone (tests then skip)."""
    data = SHARED / "data"
    if not data.is_dir():
        pytest.skip("../shared/data is not here (a user's clone); reference-data tests run in our CI only")
    return data


@pytest.fixture(scope="session")
def cli_command() -> list[str]:
    """The installed `gba-dataflow` console script, next to this Python."""
    candidate = Path(sys.executable).with_name("gba-dataflow")
    if candidate.exists():
        return [str(candidate)]
    found = shutil.which("gba-dataflow")
    if found:
        return [found]
    pytest.skip("the gba-dataflow command is not installed (run `make test`)")
    return []


@pytest.fixture()
def cli_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("GITHUB_STEP_SUMMARY", None)
    env["NO_COLOR"] = "1"
    env["COLUMNS"] = "100"
    return env
