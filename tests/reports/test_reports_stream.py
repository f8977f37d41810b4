"""The streamed JSON report is byte-identical to the rendered one, with one job or several."""

from __future__ import annotations

from pathlib import Path

import pytest

from gba_dataflow.engine.batch import run_check
from gba_dataflow.reports.json_report import render_json
from gba_dataflow.reports.stream import stream_json

ROOT = Path(__file__).resolve().parents[2]
INPUTS = [
    str(ROOT / "examples" / "manifests"),
    str(ROOT / "tests" / "cli" / "fixtures" / "manifests"),
    "nope.yaml",
]


@pytest.mark.parametrize("jobs", [1, 2])
def test_streamed_json_equals_rendered_json(jobs: int) -> None:
    pieces: list[str] = []
    streamed = stream_json(INPUTS, pieces.append, rules_dirs=[ROOT / "rules"], jobs=jobs)
    run = run_check(INPUTS, rules_dirs=[ROOT / "rules"])
    assert "".join(pieces) == render_json(run)
    assert streamed.counts == run.counts()


def test_a_run_without_results_streams_an_empty_list() -> None:
    pieces: list[str] = []
    stream_json([], pieces.append, rules_dirs=[ROOT / "rules"])
    assert '"results": [],' in "".join(pieces)
