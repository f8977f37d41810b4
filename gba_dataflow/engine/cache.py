"""The disk cache of parsed and checked rulesets, so a cold `check` skips Lark entirely.

An entry holds the parsed rulesets, the checker's warnings, each ruleset's generated module (compiled code,
`marshal`led) and the rules' digest. The key is a digest of everything that value depends on: the
gba-dataflow version, the Python version, the DSL's code and grammar, the code generator (codegen.py,
exprgen.py), the modules of the other classes it holds (spans, diagnostics, records), the
manifest schema, and every rule file's path and bytes. The package's own files count by size and
modification time, as CPython decides whether a `.pyc` is stale (hashing their ~300 KB took 3 % of a cold
`check`); the rule files, which users edit, by their bytes. A changed input gives a new key, so an entry is
never stale. Where entries live, and when they are used at all, is `core.diskcache`'s business.
"""

from __future__ import annotations

import os
import pickle
import sys
from collections.abc import Sequence
from hashlib import sha256
from pathlib import Path
from typing import Any

from gba_dataflow import __version__
from gba_dataflow.core import diskcache
from gba_dataflow.core.resources import schema_path

_DSL = Path(__file__).resolve().parents[1] / "dsl"
_ENGINE = Path(__file__).resolve().parent
_CODEGEN = tuple(_ENGINE / name for name in ("codegen.py", "exprgen.py"))
"""The code generator: what the generated code cached with the rules depends on."""
_PICKLED = tuple(_DSL.parent / "core" / name for name in ("source.py", "errors.py"))
"""Where the other classes of a cached entry are defined (spans and diagnostics)."""


def rules_key(sources: Sequence[tuple[str, bytes]]) -> str:
    """The digest of every input a parsed-and-checked rulebook depends on."""
    digest = sha256()
    # The DSL's own code and the code generator are part of the key, so a changed checker never serves
    # old findings and a changed generator never serves old code.
    code_files = [*sorted(_DSL.glob("*.py")), _DSL / "grammar.lark", *_CODEGEN, *_PICKLED]
    parts: list[bytes] = [__version__.encode(), sys.version.encode()]
    parts += [_signature(path) for path in [*code_files, schema_path("manifest")]]
    for part in parts:
        digest.update(part + b"\0")
    for name, data in sources:
        digest.update(name.encode() + b"\0" + data + b"\0")
    return digest.hexdigest()


def load(key: str) -> Any | None:
    """The cached value for `key`, or None (missing, unsafe or unreadable entries are ignored)."""
    data = diskcache.read(f"rules-{key}.pickle")
    if data is None:
        return None
    try:
        return pickle.loads(data)
    except (pickle.PickleError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return None


def store(key: str, value: Any) -> None:
    """Save a value atomically; any failure (read-only home, full disk) is silently skipped."""
    diskcache.write(f"rules-{key}.pickle", pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


def _signature(path: Path) -> bytes:
    """A file of the package as its path, size and modification time (empty when it cannot be found)."""
    try:
        status = os.stat(path)
    except OSError:
        return b""
    return f"{path}\0{status.st_size}\0{status.st_mtime_ns}".encode()
