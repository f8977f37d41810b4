"""What evaluating rules says can be said in Chinese: the E3xx errors of the evaluator and the operator table,
the notes on how a rule that could not be evaluated counts, the engine's own texts among a result's (no
ruleset covers the route, no rule permits, what would make an allow rule hold), W423 and the trace's
errors. The English stays what it was; the Chinese has no English word gba-dataflow wrote (the rules' ids
and paths of facts are the author's and the manifest's, and stay).

The rulebooks here are compiled without the static checks (`engine_helpers.rulebook`), so that conditions
the checker would refuse reach the evaluator and fail there, as a manifest of unexpected shape could make
them fail.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from engine_helpers import decide, manifest, rulebook
from language_checks import english_words

from gba_dataflow.core.errors import Diagnostic, UsageError
from gba_dataflow.core.i18n import localize
from gba_dataflow.engine.model import ManifestResult, Verdict
from gba_dataflow.engine.trace import explain_manifest
from gba_dataflow.reports.labels import render_diagnostic

LANGS = ("zh-Hans", "zh-Hant")
GD = 'ruleset gd\n  applies when transfer.origin.region == "CN-GD"\n'
ALLOW_ALL = 'rule ok\n  allow when true\n  because "fine"\n  cite "c"\n'


def rule(name: str, effect: str, condition: str) -> str:
    return f'rule {name}\n  {effect} when {condition}\n  because "x"\n  cite "c"\n'


# (code, the rules, a condition of a deny rule that fails so when evaluated on `engine_helpers.manifest()`)
FAILING: list[tuple[str, str]] = [
    ("E301", "mechanisms.standard_contract.filed_on > transfer.date"),
    ("E301", "mechanisms.standard_contract.filed_on + 10 days > transfer.date"),
    ("E301", '"x" in mechanisms.standard_contract.filed_on'),
    ("E301", 'mechanisms.standard_contract.filed_on contains "x"'),
    ("E301", "any x in mechanisms.standard_contract.filed_on: x"),
    ("E301", "len(mechanisms.standard_contract.filed_on) > 1"),
    ("E301", "mechanisms.standard_contract.filed_on"),
    ("E302", "dataset.subjects < transfer.date"),
    ("E302", "dataset.subjects"),
    ("E302", "days_between(dataset.subjects, transfer.date) > 1"),
    ("E302", "dataset.fields in {dataset.fields}"),
    ("E302", '"a" + 1 > 0'),
]


def _no_english(text: str) -> list[str]:
    """The English words of a Chinese text, once rule ids (`gd/...`) and file names are out."""
    words: list[str] = english_words(re.sub(r"\b[\w-]+/[\w/-]+\b|\b\w+\.(?:rules|yaml)\b", " ", text))
    return words


def _said_in_chinese(diagnostic: Diagnostic) -> None:
    assert render_diagnostic(diagnostic, "en") == diagnostic.render()
    for lang in LANGS:
        rendered = render_diagnostic(diagnostic, lang)
        assert _no_english(rendered) == [], rendered


@pytest.mark.parametrize(("code", "condition"), FAILING)
def test_an_evaluation_error_is_said_in_chinese(code: str, condition: str) -> None:
    result = decide(rulebook(GD + ALLOW_ALL + rule("broken", "deny", condition)), manifest())
    assert result.decision is Verdict.DENY  # fail closed
    (error,) = result.errors
    assert error.code == code
    assert error.notes == ("rule gd/broken could not be evaluated and counts as holding",)
    _said_in_chinese(error)


def test_the_english_of_evaluation_errors_is_as_it_was() -> None:
    result = decide(
        rulebook(GD + rule("late", "deny", "mechanisms.standard_contract.filed_on > transfer.date")),
        manifest(),
    )
    (error,) = result.errors
    assert error.message == "`mechanisms.standard_contract.filed_on` has no value"
    assert error.hint == "guard optional fields with `has(path) and ...`"
    assert localize(error.message, "zh-Hans") == "`mechanisms.standard_contract.filed_on` 没有值"
    assert localize(error.notes[0], "zh-Hant") == "規則 gd/late 無法求值，視為成立"
    typed = decide(rulebook(GD + rule("odd", "deny", "dataset.subjects < transfer.date")), manifest()).errors[
        0
    ]
    assert typed.message == (
        "cannot evaluate this comparison: '<' not supported between instances of 'int' and 'datetime.date'"
    )
    assert localize(typed.message, "zh-Hans") == (
        "无法对这个比较求值（`'<' not supported between instances of 'int' and 'datetime.date'`）"
    )
    odd = decide(rulebook(GD + rule("odd", "deny", "dataset.subjects")), manifest()).errors[0]
    assert odd.message == "a condition is 10, not true or false"


def test_how_a_failed_allow_rule_and_applies_condition_count_is_said_in_chinese() -> None:
    allow = decide(
        rulebook(GD + rule("filed", "allow", "mechanisms.standard_contract.filed_on <= transfer.date")),
        manifest(),
    )
    assert allow.errors[0].notes == ("rule gd/filed could not be evaluated and counts as not holding",)
    _said_in_chinese(allow.errors[0])
    applies = decide(
        rulebook(
            "ruleset s\n  applies when mechanisms.standard_contract.filed_on > transfer.date\n" + ALLOW_ALL
        ),
        manifest(),
    )
    assert applies.errors[0].notes == ("`applies when` of s failed; the ruleset is treated as applying",)
    _said_in_chinese(applies.errors[0])


def _texts(result: ManifestResult) -> list[str]:
    """The texts of a result that the engine writes itself (the rules here write `x`, `fine` and ids)."""
    texts = [reason.message for reason in result.reasons]
    texts += [remedy.text for remedy in result.remedies if remedy.kind == "remedy"]
    texts += [failed.suggestion for remedy in result.remedies for failed in remedy.failed_conditions]
    return texts


def test_the_engine_texts_of_a_result_are_in_the_language_of_the_result() -> None:
    closest = (
        rule("signed", "allow", "has(mechanisms.standard_contract.filed_on)")
        + rule("notice", "allow", "not mechanisms.notice_given")
        + rule("ciio", "allow", "exporter.ciio")
    )
    books = {
        "closest": (rulebook(GD + closest), manifest()),
        "let": (
            rulebook(GD + "let big = dataset.subjects > 100\n" + rule("big", "allow", "big")),
            manifest(),
        ),
        "nowhere": (rulebook(GD + closest), manifest(transfer__origin={"region": "HK", "city": "Hong Kong"})),
    }
    english = {name: _texts(decide(book, item)) for name, (book, item) in books.items()}
    assert english == {
        "closest": [
            "no rule of gd permits this transfer",
            "would allow if mechanisms.standard_contract.filed_on were set",
            "would allow if mechanisms.notice_given were false",
            "would allow if exporter.ciio were true",
        ],
        "let": [
            "no rule of gd permits this transfer",
            "would allow if this held (now dataset.subjects = 10)",
        ],
        "nowhere": [
            "no ruleset covers HK → HK; transfers are denied unless a ruleset applies (fail closed)",
            "check the origin and destination regions, or add a ruleset that covers this route",
        ],
    }
    for lang in LANGS:
        for name, (book, item) in books.items():
            texts = _texts(decide(book, item, lang=lang))
            assert len(texts) == len(english[name])
            for text in texts:
                assert _no_english(text) == [], text
    assert _texts(decide(*books["closest"], lang="zh-Hans"))[1:3] == [
        "填写 mechanisms.standard_contract.filed_on 即可允许",
        "mechanisms.notice_given 为 false 即可允许",
    ]
    assert (
        _texts(decide(*books["let"], lang="zh-Hant"))[1]
        == "此條件成立即可允許（目前：dataset.subjects = 10）"
    )


def test_an_allow_resting_on_defaults_is_said_in_chinese() -> None:
    result = decide(rulebook(GD + rule("ok", "allow", "not exporter.ciio")), manifest())
    (warning,) = [w for w in result.warnings if w.code == "W423"]
    assert warning.message == (
        "the allow rests on the schema's default for `exporter.ciio` = false: the manifest does not state "
        "it; state each so that the decision rests on facts"
    )
    for lang in LANGS:
        assert _no_english(localize(warning.message, lang)) == []


def test_the_trace_says_its_errors_in_the_language_asked_for() -> None:
    book = rulebook(
        GD + ALLOW_ALL + rule("late", "deny", "mechanisms.standard_contract.filed_on > transfer.date")
    )
    english = explain_manifest(book, manifest())
    (late,) = [r for ruleset in english.rulesets for r in ruleset.rules if r.id == "gd/late"]
    assert late.error == "E301: `mechanisms.standard_contract.filed_on` has no value"
    chinese = explain_manifest(book, manifest(), lang="zh-Hant")
    (late,) = [r for ruleset in chinese.rulesets for r in ruleset.rules if r.id == "gd/late"]
    assert late.error == "E301：`mechanisms.standard_contract.filed_on` 沒有值"
    with pytest.raises(UsageError) as raised:
        explain_manifest(book, manifest(), rule="gd/lat")
    (unknown,) = raised.value.diagnostics
    assert unknown.hint == "did you mean `gd/late`?"
    _said_in_chinese(unknown)


def test_two_organisation_schemas_are_refused_in_chinese(tmp_path: Path) -> None:
    """E424, from the rule loader: an organisation has one schema of its own facts."""
    from gba_dataflow.core.errors import CheckError
    from gba_dataflow.engine.rulebook import organisation_schema_file
    from gba_dataflow.manifests.schema import ORGANISATION_FILE

    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / ORGANISATION_FILE).write_text("{}", encoding="utf-8")
    with pytest.raises(CheckError) as raised:
        organisation_schema_file([tmp_path / "a", tmp_path / "b"])
    (diagnostic,) = raised.value.diagnostics
    assert diagnostic.code == "E424"
    assert diagnostic.hint == "keep one organisation.schema.json for all your organisation's rules"
    assert render_diagnostic(diagnostic, "en") == diagnostic.render()
    for lang in LANGS:
        rendered = re.sub(re.escape(str(tmp_path)) + r"[/\w.]*", " ", render_diagnostic(diagnostic, lang))
        assert _no_english(rendered) == [], rendered
