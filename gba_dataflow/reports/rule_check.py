"""Output of `rules check` (findings) and `rules explain-code` (what a code means)."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence

from gba_dataflow.core.codes import Code
from gba_dataflow.core.errors import Diagnostic, Severity
from gba_dataflow.reports.labels import label, render_diagnostic

FORMAT_VERSION = 1


def check_summary(diagnostics: Sequence[Diagnostic], files: int, lang: str = "en") -> str:
    """`2 errors, 1 warning in 3 files`, in `lang` (the English nouns agree with their counts)."""
    errors = sum(1 for d in diagnostics if d.severity is Severity.ERROR)
    warnings = sum(1 for d in diagnostics if d.severity is Severity.WARNING)
    return label(
        lang,
        "rules_summary",
        errors=errors,
        warnings=warnings,
        files=files,
        error_word="error" if errors == 1 else "errors",
        warning_word="warning" if warnings == 1 else "warnings",
        file_word="file" if files == 1 else "files",
    )


def render_check_text(files: Sequence[str], diagnostics: Sequence[Diagnostic], lang: str = "en") -> str:
    """Each finding as `path:line:col: severity CODE: message`, its excerpt and hint, then a summary; the
    framing, messages and hints in `lang`."""
    blocks = [render_diagnostic(diagnostic, lang) for diagnostic in diagnostics]
    blocks.append(check_summary(diagnostics, len(files), lang))
    return "\n\n".join(blocks) + "\n"


def render_check_json(files: Sequence[str], diagnostics: Sequence[Diagnostic]) -> str:
    """`{"version", "files", "diagnostics": [...], "summary": {"errors", "warnings", "files"}}`."""
    document = {
        "version": FORMAT_VERSION,
        "files": list(files),
        "diagnostics": [diagnostic.to_dict() for diagnostic in diagnostics],
        "summary": {
            "errors": sum(1 for d in diagnostics if d.severity is Severity.ERROR),
            "warnings": sum(1 for d in diagnostics if d.severity is Severity.WARNING),
            "files": len(files),
        },
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render_code(code: Code) -> str:
    """What a code means, with a bad and a good example, for `rules explain-code`."""
    summary = code.summary[:1].upper() + code.summary[1:] + "."
    lines = [f"{code.code} {code.name} ({code.severity.value})", "", summary]
    if code.explanation:
        lines += ["", *textwrap.wrap(code.explanation, 100, break_on_hyphens=False)]
    for title, example in (("Bad:", code.bad), ("Good:", code.good)):
        lines += ["", title]
        lines += (
            ["    " + line if line else "" for line in example.splitlines()]
            if example
            else ["    (no example)"]
        )
    return "\n".join(lines) + "\n"
