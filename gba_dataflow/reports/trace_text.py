"""`explain` as text: the evaluation trace as a tree (rich), verdict first.

Marks: ✔ true / holds, ✘ false / does not hold, ! an evaluation error, · not evaluated or inactive.
A sub-condition the engine skips (after the operand that decided an `and`/`or`) is dimmed, `(skipped)`.
"""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console
from rich.text import Text
from rich.tree import Tree

from gba_dataflow.engine.model import Fact, Verdict
from gba_dataflow.engine.trace import ExplainTrace, NodeTrace, RulesetTrace, RuleTrace
from gba_dataflow.reports.common import VERDICT_LABELS, format_value, printable, summary_line
from gba_dataflow.reports.text_layout import tidy

_VERDICT_STYLES = {Verdict.ALLOW: "bold green", Verdict.DENY: "bold red", Verdict.ERROR: "bold yellow"}
_EFFECT_STYLES = {"deny": "red", "allow": "green", "warn": "yellow"}


def render_trace_text(trace: ExplainTrace, *, color: bool = False, width: int = 100) -> str:
    """Render the trace of one manifest as a tree."""
    console = recording_console(color, width)
    result = trace.result
    head = Text.assemble(
        (VERDICT_LABELS[result.decision], _VERDICT_STYLES[result.decision]),
        "  ",
        (printable(trace.manifest), "bold"),
    )
    if result.id:
        head.append(f"  (id: {printable(result.id)})", style="dim")
    head.append(f"  as of {trace.as_of.isoformat()}")
    if trace.rule_filter:
        head.append(f"  rule {trace.rule_filter}", style="dim")
    tree = Tree(head, guide_style="dim")
    for ruleset in trace.rulesets:
        _ruleset(tree.add(_ruleset_label(ruleset)), ruleset)
    if not trace.rulesets:
        tree.add(Text("no ruleset", style="dim"))
    console.print(tree)
    counts = {verdict.value: int(result.decision is verdict) for verdict in Verdict}
    if trace.rule_filter is None:
        console.print()
        console.print(Text(summary_line(counts), style="bold"))
    return tidy(console.export_text(styles=color))


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


def _ruleset_label(ruleset: RulesetTrace) -> Text:
    mark = ("✔", "green") if ruleset.applies else ("·", "dim")
    label = Text.assemble(mark, " ruleset ", (ruleset.id, "bold"))
    if ruleset.applies:
        label.append(f" applies → {ruleset.decision or '?'}")
    else:
        label.append(" does not apply")
    label.append(f"  ({ruleset.source})", style="dim")
    return label


def _ruleset(branch: Tree, ruleset: RulesetTrace) -> None:
    if ruleset.applies_condition is not None:
        _node(branch, ruleset.applies_condition, "applies when ")
    else:
        branch.add(Text("✔ applies to every transfer (no `applies when`)", style="dim"))
    for rule in ruleset.rules:
        rule_branch = branch.add(_rule_label(rule))
        if rule.message:
            rule_branch.add(Text(f"“{printable(rule.message)}”", style="italic"))
        if rule.error:
            rule_branch.add(Text(f"! {printable(rule.error)}", style="yellow"))
        if rule.condition is not None:
            _node(rule_branch, rule.condition)


def _rule_label(rule: RuleTrace) -> Text:
    if rule.outcome == "fires":
        mark: tuple[str, str] = ("✔", "green")
    elif rule.outcome == "error":
        mark = ("!", "yellow")
    elif rule.outcome == "does not hold":
        mark = ("✘", "red")
    else:
        mark = ("·", "dim")
    label = Text.assemble(
        mark, " ", (rule.effect, _EFFECT_STYLES.get(rule.effect, "")), " ", (rule.id, "bold")
    )
    outcome = rule.outcome
    if rule.outcome == "inactive":
        window = _window(rule)
        outcome = f"inactive on this date ({window})" + (", would hold" if rule.holds else "")
    elif rule.outcome == "not evaluated":
        outcome = "not evaluated: the ruleset does not apply"
    elif rule.outcome == "error":
        outcome = "error: counts as holding (fail closed)" if rule.holds else "error: counts as not holding"
    label.append(f": {outcome}")
    label.append(f"  ({rule.source})", style="dim")
    return label


def _window(rule: RuleTrace) -> str:
    parts = []
    if rule.effective_from:
        parts.append(f"from {rule.effective_from.isoformat()}")
    if rule.effective_until:
        parts.append(f"until {rule.effective_until.isoformat()}")
    return "effective " + " ".join(parts)


def _node(branch: Tree, node: NodeTrace, prefix: str = "") -> None:
    label = Text.assemble(_mark(node.value, node.error, node.skipped), " ", prefix)
    label.append(printable(node.text), style="dim" if node.skipped else "")
    if node.value is not None and not isinstance(node.value, bool) and node.error is None:
        label.append(f" = {format_value(node.value)}", style="cyan")
    if node.skipped:
        label.append("  (skipped)", style="dim")
    if node.note:
        label.append(f"  [{printable(node.note)}]", style="dim")
    child = branch.add(label)
    if node.error:
        child.add(Text(f"! {printable(node.error)}", style="yellow"))
    for text, value in node.operands:
        child.add(Text(f"{printable(text)} = {format_value(value)}", style="cyan"))
    for fact in node.facts:
        child.add(Text(printable(_fact(fact)), style="dim"))
    for sub in node.children:
        _node(child, sub)


def _fact(fact: Fact) -> str:
    """`path = value (line N)`: every fact comes from the one manifest named at the top."""
    where = f"  (line {fact.line})" if fact.line is not None else "  (not in the file)"
    return f"{fact.path} = {format_value(fact.value)}{where}"
