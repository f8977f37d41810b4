"""W423: an allow that rests on the schema's default for a decisive fact (design §3 point 10).

The schema marks with `"x-gba-decisive": true` the facts whose default can by itself let a transfer through
(`exporter.ciio: false`, `dataset.important_data: false`, ...). When a manifest is allowed, every decisive
fact that a ruleset which applied reads, and that the manifest does not state (no position in the file, no
derived or ledger provenance), is reported as W423, so that `--fail-on-warn` can refuse such an allow in CI.

It works from the decision and the rules that apply, not inside the evaluator: `decisive_default_warnings`
is called once an allow is explained (evaluate.py) and costs a few dictionary lookups per allowed manifest.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from typing import Any

from gba_dataflow.core.i18n import tr
from gba_dataflow.dsl import nodes
from gba_dataflow.engine.model import RulesetOutcome, Warning
from gba_dataflow.manifests.pointers import dotted
from gba_dataflow.manifests.schema import schema

DECISIVE = "x-gba-decisive"
CODE = "W423"


def fails_on_warn(warning: Warning) -> bool:
    """Whether `--fail-on-warn` refuses a result for this warning: a warn rule that held, or W423 (an allow
    resting on a decisive default). Other manifest warnings (W412, W413, W421, W422) inform only."""
    return bool(warning.rule) or warning.code == CODE


@functools.cache
def decisive_pointers() -> tuple[tuple[str, str, Any], ...]:
    """(JSON pointer, dotted path, default) of every fact the shipped schema marks decisive."""
    return tuple(_walk(schema(), ""))


def _walk(node: Mapping[str, Any], pointer: str) -> Iterator[tuple[str, str, Any]]:
    if node.get(DECISIVE) is True:
        yield pointer, dotted(pointer), node.get("default")
    for name, child in node.get("properties", {}).items():
        if isinstance(child, Mapping):
            yield from _walk(child, f"{pointer}/{name}")


_READ: dict[int, tuple[nodes.Ruleset, frozenset[str]]] = {}


def paths_read(ruleset: nodes.Ruleset) -> frozenset[str]:
    """The dotted manifest paths a ruleset's conditions (rules, `applies when`, lets) can read."""
    found = _READ.get(id(ruleset))
    if found is not None and found[0] is ruleset:
        return found[1]
    exprs: list[nodes.Expr] = [let.expr for let in ruleset.lets]
    exprs += [rule.condition for rule in ruleset.rules]
    if ruleset.applies is not None:
        exprs.append(ruleset.applies)
    paths = frozenset(
        expr.dotted
        for root in exprs
        for expr in root.walk()
        if isinstance(expr, nodes.Path) and len(expr.parts) > 1
    )
    if len(_READ) > 64:
        _READ.clear()
    _READ[id(ruleset)] = (ruleset, paths)
    return paths


def decisive_default_warnings(
    applied: Mapping[str, nodes.Ruleset],
    outcomes: tuple[RulesetOutcome, ...],
    positions: Mapping[str, Any],
    provenance: Mapping[str, Any],
) -> list[Warning]:
    """W423 (one warning naming every such fact) for the decisive facts an applied ruleset reads whose
    value is the schema's default.

    `applied` maps the ids of the rulesets to their nodes; `outcomes` says which applied; `positions`
    and `provenance` are the loaded manifest's (a value with neither is the schema's default)."""
    read: set[str] = set()
    for outcome in outcomes:
        ruleset = applied.get(outcome.id)
        if outcome.applies and ruleset is not None:
            read |= paths_read(ruleset)
    defaulted = [
        (pointer, path, default)
        for pointer, path, default in decisive_pointers()
        if path in read and pointer not in positions and pointer not in provenance
    ]
    if not defaulted:
        return []
    facts = ", ".join(f"`{path}` = {_value(default)}" for _, path, default in defaulted)
    message = (
        tr(
            "the allow rests on the schema's default for {facts}: the manifest does not state it; state each "
            "so that the decision rests on facts",
            facts=facts,
        )
        if len(defaulted) == 1
        else tr(
            "the allow rests on the schema's default for {facts}: the manifest does not state them; state "
            "each so that the decision rests on facts",
            facts=facts,
        )
    )
    return [Warning(message=message, code=CODE, json_path=defaulted[0][0])]


def _value(value: Any) -> str:
    if value is True or value is False:
        return "true" if value else "false"
    return "null" if value is None else str(value)
