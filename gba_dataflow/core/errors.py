"""One exception hierarchy and one diagnostic shape for every phase.

A `Diagnostic` is plain data (code, severity, message, location, hint) that renderers consume.
A `GbaError` carries one or more diagnostics; every user-facing failure is a subclass of it.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from gba_dataflow.core.source import Span


class Severity(enum.StrEnum):
    """How serious a diagnostic is."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding: a stable code, a message, where it is and how to fix it."""

    code: str
    message: str
    span: Span | None = None
    hint: str | None = None
    severity: Severity = Severity.ERROR
    json_path: str | None = None
    excerpt: str | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def path(self) -> str | None:
        return self.span.path if self.span else None

    @property
    def line(self) -> int | None:
        return self.span.line if self.span else None

    @property
    def column(self) -> int | None:
        return self.span.column if self.span else None

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path or "", self.line or 0, self.column or 0, self.code, self.message)

    def with_span(self, span: Span | None) -> Diagnostic:
        return replace(self, span=span)

    def render(self) -> str:
        """`path:line:col: CODE message` followed by the excerpt, JSON path and hint, OPA style."""
        where = f"{self.span}: " if self.span else ""
        lines = [f"{where}{self.severity.value} {self.code}: {self.message}"]
        if self.json_path:
            lines.append(f"  at {self.json_path}")
        if self.excerpt:
            lines.append(self.excerpt)
        lines.extend(f"  note: {note}" for note in self.notes)
        if self.hint:
            lines.append(f"  hint: {self.hint}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of an error: code, message, path, line, column (plus severity, hint, pointer)."""
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "json_path": self.json_path,
            "hint": self.hint,
            "notes": list(self.notes),
        }


def errors_in(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """The diagnostics of severity error."""
    return [d for d in diagnostics if d.severity is Severity.ERROR]


def warnings_in(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """The diagnostics of severity warning."""
    return [d for d in diagnostics if d.severity is Severity.WARNING]


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Sort by location then code, so every output is deterministic."""
    return sorted(diagnostics, key=Diagnostic.sort_key)


class GbaError(Exception):
    """Base of every error gba-dataflow reports to a user. Holds at least one diagnostic."""

    default_code = "E900"

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        span: Span | None = None,
        hint: str | None = None,
        json_path: str | None = None,
        diagnostics: Sequence[Diagnostic] = (),
    ) -> None:
        found = list(diagnostics)
        if message is not None:
            found.insert(
                0,
                Diagnostic(code or self.default_code, message, span, hint, json_path=json_path),
            )
        if not found:
            raise ValueError("a GbaError needs a message or diagnostics")
        self.diagnostics: list[Diagnostic] = found
        super().__init__(found[0].message)

    @property
    def first(self) -> Diagnostic:
        return self.diagnostics[0]

    @property
    def code(self) -> str:
        return self.first.code

    @property
    def span(self) -> Span | None:
        return self.first.span

    @property
    def hint(self) -> str | None:
        return self.first.hint

    def __str__(self) -> str:
        return "\n".join(diagnostic.render() for diagnostic in self.diagnostics)


class DslSyntaxError(GbaError):
    """A rule file does not parse (E1xx)."""

    default_code = "E100"


class CheckError(GbaError):
    """A rule file parses but fails static checks (E2xx)."""

    default_code = "E200"


class EvalError(GbaError):
    """Evaluating a condition failed at run time (E3xx)."""

    default_code = "E300"


class ManifestError(GbaError):
    """A manifest cannot be read or is invalid (E4xx)."""

    default_code = "E400"


class UsageError(GbaError):
    """A command-line option or argument is wrong (E5xx)."""

    default_code = "E500"


class InternalError(GbaError):
    """A bug in gba-dataflow itself (E9xx)."""

    default_code = "E900"


class OutputError(UsageError):
    """An output file (or stdout) cannot be written (E550): the message names it."""

    default_code = "E550"
