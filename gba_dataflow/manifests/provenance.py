"""Where a manifest value came from (design §3 point 10): stated in the file, the schema's default, derived
from other values, or the ledger's record of the year's transfers.

A loaded manifest records provenance only for values that were not stated: a value with a position in the
file is stated there; one without a position and without an entry here is the schema's default. Layers
above (the gazetteer, the ledger) add `derived` and `ledger` entries with `with_values`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Origin(enum.StrEnum):
    """The four kinds of provenance a fact can have."""

    STATED = "stated"
    DEFAULT = "default"
    DERIVED = "derived"
    LEDGER = "ledger"


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where one value came from, with a note a person can read (what it was derived from, which ledger
    records it sums) and, for a stated value, its 1-based line and column in the file."""

    origin: Origin
    note: str | None = None
    line: int | None = None
    column: int | None = None


COPIED_FROM = "copied from "
"""How the note of a copied default begins (`copied from transfer.origin.region`)."""

STATED = Provenance(Origin.STATED)
DEFAULT = Provenance(Origin.DEFAULT)
