"""The `github` format: GitHub Actions workflow commands, which GitHub shows as annotations on the
manifest's line in the pull request and the run.

`::error` for each deny reason and each manifest error, `::warning` for each warn rule that fired and each
manifest warning, then one plain line with the totals. Data and properties are escaped as the Actions
toolkit does (`%`, CR and LF everywhere; `:` and `,` in properties too), so no value can end a command
early or inject another one. The Markdown job summary is `summary.render_markdown_summary`.
"""

from __future__ import annotations

from pathlib import Path

from gba_dataflow.core.codes import CODES
from gba_dataflow.core.errors import Diagnostic, Severity
from gba_dataflow.core.i18n import localize
from gba_dataflow.engine.model import ManifestResult, Reason, RunResult, Verdict, Warning
from gba_dataflow.reports.common import printable, summary_line, warned
from gba_dataflow.reports.labels import label
from gba_dataflow.reports.locations import file_ref, first_position, reason_position, remedy_lines


def render_github(run: RunResult, *, root: Path | None = None) -> str:
    """Workflow commands for every finding of a run, then the totals line, in the run's language."""
    pieces = [github_piece(result, root, run.lang) for result in run.results]
    return (
        "".join(pieces)
        + summary_line(run.counts(), sum(map(warned, run.results)), run.lang, missing=run.missing_inputs())
        + "\n"
    )


def github_piece(result: ManifestResult, root: Path | None = None, lang: str = "en") -> str:
    """One manifest's workflow commands, a line each (empty when it has no finding), in `lang`."""
    return "".join(line + "\n" for line in _result_commands(result, root, lang))


def escape_data(text: str) -> str:
    """Escape a command's message (the part after `::`); other control characters are shown as `\\xNN`."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return printable(text)


def escape_property(text: str) -> str:
    """Escape a command property value (`file=`, `title=`, ...)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties: str | int | None) -> str:
    """`::name key=value,...::message`, properties in the order given, None values left out."""
    shown = ",".join(
        f"{key}={escape_property(str(value))}" for key, value in properties.items() if value is not None
    )
    return f"::{name}{' ' + shown if shown else ''}::{escape_data(message)}"


def _result_commands(result: ManifestResult, root: Path | None, lang: str) -> list[str]:
    path = file_ref(result.manifest, root).path
    lines = [_diagnostic(error, result, root, lang) for error in result.errors]
    if result.decision is Verdict.DENY:
        lines += [
            _reason(reason, result, path, lang)
            for reason in result.reasons
            if reason.effect == "deny" and not reason.waived_by
        ]
    lines += [_waived(reason, result, path, lang) for reason in result.reasons if reason.waived_by]
    lines += [_warning(warning, path, lang) for warning in result.warnings]
    return lines


def _reason(reason: Reason, result: ManifestResult, path: str, lang: str) -> str:
    line, column = reason_position(result, reason.rule, reason.facts)
    body = [reason.message]
    if reason.citations:
        body.append(label(lang, "cites_prefix") + "; ".join(reason.citations))
    body += remedy_lines(result, reason.rule, lang)
    title = label(lang, "title_deny", rule=reason.rule)
    return command("error", "\n".join(body), file=path, line=line, col=column, title=title)


def _waived(reason: Reason, result: ManifestResult, path: str, lang: str) -> str:
    """A waived deny: a notice, not an error (the waiver accepted it), naming the waiver."""
    line, column = reason_position(result, reason.rule, reason.facts)
    body = label(lang, "waived_by_body", id=reason.waived_by, message=reason.message)
    title = label(lang, "title_waived", rule=reason.rule)
    return command("notice", body, file=path, line=line, col=column, title=title)


def _warning(warning: Warning, path: str, lang: str) -> str:
    if warning.rule:
        line, column = first_position(warning.facts) or (1, 1)
        title = label(lang, "title_warn", rule=warning.rule)
    else:
        line, column = warning.line or 1, warning.column or 1
        known = CODES.get(warning.code or "")
        title = (
            f"{warning.code} {known.name}"
            if warning.code and known
            else warning.code or label(lang, "manifest_warning")
        )
    body = [localize(warning.message, lang)]
    if warning.citations:
        body.append(label(lang, "cites_prefix") + "; ".join(warning.citations))
    return command("warning", "\n".join(body), file=path, line=line, col=column, title=title)


def _diagnostic(error: Diagnostic, result: ManifestResult, root: Path | None, lang: str) -> str:
    path = file_ref(error.path or result.manifest, root).path
    body = [localize(error.message, lang)]
    if error.json_path:
        body.append(f"{label(lang, 'diag_at')} {error.json_path}")
    if error.hint:
        body.append(f"{label(lang, 'diag_hint')}: {localize(error.hint, lang)}")
    name = "warning" if error.severity is Severity.WARNING else "error"
    known = CODES.get(error.code)
    title = f"{error.code} {known.name}" if known else error.code
    return command(name, "\n".join(body), file=path, line=error.line or 1, col=error.column or 1, title=title)
