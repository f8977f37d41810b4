"""Cedar (cedarpy) and Rego (regopy) versions of the benchmark core ruleset, and the manifest mapping.

The mapping is what a fair user of Cedar or Rego would write once, outside the hot path: project the manifest
paths the rules read, leave out absent (null) values so that "has" is the engine's own test, and turn dates
into day numbers (`date.toordinal()`), since neither engine's integer comparisons need a date type.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

CORE_DIR = Path(__file__).resolve().parent / "core"
CEDAR_POLICIES = CORE_DIR / "mainland_core.cedar"
REGO_POLICY = CORE_DIR / "mainland_core.rego"
REGO_ENTRYPOINT = "mainland_core/result"

Verdict = tuple[str, tuple[str, ...]]


def _day(value: dt.date | None) -> int | None:
    return None if value is None else value.toordinal()


def _present(**values: Any) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


def facts(data: dict[str, Any], *, categories_only: bool) -> dict[str, Any]:
    """The facts the core rules read, from a loaded manifest. Cedar gets the set of field categories
    (`categories_only`), Rego the list of fields."""
    transfer = data["transfer"]
    dataset = data["dataset"]
    exporter = data["exporter"]
    mechanisms = data["mechanisms"]
    sa = mechanisms["security_assessment"]
    scc = mechanisms["standard_contract"]
    gba = mechanisms["gba_standard_contract"]
    macao = data["macao"]
    fields = dataset["fields"]
    out_dataset: dict[str, Any] = {
        "important_data": dataset["important_data"],
        "subjects": dataset["subjects"],
        "sensitive_subjects": dataset["sensitive_subjects"],
    }
    if categories_only:
        out_dataset["categories"] = sorted({field["category"] for field in fields})
    else:
        out_dataset["fields"] = [{"category": field["category"]} for field in fields]
    return {
        "as_of": _day(transfer["date"]),
        "transfer": {
            "origin": {"region": transfer["origin"]["region"]},
            "destination": {"region": transfer["destination"]["region"]},
            "date": _day(transfer["date"]),
            "onward_transfer_outside_gba": transfer["onward_transfer_outside_gba"],
        },
        "exporter": _present(region=exporter["region"], city=exporter["city"], ciio=exporter["ciio"]),
        "recipient": _present(region=data["recipient"]["region"]),
        "dataset": out_dataset,
        "volume": {
            "personal_subjects_ytd": data["volume"]["personal_subjects_ytd"],
            "sensitive_subjects_ytd": data["volume"]["sensitive_subjects_ytd"],
        },
        "mechanisms": {
            "security_assessment": _present(status=sa["status"], approved_on=_day(sa["approved_on"])),
            "standard_contract": _present(
                effective_on=_day(scc["effective_on"]), filed_on=_day(scc["filed_on"])
            ),
            "gba_standard_contract": _present(
                effective_on=_day(gba["effective_on"]),
                filed_on=_day(gba["filed_on"]),
                filed_with=gba["filed_with"],
            ),
            "pipia": _present(completed_on=_day(mechanisms["pipia"]["completed_on"])),
            "notice_given": mechanisms["notice_given"],
            "separate_consent": mechanisms["separate_consent"],
        },
        "hong_kong": {
            "purpose": data["hong_kong"]["purpose"],
            "prescribed_consent": data["hong_kong"]["prescribed_consent"],
        },
        "macao": {
            "adequacy_decision": macao["adequacy_decision"],
            "article20_ground": macao["article20_ground"],
            "notified": macao["notified"],
            "authorisation": _present(granted_on=_day(macao["authorisation"]["granted_on"])),
        },
    }


# ---- Cedar ----------------------------------------------------------------------------------------------


class CedarEngine:
    """cedarpy with the policy set and the (empty) entity set parsed once, requests built in advance."""

    name = "cedarpy"

    def __init__(self) -> None:
        import cedarpy

        self.cedarpy = cedarpy
        text = CEDAR_POLICIES.read_text(encoding="utf-8")
        self.policies = cedarpy.PolicySet.from_str(text)
        self.entities = cedarpy.Entities.from_json_str("[]")
        self.version = _version("cedarpy")

    @staticmethod
    def request(manifest_id: str, data: dict[str, Any]) -> dict[str, Any]:
        """A request with its context already serialised (cedarpy would otherwise json.dumps it per call)."""
        return {
            "principal": {"type": "Exporter", "id": manifest_id},
            "action": {"type": "Action", "id": "transfer"},
            "resource": {"type": "Dataset", "id": manifest_id},
            "context": json.dumps(facts(data, categories_only=True), separators=(",", ":")),
        }

    def decide(self, request: dict[str, Any]) -> Any:
        return self.cedarpy.is_authorized(request, self.policies, self.entities)

    def decide_batch(self, requests: list[dict[str, Any]]) -> list[Any]:
        return self.cedarpy.is_authorized_batch(requests, self.policies, self.entities)

    @staticmethod
    def verdict(result: Any) -> Verdict:
        """(verdict, sorted rule ids) from an AuthzResult; raises on evaluation errors."""
        diagnostics = result.diagnostics
        if diagnostics.errors:
            raise RuntimeError(f"Cedar evaluation errors: {diagnostics.errors}")
        names = diagnostics.id_annotations_by_reason
        rules = tuple(sorted(names.get(policy, policy) for policy in diagnostics.reasons))
        return ("allow" if result.allowed else "deny"), rules


# ---- Rego -----------------------------------------------------------------------------------------------


class RegoEngine:
    """regopy through its compiled-bundle API: the module is compiled once into a bundle with the
    `mainland_core/result` entry point, and each decision sets a pre-built `Input` and runs that plan."""

    name = "regopy"

    def __init__(self) -> None:
        import regopy

        self.regopy = regopy
        builder = regopy.Interpreter()
        builder.add_module("mainland_core.rego", REGO_POLICY.read_text(encoding="utf-8"))
        self.bundle = builder.build(None, [REGO_ENTRYPOINT])
        self.rego = regopy.Interpreter()
        self.version = _version("regopy")

    def request(self, data: dict[str, Any]) -> Any:
        return self.regopy.Input(facts(data, categories_only=False))

    def decide(self, request: Any) -> Any:
        self.rego.set_input(request)
        return self.rego.query_bundle_entrypoint(self.bundle, REGO_ENTRYPOINT)

    @staticmethod
    def verdict(output: Any) -> Verdict:
        if not output.ok():
            raise RuntimeError(f"Rego evaluation error: {output}")
        result = json.loads(output.expressions().json())[0]
        return result["decision"], tuple(sorted(result["rules"]))


def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "?"


def load_peers(names: Sequence[str]) -> tuple[list[Any], list[str]]:
    """The peer engines that can be loaded, and a note for each that cannot."""
    makers: dict[str, Callable[[], Any]] = {"cedarpy": CedarEngine, "regopy": RegoEngine}
    engines: list[Any] = []
    notes: list[str] = []
    for name in names:
        try:
            engines.append(makers[name]())
        except ImportError as error:
            notes.append(f"{name}: not installed ({error}); `pip install .[bench]`")
    return engines, notes
