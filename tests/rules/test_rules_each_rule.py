"""Every shipped rule: a manifest where it fires and one, a small change away, where it does not.

A rule "fires" when it is among the reasons (deny rules, allow rules of a ruleset that allows, ruleset
defaults) or the warnings (warn rules). A meta-test checks that the table names every rule.
"""

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
    rulebook,
    security_assessment,
    sensitive,
    standard_contract,
    volume,
)

# Reusable fragments.
NO_PI = {
    "dataset.fields": [{"name": "sku", "category": "non_personal"}],
    "dataset.subjects": 0,
    "volume.personal_subjects_ytd": 0,
}
MID = volume(250_000)
BIG = volume(1_200_000)
SHANGHAI_FTZ = {"transfer.origin": {"region": "CN-SH", "city": "Shanghai"}, "exporter.ftz": "lingang"}
FTZ_LIST = {"exporter.ftz": "qianhai", "dataset.ftz_negative_list": {"applies": True, "listed": False}}
PILOT_2024 = {
    **on(D(2024, 6, 3)),
    "exporter.sector": "banking",
    **gba_contract(D(2024, 5, 6), D(2024, 5, 10)),
}
GBA_MO = {
    **GBA_2026,
    "transfer.destination": {"region": "MO", "city": "Macao"},
    "recipient.name": "X (Macau) Lda.",
}
LEGACY_2023 = on(D(2023, 9, 1))
HK_GBA_2026 = gba_contract(D(2026, 11, 2), D(2026, 11, 9), "hk_dpo")
HK_PILOT_2024 = {
    **on(D(2024, 6, 3)),
    "exporter.sector": "banking",
    **gba_contract(D(2024, 5, 6), D(2024, 5, 10), "hk_dpo"),
}
MO_GBA = {**gba_contract(D(2026, 11, 2), D(2026, 11, 9), "dspdp")}
HEALTH = {
    "dataset.fields": [
        {"name": "diagnosis", "category": "sensitive_personal", "sensitive_type": "medical_health"}
    ],
    "dataset.sensitive_subjects": 10,
    "volume.sensitive_subjects_ytd": 10,
}
TO_HK = {"transfer.destination": {"region": "HK", "city": "Hong Kong"}, "recipient.name": "X (HK) Ltd."}

# (rule id, base manifest, overrides where the rule fires, overrides where it just does not)
CASES: list[tuple[str, dict[str, Any], dict[str, Any], dict[str, Any]]] = [
    # ---- mainland_export
    ("mainland_export/m0_pipl_not_in_force", BASE, on(D(2021, 10, 31)), on(D(2021, 11, 1))),
    ("mainland_export/m1_core_data", BASE, {"dataset.core_data": True}, {"dataset.core_data": False}),
    (
        "mainland_export/m2_state_organ_without_assessment",
        BASE,
        {"exporter.state_organ": True},
        {"exporter.state_organ": True, **VALID_SA},
    ),
    (
        "mainland_export/m3_important_data_without_assessment",
        BASE,
        {"dataset.important_data": True},
        {"dataset.important_data": True, **VALID_SA},
    ),
    (
        "mainland_export/m4_no_personal_or_important_data",
        BASE,
        NO_PI,
        {**NO_PI, "dataset.important_data": True, **VALID_SA},
    ),
    (
        "mainland_export/m5_foreign_origin_reexport",
        BASE,
        {"dataset.foreign_origin_only": True},
        {"dataset.foreign_origin_only": False},
    ),
    (
        "mainland_export/m6_contract_exemption",
        BASE,
        {"transfer.exemption": "contract", "transfer.exemption_justification": "cross-border remittance"},
        {"transfer.exemption": "contract", "transfer.exemption_justification": ""},
    ),
    (
        "mainland_export/m6_hr_exemption",
        BASE,
        {"transfer.exemption": "hr", "transfer.exemption_justification": "group payroll"},
        {"transfer.exemption": "hr", "transfer.exemption_justification": ""},
    ),
    (
        "mainland_export/m6_emergency_exemption",
        BASE,
        {"transfer.exemption": "emergency", "transfer.exemption_justification": "patient evacuation"},
        {"transfer.exemption": "emergency", "transfer.exemption_justification": ""},
    ),
    (
        "mainland_export/m6b_statutory_duty",
        BASE,
        {
            **on(D(2025, 1, 1)),
            "transfer.exemption": "statutory_duty",
            "transfer.exemption_justification": "AML",
        },
        {
            **on(D(2024, 12, 31)),
            "transfer.exemption": "statutory_duty",
            "transfer.exemption_justification": "AML",
        },
    ),
    (
        "mainland_export/m7_ftz_negative_list",
        BASE,
        {**MID, **FTZ_LIST},
        {**MID, **FTZ_LIST, "dataset.ftz_negative_list": {"applies": True, "listed": True}},
    ),
    (
        "mainland_export/m7_guangdong_ftz_list_unverified",
        BASE,
        FTZ_LIST,
        {**FTZ_LIST, **SHANGHAI_FTZ, "exporter.ftz": "lingang"},
    ),
    (
        "mainland_export/m8_ciio_without_assessment",
        BASE,
        {"exporter.ciio": True},
        {"exporter.ciio": True, **VALID_SA},
    ),
    (
        "mainland_export/m8_ciio_exemption_unverified",
        BASE,
        {
            "exporter.ciio": True,
            "transfer.exemption": "contract",
            "transfer.exemption_justification": "bookings",
        },
        {"exporter.ciio": True, "transfer.exemption": "contract", "transfer.exemption_justification": ""},
    ),
    (
        "mainland_export/m9_gba_contract_hk_pilot",
        BASE,
        PILOT_2024,
        {**PILOT_2024, "exporter.sector": "retail"},
    ),
    (
        "mainland_export/m9_gba_contract_hk",
        BASE,
        {**MID, **GBA_2026},
        {**MID, **gba_contract(D(2026, 11, 2), D(2026, 11, 17))},
    ),
    (
        "mainland_export/m9_gba_contract_mo",
        BASE,
        {**MID, **GBA_MO},
        {**MID, **GBA_MO, "transfer.onward_transfer_outside_gba": True},
    ),
    (
        "mainland_export/m9_gba_contract_does_not_qualify",
        BASE,
        {**GBA_2026, "transfer.origin": {"region": "CN-GD", "city": "Shantou"}},
        GBA_2026,
    ),
    ("mainland_export/m10_small_volume_exemption", BASE, volume(99_999), volume(100_000)),
    ("mainland_export/m11_security_assessment_required", BASE, volume(1_000_000), volume(999_999)),
    (
        "mainland_export/m11_security_assessment",
        BASE,
        {**BIG, **VALID_SA},
        {**BIG, **security_assessment(D(2025, 6, 2), D(2026, 11, 30))},
    ),
    ("mainland_export/m12_contract_or_certification_required", BASE, volume(100_000), volume(99_999)),
    (
        "mainland_export/m12_standard_contract",
        BASE,
        {**MID, **SCC_2026},
        {**MID, **standard_contract(D(2026, 11, 2), D(2026, 11, 17))},
    ),
    (
        "mainland_export/m12_certification_announcement",
        BASE,
        {**MID, **on(D(2025, 6, 2)), **certification(D(2024, 6, 3), D(2027, 6, 2))},
        {**MID, **on(D(2025, 6, 2)), **certification(D(2024, 6, 3), D(2025, 6, 1))},
    ),
    (
        "mainland_export/m12_certification",
        BASE,
        {**MID, **certification(D(2026, 1, 5), D(2029, 1, 4))},
        {**MID, **certification(D(2026, 12, 2), D(2029, 12, 1))},
    ),
    (
        "mainland_export/m13_legacy_security_assessment_required",
        BASE,
        {**LEGACY_2023, "volume.personal_subjects_since_previous_year": 100_000},
        {**LEGACY_2023, "volume.personal_subjects_since_previous_year": 99_999},
    ),
    (
        "mainland_export/m13_legacy_contract_or_certification_required",
        BASE,
        LEGACY_2023,
        {**LEGACY_2023, **standard_contract(D(2023, 8, 1), D(2023, 8, 8))},
    ),
    ("mainland_export/sensitive_personal_information_duties", BASE, {**sensitive(10), **SCC_2026}, SCC_2026),
    (
        "mainland_export/minors_personal_information_duties",
        BASE,
        {**sensitive(10, "minor_under_14"), **SCC_2026},
        {**sensitive(10, "medical_health"), **SCC_2026},
    ),
    ("mainland_export/default", BASE, on(D(2022, 1, 5)), on(D(2024, 3, 22))),
    # ---- mainland_export: the law of 2025-2026, the GBA contract's missing conditions, duties
    (
        "mainland_export/m6c_international_agreement",
        BASE,
        {**MID, "mechanisms.international_agreement": "Agreement (example)"},
        {**MID, "mechanisms.international_agreement": "Agreement (example)", **on(D(2024, 12, 31))},
    ),
    (
        "mainland_export/m8_ciio_penalties_amended_csl",
        BASE,
        {"exporter.ciio": True, **on(D(2026, 1, 1))},
        {"exporter.ciio": True, **on(D(2025, 12, 31))},
    ),
    (
        "mainland_export/m9_gba_exporter_not_in_gd9",
        BASE,
        {**GBA_2026, "transfer.origin": {"region": "CN-GD", "city": "Shantou"}},
        GBA_2026,
    ),
    (
        "mainland_export/m9_gba_recipient_not_in_hk_or_mo",
        BASE,
        {**GBA_2026, "transfer.destination": {"region": "SG", "city": "Singapore"}},
        GBA_2026,
    ),
    (
        "mainland_export/m9_gba_route_not_open",
        BASE,
        {**gba_contract(D(2024, 5, 6), D(2024, 5, 10)), **on(D(2024, 6, 3))},
        {**gba_contract(D(2024, 5, 6), D(2024, 5, 10)), **on(D(2024, 6, 3)), "exporter.sector": "banking"},
    ),
    (
        "mainland_export/m9_gba_contract_not_in_effect",
        BASE,
        gba_contract(D(2026, 12, 2), None),
        gba_contract(D(2026, 12, 1), None),
    ),
    (
        "mainland_export/m9_gba_contract_not_filed_in_time",
        BASE,
        gba_contract(D(2026, 10, 30), D(2026, 11, 16)),
        gba_contract(D(2026, 10, 30), D(2026, 11, 13)),
    ),
    (
        "mainland_export/m9_gba_contract_without_pipia",
        BASE,
        {**GBA_2026, "mechanisms.pipia.completed_on": D(2026, 12, 2)},
        GBA_2026,
    ),
    (
        "mainland_export/m9_gba_contract_without_notice_or_consent",
        BASE,
        {**GBA_2026, "mechanisms.separate_consent": False},
        GBA_2026,
    ),
    (
        "mainland_export/m9_gba_contract_onward_outside_gba",
        BASE,
        {**GBA_2026, "transfer.onward_transfer_outside_gba": True},
        GBA_2026,
    ),
    (
        "mainland_export/remote_access_duty",
        BASE,
        {"transfer.method": "remote_access", **on(D(2025, 4, 9))},
        {"transfer.method": "remote_access", **on(D(2025, 4, 8))},
    ),
    (
        "mainland_export/pboc_data_security_overlay",
        BASE,
        {"exporter.sector": "payment", **on(D(2025, 6, 30))},
        {"exporter.sector": "payment", **on(D(2025, 6, 29))},
    ),
    (
        "mainland_export/nfra_data_security_overlay",
        BASE,
        {"exporter.sector": "insurance", **on(D(2024, 12, 27))},
        {"exporter.sector": "insurance", **on(D(2024, 12, 26))},
    ),
    (
        "mainland_export/automotive_data_overlay",
        BASE,
        {"exporter.sector": "automotive", **on(D(2026, 2, 1))},
        {"exporter.sector": "automotive", **on(D(2026, 1, 31))},
    ),
    (
        "mainland_export/human_genetic_resources_overlay",
        BASE,
        {"dataset.human_genetic_resources": True},
        {"dataset.human_genetic_resources": False},
    ),
    (
        "mainland_export/compliance_audit_duty",
        BASE,
        {"volume.processed_subjects_total": 10_000_001},
        {"volume.processed_subjects_total": 10_000_000},
    ),
    ("mainland_export/notice_duty", BASE, {"mechanisms.notice_given": False}, {}),
    ("mainland_export/notice_duty_met", BASE, {}, {"mechanisms.notice_given": False}),
    ("mainland_export/separate_consent_duty", BASE, {"mechanisms.separate_consent": False}, {}),
    ("mainland_export/separate_consent_duty_met", BASE, {}, {"mechanisms.separate_consent": False}),
    ("mainland_export/impact_assessment_duty", BASE, {"mechanisms.pipia.completed_on": D(2026, 12, 2)}, {}),
    (
        "mainland_export/impact_assessment_duty_met",
        BASE,
        {},
        {"mechanisms.pipia.completed_on": D(2026, 12, 2)},
    ),
    ("mainland_export/gba_contract_filing_duty", BASE, gba_contract(D(2026, 11, 25), None), GBA_2026),
    ("mainland_export/gba_contract_filing_duty_met", BASE, GBA_2026, gba_contract(D(2026, 11, 25), None)),
    (
        "mainland_export/standard_contract_filing_duty",
        BASE,
        {**MID, **standard_contract(D(2026, 11, 25), None)},
        {**MID, **SCC_2026},
    ),
    (
        "mainland_export/standard_contract_filing_duty_met",
        BASE,
        {**MID, **SCC_2026},
        {**MID, **standard_contract(D(2026, 11, 25), None)},
    ),
    # ---- hong_kong_pdpo
    ("hong_kong_pdpo/h0_pdpo_not_in_force", HK_BASE, on(D(1996, 12, 19)), on(D(1996, 12, 20))),
    (
        "hong_kong_pdpo/h1_no_statutory_export_control",
        HK_BASE,
        {"hong_kong.purpose": "directly_related"},
        {"hong_kong.purpose": "new"},
    ),
    (
        "hong_kong_pdpo/h2_new_purpose_without_prescribed_consent",
        HK_BASE,
        {"hong_kong.purpose": "new"},
        {"hong_kong.purpose": "new", "hong_kong.prescribed_consent": True},
    ),
    (
        "hong_kong_pdpo/h3_gba_contract_pilot",
        HK_BASE,
        HK_PILOT_2024,
        {**HK_PILOT_2024, "exporter.sector": "retail"},
    ),
    ("hong_kong_pdpo/h3_gba_contract", HK_BASE, HK_GBA_2026, gba_contract(D(2026, 11, 2), D(2026, 11, 9))),
    (
        "hong_kong_pdpo/h3_gba_recipient_not_in_gd9",
        HK_BASE,
        {**HK_GBA_2026, "transfer.destination": {"region": "CN-GD", "city": "Shantou"}},
        HK_GBA_2026,
    ),
    (
        "hong_kong_pdpo/h3_gba_route_not_open",
        HK_BASE,
        {**HK_PILOT_2024, "exporter.sector": "retail"},
        HK_PILOT_2024,
    ),
    (
        "hong_kong_pdpo/h3_gba_contract_not_in_effect",
        HK_BASE,
        gba_contract(D(2026, 12, 2), None, "hk_dpo"),
        gba_contract(D(2026, 12, 1), None, "hk_dpo"),
    ),
    (
        "hong_kong_pdpo/h3_gba_contract_not_filed_in_time",
        HK_BASE,
        gba_contract(D(2026, 10, 30), D(2026, 11, 16), "hk_dpo"),
        gba_contract(D(2026, 10, 30), D(2026, 11, 13), "hk_dpo"),
    ),
    (
        "hong_kong_pdpo/h3_gba_contract_without_pipia",
        HK_BASE,
        {**HK_GBA_2026, "mechanisms.pipia.completed_on": D(2026, 12, 2)},
        HK_GBA_2026,
    ),
    (
        "hong_kong_pdpo/h3_gba_contract_onward_outside_gba",
        HK_BASE,
        {**HK_GBA_2026, "transfer.onward_transfer_outside_gba": True},
        HK_GBA_2026,
    ),
    (
        "hong_kong_pdpo/gba_contract_filing_duty",
        HK_BASE,
        gba_contract(D(2026, 11, 25), None, "hk_dpo"),
        HK_GBA_2026,
    ),
    (
        "hong_kong_pdpo/gba_contract_filing_duty_met",
        HK_BASE,
        HK_GBA_2026,
        gba_contract(D(2026, 11, 25), None, "hk_dpo"),
    ),
    (
        "hong_kong_pdpo/h1_transferee_class_not_notified",
        HK_BASE,
        {"hong_kong.dpp1_notice": False},
        {"hong_kong.dpp1_notice": True},
    ),
    (
        "hong_kong_pdpo/h3_gba_contract_does_not_qualify",
        HK_BASE,
        {**HK_GBA_2026, "transfer.destination": {"region": "CN-GD", "city": "Shantou"}},
        HK_GBA_2026,
    ),
    # ---- macao_pdpa
    (
        "macao_pdpa/c0_pdpa_not_in_force",
        MO_BASE,
        {**on(D(2006, 2, 28)), "macao.article20_ground": "explicit_consent"},
        {**on(D(2006, 3, 1)), "macao.article20_ground": "explicit_consent"},
    ),
    (
        "macao_pdpa/c2_article7_sensitive_data_without_basis",
        MO_BASE,
        {**HEALTH, "macao.article20_ground": "explicit_consent"},
        {**HEALTH, "macao.article20_ground": "explicit_consent", "macao.sensitive_basis": "explicit_consent"},
    ),
    (
        "macao_pdpa/c1_adequacy_decision",
        MO_BASE,
        {"macao.adequacy_decision": True, "macao.adequacy_reference": "DSPDP decision (example)"},
        {"macao.adequacy_decision": True},
    ),
    (
        "macao_pdpa/c4_gba_recipient_not_in_gd9",
        MO_BASE,
        {
            **MO_GBA,
            "macao.article20_ground": "contract_with_subject",
            "transfer.destination": {"region": "CN-GD", "city": "Shantou"},
        },
        {**MO_GBA, "macao.article20_ground": "contract_with_subject"},
    ),
    (
        "macao_pdpa/c4_gba_route_not_open",
        MO_BASE,
        {
            **gba_contract(D(2024, 9, 2), D(2024, 9, 6), "dspdp"),
            **on(D(2024, 9, 9)),
            "macao.article20_ground": "contract_with_subject",
        },
        {
            **gba_contract(D(2024, 9, 2), D(2024, 9, 6), "dspdp"),
            **on(D(2024, 9, 10)),
            "macao.article20_ground": "contract_with_subject",
        },
    ),
    (
        "macao_pdpa/c4_gba_contract_not_in_effect",
        MO_BASE,
        {**gba_contract(D(2026, 12, 2), None, "dspdp"), "macao.article20_ground": "contract_with_subject"},
        {**gba_contract(D(2026, 12, 1), None, "dspdp"), "macao.article20_ground": "contract_with_subject"},
    ),
    (
        "macao_pdpa/c4_gba_contract_not_filed_in_time",
        MO_BASE,
        {
            **gba_contract(D(2026, 10, 30), D(2026, 11, 17), "dspdp"),
            "macao.article20_ground": "contract_with_subject",
        },
        {
            **gba_contract(D(2026, 10, 30), D(2026, 11, 16), "dspdp"),
            "macao.article20_ground": "contract_with_subject",
        },
    ),
    (
        "macao_pdpa/c4_gba_contract_without_pipia",
        MO_BASE,
        {
            **MO_GBA,
            "macao.article20_ground": "contract_with_subject",
            "mechanisms.pipia.completed_on": D(2026, 12, 2),
        },
        {**MO_GBA, "macao.article20_ground": "contract_with_subject"},
    ),
    (
        "macao_pdpa/c4_gba_contract_onward_outside_gba",
        MO_BASE,
        {
            **MO_GBA,
            "macao.article20_ground": "contract_with_subject",
            "transfer.onward_transfer_outside_gba": True,
        },
        {**MO_GBA, "macao.article20_ground": "contract_with_subject"},
    ),
    (
        "macao_pdpa/gba_contract_filing_duty",
        MO_BASE,
        {**gba_contract(D(2026, 11, 25), None, "dspdp"), "macao.article20_ground": "contract_with_subject"},
        {**MO_GBA, "macao.article20_ground": "contract_with_subject"},
    ),
    (
        "macao_pdpa/gba_contract_filing_duty_met",
        MO_BASE,
        {**MO_GBA, "macao.article20_ground": "contract_with_subject"},
        {**gba_contract(D(2026, 11, 25), None, "dspdp"), "macao.article20_ground": "contract_with_subject"},
    ),
    (
        "macao_pdpa/dspdp_notification_duty",
        MO_BASE,
        {"macao.article20_ground": "explicit_consent"},
        {"macao.article20_ground": "explicit_consent", "macao.notified": True},
    ),
    (
        "macao_pdpa/dspdp_notification_duty_met",
        MO_BASE,
        {"macao.article20_ground": "explicit_consent", "macao.notified": True},
        {"macao.article20_ground": "explicit_consent"},
    ),
    (
        "macao_pdpa/c1_adequacy_without_reference",
        MO_BASE,
        {"macao.adequacy_decision": True},
        {"macao.adequacy_decision": True, "macao.adequacy_reference": "DSPDP decision (example)"},
    ),
    (
        "macao_pdpa/c2_article20_ground",
        MO_BASE,
        {"macao.article20_ground": "explicit_consent"},
        {"macao.article20_ground": "none"},
    ),
    (
        "macao_pdpa/c3_dspdp_authorisation",
        MO_BASE,
        {"macao.authorisation": {"granted_on": D(2026, 12, 1), "reference": "DSPDP-2026-031"}},
        {"macao.authorisation": {"granted_on": D(2026, 12, 2), "reference": "DSPDP-2026-031"}},
    ),
    (
        "macao_pdpa/c4_gba_contract",
        MO_BASE,
        {
            **MO_GBA,
            **on(D(2024, 9, 10)),
            **gba_contract(D(2024, 9, 10), D(2024, 9, 13), "dspdp"),
            "macao.article20_ground": "contract_with_subject",
        },
        {
            **MO_GBA,
            **on(D(2024, 9, 9)),
            **gba_contract(D(2024, 9, 9), D(2024, 9, 13), "dspdp"),
            "macao.article20_ground": "contract_with_subject",
        },
    ),
    (
        "macao_pdpa/c4_gba_contract_alone_unverified",
        MO_BASE,
        MO_GBA,
        {**MO_GBA, "macao.article20_ground": "contract_with_subject"},
    ),
    ("macao_pdpa/c4_gba_contract_does_not_qualify", MO_BASE, {**MO_GBA, **TO_HK}, MO_GBA),
    ("macao_pdpa/default", MO_BASE, {}, {"macao.article20_ground": "contract_with_subject"}),
]

IDS = [case[0] for case in CASES]


@pytest.mark.parametrize(("rule_id", "base", "fires", "misses"), CASES, ids=IDS)
def test_rule_fires_and_just_does_not(
    rule_id: str, base: dict[str, Any], fires: dict[str, Any], misses: dict[str, Any]
) -> None:
    hit = decide(fires, base=base)
    assert rule_id in fired(hit), f"{rule_id} should fire\n{describe(hit)}"
    assert not hit.errors, describe(hit)
    miss = decide(misses, base=base)
    assert rule_id not in fired(miss), f"{rule_id} should not fire\n{describe(miss)}"
    assert not miss.errors, describe(miss)


def test_every_rule_and_default_has_a_case() -> None:
    """The table above covers every rule of the shipped ruleset (and the defaults that can be reached)."""
    book = rulebook()
    rule_ids = {rule.id for ruleset in book.rulesets for rule in ruleset.rules}
    unreachable_defaults = {"hong_kong_pdpo/default"}  # H1 holds exactly when H2 does not
    defaults = {f"{ruleset.id}/default" for ruleset in book.rulesets} - unreachable_defaults
    assert set(IDS) == rule_ids | defaults
    assert len(IDS) == len(set(IDS))
