"""The ledger's one error type: a `GbaError` with the E6xx codes (core/codes.py). Every ledger failure fails
closed: a check that cannot read or write its ledger is an error (exit 2), never an allow."""

from __future__ import annotations

from gba_dataflow.core.errors import GbaError


class LedgerError(GbaError):
    """The ledger cannot be reached, is busy past the timeout, or refuses what was asked (E6xx)."""

    default_code = "E601"
