"""The results of evaluating manifests: plain, immutable data consumed by every report format.

Every class is a frozen data class with slots, built by keyword and read by field name."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from typing import Any

from gba_dataflow.core.errors import Diagnostic


class Verdict(enum.StrEnum):
    """The decision for one manifest."""

    ALLOW = "allow"
    DENY = "deny"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class Fact:
    """A manifest value that a condition read: `dataset.fields[2].category = "sensitive_personal"`."""

    path: str
    pointer: str
    value: Any
    line: int | None = None
    column: int | None = None
    provenance: str = "stated"
    """Where the value came from (design §3.10): `stated` in the manifest (at `line`), the schema's
    `default`, `derived` from other values, or the `ledger`'s record of the year's transfers."""
    provenance_note: str | None = None
    """What a derived or ledger value was made from, in words."""


@dataclass(frozen=True, slots=True)
class Reason:
    """A rule that held: why the decision is what it is."""

    rule: str
    effect: str
    message: str
    citations: tuple[str, ...]
    facts: tuple[Fact, ...]
    source: str
    source_line: int = 0
    waived_by: str | None = None
    """The id of the governed waiver that waived this deny (app/waivers.py), else None."""


class ObligationStatus(enum.StrEnum):
    """Whether an obligation of an allowed transfer must still be done or is already met."""

    TO_DO = "to_do"
    """A `require` of an allow rule that held: must still be done."""
    MET = "met"
    """A `met` text of an allow rule that held: the manifest shows it done."""


@dataclass(frozen=True, slots=True)
class Obligation:
    """A duty of an allowed transfer: one that must still be done (`require`), or one already met (`met`)."""

    rule: str
    text: str
    status: ObligationStatus = ObligationStatus.TO_DO


@dataclass(frozen=True, slots=True)
class FailedCondition:
    """One part of an allow rule's condition that did not hold, with the facts it read."""

    condition: str
    suggestion: str
    facts: tuple[Fact, ...] = ()


@dataclass(frozen=True, slots=True)
class Remedy:
    """What would fix a deny: a deny rule's remedy text, or an allow rule that came close."""

    rule: str
    kind: str  # "remedy" | "closest_allow"
    text: str
    failed_conditions: tuple[FailedCondition, ...] = ()


@dataclass(frozen=True, slots=True)
class Warning:
    """A warn rule that held, or a manifest warning from the loader."""

    message: str
    rule: str | None = None
    code: str | None = None
    citations: tuple[str, ...] = ()
    facts: tuple[Fact, ...] = ()
    source: str | None = None
    json_path: str | None = None
    line: int | None = None
    column: int | None = None


@dataclass(frozen=True, slots=True)
class RulesetOutcome:
    """How one ruleset judged a manifest: whether it applied and what it decided."""

    id: str
    applies: bool
    decision: str | None  # "allow" | "deny" | None when it does not apply


@dataclass(frozen=True, slots=True)
class Route:
    """Where a transfer goes: regions (ISO 3166 codes) and, when given, cities."""

    origin: str | None
    destination: str | None
    origin_city: str | None = None
    destination_city: str | None = None

    def __str__(self) -> str:
        return f"{self.origin or '?'} → {self.destination or '?'}"


@dataclass(frozen=True, slots=True)
class ManifestResult:
    """The decision for one manifest with everything that explains it."""

    manifest: str
    id: str | None
    route: Route
    decision: Verdict
    as_of: dt.date | None = None
    reasons: tuple[Reason, ...] = ()
    obligations: tuple[Obligation, ...] = ()
    warnings: tuple[Warning, ...] = ()
    remedies: tuple[Remedy, ...] = ()
    rulesets: tuple[RulesetOutcome, ...] = ()
    errors: tuple[Diagnostic, ...] = ()
    title: str | None = None
    digest: str | None = None
    waivers: tuple[str, ...] = ()
    """The ids of the waivers applied to this result (app/waivers.py), sorted."""
    no_manifest: bool = False
    """True for an input that named no manifest: a path that does not exist, a directory without any. It
    is an error of the run, not a manifest (summaries do not count it as one)."""


@dataclass(frozen=True, slots=True)
class RulesInfo:
    """Which rule files decided, and a digest of their content."""

    paths: tuple[str, ...]
    digest: str


@dataclass(frozen=True, slots=True)
class RuleDoc:
    """What one rule says, independent of any manifest: for formats that describe every rule (SARIF).

    Besides the rules of the rulebook there are the synthetic ids a reason may carry: `<ruleset>/default`
    (a ruleset's default deny) and `gba-dataflow/no-ruleset` (no ruleset applies).
    """

    id: str
    effect: str  # "deny" | "allow" | "warn"
    ruleset: str
    message: str  # the `because` text as written, `{path}` placeholders included
    citations: tuple[str, ...] = ()
    remedy: str | None = None
    requires: tuple[str, ...] = ()
    effective_from: dt.date | None = None
    effective_until: dt.date | None = None
    source: str | None = None
    ruleset_title: str | None = None
    mets: tuple[str, ...] = ()
    """The `met` texts: obligations the rule finds already met (a duty-met rule has no `because`)."""


@dataclass(frozen=True)
class RunResult:
    """A whole `check` run: the rules used and one result per manifest, in input order.

    `rule_docs` describes every rule the run could report (empty when the producer did not fill it in).
    """

    rules: RulesInfo
    results: tuple[ManifestResult, ...]
    as_of: dt.date | None = None
    lang: str = "en"
    summary: dict[str, int] = field(default_factory=dict)
    rule_docs: tuple[RuleDoc, ...] = ()

    def counts(self) -> dict[str, int]:
        counts = {verdict.value: 0 for verdict in Verdict}
        for result in self.results:
            counts[result.decision.value] += 1
        return counts

    def missing_inputs(self) -> int:
        """How many inputs named no manifest (each is also one of the `error` results)."""
        return sum(1 for result in self.results if result.no_manifest)
