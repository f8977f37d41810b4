"""`explain` as text: the evaluation trace as a tree (rich), verdict first.

By default it shows what decided and why (`TraceView`): the rulesets that apply, the rules that fired, for a
default deny the allow rules closest to holding, each condition two levels deep; `--full` shows every
ruleset, rule and sub-condition, `--depth N` N levels, `--rule ID` one rule.

Marks: ✔ true / holds, ✘ false / does not hold, ! an evaluation error, · not evaluated or inactive.
A sub-condition the evaluator never reached (after the operand that decided an `and`/`or`) is dimmed and
reads "(not evaluated)": it is not an error.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.text import Text
from rich.tree import Tree

from gba_dataflow.engine.model import Fact, Verdict
from gba_dataflow.engine.trace import ExplainTrace, NodeTrace, RulesetTrace, RuleTrace
from gba_dataflow.reports.common import fact_origin, format_value, printable, summary_line
from gba_dataflow.reports.labels import LABELS, label
from gba_dataflow.reports.text_layout import tidy

_VERDICT_STYLES = {Verdict.ALLOW: "bold green", Verdict.DENY: "bold red", Verdict.ERROR: "bold yellow"}
_EFFECT_STYLES = {"deny": "red", "allow": "green", "warn": "yellow"}


@dataclass(frozen=True, slots=True)
class TraceView:
    """What `explain` shows. By default what decided and why: the rulesets that apply (the others on one
    line), the rules that fired or failed, for a default deny the closest allow rules, each condition
    `depth` levels deep (2: the condition and its parts). `full`: every ruleset, rule and sub-condition
    (`depth` None: all levels)."""

    full: bool = False
    depth: int | None = None
    lang: str = "en"

    @property
    def levels(self) -> int | None:
        """How many levels of a condition tree are shown (None: all)."""
        if self.depth is not None:
            return self.depth
        return None if self.full else DEFAULT_DEPTH


DEFAULT_DEPTH = 2
"""Levels of a condition shown by default: the rule's condition and its parts."""


def render_trace_text(
    trace: ExplainTrace, *, color: bool = False, width: int = 100, view: TraceView | None = None
) -> str:
    """Render the trace of one manifest as a tree: what decided by default, everything with `view.full`."""
    view = view or TraceView()
    lang = view.lang
    console = recording_console(color, width)
    result = trace.result
    head = Text.assemble(
        (label(lang, result.decision.value), _VERDICT_STYLES[result.decision]),
        "  ",
        (printable(trace.manifest), "bold"),
    )
    if result.id:
        head.append("  " + label(lang, "id", id=printable(result.id)), style="dim")
    head.append("  " + label(lang, "as_of", date=trace.as_of.isoformat()))
    if trace.rule_filter:
        head.append("  " + label(lang, "rule_filter", rule=trace.rule_filter), style="dim")
    tree = Tree(head, guide_style="dim")
    shown = _shown_rulesets(trace, view)
    for ruleset in shown:
        _ruleset(tree.add(_ruleset_label(ruleset, lang)), ruleset, trace, view)
    hidden = [ruleset.id for ruleset in trace.rulesets if ruleset not in shown]
    if hidden:
        key = "hidden_ruleset" if len(hidden) == 1 else "hidden_rulesets"
        tree.add(Text(label(lang, key, count=len(hidden), ids=", ".join(hidden)), style="dim"))
    if not trace.rulesets:
        tree.add(Text(label(lang, "no_ruleset"), style="dim"))
    console.print(tree)
    counts = {verdict.value: int(result.decision is verdict) for verdict in Verdict}
    if trace.rule_filter is None:
        console.print()
        warned = int(any(warning.rule for warning in result.warnings))
        console.print(Text(summary_line(counts, warned, lang), style="bold"))
    return tidy(console.export_text(styles=color))


def _shown_rulesets(trace: ExplainTrace, view: TraceView) -> list[RulesetTrace]:
    """Every ruleset with `--full` or `--rule`; else those that apply (all of them when none does)."""
    if view.full or trace.rule_filter is not None:
        return list(trace.rulesets)
    applying = [ruleset for ruleset in trace.rulesets if ruleset.applies]
    return applying or list(trace.rulesets)


def recording_console(color: bool, width: int | None) -> Console:
    """A console that lays a document out off-screen for `export_text` (whatever the terminal says:
    colour only when asked, never markup, emoji or highlighting in user text)."""
    return Console(
        file=io.StringIO(),
        record=True,
        width=width,
        color_system="truecolor" if color else None,
        force_terminal=color,
        force_jupyter=False,
        force_interactive=False,
        legacy_windows=False,
        markup=False,
        emoji=False,
        highlight=False,
    )


def _mark(value: Any, error: str | None = None, skipped: bool = False) -> tuple[str, str]:
    if skipped:
        return "·", "dim"
    if error is not None:
        return "!", "yellow"
    if value is True:
        return "✔", "green"
    if value is False:
        return "✘", "red"
    return "=", "cyan"


def _ruleset_label(ruleset: RulesetTrace, lang: str) -> Text:
    mark = ("✔", "green") if ruleset.applies else ("·", "dim")
    label_text = Text.assemble(mark, " ", label(lang, "ruleset"), " ", (ruleset.id, "bold"))
    if ruleset.applies:
        decision = label(lang, f"effect_{ruleset.decision}") if ruleset.decision else "?"
        label_text.append(" " + label(lang, "applies", decision=decision))
    else:
        label_text.append(" " + label(lang, "does_not_apply"))
    label_text.append(f"  ({ruleset.source})", style="dim")
    return label_text


def _ruleset(branch: Tree, ruleset: RulesetTrace, trace: ExplainTrace, view: TraceView) -> None:
    lang = view.lang
    levels = view.levels
    if ruleset.applies_condition is not None:
        condition_levels = levels if view.full or trace.rule_filter else 1
        _node(branch, ruleset.applies_condition, lang, condition_levels, label(lang, "applies_when"))
    else:
        branch.add(Text(label(lang, "applies_always"), style="dim"))
    shown = _shown_rules(ruleset, trace, view)
    closest = _closest(ruleset, trace, view)
    for rule in shown:
        _rule(branch, rule, lang, levels)
    if ruleset.decision == "deny" and not any(
        rule.outcome in ("fires", "error") and rule.effect == "deny" for rule in ruleset.rules
    ):
        branch.add(Text("✘ " + label(lang, "default_deny", id=f"{ruleset.id}/default"), style="red"))
    if closest:
        group = branch.add(Text(label(lang, "closest_allows"), style="bold"))
        for rule in closest:
            _rule(group, rule, lang, levels)
    hidden = len(ruleset.rules) - len(shown) - len(closest)
    if hidden and ruleset.applies:
        key = "hidden_rule" if hidden == 1 else "hidden_rules"
        branch.add(Text(label(lang, key, count=hidden), style="dim"))


def _shown_rules(ruleset: RulesetTrace, trace: ExplainTrace, view: TraceView) -> list[RuleTrace]:
    """Every rule with `--full` or `--rule`; else the rules that fired or could not be evaluated."""
    if view.full or trace.rule_filter is not None:
        return list(ruleset.rules)
    return [rule for rule in ruleset.rules if rule.outcome in ("fires", "error")]


def _closest(ruleset: RulesetTrace, trace: ExplainTrace, view: TraceView) -> list[RuleTrace]:
    """For a ruleset that denied by default, the allow rules closest to holding (those the remedies of
    the result name), unless every rule is shown anyway."""
    if view.full or trace.rule_filter is not None or ruleset.decision != "deny":
        return []
    if any(rule.outcome == "fires" and rule.effect == "deny" for rule in ruleset.rules):
        return []
    named = {remedy.rule for remedy in trace.result.remedies if remedy.kind == "closest_allow"}
    return [rule for rule in ruleset.rules if rule.id in named and rule.outcome != "fires"]


def _rule(branch: Tree, rule: RuleTrace, lang: str, levels: int | None) -> None:
    rule_branch = branch.add(_rule_label(rule, lang))
    if rule.message:
        rule_branch.add(Text(f"“{printable(rule.message)}”", style="italic"))
    for text in rule.met:  # obligations the rule finds already met
        rule_branch.add(Text("✔ " + label(lang, "met_item", text=printable(text)), style="green"))
    for cite in rule.citations:
        # `依据《…》`: a Chinese citation follows its label without a space, so it wraps inside, not before it
        gap = "" if cite[:1] > "\u2e7f" else " "
        rule_branch.add(Text(f"{label(lang, 'cite')}{gap}{printable(cite)}", style="dim"))
    if rule.error:
        rule_branch.add(Text(f"! {printable(rule.error)}", style="yellow"))
    if rule.condition is not None:
        _node(rule_branch, rule.condition, lang, levels)


def _rule_label(rule: RuleTrace, lang: str) -> Text:
    if rule.outcome == "fires":
        mark: tuple[str, str] = ("✔", "green")
    elif rule.outcome == "error":
        mark = ("!", "yellow")
    elif rule.outcome == "does not hold":
        mark = ("✘", "red")
    else:
        mark = ("·", "dim")
    effect = label(lang, f"effect_{rule.effect}") if f"effect_{rule.effect}" in LABELS["en"] else rule.effect
    label_text = Text.assemble(
        mark, " ", (effect, _EFFECT_STYLES.get(rule.effect, "")), " ", (rule.id, "bold")
    )
    if rule.outcome == "inactive":
        outcome = label(lang, "inactive", window=_window(rule, lang))
        if rule.holds:
            outcome += label(lang, "would_hold")
    elif rule.outcome == "not evaluated":
        outcome = label(lang, "not_evaluated_ruleset")
    elif rule.outcome == "error":
        outcome = label(lang, "error_holds" if rule.holds else "error_not_holds")
    else:
        outcome = label(lang, rule.outcome)
    label_text.append(f": {outcome}")
    label_text.append(f"  ({rule.source})", style="dim")
    return label_text


def _window(rule: RuleTrace, lang: str) -> str:
    parts = []
    if rule.effective_from:
        parts.append(label(lang, "from", date=rule.effective_from.isoformat()))
    if rule.effective_until:
        parts.append(label(lang, "until", date=rule.effective_until.isoformat()))
    return label(lang, "effective") + " " + " ".join(parts)


def _node(branch: Tree, node: NodeTrace, lang: str, levels: int | None, prefix: str = "") -> None:
    label_text = Text.assemble(_mark(node.value, node.error, node.skipped), " ", prefix)
    label_text.append(printable(node.text), style="dim" if node.skipped else "")
    if node.value is not None and not isinstance(node.value, bool) and node.error is None:
        label_text.append(f" = {format_value(node.value)}", style="cyan")
    if node.skipped:
        label_text.append("  " + label(lang, "not_evaluated_mark"), style="dim")
    if node.note:
        label_text.append(f"  [{printable(_note(node.note, lang))}]", style="dim")
    deeper = levels is not None and levels <= 1 and node.kind != "let"
    if deeper and node.children:
        label_text.append("  " + label(lang, "deeper", count=_count(node.children)), style="dim")
    child = branch.add(label_text)
    if node.error:
        child.add(Text(f"! {printable(node.error)}", style="yellow"))
    for text, value in node.operands:
        child.add(Text(f"{printable(text)} = {format_value(value)}", style="cyan"))
    for fact in node.facts:
        child.add(Text(printable(_fact(fact, lang)), style="dim"))
    if deeper:
        return
    inner = levels if levels is None or node.kind == "let" else levels - 1  # a let's definition: same level
    for sub in node.children:
        _node(child, sub, lang, inner)


def _count(children: tuple[NodeTrace, ...]) -> int:
    return sum(1 + _count(child.children) for child in children)


_NOTE_PATTERNS = (
    (re.compile(r"^let (?P<name>\S+)$"), "note_let"),
    (re.compile(r"^no element matched \((?P<count>\d+) elements?\)$"), "note_none_matched"),
    (re.compile(r"^every element matched \((?P<count>\d+) elements?\)$"), "note_all_matched"),
    (re.compile(r"^(?P<var>\S+) = (?P<name>.+): matched$"), "note_matched"),
    (re.compile(r"^(?P<var>\S+) = (?P<name>.+): failed$"), "note_failed"),
)


def _note(note: str, lang: str) -> str:
    """A trace note (`let x`, which element decided a quantifier) in `lang`."""
    if lang == "en":
        return note
    for pattern, key in _NOTE_PATTERNS:
        match = pattern.match(note)
        if match is not None:
            return label(lang, key, **match.groupdict())
    return note


def _fact(fact: Fact, lang: str = "en") -> str:
    """`path = value (line N)`: every fact comes from the one manifest named at the top."""
    if fact.provenance != "stated":
        where = "  " + fact_origin(fact, lang).strip()
    elif fact.line is not None:
        where = "  " + label(lang, "fact_line", line=fact.line)
    else:
        where = "  " + label(lang, "fact_not_in_file")
    return f"{fact.path} = {format_value(fact.value)}{where}"
