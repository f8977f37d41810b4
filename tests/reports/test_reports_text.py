"""The `text` format: verdict first, every section, quiet mode, colour on request, CJK by cell width."""

from __future__ import annotations

import dataclasses
import importlib.metadata
import re

import pytest
from golden import assert_golden
from hypothesis import given, settings
from hypothesis import strategies as st
from report_samples import RUNS, deny_result, error_result, mixed_run, zh_run
from rich.cells import cell_len
from rich.table import Table
from rich.text import Text
from rich_oracle import recording_console, tidy

from gba_dataflow.engine.model import RunResult
from gba_dataflow.reports import render_text
from gba_dataflow.reports.common import summary_line
from gba_dataflow.reports.summary import rule_counts
from gba_dataflow.reports.text_layout import Grid, Page
from gba_dataflow.reports.text_layout import Text as LayoutText

ANSI = re.compile(r"\x1b\[[0-9;]*m")
VERDICT_LINE = re.compile(r"^(✔ ALLOW|✘ DENY|! ERROR)( ! \d+ warnings?)?  ")


@pytest.mark.parametrize("name", sorted(RUNS))
def test_render_text_matches_golden(name: str) -> None:
    assert_golden(f"{name}.txt", render_text(RUNS[name](), color=False, width=100))


@pytest.mark.parametrize("name", sorted(RUNS))
def test_render_text_quiet_matches_golden(name: str) -> None:
    assert_golden(f"{name}.quiet.txt", render_text(RUNS[name](), color=False, width=100, quiet=True))


def test_render_text_zh_narrow_matches_golden() -> None:
    assert_golden("zh.narrow.txt", render_text(zh_run(), color=False, width=44))


def test_render_text_puts_the_verdict_first_for_each_manifest() -> None:
    run = mixed_run()
    text = render_text(run, color=False, width=100)
    verdicts = [line for line in text.splitlines() if VERDICT_LINE.match(line)]
    assert len(verdicts) == len(run.results)
    assert text.startswith(
        "✔ ALLOW  examples/manifests/shenzhen-bank-gba-contract-to-hk.yaml  (id: sz-bank-crm-to-hk)"
    )
    for result, line in zip(run.results, verdicts, strict=True):
        assert result.manifest in line


def test_render_text_shows_route_reasons_facts_obligations_remedies_and_errors() -> None:
    text = render_text(mixed_run(), color=False, width=200)
    assert "  CN-GD Shenzhen → HK Hong Kong · as of 2024-06-01\n" in text
    assert "cite Data Security Law, Art. 31" in text
    assert "fact exporter.ciio = false (line 14)\n" in text  # the manifest is named in the header
    assert "fact dataset.important_data = false\n" in text
    assert "source rules/" not in text  # only with --verbose
    assert "  Must still be done:\n    1. Give notice" in text
    assert "  To fix:\n" in text
    assert "→ closest allow: gba_standard_contract/filed_contract" in text
    assert "✗ has(mechanisms.gba_standard_contract.filed_on)\n" in text
    assert "would allow if mechanisms.gba_standard_contract.filed_on were set" in text
    assert "! W413" in text
    assert "dataset.fields[3]" in text  # brackets are text, never rich markup


def test_render_text_renders_errors_like_diagnostic_render() -> None:
    text = render_text(mixed_run(), color=False, width=60)
    for diagnostic in error_result().errors:
        rendered = "\n".join(f"    {line}" for line in diagnostic.render().splitlines())
        assert rendered in text  # never wrapped: the caret stays under the fault
    assert "manifests/broken.yaml:7:13: error E410:" in text
    assert "      hint: did you mean `HK`?" in text


def test_render_text_quiet_writes_one_line_per_manifest_and_the_summary() -> None:
    run = mixed_run()
    lines = render_text(run, color=False, width=40, quiet=True).splitlines()
    assert len(lines) == len(run.results) + 1 + 1 + len(rule_counts(run.results))  # summary, by rule
    assert all(VERDICT_LINE.match(line) for line in lines[: len(run.results)])
    assert lines[1] == (
        "✘ DENY  examples/manifests/important-data-refused.yaml  "
        "mainland_export/important_data_needs_assessment: "
        "Important data leaves the Mainland only after a CAC security assessment; dataset.fields[3] "
        "(reservoir_levels) is important data."
    )
    assert lines[3].startswith("! ERROR  manifests/broken.yaml  E410: ")
    assert lines[0].startswith("✔ ALLOW ! 1 warning  examples/")  # the warn rule that fired shows
    assert lines[4] == "4 manifests: 1 allowed, 2 denied, 1 with input errors, 1 with warnings"


def test_render_text_ends_with_the_summary_line() -> None:
    summary = "\n\n4 manifests: 1 allowed, 2 denied, 1 with input errors, 1 with warnings\n"
    assert summary + "  manifests per rule that fired:\n" in render_text(mixed_run(), color=False)
    assert render_text(zh_run(), color=False).endswith("\n1 份清单：允许 0，拒绝 1，输入错误 0，有警告 0\n")


def test_summary_line_counts_every_verdict() -> None:
    assert summary_line({"allow": 1, "deny": 1, "error": 1}, 1) == (
        "3 manifests: 1 allowed, 1 denied, 1 with input errors, 1 with warnings"
    )
    assert summary_line({}) == "0 manifests: 0 allowed, 0 denied, 0 with input errors, 0 with warnings"
    assert summary_line({"allow": 1}, 0, "zh-Hant") == "1 份清單：允許 1，拒絕 0，輸入錯誤 0，有警告 0"


def test_render_text_without_color_has_no_escape_codes_or_trailing_blanks() -> None:
    text = render_text(mixed_run(), color=False, width=100)
    assert "\x1b" not in text
    assert all(line == line.rstrip() for line in text.splitlines())


def test_render_text_with_color_styles_the_same_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    run = mixed_run()
    colored = render_text(run, color=True, width=100)
    assert "\x1b[1;32m✔ ALLOW\x1b[0m" in colored
    assert "\x1b[1;31m✘ DENY\x1b[0m" in colored
    assert "\x1b[1;33m! ERROR\x1b[0m" in colored
    assert ANSI.sub("", colored) == render_text(run, color=False, width=100)


def test_render_text_without_color_ignores_force_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\x1b" not in render_text(mixed_run(), color=False, width=100)


def test_render_text_is_deterministic() -> None:
    assert render_text(mixed_run(), color=False, width=100) == render_text(
        mixed_run(), color=False, width=100
    )


def test_render_text_default_width_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "72")
    text = render_text(mixed_run(), color=False)
    assert max(cell_len(line) for line in text.splitlines() if not line.startswith("    manifests/")) <= 72


def test_render_text_of_an_empty_run_is_just_the_summary() -> None:
    empty = RunResult(rules=mixed_run().rules, results=())
    assert render_text(empty, color=False) == (
        "0 manifests: 0 allowed, 0 denied, 0 with input errors, 0 with warnings\n"
    )


# ---- CJK ---------------------------------------------------------------------------------------

WIDTH = 48


def _zh_lines() -> list[str]:
    return render_text(zh_run(), color=False, width=WIDTH).splitlines()


def test_render_text_wraps_cjk_by_display_width_not_characters() -> None:
    lines = _zh_lines()
    assert all(cell_len(line) <= WIDTH for line in lines)
    start = lines.index("    ✘ mainland_export/core_data_never_leaves") + 1
    message = lines[start : start + 4]
    assert "".join(line.strip() for line in message).startswith("核心数据不得出境。")
    full = [line for line in message if "。" not in line[-1:]][:2]
    assert full, message
    for line in full:
        assert line.startswith(" " * 6) and not line[6].isspace()  # wrapped lines keep the indent
        assert cell_len(line) >= WIDTH - 1  # a full line fills the width in cells...
        assert len(line) < WIDTH  # ...with fewer characters, since each ideograph takes two cells


def test_render_text_aligns_detail_values_after_cjk() -> None:
    lines = _zh_lines()
    labelled = [re.match(r"^( {6}(?:依据|事实|来源) +)\S", line) for line in lines]
    starts = {cell_len(match.group(1)) for match in labelled if match}
    assert starts == {11}  # every value starts in the same display column
    cite = next(index for index, match in enumerate(labelled) if match and "《" in lines[index])
    continuation = lines[cite + 1]
    assert continuation.startswith(" " * 11) and not continuation[11].isspace()  # wrapped CJK stays aligned


def test_render_text_shows_control_characters_from_manifests_instead_of_sending_them() -> None:
    hostile = dataclasses.replace(deny_result(), id="evil\x1b[2Jid", manifest="m\x07.yaml")
    text = render_text(RunResult(rules=mixed_run().rules, results=(hostile,)), color=True, width=100)
    assert "\x1b[2J" not in text and "\x07" not in text
    assert "evil\\x1b[2Jid" in text and "m\\x07.yaml" in text


words = st.sampled_from(
    [
        "a",
        "cite",
        "PIPL Art. 38(1)",
        "《个人信息保护法》第三十八条",
        "超长的中文字符串没有空格",
        "x" * 45,
        "·",
        "§ 3",
    ]
)
cells = st.lists(words, min_size=1, max_size=12).map(" ".join)


def _table_grid(rows: list[tuple[str, Text]], right: bool, label_style: str) -> Table:
    """The rich table the report's grid replaces: the oracle of its layout."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right" if right else "left", no_wrap=True, style=label_style)
    grid.add_column(overflow="fold")
    for label, value in rows:
        grid.add_row(Text(label), value)
    return grid


@pytest.mark.skipif(
    importlib.metadata.version("rich").split(".")[0] != "15",
    reason="the grid reproduces rich 15's table layout; another rich is installed",
)
@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.sampled_from(["cite", "fact", "source", "at", "1.", "12."]), cells),
        min_size=1,
        max_size=6,
    ),
    second_lines=st.lists(cells, max_size=6),
    right=st.booleans(),
    label_style=st.sampled_from(["", "dim"]),
    width=st.integers(20, 120),
    color=st.booleans(),
)
def test_the_report_grid_lays_out_as_a_rich_table_grid(
    rows: list[tuple[str, str]],
    second_lines: list[str],
    right: bool,
    label_style: str,
    width: int,
    color: bool,
) -> None:
    """Byte for byte, colour codes included."""
    values = [
        value + ("\n" + second_lines[index] if index < len(second_lines) else "")
        for index, (_, value) in enumerate(rows)
    ]
    table = _table_grid(
        [(label, Text(cell, style="italic")) for (label, _), cell in zip(rows, values, strict=True)],
        right,
        label_style,
    )
    console = recording_console(color, width)
    console.print(table)
    page = Page(width, color=color)
    page.add(
        Grid(
            [(label, LayoutText(cell, "italic")) for (label, _), cell in zip(rows, values, strict=True)],
            right=right,
            label_style=label_style,
        )
    )
    assert page.text() == tidy(console.export_text(styles=color))


def test_a_tab_in_a_grid_value_stops_within_the_column() -> None:
    """(rich's table measures a tab as no width, and so may break a short value at it; the grid does not.)"""
    page = Page(40)
    page.add(Grid([("fact", LayoutText("a\tb")), ("source", LayoutText("x"))], label_style="dim"))
    assert page.text() == "fact   a       b\nsource x\n"
