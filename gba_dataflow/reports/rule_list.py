"""Output of `rules list`: every rule with its id, effect, effective window and citations."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from gba_dataflow.dsl import nodes

FORMAT_VERSION = 1


@dataclass(frozen=True)
class RuleRow:
    """One rule as `rules list` shows it."""

    id: str
    effect: str
    effective_from: str | None
    effective_until: str | None
    citations: tuple[str, ...]
    source: str

    @property
    def window(self) -> str:
        if self.effective_from and self.effective_until:
            return f"{self.effective_from} – {self.effective_until}"
        if self.effective_from:
            return f"from {self.effective_from}"
        if self.effective_until:
            return f"until {self.effective_until}"
        return "always"


def rule_rows(rulesets: Sequence[nodes.Ruleset]) -> list[RuleRow]:
    """The rules of every ruleset, in file and source order."""
    rows = []
    for ruleset in rulesets:
        for rule in ruleset.rules:
            rows.append(
                RuleRow(
                    id=f"{ruleset.name}/{rule.name}",
                    effect=rule.effect,
                    effective_from=rule.effective_from.isoformat() if rule.effective_from else None,
                    effective_until=rule.effective_until.isoformat() if rule.effective_until else None,
                    citations=rule.cites,
                    source=f"{ruleset.path}:{rule.span.line}",
                )
            )
    return rows


def render_list_text(rows: Sequence[RuleRow], *, width: int = 100) -> str:
    """One line per rule (id, effect, window), its citations indented below it, then a count."""
    id_width = max((len(row.id) for row in rows), default=4)
    window_width = max((len(row.window) for row in rows), default=6)
    lines = [
        f"{'rule':<{id_width}}  effect  window",
        "-" * (id_width + window_width + 10),
    ]
    for row in rows:
        lines.append(f"{row.id:<{id_width}}  {row.effect:<6}  {row.window}".rstrip())
        for cite in row.citations:
            lines.extend(
                textwrap.wrap(cite, width, initial_indent="    ", subsequent_indent="      ") or ["    "]
            )
    lines.append(f"{len(rows)} {'rule' if len(rows) == 1 else 'rules'}")
    return "\n".join(lines) + "\n"


def render_list_json(rows: Sequence[RuleRow]) -> str:
    """The rules as JSON: `{"version", "rules": [{"id", "effect", "effective_from", "effective_until",
    "citations", "source"}]}`."""
    document = {
        "version": FORMAT_VERSION,
        "rules": [
            {
                "id": row.id,
                "effect": row.effect,
                "effective_from": row.effective_from,
                "effective_until": row.effective_until,
                "citations": list(row.citations),
                "source": row.source,
            }
            for row in rows
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def render_list_markdown(rows: Sequence[RuleRow]) -> str:
    """A Markdown table, e.g. for docs/rules.md."""
    lines = ["| rule | effect | window | citations |", "|---|---|---|---|"]
    for row in rows:
        citations = "<br>".join(_cell(cite) for cite in row.citations)
        lines.append(f"| `{_cell(row.id)}` | {row.effect} | {_cell(row.window)} | {citations} |")
    return "\n".join(lines) + "\n"
