"""Governed waivers: an organisation's documented, approved and expiring exception to one of its own rules.

A waivers file (YAML) holds entries such as::

    waivers:
      - id: WVR-2026-014
        rule: acme_policy/classification_label_required
        manifests: [crm-to-hk-service-centre, "analytics-*"]   # manifest ids or paths, or globs of them
        owner: data-governance@acme.example
        approver: ciso@acme.example
        reason: Legacy export; the label is added by the receiving system until 2027-Q1.
        created: 2026-11-02
        expires: 2027-03-31

Only a rule marked `waivable` in its rule file can be waived, and never a rule of the shipped rulesets
(the statutory rules under rules/): law cannot be waived. An expired waiver, one without an approver (or
approved by its own owner), one naming a rule that does not exist, and one naming a statutory or
non-waivable rule are errors, so the file stays governed: `rules check --waivers FILE` and `check` both
refuse it.

A waiver is applied above the engine, to each decided manifest (`amend_with_waivers`), never inside it:
the engine's decision is computed as always; where every reason of a deny is a waivable rule covered by a
waiver in force on the evaluation date, the manifest is decided again without the rulesets that denied
(their denies being waived), and if the rest allows, the result is an allow whose reasons first list the
waived denies, each with the waiver's id (`waived_by`), then the other rulesets' allow reasons, with
their obligations. A waiver that covers only some of a deny's reasons marks those reasons and leaves the
deny; so does one whose manifest no other ruleset allows (fail closed).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import fnmatch
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gba_dataflow.app.words import code_list
from gba_dataflow.core.errors import Diagnostic, GbaError, Severity
from gba_dataflow.core.i18n import os_problem, tr
from gba_dataflow.core.resources import data_dir
from gba_dataflow.core.source import Span
from gba_dataflow.engine.evaluate import ManifestInput, evaluate_manifest
from gba_dataflow.engine.model import ManifestResult, Reason, Verdict
from gba_dataflow.engine.rulebook import Rulebook
from gba_dataflow.manifests import ParsedDocument, SourceText, parse_yaml

EXPIRY_NOTICE_DAYS = 30
"""A waiver that expires within this many days is listed (W565) so that it is renewed or retired in time."""
_KEYS = ("id", "rule", "manifests", "owner", "approver", "reason", "created", "expires")
_REQUIRED = ("id", "rule", "manifests", "owner", "reason", "created", "expires")


class WaiverError(GbaError):
    """The waivers file cannot be read, is malformed, or holds a waiver that may not stand (E56x)."""

    default_code = "E560"


@dataclass(frozen=True, slots=True)
class Waiver:
    """One entry of the waivers file."""

    id: str
    rule: str
    manifests: tuple[str, ...]
    owner: str
    approver: str | None
    reason: str
    created: dt.date
    expires: dt.date
    span: Span

    def covers(self, result: ManifestResult) -> bool:
        """Whether this waiver names the manifest (by id or path, or a glob of either) and is in force
        on the date the manifest was decided as of (created <= as_of < expires)."""
        day = result.as_of
        if day is None or not self.created <= day < self.expires:
            return False
        names = [name for name in (result.id, result.manifest.replace("\\", "/")) if name]
        return any(fnmatch.fnmatchcase(name, pattern) for pattern in self.manifests for name in names)


@dataclass(frozen=True, slots=True)
class WaiverSet:
    """The waivers of one file, checked against the rules they name."""

    path: str
    waivers: tuple[Waiver, ...] = ()

    def expiring(self, today: dt.date, days: int = EXPIRY_NOTICE_DAYS) -> list[Waiver]:
        """The waivers that expire within `days` of `today` (and have not expired), soonest first."""
        limit = today + dt.timedelta(days=days)
        return sorted(
            (w for w in self.waivers if today < w.expires <= limit), key=lambda w: (w.expires, w.id)
        )


# ---- reading ------------------------------------------------------------------------------------------


def read_waivers(path: str | Path) -> WaiverSet:
    """Read a waivers file; its entries as they are written. Raises WaiverError (E560) for a file that
    cannot be read, is not YAML, or has an entry that is malformed, with every problem located."""
    display = str(path)
    try:
        text = Path(path).read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        message = (
            tr("cannot read the waivers file: it is not UTF-8 text")
            if isinstance(error, UnicodeDecodeError)
            else tr("cannot read the waivers file: {reason}", reason=os_problem(error))
        )
        raise WaiverError(message, span=Span(display, 1, 1)) from None
    source = SourceText(display, text)
    doc = parse_yaml(source)
    problems = [d for d in doc.diagnostics if d.severity is Severity.ERROR]
    if problems:
        raise WaiverError(diagnostics=problems)
    data = doc.data
    entries, prefix = (data.get("waivers"), "/waivers") if isinstance(data, dict) else (data, "")
    if isinstance(data, dict) and set(data) - {"waivers"}:
        extra = sorted(set(data) - {"waivers"})[0]
        raise WaiverError(
            diagnostics=[
                _waiver_problem(
                    source,
                    doc,
                    f"/{extra}",
                    tr("unknown key `{key}`", key=extra),
                    tr("the file holds `waivers:`"),
                )
            ]
        )
    if entries is None:
        return WaiverSet(display)
    if not isinstance(entries, list):
        raise WaiverError(
            diagnostics=[
                _waiver_problem(
                    source, doc, prefix, tr("the waivers file holds a list of waivers under `waivers:`")
                )
            ]
        )
    waivers: list[Waiver] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        pointer = f"{prefix}/{index}"
        try:
            waiver = _read_entry(source, doc, entry, pointer)
        except WaiverError as error:
            problems.extend(error.diagnostics)
            continue
        if waiver.id in seen:
            problems.append(
                _waiver_problem(
                    source,
                    doc,
                    f"{pointer}/id",
                    tr("waiver `{id}` is declared twice", id=waiver.id),
                    tr("the first is at line {line}; waiver ids are unique", line=seen[waiver.id]),
                )
            )
            continue
        seen[waiver.id] = waiver.span.line
        waivers.append(waiver)
    if problems:
        raise WaiverError(diagnostics=problems)
    return WaiverSet(display, tuple(waivers))


def _read_entry(source: SourceText, doc: ParsedDocument, entry: Any, pointer: str) -> Waiver:
    if not isinstance(entry, dict):
        raise WaiverError(
            diagnostics=[
                _waiver_problem(
                    source,
                    doc,
                    pointer,
                    tr(
                        "a waiver is a mapping of id, rule, manifests, owner, approver, reason, "
                        "created, expires"
                    ),
                )
            ]
        )
    from gba_dataflow.core.suggest import did_you_mean

    problems: list[Diagnostic] = []
    for key in entry:
        if key not in _KEYS:
            hint = did_you_mean(str(key), _KEYS) or tr("the keys are {keys}", keys=code_list(_KEYS))
            problems.append(
                _waiver_problem(
                    source, doc, f"{pointer}/{key}", tr("unknown key `{key}` in a waiver", key=key), hint
                )
            )
    for key in _REQUIRED:
        if key not in entry:
            problems.append(
                _waiver_problem(
                    source,
                    doc,
                    pointer,
                    tr("a waiver needs `{key}`", key=key),
                    tr("add `{key}: ...`", key=key),
                )
            )
    if problems:
        raise WaiverError(diagnostics=problems)

    def text(key: str, required: bool = True) -> str | None:
        value = entry.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            problems.append(
                _waiver_problem(
                    source,
                    doc,
                    f"{pointer}/{key}",
                    tr("`{key}` must be a non-empty text", key=key),
                    tr("write `{key}: ...`", key=key),
                )
            )
            return ""
        return value.strip()

    def day(key: str) -> dt.date:
        value = entry.get(key)
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            problems.append(
                _waiver_problem(
                    source,
                    doc,
                    f"{pointer}/{key}",
                    tr("`{key}` must be a date", key=key),
                    tr("write it YYYY-MM-DD, e.g. 2027-03-31"),
                )
            )
            return dt.date.min

    manifests = entry.get("manifests")
    if isinstance(manifests, str):
        manifests = [manifests]
    if (
        not isinstance(manifests, list)
        or not manifests
        or not all(isinstance(m, str) and m for m in manifests)
    ):
        problems.append(
            _waiver_problem(
                source,
                doc,
                f"{pointer}/manifests",
                tr("`manifests` must be a list of manifest ids, paths or globs"),
                tr('e.g. manifests: [crm-to-hk-service-centre, "analytics-*"]'),
            )
        )
        manifests = []
    waiver = Waiver(
        id=text("id") or "",
        rule=text("rule") or "",
        manifests=tuple(manifests),
        owner=text("owner") or "",
        approver=text("approver", required=False),
        reason=text("reason") or "",
        created=day("created"),
        expires=day("expires"),
        span=_span(source, doc, pointer),
    )
    if not problems and waiver.expires <= waiver.created:
        problems.append(
            _waiver_problem(
                source,
                doc,
                f"{pointer}/expires",
                tr("waiver `{id}` expires before it is created", id=waiver.id),
                tr("`expires` must be later than `created`"),
            )
        )
    if problems:
        raise WaiverError(diagnostics=problems)
    return waiver


def _span(source: SourceText, doc: ParsedDocument, pointer: str) -> Span:
    line, column = doc.key_position(pointer)
    return Span(source.path, line, column)


def _waiver_problem(
    source: SourceText, doc: ParsedDocument, pointer: str, message: str, hint: str | None = None
) -> Diagnostic:
    return source.diagnostic("E560", message, doc.key_position(pointer), json_path=pointer or None, hint=hint)


# ---- governance ---------------------------------------------------------------------------------------


def statutory_rulesets() -> frozenset[str]:
    """The ids of the rulesets shipped with gba-dataflow (rules/): the law, which no waiver may touch."""
    import re

    found: set[str] = set()
    for path in sorted(data_dir("rules").glob("*.rules")):
        match = re.search(
            r"^ruleset\s+([A-Za-z_][A-Za-z0-9_]*)", path.read_text(encoding="utf-8"), re.MULTILINE
        )
        if match:
            found.add(match.group(1))
    return frozenset(found)


def check_waivers(waivers: WaiverSet, rulebook: Rulebook, today: dt.date) -> list[Diagnostic]:
    """What is wrong with each waiver against the rules and `today`: E561 expired, E562 unapproved,
    E563 unknown rule, E564 a statutory or non-waivable rule; W565 expires within 30 days."""
    from gba_dataflow.core.suggest import did_you_mean

    statutory = statutory_rulesets()
    rule_ids = [rule.id for ruleset in rulebook.rulesets for rule in ruleset.rules]
    found: list[Diagnostic] = []
    for waiver in waivers.waivers:
        where = waiver.span
        rule = rulebook.rule(waiver.rule)
        if rule is None:
            hint = did_you_mean(waiver.rule, rule_ids) or tr(
                "name a rule as `ruleset/rule` (see `rules list`)"
            )
            found.append(
                Diagnostic(
                    "E563",
                    tr("waiver `{id}` names the unknown rule `{rule}`", id=waiver.id, rule=waiver.rule),
                    where,
                    hint,
                )
            )
        elif rule.ruleset.name in statutory:
            found.append(
                Diagnostic(
                    "E564",
                    tr(
                        "waiver `{id}` names `{rule}`, a rule of the shipped ruleset `{ruleset}`: "
                        "law cannot be waived",
                        id=waiver.id,
                        rule=waiver.rule,
                        ruleset=rule.ruleset.name,
                    ),
                    where,
                    tr(
                        "only an organisation's own rules marked `waivable` can be waived; "
                        "to change the law's reading, change the manifest or the facts"
                    ),
                )
            )
        elif not rule.node.waivable or rule.node.effect != "deny":
            found.append(
                Diagnostic(
                    "E564",
                    tr(
                        "waiver `{id}` names `{rule}`, which is not marked `waivable`",
                        id=waiver.id,
                        rule=waiver.rule,
                    ),
                    where,
                    tr(
                        "add `waivable` to the deny rule `{name}` if your organisation accepts "
                        "exceptions to it",
                        name=rule.node.name,
                    ),
                )
            )
        if not waiver.approver:
            found.append(
                Diagnostic(
                    "E562",
                    tr("waiver `{id}` has no approver", id=waiver.id),
                    where,
                    tr("add `approver:`, someone other than the owner"),
                )
            )
        elif waiver.approver.casefold() == waiver.owner.casefold():
            found.append(
                Diagnostic(
                    "E562",
                    tr(
                        "waiver `{id}` is approved by its own owner `{owner}`",
                        id=waiver.id,
                        owner=waiver.owner,
                    ),
                    where,
                    tr("a waiver needs a second person's approval"),
                )
            )
        if waiver.expires <= today:
            found.append(
                Diagnostic(
                    "E561",
                    tr("waiver `{id}` expired on {date}", id=waiver.id, date=waiver.expires.isoformat()),
                    where,
                    tr("renew it (a new `expires`, approved again) or delete it"),
                )
            )
    for waiver in waivers.expiring(today):
        days = (waiver.expires - today).days
        found.append(
            Diagnostic(
                "W565",
                (
                    tr(
                        "waiver `{id}` ({rule}) expires on {date}, in {days} day",
                        id=waiver.id,
                        rule=waiver.rule,
                        date=waiver.expires.isoformat(),
                        days=days,
                    )
                    if days == 1
                    else tr(
                        "waiver `{id}` ({rule}) expires on {date}, in {days} days",
                        id=waiver.id,
                        rule=waiver.rule,
                        date=waiver.expires.isoformat(),
                        days=days,
                    )
                ),
                waiver.span,
                tr("renew or retire it; owner {owner}", owner=waiver.owner),
                Severity.WARNING,
            )
        )
    return sorted(found, key=Diagnostic.sort_key)


def load_waivers(path: str | Path, rulebook: Rulebook, today: dt.date) -> tuple[WaiverSet, list[Diagnostic]]:
    """Read and check a waivers file: the waivers and the warnings (W565). Raises WaiverError for any
    error, malformed entries or waivers that may not stand (E560-E564)."""
    waivers = read_waivers(path)
    found = check_waivers(waivers, rulebook, today)
    errors = [d for d in found if d.severity is Severity.ERROR]
    if errors:
        raise WaiverError(diagnostics=errors)
    return waivers, found


# ---- applying -----------------------------------------------------------------------------------------


def amend_with_waivers(
    waivers: WaiverSet, lang: str, rulebook: Rulebook, manifest: ManifestInput, result: ManifestResult
) -> ManifestResult:
    """The result with the waivers applied (see the module's docstring); unchanged when none covers it.

    Used as the batch runner's `amend` through `functools.partial(amend_with_waivers, waivers, lang)`."""
    if result.decision is not Verdict.DENY or not waivers.waivers:
        return result
    by_reason = {reason.rule: _waiver_for(waivers, reason, result) for reason in result.reasons}
    if not any(by_reason.values()):
        return result
    marked = tuple(
        dataclasses.replace(reason, waived_by=waiver.id) if (waiver := by_reason[reason.rule]) else reason
        for reason in result.reasons
    )
    applied = tuple(sorted({w.id for w in by_reason.values() if w is not None}))
    partial = dataclasses.replace(result, reasons=marked, waivers=applied)
    if not all(by_reason.values()):
        return partial
    denied = {outcome.id for outcome in result.rulesets if outcome.decision == "deny"}
    rest = Rulebook(
        rulesets=tuple(r for r in rulebook.rulesets if r.id not in denied),
        info=rulebook.info,
        warnings=rulebook.warnings,
    )
    if not rest.rulesets:
        return partial
    other = evaluate_manifest(rest, manifest, as_of=result.as_of, lang=lang)
    if other.decision is not Verdict.ALLOW:
        return partial
    return dataclasses.replace(
        result,
        decision=Verdict.ALLOW,
        reasons=marked + other.reasons,
        obligations=other.obligations,
        remedies=(),
        waivers=applied,
    )


def _waiver_for(waivers: WaiverSet, reason: Reason, result: ManifestResult) -> Waiver | None:
    return next((w for w in waivers.waivers if w.rule == reason.rule and w.covers(result)), None)


def expiry_report(waivers: WaiverSet, today: dt.date, days: int = EXPIRY_NOTICE_DAYS) -> str:
    """The plain-text list of waivers that expire within `days`: id, rule, expiry, owner and approver."""
    soon = waivers.expiring(today, days)
    if not soon:
        return f"no waiver expires within {days} days\n"
    lines = [f"{len(soon)} {'waiver expires' if len(soon) == 1 else 'waivers expire'} within {days} days:"]
    lines += [
        f"  {w.expires.isoformat()}  {w.id}  {w.rule}  owner {w.owner}, approved by {w.approver}"
        for w in soon
    ]
    return "\n".join(lines) + "\n"
