"""Organisation facts (issue 22 point 6): a rules directory's `organisation.schema.json` types its rules and
validates manifests' `organisation:` section; without one, `organisation` stays an unknown field."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from gba_dataflow.app.authoring import check_rule_paths
from gba_dataflow.app.batch import decide_file
from gba_dataflow.core.errors import CheckError, ManifestError
from gba_dataflow.engine.rulebook import load_rulebook, manifest_catalog
from gba_dataflow.manifests import load_manifest_bytes
from gba_dataflow.manifests.schema import fast_check, read_organisation_schema, schema, schema_digest

REPO = Path(__file__).resolve().parents[2]
FACTS = Path(__file__).parent / "fixtures" / "acme_facts"
BASE = (REPO / "examples" / "manifests" / "shenzhen-bank-gba-contract-to-hk.yaml").read_text(encoding="utf-8")


def manifest(section: str) -> bytes:
    return (BASE.rstrip() + "\n" + section).encode("utf-8")


@pytest.fixture(autouse=True)
def shipped_schema_after() -> object:
    yield
    load_rulebook([REPO / "rules"])  # back to the shipped schema for the tests that follow


def test_rules_read_organisation_facts_and_manifests_are_checked_against_them(tmp_path: Path) -> None:
    rulebook = load_rulebook([REPO / "rules", FACTS])
    assert manifest_catalog()["organisation.ticket"].nullable
    good = tmp_path / "good.yaml"
    good.write_bytes(manifest("organisation:\n  classification: restricted\n  ticket: DPO-42\n"))
    assert decide_file(rulebook, str(good)).decision.value == "allow"
    missing = tmp_path / "missing.yaml"
    missing.write_bytes(manifest("organisation:\n  classification: restricted\n"))
    (reason,) = decide_file(rulebook, str(missing)).reasons
    assert reason.rule == "acme_facts/restricted_needs_a_ticket"
    with pytest.raises(ManifestError) as caught:
        load_manifest_bytes(
            manifest("organisation:\n  classification: restricted\n  ticket: '42'\n"), "m.yaml"
        )
    assert caught.value.code == "E410" and caught.value.first.json_path == "/organisation/ticket"
    with pytest.raises(ManifestError) as caught:
        load_manifest_bytes(manifest("organisation:\n  classification: public\n  tiket: DPO-1\n"), "m.yaml")
    assert caught.value.first.json_path == "/organisation/tiket"


def test_the_merged_schema_has_its_own_fast_check() -> None:
    load_rulebook([REPO / "rules"])
    shipped_check, shipped_digest = fast_check(), schema_digest()
    assert "organisation" not in schema()["properties"]
    load_rulebook([REPO / "rules", FACTS])
    merged_check = fast_check()
    assert merged_check is not None and merged_check is not shipped_check
    assert schema_digest() != shipped_digest and schema_digest().startswith("sha256:")
    document = load_manifest_bytes(manifest("organisation:\n  classification: public\n"), "m.yaml").data
    assert document["organisation"] == {"classification": "public", "ticket": None}


def test_without_a_fragment_organisation_is_an_unknown_field() -> None:
    load_rulebook([REPO / "rules"])
    with pytest.raises(ManifestError) as caught:
        load_manifest_bytes(manifest("organisation:\n  classification: public\n"), "m.yaml")
    assert caught.value.first.message.startswith("unknown field `organisation`")


def test_rules_check_types_organisation_rules_against_the_fragment(tmp_path: Path) -> None:
    shutil.copy(FACTS / "organisation.schema.json", tmp_path)
    text = (FACTS / "acme_facts.rules").read_text(encoding="utf-8").replace('== "restricted"', "== 3")
    (tmp_path / "acme_facts.rules").write_text(text, encoding="utf-8")
    codes = [d.code for d in check_rule_paths([tmp_path]).diagnostics]
    assert codes == ["E202"]
    (tmp_path / "organisation.schema.json").unlink()
    codes = [d.code for d in check_rule_paths([tmp_path]).diagnostics]
    assert set(codes) == {"E201"}  # organisation.* is not a field without the fragment


@pytest.mark.parametrize(
    ("fragment", "message"),
    [
        ({"type": "array"}, "must describe an object with `properties`"),
        (
            {"type": "object", "properties": {"a": {"type": "string"}}},
            "the organisation fact `a` has no description",
        ),
        (
            {"type": "object", "additionalProperties": True, "properties": {}},
            "must keep unknown properties errors",
        ),
        (
            {"type": "object", "properties": {"a": {"type": "text", "description": "x"}}},
            "not a valid JSON Schema",
        ),
    ],
)
def test_a_bad_fragment_is_e420(tmp_path: Path, fragment: dict[str, object], message: str) -> None:
    path = tmp_path / "organisation.schema.json"
    path.write_text(json.dumps(fragment), encoding="utf-8")
    with pytest.raises(ManifestError) as caught:
        read_organisation_schema(str(path))
    assert caught.value.code == "E424" and message in caught.value.first.message
    assert caught.value.first.path == str(path)


def test_two_fragments_are_refused(tmp_path: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(FACTS, other)
    with pytest.raises(CheckError) as caught:
        load_rulebook([FACTS, other])
    assert caught.value.code == "E424"


def test_schema_manifest_prints_the_merged_schema_for_rules_with_a_fragment(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sys

    from gba_dataflow.cli import main as entry

    def run(*args: str) -> str:
        monkeypatch.setattr(sys, "argv", ["gba-dataflow", "schema", "manifest", *args])
        with pytest.raises(SystemExit):
            entry.main()
        return capsys.readouterr().out

    monkeypatch.chdir(REPO)
    assert run() == (REPO / "schemas" / "manifest.schema.json").read_text(encoding="utf-8")
    merged = json.loads(run("--rules", str(REPO / "rules"), "--rules", str(FACTS)))
    assert merged["properties"]["organisation"]["properties"]["ticket"]["pattern"] == "^DPO-[0-9]+$"
