"""docs/ci.md documents what CI users rely on, in step with action.yml and the CLI."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from gba_dataflow.cli.formats import RENDERERS


def _doc(repo_root: Path) -> str:
    return (repo_root / "docs" / "ci.md").read_text(encoding="utf-8")


def test_ci_doc_has_the_recipes_exit_codes_and_every_format(repo_root: Path) -> None:
    text = _doc(repo_root)
    for heading in ("## Exit codes", "## GitHub Actions", "## GitLab CI", "## Jenkins", "## pre-commit"):
        assert heading in text, heading
    for code in ("| `0` |", "| `1` |", "| `2` |"):
        assert code in text
    for name in RENDERERS:
        assert f"### {name}" in text, name
    for option in ("--report FORMAT:FILE", "--jobs N", "--fail-on-warn", "$GITHUB_STEP_SUMMARY", "%SRCROOT%"):
        assert option in text, option


def test_every_action_input_is_documented(repo_root: Path) -> None:
    action = yaml.safe_load((repo_root / "action.yml").read_text(encoding="utf-8"))
    documented = set(re.findall(r"^\| `([a-z-]+)` \| ", _doc(repo_root), flags=re.MULTILINE))
    assert set(action["inputs"]) <= documented
    for name, spec in action["inputs"].items():
        assert f"| `{name}` | `{spec['default']}` |" in _doc(repo_root) or spec["default"] == "", name
