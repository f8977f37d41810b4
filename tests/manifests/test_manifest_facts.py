"""Facts that hold (issue 20): placeholders, canonical places, calendars not yet known, blank text."""

from __future__ import annotations

import pytest
from manifest_samples import MINIMAL, edit, load, problems

from gba_dataflow.core.errors import Diagnostic
from gba_dataflow.manifests import LoadedManifest
from gba_dataflow.manifests.provenance import Origin


def _warnings(manifest: LoadedManifest) -> tuple[Diagnostic, ...]:
    """The manifest's warnings but W413 (MINIMAL declares no cumulative volume)."""
    return tuple(warning for warning in manifest.warnings if warning.code != "W413")


def test_a_placeholder_is_an_input_error_at_its_value() -> None:
    text = edit(MINIMAL, "purpose: support", 'purpose: "TODO: why the data is transferred"')
    (diagnostic,) = problems(text)
    assert diagnostic.code == "E420" and diagnostic.json_path == "/transfer/purpose"
    assert diagnostic.span is not None and (diagnostic.span.line, diagnostic.span.column) == (7, 12)
    assert diagnostic.hint is not None


def test_lowercase_todo_inside_a_word_is_not_a_placeholder() -> None:
    manifest = load(edit(MINIMAL, "purpose: support", "purpose: sync of the todo app and TODOS list"))
    assert manifest.data["transfer"]["purpose"].startswith("sync")


@pytest.mark.parametrize(
    "written", ["shenzhen", "SHENZHEN", "Shenzhen City", "深圳市", "'Shenzhen '", "前海"]
)
def test_a_city_as_people_write_it_is_the_canonical_city_with_what_was_written(written: str) -> None:
    manifest = load(edit(MINIMAL, "city: Shenzhen}", f"city: {written}}}"))
    assert manifest.data["transfer"]["origin"]["city"] == "Shenzhen"
    assert manifest.data["exporter"]["city"] == "Shenzhen"  # its default, from the origin
    provenance = manifest.provenance_of("/transfer/origin/city")
    assert provenance.origin is Origin.DERIVED
    assert (
        provenance.note is not None
        and written.strip("'") in provenance.note
        and "Shenzhen" in provenance.note
    )
    assert (provenance.line, provenance.column) == (5, 33)
    assert _warnings(manifest) == ()


def test_the_canonical_spelling_stays_stated() -> None:
    manifest = load(MINIMAL)
    assert manifest.provenance_of("/transfer/origin/city").origin is Origin.STATED


def test_an_unknown_guangdong_city_is_kept_and_warned_with_did_you_mean() -> None:
    manifest = load(edit(MINIMAL, "city: Shenzhen}", "city: Shenzen}"))
    assert manifest.data["transfer"]["origin"]["city"] == "Shenzen"
    (warning,) = _warnings(manifest)
    assert warning.code == "W422" and warning.json_path == "/transfer/origin/city"
    assert "did you mean `Shenzhen`?" in warning.message


def test_a_place_of_another_region_is_named_as_such() -> None:
    manifest = load(edit(MINIMAL, "city: Shenzhen}", "city: Hong Kong}"))
    (warning,) = _warnings(manifest)
    assert warning.code == "W422" and "Hong Kong in HK" in warning.message


def test_cities_outside_the_gazetteers_regions_are_left_alone() -> None:
    text = edit(MINIMAL, "origin: {region: CN-GD, city: Shenzhen}", "origin: {region: CN-BJ, city: beijing}")
    manifest = load(text)
    assert manifest.data["transfer"]["origin"]["city"] == "beijing" and _warnings(manifest) == ()


def _contract(effective: str, filed: str, filed_with: str = "guangdong_cac") -> str:
    return (
        MINIMAL
        + "mechanisms:\n  gba_standard_contract:\n"
        + f"    effective_on: {effective}\n    filed_on: {filed}\n    filed_with: {filed_with}\n"
    )


def test_a_deadline_in_a_year_without_a_known_calendar_is_warned_naming_the_year() -> None:
    from gba_dataflow.core.calendars import calendar

    year = calendar("CN").last_year + 1
    manifest = load(_contract(f"{year}-01-25", f"{year}-02-05"))
    (warning,) = _warnings(manifest)
    assert warning.code == "W421" and str(year) in warning.message and "Mainland" in warning.message
    assert warning.json_path == "/mechanisms/gba_standard_contract/filed_on"


def test_a_deadline_in_a_known_year_is_not_warned() -> None:
    assert _warnings(load(_contract("2025-02-05", "2025-02-19"))) == ()


def test_the_hong_kong_calendar_is_the_filing_sides() -> None:
    from gba_dataflow.core.calendars import HK_MO_KNOWN_THROUGH

    year = HK_MO_KNOWN_THROUGH + 1
    manifest = load(_contract(f"{year}-03-01", f"{year}-03-05", "hk_dpo"))
    (warning,) = _warnings(manifest)
    assert warning.code == "W421" and "Hong Kong" in warning.message


@pytest.mark.parametrize("blank", ["\\u200b", "\\u2800", "\\u3164", " \\t"])
def test_a_blank_justification_is_no_justification(blank: str) -> None:
    text = edit(
        MINIMAL,
        "purpose: support",
        f'purpose: support\n  exemption: hr\n  exemption_justification: "{blank}"',
    )
    (warning,) = _warnings(load(text))
    assert warning.code == "W412" and "without a justification" in warning.message


def test_a_placeholder_spelt_with_an_escape_is_still_found() -> None:
    text = edit(MINIMAL, "purpose: support", 'purpose: "\\x54ODO: why"')
    (diagnostic,) = problems(text)
    assert diagnostic.code == "E420" and diagnostic.json_path == "/transfer/purpose"
