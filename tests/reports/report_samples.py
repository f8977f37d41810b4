"""Hand-built runs covering every part of the result model, shared by the report tests."""

from __future__ import annotations

import datetime as dt

from gba_dataflow.core.errors import Diagnostic, Severity
from gba_dataflow.core.source import Span, caret_excerpt
from gba_dataflow.engine.model import (
    Fact,
    FailedCondition,
    ManifestResult,
    Obligation,
    ObligationStatus,
    Reason,
    Remedy,
    Route,
    RulesetOutcome,
    RulesInfo,
    RunResult,
    Verdict,
    Warning,
)

RULES = RulesInfo(
    paths=("rules/gba_standard_contract.rules", "rules/hk_export.rules", "rules/mainland_export.rules"),
    digest="sha256:3f0c9a1d5e7b2c4f6a8d0e1b3c5d7f9a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d0e",
)
SHENZHEN_TO_HK = Route("CN-GD", "HK", "Shenzhen", "Hong Kong")
GBA_RULESETS = (
    RulesetOutcome("gba_standard_contract", True, "allow"),
    RulesetOutcome("hk_export", False, None),
    RulesetOutcome("mainland_export", True, "allow"),
)
SMALL_VOLUME = "mainland_export/small_volume_exemption"


def allow_result() -> ManifestResult:
    """An allow with facts of several types, two obligations and a warn rule that held."""
    manifest = "examples/manifests/shenzhen-bank-gba-contract-to-hk.yaml"
    return ManifestResult(
        manifest=manifest,
        id="sz-bank-crm-to-hk",
        title="CRM records to the Hong Kong service centre",
        route=SHENZHEN_TO_HK,
        decision=Verdict.ALLOW,
        as_of=dt.date(2024, 6, 1),
        reasons=(
            Reason(
                rule="gba_standard_contract/filed_contract",
                effect="allow",
                message="A GBA Standard Contract was filed on 2024-05-20 and covers this transfer.",
                citations=("GBA Standard Contract Implementation Guidelines, Art. 3",),
                facts=(
                    Fact(
                        "mechanisms.gba_standard_contract.filed_on",
                        "/mechanisms/gba_standard_contract/filed_on",
                        dt.date(2024, 5, 20),
                        31,
                        17,
                    ),
                    Fact("transfer.destination.city", "/transfer/destination/city", "Hong Kong", 9, 11),
                ),
                source="rules/gba_standard_contract.rules:18",
                source_line=18,
            ),
            Reason(
                rule=SMALL_VOLUME,
                effect="allow",
                message=(
                    "Fewer than 100,000 individuals' non-sensitive personal information this year: "
                    "exempt from assessment, contract and certification."
                ),
                citations=("Provisions on Promoting and Regulating Cross-Border Data Flows, Art. 5(4)",),
                facts=(
                    Fact("volume.personal_subjects_ytd", "/volume/personal_subjects_ytd", 42_000, 40, 29),
                    Fact("exporter.ciio", "/exporter/ciio", False, 14, 9),
                    Fact("dataset.important_data", "/dataset/important_data", False),
                ),
                source="rules/mainland_export.rules:24",
                source_line=24,
            ),
        ),
        obligations=(
            Obligation(
                SMALL_VOLUME,
                "Give notice and obtain separate consent where consent is the legal basis (PIPL Art. 39).",
            ),
            Obligation(
                "gba_standard_contract/filed_contract",
                "Keep the filed contract and the personal information protection impact assessment "
                "for at least 3 years.",
            ),
            Obligation(
                "mainland_export/notice_duty_met",
                "The individuals were told the recipient's name and contact details (PIPL Art. 39).",
                ObligationStatus.MET,
            ),
        ),
        warnings=(
            Warning(
                message="The recipient has no Hong Kong data protection officer on record.",
                rule="hk_export/dpo_recommended",
                citations=("PCPD Guidance on Cross-border Data Transfer (2022), §4",),
                facts=(Fact("recipient.dpo", "/recipient/dpo", None, 22, 5),),
                source="rules/hk_export.rules:41",
            ),
        ),
        rulesets=GBA_RULESETS,
        digest="sha256:aa",
    )


def deny_result() -> ManifestResult:
    """A deny rule held: the reason, the `any` element that matched, and the rule's remedy."""
    manifest = "examples/manifests/important-data-refused.yaml"
    field = {"name": "reservoir_levels", "category": "important_data", "tags": ["hydrology", "real-time"]}
    return ManifestResult(
        manifest=manifest,
        id="water-utility-telemetry",
        route=Route("CN-GD", "MO", "Zhuhai", "Macao"),
        decision=Verdict.DENY,
        as_of=dt.date(2024, 9, 2),
        reasons=(
            Reason(
                rule="mainland_export/important_data_needs_assessment",
                effect="deny",
                message="Important data leaves the Mainland only after a CAC security assessment; "
                "dataset.fields[3] (reservoir_levels) is important data.",
                citations=(
                    "Data Security Law, Art. 31",
                    "Measures on Security Assessment of Outbound Data Transfers, Art. 4(1)",
                ),
                facts=(
                    Fact("dataset.fields[3]", "/dataset/fields/3", field, 27, 7),
                    Fact(
                        "mechanisms.cac_assessment.approved_on",
                        "/mechanisms/cac_assessment/approved_on",
                        None,
                    ),
                ),
                source="rules/mainland_export.rules:12",
                source_line=12,
            ),
        ),
        remedies=(
            Remedy(
                rule="mainland_export/important_data_needs_assessment",
                kind="remedy",
                text=(
                    "Apply to the CAC, through the Guangdong provincial office, for a security assessment "
                    "and record the approval under mechanisms.cac_assessment.approved_on."
                ),
            ),
        ),
        rulesets=(
            RulesetOutcome("gba_standard_contract", True, "allow"),
            RulesetOutcome("hk_export", False, None),
            RulesetOutcome("mainland_export", True, "deny"),
        ),
    )


def default_deny_result() -> ManifestResult:
    """No rule permits it: the default deny, with the allow rules that came closest and why they failed."""
    manifest = "manifests/hr-payroll.yaml"
    contract = "gba_standard_contract/filed_contract"
    return ManifestResult(
        manifest=manifest,
        id="hr-payroll-to-hk",
        route=Route("CN-GD", "HK", "Guangzhou", None),
        decision=Verdict.DENY,
        as_of=dt.date(2024, 6, 1),
        reasons=(
            Reason(
                rule="gba_standard_contract/default",
                effect="deny",
                message="no rule of gba_standard_contract permits this transfer",
                citations=(),
                facts=(),
                source="rules/gba_standard_contract.rules:1",
                source_line=1,
            ),
        ),
        remedies=(
            Remedy(
                rule=contract,
                kind="closest_allow",
                text="A GBA Standard Contract was filed and covers this transfer.",
                failed_conditions=(
                    FailedCondition(
                        "has(mechanisms.gba_standard_contract.filed_on)",
                        "would allow if mechanisms.gba_standard_contract.filed_on were set",
                        (
                            Fact(
                                "mechanisms.gba_standard_contract.filed_on",
                                "/mechanisms/gba_standard_contract/filed_on",
                                None,
                                30,
                                5,
                            ),
                        ),
                    ),
                    FailedCondition(
                        "recipient.city in gba_hk_cities",
                        "would allow if this held (now recipient.city = Shanghai)",
                        (Fact("recipient.city", "/recipient/city", "Shanghai", 18, 9),),
                    ),
                ),
            ),
        ),
        warnings=(
            Warning(
                message="volume.personal_subjects_ytd is not declared; it is taken as 0",
                code="W413",
                json_path="/volume/personal_subjects_ytd",
                line=36,
                column=3,
                source=manifest,
            ),
        ),
        rulesets=(
            RulesetOutcome("gba_standard_contract", True, "deny"),
            RulesetOutcome("hk_export", False, None),
            RulesetOutcome("mainland_export", True, "allow"),
        ),
    )


def error_result() -> ManifestResult:
    """A manifest that failed validation: a diagnostic with a span, an excerpt, a JSON path and a hint."""
    path = "manifests/broken.yaml"
    return ManifestResult(
        manifest=path,
        id=None,
        route=Route(None, None),
        decision=Verdict.ERROR,
        errors=(
            Diagnostic(
                code="E410",
                message="`transfer.destination.region` must be an ISO 3166 code, not `Hongkong`",
                span=Span(path, 7, 13, 7, 21),
                hint="did you mean `HK`?",
                json_path="/transfer/destination/region",
                excerpt=caret_excerpt("    region: Hongkong", 13, 8),
            ),
            Diagnostic(
                code="W412",
                message="`transfer.date` is more than a year in the past",
                span=Span(path, 4, 9),
                severity=Severity.WARNING,
            ),
        ),
    )


def zh_deny_result() -> ManifestResult:
    """A deny whose texts are in simplified Chinese (`--lang zh-Hans`)."""
    manifest = "清单/核心数据.yaml"
    return ManifestResult(
        manifest=manifest,
        id="core-data-to-mo",
        route=Route("CN-GD", "MO", "珠海", "澳门"),
        decision=Verdict.DENY,
        as_of=dt.date(2025, 1, 15),
        reasons=(
            Reason(
                rule="mainland_export/core_data_never_leaves",
                effect="deny",
                message="核心数据不得出境。关键信息基础设施运营者在境内运营中收集和产生的个人信息和重要数据应当在境内存储。",
                citations=("《中华人民共和国数据安全法》第二十一条", "Data Security Law, Art. 21"),
                facts=(Fact("dataset.core_data", "/dataset/core_data", True, 12, 14),),
                source="rules/mainland_export.rules:8",
                source_line=8,
            ),
        ),
        remedies=(
            Remedy(
                rule="mainland_export/core_data_never_leaves",
                kind="remedy",
                text="从数据集中移除核心数据后重新检查。",
            ),
        ),
        rulesets=(RulesetOutcome("mainland_export", True, "deny"),),
    )


def mixed_run() -> RunResult:
    """Four manifests: allow, deny, default deny and error, evaluated without --as-of."""
    return RunResult(
        rules=RULES,
        results=(allow_result(), deny_result(), default_deny_result(), error_result()),
    )


def zh_run() -> RunResult:
    """One zh-Hans deny, evaluated with --as-of."""
    return RunResult(rules=RULES, results=(zh_deny_result(),), as_of=dt.date(2025, 1, 15), lang="zh-Hans")


def empty_run() -> RunResult:
    """No manifest at all."""
    return RunResult(rules=RulesInfo(paths=(), digest="sha256:e3b0"), results=())


RUNS = {"mixed": mixed_run, "zh": zh_run, "empty": empty_run}
