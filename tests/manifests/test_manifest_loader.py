"""Loading valid manifests: data, dates, defaults, positions, digest, YAML/JSON equivalence."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from manifest_samples import EXAMPLE, MINIMAL, edit, load

from gba_dataflow.manifests import LoadedManifest, load_manifest, load_manifest_bytes, schema
from gba_dataflow.manifests.yaml_parser import _C_LOADER


def as_json(text: str, **dump: Any) -> str:
    """The same manifest as JSON (dates written as ISO strings)."""
    return json.dumps(yaml.safe_load(text), default=lambda value: value.isoformat(), **dump)


def test_loader_reads_the_design_example() -> None:
    manifest = load(EXAMPLE)
    data = manifest.data
    assert isinstance(manifest, LoadedManifest)
    assert manifest.path == "m.yaml"
    assert data["id"] == "crm-to-hk-service-centre"
    assert data["transfer"]["origin"] == {"region": "CN-GD", "city": "Shenzhen"}
    assert data["dataset"]["subjects"] == 48000
    assert data["dataset"]["fields"][2] == {
        "name": "account_balance",
        "category": "sensitive_personal",
        "sensitive_type": "financial_account",
    }
    assert data["mechanisms"]["gba_standard_contract"]["reference"] == "GD-GBA-2026-0042"
    assert data["volume"] == {
        "personal_subjects_ytd": 61000,
        "sensitive_subjects_ytd": 0,
        "personal_subjects_since_previous_year": 61000,
        "sensitive_subjects_since_previous_year": 0,
        "processed_subjects_total": 300000,
    }


def test_loader_turns_dates_into_dates() -> None:
    data = load(EXAMPLE).data
    assert data["transfer"]["date"] == dt.date(2026, 12, 1)
    assert data["mechanisms"]["gba_standard_contract"]["effective_on"] == dt.date(2026, 10, 20)
    assert data["mechanisms"]["gba_standard_contract"]["filed_on"] == dt.date(2026, 10, 28)
    assert data["mechanisms"]["pipia"]["completed_on"] == dt.date(2026, 10, 1)
    assert data["mechanisms"]["standard_contract"]["effective_on"] is None
    assert type(data["transfer"]["date"]) is dt.date


def test_loader_accepts_quoted_iso_dates_as_dates() -> None:
    data = load(edit(EXAMPLE, "date: 2026-12-01", 'date: "2026-12-01"')).data
    assert data["transfer"]["date"] == dt.date(2026, 12, 1)


def test_loader_reports_positions_of_values() -> None:
    positions = load(EXAMPLE).positions
    assert positions[""] == (1, 1)
    assert positions["/apiVersion"] == (1, 13)
    assert positions["/transfer/origin/region"] == (6, 20)
    assert positions["/transfer/date"] == (8, 9)
    assert positions["/dataset/fields/2"] == (36, 7)
    assert positions["/dataset/fields/2/category"] == (36, 41)
    assert positions["/volume/personal_subjects_ytd"] == (39, 26)
    assert positions["/mechanisms/gba_standard_contract/filed_on"] == (47, 63)
    assert positions["/macao/authorisation/granted_on"] == (61, 31)


def test_positions_only_name_values_of_the_file() -> None:
    manifest = load(MINIMAL)
    assert "/dataset/fields/0/category" in manifest.positions
    assert "/exporter/region" not in manifest.positions  # a default, not in the file
    assert "/volume" not in manifest.positions


def test_defaults_fill_every_path_of_the_schema() -> None:
    data = load(MINIMAL).data

    def walk(node: dict[str, Any], value: Any, where: str) -> None:
        for name, sub in node.get("properties", {}).items():
            assert isinstance(value, dict) and name in value, f"{where}/{name} is missing"
            walk(sub, value[name], f"{where}/{name}")
        items = node.get("items")
        if items and isinstance(value, list):
            for index, item in enumerate(value):
                walk(items, item, f"{where}/{index}")

    walk(schema(), data, "")


def test_defaults_follow_the_design() -> None:
    data = load(MINIMAL).data
    transfer, exporter, recipient = data["transfer"], data["exporter"], data["recipient"]
    assert transfer["date"] is None
    assert transfer["exemption"] == "none"
    assert transfer["exemption_justification"] == ""
    assert transfer["onward_transfer_outside_gba"] is False
    assert transfer["destination"]["city"] is None
    assert (exporter["region"], exporter["city"]) == ("CN-GD", "Shenzhen")
    assert (recipient["region"], recipient["city"]) == ("HK", None)
    assert exporter["ciio"] is False and exporter["ftz"] is None and exporter["sector"] is None
    assert data["title"] is None
    dataset = data["dataset"]
    assert dataset["ftz_negative_list"] == {"applies": False, "listed": False}
    assert dataset["sensitive_subjects"] == 0
    assert dataset["fields"][0]["sensitive_type"] is None
    assert data["mechanisms"]["security_assessment"]["status"] == "none"
    assert data["mechanisms"]["notice_given"] is False
    assert data["mechanisms"]["gba_standard_contract"]["filed_with"] is None
    assert data["hong_kong"]["purpose"] == "same"
    assert data["macao"]["article20_ground"] == "none"
    assert data["macao"]["authorisation"] == {"granted_on": None, "reference": None}


def test_volume_defaults_to_this_transfer_with_one_warning() -> None:
    manifest = load(MINIMAL)
    assert manifest.data["volume"] == {
        "personal_subjects_ytd": 10,
        "sensitive_subjects_ytd": 0,
        "personal_subjects_since_previous_year": 10,
        "sensitive_subjects_since_previous_year": 0,
        "processed_subjects_total": 10,
    }
    assert [w.code for w in manifest.warnings] == ["W413"]
    warning = manifest.warnings[0]
    assert "cumulative volume this year is unknown" in warning.message
    assert warning.json_path == "/volume/personal_subjects_ytd"
    assert (warning.line, warning.column) == (14, 3)


def test_declared_volume_gives_no_volume_warning() -> None:
    text = MINIMAL + "volume: {personal_subjects_ytd: 500, sensitive_subjects_ytd: 0}\n"
    manifest = load(text)
    assert manifest.warnings == ()
    assert manifest.data["volume"]["processed_subjects_total"] == 500


def test_a_transfer_before_the_2024_provisions_needs_the_longer_window() -> None:
    text = edit(MINIMAL, "  purpose: support", "  purpose: support\n  date: 2024-01-15")
    declared = text + "volume: {personal_subjects_ytd: 500, sensitive_subjects_ytd: 0}\n"
    warnings = load(declared).warnings
    assert [(w.code, w.json_path) for w in warnings] == [
        ("W413", "/volume/personal_subjects_since_previous_year")
    ]
    assert "since 1 January of the previous year" in warnings[0].message
    complete = text + (
        "volume: {personal_subjects_ytd: 500, sensitive_subjects_ytd: 0,\n"
        "         personal_subjects_since_previous_year: 900, sensitive_subjects_since_previous_year: 0}\n"
    )
    assert load(complete).warnings == ()
    assert len(load(text).warnings) == 1  # one W413 for everything unknown


def test_no_volume_warning_without_personal_data() -> None:
    text = edit(MINIMAL, "  subjects: 10\n", "").replace("category: personal", "category: non_personal")
    assert load(text).warnings == ()


def test_no_volume_warning_outside_the_mainland() -> None:
    text = edit(MINIMAL, "origin: {region: CN-GD, city: Shenzhen}", "origin: {region: HK}")
    assert load(text).warnings == ()


def test_an_explicit_null_city_is_not_replaced() -> None:
    text = edit(MINIMAL, "  name: Exporter Ltd.\n", "  name: Exporter Ltd.\n  city: null\n")
    assert load(text).data["exporter"]["city"] is None


def test_defaults_are_not_shared_between_manifests() -> None:
    first, second = load(MINIMAL), load(MINIMAL)
    first.data["mechanisms"]["pipia"]["completed_on"] = dt.date(2026, 1, 1)
    assert second.data["mechanisms"]["pipia"]["completed_on"] is None
    assert schema()["properties"]["mechanisms"]["default"] == {}


def test_digest_is_the_sha256_of_the_bytes() -> None:
    raw = EXAMPLE.encode()
    assert load(raw).digest == "sha256:" + hashlib.sha256(raw).hexdigest()


def test_json_and_yaml_give_the_same_data() -> None:
    from_yaml = load(EXAMPLE)
    from_json = load(as_json(EXAMPLE, indent=2), "m.json")
    assert from_json.data == from_yaml.data
    assert set(from_json.positions) == set(from_yaml.positions)
    assert [w.code for w in from_json.warnings] == [w.code for w in from_yaml.warnings]


def test_json_positions_are_exact() -> None:
    text = as_json(MINIMAL, indent=2)
    manifest = load(text, "m.json")
    lines = text.splitlines()
    for pointer, needle in (
        ("/transfer/origin/region", '"CN-GD"'),
        ("/dataset/fields/0/category", '"personal"'),
    ):
        line, column = manifest.positions[pointer]
        assert lines[line - 1][column - 1 :].startswith(needle), pointer
    assert manifest.positions[""] == (1, 1)


def test_stdin_is_json_when_it_starts_with_a_brace() -> None:
    assert load("\n  " + as_json(MINIMAL), "<stdin>").data == load(MINIMAL, "<stdin>").data
    assert load(MINIMAL, "<stdin>").path == "<stdin>"


def test_the_syntax_can_be_forced() -> None:
    assert load(as_json(MINIMAL), "manifest.txt", syntax="json").data["id"] == "minimal"


def test_a_utf8_bom_is_ignored() -> None:
    manifest = load(b"\xef\xbb\xbf" + MINIMAL.encode())
    assert manifest.data["id"] == "minimal"
    assert manifest.positions["/apiVersion"] == (1, 13)


def test_columns_count_characters_not_bytes() -> None:
    text = edit(MINIMAL, "  name: Exporter Ltd.", "  name: 深圳示例银行")
    text = edit(text, "destination: {region: HK}", "destination: {city: 香港, region: HK}")
    manifest = load(text)
    assert manifest.data["exporter"]["name"] == "深圳示例银行"
    assert manifest.positions["/transfer/destination/region"] == (6, 35)  # 39 if bytes were counted


def test_whole_floats_are_integers() -> None:
    text = as_json(MINIMAL).replace('"subjects": 10', '"subjects": 10.0')
    subjects = load(text, "m.json").data["dataset"]["subjects"]
    assert subjects == 10 and type(subjects) is int


def test_load_manifest_reads_files(tmp_path: Path) -> None:
    path = tmp_path / "crm.yaml"
    path.write_text(EXAMPLE, encoding="utf-8")
    manifest = load_manifest(path)
    assert manifest.path == str(path)
    assert manifest.data == load(EXAMPLE).data
    json_path = tmp_path / "crm.json"
    json_path.write_text(as_json(EXAMPLE), encoding="utf-8")
    assert load_manifest(str(json_path)).data == manifest.data


@pytest.mark.skipif(_C_LOADER is None, reason="libyaml is not available")
def test_the_pure_python_parser_gives_the_same_result(monkeypatch: pytest.MonkeyPatch) -> None:
    expected = load(EXAMPLE)
    monkeypatch.setattr("gba_dataflow.manifests.yaml_parser._C_LOADER", None)
    fallback = load(EXAMPLE)
    assert fallback.data == expected.data
    assert fallback.positions == expected.positions


def test_aliases_within_the_budget_are_expanded() -> None:
    text = edit(MINIMAL, "  name: Exporter Ltd.", "  name: &company Example Ltd.")
    text = edit(text, "  name: Recipient Ltd.", "  name: *company")
    assert load(text).data["recipient"]["name"] == "Example Ltd."


def test_load_manifest_bytes_is_the_public_entry_for_stdin() -> None:
    assert load_manifest_bytes(MINIMAL.encode(), "<stdin>").data["id"] == "minimal"
