"""A per-user disk cache of derived bytes (parsed rules, compiled code), safe to delete at any time.

Entries are named by their caller from a digest of everything they depend on, so an entry is never
stale. The cache lives in `$GBA_DATAFLOW_CACHE_DIR`, else `$XDG_CACHE_HOME/gba-dataflow`, else
`~/.cache/gba-dataflow` (none when the home directory is unknown); set `GBA_DATAFLOW_CACHE_DIR=off` to
disable it. It is used only when the directory and the entry belong to the current user and nobody else
may write to them (entries may be pickles or code, which must never be read from a place another user
controls). Writes are atomic; any failure to read or write (a read-only home, a full disk) is silently
skipped. The cache stays bounded: a write keeps the `KEEP` most recently used entries of its kind and
deletes the others.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
from pathlib import Path
from typing import Any

ENV = "GBA_DATAFLOW_CACHE_DIR"
_ENTRY = r"[a-z]+-[0-9a-f]{64}\.[a-z]+"
"""The names of entries: a kind, the sha256 the caller names the entry by, an extension."""
KEEP = 32
"""Entries of one kind (the part of the name before the first `-`) kept: the most recently used. Every edit
of the rules and every upgrade makes new entries, so older ones are deleted as new ones are written."""


def cache_dir() -> Path | None:
    """Where entries live, or None when caching is disabled."""
    configured = os.environ.get(ENV)
    if configured is not None:
        if configured.strip().lower() in ("", "off", "0", "false", "no"):
            return None
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:  # no $HOME and no passwd entry (a container run as an arbitrary user id)
            return None
    return Path(base) / "gba-dataflow"


def read(name: str) -> bytes | None:
    """The bytes of entry `name`, or None (missing, unsafe or unreadable)."""
    directory = cache_dir()
    if directory is None or not _safe(directory):
        return None
    entry = directory / name
    try:
        if not _safe(entry):
            return None
        data = entry.read_bytes()
    except OSError:
        return None
    with contextlib.suppress(OSError):
        os.utime(entry)  # recently used: kept when older entries are pruned
    return data


def read_marshal(name: str) -> Any | None:
    """The value `marshal` stored in entry `name`, or None (missing, unsafe, unreadable or damaged)."""
    data = read(name)
    if data is None:
        return None
    import marshal

    try:
        return marshal.loads(data)
    except (EOFError, ValueError, TypeError):
        return None


def write(name: str, data: bytes) -> None:
    """Save entry `name` atomically."""
    directory = cache_dir()
    if directory is None:
        return
    import tempfile  # only here: a cache hit, the common start-up, never needs it

    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _safe(directory):
            return
        handle, temporary = tempfile.mkstemp(prefix=f".{name}-", dir=directory)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, directory / name)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
        _prune(directory, name.split("-", 1)[0])
    except OSError:
        return


def _prune(directory: Path, kind: str) -> None:
    """Delete all but the KEEP most recently used entries of a kind. Only files named as this cache names
    its entries (`kind-<sha256>.ext`) are touched: the directory may be one the user also keeps other
    files in."""
    entries = []
    for entry in directory.glob(f"{kind}-*"):
        if re.fullmatch(_ENTRY, entry.name) is None:  # compiled only here: writes are rare
            continue
        try:
            info = entry.lstat()
        except OSError:
            continue
        if stat.S_ISREG(info.st_mode):
            entries.append((info.st_mtime_ns, entry))
    entries.sort(reverse=True)
    for _, entry in entries[KEEP:]:
        entry.unlink(missing_ok=True)


def _safe(path: Path) -> bool:
    """Owned by this user and not writable by group or others."""
    try:
        info = path.stat()
    except OSError:
        return False
    owner_ok = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    return owner_ok and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
