"""Issue 22 point 7: a missing path is an error, not a manifest; duplicate ids are flagged (W425)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gba_dataflow.app.duplicates import DuplicateIds
from gba_dataflow.cli import main as entry
from gba_dataflow.reports.common import summary_line

FIXTURES = Path(__file__).parent / "fixtures"


def run(
    args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[object, str, str]:
    monkeypatch.setattr(sys, "argv", ["gba-dataflow", *args])
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    with pytest.raises(SystemExit) as done:
        entry.main()
    captured = capsys.readouterr()
    return done.value.code, captured.out, captured.err


def test_the_summary_does_not_count_a_missing_path_as_a_manifest() -> None:
    assert summary_line({"allow": 0, "deny": 0, "error": 1}, missing=1) == (
        "0 manifests: 0 allowed, 0 denied, 1 with input errors, 0 with warnings (1 path without a manifest)"
    )
    assert summary_line({"allow": 1, "deny": 1, "error": 3}, missing=2) == (
        "3 manifests: 1 allowed, 1 denied, 3 with input errors, 0 with warnings (2 paths without a manifest)"
    )
    assert summary_line({"allow": 1, "deny": 0, "error": 0}) == (
        "1 manifest: 1 allowed, 0 denied, 0 with input errors, 0 with warnings"
    )


@pytest.mark.parametrize("quiet", [[], ["-q"]])
def test_check_of_a_missing_path_says_so(
    tmp_path: Path, quiet: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(FIXTURES)
    (tmp_path / "empty").mkdir()
    code, out, _ = run(["check", *quiet, "missing.yaml", str(tmp_path / "empty")], monkeypatch, capsys)
    assert code == 2
    assert "0 manifests: 0 allowed, 0 denied, 2 with input errors, 0 with warnings" in " ".join(
        str(out).split()
    )
    assert "(2 paths without a manifest)" in " ".join(str(out).split())


def test_duplicate_ids_are_flagged_at_the_later_manifest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(FIXTURES / "manifests" / "allowed.yaml", tmp_path / "a.yaml")
    shutil.copy(FIXTURES / "manifests" / "allowed.yaml", tmp_path / "b.yaml")
    monkeypatch.chdir(tmp_path)
    line = next(
        n for n, text in enumerate(Path("b.yaml").read_text().splitlines(), 1) if text.startswith("id:")
    )
    for extra in ([], ["-f", "json"], ["-f", "json", "--jobs", "2"], ["-f", "sarif"]):
        code, _, err = run(["check", ".", *extra], monkeypatch, capsys)
        assert code == 0, extra
        assert str(err).startswith(f"./b.yaml:{line}:5: warning W425: manifest id `"), extra
        assert "is also the id of `./a.yaml`" in str(err)


def test_the_first_manifest_owns_an_id() -> None:
    watch = DuplicateIds()
    for manifest_id, manifest in [
        ("x", "1.yaml"),
        (None, "2.yaml"),
        ("y", "3.yaml"),
        ("x", "4.yaml"),
        ("x", "5.yaml"),
    ]:
        watch.see(manifest_id, manifest)
    assert [(d.code, d.path, d.message) for d in watch.diagnostics()] == [
        ("W425", "4.yaml", "manifest id `x` is also the id of `1.yaml`"),
        ("W425", "5.yaml", "manifest id `x` is also the id of `1.yaml`"),
    ]


def test_a_batch_of_copies_lists_ten_and_counts_the_rest() -> None:
    watch = DuplicateIds()
    for index in range(25):
        watch.see("same", f"{index}.yaml")
    shown = watch.diagnostics()
    assert len(shown) == 11 and shown[-1].message == "14 more manifests repeat an id of this run"


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("shell", "start"),
    [
        ("bash", "_gba_dataflow_completion() {"),
        ("zsh", "#compdef gba-dataflow"),
        ("fish", "complete --command"),
    ],
)
def test_shell_completion_scripts_for_bash_zsh_and_fish(
    shell: str, start: str, cli_command: list[str], cli_env: dict[str, str]
) -> None:
    env = {**cli_env, "_GBA_DATAFLOW_COMPLETE": f"source_{shell}"}
    done = subprocess.run(cli_command, capture_output=True, text=True, env=env, check=False, timeout=60)
    assert done.returncode == 0 and done.stdout.strip().startswith(start)


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("words", "cword", "offered"),
    [("gba-dataflow ru", "1", "rules"), ("gba-dataflow check --wa", "2", "--waivers")],
)
def test_bash_completion_offers_commands_and_options(
    words: str, cword: str, offered: str, cli_command: list[str], cli_env: dict[str, str]
) -> None:
    env = {**cli_env, "_GBA_DATAFLOW_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": cword}
    done = subprocess.run(cli_command, capture_output=True, text=True, env=env, check=False, timeout=60)
    assert offered in done.stdout.split()
