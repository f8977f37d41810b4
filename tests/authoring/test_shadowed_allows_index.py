"""W212 compares only the denies that may shadow an allow, and finds just what comparing all pairs finds."""

from __future__ import annotations

import random
from collections.abc import Iterator

from hypothesis import given, settings
from hypothesis import strategies as st

from gba_dataflow.core.errors import Diagnostic, Severity
from gba_dataflow.dsl import nodes
from gba_dataflow.dsl.check_context import CheckContext
from gba_dataflow.dsl.checks_advanced import (
    _TRUE,
    _window_overlap,
    _window_text,
    check_shadowed_allows,
    conjuncts,
)
from gba_dataflow.dsl.parser import parse_text
from gba_dataflow.engine.rulebook import manifest_catalog

CONJUNCTS = [
    "dataset.core_data",
    "not dataset.core_data",
    "dataset.important_data",
    "exporter.ciio",
    "dataset.subjects > 1_000",
    "dataset.subjects > 1000",  # the same conjunct as the one before, written otherwise
    "dataset.subjects <= 50",
    'recipient.region == "HK"',
    'recipient.region != "HK"',
    'transfer.exemption == "contract"',
    "transfer.date >= 2024-03-22",
    "(exporter.ciio or dataset.core_data)",
    "true",
    "big",  # lets
    "hk",
]
WINDOWS = ["", "  effective from 2024-01-01\n", "  effective until 2025-01-01\n"]
WINDOWS.append("  effective from 2025-06-01 until 2026-01-01\n")


def all_pairs(ctx: CheckContext) -> Iterator[Diagnostic]:
    """W212 as it was first written: every allow against every deny, in file order."""
    ruleset = ctx.ruleset
    lets = {let.name: let for let in ruleset.lets}
    denies = [
        (rule, [p for p in conjuncts(rule.condition, lets, keep_names=False) if p != _TRUE])
        for rule in ruleset.rules
        if rule.effect == "deny"
    ]
    for allow in (rule for rule in ruleset.rules if rule.effect == "allow"):
        allowed = conjuncts(allow.condition, lets)
        leaves = [p for p in conjuncts(allow.condition, lets, keep_names=False) if p != _TRUE]
        for deny, denied in denies:
            if not all(part in allowed for part in denied):
                continue
            overlap = _window_overlap(allow, deny)
            if overlap is None:
                continue
            same = all(part in denied for part in leaves)
            when = _window_text(overlap, allow)
            if same:
                message = (
                    f"allow rule `{allow.name}` and deny rule `{deny.name}` have the same condition: they "
                    f"always fire together{when}, and the deny wins"
                )
            else:
                message = (
                    f"allow rule `{allow.name}` can never decide: deny rule `{deny.name}` (line "
                    f"{deny.span.line}) holds whenever it does{when}"
                )
            yield ctx.diagnostic(
                "W212",
                message,
                allow.span,
                f"narrow `{deny.name}` (e.g. `and not ...`) or remove `{allow.name}`",
                Severity.WARNING,
            )
            break


def rule_file(rules: list[tuple[str, list[int], int]]) -> str:
    lines = [
        "ruleset generated",
        "let big = dataset.subjects > 1_000 and dataset.core_data",
        'let hk = recipient.region == "HK"',
    ]
    for index, (effect, parts, window) in enumerate(rules):
        condition = " and ".join(CONJUNCTS[part] for part in parts)
        lines.append(
            f'rule r{index}\n{WINDOWS[window]}  {effect} when {condition}\n  because "x"\n  cite "c"'
        )
    return "\n".join(lines) + "\n"


def both(text: str) -> tuple[list[Diagnostic], list[Diagnostic]]:
    ctx = CheckContext(parse_text(text, "generated.rules"), manifest_catalog())
    return list(check_shadowed_allows(ctx)), list(all_pairs(ctx))


rules_strategy = st.lists(
    st.tuples(
        st.sampled_from(["deny", "allow", "warn"]),
        st.lists(st.integers(0, len(CONJUNCTS) - 1), min_size=1, max_size=4),
        st.integers(0, len(WINDOWS) - 1),
    ),
    max_size=30,
)


@settings(max_examples=300, deadline=None)
@given(rules_strategy)
def test_indexed_w212_finds_what_comparing_every_pair_finds(rules: list[tuple[str, list[int], int]]) -> None:
    indexed, brute = both(rule_file(rules))
    assert indexed == brute


def test_on_large_seeded_rule_files_too() -> None:
    found = 0
    for seed in range(5):
        rng = random.Random(seed)
        rules = [
            (
                rng.choice(["deny", "allow", "allow", "warn"]),
                [rng.randrange(len(CONJUNCTS)) for _ in range(rng.randrange(1, 5))],
                rng.randrange(len(WINDOWS)),
            )
            for _ in range(400)
        ]
        indexed, brute = both(rule_file(rules))
        assert indexed == brute
        found += len(indexed)
    assert found > 100  # the files do have shadowed allows to find


def test_a_deny_without_conjuncts_is_a_candidate_for_every_allow() -> None:
    text = rule_file([("deny", [12], 0), ("allow", [0], 0), ("allow", [3, 4], 1)])
    indexed, brute = both(text)
    assert [d.message for d in indexed] == [d.message for d in brute]
    assert len(indexed) == 2 and all("deny rule `r0`" in d.message for d in indexed)
    assert isinstance(parse_text(text).rules[0].condition, nodes.Literal)
