"""Which exporter a manifest's transfer counts against: its registration number, else its legal name."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

from gba_dataflow.ledger.model import Exporter
from gba_dataflow.manifests.registration import registration_kind

_KIND_PREFIX = {"uscc": "uscc", "hk-br": "hk-br", "mo-cr": "mo-cr", "other": "reg"}
KEY_PREFIXES = ("uscc", "hk-br", "mo-cr", "reg", "name")


def normalised_name(name: str) -> str:
    """A legal name compared as the ledger compares names: NFKC, case-folded, single spaces."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def exporter_of(data: Mapping[str, Any]) -> Exporter:
    """The exporter of a loaded (validated, normalised) manifest."""
    exporter = data["exporter"]
    number = exporter.get("registration_number")
    if number:
        kind = registration_kind(exporter["region"])
        return Exporter(f"{_KIND_PREFIX[kind]}:{number}", exporter["name"], False)
    return Exporter(f"name:{normalised_name(exporter['name'])}", exporter["name"], True)


def key_candidates(text: str) -> list[str]:
    """The keys a user's `--exporter` text may mean: a key as printed, a registration number, or a name."""
    head, colon, _ = text.partition(":")
    if colon and head in KEY_PREFIXES:
        return [text]
    return [f"{prefix}:{text}" for prefix in KEY_PREFIXES[:-1]] + [f"name:{normalised_name(text)}"]
