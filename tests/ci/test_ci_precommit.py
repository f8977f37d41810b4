"""`.pre-commit-hooks.yaml`: the real `pre-commit` tool runs the hook on a temporary git repository.

Two ways: a `repo: local` hook built from our hook definition (fast, offline), and the way other
repositories use it, `repo:` pointing at a git copy of this project, which pre-commit installs into its own
virtualenv with pip (skipped, with the reason, when that environment cannot be built here).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from ci_helpers import FIXTURES

pytest.importorskip("pre_commit", reason="pre-commit is a dev dependency (pip install -e '.[dev]')")
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git"),
]

HOOK_ID = "gba-dataflow-check"
PROJECT_FILES = (
    "gba_dataflow",
    "rules",
    "schemas",
    "examples",
    "pyproject.toml",
    "README.md",
    ".pre-commit-hooks.yaml",
)
GIT_ENV = {
    "GIT_AUTHOR_NAME": "test",
    "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "test",
    "GIT_COMMITTER_EMAIL": "test@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
}


@pytest.fixture(scope="module")
def hook(repo_root: Path) -> dict[str, Any]:
    hooks: list[dict[str, Any]] = yaml.safe_load(
        (repo_root / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    )
    (found,) = [item for item in hooks if item["id"] == HOOK_ID]
    return found


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT", "GITHUB_"))}
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env |= GIT_ENV | {
        "HOME": str(home),
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-cache"),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        "NO_COLOR": "1",
    }
    return env


def _git(cwd: Path, env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True, timeout=60
    )
    return done.stdout.strip()


def _consumer(tmp_path: Path, env: dict[str, str], config: dict[str, Any]) -> Path:
    """A git repository with manifests, an unrelated YAML file, the test ruleset and a pre-commit config."""
    repo = tmp_path / "consumer"
    (repo / "manifests").mkdir(parents=True)
    (repo / "config").mkdir()
    shutil.copytree(FIXTURES / "rules", repo / "rules")
    for name in ("allowed.yaml", "denied.yaml"):
        shutil.copy(FIXTURES / "manifests" / name, repo / "manifests" / name)
    (repo / "config" / "settings.yaml").write_text("retries: 3\n", encoding="utf-8")  # not a manifest
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    _git(repo, env, "init", "-q")
    _git(repo, env, "add", "-A")
    return repo


def _pre_commit(repo: Path, env: dict[str, str], timeout: int = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never"],
        cwd=repo, env=env, capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip


def test_hook_definition_is_valid_for_pre_commit(repo_root: Path, hook: dict[str, Any]) -> None:
    from pre_commit.clientlib import load_manifest

    (loaded,) = [
        item for item in load_manifest(str(repo_root / ".pre-commit-hooks.yaml")) if item["id"] == HOOK_ID
    ]
    assert loaded["entry"] == "gba-dataflow check"
    assert loaded["language"] == "python"
    files = re.compile(hook["files"])
    for path in ("manifests/a.yaml", "data/manifests/b/c.json", "x.manifest.yml"):
        assert files.search(path), path
    for path in ("config/settings.yaml", ".github/workflows/ci.yml", "manifests.yaml"):
        assert not files.search(path), path


def test_a_local_hook_built_from_the_definition_blocks_a_denied_manifest(
    tmp_path: Path, hook: dict[str, Any]
) -> None:
    env = _env(tmp_path)
    local = {
        key: value for key, value in hook.items() if key not in ("language", "minimum_pre_commit_version")
    }
    local |= {"language": "system", "args": ["--rules", "rules"]}  # the installed command, no env to build
    repo = _consumer(tmp_path, env, {"repos": [{"repo": "local", "hooks": [local]}]})

    failed = _pre_commit(repo, env)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "gba-dataflow check" in failed.stdout and "Failed" in failed.stdout
    assert "✘ DENY  manifests/denied.yaml" in failed.stdout
    assert "settings.yaml" not in failed.stdout  # the files pattern kept it out

    _git(repo, env, "rm", "-q", "-f", "manifests/denied.yaml")
    passed = _pre_commit(repo, env)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout


def _project_copy(repo_root: Path, target: Path, env: dict[str, str]) -> str:
    """A git repository holding the working tree of this project (uncommitted changes included)."""
    target.mkdir()
    for name in PROJECT_FILES:
        source = repo_root / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy(source, target / name)
    _git(target, env, "init", "-q")
    _git(target, env, "add", "-A")
    _git(target, env, "-c", "commit.gpgsign=false", "commit", "-q", "-m", "snapshot")
    return _git(target, env, "rev-parse", "HEAD")


def test_other_repositories_can_use_the_hook_from_this_repository(repo_root: Path, tmp_path: Path) -> None:
    env = _env(tmp_path)
    project = tmp_path / "gba-dataflow"
    revision = _project_copy(repo_root, project, env)
    config = {
        "repos": [
            {"repo": str(project), "rev": revision, "hooks": [{"id": HOOK_ID, "args": ["--rules", "rules"]}]}
        ]
    }
    repo = _consumer(tmp_path, env, config)

    install = subprocess.run(
        [sys.executable, "-m", "pre_commit", "install-hooks", "--color", "never"],
        cwd=repo, env=env, capture_output=True, text=True, timeout=240, check=False,
    )  # fmt: skip
    if install.returncode != 0:
        tail = "\n".join((install.stdout + install.stderr).strip().splitlines()[-5:])
        pytest.skip(f"pre-commit could not build the hook's Python environment here (pip needs PyPI): {tail}")

    failed = _pre_commit(repo, env)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "- hook id: gba-dataflow-check" in failed.stdout
    assert "✘ DENY  manifests/denied.yaml" in failed.stdout
    assert "✔ ALLOW  manifests/allowed.yaml" in failed.stdout
