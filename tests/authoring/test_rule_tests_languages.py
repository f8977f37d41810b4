"""`rules test` and `rules list` in zh-Hans and zh-Hant, layer by layer: the runner's differences are phrases
(English text, said in Chinese by the report) quoting the rules' own texts in the language asked for; the
reports put gba-dataflow's words in that language and leave English as it was."""

from __future__ import annotations

from authoring_helpers import FIXTURES

from gba_dataflow.app.rule_tests import run_rule_tests
from gba_dataflow.core.i18n import localize
from gba_dataflow.core.source import display_width
from gba_dataflow.dsl.parser import parse_text
from gba_dataflow.reports import rule_tests as report
from gba_dataflow.reports.rule_list import render_list_markdown, render_list_text, rule_rows
from gba_dataflow.reports.rule_tests import render_tests_text, threshold_message

RULES = FIXTURES / "rules"
FAILING = FIXTURES / "cases_failing"


def test_the_differences_are_english_phrases_that_quote_the_rules_in_the_language_asked_for() -> None:
    english = {r.case.name: r.failures for r in run_rule_tests([RULES], [FAILING]).failed}
    chinese = {r.case.name: r.failures for r in run_rule_tests([RULES], [FAILING], lang="zh-Hans").failed}
    wrong = chinese["expects the wrong decision"]
    assert wrong[0] == english["expects the wrong decision"][0] == "decision: expected allow, got deny"
    assert localize(wrong[0], "zh-Hans") == "结论：应为 `allow`，实为 `deny`"
    assert wrong[1] == "  demo/core_data: 核心数据不得出境。"  # the rule's zh-Hans `because`
    assert localize(wrong[2], "zh-Hant").startswith("規則：`demo/core_dta` 不是已載入規則集中的規則（")
    assert "`demo/core_data`" in localize(wrong[2], "zh-Hant")
    absent = chinese["expects an obligation that is not there"]
    assert localize(absent[0], "zh-Hans") == '义务：没有一项义务包含 "security assessment"'
    assert localize(absent[1], "zh-Hans").startswith("  实际：")
    broken = chinese["a manifest that does not load"]
    assert [localize(line, "zh-Hant") for line in broken[:1]] == ["清單無法載入："]
    assert broken[1:] == english["a manifest that does not load"][1:]  # E410 ... (at /dataset/subjects)
    assert localize(broken[1], "zh-Hans").startswith("  E410：")


def test_the_report_says_its_words_in_chinese_and_english_as_before() -> None:
    run = run_rule_tests([RULES], [FAILING])
    english = render_tests_text(run, coverage=True)
    assert render_tests_text(run, coverage=True, lang="en") == english
    assert "  FAIL expects the wrong decision  (line 4)" in english
    hant = render_tests_text(run, coverage=True, lang="zh-Hant")
    assert "  失敗 expects the wrong decision（第 4 行）" in hant
    assert "       結論：應為 `allow`，實為 `deny`" in hant
    assert report.tests_summary(run, "zh-Hant") in hant and report.tests_summary(run, "zh-Hant").startswith(
        "失敗 3，通過 "
    )
    assert "覆蓋率：" in hant and "拒絕 demo/core_data" in hant and "✔ 觸發 ×" in hant
    for word in ("PASS", "FAIL", "fired", "never", "coverage", "applies when", "deny ", "allow "):
        assert word not in hant, word
    assert english.count("\n") == hant.count("\n")


def test_the_threshold_message_in_each_language() -> None:
    assert threshold_message(87.5, 90) == "coverage 87.5% is under the threshold of 90%"
    assert threshold_message(87.5, 90, "zh-Hans") == "覆盖率 87.5% 低于阈值 90%"
    assert threshold_message(87.5, 92.5, "zh-Hant") == "覆蓋率 87.5% 低於門檻 92.5%"


LISTED = """\
ruleset listed
rule small
  effective from 2024-03-22
  allow when dataset.subjects < 10
  because "Small."
  cite "Data Policy 1.0"
       zh-Hans "数据政策第1.0条" zh-Hant "數據政策第1.0條"
rule never
  deny when dataset.core_data
  because "Never."
  cite "Data Policy 2.0"
"""


def test_rules_list_says_headings_effects_windows_and_citations_in_chinese() -> None:
    ruleset = parse_text(LISTED, "listed.rules")
    english = rule_rows([ruleset])
    assert render_list_text(english) == render_list_text(english, lang="en")
    assert [row.citations for row in english] == [("Data Policy 1.0",), ("Data Policy 2.0",)]
    hans = rule_rows([ruleset], "zh-Hans")
    assert [row.citations for row in hans] == [("数据政策第1.0条",), ("Data Policy 2.0",)]  # untranslated
    text = render_list_text(hans, lang="zh-Hans")
    assert text.splitlines()[0].split() == ["规则", "效果", "生效期"]
    assert "listed/small  允许  自 2024-03-22" in text and "listed/never  拒绝  始终有效" in text
    assert text.endswith("\n2 条规则\n")
    hant = render_list_markdown(rule_rows([ruleset], "zh-Hant"), "zh-Hant")
    assert hant.startswith("| 規則 | 效果 | 生效期 | 依據 |\n")
    assert "| `listed/small` | 允許 | 自 2024-03-22 | 數據政策第1.0條 |" in hant
    assert render_list_markdown(english) == render_list_markdown(english, "en")
    assert render_list_markdown(english).startswith("| rule | effect | window | citations |\n")


def test_a_long_chinese_citation_wraps_by_display_width() -> None:
    long = "本机构数据政策" * 12
    ruleset = parse_text(LISTED.replace('"数据政策第1.0条"', f'"{long}"'), "listed.rules")
    text = render_list_text(rule_rows([ruleset], "zh-Hans"), width=60, lang="zh-Hans")
    lines = text.splitlines()
    wrapped = lines[
        lines.index("listed/small  允许  自 2024-03-22") + 1 : lines.index("listed/never  拒绝  始终有效")
    ]
    assert len(wrapped) > 1 and "".join(line.strip() for line in wrapped) == long
    assert wrapped[0].startswith("    本") and all(line.startswith("      ") for line in wrapped[1:])
    assert all(display_width(line) <= 60 for line in wrapped)
