"""Output of `rules list`: every rule with its id, effect, effective window and citations."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from gba_dataflow.core.source import display_width
from gba_dataflow.dsl import nodes
from gba_dataflow.reports.labels import label

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
        return self.window_in("en")

    def window_in(self, lang: str) -> str:
        """The effective window in `lang`: `from 2025-01-01`, `2025-01-01 – 2026-01-01` or `always`."""
        if self.effective_from and self.effective_until:
            return f"{self.effective_from} – {self.effective_until}"
        if self.effective_from:
            return label(lang, "from", date=self.effective_from)
        if self.effective_until:
            return label(lang, "until", date=self.effective_until)
        return label(lang, "list_always")


def rule_rows(rulesets: Sequence[nodes.Ruleset], lang: str = "en") -> list[RuleRow]:
    """The rules of every ruleset, in file and source order, their citations in `lang` (English where a
    citation has no translation)."""
    rows = []
    for ruleset in rulesets:
        for rule in ruleset.rules:
            rows.append(
                RuleRow(
                    id=f"{ruleset.name}/{rule.name}",
                    effect=rule.effect,
                    effective_from=rule.effective_from.isoformat() if rule.effective_from else None,
                    effective_until=rule.effective_until.isoformat() if rule.effective_until else None,
                    citations=rule.cites_in(lang),
                    source=f"{ruleset.path}:{rule.span.line}",
                )
            )
    return rows


def _heads(lang: str) -> tuple[str, ...]:
    """The column headings in a language other than English: rule, effect, window, citations."""
    return tuple(label(lang, key) for key in ("list_rule", "list_effect", "effective", "list_cites"))


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def render_list_text(rows: Sequence[RuleRow], *, width: int = 100, lang: str = "en") -> str:
    """One line per rule (id, effect, window), its citations indented below it, then a count; the headings,
    effects and windows in `lang` (the citations are in the language `rule_rows` was given)."""
    if lang == "en":
        return _render_list_text_en(rows, width)
    head_rule, head_effect, head_window = _heads(lang)[:3]
    effects = {row.effect: label(lang, f"effect_{row.effect}") for row in rows}
    id_width = max((display_width(row.id) for row in rows), default=0)
    id_width = max(id_width, display_width(head_rule))
    effect_width = max(display_width(text) for text in (head_effect, *effects.values()))
    window_width = max((display_width(row.window_in(lang)) for row in rows), default=0)
    window_width = max(window_width, display_width(head_window))
    lines = [
        f"{_pad(head_rule, id_width)}  {_pad(head_effect, effect_width)}  {head_window}",
        "-" * (id_width + effect_width + window_width + 4),
    ]
    for row in rows:
        line = f"{_pad(row.id, id_width)}  {_pad(effects[row.effect], effect_width)}  {row.window_in(lang)}"
        lines.append(line.rstrip())
        # Chinese has no spaces to break at: a citation too long for the line wraps by width
        lines.extend(_wrap_cjk(cite, width, "    ", "      ") for cite in row.citations)
    lines.append(label(lang, "list_count", count=len(rows)))
    return "\n".join(lines) + "\n"


def _wrap_cjk(text: str, width: int, first: str, rest: str) -> str:
    """`text` broken into lines of at most `width` display columns, wherever a column ends."""
    lines, current = [], first
    for char in text:
        if display_width(current + char) > width and current.strip():
            lines.append(current.rstrip())
            current = rest
        current += char
    lines.append(current.rstrip())
    return "\n".join(lines)


def _render_list_text_en(rows: Sequence[RuleRow], width: int) -> str:
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


def render_list_markdown(rows: Sequence[RuleRow], lang: str = "en") -> str:
    """A Markdown table, e.g. for docs/rules.md; its headings, effects and windows in `lang`."""
    heads = "| rule | effect | window | citations |" if lang == "en" else f"| {' | '.join(_heads(lang))} |"
    lines = [heads, "|---|---|---|---|"]
    for row in rows:
        citations = "<br>".join(_cell(cite) for cite in row.citations)
        effect = row.effect if lang == "en" else label(lang, f"effect_{row.effect}")
        lines.append(f"| `{_cell(row.id)}` | {effect} | {_cell(row.window_in(lang))} | {citations} |")
    return "\n".join(lines) + "\n"
