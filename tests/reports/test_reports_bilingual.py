"""In zh-Hans and zh-Hant the reports for people carry no English label: every word gba-dataflow writes
itself (verdicts, headings, row labels, the summary, the framing of diagnostics, explain's outcomes) is in
the language asked for, and so is every citation of the shipped rules (their `zh-Hans`/`zh-Hant` lines).
What is left in Latin letters comes from the rules or the manifest (rule ids, paths, field names, values,
codes) or is code (conditions, options).

Every example manifest is rendered in both scripts: `check` in its default, verbose and quiet forms, and
`explain` in its default and full forms. The test removes each piece of text that comes from the rules or
the manifest, then fails on any ASCII word of three letters or more.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from gba_dataflow.core.errors import Diagnostic, Severity
from gba_dataflow.core.source import Span
from gba_dataflow.engine.evaluate import evaluate_manifest
from gba_dataflow.engine.model import ManifestResult, RulesInfo, RunResult
from gba_dataflow.engine.rulebook import load_rulebook
from gba_dataflow.engine.trace import ExplainTrace, NodeTrace, explain_manifest
from gba_dataflow.manifests import load_manifest
from gba_dataflow.manifests.provenance import COPIED_FROM
from gba_dataflow.reports.common import format_route, format_value
from gba_dataflow.reports.labels import LABELS, render_diagnostic
from gba_dataflow.reports.text import render_text
from gba_dataflow.reports.trace_text import TraceView, render_trace_text

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples" / "manifests").glob("*.yaml"))
LANGS = ("zh-Hans", "zh-Hant")
WIDE = 10_000  # nothing wraps: each piece of text stays whole, so it can be taken out
ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")
OPTION = re.compile(r"--[a-z][a-z-]*")


@pytest.fixture(scope="module")
def rulebook():  # type: ignore[no-untyped-def]
    return load_rulebook([ROOT / "rules"])


def _result_texts(result: ManifestResult) -> Iterator[str]:
    """Every piece of text of a result that comes from the rules or the manifest."""
    yield result.manifest
    yield result.id or ""
    yield result.title or ""
    yield format_route(result.route)
    for reason in result.reasons:
        yield from (reason.rule, reason.message, reason.source)  # citations: translated, so not taken out
        yield from _facts(reason.facts)
    for obligation in result.obligations:
        yield from (obligation.rule, obligation.text)
    for warning in result.warnings:
        yield from (warning.rule or "", warning.code or "", warning.message, warning.source or "")
        yield warning.json_path or ""
        yield from _facts(warning.facts)
    for remedy in result.remedies:
        yield from (remedy.rule, remedy.text)
        for failed in remedy.failed_conditions:
            yield from (failed.condition, failed.suggestion)
            yield from _facts(failed.facts)
    for error in result.errors:
        yield from (error.code, error.message, error.hint or "", error.path or "", error.json_path or "")
        yield from (error.excerpt or "", *error.notes)


def _facts(facts: tuple[object, ...]) -> Iterator[str]:
    for fact in facts:
        yield fact.path  # type: ignore[attr-defined]
        yield format_value(fact.value)  # type: ignore[attr-defined]
        note = fact.provenance_note  # type: ignore[attr-defined]
        if note and fact.pointer:  # type: ignore[attr-defined]
            # where a value came from: a path it was copied from, or what the data says (the gazetteer's
            # reading of a place name, the ledger's records); gba-dataflow's own words around it are labels
            yield note.removeprefix(COPIED_FROM)


def _trace_texts(trace: ExplainTrace) -> Iterator[str]:
    yield trace.manifest
    for ruleset in trace.rulesets:
        yield from (ruleset.id, ruleset.source)
        if ruleset.applies_condition is not None:
            yield from _node_texts(ruleset.applies_condition)
        for rule in ruleset.rules:
            yield from (rule.id, rule.source, rule.message or "", rule.error or "")
            if rule.condition is not None:
                yield from _node_texts(rule.condition)


def _node_texts(node: NodeTrace) -> Iterator[str]:
    yield node.text  # a condition: code
    yield node.error or ""
    if node.value is not None and not isinstance(node.value, bool):
        yield format_value(node.value)
    for text, value in node.operands:
        yield from (text, format_value(value))
    yield from _facts(node.facts)
    if node.note:  # the variable and path a quantifier note names
        yield from re.findall(r"[\w.\[\]-]+", node.note.replace(":", " "))
    for child in node.children:
        yield from _node_texts(child)


def _english_left(text: str, known: Iterator[str]) -> list[str]:
    """ASCII words of three letters or more in `text` once the known pieces (longest first) are out."""
    for piece in sorted({piece for piece in known if piece}, key=len, reverse=True):
        text = text.replace(piece, " ")
    return ENGLISH_WORD.findall(OPTION.sub(" ", text))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.stem)
def test_a_chinese_check_report_has_no_english_label(rulebook, path: Path, lang: str) -> None:  # type: ignore[no-untyped-def]
    manifest = load_manifest(path.relative_to(ROOT))
    result = evaluate_manifest(rulebook, manifest, lang=lang)
    run = RunResult(RulesInfo(("rules",), "sha256:-"), (result, result), lang=lang)
    for options in ({}, {"verbose": True}, {"quiet": True}):
        text = render_text(run, color=False, width=WIDE, **options)
        assert _english_left(text, _result_texts(result)) == [], (options, text)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("path", EXAMPLES[::3], ids=lambda path: path.stem)
def test_a_chinese_explain_has_no_english_label(rulebook, path: Path, lang: str) -> None:  # type: ignore[no-untyped-def]
    manifest = load_manifest(path.relative_to(ROOT))
    trace = explain_manifest(rulebook, manifest, lang=lang)
    for view in (TraceView(lang=lang), TraceView(full=True, lang=lang)):
        text = render_trace_text(trace, width=WIDE, view=view)
        known = [*_trace_texts(trace), *_result_texts(trace.result)]
        assert _english_left(text, iter(known)) == [], (view, text)


@pytest.mark.parametrize("lang", LANGS)
def test_a_chinese_report_frames_manifest_errors_in_chinese(lang: str) -> None:
    diagnostic = Diagnostic(
        "E410",
        "`transfer.destination.region` must be an ISO 3166 code",
        Span("m.yaml", 3, 5),
        hint="did you mean `HK`?",
        severity=Severity.ERROR,
        json_path="/transfer/destination/region",
        notes=("rule x could not be evaluated",),
    )
    rendered = render_diagnostic(diagnostic, lang)
    known = [diagnostic.code, diagnostic.message, diagnostic.hint or "", *diagnostic.notes, "m.yaml"]
    known.append(diagnostic.json_path or "")
    assert _english_left(rendered, iter(known)) == []
    assert render_diagnostic(diagnostic, "en") == diagnostic.render()


def test_every_label_has_both_chinese_scripts() -> None:
    """A key missing in a script would fall back to English there."""
    english = set(LABELS["en"])
    for lang in LANGS:
        assert set(LABELS[lang]) == english, lang
        words = [
            key
            for key, text in LABELS[lang].items()
            if ENGLISH_WORD.search(OPTION.sub("", re.sub(r"\{\w+\}", "", text)))
        ]
        assert words == [], (lang, words)
