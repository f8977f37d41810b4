"""The `gba-dataflow` console script.

A plain `gba-dataflow check PATH...` (paths and `-` only, no option) is the command users and pre-commit
run most, usually on one or a few manifests, where start-up is most of the wait. It runs the same
`execute_check` as the typer command, with the same defaults, but without importing typer and building its
commands (a large part of the start-up of such a run). Any other command line, including every option and
every mistake, goes to the typer app, so parsing, help and usage errors have one implementation.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from gba_dataflow.cli.exit_codes import ExitCode
from gba_dataflow.core.source import STDIN

GC_THRESHOLD = 50_000
"""Allocations between two young-generation collections (Python's default: 700). A command allocates a few
hundred thousand objects as it starts (modules, classes, the cached rules), nearly none of them garbage, so
at the default the collector mostly walks live objects. Cyclic garbage waits for at most this many
allocations (benchmarks/README.md has the figures)."""


def console_script() -> None:
    """The `gba-dataflow` command (and `python -m gba_dataflow`): `run` in a process of its own, whose
    garbage collector runs less often (`GC_THRESHOLD`) and which ends without the interpreter's teardown
    (`exit_process`)."""
    import gc

    gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])
    exit_process(run())


def main() -> None:
    """The command line: exit with the command's code; an unexpected failure exits 2, never 0."""
    sys.exit(run())


class Terminated(BaseException):
    """SIGTERM, raised where the process is, so that `finally` blocks run: temporary output files are
    removed and worker processes ended, as for Ctrl-C (docs/security.md)."""


def _terminated(_signum: int, _frame: object) -> None:
    raise Terminated


def run() -> int:
    """Run the command line in `sys.argv`; its exit code."""
    import signal

    signal.signal(signal.SIGTERM, _terminated)
    paths = plain_check_paths(sys.argv[1:])
    if paths is None:
        from gba_dataflow.cli.app import run_app

        return guarded(run_app)
    from gba_dataflow.cli.check_run import CheckRequest, execute_check

    return guarded(lambda: execute_check(CheckRequest(paths=paths)))


def exit_process(code: int) -> NoReturn:
    """End the process with `code` as the interpreter's exit would, without its teardown.

    At exit the interpreter frees every module and object one by one, a sizeable part of a short command
    such as `check one.yaml` (benchmarks/README.md), spent on memory the system reclaims anyway. What an
    exit must still do is done here, in the interpreter's order: a process with threads still running
    exits the usual way, which waits for them; then the `atexit` functions run (`multiprocessing`'s
    clean-up, among others); then stdout and stderr are flushed. A reader that went away (`| head`)
    turns a 0 into 1, silently, as in `guarded`; any other failure to write the output gives 2."""
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        sys.exit(code)
    import atexit

    atexit._run_exitfuncs()
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except BrokenPipeError:
        code = ExitCode.DENIED if code == ExitCode.ALLOWED else code
    except (OSError, ValueError) as error:  # say, a full disk under `> out.txt`
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.write(f"error: cannot write to stdout: {getattr(error, 'strerror', None) or error}\n")
        code = ExitCode.INPUT_ERROR
    with contextlib.suppress(OSError, ValueError):
        if sys.stderr is not None:
            sys.stderr.flush()
    os._exit(code)


def plain_check_paths(args: Sequence[str]) -> list[str] | None:
    """The paths of `check PATH...` when that is the whole command line, else None (typer's job).

    A word starting with `-` (an option, `--`, `--help`), other than `-` itself, leaves it to typer. So does
    Windows, where click expands wildcards in arguments."""
    if os.name == "nt" or len(args) < 2 or args[0] != "check":
        return None
    if os.environ.get("GBA_DATAFLOW_LEDGER"):  # a ledger is an option of the typer command
        return None
    paths = list(args[1:])
    if any(path.startswith("-") and path != STDIN for path in paths):
        return None
    return paths


def guarded(command: Callable[[], int]) -> int:
    """Run a command and return its exit code, handling what typer's click does for its commands: Ctrl-C
    gives 130 (SIGTERM 143) and a reader that went away (`| head`) exit 1, all silently. Any unexpected
    exception gives exit 2 with an E900 message (and the traceback when GBA_DATAFLOW_DEBUG is set)."""
    try:
        return command()
    except KeyboardInterrupt:
        return 130
    except Terminated:
        return 128 + 15
    except BrokenPipeError:
        # Whatever is still buffered for stdout goes nowhere, so that Python's exit does not fail on it.
        with contextlib.suppress(OSError, ValueError):  # a stdout without a file descriptor
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception as error:
        sys.stderr.write(
            f"error E900: internal error in gba-dataflow: {error!r}\n"
            "  hint: this is a bug; please report it with the command you ran\n"
        )
        if os.environ.get("GBA_DATAFLOW_DEBUG"):
            import traceback

            traceback.print_exc()
        return ExitCode.INPUT_ERROR
