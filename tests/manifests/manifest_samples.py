"""Manifests shared by the manifest tests: the design's §4 example, verbatim, and small helpers."""

# ruff: noqa: E501  (the example is quoted verbatim from design.md §4)

from __future__ import annotations

from typing import Any

import pytest

from gba_dataflow.core.errors import Diagnostic, ManifestError
from gba_dataflow.manifests import LoadedManifest, load_manifest_bytes

# design.md §4, comments included (they must not disturb positions).
EXAMPLE = """\
apiVersion: gba-dataflow/v1            # required, exactly this
kind: TransferManifest                 # required, exactly this
id: crm-to-hk-service-centre           # required slug ^[a-z0-9][a-z0-9._-]*$
title: Customer records to the Hong Kong service centre      # optional
transfer:                              # required
  origin: {region: CN-GD, city: Shenzhen}                    # region required; city optional
  destination: {region: HK, city: Hong Kong}
  date: 2026-12-01                     # planned transfer date; default: the as-of date
  purpose: customer service for account holders              # required, free text
  exemption: none                      # none | contract | hr | emergency | statutory_duty   (default none)
  exemption_justification: ""          # why the exemption is necessary (expected when exemption != none)
  onward_transfer_outside_gba: false   # will the recipient pass it on outside the GBA? (default false)
exporter:                              # required
  name: Example Bank (Shenzhen) Co., Ltd.
  region: CN-GD                        # default: transfer.origin.region
  city: Shenzhen                       # default: transfer.origin.city
  ciio: false                          # critical information infrastructure operator (default false)
  state_organ: false                   # (default false)
  sector: banking                      # free text; banking, credit_referencing, healthcare matter to the GBA pilot
  ftz: null                            # null | nansha | qianhai | hengqin | other FTZ name (default null)
recipient:                             # required
  name: Example Bank (Hong Kong) Ltd.
  region: HK                           # default: transfer.destination.region
  city: Hong Kong                      # default: transfer.destination.city
dataset:                               # required
  name: crm_customers
  important_data: false                # notified or published as important data (default false)
  core_data: false                     # (default false)
  foreign_origin_only: false           # PI collected abroad, no domestic PI added (default false)
  ftz_negative_list: {applies: false, listed: false}   # an FTZ list governs this exporter / the data is on it
  subjects: 48000                      # individuals whose PI is in this transfer (integer >= 0, default 0)
  sensitive_subjects: 0                # of which with sensitive PI (integer >= 0, default 0)
  fields:                              # required, at least one
    - {name: full_name, category: personal}
    - {name: phone, category: personal}
    - {name: account_balance, category: sensitive_personal, sensitive_type: financial_account}
    - {name: branch_code, category: non_personal}
volume:                                # optional; cumulative in the counting window, this transfer included
  personal_subjects_ytd: 61000         # individuals whose PI was sent (default: the ledger's sum, else dataset.subjects
                                       #   with a warning that the cumulative volume is unknown)
  sensitive_subjects_ytd: 0            # individuals whose sensitive PI was sent (default: likewise, dataset.sensitive_subjects)
  processed_subjects_total: 300000     # individuals whose PI the exporter processes overall (pre-2024 threshold)
mechanisms:                            # every entry optional; absent means "not in place"
  security_assessment: {status: none}  # none | pending | approved | rejected; approved_on, valid_until, reference
  standard_contract: {effective_on: null, filed_on: null, reference: null}        # national standard contract
  certification: {certified_on: null, valid_until: null, body: null}
  gba_standard_contract: {effective_on: 2026-10-20, filed_on: 2026-10-28, filed_with: guangdong_cac, reference: GD-GBA-2026-0042}
  notice_given: true                   # PIPL Art 39 notice to individuals (default false)
  separate_consent: true               # PIPL Art 39 / Art 29 separate consent (default false)
  pipia: {completed_on: 2026-10-01}    # PI protection impact assessment date (default none)
hong_kong:                             # PDPO facts; read when the origin is HK (all default false / same)
  dpp1_notice: true                    # transferee class notified at collection
  purpose: same                        # same | directly_related | new
  prescribed_consent: false            # express, voluntary, not withdrawn
  processor_contract: false            # DPP2(3)/DPP4(2) contract with a data processor
macao:                                 # PDPA facts; read when the origin is MO
  adequacy_decision: false
  article20_ground: none               # none | explicit_consent | contract_with_subject | contract_in_subject_interest
                                       # | public_interest_or_legal_claims | vital_interests | public_register
  notified: false                      # transfer notified to the DSPDP
  authorisation: {granted_on: null, reference: null}
  sensitive_basis: none                # none | explicit_consent | legal_authorisation | dspdp_authorisation
"""

MINIMAL = """\
apiVersion: gba-dataflow/v1
kind: TransferManifest
id: minimal
transfer:
  origin: {region: CN-GD, city: Shenzhen}
  destination: {region: HK}
  purpose: support
exporter:
  name: Exporter Ltd.
recipient:
  name: Recipient Ltd.
dataset:
  name: contacts
  subjects: 10
  fields:
    - {name: phone, category: personal}
"""


def edit(text: str, old: str, new: str) -> str:
    """Replace exactly one occurrence of `old` (so a test never silently edits nothing)."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def load(text: str | bytes, name: str = "m.yaml", **options: Any) -> LoadedManifest:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return load_manifest_bytes(raw, name, **options)


def problems(text: str | bytes, name: str = "m.yaml", **options: Any) -> list[Diagnostic]:
    """The diagnostics of a manifest that must fail to load."""
    with pytest.raises(ManifestError) as caught:
        load(text, name, **options)
    return caught.value.diagnostics


def only(text: str | bytes, name: str = "m.yaml", **options: Any) -> Diagnostic:
    """The one diagnostic of a manifest that must fail with exactly one."""
    found = problems(text, name, **options)
    assert len(found) == 1, [d.render() for d in found]
    return found[0]


def where(diagnostic: Diagnostic) -> tuple[str, int | None, int | None, str | None]:
    """(code, line, column, json_path): what most error tests assert."""
    return diagnostic.code, diagnostic.line, diagnostic.column, diagnostic.json_path
