"""Generate and link the Python module of a ruleset's fast path.

Each rule's condition becomes one Python function `(root, as_of, cache) -> bool`, compiled once per
ruleset, and `run_all` evaluates every rule in one call. The fast path records no facts and never
decides an error case: if a function raises or returns anything but a bool, the caller falls back to
the closure path (`compiler.py`), which raises the precise `EvalError` and applies the fail-closed
semantics. So the fast path only ever has to be right when it returns True or False, and it is,
because both paths share one semantics.

The generated source never contains user text: names are prefixed identifiers checked by the grammar
(`[A-Za-z_][A-Za-z0-9_]*`), dictionary keys are `repr()` of identifier strings, and every other
literal (strings, dates, sets) is passed in through a constants table.
"""

from __future__ import annotations

import datetime as dt
import marshal
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gba_dataflow.dsl import nodes
from gba_dataflow.engine.exprgen import HELPERS, ExprGenerator, FastFn

__all__ = ["AllowParts", "FastFn", "FastPath", "GeneratedCode", "RunAll", "generate_code", "link"]


RunAll = Callable[
    [Mapping[str, Any], dt.date, dict[str, Any]], tuple[list[Any], list[Any], list[Any], list[int]]
]
_HELD = {"deny": "denies", "allow": "allows", "warn": "warns"}
"""The list of `run_all` that a rule that holds goes to, by its effect."""
AllowParts = Callable[
    [Mapping[str, Any], dt.date, dict[str, Any], int],
    tuple[list[tuple[int, int, tuple[bool, ...]]], list[tuple[int, tuple[bool | None, ...]]]],
]


@dataclass(frozen=True)
class GeneratedCode:
    """A ruleset's fast path, compiled but not yet linked: picklable, so the rules cache keeps it."""

    code: bytes
    """`marshal` of the module's code object (the cache key includes the Python version)."""
    constants: tuple[Any, ...]
    rule_count: int
    has_applies: bool


@dataclass(frozen=True)
class FastPath:
    """The linked functions of a ruleset's generated module."""

    applies: FastFn | None
    rules: list[FastFn]
    run_all: RunAll
    allow_parts: AllowParts
    """For each allow rule active on the day, the value of each part of its condition (see `conjuncts`)."""
    namespace: dict[str, Any]

    def bind(self, rules: Sequence[Any], active: Callable[[dt.date], tuple[bool, ...]]) -> None:
        """Give the generated code the objects that stand for the rules (`_r<i>`), which `run_all` returns,
        and `_active(as_of)`: which rules are active on a day (by `nodes.Rule.active_on`)."""
        self.namespace.update({f"_r{index}": rule for index, rule in enumerate(rules)})
        self.namespace["_active"] = active


def generate_code(ruleset: nodes.Ruleset) -> GeneratedCode:
    """Write and compile the fast-path module of a ruleset.

    It defines `applies`, `rule_<i>` for each rule's condition, `run_all(root, as_of, cache)` (every rule
    active on `as_of` in one call: the rules that held, as objects `_r<i>` that `FastPath.bind` gives it,
    in three lists by effect (deny, allow, warn), and the indexes of the rules it could not decide).
    `allow_parts` evaluates each part of the condition of every allow rule in one call: it ranks the
    allow rules nearest to holding when a default deny is explained.
    """
    lets = {let.name: let for let in ruleset.lets}
    constants: list[Any] = []
    gen = ExprGenerator(lets, constants)
    lines: list[str] = []
    if ruleset.applies is not None:
        lines.extend(_function("applies(root, as_of, cache)", gen.expr(ruleset.applies, frozenset()), gen))
    conditions = [gen.expr(rule.condition, frozenset()) for rule in ruleset.rules]
    for index, code in enumerate(conditions):
        lines.extend(_function(f"rule_{index}(root, as_of, cache)", code, gen))
    lines.append("def run_all(root, as_of, cache):")
    lines.append("    denies, allows, warns, undecided = [], [], [], []")
    lines.append("    active = _active(as_of)")
    lines.append(f"    {gen.let_locals_line()}")
    for index, (rule, code) in enumerate(zip(ruleset.rules, conditions, strict=True)):
        indent = "    "
        if _has_window(rule):
            lines.append(f"    if active[{index}]:")
            indent = "        "
        lines.append(f"{indent}try:")
        lines.append(f"{indent}    value = {code}")
        lines.append(f"{indent}except Exception:")
        lines.append(f"{indent}    undecided.append({index})")
        lines.append(f"{indent}else:")
        lines.append(f"{indent}    if value is True:")
        lines.append(f"{indent}        {_HELD[rule.effect]}.append(_r{index})")
        lines.append(f"{indent}    elif value is not False:")
        lines.append(f"{indent}        undecided.append({index})")
    lines.extend(gen.let_store_lines("    "))
    lines.append("    return denies, allows, warns, undecided")
    lines.extend(_allow_parts_lines(ruleset, conditions, gen))
    compiled = compile("\n".join(lines) + "\n", f"<gba-dataflow fast path: {ruleset.name}>", "exec")
    return GeneratedCode(
        marshal.dumps(compiled),
        tuple(constants),
        len(ruleset.rules),
        ruleset.applies is not None,
    )


def _allow_parts_lines(ruleset: nodes.Ruleset, conditions: list[str], gen: ExprGenerator) -> list[str]:
    """`allow_parts(root, as_of, cache)`: the value of each part of the condition of each allow rule
    active on `as_of` (True, False, or None where the closure path must tell), as `(scored, unsure)`:
    `(failing, index, values)` for each rule whose parts it could all tell, with one or more False (the
    order of closeness, when sorted), and `(index, values)` for each rule with a None.

    With `enough` > 0, it stops at the `enough`th rule with exactly one part False: no rule after it can
    be among the `enough` closest (the sort is by failing parts, then rule order, and a rule that did not
    hold fails one part at least)."""
    lines = [
        "def allow_parts(root, as_of, cache, enough=0):",
        "    scored, unsure = [], []",
        "    ones = 0",
        "    active = _active(as_of)",
        f"    {gen.let_locals_line()}",
    ]
    for index, rule in enumerate(ruleset.rules):
        if rule.effect != "allow":
            continue
        indent = "    "
        if _has_window(rule):
            lines.append(f"    if active[{index}]:")
            indent = "        "
        names = []
        lines.append(f"{indent}failing = unknown = 0")
        parts = nodes.conjuncts(rule.condition)
        codes = [conditions[index]] if len(parts) == 1 else [gen.expr(part, frozenset()) for part in parts]
        for part, code in enumerate(codes):
            name = f"_p{part}"
            names.append(name)
            lines.append(f"{indent}try:")
            lines.append(f"{indent}    {name} = {code}")
            lines.append(f"{indent}except Exception:")
            lines.append(f"{indent}    {name} = None")
            lines.append(f"{indent}if {name} is False:")
            lines.append(f"{indent}    failing += 1")
            lines.append(f"{indent}elif {name} is not True:")
            lines.append(f"{indent}    {name} = None")
            lines.append(f"{indent}    unknown += 1")
        values = "".join(name + ", " for name in names)
        lines.append(f"{indent}if unknown:")
        lines.append(f"{indent}    unsure.append(({index}, ({values})))")
        lines.append(f"{indent}elif failing:")
        lines.append(f"{indent}    scored.append((failing, {index}, ({values})))")
        lines.append(f"{indent}    if failing == 1:")
        lines.append(f"{indent}        ones += 1")
        lines.append(f"{indent}        if ones == enough:")
        lines.extend(gen.let_store_lines(indent + "            "))
        lines.append(f"{indent}            return scored, unsure")
    lines.extend(gen.let_store_lines("    "))
    lines.append("    return scored, unsure")
    return lines


def _function(signature: str, code: str, gen: ExprGenerator) -> list[str]:
    """A generated function returning one expression's value, reading lets as every function does."""
    return [
        f"def {signature}:",
        f"    {gen.let_locals_line()}",
        f"    value = {code}",
        *gen.let_store_lines("    "),
        "    return value",
    ]


def _has_window(rule: nodes.Rule) -> bool:
    """Whether the rule is active on some days only (its activity is `nodes.Rule.active_on`'s, given to the
    generated code as `_active(as_of)`)."""
    return rule.effective_from is not None or rule.effective_until is not None


def link(generated: GeneratedCode) -> FastPath:
    """Run a generated module and return its functions."""
    namespace: dict[str, Any] = dict(HELPERS)
    namespace["_k"] = generated.constants
    exec(marshal.loads(generated.code), namespace)
    rules = [namespace[f"rule_{index}"] for index in range(generated.rule_count)]
    return FastPath(
        applies=namespace["applies"] if generated.has_applies else None,
        rules=rules,
        run_all=namespace["run_all"],
        allow_parts=namespace["allow_parts"],
        namespace=namespace,
    )
