"""Compile the methods `dataclasses` generates for our classes once per Python, not once per process.

`@dataclass` writes the source of `__init__`, `__eq__`, `__repr__`, `__hash__` and, for frozen classes,
`__setattr__`/`__delattr__`, and compiles it with `exec` each time the class is created: about six
compilations per class, 143 million instructions (a fifth of a `check`'s cold start) for the
fifty classes a check creates. The standard library looks `exec` up in its module's globals, so `install()`
puts a function there that compiles exactly as `exec` would (file name `<string>`, no inherited
`__future__` flags) but keeps the code objects of classes defined in `gba_dataflow` modules in the disk
cache (`core.diskcache`), keyed by their exact source text, in an entry per Python build and release of the
package. A class is then made by the standard library as before, from the same code, without the compiler.
Classes of other packages are compiled as before and never cached.
"""

from __future__ import annotations
import __future__

import builtins
import dataclasses
from collections.abc import Mapping
from typing import Any

from gba_dataflow._version import __version__
from gba_dataflow.core import diskcache
from gba_dataflow.core.disk_memo import DiskMemo, build_entry_name

_PACKAGE = "gba_dataflow."
ENTRY_NAME = build_entry_name("dataclasses", __version__)
"""The cache entry: one per Python build, since code objects are specific to it, and per release of the
package, so that an upgrade does not leave the classes of the release before in the entry every start reads
(a stale entry cost about 20,000 instructions a start; the older entries are pruned like any)."""


class _CodeCache:
    """Code objects by source text, and how many this process compiled and found."""

    def __init__(self) -> None:
        self.memo = DiskMemo(ENTRY_NAME, max_entries=2048)
        self.compiled = 0
        self.hits = 0

    def code_for(self, source: str) -> Any:
        code = self.memo.get(source)
        if code is None:
            code = _compile(source)
            self.memo.put(source, code)
            self.compiled += 1
        else:
            self.hits += 1
        return code


_cache = _CodeCache()


def _compile(source: str) -> Any:
    # What `exec(source)` in the dataclasses module compiles: that module has no `__future__` imports.
    return compile(source, "<string>", "exec", dont_inherit=True)


def _exec(source: Any, namespace: Mapping[str, Any] | None = None, local_namespace: Any = None, /) -> None:
    """`exec` for the dataclasses module: ours from the cache, everyone else's compiled as before."""
    if isinstance(source, str):
        module = namespace.get("__name__") if namespace is not None else None
        cached = isinstance(module, str) and module.startswith(_PACKAGE)
        source = _cache.code_for(source) if cached else _compile(source)
    builtins.exec(source, namespace, local_namespace)  # type: ignore[arg-type]


def install() -> None:
    """Route the dataclasses module's `exec` through the cache, unless caching is off or the module is not
    one this was written for (it compiles with `__future__` flags, or already has an `exec` of its own)."""
    if diskcache.cache_dir() is None or "exec" in vars(dataclasses):
        return
    if dataclasses.dataclass.__code__.co_flags & __future__.annotations.compiler_flag:
        return
    dataclasses.exec = _exec  # type: ignore[attr-defined]


def stats() -> tuple[int, int]:
    """(compiled, served from the cache) in this process: for tests and benchmarks."""
    return _cache.compiled, _cache.hits
