"""`explain` as text: what the default view selects, what --full and --depth add, and the words it uses."""

from __future__ import annotations

from pathlib import Path

import pytest

from gba_dataflow.engine.rulebook import load_rulebook
from gba_dataflow.engine.trace import ExplainTrace, explain_manifest
from gba_dataflow.manifests import load_manifest
from gba_dataflow.reports.trace_text import DEFAULT_DEPTH, TraceView, render_trace_text

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DENY = "examples/manifests/macao-to-hong-kong-without-ground-refused.yaml"
ALLOWED = "examples/manifests/guangzhou-hospital-gba-pilot-to-hk.yaml"


@pytest.fixture(scope="module")
def traces() -> dict[str, ExplainTrace]:
    rulebook = load_rulebook([ROOT / "rules"])
    return {
        path: explain_manifest(rulebook, load_manifest(ROOT / path), lang="en")
        for path in (DEFAULT_DENY, ALLOWED)
    }


def test_the_default_view_of_a_default_deny_names_it_and_its_closest_allows(
    traces: dict[str, ExplainTrace],
) -> None:
    trace = traces[DEFAULT_DENY]
    text = render_trace_text(trace)
    assert "no allow rule holds: denied by default (macao_pdpa/default)" in text
    assert "closest allows (what would have allowed it):" in text
    closest = [remedy.rule for remedy in trace.result.remedies if remedy.kind == "closest_allow"]
    assert closest and all(rule in text for rule in closest)
    assert "rulesets do not apply: hong_kong_pdpo, mainland_export" in text
    assert "more rules did not fire (--full shows them)" in text


def test_the_default_view_shows_the_rules_that_fired_and_hides_the_others(
    traces: dict[str, ExplainTrace],
) -> None:
    trace = traces[ALLOWED]
    text = render_trace_text(trace)
    full = render_trace_text(trace, view=TraceView(full=True))
    fired = [rule.id for ruleset in trace.rulesets for rule in ruleset.rules if rule.outcome == "fires"]
    quiet = [rule.id for ruleset in trace.rulesets for rule in ruleset.rules if rule.outcome != "fires"]
    assert fired and all(rule in text for rule in fired)
    assert not any(f" {rule}: " in text for rule in quiet)
    assert all(f" {rule}: " in full for rule in quiet)
    assert len(text.splitlines()) * 10 < len(full.splitlines())
    assert "(skipped)" not in full and "(not evaluated)" in full


def test_depth_sets_the_levels_of_conditions(traces: dict[str, ExplainTrace]) -> None:
    trace = traces[ALLOWED]
    assert TraceView().levels == DEFAULT_DEPTH and TraceView(full=True).levels is None
    sizes = [len(render_trace_text(trace, view=TraceView(depth=depth)).splitlines()) for depth in (1, 2, 4)]
    assert sizes == sorted(sizes) and sizes[0] < sizes[-1]


@pytest.mark.parametrize(
    ("lang", "words"), [("zh-Hans", "没有允许规则成立"), ("zh-Hant", "沒有允許規則成立")]
)
def test_explain_speaks_the_language_asked_for(lang: str, words: str) -> None:
    rulebook = load_rulebook([ROOT / "rules"])
    trace = explain_manifest(rulebook, load_manifest(ROOT / DEFAULT_DENY), lang=lang)
    text = render_trace_text(trace, view=TraceView(lang=lang, full=True))
    assert words in text
    assert "no element matched" not in text and "does not hold" not in text
