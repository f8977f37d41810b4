"""A per-user disk cache of parsed and checked rulesets, so a cold `check` skips Lark entirely.

An entry holds the parsed rulesets, the checker's warnings and each ruleset's generated module
(compiled code, `marshal`led). The key is a digest of everything that value depends on: the
gba-dataflow version, the Python version, the DSL's code and grammar, the code generator (codegen.py,
exprgen.py, recording.py), the manifest schema, and every rule file's path and bytes. A changed input
gives a new key, so an entry is never stale; entries are safe to delete at any time.

The cache lives in `$GBA_DATAFLOW_CACHE_DIR`, else `$XDG_CACHE_HOME/gba-dataflow`, else
`~/.cache/gba-dataflow`; set `GBA_DATAFLOW_CACHE_DIR=off` to disable it. It is used only when the
directory belongs to the current user and nobody else may write to it (entries are pickles, which
must never be read from a place another user controls). Writes are atomic.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gba_dataflow import __version__
from gba_dataflow.core.resources import schema_path

ENV = "GBA_DATAFLOW_CACHE_DIR"
_DSL = Path(__file__).resolve().parents[1] / "dsl"
_ENGINE = Path(__file__).resolve().parent
_CODEGEN = tuple(_ENGINE / name for name in ("codegen.py", "exprgen.py", "recording.py"))
"""The code generator: what the generated code cached with the rules depends on."""


def cache_dir() -> Path | None:
    """Where entries live, or None when caching is disabled."""
    configured = os.environ.get(ENV)
    if configured is not None:
        if configured.strip().lower() in ("", "off", "0", "false", "no"):
            return None
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "gba-dataflow"


def rules_key(sources: Sequence[tuple[str, bytes]]) -> str:
    """The digest of every input a parsed-and-checked rulebook depends on."""
    digest = hashlib.sha256()
    # The DSL's own code and the code generator are part of the key, so a changed checker never serves
    # old findings and a changed generator never serves old code.
    code_files = [*sorted(_DSL.glob("*.py")), _DSL / "grammar.lark", *_CODEGEN]
    dsl_sources = [_read(path) for path in code_files]
    parts: list[bytes] = [__version__.encode(), sys.version.encode(), *dsl_sources]
    parts.append(_read(schema_path("manifest")))
    for part in parts:
        digest.update(part + b"\0")
    for name, data in sources:
        digest.update(name.encode() + b"\0" + data + b"\0")
    return digest.hexdigest()


def load(key: str) -> Any | None:
    """The cached value for `key`, or None (missing, unsafe or unreadable entries are ignored)."""
    directory = cache_dir()
    if directory is None or not _safe(directory):
        return None
    entry = directory / f"rules-{key}.pickle"
    try:
        if not _safe(entry):
            return None
        with entry.open("rb") as handle:
            return pickle.load(handle)
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return None


def store(key: str, value: Any) -> None:
    """Save a value atomically; any failure (read-only home, full disk) is silently skipped."""
    directory = cache_dir()
    if directory is None:
        return
    import tempfile  # only here: a cache hit, the common start-up, never needs it

    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _safe(directory):
            return
        handle, temporary = tempfile.mkstemp(prefix=".rules-", dir=directory)
        with os.fdopen(handle, "wb") as out:
            pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, directory / f"rules-{key}.pickle")
    except OSError:
        return


def _safe(path: Path) -> bool:
    """Owned by this user and not writable by group or others."""
    try:
        info = path.stat()
    except OSError:
        return False
    owner_ok = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    return owner_ok and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""
