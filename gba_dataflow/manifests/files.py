"""Expand command-line inputs into manifest files."""

from __future__ import annotations

import os
from collections.abc import Sequence

from gba_dataflow.core.errors import Diagnostic, ManifestError
from gba_dataflow.core.source import Span

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
STDIN = "-"


def iter_manifest_files(inputs: Sequence[str]) -> list[str]:
    """Files as given, `-` (stdin) kept, directories searched recursively for `*.yaml *.yml *.json`.

    Directory contents come out sorted, so the result is deterministic; hidden files and directories
    (a name starting with `.`) are skipped. Every input that does not exist is reported at once (E401).
    """
    found: list[str] = []
    missing: list[Diagnostic] = []
    for item in inputs:
        if item == STDIN or os.path.isfile(item):
            found.append(item)
        elif os.path.isdir(item):
            found.extend(_walk(item))
        else:
            missing.append(
                Diagnostic(
                    "E401",
                    f"cannot read `{item}`: no such file or directory",
                    Span(item, 1, 1),
                    "check the path",
                )
            )
    if missing:
        raise ManifestError(diagnostics=missing)
    return found


def _walk(directory: str) -> list[str]:
    files: list[str] = []
    for root, dirs, names in os.walk(directory):
        dirs[:] = sorted(name for name in dirs if not name.startswith("."))
        files.extend(
            os.path.join(root, name)
            for name in sorted(names)
            if not name.startswith(".") and name.lower().endswith(MANIFEST_SUFFIXES)
        )
    return files
