"""Put the ledger's cumulative volumes into a manifest before it is decided (design §8).

The year's figure is the exporter's recorded transfers plus this one. Where the manifest also states a
figure, the larger decides (the conservative reading) and a W416 warning names both. A value taken from
the ledger has provenance `ledger`, with a note naming the records it sums and the records that took the
year's total over a threshold; the positions of replaced values are dropped, so no fact points at a line
that no longer decides. The manifest itself is not changed: a new `LoadedManifest` is returned.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gba_dataflow.core.errors import Diagnostic, Severity, sort_diagnostics
from gba_dataflow.core.i18n import tr
from gba_dataflow.core.source import Span
from gba_dataflow.ledger.model import Exporter, Totals
from gba_dataflow.manifests.loader import LoadedManifest
from gba_dataflow.manifests.provenance import Origin, Provenance

PERSONAL_YTD = "/volume/personal_subjects_ytd"
SENSITIVE_YTD = "/volume/sensitive_subjects_ytd"
PERSONAL_PREVIOUS = "/volume/personal_subjects_since_previous_year"
SENSITIVE_PREVIOUS = "/volume/sensitive_subjects_since_previous_year"
PROCESSED = "/volume/processed_subjects_total"

THRESHOLDS: Mapping[str, tuple[int, ...]] = {"personal": (100_000, 1_000_000), "sensitive": (1, 10_000)}
"""The counts of the 2024 Provisions (Arts 5(4), 7, 8) whose crossing the ledger remembers, per measure."""


@dataclass(frozen=True, slots=True)
class Crossing:
    """The record that took an exporter's year total of `measure` to `threshold` or more."""

    measure: str  # "personal" | "sensitive"
    threshold: int
    record_id: int
    manifest_id: str | None
    transfer_date: str | None


@dataclass(frozen=True, slots=True)
class LedgerView:
    """What the ledger knows for one decision: the totals with this transfer, the previous year's, the
    latest record ids, the crossings, and whether this transfer is one of the records already."""

    exporter: Exporter
    year: int
    totals: Totals
    previous_year: Totals
    recent_ids: tuple[int, ...]
    crossings: tuple[Crossing, ...]
    pending_id: int | None
    """The id this transfer has (or would have) in the ledger."""


def describe(view: LedgerView, measure: str) -> str:
    """The provenance note of a ledger figure: what it sums, and which records crossed thresholds (a phrase,
    so that a report says it in its language)."""
    totals = view.totals
    shown = ", ".join(f"#{number}" for number in view.recent_ids)
    kind = (
        tr("exact count of distinct hashed individuals")
        if measure == "personal" and totals.exact
        else tr("sum of recorded counts (an upper bound)")
    )
    arguments = {
        "kind": kind,
        "count": totals.transfers,
        "exporter": view.exporter.name,
        "key": view.exporter.key,
        "year": view.year,
        "records": shown,
    }
    note = (
        tr(
            "{kind} over {count:,} recorded transfers of {exporter} ({key}) in {year}, "
            "this one included: {records}",
            **arguments,
        )
        if len(view.recent_ids) >= totals.transfers
        else tr(
            "{kind} over {count:,} recorded transfers of {exporter} ({key}) in {year}, "
            "this one included: {records}, ...",
            **arguments,
        )
    )
    crossed = [c for c in view.crossings if c.measure == measure]
    for crossing in crossed:
        if crossing.record_id == view.pending_id:
            which = tr("this transfer")
        elif crossing.manifest_id:
            which = tr(
                "record #{number} ({manifest}, {date})",
                number=crossing.record_id,
                manifest=crossing.manifest_id,
                date=crossing.transfer_date,
            )
        else:
            which = tr("record #{number}", number=crossing.record_id)
        note = tr(
            "{note}; the year's total reached {threshold:,} with {which}",
            note=note,
            threshold=crossing.threshold,
            which=which,
        )
    return note


def with_ledger_volumes(manifest: LoadedManifest, view: LedgerView) -> LoadedManifest:
    """`manifest` with the year's volumes of the ledger (the larger of declared and recorded)."""
    data: dict[str, Any] = dict(manifest.data)
    volume: dict[str, Any] = dict(data["volume"])
    data["volume"] = volume
    positions = dict(manifest.positions)
    provenance = dict(manifest.provenance)
    warnings: list[Diagnostic] = [
        d
        for d in manifest.warnings
        if not (d.code == "W413" and d.json_path in (PERSONAL_YTD, SENSITIVE_YTD))
    ]
    totals, previous = view.totals, view.previous_year
    figures: Sequence[tuple[str, int, str]] = (
        (PERSONAL_YTD, totals.personal, describe(view, "personal")),
        (SENSITIVE_YTD, totals.sensitive, describe(view, "sensitive")),
        (
            PERSONAL_PREVIOUS,
            totals.personal + previous.personal,
            tr(
                "this year's ledger figure plus {count:,} recorded in {year}",
                count=previous.personal,
                year=view.year - 1,
            ),
        ),
        (
            SENSITIVE_PREVIOUS,
            totals.sensitive + previous.sensitive,
            tr(
                "this year's ledger figure plus {count:,} recorded in {year}",
                count=previous.sensitive,
                year=view.year - 1,
            ),
        ),
    )
    for pointer, recorded, note in figures:
        name = pointer.rsplit("/", 1)[1]
        stated = pointer in manifest.positions
        declared = int(volume[name])
        if stated and declared != recorded:
            warnings.append(_differs(manifest, pointer, declared, recorded))
        if stated and declared >= recorded:
            continue
        if not stated or recorded > declared:
            volume[name] = recorded
            positions.pop(pointer, None)
            provenance[pointer] = Provenance(Origin.LEDGER, note=note)
    if (
        PROCESSED not in manifest.positions
        and volume["processed_subjects_total"] < volume["personal_subjects_ytd"]
    ):
        volume["processed_subjects_total"] = volume["personal_subjects_ytd"]
        provenance[PROCESSED] = Provenance(
            Origin.DERIVED, note=tr("volume.personal_subjects_ytd (from the ledger)")
        )
    if view.exporter.by_name:
        warnings.append(_by_name(manifest, view.exporter))
    return LoadedManifest(
        manifest.path, data, positions, manifest.digest, tuple(sort_diagnostics(warnings)), provenance
    )


def _span(manifest: LoadedManifest, pointer: str) -> Span:
    line, column = manifest.positions.get(pointer, (1, 1))
    return Span(manifest.path, line, column)


def _differs(manifest: LoadedManifest, pointer: str, declared: int, recorded: int) -> Diagnostic:
    name = pointer[1:].replace("/", ".")
    which = tr("the declared figure") if declared > recorded else tr("the ledger's")
    return Diagnostic(
        "W416",
        tr(
            "`{name}` declares {declared:,}, the ledger holds {recorded:,}: using the larger ({which})",
            name=name,
            declared=declared,
            recorded=recorded,
            which=which,
        ),
        _span(manifest, pointer),
        tr("record the missing transfers in the ledger, or correct the declared figure"),
        Severity.WARNING,
        json_path=pointer,
    )


def _by_name(manifest: LoadedManifest, exporter: Exporter) -> Diagnostic:
    return Diagnostic(
        "W415",
        tr(
            "the ledger counts this exporter by its legal name `{name}`: no registration number given",
            name=exporter.name,
        ),
        _span(manifest, "/exporter/name"),
        tr("add exporter.registration_number (USCC, Hong Kong BR number or Macao registration number)"),
        Severity.WARNING,
        json_path="/exporter/name",
    )
