"""Every row of the domain sheet's decision tables 7.2 (M0-M14) and 7.3 (H1-H4, C1-C5, X1/X2): the decision
and the cited reason the table gives."""

from __future__ import annotations

from typing import Any

import pytest
from rules_factory import (
    BASE,
    GBA_2026,
    HK_BASE,
    MO_BASE,
    SCC_2026,
    VALID_SA,
    D,
    certification,
    decide,
    describe,
    fired,
    gba_contract,
    on,
    reason_for,
    sensitive,
    volume,
)

from gba_dataflow.engine.model import ObligationStatus

MID = volume(250_000)
BIG = volume(1_500_000)
HK_GBA = gba_contract(D(2026, 11, 2), D(2026, 11, 9), "hk_dpo")
MO_GBA = gba_contract(D(2026, 11, 2), D(2026, 11, 9), "dspdp")
TO_MO = {"transfer.destination": {"region": "MO", "city": "Macao"}, "recipient.name": "Example (Macau) Lda."}
TO_HK = {"transfer.destination": {"region": "HK", "city": "Hong Kong"}, "recipient.name": "Example (HK) Ltd."}


def security_assessment_2022() -> dict[str, Any]:
    """Approved before 22 March 2024: valid 2 years."""
    return {
        "mechanisms.security_assessment": {
            "status": "approved",
            "approved_on": D(2022, 11, 1),
            "valid_until": D(2024, 10, 31),
        }
    }


# (row, base, overrides, decision, rule id that must give the reason, words its citation must contain)
ROWS: list[tuple[str, dict[str, Any], dict[str, Any], str, str, str]] = [
    ("M0", BASE, on(D(2021, 10, 31)), "deny", "mainland_export/m0_pipl_not_in_force", "PIPL"),
    ("M1", BASE, {"dataset.core_data": True}, "deny", "mainland_export/m1_core_data", "DSL"),
    (
        "M1-even-with-SA",
        BASE,
        {"dataset.core_data": True, **VALID_SA},
        "deny",
        "mainland_export/m1_core_data",
        "Art. 21",
    ),
    (
        "M2",
        BASE,
        {"exporter.state_organ": True},
        "deny",
        "mainland_export/m2_state_organ_without_assessment",
        "Art. 36",
    ),
    (
        "M2-with-SA-continues",
        BASE,
        {"exporter.state_organ": True, **VALID_SA, **MID},
        "allow",
        "mainland_export/m11_security_assessment",
        "Arts. 7 and 9",
    ),
    (
        "M3",
        BASE,
        {"dataset.important_data": True},
        "deny",
        "mainland_export/m3_important_data_without_assessment",
        "Art. 4(1)",
    ),
    (
        "M3-not-covered-by-GBA-contract",
        BASE,
        {"dataset.important_data": True, **GBA_2026},
        "deny",
        "mainland_export/m3_important_data_without_assessment",
        "GBA HK Guidelines",
    ),
    (
        "M3-with-SA-continues",
        BASE,
        {"dataset.important_data": True, **VALID_SA},
        "allow",
        "mainland_export/m11_security_assessment",
        "Arts. 38(1) and 40",
    ),
    (
        "M4",
        BASE,
        {
            "dataset.fields": [{"name": "sku", "category": "non_personal"}],
            "dataset.subjects": 0,
            "volume.personal_subjects_ytd": 0,
        },
        "allow",
        "mainland_export/m4_no_personal_or_important_data",
        "Arts. 2 and 3",
    ),
    (
        "M5",
        BASE,
        {"dataset.foreign_origin_only": True, **BIG},
        "allow",
        "mainland_export/m5_foreign_origin_reexport",
        "Art. 4",
    ),
    (
        "M6-contract",
        BASE,
        {"transfer.exemption": "contract", "transfer.exemption_justification": "remittance", **BIG},
        "allow",
        "mainland_export/m6_contract_exemption",
        "Art. 5(1)",
    ),
    (
        "M6-hr",
        BASE,
        {"transfer.exemption": "hr", "transfer.exemption_justification": "payroll", **BIG},
        "allow",
        "mainland_export/m6_hr_exemption",
        "Art. 5(2)",
    ),
    (
        "M6-emergency",
        BASE,
        {
            "transfer.exemption": "emergency",
            "transfer.exemption_justification": "evacuation",
            **sensitive(40, "medical_health"),
        },
        "allow",
        "mainland_export/m6_emergency_exemption",
        "Art. 5(3)",
    ),
    (
        "M6-without-documented-necessity",
        BASE,
        {"transfer.exemption": "contract", **BIG},
        "deny",
        "mainland_export/m11_security_assessment_required",
        "Arts. 7 and 9",
    ),
    (
        "M6b",
        BASE,
        {
            **on(D(2025, 3, 3)),
            "transfer.exemption": "statutory_duty",
            "transfer.exemption_justification": "anti-money-laundering report",
            **BIG,
        },
        "allow",
        "mainland_export/m6b_statutory_duty",
        "NDSMR",
    ),
    (
        "M7",
        BASE,
        {"exporter.ftz": "qianhai", "dataset.ftz_negative_list": {"applies": True, "listed": False}, **BIG},
        "allow",
        "mainland_export/m7_ftz_negative_list",
        "Art. 6",
    ),
    (
        "M7-default-no-list",
        BASE,
        {"exporter.ftz": "qianhai", **MID},
        "deny",
        "mainland_export/m12_contract_or_certification_required",
        "Art. 8",
    ),
    ("M8", BASE, {"exporter.ciio": True}, "deny", "mainland_export/m8_ciio_without_assessment", "Art. 40"),
    (
        "M8-GBA-contract-not-for-CIIO",
        BASE,
        {"exporter.ciio": True, **GBA_2026},
        "deny",
        "mainland_export/m8_ciio_without_assessment",
        "Art. 7(1)",
    ),
    (
        "M8-exemption-first",
        BASE,
        {
            "exporter.ciio": True,
            "transfer.exemption": "contract",
            "transfer.exemption_justification": "ticket booking",
        },
        "allow",
        "mainland_export/m6_contract_exemption",
        "Art. 5(1)",
    ),
    (
        "M8-with-SA",
        BASE,
        {"exporter.ciio": True, **VALID_SA},
        "allow",
        "mainland_export/m11_security_assessment",
        "Arts. 38(1) and 40",
    ),
    ("M9-HK", BASE, {**GBA_2026, **BIG}, "allow", "mainland_export/m9_gba_contract_hk", "Arts. 2, 5 and 6"),
    (
        "M9-HK-pilot",
        BASE,
        {
            **on(D(2024, 6, 3)),
            "exporter.sector": "healthcare",
            **gba_contract(D(2024, 5, 6), D(2024, 5, 10)),
            **sensitive(300, "medical_health"),
        },
        "allow",
        "mainland_export/m9_gba_contract_hk_pilot",
        "Arts. 2, 5 and 6",
    ),
    (
        "M9-MO",
        BASE,
        {**GBA_2026, **BIG, **TO_MO},
        "allow",
        "mainland_export/m9_gba_contract_mo",
        "GBA Macao Guidelines",
    ),
    (
        "M9-needs-consent",
        BASE,
        {**GBA_2026, **MID, "mechanisms.separate_consent": False},
        "deny",
        "mainland_export/m12_contract_or_certification_required",
        "Art. 8",
    ),
    (
        "M9-fails-then-M10",
        BASE,
        {**GBA_2026, "transfer.onward_transfer_outside_gba": True},
        "allow",
        "mainland_export/m10_small_volume_exemption",
        "Art. 5(4)",
    ),
    ("M10", BASE, {}, "allow", "mainland_export/m10_small_volume_exemption", "Art. 5(4)"),
    ("M11", BASE, BIG, "deny", "mainland_export/m11_security_assessment_required", "Arts. 7 and 9"),
    (
        "M11-sensitive",
        BASE,
        volume(50_000, 10_000),
        "deny",
        "mainland_export/m11_security_assessment_required",
        "Arts. 7 and 9",
    ),
    (
        "M11-with-SA",
        BASE,
        {**BIG, **VALID_SA},
        "allow",
        "mainland_export/m11_security_assessment",
        "Arts. 7 and 9",
    ),
    (
        "M11-SCC-not-enough",
        BASE,
        {**BIG, **SCC_2026},
        "deny",
        "mainland_export/m11_security_assessment_required",
        "Arts. 7 and 9",
    ),
    ("M12", BASE, MID, "deny", "mainland_export/m12_contract_or_certification_required", "Art. 8"),
    (
        "M12-sensitive-no-de-minimis",
        BASE,
        sensitive(1),
        "deny",
        "mainland_export/m12_contract_or_certification_required",
        "Art. 8",
    ),
    (
        "M12-SCC",
        BASE,
        {**MID, **SCC_2026},
        "allow",
        "mainland_export/m12_standard_contract",
        "Arts. 4, 5 and 7",
    ),
    (
        "M12-SCC-without-PIPIA",
        BASE,
        {**MID, **SCC_2026, "mechanisms.pipia.completed_on": None},
        "deny",
        "mainland_export/m12_contract_or_certification_required",
        "Art. 8",
    ),
    (
        "M12-certification",
        BASE,
        {**MID, **certification(D(2026, 2, 2), D(2029, 2, 1))},
        "allow",
        "mainland_export/m12_certification",
        "Certification Measures",
    ),
    (
        "M12-SA",
        BASE,
        {**MID, **VALID_SA},
        "allow",
        "mainland_export/m11_security_assessment",
        "Arts. 7 and 9",
    ),
    (
        "M12-CIIO-SCC-not-enough",
        BASE,
        {**MID, **SCC_2026, "exporter.ciio": True},
        "deny",
        "mainland_export/m8_ciio_without_assessment",
        "Art. 40",
    ),
    (
        "M13-SA-processing-1M",
        BASE,
        {**on(D(2023, 9, 1)), "volume.processed_subjects_total": 1_000_000},
        "deny",
        "mainland_export/m13_legacy_security_assessment_required",
        "Arts. 4(2), 4(3) and 14",
    ),
    (
        "M13-SA-previous-year",
        BASE,
        {**on(D(2023, 9, 1)), "volume.personal_subjects_since_previous_year": 150_000},
        "deny",
        "mainland_export/m13_legacy_security_assessment_required",
        "SA Measures",
    ),
    (
        "M13-SCC",
        BASE,
        {
            **on(D(2023, 9, 1)),
            "mechanisms.standard_contract": {"effective_on": D(2023, 8, 1), "filed_on": D(2023, 8, 14)},
        },
        "allow",
        "mainland_export/m12_standard_contract",
        "SCC Measures",
    ),
    (
        "M13-no-exemptions",
        BASE,
        on(D(2023, 9, 1)),
        "deny",
        "mainland_export/m13_legacy_contract_or_certification_required",
        "SCC Measures",
    ),
    (
        "M13-SA-2-years",
        BASE,
        {**on(D(2023, 9, 1)), "volume.processed_subjects_total": 2_000_000, **security_assessment_2022()},
        "allow",
        "mainland_export/m11_security_assessment",
        "Arts. 4 and 14",
    ),
    ("M14", BASE, on(D(2022, 1, 5)), "deny", "mainland_export/default", "Art. 38"),
    # ---- table 7.3
    ("H1", HK_BASE, {}, "allow", "hong_kong_pdpo/h1_no_statutory_export_control", "s.33"),
    (
        "H1-prescribed-consent",
        HK_BASE,
        {"hong_kong.purpose": "new", "hong_kong.prescribed_consent": True},
        "allow",
        "hong_kong_pdpo/h1_no_statutory_export_control",
        "DPP1(3), DPP3",
    ),
    (
        "H2",
        HK_BASE,
        {"hong_kong.purpose": "new"},
        "deny",
        "hong_kong_pdpo/h2_new_purpose_without_prescribed_consent",
        "DPP3",
    ),
    ("H3", HK_BASE, HK_GBA, "allow", "hong_kong_pdpo/h3_gba_contract", "GBA HK Guidelines"),
    (
        "H3-pilot",
        HK_BASE,
        {
            **on(D(2024, 3, 4)),
            "exporter.sector": "credit_referencing",
            **gba_contract(D(2024, 2, 26), D(2024, 3, 1), "hk_dpo"),
        },
        "allow",
        "hong_kong_pdpo/h3_gba_contract_pilot",
        "Arts. 2, 5 and 6",
    ),
    (
        "H4",
        BASE,
        {
            "transfer.origin": {"region": "CN-GD", "city": "Shenzhen"},
            "dataset.foreign_origin_only": True,
            **MID,
        },
        "allow",
        "mainland_export/m5_foreign_origin_reexport",
        "Art. 4",
    ),
    (
        "C1",
        MO_BASE,
        {"macao.adequacy_decision": True, "macao.adequacy_reference": "DSPDP decision (example)"},
        "allow",
        "macao_pdpa/c1_adequacy_decision",
        "Art. 19",
    ),
    (
        "C2",
        MO_BASE,
        {"macao.article20_ground": "explicit_consent"},
        "allow",
        "macao_pdpa/c2_article20_ground",
        "Art. 20(1)",
    ),
    (
        "C2-Art7-needs-basis",
        MO_BASE,
        {"macao.article20_ground": "explicit_consent", **sensitive(10, "medical_health")},
        "deny",
        "macao_pdpa/c2_article7_sensitive_data_without_basis",
        "Art. 7",
    ),
    (
        "C2-Art7-with-basis",
        MO_BASE,
        {
            "macao.article20_ground": "explicit_consent",
            "macao.sensitive_basis": "explicit_consent",
            **sensitive(10, "medical_health"),
        },
        "allow",
        "macao_pdpa/c2_article20_ground",
        "Arts. 7 and 22",
    ),
    (
        "C3",
        MO_BASE,
        {"macao.authorisation": {"granted_on": D(2026, 6, 1), "reference": "DSPDP/AUT/2026/12"}},
        "allow",
        "macao_pdpa/c3_dspdp_authorisation",
        "Arts. 20(2) and 22",
    ),
    (
        "C4",
        MO_BASE,
        {**MO_GBA, "macao.article20_ground": "contract_with_subject"},
        "allow",
        "macao_pdpa/c4_gba_contract",
        "GBA Macao Guidelines",
    ),
    ("C4-alone", MO_BASE, MO_GBA, "deny", "macao_pdpa/default", "Arts. 19 and 20"),
    ("C5", MO_BASE, {}, "deny", "macao_pdpa/default", "Arts. 19 and 20"),
    ("X1", HK_BASE, TO_MO, "allow", "hong_kong_pdpo/h1_no_statutory_export_control", "s.33"),
    ("X2-no-GBA-contract", MO_BASE, {**TO_HK, **MO_GBA}, "deny", "macao_pdpa/default", "Arts. 19 and 20"),
    (
        "X2-consent",
        MO_BASE,
        {**TO_HK, "macao.article20_ground": "explicit_consent"},
        "allow",
        "macao_pdpa/c2_article20_ground",
        "Art. 20(1)",
    ),
]


@pytest.mark.parametrize(
    ("row", "base", "overrides", "decision", "rule_id", "citation"), ROWS, ids=[row[0] for row in ROWS]
)
def test_table_row(
    row: str, base: dict[str, Any], overrides: dict[str, Any], decision: str, rule_id: str, citation: str
) -> None:
    result = decide(overrides, base=base)
    assert result.decision.value == decision, describe(result)
    reason = reason_for(result, rule_id)
    assert reason is not None, f"{row}: expected a reason from {rule_id}\n{describe(result)}"
    assert any(citation in cite for cite in reason.citations), reason.citations
    assert not result.errors, describe(result)


def test_deny_rules_leave_a_remedy() -> None:
    result = decide(volume(250_000))
    assert [remedy.rule for remedy in result.remedies] == [
        "mainland_export/m12_contract_or_certification_required"
    ]
    assert "10 working days" in result.remedies[0].text


def test_default_deny_lists_the_closest_allow_rules() -> None:
    result = decide({}, base=MO_BASE)
    kinds = {(remedy.rule, remedy.kind) for remedy in result.remedies}
    assert ("macao_pdpa/default", "remedy") in kinds
    assert ("macao_pdpa/c2_article20_ground", "closest_allow") in kinds


def test_gba_contract_obligations_name_the_authority_and_the_deadline() -> None:
    pending = decide({**gba_contract(D(2026, 11, 25), None), **MID})
    texts = [obligation.text for obligation in pending.obligations]
    filing = next(text for text in texts if text.startswith("File the contract"))
    assert "Guangdong Cyberspace Administration" in filing
    assert "10 working days" in filing and "2026-11-25" in filing
    assert "Mainland working days: public holidays excluded, make-up working days included" in filing
    assert any("outside the GBA" in text for text in texts)


def test_a_filed_gba_contract_is_shown_as_met_with_its_dates_not_as_a_to_do() -> None:
    result = decide({**GBA_2026, **MID})
    assert not any(text.text.startswith("File the contract") for text in result.obligations)
    (met,) = [item for item in result.obligations if item.rule.endswith("gba_contract_filing_duty_met")]
    assert met.status is ObligationStatus.MET and "filed" in met.text and "2026-11-09" in met.text
    assert not any(reason.rule.endswith("_duty_met") for reason in result.reasons)  # met, not a reason


def test_exemption_obligations_include_notice_consent_and_pipia_until_they_are_met() -> None:
    undone = {"mechanisms.notice_given": False, "mechanisms.separate_consent": False}
    undone["mechanisms.pipia.completed_on"] = D(2026, 12, 2)
    claim = {"transfer.exemption": "hr", "transfer.exemption_justification": "group payroll"}
    result = decide({**claim, **undone})
    texts = " ".join(obligation.text for obligation in result.obligations)
    assert "PIPL Art. 39" in texts
    assert "separate consent" in texts
    assert "at least 3 years" in texts
    assert "group payroll" in texts
    done = decide(claim)
    to_do = [item for item in done.obligations if item.status is ObligationStatus.TO_DO]
    texts = " ".join(obligation.text for obligation in to_do)
    assert "PIPL Art. 39" not in texts and "Obtain the individuals' separate consent" not in texts
    met = {item.rule.split("/")[1] for item in done.obligations if item.status is ObligationStatus.MET}
    assert met == {"notice_duty_met", "separate_consent_duty_met", "impact_assessment_duty_met"}


def test_sensitive_information_adds_articles_29_and_30() -> None:
    result = decide({**sensitive(10), **SCC_2026})
    assert result.decision.value == "allow"
    texts = " ".join(obligation.text for obligation in result.obligations)
    assert "PIPL Art. 29" in texts and "PIPL Art. 30" in texts


def test_macao_article20_obligation_is_notification_to_the_dspdp() -> None:
    result = decide({"macao.article20_ground": "explicit_consent"}, base=MO_BASE)
    texts = [obligation.text for obligation in result.obligations]
    assert any(
        text.startswith("Notify the transfer to the Personal Data Protection Bureau (DSPDP") for text in texts
    )


def test_hong_kong_obligations_follow_the_data_protection_principles() -> None:
    result = decide({}, base=HK_BASE)
    texts = " ".join(obligation.text for obligation in result.obligations)
    for principle in ("DPP1(3)", "DPP3", "DPP2(3) and DPP4(2)", "Recommended Model Contractual Clauses"):
        assert principle in texts


def test_hong_kong_gba_contract_filing_is_a_to_do_until_filed_then_met() -> None:
    result = decide(HK_GBA, base=HK_BASE)
    assert {"hong_kong_pdpo/h1_no_statutory_export_control", "hong_kong_pdpo/h3_gba_contract"} <= fired(
        result
    )
    to_do = [item for item in result.obligations if item.status is ObligationStatus.TO_DO]
    assert not any("Digital Policy Office" in obligation.text for obligation in to_do)
    (met,) = [
        item for item in result.obligations if item.rule == "hong_kong_pdpo/gba_contract_filing_duty_met"
    ]
    assert met.status is ObligationStatus.MET and "Digital Policy Office" in met.text
    pending = decide(gba_contract(D(2026, 11, 25), None, "hk_dpo"), base=HK_BASE)
    assert any("Digital Policy Office" in obligation.text for obligation in pending.obligations)


def test_a_ruleset_covers_every_gba_route() -> None:
    for base, overrides in (
        (BASE, {}),
        (BASE, TO_MO),
        (HK_BASE, {}),
        (HK_BASE, TO_MO),
        (MO_BASE, {}),
        (MO_BASE, TO_HK),
    ):
        result = decide(overrides, base=base)
        assert [outcome.id for outcome in result.rulesets if outcome.applies], describe(result)


def test_mainland_non_gba_origin_uses_the_national_rules() -> None:
    beijing = {"transfer.origin": {"region": "CN-BJ", "city": "Beijing"}}
    assert "mainland_export/m10_small_volume_exemption" in fired(decide(beijing))
    result = decide({**beijing, **GBA_2026, **MID})
    assert result.decision.value == "deny"
    assert {
        "mainland_export/m12_contract_or_certification_required",
        "mainland_export/m9_gba_contract_does_not_qualify",
    } <= fired(result)


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant"])
def test_reasons_obligations_and_remedies_are_translated(lang: str) -> None:
    allowed = decide({**GBA_2026, **MID}, lang=lang)
    denied = decide(volume(250_000), lang=lang)
    texts = [reason.message for reason in allowed.reasons] + [o.text for o in allowed.obligations]
    texts += [reason.message for reason in denied.reasons] + [r.text for r in denied.remedies]
    for text in texts:
        assert any("\u4e00" <= char <= "\u9fff" for char in text), text
