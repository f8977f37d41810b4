"""Build test manifests for the shipped GBA ruleset from one realistic base, with overrides.

Manifests go through the real loader (`load_manifest_bytes`), so schema defaults and cross-field checks
apply exactly as for a file on disk. Overrides are dotted paths: `{"transfer.date": date(2024, 3, 22)}`;
the value `DELETE` removes a key.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from gba_dataflow.engine.evaluate import evaluate_manifest
from gba_dataflow.engine.model import ManifestResult, ObligationStatus
from gba_dataflow.engine.rulebook import Rulebook, load_rulebook
from gba_dataflow.manifests import LoadedManifest, load_manifest_bytes

ROOT = Path(__file__).resolve().parents[2]
RULES_DIR = ROOT / "rules"
EXAMPLES_DIR = ROOT / "examples"

DELETE = object()

# A Shenzhen retailer sending 5,000 customers' names and phone numbers to its Hong Kong affiliate on
# 1 December 2026: the small-volume exemption (M10) allows it.
BASE: dict[str, Any] = {
    "apiVersion": "gba-dataflow/v1",
    "kind": "TransferManifest",
    "id": "rules-test",
    "transfer": {
        "origin": {"region": "CN-GD", "city": "Shenzhen"},
        "destination": {"region": "HK", "city": "Hong Kong"},
        "date": dt.date(2026, 12, 1),
        "purpose": "after-sales customer service",
    },
    "exporter": {"name": "Example Retail (Shenzhen) Co., Ltd.", "sector": "retail"},
    "recipient": {"name": "Example Retail (Hong Kong) Ltd."},
    "dataset": {
        "name": "customers",
        "subjects": 5_000,
        "fields": [
            {"name": "full_name", "category": "personal"},
            {"name": "phone", "category": "personal"},
        ],
    },
    "volume": {"personal_subjects_ytd": 5_000, "sensitive_subjects_ytd": 0},
    "mechanisms": {
        "notice_given": True,
        "separate_consent": True,
        "pipia": {"completed_on": dt.date(2026, 11, 2)},
    },
}

SENSITIVE_FIELD = {
    "name": "account_balance",
    "category": "sensitive_personal",
    "sensitive_type": "financial_account",
}


def build(
    overrides: Mapping[str, Any] | None = None, base: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """A deep copy of `base` (default BASE) with dotted-path overrides applied in order."""
    data = copy.deepcopy(dict(base or BASE))
    for dotted, value in (overrides or {}).items():
        target = data
        *parents, last = dotted.split(".")
        for key in parents:
            target = target.setdefault(key, {})
        if value is DELETE:
            target.pop(last, None)
        else:
            target[last] = copy.deepcopy(value)
    return data


def to_yaml(data: Mapping[str, Any]) -> bytes:
    return yaml.safe_dump(dict(data), allow_unicode=True, sort_keys=False).encode("utf-8")


def load(data: Mapping[str, Any], name: str = "test.yaml") -> LoadedManifest:
    """Load a manifest dict through the real loader (defaults, dates, cross-checks)."""
    return load_manifest_bytes(to_yaml(data), name)


@cache
def rulebook() -> Rulebook:
    """The shipped ruleset, parsed, checked and compiled once per test session."""
    return load_rulebook([RULES_DIR])


def decide(
    overrides: Mapping[str, Any] | None = None,
    *,
    base: Mapping[str, Any] | None = None,
    as_of: dt.date | None = None,
    lang: str = "en",
) -> ManifestResult:
    """Evaluate BASE (or `base`) with overrides against the shipped ruleset."""
    return evaluate_manifest(rulebook(), load(build(overrides, base)), as_of=as_of, lang=lang)


def fired(result: ManifestResult) -> set[str]:
    """Rule ids that decided, warned or found a duty met: deny reasons, allow reasons of allowing rulesets,
    warn rules, and the duty-met rules of an allow (shown as met obligations, not as reasons)."""
    ids = {reason.rule for reason in result.reasons}
    ids.update(warning.rule for warning in result.warnings if warning.rule)
    ids.update(item.rule for item in result.obligations if item.status is ObligationStatus.MET)
    return ids


def reason_for(result: ManifestResult, rule_id: str) -> Any:
    """The reason a rule gave, or None."""
    return next((reason for reason in result.reasons if reason.rule == rule_id), None)


def describe(result: ManifestResult) -> str:
    """A compact account of a result, for assertion messages."""
    lines = [f"decision={result.decision.value} rulesets={[(r.id, r.decision) for r in result.rulesets]}"]
    lines += [f"  reason {r.rule}: {r.message}" for r in result.reasons]
    lines += [f"  warning {w.rule or w.code}: {w.message}" for w in result.warnings]
    lines += [f"  obligation ({o.status.value}) {o.rule}: {o.text}" for o in result.obligations]
    lines += [f"  error {e.code}: {e.message}" for e in result.errors]
    return "\n".join(lines)


# ---- reusable override snippets ------------------------------------------------------------------------

D = dt.date


def on(day: dt.date) -> dict[str, Any]:
    """Move the transfer to `day`, with the PIPIA done 30 days before (so it still precedes the transfer)."""
    return {"transfer.date": day, "mechanisms.pipia.completed_on": day - dt.timedelta(days=30)}


def volume(personal: int, sensitive: int = 0) -> dict[str, Any]:
    """This year's cumulative volumes; this transfer's counts are kept no larger than them."""
    out: dict[str, Any] = {
        "volume.personal_subjects_ytd": personal,
        "volume.sensitive_subjects_ytd": sensitive,
        "dataset.subjects": min(personal, 5_000),
        "dataset.sensitive_subjects": min(sensitive, personal, 5_000),
    }
    if sensitive:
        out["dataset.fields"] = [*BASE["dataset"]["fields"], SENSITIVE_FIELD]
    return out


def sensitive(count: int = 10, sensitive_type: str = "financial_account", **extra: Any) -> dict[str, Any]:
    """Add a sensitive field and `count` individuals with sensitive personal information."""
    field = {
        "name": f"{sensitive_type}_field",
        "category": "sensitive_personal",
        "sensitive_type": sensitive_type,
    }
    return {
        "dataset.fields": [*BASE["dataset"]["fields"], field],
        "dataset.sensitive_subjects": count,
        "volume.sensitive_subjects_ytd": count,
        **extra,
    }


def security_assessment(approved_on: dt.date, valid_until: dt.date | None, **extra: Any) -> dict[str, Any]:
    return {
        "mechanisms.security_assessment": {
            "status": "approved",
            "approved_on": approved_on,
            "valid_until": valid_until,
            **extra,
        }
    }


VALID_SA = security_assessment(D(2025, 6, 2), D(2028, 6, 1), reference="CAC-SA-2025-0117")


def gba_contract(
    effective_on: dt.date, filed_on: dt.date | None, filed_with: str | None = "guangdong_cac"
) -> dict[str, Any]:
    return {
        "mechanisms.gba_standard_contract": {
            "effective_on": effective_on,
            "filed_on": filed_on,
            "filed_with": filed_with if filed_on else None,
        }
    }


# Effective Monday 2 November 2026, filed Monday 9 November (5 working days later).
GBA_2026 = gba_contract(D(2026, 11, 2), D(2026, 11, 9))


def standard_contract(effective_on: dt.date, filed_on: dt.date | None) -> dict[str, Any]:
    return {"mechanisms.standard_contract": {"effective_on": effective_on, "filed_on": filed_on}}


SCC_2026 = standard_contract(D(2026, 11, 2), D(2026, 11, 9))


def certification(certified_on: dt.date, valid_until: dt.date | None) -> dict[str, Any]:
    return {
        "mechanisms.certification": {
            "certified_on": certified_on,
            "valid_until": valid_until,
            "body": "China Cybersecurity Review Technology and Certification Center",
        }
    }


# Hong Kong: an HK exporter sending customer data to a Shenzhen affiliate, for the purpose of collection.
HK_BASE = build(
    {
        "transfer.origin": {"region": "HK", "city": "Hong Kong"},
        "transfer.destination": {"region": "CN-GD", "city": "Shenzhen"},
        "exporter.name": "Example Services (Hong Kong) Ltd.",
        "recipient.name": "Example Services (Shenzhen) Co., Ltd.",
        "hong_kong": {
            "dpp1_notice": True,
            "purpose": "same",
            "prescribed_consent": False,
            "processor_contract": True,
        },
    }
)

# Macao: a Macao exporter sending client data to a Zhuhai affiliate; no transfer ground yet (C5).
MO_BASE = build(
    {
        "transfer.origin": {"region": "MO", "city": "Macao"},
        "transfer.destination": {"region": "CN-GD", "city": "Zhuhai"},
        "exporter.name": "Example Services (Macao) Lda.",
        "recipient.name": "Example Services (Zhuhai) Co., Ltd.",
    }
)

GD9_CITIES = (
    "Guangzhou",
    "Shenzhen",
    "Zhuhai",
    "Foshan",
    "Huizhou",
    "Dongguan",
    "Zhongshan",
    "Jiangmen",
    "Zhaoqing",
)
OUTSIDE_GD9 = ("Shantou", "Shaoguan", "Zhanjiang", "Meizhou")
