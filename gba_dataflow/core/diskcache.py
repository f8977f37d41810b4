"""A per-user disk cache of derived bytes (parsed rules, compiled code), safe to delete at any time.

Entries are named by their caller from a digest of everything they depend on, so an entry is never
stale. The cache lives in `$GBA_DATAFLOW_CACHE_DIR`, else `$XDG_CACHE_HOME/gba-dataflow`, else
`~/.cache/gba-dataflow` (none when the home directory is unknown); set `GBA_DATAFLOW_CACHE_DIR=off` to
disable it.

Entries hold marshalled code, which runs when a rulebook is linked, so what is read must be exactly what
this user wrote (see docs/security.md):

- The location is checked before any entry is read or written: the cache directory must belong to this
  user and be writable by nobody else, and each directory above it must belong to this user or to root
  and be writable by nobody else unless it is sticky (`/tmp`). Each directory is opened with
  `O_NOFOLLOW` below the one before, and entries are opened relative to the cache directory's own
  descriptor, so a directory swapped for a symlink mid-run is never followed. An unsafe location is
  refused with a one-line warning on stderr and the run goes on uncached.
- Entries are opened with `O_NOFOLLOW | O_NONBLOCK` and checked with `fstat` on the open descriptor: a
  regular file of this user that nobody else may write.
- Each entry starts with a format version and the SHA-256 of its payload, checked before the payload is
  returned (so before anything is unmarshalled): a flipped bit or a truncated write reads as a miss, the
  entry is deleted, and the caller rebuilds it.

Writes go to a temporary file created with `O_EXCL` under a random name and renamed over the entry; any
failure to read or write (a read-only home, a full disk) is silently skipped. The cache stays bounded: a
write keeps the `KEEP` most recently used entries of its kind and deletes the others.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import sys
from hashlib import sha256
from pathlib import Path
from typing import Any, ClassVar

ENV = "GBA_DATAFLOW_CACHE_DIR"
_ENTRY = r"[a-z]+-[0-9a-f]{64}\.[a-z]+"
"""The names of entries: a kind, the sha256 the caller names the entry by, an extension."""
KEEP = 32
"""Entries of one kind (the part of the name before the first `-`) kept: the most recently used. Every edit
of the rules and every upgrade makes new entries, so older ones are deleted as new ones are written."""
MAGIC = b"gba-dataflow cache 2\n"
"""The first bytes of every entry: the entry format's name and version. Then 64 hex digits, the SHA-256 of
the payload, then the payload."""
_HEADER = len(MAGIC) + 64
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


class _State:
    """The opened cache directory of this process, found once: (path, descriptor), or None."""

    opened: ClassVar[tuple[Path, int] | None] = None
    refused: ClassVar[set[str]] = set()
    """Locations already warned about (one warning per process and place)."""


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
    """The payload of entry `name`, or None (missing, unsafe, unreadable or damaged: a damaged entry is
    deleted, so that the caller's rebuild replaces it)."""
    directory = _open_directory(create=False)
    if directory is None:
        return None
    try:
        descriptor = os.open(name, os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _CLOEXEC, dir_fd=directory)
    except (OSError, ValueError):
        return None
    try:
        info = os.fstat(descriptor)
        if not _owned_regular_file(info):
            return None
        data = _read_all(descriptor, info.st_size)
        with contextlib.suppress(OSError, NotImplementedError):
            os.utime(descriptor)  # recently used: kept when older entries are pruned
    except OSError:
        return None
    finally:
        os.close(descriptor)
    payload = unseal(data)
    if payload is None:
        with contextlib.suppress(OSError):
            os.unlink(name, dir_fd=directory)
    return payload


def read_marshal(name: str) -> Any | None:
    """The value `marshal` stored in entry `name`, or None (missing, unsafe, unreadable or damaged). The
    payload's digest is checked before `marshal` sees it."""
    data = read(name)
    if data is None:
        return None
    import marshal

    try:
        return marshal.loads(data)
    except (EOFError, ValueError, TypeError):
        return None


def write(name: str, data: bytes) -> None:
    """Save entry `name` atomically (a temporary file of a random name, created exclusively, renamed)."""
    directory = _open_directory(create=True)
    if directory is None:
        return
    temporary = f".{name}-{os.urandom(8).hex()}.tmp"
    try:
        descriptor = os.open(
            temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, 0o600, dir_fd=directory
        )
    except (OSError, ValueError):
        return
    try:
        try:
            with os.fdopen(descriptor, "wb") as out:
                out.write(seal(data))
            os.replace(temporary, name, src_dir_fd=directory, dst_dir_fd=directory)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(temporary, dir_fd=directory)
        _prune(directory, name.split("-", 1)[0])
    except OSError:
        return


def seal(payload: bytes) -> bytes:
    """An entry's bytes: the format version, the payload's SHA-256, the payload."""
    return MAGIC + sha256(payload).hexdigest().encode("ascii") + payload


def unseal(data: bytes) -> bytes | None:
    """The payload of an entry's bytes, or None when the version or the digest does not match."""
    if not data.startswith(MAGIC) or len(data) < _HEADER:
        return None
    payload = data[_HEADER:]
    if sha256(payload).hexdigest().encode("ascii") != data[len(MAGIC) : _HEADER]:
        return None
    return payload


def _read_all(descriptor: int, size: int) -> bytes:
    parts: list[bytes] = []
    block = size + 1
    while True:
        data = os.read(descriptor, block)
        if not data:
            return b"".join(parts)
        parts.append(data)
        block = 1 << 20


def _owned_regular_file(info: os.stat_result) -> bool:
    return stat.S_ISREG(info.st_mode) and _mine(info) and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _mine(info: os.stat_result) -> bool:
    return not hasattr(os, "getuid") or info.st_uid == os.getuid()


def _open_directory(*, create: bool) -> int | None:
    """A descriptor of the cache directory once it is known to be safe, else None (a warning is printed
    once for an unsafe location; a missing directory is created when `create`)."""
    if _State.opened is not None:
        opened, held = _State.opened
        if opened == cache_dir() and _still_safe(opened, held):
            return held
        with contextlib.suppress(OSError):
            os.close(held)
        _State.opened = None
    path = cache_dir()
    if path is None or not hasattr(os, "getuid") or not _NOFOLLOW or os.open not in os.supports_dir_fd:
        return None  # (a platform without these checks is not cached at all)
    try:
        absolute = Path(os.path.realpath(path))
        if create and not absolute.is_dir():
            absolute.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor, problem = _open_checked(absolute)
    except (OSError, ValueError):
        return None  # missing (a read before the first write) or unreadable: uncached, silently
    if descriptor is None:
        if problem and str(path) not in _State.refused:
            _State.refused.add(str(path))
            with contextlib.suppress(OSError, ValueError):
                sys.stderr.write(
                    f"warning: not using the cache directory `{path}`: {problem}; running uncached\n"
                )
        return None
    _State.opened = (path, descriptor)
    return descriptor


def _still_safe(path: Path, descriptor: int) -> bool:
    """The directory opened before is still the one at `path`, and still nobody else's to write."""
    try:
        info = os.fstat(descriptor)
        current = os.stat(path)
    except (OSError, ValueError):
        return False
    same = (info.st_dev, info.st_ino) == (current.st_dev, current.st_ino)
    return same and _directory_problem(info, path) is None


def _open_checked(absolute: Path) -> tuple[int | None, str | None]:
    """Open each directory from `/` down to `absolute` below the one before (`O_NOFOLLOW`), checking each
    with `fstat`: (the cache directory's descriptor, None), or (None, what is wrong)."""
    flags = os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC
    descriptor = os.open(absolute.anchor or "/", flags)
    try:
        parts = absolute.parts[1:]
        for index, part in enumerate(parts):
            info = os.fstat(descriptor)
            problem = _parent_problem(info, Path(*absolute.parts[: index + 1]))
            if problem:
                return None, problem
            following = os.open(part, flags, dir_fd=descriptor)
            os.close(descriptor)
            descriptor = following
        info = os.fstat(descriptor)
        problem = _directory_problem(info, absolute)
        if problem:
            return None, problem
    except BaseException:
        os.close(descriptor)
        raise
    if problem:
        os.close(descriptor)
        return None, problem
    return descriptor, None


def _parent_problem(info: os.stat_result, path: Path) -> str | None:
    if info.st_uid not in (0, os.getuid()):
        return f"`{path}` belongs to another user"
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH) and not info.st_mode & stat.S_ISVTX:
        return f"`{path}` is writable by other users"
    return None


def _directory_problem(info: os.stat_result, path: Path) -> str | None:
    if not stat.S_ISDIR(info.st_mode):
        return f"`{path}` is not a directory"
    if not _mine(info):
        return "it belongs to another user"
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return "it is writable by other users"
    return None


def forget() -> None:
    """Close the cache directory this process opened (the next access checks the location again)."""
    if _State.opened is not None:
        with contextlib.suppress(OSError):
            os.close(_State.opened[1])
    _State.opened = None
    _State.refused.clear()


def _prune(directory: int, kind: str) -> None:
    """Delete all but the KEEP most recently used entries of a kind. Only files named as this cache names
    its entries (`kind-<sha256>.ext`) are touched: the directory may be one the user also keeps other
    files in."""
    entries = []
    pattern = re.compile(_ENTRY)  # compiled only here: writes are rare
    for name in os.listdir(directory):
        if not name.startswith(f"{kind}-") or pattern.fullmatch(name) is None:
            continue
        try:
            info = os.stat(name, dir_fd=directory, follow_symlinks=False)
        except OSError:
            continue
        if stat.S_ISREG(info.st_mode):
            entries.append((info.st_mtime_ns, name))
    entries.sort(reverse=True)
    for _, name in entries[KEEP:]:
        with contextlib.suppress(OSError):
            os.unlink(name, dir_fd=directory)
