"""Where the CLI writes: machine output to stdout or --output, human chatter and errors to stderr."""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from gba_dataflow.core.errors import Diagnostic, GbaError, OutputError
from gba_dataflow.core.i18n import os_problem, tr
from gba_dataflow.core.safe_write import replace_file
from gba_dataflow.core.source import STDIN, Span
from gba_dataflow.reports.labels import render_diagnostic


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
    """Write a rendered document to --output (atomically, see `core.safe_write`) or to stdout (also for
    `-o -`). Any failure to write raises an OutputError (E550) that names the file and `option`, the
    option that gave it (`--report` for a report's)."""
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
        _make_parent(output)
        with replace_file(str(output)) as handle:
            handle.write(data)
    except OSError as error:
        raise _output_error(str(output), error, option) from None


@contextlib.contextmanager
def open_output(output: Path | None, option: str = "--output") -> Iterator[Callable[[str], object]]:
    """A `write` function for a document written in pieces: to stdout, or atomically to the file of
    `option` (the file appears, complete, only if the whole run succeeded; no temporary file is left
    behind on an error, Ctrl-C or SIGTERM). A failure to write raises an OutputError (E550) that names the
    file and the option."""
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
        _make_parent(output)
        with replace_file(name) as handle:
            text = io.TextIOWrapper(handle, encoding="utf-8", newline="", write_through=False)
            yield _checked_write(text.write, name, option)
            text.flush()
            text.detach()
    except OSError as error:
        raise _output_error(name, error, option) from None


def _make_parent(output: Path) -> None:
    """The directory of an output file, made if it does not exist yet (`-o reports/decisions.json`)."""
    if not output.parent.is_dir():
        output.parent.mkdir(parents=True, exist_ok=True)


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


def _checked_write(
    write: Callable[[str], object], name: str, option: str | None = None
) -> Callable[[str], object]:
    def checked(text: str) -> object:
        try:
            return write(printable(text))
        except BrokenPipeError:
            raise
        except OSError as error:
            raise _output_error(name, error, option) from None

    return checked


def _output_error(name: str, error: OSError, option: str | None = None) -> OutputError:
    problem = os_problem(error)
    return OutputError(
        tr("cannot write {option} `{name}`: {problem}", option=option, name=name, problem=problem)
        if option
        else tr("cannot write `{name}`: {problem}", name=name, problem=problem),
        span=Span(name, 1, 1),
        hint=tr("check the path, the permissions and the free space"),
    )


def print_diagnostics(diagnostics: Iterable[Diagnostic], lang: str = "en") -> None:
    """Print diagnostics to stderr, one block each, in `lang`."""
    for diagnostic in diagnostics:
        sys.stderr.write(render_diagnostic(diagnostic, lang) + "\n")
    sys.stderr.flush()


def print_error(error: GbaError, lang: str = "en") -> None:
    print_diagnostics(error.diagnostics, lang)
