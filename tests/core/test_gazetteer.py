"""The gazetteer (core/gazetteer.py + gazetteer.json): places as people write them."""

from __future__ import annotations

import pytest

from gba_dataflow.core import gazetteer

GD9 = [
    "Guangzhou",
    "Shenzhen",
    "Zhuhai",
    "Foshan",
    "Huizhou",
    "Dongguan",
    "Zhongshan",
    "Jiangmen",
    "Zhaoqing",
]


def test_the_nine_mainland_gba_cities() -> None:
    assert sorted(gazetteer.gba_cities("CN-GD")) == sorted(GD9)


@pytest.mark.parametrize(
    "written",
    ["Shenzhen", "shenzhen", "SHENZHEN", "Shenzhen City", "深圳市", "深圳", "Shenzhen ", " shen zhen"],
)
def test_ways_of_writing_shenzhen(written: str) -> None:
    found = gazetteer.resolve("CN-GD", written)
    assert found is not None and found.canonical == "Shenzhen"
    assert found.written == written


@pytest.mark.parametrize(
    ("written", "place", "city"),
    [
        ("Qianhai", "Qianhai", "Shenzhen"),
        ("前海蛇口", "Qianhai", "Shenzhen"),
        ("Nansha District", "Nansha", "Guangzhou"),
        ("南沙新区", "Nansha", "Guangzhou"),
        ("橫琴", "Hengqin", "Zhuhai"),
        ("横琴粤澳深度合作区", "Hengqin", "Zhuhai"),
        ("Hetao", "Hetao (Shenzhen Park)", "Shenzhen"),
        ("廣州市", "Guangzhou", "Guangzhou"),
        ("广东省东莞市", "Dongguan", "Dongguan"),
    ],
)
def test_districts_and_zones_stand_for_their_city(written: str, place: str, city: str) -> None:
    found = gazetteer.resolve("CN-GD", written)
    assert found is not None and (found.place.id, found.canonical) == (place, city)
    assert city in found.describe() and written in found.describe()


def test_the_region_decides_between_places_of_the_same_name() -> None:
    hong_kong = gazetteer.resolve("HK", "Hetao")
    assert (
        hong_kong is not None
        and hong_kong.place.id == "Lok Ma Chau Loop"
        and hong_kong.canonical == "Hong Kong"
    )
    assert gazetteer.resolve("HK", "香港特別行政區") is not None
    macao = gazetteer.resolve("MO", "Macau SAR")
    assert macao is not None and macao.canonical == "Macao"


def test_other_guangdong_cities_are_known_but_outside_the_gba() -> None:
    found = gazetteer.resolve("CN-GD", "汕头市")
    assert found is not None and found.canonical == "Shantou" and not found.place.gba
    assert "outside the Greater Bay Area" in found.describe()


def test_unknown_names_are_not_guessed() -> None:
    assert gazetteer.resolve("CN-GD", "Shenzen") is None
    assert gazetteer.resolve("CN-GD", "Hong Kong") is None
    assert gazetteer.resolve("CN-GD", "City") is None
    other = gazetteer.elsewhere("Hong Kong")
    assert other is not None and other.region == "HK"


def test_no_name_means_two_places_in_one_region() -> None:
    seen: dict[tuple[str, str], str] = {}
    for place in gazetteer.places():
        for name in place.names:
            key = (place.region, gazetteer.key(name))
            assert seen.setdefault(key, place.id) == place.id, (key, place.id, seen[key])
        assert place.within is None or any(p.id == place.within for p in gazetteer.places())
