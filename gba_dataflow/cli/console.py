"""Where the CLI writes: machine output to stdout or --output, human chatter and errors to stderr."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from gba_dataflow.core.errors import Diagnostic, GbaError, UsageError


def use_color(no_color: bool, stream: object = None) -> bool:
    """Colour on a terminal; never with --no-color or NO_COLOR set (no-color.org); always, even on a pipe
    (a CI log that shows ANSI colours), with FORCE_COLOR set (force-color.org). Both variables count
    only when set to a non-empty value; NO_COLOR wins over FORCE_COLOR, as in Python's own REPL."""
    if no_color or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    target = stream if stream is not None else sys.stdout
    isatty = getattr(target, "isatty", None)
    return bool(isatty and isatty())


def write_output(text: str, output: Path | None, *, option: str = "--output") -> None:
    """Write a rendered document to --output (atomically) or to stdout. A failure names `option`, the
    option that gave the file (`--report` for a report's)."""
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        temporary = output.with_name(f".{output.name}.tmp")
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(output)
    except OSError as error:
        raise UsageError(f"cannot write {option} `{output}`: {error.strerror}", code="E501") from None


@contextlib.contextmanager
def open_output(output: Path | None, option: str = "--output") -> Iterator[Callable[[str], object]]:
    """A `write` function for a document written in pieces: to stdout, or atomically to the file of
    `option` (the file appears, complete, only if the whole run succeeded)."""
    if output is None:
        yield sys.stdout.write
        sys.stdout.flush()
        return
    temporary = output.with_name(f".{output.name}.tmp")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        handle = temporary.open("w", encoding="utf-8")
    except OSError as error:
        raise UsageError(f"cannot write {option} `{output}`: {error.strerror}", code="E501") from None
    try:
        with handle:
            yield handle.write
        temporary.replace(output)
    finally:
        temporary.unlink(missing_ok=True)


def print_diagnostics(diagnostics: Iterable[Diagnostic]) -> None:
    """Print diagnostics to stderr, one block each."""
    for diagnostic in diagnostics:
        sys.stderr.write(diagnostic.render() + "\n")
    sys.stderr.flush()


def print_error(error: GbaError) -> None:
    print_diagnostics(error.diagnostics)
