"""The service's link to the ledger (issue 21), made only when `--ledger` is given.

The ledger package is imported here, lazily, so a service without a ledger never loads it (nor its
database drivers). Decisions through a ledger take the year's cumulative volumes from it and, with
`record=true`, record an allowed transfer in the same transaction (design §8).
"""

from __future__ import annotations

import datetime as dt
import importlib
import threading
from typing import Any

from gba_dataflow.engine.model import ManifestResult
from gba_dataflow.engine.rulebook import Rulebook
from gba_dataflow.manifests import LoadedManifest


class LedgerLink:
    """One open ledger per worker process, used by one request at a time (the ledger object is not
    promised to be thread-safe; the database serialises the transactions that matter anyway)."""

    def __init__(self, url: str) -> None:
        module: Any = importlib.import_module("gba_dataflow.ledger")
        self._ledger: Any = module.open_ledger(url)
        self._lock = threading.Lock()

    def evaluate(
        self, rulebook: Rulebook, manifest: LoadedManifest, as_of: dt.date | None, lang: str, record: bool
    ) -> ManifestResult:
        with self._lock:
            result: ManifestResult = self._ledger.evaluate(
                rulebook, manifest, as_of=as_of, lang=lang, record=record
            )
        return result

    def ping(self) -> None:
        """Raise the ledger's error (a GbaError) when it cannot be reached."""
        with self._lock:
            self._ledger.ping()

    def close(self) -> None:
        close = getattr(self._ledger, "close", None)
        if callable(close):
            with self._lock:
                close()
