"""Edges of the shipped ruleset: volume thresholds, effective dates (the day before and the day of), the nine
GBA cities against Guangdong cities outside them, working-day filing deadlines and approval terms."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from rules_factory import (
    BASE,
    GBA_2026,
    GD9_CITIES,
    HK_BASE,
    MO_BASE,
    OUTSIDE_GD9,
    D,
    certification,
    decide,
    describe,
    fired,
    gba_contract,
    on,
    security_assessment,
    standard_contract,
    volume,
)

from gba_dataflow.core.workdays import working_days_between

M = "mainland_export/"

# ---- volume thresholds (2024 Provisions: since 1 January of the as-of year, this transfer included) ------


@pytest.mark.parametrize(
    ("personal", "sensitive", "decision", "rule"),
    [
        (99_999, 0, "allow", "m10_small_volume_exemption"),
        (100_000, 0, "deny", "m12_contract_or_certification_required"),
        (999_999, 0, "deny", "m12_contract_or_certification_required"),
        (1_000_000, 0, "deny", "m11_security_assessment_required"),
        (5_000, 1, "deny", "m12_contract_or_certification_required"),
        (5_000, 4_999, "deny", "m12_contract_or_certification_required"),
        (20_000, 9_999, "deny", "m12_contract_or_certification_required"),
        (20_000, 10_000, "deny", "m11_security_assessment_required"),
    ],
)
def test_volume_thresholds(personal: int, sensitive: int, decision: str, rule: str) -> None:
    result = decide(volume(personal, sensitive))
    assert result.decision.value == decision, describe(result)
    assert M + rule in fired(result), describe(result)
    other = {"m11_security_assessment_required", "m12_contract_or_certification_required"} - {rule}
    assert not {M + name for name in other} & fired(result), describe(result)


@pytest.mark.parametrize(
    ("personal", "sensitive", "mechanism", "decision"),
    [
        (999_999, 0, "scc", "allow"),
        (1_000_000, 0, "scc", "deny"),
        (20_000, 9_999, "certification", "allow"),
        (20_000, 10_000, "certification", "deny"),
        (1_000_000, 0, "sa", "allow"),
        (20_000, 10_000, "sa", "allow"),
    ],
)
def test_which_mechanism_each_band_needs(
    personal: int, sensitive: int, mechanism: str, decision: str
) -> None:
    mechanisms = {
        "scc": standard_contract(D(2026, 11, 2), D(2026, 11, 9)),
        "certification": certification(D(2026, 3, 2), D(2029, 3, 1)),
        "sa": security_assessment(D(2025, 6, 2), D(2028, 6, 1)),
    }
    result = decide({**volume(personal, sensitive), **mechanisms[mechanism]})
    assert result.decision.value == decision, describe(result)


@pytest.mark.parametrize(
    ("field", "value", "decision", "rule"),
    [
        (
            "volume.personal_subjects_since_previous_year",
            99_999,
            "deny",
            "m13_legacy_contract_or_certification_required",
        ),
        (
            "volume.personal_subjects_since_previous_year",
            100_000,
            "deny",
            "m13_legacy_security_assessment_required",
        ),
        (
            "volume.sensitive_subjects_since_previous_year",
            9_999,
            "deny",
            "m13_legacy_contract_or_certification_required",
        ),
        (
            "volume.sensitive_subjects_since_previous_year",
            10_000,
            "deny",
            "m13_legacy_security_assessment_required",
        ),
        ("volume.processed_subjects_total", 999_999, "deny", "m13_legacy_contract_or_certification_required"),
        ("volume.processed_subjects_total", 1_000_000, "deny", "m13_legacy_security_assessment_required"),
    ],
)
def test_legacy_thresholds(field: str, value: int, decision: str, rule: str) -> None:
    result = decide({**on(D(2023, 9, 1)), field: value})
    assert result.decision.value == decision, describe(result)
    assert M + rule in fired(result), describe(result)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("volume.sensitive_subjects_since_previous_year", 9_999),
        ("volume.personal_subjects_since_previous_year", 99_999),
        ("volume.processed_subjects_total", 999_999),
    ],
)
def test_legacy_contract_band_is_served_by_the_standard_contract(field: str, value: int) -> None:
    contract = standard_contract(D(2023, 8, 1), D(2023, 8, 15))
    assert decide({**on(D(2023, 9, 1)), field: value, **contract}).decision.value == "allow"


def test_counting_window_switches_on_22_march_2024() -> None:
    """Last year's 500,000 individuals count before the 2024 Provisions, not after."""
    last_year = {"volume.personal_subjects_since_previous_year": 500_000}
    before = decide({**on(D(2024, 3, 21)), **last_year})
    assert M + "m13_legacy_security_assessment_required" in fired(before), describe(before)
    after = decide({**on(D(2024, 3, 22)), **last_year})
    assert after.decision.value == "allow", describe(after)
    assert M + "m10_small_volume_exemption" in fired(after)


def test_processing_one_million_no_longer_triggers_after_the_provisions() -> None:
    result = decide({"volume.processed_subjects_total": 5_000_000})
    assert result.decision.value == "allow", describe(result)


# ---- effective dates: the day before and the day of --------------------------------------------------------

EXEMPTION = {"transfer.exemption": "contract", "transfer.exemption_justification": "cross-border remittance"}
MID = volume(250_000)


def _gba(day: dt.date, sector: str = "retail", **extra: Any) -> dict[str, Any]:
    """A GBA Standard Contract that took effect on `day` and was filed the same day."""
    return {**on(day), "exporter.sector": sector, **gba_contract(day, day), **extra}


# (what, base, overrides on the day before, rule expected only on the day, overrides on the day)
DATES: list[tuple[str, dict[str, Any], dict[str, Any], str, dict[str, Any]]] = [
    (
        "DSL 2021-09-01",
        BASE,
        {**on(D(2021, 8, 31)), "dataset.core_data": True},
        M + "m1_core_data",
        {**on(D(2021, 9, 1)), "dataset.core_data": True},
    ),
    (
        "PIPL 2021-11-01 state organ",
        BASE,
        {**on(D(2021, 10, 31)), "exporter.state_organ": True},
        M + "m2_state_organ_without_assessment",
        {**on(D(2021, 11, 1)), "exporter.state_organ": True},
    ),
    (
        "PIPL 2021-11-01 CIIO",
        BASE,
        {**on(D(2021, 10, 31)), "exporter.ciio": True},
        M + "m8_ciio_without_assessment",
        {**on(D(2021, 11, 1)), "exporter.ciio": True},
    ),
    (
        "SA Measures 2022-09-01 important data",
        BASE,
        {**on(D(2022, 8, 31)), "dataset.important_data": True},
        M + "m3_important_data_without_assessment",
        {**on(D(2022, 9, 1)), "dataset.important_data": True},
    ),
    (
        "SA Measures 2022-09-01 legacy regime",
        BASE,
        on(D(2022, 8, 31)),
        M + "m13_legacy_contract_or_certification_required",
        on(D(2022, 9, 1)),
    ),
    (
        "SA Measures 2022-09-01 approval",
        BASE,
        {**on(D(2022, 8, 31)), **security_assessment(D(2022, 8, 31), D(2024, 8, 30))},
        M + "m11_security_assessment",
        {**on(D(2022, 9, 1)), **security_assessment(D(2022, 9, 1), D(2024, 8, 31))},
    ),
    (
        "certification announcement 2022-12-01",
        BASE,
        {**on(D(2022, 11, 30)), **certification(D(2022, 11, 30), D(2025, 11, 29))},
        M + "m12_certification_announcement",
        {**on(D(2022, 12, 1)), **certification(D(2022, 12, 1), D(2025, 11, 30))},
    ),
    (
        "SCC Measures 2023-06-01",
        BASE,
        {**on(D(2023, 5, 31)), **standard_contract(D(2023, 5, 31), D(2023, 5, 31))},
        M + "m12_standard_contract",
        {**on(D(2023, 6, 1)), **standard_contract(D(2023, 6, 1), D(2023, 6, 1))},
    ),
    (
        "HK GBA contract pilot 2023-12-13",
        BASE,
        _gba(D(2023, 12, 12), "banking"),
        M + "m9_gba_contract_hk_pilot",
        _gba(D(2023, 12, 13), "banking"),
    ),
    (
        "2024 Provisions: small volume",
        BASE,
        on(D(2024, 3, 21)),
        M + "m10_small_volume_exemption",
        on(D(2024, 3, 22)),
    ),
    (
        "2024 Provisions: contract exemption",
        BASE,
        {**on(D(2024, 3, 21)), **EXEMPTION, **MID},
        M + "m6_contract_exemption",
        {**on(D(2024, 3, 22)), **EXEMPTION, **MID},
    ),
    (
        "2024 Provisions: foreign origin",
        BASE,
        {**on(D(2024, 3, 21)), "dataset.foreign_origin_only": True},
        M + "m5_foreign_origin_reexport",
        {**on(D(2024, 3, 22)), "dataset.foreign_origin_only": True},
    ),
    (
        "2024 Provisions: band",
        BASE,
        {**on(D(2024, 3, 21)), **MID},
        M + "m12_contract_or_certification_required",
        {**on(D(2024, 3, 22)), **MID},
    ),
    (
        "Macao GBA contract 2024-09-10",
        BASE,
        _gba(D(2024, 9, 9), **MID, **{"transfer.destination": {"region": "MO", "city": "Macao"}}),
        M + "m9_gba_contract_mo",
        _gba(D(2024, 9, 10), **MID, **{"transfer.destination": {"region": "MO", "city": "Macao"}}),
    ),
    (
        "HK GBA contract all sectors 2024-11-01",
        BASE,
        _gba(D(2024, 10, 31), **MID),
        M + "m9_gba_contract_hk",
        _gba(D(2024, 11, 1), **MID),
    ),
    (
        "NDSMR 2025-01-01",
        BASE,
        {
            **on(D(2024, 12, 31)),
            "transfer.exemption": "statutory_duty",
            "transfer.exemption_justification": "AML",
            **MID,
        },
        M + "m6b_statutory_duty",
        {
            **on(D(2025, 1, 1)),
            "transfer.exemption": "statutory_duty",
            "transfer.exemption_justification": "AML",
            **MID,
        },
    ),
    (
        "Certification Measures 2026-01-01",
        BASE,
        {**on(D(2025, 12, 31)), **MID, **certification(D(2025, 12, 1), D(2028, 11, 30))},
        M + "m12_certification",
        {**on(D(2026, 1, 1)), **MID, **certification(D(2025, 12, 1), D(2028, 11, 30))},
    ),
    (
        "PDPO 1996-12-20",
        HK_BASE,
        on(D(1996, 12, 19)),
        "hong_kong_pdpo/h1_no_statutory_export_control",
        on(D(1996, 12, 20)),
    ),
    (
        "HK GBA contract pilot 2023-12-13 (HK side)",
        HK_BASE,
        {**_gba(D(2023, 12, 12), "healthcare"), "mechanisms.gba_standard_contract.filed_with": "hk_dpo"},
        "hong_kong_pdpo/h3_gba_contract_pilot",
        {**_gba(D(2023, 12, 13), "healthcare"), "mechanisms.gba_standard_contract.filed_with": "hk_dpo"},
    ),
    (
        "HK GBA contract all sectors 2024-11-01 (HK side)",
        HK_BASE,
        {**_gba(D(2024, 10, 31)), "mechanisms.gba_standard_contract.filed_with": "hk_dpo"},
        "hong_kong_pdpo/h3_gba_contract",
        {**_gba(D(2024, 11, 1)), "mechanisms.gba_standard_contract.filed_with": "hk_dpo"},
    ),
    (
        "Macao PDPA 2006-03-01",
        MO_BASE,
        {**on(D(2006, 2, 28)), "macao.article20_ground": "explicit_consent"},
        "macao_pdpa/c2_article20_ground",
        {**on(D(2006, 3, 1)), "macao.article20_ground": "explicit_consent"},
    ),
    (
        "Macao GBA contract 2024-09-10 (Macao side)",
        MO_BASE,
        {
            **_gba(D(2024, 9, 9)),
            "mechanisms.gba_standard_contract.filed_with": "dspdp",
            "macao.article20_ground": "contract_with_subject",
        },
        "macao_pdpa/c4_gba_contract",
        {
            **_gba(D(2024, 9, 10)),
            "mechanisms.gba_standard_contract.filed_with": "dspdp",
            "macao.article20_ground": "contract_with_subject",
        },
    ),
]


@pytest.mark.parametrize(("what", "base", "before", "rule", "day_of"), DATES, ids=[row[0] for row in DATES])
def test_effective_date(
    what: str, base: dict[str, Any], before: dict[str, Any], rule: str, day_of: dict[str, Any]
) -> None:
    earlier = decide(before, base=base)
    assert rule not in fired(earlier), f"{what}: {rule} fired the day before\n{describe(earlier)}"
    later = decide(day_of, base=base)
    assert rule in fired(later), f"{what}: {rule} did not fire on the day\n{describe(later)}"
    assert not earlier.errors and not later.errors


def test_pilot_sectors_use_the_pilot_rule_until_31_october_2024() -> None:
    last_pilot_day = decide(_gba(D(2024, 10, 31), "credit_referencing", **MID))
    assert M + "m9_gba_contract_hk_pilot" in fired(last_pilot_day), describe(last_pilot_day)
    first_open_day = decide(_gba(D(2024, 11, 1), "credit_referencing", **MID))
    assert fired(first_open_day) & {M + "m9_gba_contract_hk", M + "m9_gba_contract_hk_pilot"} == {
        M + "m9_gba_contract_hk"
    }


@pytest.mark.parametrize(
    ("approved_on", "as_of", "valid"),
    [
        (D(2024, 3, 21), D(2026, 3, 20), True),  # 2-year term: its last day
        (D(2024, 3, 21), D(2026, 3, 21), False),
        (D(2024, 3, 22), D(2027, 3, 21), True),  # 3-year term: its last day
        (D(2024, 3, 22), D(2027, 3, 22), False),
    ],
)
def test_security_assessment_term_is_2_years_before_the_provisions_and_3_after(
    approved_on: dt.date, as_of: dt.date, valid: bool
) -> None:
    result = decide({**on(as_of), **volume(1_200_000), **security_assessment(approved_on, None)})
    assert (result.decision.value == "allow") is valid, describe(result)


def test_declared_validity_cannot_exceed_the_statutory_term() -> None:
    result = decide(
        {**on(D(2026, 6, 1)), **volume(1_200_000), **security_assessment(D(2022, 10, 3), D(2030, 1, 1))}
    )
    assert result.decision.value == "deny", describe(result)


@pytest.mark.parametrize(
    ("extension_applied_on", "valid"),
    [
        (D(2024, 8, 1), True),  # within the 60 working days before the expiry on 2024-10-02
        (D(2024, 4, 1), False),  # too early
        (None, False),
    ],
)
def test_security_assessment_extension(extension_applied_on: dt.date | None, valid: bool) -> None:
    approval = security_assessment(D(2022, 10, 3), D(2027, 10, 1), extension_applied_on=extension_applied_on)
    result = decide({**on(D(2025, 6, 2)), **volume(1_200_000), **approval})
    assert (result.decision.value == "allow") is valid, describe(result)


# ---- working days: filing within 10 working days after the contract takes effect ---------------------------

EFFECTIVE = D(2026, 10, 30)  # a Friday


@pytest.mark.parametrize(
    ("filed_on", "allowed"),
    [
        (D(2026, 11, 13), True),  # 10 working days after Friday 30 October
        (D(2026, 11, 16), False),  # 11 working days
    ],
)
def test_filing_deadline_counts_monday_to_friday(filed_on: dt.date, allowed: bool) -> None:
    assert working_days_between(EFFECTIVE, filed_on) == (10 if allowed else 11)
    gba = decide({**MID, **gba_contract(EFFECTIVE, filed_on)})
    assert (gba.decision.value == "allow") is allowed, describe(gba)
    scc = decide({**MID, **standard_contract(EFFECTIVE, filed_on)})
    assert (scc.decision.value == "allow") is allowed, describe(scc)


@pytest.mark.parametrize(("as_of", "allowed"), [(D(2026, 11, 13), True), (D(2026, 11, 16), False)])
def test_unfiled_contract_is_allowed_only_while_the_filing_window_is_open(
    as_of: dt.date, allowed: bool
) -> None:
    result = decide({**MID, **on(as_of), **gba_contract(EFFECTIVE, None)})
    assert (result.decision.value == "allow") is allowed, describe(result)
    if allowed:
        assert any("within 10 working days" in obligation.text for obligation in result.obligations)


@pytest.mark.parametrize(
    ("filed_with", "allowed"), [("guangdong_cac", True), ("hk_dpo", False), ("dspdp", False)]
)
def test_mainland_exporter_files_with_the_guangdong_cac(filed_with: str, allowed: bool) -> None:
    result = decide({**MID, **gba_contract(D(2026, 11, 2), D(2026, 11, 9), filed_with)})
    assert (result.decision.value == "allow") is allowed, describe(result)


def test_contract_must_be_in_effect_on_the_transfer_date() -> None:
    result = decide({**MID, **gba_contract(D(2026, 12, 2), D(2026, 12, 3))})
    assert result.decision.value == "deny", describe(result)


def test_pipia_must_precede_the_transfer() -> None:
    result = decide({**MID, **GBA_2026, "mechanisms.pipia.completed_on": D(2026, 12, 2)})
    assert result.decision.value == "deny", describe(result)


# ---- the nine Mainland GBA cities against Guangdong cities outside them ---------------------------------


@pytest.mark.parametrize("city", GD9_CITIES)
def test_gd9_exporter_may_use_the_gba_contract(city: str) -> None:
    to_hk = decide({**MID, **GBA_2026, "transfer.origin": {"region": "CN-GD", "city": city}})
    assert to_hk.decision.value == "allow", describe(to_hk)
    assert M + "m9_gba_contract_hk" in fired(to_hk)
    to_mo = decide(
        {
            **MID,
            **GBA_2026,
            "transfer.origin": {"region": "CN-GD", "city": city},
            "transfer.destination": {"region": "MO", "city": "Macao"},
        }
    )
    assert M + "m9_gba_contract_mo" in fired(to_mo), describe(to_mo)


@pytest.mark.parametrize("city", OUTSIDE_GD9)
def test_guangdong_exporter_outside_gd9_may_not(city: str) -> None:
    result = decide({**MID, **GBA_2026, "transfer.origin": {"region": "CN-GD", "city": city}})
    assert result.decision.value == "deny", describe(result)
    assert {M + "m12_contract_or_certification_required", M + "m9_gba_contract_does_not_qualify"} <= fired(
        result
    )


@pytest.mark.parametrize(
    ("origin", "ftz"),
    [
        ({"region": "CN-GD", "city": "Nansha"}, None),
        ({"region": "CN-GD", "city": "Qianhai"}, None),
        ({"region": "CN-GD", "city": "Hengqin"}, None),
        ({"region": "CN-GD", "city": "深圳"}, None),
        ({"region": "CN-GD", "city": "廣州"}, None),
        ({"region": "CN-GD", "city": None}, "hengqin"),
    ],
)
def test_ftz_areas_and_chinese_names_count_as_gd9(origin: dict[str, Any], ftz: str | None) -> None:
    result = decide({**MID, **GBA_2026, "transfer.origin": origin, "exporter.ftz": ftz})
    assert M + "m9_gba_contract_hk" in fired(result), describe(result)


def test_unknown_city_does_not_count_as_gd9() -> None:
    result = decide({**MID, **GBA_2026, "transfer.origin": {"region": "CN-GD"}})
    assert result.decision.value == "deny", describe(result)


def test_non_guangdong_city_of_the_same_name_does_not_count() -> None:
    result = decide({**MID, **GBA_2026, "transfer.origin": {"region": "CN-BJ", "city": "Shenzhen"}})
    assert result.decision.value == "deny", describe(result)


HK_GBA = {**gba_contract(D(2026, 11, 2), D(2026, 11, 9), "hk_dpo")}
MO_GBA = {
    **gba_contract(D(2026, 11, 2), D(2026, 11, 9), "dspdp"),
    "macao.article20_ground": "contract_with_subject",
}


@pytest.mark.parametrize("city", GD9_CITIES)
def test_hong_kong_and_macao_exporters_reach_gd9_recipients_by_gba_contract(city: str) -> None:
    destination = {"transfer.destination": {"region": "CN-GD", "city": city}}
    from_hk = decide({**HK_GBA, **destination}, base=HK_BASE)
    assert "hong_kong_pdpo/h3_gba_contract" in fired(from_hk), describe(from_hk)
    from_mo = decide({**MO_GBA, **destination}, base=MO_BASE)
    assert "macao_pdpa/c4_gba_contract" in fired(from_mo), describe(from_mo)


@pytest.mark.parametrize("city", OUTSIDE_GD9)
def test_gba_contract_does_not_reach_recipients_outside_gd9(city: str) -> None:
    destination = {"transfer.destination": {"region": "CN-GD", "city": city}}
    from_hk = decide({**HK_GBA, **destination}, base=HK_BASE)
    assert from_hk.decision.value == "allow"  # H1: the PDPO does not restrict the transfer
    assert "hong_kong_pdpo/h3_gba_contract_does_not_qualify" in fired(from_hk)
    assert "hong_kong_pdpo/h3_gba_contract" not in fired(from_hk)
    from_mo = decide({**MO_GBA, **destination}, base=MO_BASE)
    assert "macao_pdpa/c4_gba_contract_does_not_qualify" in fired(from_mo), describe(from_mo)
    assert "macao_pdpa/c4_gba_contract" not in fired(from_mo)


@pytest.mark.parametrize(("region", "ruleset"), [("HK", "hong_kong_pdpo"), ("MO", "macao_pdpa")])
def test_hong_kong_and_macao_origins_use_their_own_law(region: str, ruleset: str) -> None:
    base = HK_BASE if region == "HK" else MO_BASE
    result = decide({}, base=base)
    assert [outcome.id for outcome in result.rulesets if outcome.applies] == [ruleset]
