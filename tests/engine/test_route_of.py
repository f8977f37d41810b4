"""`route_of`: where a manifest's transfer goes, shared between manifests on the same route."""

from __future__ import annotations

from typing import Any

import pytest

from gba_dataflow.engine import evaluate
from gba_dataflow.engine.evaluate import route_of
from gba_dataflow.engine.model import Route


def transfer(origin: Any, destination: Any, city: Any = "Shenzhen") -> dict[str, Any]:
    return {
        "transfer": {
            "origin": {"region": origin, "city": city},
            "destination": {"region": destination, "city": None},
        }
    }


def test_the_same_route_is_one_object() -> None:
    first = route_of(transfer("CN-GD", "HK"))
    assert first == Route("CN-GD", "HK", "Shenzhen", None)
    assert route_of(transfer("CN-GD", "HK")) is first
    assert route_of(transfer("CN-GD", "MO")) == Route("CN-GD", "MO", "Shenzhen", None)


def test_missing_parts_are_none() -> None:
    assert route_of({}) == Route(None, None, None, None)
    assert route_of({"transfer": {"origin": {"region": "HK"}}}) == Route("HK", None, None, None)
    assert route_of({"transfer": "HK"}) == Route(None, None, None, None)


def test_a_value_that_cannot_be_a_key_is_not_kept() -> None:
    route = route_of(transfer(["CN-GD"], "HK"))
    assert route == Route(["CN-GD"], "HK", "Shenzhen", None)  # type: ignore[arg-type]


def test_the_routes_kept_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(evaluate, "_ROUTES", {})
    monkeypatch.setattr(evaluate, "MAX_ROUTES", 3)
    for city in ("a", "b", "c", "d", "e"):
        assert route_of(transfer("CN-GD", "HK", city)).origin_city == city
        assert len(evaluate._ROUTES) <= 3
