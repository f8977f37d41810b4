"""Met obligations in the report formats: their own section, their own kind in summaries, a status in JSON."""

from __future__ import annotations

import json
from dataclasses import replace

from report_samples import allow_result, mixed_run

from gba_dataflow.engine.model import ObligationStatus
from gba_dataflow.reports.json_report import render_json
from gba_dataflow.reports.junit import render_junit
from gba_dataflow.reports.summary import closing_lines, render_markdown_summary, rule_counts
from gba_dataflow.reports.text import render_text

MET_RULE = "mainland_export/notice_duty_met"


def test_json_obligations_say_whether_they_are_to_do_or_met() -> None:
    result = json.loads(render_json(mixed_run()))["results"][0]
    assert [(item["rule"], item["status"]) for item in result["obligations"]] == [
        ("mainland_export/small_volume_exemption", "to_do"),
        ("gba_standard_contract/filed_contract", "to_do"),
        (MET_RULE, "met"),
    ]


def test_text_lists_met_obligations_under_their_own_heading_not_as_to_do() -> None:
    text = render_text(replace(mixed_run(), results=(allow_result(),)), color=False, width=100)
    to_do, met = text.split("Must still be done:")[1].split("Already met:")
    assert "1. Give notice" in to_do and "2. Keep the filed contract" in to_do and "3." not in to_do
    assert MET_RULE not in to_do
    assert met.splitlines()[1].strip().startswith("✔ The individuals were told")
    assert "Reasons:" in text and MET_RULE not in text.split("Must still be done:")[0]


def test_text_headings_of_met_obligations_in_chinese() -> None:
    run = replace(mixed_run(), results=(allow_result(),))
    assert "已履行：" in render_text(replace(run, lang="zh-Hans"), color=False, width=100)
    assert "已履行：" in render_text(replace(run, lang="zh-Hant"), color=False, width=100)


def test_a_duty_met_rule_counts_as_duty_met_never_as_an_allow_rule() -> None:
    counts = {(count.kind, count.rule) for count in rule_counts(mixed_run().results)}
    assert ("met", MET_RULE) in counts and ("allow", MET_RULE) not in counts
    by_rule = rule_counts(mixed_run().results)
    assert "duty met" in closing_lines(by_rule) and "已履行义务" in closing_lines(by_rule, "zh-Hans")
    assert "已履行義務" in closing_lines(by_rule, "zh-Hant")
    markdown = render_markdown_summary(mixed_run(), exit_code=1)
    assert f"| 1 | duty met | {MET_RULE.replace('_', chr(92) + '_')} |" in markdown


def test_a_rule_that_is_a_reason_is_not_also_counted_as_duty_met() -> None:
    result = allow_result()
    reason_rule = result.reasons[0].rule
    met_by_reason = replace(result.obligations[-1], rule=reason_rule)
    assert met_by_reason.status is ObligationStatus.MET
    result = replace(result, obligations=(*result.obligations, met_by_reason))
    kinds = [count.kind for count in rule_counts([result]) if count.rule == reason_rule]
    assert kinds == ["allow"]


def test_junit_lists_met_obligations_apart() -> None:
    xml = render_junit(replace(mixed_run(), results=(allow_result(),)))
    assert "Must still be done:" in xml and "Already met:" in xml
    assert (
        f"✔ The individuals were told the recipient's name and contact details (PIPL Art. 39). ({MET_RULE})"
        in xml
    )
    assert xml.index("Must still be done:") < xml.index("Already met:")
