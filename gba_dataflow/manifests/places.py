"""Canonical places in a loaded manifest: city fields as the gazetteer's ids, with what was written kept.

For each city field whose region the gazetteer covers (`CN-GD`, `HK`, `MO`), a value that names a known
place (`深圳市`, `shenzhen`, `Qianhai`) is replaced by its canonical city (`Shenzhen`), and the manifest's
provenance records it as *derived*, with what was written and what it means, so the facts show both. An
unknown city in Guangdong is left as written and gets W422 with a did-you-mean: the rules then do not count
it as one of the nine GBA cities (fail closed), and the steward sees why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gba_dataflow.core import gazetteer
from gba_dataflow.core.errors import Diagnostic, Severity
from gba_dataflow.core.i18n import Listing, tr
from gba_dataflow.manifests.document import ParsedDocument, SourceText
from gba_dataflow.manifests.pointers import dotted
from gba_dataflow.manifests.provenance import Origin, Provenance

CITY_FIELDS = (  # (city pointer, region pointer)
    ("/transfer/origin/city", "/transfer/origin/region"),
    ("/transfer/destination/city", "/transfer/destination/region"),
    ("/exporter/city", "/exporter/region"),
    ("/recipient/city", "/recipient/region"),
)
_COVERED = frozenset({"CN-GD", "HK", "MO"})
_WARNED = frozenset({"CN-GD"})
"""Regions where an unknown city is worth a warning: the GBA contracts turn on Guangdong's nine cities."""


@dataclass(slots=True)
class Places:
    """What canonicalising the city fields found: provenance of the changed values, and warnings."""

    provenance: dict[str, Provenance] = field(default_factory=dict)
    warnings: list[Diagnostic] = field(default_factory=list)


def canonical_places(doc: ParsedDocument, source: SourceText) -> Places:
    """Replace every known city of a covered region in `doc.data` by its canonical id (in place)."""
    out = Places()
    for city_pointer, region_pointer in CITY_FIELDS:
        holder, name = _parent(doc.data, city_pointer)
        region = _get(doc.data, region_pointer)
        written = holder.get(name) if holder is not None else None
        if holder is None or not isinstance(written, str) or region not in _COVERED:
            continue
        found = gazetteer.resolve(region, written)
        stated = doc.positions.get(city_pointer)
        if found is None:
            if region in _WARNED and stated is not None:
                out.warnings.append(_unknown(doc, source, city_pointer, region, written))
            continue
        if found.canonical == written:
            continue
        holder[name] = found.canonical
        if stated is not None:
            line, column = stated
            out.provenance[city_pointer] = Provenance(Origin.DERIVED, found.describe(), line, column)
    return out


def _unknown(doc: ParsedDocument, source: SourceText, pointer: str, region: str, written: str) -> Diagnostic:
    other = gazetteer.elsewhere(written)
    hint: str
    if other is not None and other.region != region:
        hint = tr(
            "`{written}` is {city} in {region}: check `{field}` and its region",
            written=written,
            city=gazetteer.said(other.city),
            region=other.region,
            field=dotted(pointer),
        )
    else:
        hint = _did_you_mean(region, written) or tr(
            "write one of the nine Mainland GBA cities ({cities}) or another Guangdong city, "
            "in English or Chinese",
            cities=Listing([gazetteer.said(city) for city in gazetteer.gba_cities(region)]),
        )
    return source.diagnostic(  # the hint is in the message too: a result's warnings carry no hint
        "W422",
        tr(
            "`{field}` `{written}` is not a place the gazetteer knows in {region}, so it does not "
            "count as one of the nine Mainland GBA cities; {hint}",
            field=dotted(pointer),
            written=written,
            region=region,
            hint=hint,
        ),
        doc.value_position(pointer),
        json_path=pointer,
        hint=hint,
        severity=Severity.WARNING,
    )


def _did_you_mean(region: str, written: str) -> str | None:
    import difflib

    by_key = {
        gazetteer.key(name): place.id
        for place in gazetteer.places()
        if place.region == region
        for name in place.names
    }
    close = difflib.get_close_matches(gazetteer.key(written), sorted(by_key), n=1, cutoff=0.6)
    return tr("did you mean `{name}`?", name=by_key[close[0]]) if close else None


def _get(data: Any, pointer: str) -> Any:
    for token in pointer[1:].split("/"):
        if not isinstance(data, dict):
            return None
        data = data.get(token)
    return data


def _parent(data: Any, pointer: str) -> tuple[dict[str, Any] | None, str]:
    *path, name = pointer[1:].split("/")
    holder = _get(data, "/" + "/".join(path))
    return (holder if isinstance(holder, dict) else None), name
