"""A dictionary kept in one disk cache entry, for caches of compiled things keyed by their source.

The entry is read on the first lookup and written back once, when the process exits, if the process
added anything; the write merges what another process saved meanwhile. Keys and values must be what
`marshal` stores (code objects, strings, numbers, and tuples, lists and dicts of them), so the entry
names the Python build that wrote it (`build_entry_name`): marshal data and code objects are specific to
it. A missing, foreign or damaged entry reads as empty (`core.diskcache`).
"""

from __future__ import annotations

import atexit
import marshal
import sys
from collections.abc import Hashable
from typing import Any

from gba_dataflow.core import diskcache
from gba_dataflow.core.digest import sha256


def build_entry_name(kind: str, *versions: str) -> str:
    """The cache entry of `kind` for this Python build (and the `versions` given, if any)."""
    build = "\0".join((sys.version, sys.implementation.cache_tag, *versions)).encode()
    return f"{kind}-{sha256(build).hexdigest()}.marshal"


class DiskMemo:
    """Values by key, loaded from the cache entry `entry_name` on first use and saved at exit.

    More than `max_entries` (say, an editable install whose sources were edited many times) and a save
    keeps only the keys this process used."""

    def __init__(self, entry_name: str, max_entries: int) -> None:
        self.entry_name = entry_name
        self.max_entries = max_entries
        self.values: dict[Hashable, Any] | None = None
        self.used: set[Hashable] = set()
        self.unsaved = False

    def get(self, key: Hashable) -> Any | None:
        """The value saved for `key`, or None."""
        values = self.values if self.values is not None else self._load()
        value = values.get(key)
        if value is not None:
            self.used.add(key)
        return value

    def put(self, key: Hashable, value: Any) -> None:
        """Keep `value` for `key`, in this process and, from its exit on, on disk."""
        values = self.values if self.values is not None else self._load()
        values[key] = value
        self.used.add(key)
        if not self.unsaved:
            self.unsaved = True
            atexit.register(self.save)

    def _load(self) -> dict[Hashable, Any]:
        loaded = diskcache.read_marshal(self.entry_name)
        self.values = loaded if isinstance(loaded, dict) else {}
        return self.values

    def save(self) -> None:
        """Write the entry if this process added anything, merged with what another process wrote."""
        if not self.unsaved or self.values is None:
            return
        mine = self.values
        self.values = None
        merged = self._load()
        merged.update(mine)
        if len(merged) > self.max_entries:
            merged = {key: merged[key] for key in self.used if key in merged}
        self.values = merged
        try:
            data = marshal.dumps(merged)
        except ValueError:  # a value marshal cannot store: the process keeps it, the disk does not
            return
        diskcache.write(self.entry_name, data)
        self.unsaved = False  # only now: an entry added while writing must not register another save
