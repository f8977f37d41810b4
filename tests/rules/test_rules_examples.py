"""Example manifests in examples/manifests/ get the decision and reasons that expected_examples.yaml lists."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from rules_factory import EXAMPLES_DIR, describe, fired, rulebook

from gba_dataflow.engine.evaluate import evaluate_manifest
from gba_dataflow.manifests import load_manifest

MANIFESTS = EXAMPLES_DIR / "manifests"
EXPECTED: dict[str, dict[str, Any]] = yaml.safe_load(
    (Path(__file__).with_name("expected_examples.yaml")).read_text(encoding="utf-8")
)
FILES = sorted(path.name for path in MANIFESTS.glob("*.yaml"))


def test_expected_lists_every_example_and_nothing_else() -> None:
    assert sorted(EXPECTED) == FILES
    assert len(FILES) >= 15


def test_the_demo_examples_exist() -> None:
    """The Makefile's demo checks these two by name."""
    assert EXPECTED["shenzhen-bank-gba-contract-to-hk.yaml"]["decision"] == "allow"
    assert EXPECTED["important-data-refused.yaml"]["decision"] == "deny"


def test_examples_cover_every_route_and_mechanism() -> None:
    reasons = {rule for entry in EXPECTED.values() for rule in entry["reasons"]}
    routes = set()
    for name in FILES:
        data = load_manifest(MANIFESTS / name).data
        routes.add((data["transfer"]["origin"]["region"], data["transfer"]["destination"]["region"]))
    assert {
        ("CN-GD", "HK"),
        ("CN-GD", "MO"),
        ("HK", "CN-GD"),
        ("MO", "CN-GD"),
        ("HK", "MO"),
        ("MO", "HK"),
        ("CN-BJ", "HK"),
    } <= routes
    for rule in (
        "m4",
        "m5",
        "m6_contract",
        "m6_hr",
        "m6_emergency",
        "m6b",
        "m7",
        "m9_gba_contract_hk",
        "m9_gba_contract_hk_pilot",
        "m9_gba_contract_mo",
        "m10",
        "m11_security_assessment",
        "m12_standard_contract",
        "m12_certification",
        "h1",
        "h3",
        "c2",
        "c3",
        "c4",
    ):
        assert any(reason.split("/")[1].startswith(rule) for reason in reasons), rule


@pytest.mark.parametrize("name", FILES)
def test_example_decision(name: str) -> None:
    path = MANIFESTS / name
    expected = EXPECTED[name]
    result = evaluate_manifest(rulebook(), load_manifest(path))
    assert result.decision.value == expected["decision"], describe(result)
    assert set(expected["reasons"]) <= {reason.rule for reason in result.reasons}, describe(result)
    assert set(expected.get("warnings", [])) <= fired(result), describe(result)
    assert not result.errors, describe(result)
    if expected["decision"] == "allow":
        assert result.obligations, "an allowed transfer always comes with obligations"
    else:
        assert result.remedies, "a denied transfer always comes with a remedy"


@pytest.mark.parametrize("name", FILES)
def test_example_header_states_the_expected_decision(name: str) -> None:
    text = (MANIFESTS / name).read_text(encoding="utf-8")
    match = re.search(r"^# Expected decision: (ALLOW|DENY)", text, re.MULTILINE)
    assert match, f"{name} has no `# Expected decision:` header"
    assert match.group(1).lower() == EXPECTED[name]["decision"]


def test_mainland_examples_declare_their_volumes() -> None:
    """Mainland examples declare the year's volumes, so the engine never has to guess them (W413).

    Hong Kong and Macao law have no volume thresholds, so their examples leave `volume` out.
    """
    for name in FILES:
        loaded = load_manifest(Path(MANIFESTS / name))
        if loaded.data["transfer"]["origin"]["region"].startswith("CN"):
            assert not [w for w in loaded.warnings if w.code == "W413"], name
