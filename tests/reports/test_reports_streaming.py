"""Every report written as manifests are decided (`reports.streaming`) is byte-identical to the report
rendered from the whole run, with one job or several, and whatever other reports are written with it."""

from __future__ import annotations

from pathlib import Path

import pytest

from gba_dataflow.app.batch import plan_inputs, run_check
from gba_dataflow.cli.formats import RENDERERS, RenderOptions
from gba_dataflow.engine.rulebook import load_rulebook
from gba_dataflow.reports.common import warned
from gba_dataflow.reports.streaming import FORMATS, ReportOptions, ReportStream
from gba_dataflow.reports.text import TextOptions

ROOT = Path(__file__).resolve().parents[2]
INPUTS = [
    str(ROOT / "examples" / "manifests"),
    str(ROOT / "tests" / "cli" / "fixtures" / "manifests"),
    str(ROOT / "tests" / "ci" / "fixtures" / "manifests"),
    "nope.yaml",
]
RULES = [ROOT / "rules"]


def _stream(formats: tuple[str, ...], jobs: int, exit_code: int, inputs: list[str] = INPUTS) -> list[str]:
    pieces: list[list[str]] = [[] for _ in formats]
    options = [ReportOptions(name, TextOptions(width=80), fail_on_warn=True, root=ROOT) for name in formats]
    stream = ReportStream([(option, piece.append) for option, piece in zip(options, pieces, strict=True)])
    stream.run(load_rulebook(RULES), plan_inputs(inputs), rules_dirs=RULES, jobs=jobs)
    stream.finish(exit_code)
    return ["".join(piece) for piece in pieces]


@pytest.mark.parametrize("jobs", [1, 2])
def test_every_streamed_report_equals_the_rendered_one(jobs: int) -> None:
    run = run_check(INPUTS, rules_dirs=RULES)
    options = RenderOptions(exit_code=2, fail_on_warn=True, root=ROOT)
    streamed = _stream(FORMATS, jobs, exit_code=2)
    for name, text in zip(FORMATS, streamed, strict=True):
        if name == "text":
            from gba_dataflow.reports.text import render_text

            expected = render_text(run, color=False, width=80)
        else:
            expected = RENDERERS[name](run, options)
        assert text == expected, name


@pytest.mark.parametrize("name", FORMATS)
def test_a_run_without_results_streams_a_whole_document(name: str) -> None:
    run = run_check([], rules_dirs=RULES)
    (text,) = _stream((name,), 1, exit_code=0, inputs=[])
    if name == "text":
        from gba_dataflow.reports.text import render_text

        assert text == render_text(run, color=False, width=80)
    else:
        assert text == RENDERERS[name](run, RenderOptions(fail_on_warn=True, root=ROOT))


def test_the_tally_counts_decisions_warnings_and_rules() -> None:
    run = run_check(INPUTS, rules_dirs=RULES)
    options = ReportOptions("json")
    stream = ReportStream([(options, lambda text: None)])
    tally = stream.run(load_rulebook(RULES), plan_inputs(INPUTS), rules_dirs=RULES)
    stream.finish(0)
    assert tally.counts == run.counts()
    assert tally.warned == sum(1 for result in run.results if warned(result))
    assert tally.total == len(run.results)
