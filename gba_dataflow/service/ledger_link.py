"""The service's link to the ledger (issue 21), made only when `--ledger` is given.

The ledger package is imported here, lazily, so a service without a ledger never loads it (nor its
database drivers). Decisions through a ledger take the year's cumulative volumes from it and, with
`record=true`, record an allowed transfer in the same transaction (design §8).

A ledger object is not shared between threads, so the link runs every ledger call on a small pool of
threads of its own, each with its own open ledger (its own database connection). The database serialises
the check-and-record of one exporter and year, whichever thread, worker or replica it comes from.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import importlib
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from gba_dataflow.engine.model import ManifestResult
from gba_dataflow.engine.rulebook import Rulebook
from gba_dataflow.manifests import LoadedManifest

T = TypeVar("T")
THREADS = 4
"""Ledger calls one worker process runs at once (each on its own connection)."""


class LedgerLink:
    """A pool of `THREADS` threads, each holding one open ledger at `url`."""

    def __init__(self, url: str, threads: int = THREADS) -> None:
        self._url = url
        self._local = threading.local()
        self._opened: list[Any] = []
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="ledger")

    def _ledger(self) -> Any:
        ledger = getattr(self._local, "ledger", None)
        if ledger is None:
            module: Any = importlib.import_module("gba_dataflow.ledger")
            ledger = module.open_ledger(self._url)
            self._local.ledger = ledger
            with self._lock:
                self._opened.append(ledger)
        return ledger

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        """Run `function(*args)` on a ledger thread (it may call `evaluate`)."""
        return await asyncio.get_running_loop().run_in_executor(self._pool, function, *args)

    def evaluate(
        self, rulebook: Rulebook, manifest: LoadedManifest, as_of: dt.date | None, lang: str, record: bool
    ) -> ManifestResult:
        """Decide with the year's volumes from the ledger (on a ledger thread: see `run`)."""
        result: ManifestResult = self._ledger().evaluate(
            rulebook, manifest, as_of=as_of, lang=lang, record=record
        )
        return result

    def ping(self) -> None:
        """Raise the ledger's error (a GbaError) when it cannot be reached (on a ledger thread)."""
        self._ledger().ping()

    def open(self) -> None:
        """Open the ledger once, to fail at start rather than on the first request (on a ledger thread)."""
        self._ledger()

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        with self._lock:
            for ledger in self._opened:
                ledger.close()
            self._opened.clear()
