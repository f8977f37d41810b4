"""What a static check of a ruleset is given (`CheckContext`) and what it is (`RulesetCheck`).

Its own module so that the checker and the passes in `checks_advanced` both import it, and neither imports
the other's module to find it: `checker.CHECKS` lists every pass, in the order they run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property

from gba_dataflow.core.errors import Diagnostic, Severity
from gba_dataflow.core.source import Span, caret_excerpt
from gba_dataflow.dsl import nodes
from gba_dataflow.dsl.catalog import Catalog


@dataclass
class CheckContext:
    """A ruleset under check, its catalog and a way to build located diagnostics (whose texts are phrases,
    `core/i18n.py`, so that a report in Chinese can say them)."""

    ruleset: nodes.Ruleset
    catalog: Catalog

    @cached_property
    def lines(self) -> list[str]:
        """The ruleset's source, line by line (split once per ruleset, not once per finding)."""
        return self.ruleset.source.splitlines()

    def diagnostic(
        self,
        code: str,
        message: str,
        span: Span | None,
        hint: str | None = None,
        severity: Severity = Severity.ERROR,
    ) -> Diagnostic:
        excerpt = None
        if span is not None and span.line > 0 and self.ruleset.source:
            lines = self.lines
            if span.line <= len(lines):
                width = span.end_column - span.column if span.end_line == span.line else 1
                excerpt = caret_excerpt(lines[span.line - 1], span.column, max(width, 1))
        return Diagnostic(code, message, span, hint, severity, excerpt=excerpt)


RulesetCheck = Callable[[CheckContext], Iterator[Diagnostic]]
"""One pass over a ruleset: a generator of its findings."""
