"""The output formats of `check`, each a function from a whole run to text (`check` itself writes them
as manifests are decided: `reports.streaming`; these give the same bytes for a run already decided).

Renderers are imported on first use, so a run writing JSON never pays for importing the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from gba_dataflow.engine.model import RunResult


@dataclass(frozen=True)
class RenderOptions:
    """What a renderer may need beyond the results."""

    color: bool = False
    quiet: bool = False
    verbose: bool = False
    exit_code: int = 0
    fail_on_warn: bool = False
    root: Path | None = None
    """The directory file locations are relative to (SARIF `%SRCROOT%`, GitHub `file=`); None: the cwd."""


Renderer = Callable[[RunResult, RenderOptions], str]


def _text(run: RunResult, options: RenderOptions) -> str:
    from gba_dataflow.reports.text import render_text

    return render_text(run, color=options.color, quiet=options.quiet, verbose=options.verbose)


def _json(run: RunResult, options: RenderOptions) -> str:
    from gba_dataflow.reports.json_report import render_json

    return render_json(run)


def _sarif(run: RunResult, options: RenderOptions) -> str:
    from gba_dataflow.reports.sarif import render_sarif

    return render_sarif(run, exit_code=options.exit_code, root=options.root)


def _junit(run: RunResult, options: RenderOptions) -> str:
    from gba_dataflow.reports.junit import render_junit

    return render_junit(run, fail_on_warn=options.fail_on_warn)


def _github(run: RunResult, options: RenderOptions) -> str:
    from gba_dataflow.reports.github import render_github

    return render_github(run, root=options.root)


RENDERERS: dict[str, Renderer] = {
    "text": _text,
    "json": _json,
    "sarif": _sarif,
    "junit": _junit,
    "github": _github,
}
