"""The output formats of `check`, each a function from a run to text."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from gba_dataflow.engine.model import RunResult


@dataclass(frozen=True)
class RenderOptions:
    """What a renderer may need beyond the results."""

    color: bool = False
    quiet: bool = False
    exit_code: int = 0


Renderer = Callable[[RunResult, RenderOptions], str]


def _text(run: RunResult, options: RenderOptions) -> str:
    from gba_dataflow.reports.text import render_text

    return render_text(run, color=options.color, quiet=options.quiet)


def _json(run: RunResult, options: RenderOptions) -> str:
    from gba_dataflow.reports.json_report import render_json

    return render_json(run)


RENDERERS: dict[str, Renderer] = {"text": _text, "json": _json}
