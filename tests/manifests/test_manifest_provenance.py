"""Where each value of a loaded manifest came from (design §3.10): stated, the schema's default (plain or
copied from another field), derived (the gazetteer's canonical city)."""

from __future__ import annotations

from pathlib import Path

from gba_dataflow.manifests import load_manifest
from gba_dataflow.manifests.provenance import Origin

EXAMPLE = (
    Path(__file__).resolve().parents[2] / "examples" / "manifests" / "shenzhen-bank-gba-contract-to-hk.yaml"
)


def test_a_value_in_the_file_is_stated_with_its_line_and_column() -> None:
    manifest = load_manifest(EXAMPLE)
    found = manifest.provenance_of("/transfer/destination/region")
    assert found.origin is Origin.STATED
    assert (found.line, found.column) == manifest.positions["/transfer/destination/region"]


def test_an_absent_value_is_the_schema_default_and_a_copied_one_says_from_where() -> None:
    manifest = load_manifest(EXAMPLE)
    plain = manifest.provenance_of("/exporter/ftz")
    assert (plain.origin, plain.note) == (Origin.DEFAULT, None)
    copied = manifest.provenance_of("/exporter/region")
    assert (copied.origin, copied.note) == (Origin.DEFAULT, "copied from transfer.origin.region")


def test_facts_carry_the_provenance_into_the_result() -> None:
    from gba_dataflow import evaluate_manifest, load_rulebook

    result = evaluate_manifest(load_rulebook([EXAMPLE.parents[2] / "rules"]), load_manifest(EXAMPLE))
    facts = {fact.path: fact for reason in result.reasons for fact in reason.facts}
    assert facts["exporter.region"].provenance == "default"
    assert facts["exporter.region"].provenance_note == "copied from transfer.origin.region"
    assert facts["transfer.destination.region"].provenance == "stated"
    assert facts["as_of"].provenance == "derived"
