"""Report formats: turn a `RunResult` into text for people or JSON for programs (design §7).

Each is imported on first use: commands writing JSON never pay for importing rich, and commands writing
text never pay for the JSON encoder.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gba_dataflow.reports.json_report import render_json, result_to_dict, run_to_dict
    from gba_dataflow.reports.text import render_text

__all__ = ["render_json", "render_text", "result_to_dict", "run_to_dict"]


_LAZY = {
    "render_json": "gba_dataflow.reports.json_report",
    "result_to_dict": "gba_dataflow.reports.json_report",
    "run_to_dict": "gba_dataflow.reports.json_report",
    "render_text": "gba_dataflow.reports.text",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
