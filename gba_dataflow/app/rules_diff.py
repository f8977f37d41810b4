"""`rules diff OLD NEW --manifests ...`: what changes between two versions of the rules.

Rules are compared by AST equality (layout and comments do not count); a rule whose text is unchanged but
that uses a `let` that changed is reported as changed too. Every manifest is decided by both versions; a
decision that goes from deny to allow is a loosening.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from gba_dataflow.app.rule_tests import fired_rules
from gba_dataflow.core.errors import Diagnostic, ManifestError
from gba_dataflow.dsl import nodes
from gba_dataflow.engine.evaluate import ManifestInput, evaluate_manifest
from gba_dataflow.engine.model import RulesInfo, Verdict
from gba_dataflow.engine.rulebook import Rulebook, load_rulebook
from gba_dataflow.manifests import iter_manifest_files, load_manifest

_RULE_FIELDS = (
    ("effect", "effect"),
    ("condition", "condition"),
    ("because", "because"),
    ("cites", "cite"),
    ("cite_translations", "cite"),
    ("requires", "require"),
    ("remedy", "remedy"),
    ("mets", "met"),
)
_RULESET_FIELDS = (
    ("title", "title"),
    ("applies", "applies when"),
    ("default_because", "default because"),
    ("default_cites", "default cite"),
    ("default_cite_translations", "default cite"),
    ("default_remedy", "default remedy"),
)


@dataclass(frozen=True)
class RuleChange:
    """A rule (`ruleset/rule`) or a ruleset (`ruleset`) that was added, removed or changed."""

    id: str
    kind: str  # added | removed | changed
    scope: str  # rule | ruleset
    fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class DecisionChange:
    """A manifest whose decision differs, and the rules whose firing differs."""

    manifest: str
    id: str | None
    old: str
    new: str
    now_fire: tuple[str, ...]
    no_longer_fire: tuple[str, ...]

    @property
    def loosening(self) -> bool:
        return self.old == Verdict.DENY.value and self.new == Verdict.ALLOW.value


@dataclass(frozen=True)
class DiffRun:
    old: RulesInfo
    new: RulesInfo
    changes: tuple[RuleChange, ...]
    decisions: tuple[DecisionChange, ...]
    manifests: int
    errors: tuple[Diagnostic, ...] = ()

    @property
    def loosenings(self) -> list[DecisionChange]:
        return [change for change in self.decisions if change.loosening]


def diff_rules(
    old_dirs: Sequence[Path],
    new_dirs: Sequence[Path],
    manifests: Sequence[str],
    *,
    as_of: dt.date | None = None,
) -> DiffRun:
    """Load both rule versions (raising on rule errors) and compare them over the manifests.

    Manifests that cannot be loaded are reported in `errors` and skipped; inputs that do not exist raise.
    """
    old = load_rulebook(old_dirs)
    new = load_rulebook(new_dirs)
    files = iter_manifest_files(manifests)
    changes = rule_changes([r.node for r in old.rulesets], [r.node for r in new.rulesets])
    decisions: list[DecisionChange] = []
    errors: list[Diagnostic] = []
    for name in files:
        try:
            manifest = load_manifest(name)
        except ManifestError as error:
            errors.extend(error.diagnostics)
            continue
        change = _compare(old, new, manifest, as_of)
        if change is not None:
            decisions.append(change)
    return DiffRun(old.info, new.info, tuple(changes), tuple(decisions), len(files), tuple(errors))


def _compare(
    old: Rulebook, new: Rulebook, manifest: ManifestInput, as_of: dt.date | None
) -> DecisionChange | None:
    before = evaluate_manifest(old, manifest, as_of=as_of)
    after = evaluate_manifest(new, manifest, as_of=as_of)
    if before.decision is after.decision:
        return None
    fired_before = fired_rules(old, manifest, before, as_of=as_of)
    fired_after = fired_rules(new, manifest, after, as_of=as_of)
    return DecisionChange(
        manifest=after.manifest,
        id=after.id,
        old=before.decision.value,
        new=after.decision.value,
        now_fire=tuple(rule for rule in fired_after if rule not in fired_before),
        no_longer_fire=tuple(rule for rule in fired_before if rule not in fired_after),
    )


def rule_changes(old: Sequence[nodes.Ruleset], new: Sequence[nodes.Ruleset]) -> list[RuleChange]:
    """Rulesets and rules added, removed and changed, in the order of the new (then the old) rules."""
    old_sets = {ruleset.name: ruleset for ruleset in old}
    new_sets = {ruleset.name: ruleset for ruleset in new}
    out: list[RuleChange] = []
    for name, ruleset in new_sets.items():
        before = old_sets.get(name)
        if before is None:
            out.append(RuleChange(name, "added", "ruleset"))
            out.extend(RuleChange(f"{name}/{rule.name}", "added", "rule") for rule in ruleset.rules)
            continue
        out.extend(_ruleset_changes(before, ruleset))
    for name, ruleset in old_sets.items():
        if name not in new_sets:
            out.append(RuleChange(name, "removed", "ruleset"))
            out.extend(RuleChange(f"{name}/{rule.name}", "removed", "rule") for rule in ruleset.rules)
    return out


def _ruleset_changes(old: nodes.Ruleset, new: nodes.Ruleset) -> Iterable[RuleChange]:
    old_lets = {let.name: let.expr for let in old.lets}
    new_lets = {let.name: let.expr for let in new.lets}
    changed_lets = {
        name for name in old_lets.keys() | new_lets.keys() if old_lets.get(name) != new_lets.get(name)
    }
    fields = [
        label for attribute, label in _RULESET_FIELDS if getattr(old, attribute) != getattr(new, attribute)
    ]
    fields = list(dict.fromkeys(fields))  # `default cite`: its citations or their translations
    fields += [f"let {name}" for name in sorted(changed_lets)]
    if fields:
        yield RuleChange(new.name, "changed", "ruleset", tuple(fields))
    old_rules = {rule.name: rule for rule in old.rules}
    new_rules = {rule.name: rule for rule in new.rules}
    for name, rule in new_rules.items():
        rule_id = f"{new.name}/{name}"
        before = old_rules.get(name)
        if before is None:
            yield RuleChange(rule_id, "added", "rule")
            continue
        differ = [
            label
            for attribute, label in _RULE_FIELDS
            if getattr(before, attribute) != getattr(rule, attribute)
        ]
        differ = list(dict.fromkeys(differ))  # `cite`: its citations or their translations
        if (before.effective_from, before.effective_until) != (rule.effective_from, rule.effective_until):
            differ.append("window")
        used = _lets_used(rule, new_lets) & changed_lets
        differ += [f"uses changed let {let}" for let in sorted(used)]
        if differ:
            yield RuleChange(rule_id, "changed", "rule", tuple(differ))
    for name in old_rules:
        if name not in new_rules:
            yield RuleChange(f"{old.name}/{name}", "removed", "rule")


def _lets_used(rule: nodes.Rule, lets: Mapping[str, nodes.Expr]) -> set[str]:
    """The `let`s a rule's condition reads, directly or through other `let`s."""
    found: set[str] = set()
    pending = [rule.condition]
    while pending:
        for node in pending.pop().walk():
            if isinstance(node, nodes.Path) and node.parts[0] in lets and node.parts[0] not in found:
                found.add(node.parts[0])
                pending.append(lets[node.parts[0]])
    return found
