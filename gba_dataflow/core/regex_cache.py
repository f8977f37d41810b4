"""Compile the regular expressions of a `gba-dataflow` process once per Python, not once per process.

A `check` compiles about forty regular expressions as it starts, most of them when importing PyYAML and
the standard library: 72 million instructions, a sixth of `check one.yaml`. `re` compiles a pattern in
two steps: Python code parses it and assembles the matcher's program (a list of integers), then
`_sre.compile` makes the pattern object from that list. `install()` replaces the first step
(`re._compiler.compile`, through which `re.compile`, `re.match` and the rest compile) with a lookup of
`_sre.compile`'s arguments in the disk cache (`core.disk_memo`), keyed by the pattern and its flags.

On a miss the pattern is compiled as before, and its arguments are kept only if building a pattern from
them gives an equal pattern (the same program, flags and groups), so a `re` whose internals differ from
those of Python 3.11-3.13 is never served wrongly. A pattern that warns is not kept, so that it warns
every time. The console script installs this for its own process (`cli.main.console_script`); the
regular expressions of a program that imports the package are never cached.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from typing import Any

from gba_dataflow._version import __version__
from gba_dataflow.core import diskcache
from gba_dataflow.core.disk_memo import DiskMemo, build_entry_name

_compiler: Any = getattr(re, "_compiler", None)
_sre: Any = getattr(_compiler, "_sre", None)
ENTRY_NAME = build_entry_name("regex", __version__)
"""The cache entry: one per Python build, since the matcher's programs are specific to it, and per release
of the package, as the records' code cache (its patterns change with the code)."""

_memo = DiskMemo(ENTRY_NAME, max_entries=1024)


class _Installed:
    """`re`'s own compile while the cache is installed; whether the cache is busy reading or writing (it
    may compile patterns of its own, which go straight to `re`); how many patterns it kept and served."""

    original: Callable[[Any, int], re.Pattern[Any]] | None = None
    busy = False
    kept = 0
    served = 0


def install() -> None:
    """Compile this process's regular expressions through the cache (unless caching is off)."""
    if _Installed.original is not None or diskcache.cache_dir() is None:
        return
    if not callable(getattr(_compiler, "compile", None)) or not callable(getattr(_sre, "compile", None)):
        return
    _Installed.original = _compiler.compile
    _compiler.compile = _compile


def uninstall() -> None:
    """Compile as `re` does again (for tests)."""
    if _Installed.original is not None:
        _compiler.compile = _Installed.original
        _Installed.original = None


def installed() -> bool:
    """Whether `install` took effect."""
    return _Installed.original is not None


def stats() -> tuple[int, int]:
    """(compiled and kept, served from the cache) in this process: for tests and benchmarks."""
    return _Installed.kept, _Installed.served


def _compile(pattern: Any, flags: int = 0) -> re.Pattern[Any]:
    original = _Installed.original
    assert original is not None
    if _Installed.busy or type(pattern) not in (str, bytes) or type(flags) is not int or flags & re.DEBUG:
        return original(pattern, flags)
    _Installed.busy = True
    try:
        key = (pattern, flags)
        arguments = _memo.get(key)
        if arguments is not None:
            try:
                compiled: re.Pattern[Any] = _sre.compile(pattern, *arguments)
            except Exception:  # a damaged entry: compiled again below
                pass
            else:
                _Installed.served += 1
                return compiled
        compiled = original(pattern, flags)
        arguments = _arguments_of(pattern, flags, compiled)
        if arguments is not None:
            _memo.put(key, arguments)
            _Installed.kept += 1
        return compiled
    finally:
        _Installed.busy = False


def _arguments_of(pattern: Any, flags: int, compiled: re.Pattern[Any]) -> tuple[Any, ...] | None:
    """The arguments from which `_sre.compile` makes `compiled`, as `re._compiler.compile` passes them; None
    if the pattern warns or the arguments do not give an equal pattern."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            parsed = _compiler._parser.parse(pattern, flags)
            program = [int(word) for word in _compiler._code(parsed, flags)]
        groups: dict[str, int] = dict(parsed.state.groupdict)
        names: list[str | None] = [None] * parsed.state.groups
        for name, index in groups.items():
            names[index] = name
        arguments = (int(flags | parsed.state.flags), program, parsed.state.groups - 1, groups, tuple(names))
        rebuilt = _sre.compile(pattern, *arguments)
    except Exception:  # a warning, or internals other than those this was written for
        return None
    if rebuilt != compiled or rebuilt.groups != compiled.groups or rebuilt.groupindex != compiled.groupindex:
        return None
    return arguments
