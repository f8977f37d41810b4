"""Limits on rule files, so that a mistake in one (rule authors are trusted, but fallible) ends in a
located error, never in an internal error, a hang or gigabytes (docs/security.md).

- Size: a rule file of at most 256 KiB (the largest shipped one is 76 KB); `GBA_DATAFLOW_MAX_RULE_BYTES`
  raises it. E151.
- Expressions: at most 4,000 expression nodes in one file (the shipped rules have some 850 in all),
  counted after the parse, before the checker and the code generator see them. E151.
- Nesting: at most `MAX_DEPTH` levels of one expression (`not not ...`, parentheses, `a + b + ...`); the
  shipped rules use 9. Deeper expressions would exhaust Python's recursion in the passes that walk them.
  E150, at the first expression that goes too deep.
- Numbers: at most `MAX_NUMBER_DIGITS` digits before and after the point of a number literal, and a
  number with a point below `MAX_FLOAT` (so every number is exact as an integer and finite as a float,
  and `rules fmt` writes back a literal within the same limits, never `inf`); durations of at most
  `MAX_DURATION_DAYS` days, so date arithmetic stays inside the calendar. E152.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from gba_dataflow.core.errors import Diagnostic
from gba_dataflow.core.source import Span
from gba_dataflow.dsl import nodes

MAX_DEPTH = 64
"""Deepest nesting of one expression."""
MAX_NODES = 4_000
"""Expression nodes in one rule file."""
DEFAULT_MAX_RULE_BYTES = 256 * 1024
RULE_BYTES_ENV = "GBA_DATAFLOW_MAX_RULE_BYTES"
MAX_NUMBER_DIGITS = 18
"""Digits of a number literal before its point, and after it: a whole number is below 10**18 (exact)."""
MAX_FLOAT = 10**15
"""A number with a point is below this: its shortest decimal form, which `rules fmt` writes, never gains
a digit beyond the limits by rounding up (99...9.99 -> 10...0.0)."""
MAX_DURATION_DAYS = 36_600
"""Longest duration literal (about 100 years): any date of the manifest plus or minus it stays a date
for every year the schema accepts but the last hundred."""


def max_rule_bytes() -> int:
    """The size limit of a rule file: $GBA_DATAFLOW_MAX_RULE_BYTES when it is a positive whole number."""
    value = os.environ.get(RULE_BYTES_ENV, "")
    try:
        number = int(value.strip())
    except ValueError:
        return DEFAULT_MAX_RULE_BYTES
    return number if number > 0 else DEFAULT_MAX_RULE_BYTES


def size_problem(text: str, path: str) -> Diagnostic | None:
    """E151 when a rule file is longer than the limit (checked before it is parsed)."""
    limit = max_rule_bytes()
    if len(text) <= limit // 4 or len(text.encode("utf-8", "surrogatepass")) <= limit:
        return None
    return Diagnostic(
        "E151",
        f"the rule file is larger than the limit of {limit:,} bytes",
        Span(path, 1, 1),
        f"split it into several rule files (a ruleset per file), or raise {RULE_BYTES_ENV}",
    )


def number_problem(text: str, span: Span) -> Diagnostic | None:
    """E152 for a number literal (digits and at most one point, underscores removed) out of range: more
    than MAX_NUMBER_DIGITS digits before or after the point, or a number with a point from MAX_FLOAT on."""
    whole, _, fraction = text.partition(".")
    if len(whole) > MAX_NUMBER_DIGITS or len(fraction) > MAX_NUMBER_DIGITS:
        digits = max(len(whole), len(fraction))
        return Diagnostic(
            "E152",
            f"the number has {digits:,} digits {'after' if len(fraction) > len(whole) else 'before'} its "
            f"point; at most {MAX_NUMBER_DIGITS} are allowed",
            span,
            "no manifest value comes near it: write the threshold you mean",
        )
    if fraction and len(whole) > len(str(MAX_FLOAT)) - 1 and float(text) >= MAX_FLOAT:
        return Diagnostic(
            "E152",
            f"a number with a decimal point must be below {MAX_FLOAT:_}",
            span,
            "write a whole number (up to 18 digits) for larger thresholds",
        )
    return None


def duration_problem(days_text: str, span: Span) -> Diagnostic | None:
    """E152 when a duration is longer than MAX_DURATION_DAYS days."""
    digits = days_text.lstrip("0")
    if len(digits) <= len(str(MAX_DURATION_DAYS)) and int(digits or "0") <= MAX_DURATION_DAYS:
        return None
    return Diagnostic(
        "E152",
        f"a duration of `{days_text[:30]}` days is longer than the limit of {MAX_DURATION_DAYS:,} days",
        span,
        "durations in rules are deadlines and periods of a few years at most",
    )


def ruleset_problems(ruleset: nodes.Ruleset) -> list[Diagnostic]:
    """E150 for each expression nested deeper than MAX_DEPTH, E151 when the file has more than MAX_NODES
    expression nodes. Iterative: safe on any tree the parser could build."""
    problems: list[Diagnostic] = []
    count = 0
    for expression in _expressions(ruleset):
        stack: list[tuple[nodes.Expr, int]] = [(expression, 1)]
        while stack:
            node, depth = stack.pop()
            count += 1
            if count == MAX_NODES + 1:
                problems.append(
                    Diagnostic(
                        "E151",
                        f"the rule file has more than {MAX_NODES:,} expression nodes",
                        node.span,
                        "split long conditions into `let` definitions shared by rules, or the file into "
                        "several rule files",
                    )
                )
            if depth > MAX_DEPTH:
                problems.append(
                    Diagnostic(
                        "E150",
                        f"the expression nests more than {MAX_DEPTH} levels deep",
                        node.span,
                        "name parts of it with `let`, or remove doubled `not`s and parentheses",
                    )
                )
                break  # one diagnostic per expression
            stack.extend((child, depth + 1) for child in node.children())
    return problems


def _expressions(ruleset: nodes.Ruleset) -> Iterator[nodes.Expr]:
    if ruleset.applies is not None:
        yield ruleset.applies
    for let in ruleset.lets:
        yield let.expr
    for rule in ruleset.rules:
        yield rule.condition
