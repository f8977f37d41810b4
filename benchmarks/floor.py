"""The benchmark core ruleset (core/mainland_core.rules) as a hand-written Python function: the floor.

What a careful programmer would write by hand for these eleven rules, reading the same loaded manifest
(`LoadedManifest.data`: defaults filled in, dates as `datetime.date`) that the engine reads. It returns the
verdict and the determining rules: the deny rules that hold, else the allow rules that hold; none for a
default deny or when the ruleset does not apply. Change it together with the DSL, Cedar and Rego versions.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

ALLOW = "allow"
DENY = "deny"

GBA_REGIONS = frozenset({"CN-GD", "HK", "MO"})
GD9_CITIES = frozenset(
    {"Guangzhou", "Shenzhen", "Zhuhai", "Foshan", "Huizhou", "Dongguan", "Zhongshan", "Jiangmen", "Zhaoqing"}
)
SA_TERM = dt.timedelta(days=1095)
FILING_WINDOW = dt.timedelta(days=14)


def decide_floor(data: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    """(verdict, determining rule ids) for one loaded manifest, evaluated as of its transfer date."""
    transfer = data["transfer"]
    origin = transfer["origin"]["region"]
    destination = transfer["destination"]["region"]
    if origin not in GBA_REGIONS or destination not in GBA_REGIONS or origin == destination:
        return DENY, ()
    if origin == "HK":
        hk = data["hong_kong"]
        if hk["purpose"] != "new" or hk["prescribed_consent"]:
            return ALLOW, ("hong_kong_origin_purpose",)
        return DENY, ()
    if origin == "MO":
        mo = data["macao"]
        if (
            mo["adequacy_decision"]
            or (mo["article20_ground"] != "none" and mo["notified"])
            or mo["authorisation"]["granted_on"] is not None
        ):
            return ALLOW, ("macao_origin_ground",)
        return DENY, ()
    return _from_mainland(data, transfer, destination)


def _from_mainland(
    data: dict[str, Any], transfer: dict[str, Any], destination: str
) -> tuple[str, tuple[str, ...]]:
    day: dt.date = transfer["date"]
    dataset = data["dataset"]
    exporter = data["exporter"]
    volume = data["volume"]
    mechanisms = data["mechanisms"]
    categories = {field["category"] for field in dataset["fields"]}
    sensitive = dataset["sensitive_subjects"] > 0 or "sensitive_personal" in categories
    personal = sensitive or dataset["subjects"] > 0 or "personal" in categories
    important = dataset["important_data"]
    ciio = exporter["ciio"]
    over_threshold = (
        volume["personal_subjects_ytd"] >= 1_000_000 or volume["sensitive_subjects_ytd"] >= 10_000
    )
    consent = mechanisms["notice_given"] and mechanisms["separate_consent"]

    sa = mechanisms["security_assessment"]
    approved_on = sa["approved_on"]
    sa_valid = (
        sa["status"] == "approved" and approved_on is not None and approved_on <= day < approved_on + SA_TERM
    )
    pipia_on = mechanisms["pipia"]["completed_on"]
    pipia_ok = pipia_on is not None and pipia_on <= day

    gba = mechanisms["gba_standard_contract"]
    gba_effective, gba_filed = gba["effective_on"], gba["filed_on"]
    gba_ok = (
        exporter["region"] == "CN-GD"
        and exporter["city"] in GD9_CITIES
        and data["recipient"]["region"] == destination
        and gba_effective is not None
        and gba_effective <= day
        and gba_filed is not None
        and gba["filed_with"] == "guangdong_cac"
        and gba_filed <= gba_effective + FILING_WINDOW
        and pipia_ok
        and consent
        and not important
        and not transfer["onward_transfer_outside_gba"]
    )

    denies: list[str] = []
    if important and not sa_valid:
        denies.append("important_data_without_assessment")
    if ciio and personal and not sa_valid:
        denies.append("ciio_without_assessment")
    if sensitive and not consent:
        denies.append("sensitive_pi_without_consent")
    if personal and over_threshold and not sa_valid and not gba_ok:
        denies.append("security_assessment_required")
    if denies:
        return DENY, tuple(denies)

    allows: list[str] = []
    if not personal and not important:
        allows.append("no_personal_or_important_data")
    if (
        not ciio
        and not important
        and personal
        and not sensitive
        and volume["personal_subjects_ytd"] < 100_000
        and volume["sensitive_subjects_ytd"] == 0
    ):
        allows.append("small_volume_exemption")
    if gba_ok:
        allows.append("gba_standard_contract")
    scc = mechanisms["standard_contract"]
    scc_effective, scc_filed = scc["effective_on"], scc["filed_on"]
    if (
        not over_threshold
        and scc_effective is not None
        and scc_effective <= day
        and scc_filed is not None
        and scc_filed <= scc_effective + FILING_WINDOW
        and pipia_ok
    ):
        allows.append("standard_contract")
    if sa_valid:
        allows.append("security_assessment")
    return (ALLOW, tuple(allows)) if allows else (DENY, ())
