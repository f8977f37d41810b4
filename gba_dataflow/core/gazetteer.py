"""Places of the Greater Bay Area as people write them, and what they mean (`gazetteer.json`).

Stewards write `shenzhen`, `SHENZHEN`, `Shenzhen City`, `深圳市`, `Shenzhen ` or `前海`; the rules compare one
canonical id per city: `Shenzhen`. `resolve(region, written)` finds the place a value names within its
region (ISO 3166 code), ignoring case, spaces, hyphens, dots and apostrophes and the suffixes
people add ("City", "District", "New Area", "SAR", 市, 区, 新区, 特别行政区), and returns the canonical
city it lies in: a district or zone (Qianhai, Nansha, Hengqin, the Hetao park) stands for its city,
so the GBA contracts' "registered in one of the nine cities" holds for an entity in Qianhai as for one
in Futian.

The data file lists the nine Mainland GBA cities, the other twelve Guangdong cities (so that Shantou is a
known place outside the GBA, not a typo), Hong Kong, Macao, and the districts and zones people name, in
English, simplified and traditional Chinese.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from gba_dataflow.core.i18n import Given, tr

_DATA = Path(__file__).with_name("gazetteer.json")
_SEPARATORS = re.compile(r"[\s\-_.'’·・,()（）]+")
_SUFFIXES = (
    "specialadministrativeregion",
    "特别行政区",
    "特別行政區",
    "newarea",
    "district",
    "city",
    "sar",
    "新区",
    "新區",
    "市",
    "区",
    "區",
)
_PREFIXES = ("guangdongprovince", "guangdong", "广东省", "廣東省", "广东", "廣東")


@dataclass(frozen=True, slots=True)
class Place:
    """One place of the gazetteer."""

    id: str
    """Canonical name (English)."""
    region: str
    """ISO 3166 code of the region it lies in (`CN-GD`, `HK`, `MO`)."""
    kind: str
    """`city`, `territory`, `district` or `zone`."""
    gba: bool
    """Whether it lies in the Greater Bay Area."""
    within: str | None
    """The id of the city it lies in (None for a city or territory)."""
    names: tuple[str, ...]
    """How it is written: English, simplified and traditional Chinese."""

    @property
    def city(self) -> str:
        """The canonical city (or territory) this place stands for."""
        return self.within or self.id

    @property
    def said(self) -> str:
        """The id, said by the place's own Chinese name in a report in Chinese."""
        return said(self.id)


@dataclass(frozen=True, slots=True)
class Resolution:
    """What a written place name means: the place found and its canonical city."""

    written: str
    place: Place

    @property
    def canonical(self) -> str:
        return self.place.city

    def describe(self) -> str:
        """A sentence for the facts: what was written and what it means."""
        place = self.place
        gba = tr("in the Greater Bay Area") if place.gba else tr("outside the Greater Bay Area")
        if place.within is None:
            return tr(
                'written "{written}": {place} ({region}), {gba}',
                written=self.written,
                place=place.said,
                region=place.region,
                gba=gba,
            )
        where = tr(
            "a {kind} of {city} ({region})",
            kind=_KINDS.get(place.kind, place.kind),
            city=said(place.within),
            region=place.region,
        )
        return tr(
            'written "{written}": {place}, {where}, {gba}',
            written=self.written,
            place=place.said,
            where=where,
            gba=gba,
        )


_KINDS = {
    "city": tr("city"),
    "territory": tr("territory"),
    "district": tr("district"),
    "zone": tr("zone"),
}


def said(place_id: str) -> str:
    """A place's canonical id, which a report in Chinese says by the place's Chinese name: the first one the
    gazetteer lists (in simplified characters), and in traditional characters the next when it is the same
    name in other characters (as long as the first)."""
    place = by_id().get(place_id)
    if place is None:
        return place_id
    chinese = [name for name in place.names if any("\u4e00" <= char <= "\u9fff" for char in name)]
    if not chinese:
        return place_id
    simplified = traditional = chinese[0]
    if len(chinese) > 1 and len(chinese[1]) == len(simplified):  # the same name in traditional characters
        traditional = chinese[1]
    return Given(place_id, {"zh-Hans": simplified, "zh-Hant": traditional})


@functools.cache
def by_id() -> dict[str, Place]:
    """Every place by its canonical id."""
    return {place.id: place for place in places()}


def key(text: str) -> str:
    """The matching key of a written name: NFKC, case-folded, without separators, prefix or suffix."""
    folded = _SEPARATORS.sub("", unicodedata.normalize("NFKC", text).casefold())
    for prefix in _PREFIXES:
        if folded.startswith(prefix) and len(folded) > len(prefix):
            folded = folded[len(prefix) :]
            break
    for suffix in _SUFFIXES:
        if folded.endswith(suffix) and len(folded) > len(suffix):
            return folded[: -len(suffix)]
    return folded


@functools.cache
def places() -> tuple[Place, ...]:
    """Every place of the shipped gazetteer."""
    raw = json.loads(_DATA.read_text(encoding="utf-8"))
    return tuple(
        Place(item["id"], item["region"], item["kind"], item["gba"], item["within"], tuple(item["names"]))
        for item in raw["places"]
    )


@functools.cache
def _index() -> dict[tuple[str, str], Place]:
    """(region, key) -> place; a key names one place per region (the data is checked by the tests)."""
    out: dict[tuple[str, str], Place] = {}
    for place in places():
        for name in place.names:
            out.setdefault((place.region, key(name)), place)
    return out


@functools.cache
def _exact() -> dict[tuple[str, str], Place]:
    """(region, name as listed) -> place: most manifests write a name exactly as listed."""
    out: dict[tuple[str, str], Place] = {}
    for place in places():
        for name in place.names:
            out.setdefault((place.region, name), place)
    return out


def resolve(region: str, written: str) -> Resolution | None:
    """The place `written` names in `region`, or None when the gazetteer does not know it there."""
    found = _exact().get((region, written)) or _index().get((region, key(written)))
    return Resolution(written, found) if found is not None else None


def elsewhere(written: str) -> Place | None:
    """A place of another region that `written` names (for "Hong Kong is in HK, not CN-GD")."""
    wanted = key(written)
    return next((p for (_, k), p in _index().items() if k == wanted), None)


def names_in(region: str) -> list[str]:
    """Every English name of the places in `region`, for did-you-mean suggestions."""
    return [place.names[0] for place in places() if place.region == region]


def gba_cities(region: str = "CN-GD") -> list[str]:
    """The canonical ids of the GBA cities of `region` (the nine Mainland cities for CN-GD)."""
    return [p.id for p in places() if p.region == region and p.gba and p.within is None]


@functools.cache
def _regions() -> dict[str, str]:
    raw = json.loads(_DATA.read_text(encoding="utf-8"))
    return {key(name): code for code, names in raw["regions"].items() for name in names}


def region_code(written: str) -> str | None:
    """The ISO 3166 code of a region written by name (`Guangdong`, `广东省` -> `CN-GD`), else None."""
    return _regions().get(key(written))
