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
from gba_dataflow.core.i18n import tr
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
DEPTH_HINT = tr("name parts of it with `let`, or remove doubled `not`s and parentheses")
"""The hint of E150, wherever the nesting is found too deep."""


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
        tr("the rule file is larger than the limit of {limit:,} bytes", limit=limit),
        Span(path, 1, 1),
        tr(
            "split it into several rule files (a ruleset per file), or raise {variable}",
            variable=RULE_BYTES_ENV,
        ),
    )


def number_problem(text: str, span: Span) -> Diagnostic | None:
    """E152 for a number literal (digits and at most one point, underscores removed) out of range: more
    than MAX_NUMBER_DIGITS digits before or after the point, or a number with a point from MAX_FLOAT on."""
    whole, _, fraction = text.partition(".")
    if len(whole) > MAX_NUMBER_DIGITS or len(fraction) > MAX_NUMBER_DIGITS:
        digits = max(len(whole), len(fraction))
        message = (
            tr(
                "the number has {digits:,} digits after its point; at most {limit} are allowed",
                digits=digits,
                limit=MAX_NUMBER_DIGITS,
            )
            if len(fraction) > len(whole)
            else tr(
                "the number has {digits:,} digits before its point; at most {limit} are allowed",
                digits=digits,
                limit=MAX_NUMBER_DIGITS,
            )
        )
        return Diagnostic(
            "E152", message, span, tr("no manifest value comes near it: write the threshold you mean")
        )
    if fraction and len(whole) > len(str(MAX_FLOAT)) - 1 and float(text) >= MAX_FLOAT:
        return Diagnostic(
            "E152",
            tr("a number with a decimal point must be below {limit:_}", limit=MAX_FLOAT),
            span,
            tr(
                "write a whole number (up to {digits} digits) for larger thresholds", digits=MAX_NUMBER_DIGITS
            ),
        )
    return None


def duration_problem(days_text: str, span: Span) -> Diagnostic | None:
    """E152 when a duration is longer than MAX_DURATION_DAYS days."""
    digits = days_text.lstrip("0")
    if len(digits) <= len(str(MAX_DURATION_DAYS)) and int(digits or "0") <= MAX_DURATION_DAYS:
        return None
    return Diagnostic(
        "E152",
        tr(
            "a duration of `{days}` days is longer than the limit of {limit:,} days",
            days=days_text[:30],
            limit=MAX_DURATION_DAYS,
        ),
        span,
        tr("durations in rules are deadlines and periods of a few years at most"),
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
                        tr("the rule file has more than {limit:,} expression nodes", limit=MAX_NODES),
                        node.span,
                        tr(
                            "split long conditions into `let` definitions shared by rules, or the file into "
                            "several rule files"
                        ),
                    )
                )
            if depth > MAX_DEPTH:
                problems.append(
                    Diagnostic(
                        "E150",
                        tr("the expression nests more than {depth} levels deep", depth=MAX_DEPTH),
                        node.span,
                        DEPTH_HINT,
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
