"""The rule-authoring runs behind `rules check`, `rules fmt` and `rules list`: find, parse, check, format."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from gba_dataflow.core.errors import (
    Diagnostic,
    DslSyntaxError,
    GbaError,
    errors_in,
    sort_diagnostics,
    warnings_in,
)
from gba_dataflow.core.i18n import os_problem, tr
from gba_dataflow.core.safe_write import replace_file
from gba_dataflow.core.source import Span
from gba_dataflow.dsl import nodes
from gba_dataflow.dsl.checker import check_rulesets
from gba_dataflow.dsl.formatter import format_text
from gba_dataflow.dsl.parser import parse_file
from gba_dataflow.engine.rulebook import (
    default_rules_dirs,
    manifest_catalog,
    parse_rule_files,
    rule_files,
    use_organisation_schema_of,
)


@dataclass(frozen=True)
class RuleCheckRun:
    """Every finding of `rules check`: syntax errors and static checks, sorted by location."""

    files: tuple[str, ...]
    diagnostics: tuple[Diagnostic, ...]

    @property
    def errors(self) -> list[Diagnostic]:
        return errors_in(self.diagnostics)

    @property
    def warnings(self) -> list[Diagnostic]:
        return warnings_in(self.diagnostics)


def check_rule_paths(paths: Sequence[Path] | None = None) -> RuleCheckRun:
    """Parse and check every rule file under `paths` (default: ./rules, else the shipped rules).

    Raises DslSyntaxError (E108/E503) only when the input cannot be read at all; syntax errors of a file
    are findings, and the other files are still checked.
    """
    dirs = _existing(paths) or default_rules_dirs()
    files = rule_files(dirs)
    parsed: list[nodes.Ruleset] = []
    found: list[Diagnostic] = []
    try:  # the rules are typed against the organisation's own facts too, when they have a schema
        use_organisation_schema_of(dirs)
    except GbaError as error:
        found.extend(error.diagnostics)
    for path in files:
        try:
            parsed.append(parse_file(path))
        except DslSyntaxError as error:
            if any(diagnostic.code == "E108" for diagnostic in error.diagnostics):
                raise
            found.extend(error.diagnostics)
    found.extend(check_rulesets(parsed, manifest_catalog()).diagnostics)
    return RuleCheckRun(tuple(str(path) for path in files), tuple(sort_diagnostics(found)))


def load_rulesets(paths: Sequence[Path] | None = None) -> list[nodes.Ruleset]:
    """Parse the rule files under `paths` (no checks); raises DslSyntaxError with every syntax error."""
    return parse_rule_files(rule_files(_existing(paths) or default_rules_dirs()))


def _existing(paths: Sequence[Path] | None) -> list[Path]:
    """The paths given on the command line, each of which must exist (E108 otherwise)."""
    missing = [path for path in paths or () if not path.exists()]
    if missing:
        raise DslSyntaxError(
            diagnostics=[
                Diagnostic(
                    "E108",
                    tr("`{path}` does not exist", path=str(path)),
                    Span(str(path), 1, 1),
                    tr("check the path"),
                )
                for path in missing
            ]
        )
    return list(paths or ())


@dataclass(frozen=True)
class Formatted:
    """One rule file before and after formatting."""

    path: Path
    original: str
    formatted: str

    @property
    def changed(self) -> bool:
        return self.original != self.formatted


def format_paths(paths: Sequence[Path], *, width: int | None = None) -> list[Formatted]:
    """Format every rule file under `paths` in memory. Raises DslSyntaxError (all files' errors at once)."""
    results: list[Formatted] = []
    problems: list[Diagnostic] = []
    for path in rule_files(_existing(paths)):
        try:
            original = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            message = (
                tr("cannot read rule file: it is not UTF-8 text")
                if isinstance(error, UnicodeDecodeError)
                else tr("cannot read rule file: {reason}", reason=os_problem(error))
            )
            problems.append(Diagnostic("E108", message, Span(str(path), 1, 1)))
            continue
        try:
            text = (
                format_text(original, str(path))
                if width is None
                else format_text(original, str(path), width=width)
            )
        except DslSyntaxError as error:
            problems.extend(error.diagnostics)
            continue
        results.append(Formatted(path, original, text))
    if problems:
        raise DslSyntaxError(diagnostics=sort_diagnostics(problems))
    return results


def write_formatted(results: Sequence[Formatted]) -> list[Path]:
    """Rewrite the files whose layout changed; returns them. Raises DslSyntaxError (E108) when one cannot be
    written."""
    written: list[Path] = []
    for result in results:
        if not result.changed:
            continue
        try:  # atomically: a rule file is never left half rewritten (a full disk, Ctrl-C, SIGTERM)
            with replace_file(str(result.path)) as handle:
                handle.write(result.formatted.encode("utf-8"))
        except OSError as error:
            raise DslSyntaxError(
                tr("cannot write rule file: {reason}", reason=os_problem(error)),
                code="E108",
                span=Span(str(result.path), 1, 1),
            ) from None
        written.append(result.path)
    return written
