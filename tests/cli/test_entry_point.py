"""The console script: a plain `check PATH...` runs without typer, exactly as typer would run it."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from gba_dataflow.cli import app as typer_app
from gba_dataflow.cli import main as entry
from gba_dataflow.cli.check import check
from gba_dataflow.cli.check_run import CheckRequest
from gba_dataflow.core import records

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize(
    ("args", "paths"),
    [
        (["check", "a.yaml"], ["a.yaml"]),
        (["check", "a.yaml", "dir", "-"], ["a.yaml", "dir", "-"]),
        (["check", "with space.yaml", "ünïcode.yml"], ["with space.yaml", "ünïcode.yml"]),
    ],
)
def test_plain_check_command_lines_take_the_fast_path(args: list[str], paths: list[str]) -> None:
    assert entry.plain_check_paths(args) == paths


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["check"],
        ["--version"],
        ["rules", "check", "rules"],
        ["check", "a.yaml", "--format", "json"],
        ["check", "-f", "json", "a.yaml"],
        ["check", "--", "a.yaml"],
        ["check", "a.yaml", "--help"],
        ["check", "-q", "a.yaml"],
        ["explain", "a.yaml"],
        ["chek", "a.yaml"],
    ],
)
def test_everything_else_goes_to_typer(args: list[str]) -> None:
    assert entry.plain_check_paths(args) is None


def test_the_fast_path_uses_the_commands_own_defaults() -> None:
    """The typer command's defaults are CheckRequest's: both paths run the same check."""
    declared = {
        name: parameter.default
        for name, parameter in inspect.signature(check).parameters.items()
        if parameter.default is not inspect.Parameter.empty
    }
    defaults = {field.name: field.default for field in records.fields(CheckRequest) if field.name != "paths"}
    assert declared == defaults


def _run(
    main: object, args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[object, str, str]:
    monkeypatch.chdir(FIXTURES)
    monkeypatch.setattr(sys, "argv", ["gba-dataflow", *args])
    with pytest.raises(SystemExit) as done:
        main()  # type: ignore[operator]
    captured = capsys.readouterr()
    return done.value.code, captured.out, captured.err


@pytest.mark.parametrize(
    "args",
    [
        ["check", "manifests/allowed.yaml"],
        ["check", "manifests/denied.yaml"],
        ["check", "manifests/invalid.yaml"],
        ["check", "manifests"],
        ["check", "manifests/allowed.yaml", "manifests/denied.yaml", "missing.yaml"],
    ],
)
def test_fast_path_output_is_typers_byte_for_byte(
    args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    assert entry.plain_check_paths(args) is not None
    fast = _run(entry.main, args, monkeypatch, capsys)
    full = _run(typer_app.main, args, monkeypatch, capsys)
    assert fast == full
    assert fast[0] in (0, 1, 2) and fast[1]


def test_an_unexpected_failure_exits_2_never_0(capsys: pytest.CaptureFixture[str]) -> None:
    def broken() -> int:
        raise RuntimeError("boom")

    assert entry.guarded(broken) == 2
    assert "error E900: internal error in gba-dataflow: RuntimeError('boom')" in capsys.readouterr().err


def test_ctrl_c_exits_130_quietly_as_typer_does(capsys: pytest.CaptureFixture[str]) -> None:
    def interrupted() -> int:
        raise KeyboardInterrupt

    assert entry.guarded(interrupted) == 130
    assert capsys.readouterr() == ("", "")


@pytest.mark.e2e
@pytest.mark.parametrize("options", [[], ["--no-color"]], ids=["fast path", "typer"])
def test_a_reader_that_goes_away_ends_the_run_quietly_with_1(
    options: list[str], cli_command: list[str], cli_env: dict[str, str]
) -> None:
    """`gba-dataflow check ... | head -c0`: exit 1 and nothing on stderr, on both paths (as click does)."""
    process = subprocess.Popen(
        [*cli_command, "check", *options, "manifests"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=FIXTURES,
        env=cli_env,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # before the command writes anything
    error = process.stderr.read()
    assert process.wait(timeout=120) == 1
    assert error == b""


@pytest.mark.e2e
def test_a_plain_check_in_english_imports_only_what_it_needs(cli_env: dict[str, str]) -> None:
    """Typer is the other path's; rich measures text the report's own marks and ASCII do not need; OpenSSL
    is not needed for SHA-256 (`core.digest`) once the rules come from the disk cache. (`dataclasses` is
    no longer unwanted: new code declares its data classes with it, `manifests.provenance` first.)"""
    probe = (
        "import sys\n"
        "from gba_dataflow.cli.main import main\n"
        "sys.argv = ['gba-dataflow', 'check', 'manifests/allowed.yaml', 'manifests/denied.yaml']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as done:\n"
        "    unwanted = ('typer', 'click', 'rich', '_hashlib')\n"
        "    loaded = sorted(m for m in sys.modules if m.split('.')[0] in unwanted)\n"
        "    print('exit', done.code, loaded, file=sys.stderr)\n"
    )
    command = [sys.executable, "-c", probe]
    for _ in range(2):  # the first run may parse the rules (Lark uses hashlib) and fill the disk cache
        done = subprocess.run(command, capture_output=True, text=True, cwd=FIXTURES, env=cli_env, check=False)
    assert "ALLOW" in done.stdout and "DENY" in done.stdout
    assert done.stderr.strip().splitlines()[-1] == "exit 1 []"


def test_the_console_script_tunes_its_own_process_then_runs_and_exits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import gc

    from gba_dataflow.core import regex_cache

    calls: list[object] = []
    monkeypatch.setattr(gc, "set_threshold", lambda *args: calls.append(("threshold", *args)))
    monkeypatch.setattr(regex_cache, "install", lambda: calls.append("regex cache"))

    def run() -> int:
        calls.append("run")
        return 3

    monkeypatch.setattr(entry, "run", run)
    monkeypatch.setattr(entry, "exit_process", lambda code: calls.append(("exit", code)))
    entry.console_script()
    assert calls == [
        ("threshold", entry.GC_THRESHOLD, *gc.get_threshold()[1:]),
        "regex cache",
        "run",
        ("exit", 3),
    ]


def _exit_process_in_a_child(body: str, stdout: Any = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    """Run `body` then `exit_process(code)` in a fresh interpreter (atexit functions are process-wide),
    whose stdout is buffered as a command's is, so that what `body` prints is written at exit."""
    probe = f"import sys\nfrom gba_dataflow.cli.main import exit_process\n{body}"
    env = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    return subprocess.run(
        [sys.executable, "-c", probe], stdout=stdout, stderr=subprocess.PIPE, text=True, env=env, check=False
    )


def test_exit_process_runs_atexit_functions_and_flushes_both_streams() -> None:
    done = _exit_process_in_a_child(
        "import atexit\n"
        "atexit.register(lambda: print('saved at exit', file=sys.stderr, end=''))\n"
        "print('unflushed', end='')\n"
        "exit_process(3)\n"
    )
    assert (done.returncode, done.stdout, done.stderr) == (3, "unflushed", "saved at exit")


def test_exit_process_waits_for_running_threads_as_the_interpreter_does() -> None:
    done = _exit_process_in_a_child(
        "import threading, time\n"
        "threading.Thread(target=lambda: (time.sleep(0.2), print('thread done'))).start()\n"
        "exit_process(1)\n"
    )
    assert (done.returncode, done.stdout) == (1, "thread done\n")


@pytest.mark.parametrize(("code", "expected"), [(0, 1), (1, 1), (2, 2)])
def test_exit_process_when_the_reader_went_away_never_exits_0(code: int, expected: int) -> None:
    read, write = os.pipe()
    os.close(read)
    try:
        done = _exit_process_in_a_child(f"print('lost')\nexit_process({code})\n", stdout=write)
    finally:
        os.close(write)
    assert done.returncode == expected
    assert done.stderr == ""


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full to make a write fail")
def test_exit_process_that_cannot_write_the_output_exits_2_and_says_so() -> None:
    with open("/dev/full", "w") as full:
        done = _exit_process_in_a_child("print('lost')\nexit_process(0)\n", stdout=full)
    assert done.returncode == 2
    assert done.stderr == "error: cannot write to stdout: No space left on device\n"


def test_python_dash_m_runs_the_console_script() -> None:
    import gba_dataflow.__main__ as module

    assert module.console_script is entry.console_script
