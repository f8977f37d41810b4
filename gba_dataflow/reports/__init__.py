"""Report formats: turn a `RunResult` into text for people or JSON for programs (design §7).

`render_text` is imported on first use, so that commands writing JSON never pay for importing rich.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gba_dataflow.reports.json_report import render_json, result_to_dict, run_to_dict

if TYPE_CHECKING:
    from gba_dataflow.reports.text import render_text

__all__ = ["render_json", "render_text", "result_to_dict", "run_to_dict"]


def __getattr__(name: str) -> Any:
    if name == "render_text":
        from gba_dataflow.reports.text import render_text

        return render_text
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
