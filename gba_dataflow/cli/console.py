"""Where the CLI writes: machine output to stdout or --output, human chatter and errors to stderr."""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from gba_dataflow.core.errors import Diagnostic, GbaError, OutputError
from gba_dataflow.core.safe_write import replace_file
from gba_dataflow.core.source import STDIN, Span


def use_color(no_color: bool, stream: object = None) -> bool:
    """Colour only on a terminal, never with --no-color or NO_COLOR set."""
    if no_color or os.environ.get("NO_COLOR"):
        return False
    target = stream if stream is not None else sys.stdout
    isatty = getattr(target, "isatty", None)
    return bool(isatty and isatty())


def write_output(text: str, output: Path | None) -> None:
    """Write a rendered document to --output (atomically, see `core.safe_write`) or to stdout (also for
    `-o -`). Any failure to write raises an OutputError (E550) that names the file."""
    text = printable(text)
    if output is None or str(output) == STDIN:
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except BrokenPipeError:
            raise
        except OSError as error:
            raise _output_error("stdout", error) from None
        return
    data = text.encode("utf-8")
    try:
        with replace_file(str(output)) as handle:
            handle.write(data)
    except OSError as error:
        raise _output_error(str(output), error) from None


@contextlib.contextmanager
def open_output(output: Path | None) -> Iterator[Callable[[str], object]]:
    """A `write` function for a document written in pieces: to stdout, or atomically to --output
    (the file appears, complete, only if the whole run succeeded; no temporary file is left behind on
    an error, Ctrl-C or SIGTERM). A failure to write raises an OutputError (E550) that names the file."""
    if output is None or str(output) == STDIN:
        yield _checked_write(sys.stdout.write, "stdout")
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            raise
        except OSError as error:
            raise _output_error("stdout", error) from None
        return
    name = str(output)
    try:
        with replace_file(name) as handle:
            text = io.TextIOWrapper(handle, encoding="utf-8", newline="", write_through=False)
            yield _checked_write(text.write, name)
            text.flush()
            text.detach()
    except OSError as error:
        raise _output_error(name, error) from None


def printable(text: str) -> str:
    """`text` as UTF-8 can hold it: a lone surrogate (a file name that is not UTF-8, which Python decodes
    with `surrogateescape`) is written as its `\\udcff` escape instead of failing the whole report."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def _checked_write(write: Callable[[str], object], name: str) -> Callable[[str], object]:
    def checked(text: str) -> object:
        try:
            return write(printable(text))
        except BrokenPipeError:
            raise
        except OSError as error:
            raise _output_error(name, error) from None

    return checked


def _output_error(name: str, error: OSError) -> OutputError:
    problem = error.strerror or str(error)
    return OutputError(
        f"cannot write `{name}`: {problem}",
        span=Span(name, 1, 1),
        hint="check the path, the permissions and the free space",
    )


def print_diagnostics(diagnostics: Iterable[Diagnostic]) -> None:
    """Print diagnostics to stderr, one block each."""
    for diagnostic in diagnostics:
        sys.stderr.write(diagnostic.render() + "\n")
    sys.stderr.flush()


def print_error(error: GbaError) -> None:
    print_diagnostics(error.diagnostics)
