"""The `text` report lays itself out exactly as rich would: random runs rendered by the report and by rich
(`rich_oracle`: the same blocks handed to a rich console) give the same bytes, colour codes included, at
any width.

The random runs are derandomized (CI is deterministic). `GBA_LAYOUT_EXAMPLES=3000` runs many more, with a
random seed (a failure prints the blob that replays it):

    GBA_LAYOUT_EXAMPLES=3000 .venv/bin/pytest -q tests/reports/test_reports_text_identity.py -k styled
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import os
import random
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import rich_oracle
from hypothesis import HealthCheck, example, given, reject, settings
from hypothesis import strategies as st
from report_samples import RULES, mixed_run, zh_run
from rich.cells import cell_len
from rich.console import Console
from rich.padding import Padding
from rich.text import Text as RichText

from gba_dataflow.core.errors import Diagnostic, Severity
from gba_dataflow.engine.model import (
    Fact,
    FailedCondition,
    ManifestResult,
    Obligation,
    Reason,
    Remedy,
    Route,
    RunResult,
    Verdict,
    Warning,
)
from gba_dataflow.reports.common import printable
from gba_dataflow.reports.text import render_text
from gba_dataflow.reports.text_layout import ONE_CELL_MARKS, Block, Grid, Indent, Page, Span, Text, _cells

ROOT = Path(__file__).resolve().parents[2]
RICH_MAJOR = importlib.metadata.version("rich").split(".")[0]
pytestmark = pytest.mark.skipif(
    RICH_MAJOR != "15",
    reason=f"the oracle is rich 15's layout, which reports/text_layout.py reproduces (rich {RICH_MAJOR} is "
    "installed); the golden tests still check the report",
)
_EXTRA = int(os.environ.get("GBA_LAYOUT_EXAMPLES", "0"))
SETTINGS = settings(
    deadline=None,
    derandomize=not _EXTRA,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _examples(count: int) -> int:
    """`count` examples, or as many as `GBA_LAYOUT_EXAMPLES` asks for."""
    return _EXTRA or count


CJK = "核心数据不得出境。关键信息基础设施运营者在境内收集和产生的个人信息，《个人信息保护法》第三十八条（一）"
SPECIAL = [
    "\t",
    "\n",
    "\x1b[2J",
    "\x07",
    "\x00",
    "\r\n",
    "\u3000",  # ideographic space: whitespace two cells wide
    "\xa0",
    "\u2028",
    "e\u0301",  # a combining accent: no width of its own
    "\u200b",
    "👍",
    "❤\ufe0f",  # widened by a variation selector
    "👨\u200d👩\u200d👧",  # joined by zero-width joiners
    "\u200d",
    "\ufe0f",
    "dataset.fields[2]",
    "[bold]not markup[/bold]",
    "§ 3",
    "·",
    "→",
    "✔ ✘ ✗",
    "PIPL Art. 38(1)",
]
SEPARATORS = [" ", " ", " ", " ", "  ", "", "\t", "\n", " \n", "\n\n", "   "]


def _token_pool(size: int = 4000) -> list[str]:
    """Words with the blanks after them: short and long ASCII words, CJK runs and odd characters. Drawn
    from a pool, one draw a word, as building each word with hypothesis made the runs slow to generate."""
    rng = random.Random(20250115)
    letters = "abcdefghijklmnopqrstuvwxyz0123456789.,:;()-_/ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    pool = ["a ", "word "]
    while len(pool) < size:
        kind = rng.randrange(4)
        if kind == 0:
            token = "".join(rng.choices(letters, k=rng.randint(1, 12)))
        elif kind == 1:  # a long unbroken word, folded over lines
            token = "".join(rng.choices(letters, k=rng.randint(15, 100)))
        elif kind == 2:
            start = rng.randrange(len(CJK))
            token = (CJK * 2)[start : start + rng.randint(1, 30)]
        else:
            token = rng.choice(SPECIAL)
        pool.append(token + rng.choice(SEPARATORS))
    return pool


WORDS = st.sampled_from(_token_pool())
texts = st.lists(WORDS, max_size=6).map("".join)
short_texts = st.lists(WORDS, max_size=3).map("".join)
maybe = st.one_of(st.none(), short_texts)
values = st.one_of(
    st.integers(-(10**6), 10**9),
    st.booleans(),
    st.none(),
    short_texts,
    st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31)),
    st.lists(short_texts, max_size=3),
)
lines = st.one_of(st.none(), st.integers(1, 9999))
facts = st.builds(Fact, short_texts, st.just("/p"), values, lines, lines)
fact_tuples = st.lists(facts, max_size=2).map(tuple)
citations = st.lists(texts, max_size=2).map(tuple)

reasons = st.builds(
    Reason,
    rule=short_texts,
    effect=st.sampled_from(["allow", "deny"]),
    message=texts,
    citations=citations,
    facts=fact_tuples,
    source=short_texts,
)
obligations = st.builds(Obligation, rule=short_texts, text=texts)
warnings = st.builds(
    Warning,
    message=texts,
    rule=maybe,
    code=maybe,
    citations=citations,
    facts=fact_tuples,
    source=maybe,
    json_path=maybe,
    line=lines,
    column=lines,
)
failed_conditions = st.builds(FailedCondition, condition=short_texts, suggestion=texts, facts=fact_tuples)
remedies = st.builds(
    Remedy,
    rule=short_texts,
    kind=st.sampled_from(["remedy", "closest_allow"]),
    text=texts,
    failed_conditions=st.lists(failed_conditions, max_size=2).map(tuple),
)
diagnostics = st.builds(
    Diagnostic,
    code=st.sampled_from(["E410", "W412", "I001"]),
    message=texts,
    hint=maybe,
    severity=st.sampled_from(list(Severity)),
    json_path=maybe,
    excerpt=maybe,
    notes=st.lists(short_texts, max_size=2).map(tuple),
)
results = st.builds(
    ManifestResult,
    manifest=short_texts,
    id=maybe,
    route=st.builds(Route, maybe, maybe, maybe, maybe),
    decision=st.sampled_from(list(Verdict)),
    as_of=st.one_of(st.none(), st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31))),
    reasons=st.lists(reasons, max_size=2).map(tuple),
    obligations=st.lists(obligations, max_size=2).map(tuple),
    warnings=st.lists(warnings, max_size=1).map(tuple),
    remedies=st.lists(remedies, max_size=1).map(tuple),
    errors=st.lists(diagnostics, max_size=1).map(tuple),
    title=maybe,
)
runs = st.builds(
    RunResult,
    rules=st.just(RULES),
    results=st.lists(results, max_size=2).map(tuple),
    lang=st.sampled_from(["en", "zh-Hans", "zh-Hant", "fr"]),
)
widths = st.one_of(st.integers(10, 120), st.integers(10, 40))


@settings(SETTINGS, max_examples=_examples(300))
@given(run=runs, width=widths, color=st.booleans(), verbose=st.booleans())
def test_the_report_is_laid_out_as_rich_laid_it_out(
    run: RunResult, width: int, color: bool, verbose: bool
) -> None:
    """Concise, verbose and quiet, plain and in colour."""
    expected = rich_oracle.render_text(run, color=color, width=width, verbose=verbose)
    assert render_text(run, color=color, width=width, verbose=verbose) == expected
    expected = rich_oracle.render_text(run, color=color, width=width, quiet=True)
    assert render_text(run, color=color, width=width, quiet=True) == expected


@settings(SETTINGS, max_examples=_examples(40))
@given(run=runs, width=st.integers(1, 9), color=st.booleans())
def test_the_report_is_laid_out_as_rich_laid_it_out_in_a_few_cells(
    run: RunResult, width: int, color: bool
) -> None:
    """Indented blocks with no room left disappear; wider lines are cut."""
    assert render_text(run, color=color, width=width) == rich_oracle.render_text(
        run, color=color, width=width
    )


STYLES = [
    "",
    "bold",
    "dim",
    "italic",
    "underline",
    "red",
    "green",
    "bold cyan",
    "dim yellow",
    "bold underline",
]


TRICKY = [
    "\u200d",  # zero-width joiner: rich's `cell_len` does not count the character after it
    "\u200b",  # zero-width space (not whitespace to Python: no break there)
    "\u200c",  # zero-width non-joiner
    "\u2060",  # word joiner
    "\u0301",  # a combining accent
    "\u20e3",  # combining enclosing keycap
    "\ufe0f",  # variation selector 16: widens some one-cell characters to two
    "\ufe0e",  # variation selector 15
    "\U0001f3fb",  # an emoji skin-tone modifier
    "\xad",  # soft hyphen
    "\u1160",  # a Hangul filler, no width
    "\u3000",  # ideographic space: whitespace two cells wide
    "\t",
    "\n",
    "👍",
    "👨",
    "❤",
    "☺",
    "核",
]
tricky_texts = st.builds(
    str.__add__,
    st.lists(st.sampled_from([*TRICKY, "a", "b", "xyz", " ", " ", "  "]), max_size=10).map("".join),
    st.sampled_from(["", *TRICKY]),
)
"""Short runs where zero-width, combining and wide characters meet letters and blanks, often ending with
one of them, where the next part's style starts: the token pool draws such a character in few words."""


def _rich_lines(render: Callable[[Console], None], width: int, color: bool) -> str | None:
    """What `render` prints on a rich console `width` cells wide, tidied; None where rich fails.

    rich 15 fails (ZeroDivisionError in `rich.cells`) cutting a line that starts with two zero-width
    joiners and a wide character: `cell_len` counts the character, its grapheme split does not. There is
    no rich layout to compare then."""
    console = rich_oracle.recording_console(color, width)
    try:
        render(console)
    except ZeroDivisionError:
        return None
    return rich_oracle.tidy(console.export_text(styles=color))


@settings(SETTINGS, max_examples=_examples(300))
@given(
    parts=st.lists(
        st.tuples(st.one_of(texts, tricky_texts).map(printable), st.sampled_from(STYLES)),
        min_size=1,
        max_size=4,
    ),
    base=st.sampled_from(STYLES),
    overlays=st.lists(
        st.tuples(st.integers(0, 80), st.integers(0, 80), st.sampled_from(STYLES[1:])), max_size=3
    ),
    indent=st.integers(0, 6),
    width=st.one_of(st.integers(1, 12), st.integers(1, 60)),
    soft=st.booleans(),
)
# a zero-width joiner that ends a styled piece, the character it joins in the next piece: rich measures a
# line piece by piece when it cuts it to the width, and the joined character then takes its cells
@example(parts=[("a\u200d", "red"), ("b c", "")], base="", overlays=[], indent=0, width=3, soft=False)
@example(parts=[("核\u200d", "bold"), ("核核", "")], base="", overlays=[], indent=2, width=6, soft=False)
@example(
    parts=[("x\u200d", "red"), ("\u3000y", "green")], base="dim", overlays=[], indent=1, width=3, soft=False
)
@example(
    parts=[("👨\u200d👩\u200d👧 x", "")], base="", overlays=[(0, 2, "bold")], indent=0, width=4, soft=False
)
@example(parts=[("a\u200d", "red"), ("b c", "")], base="", overlays=[], indent=0, width=3, soft=True)
def test_styled_text_is_laid_out_as_rich_lays_it_out(
    parts: list[tuple[str, str]],
    base: str,
    overlays: list[tuple[int, int, str]],
    indent: int,
    width: int,
    soft: bool,
) -> None:
    """Overlapping styles (the later colour wins) and a base style, beyond what the report itself needs;
    zero-width, combining and wide characters at breaks and at the ends of styles."""
    rich_text = RichText.assemble(*parts, style=base)
    text = Text(rich_text.plain, base)
    text.spans += Text.assemble(*parts).spans
    for start, end, style in overlays:
        rich_text.stylize(style, start, end)
        if start < min(end, len(text.plain)):
            text.spans.append(Span(start, min(end, len(text.plain)), style))
    page = Page(width, color=True)
    if soft:
        page.add_unwrapped(text)
        expected = _rich_lines(lambda console: console.print(rich_text, soft_wrap=True), width, True)
    else:
        page.add(Indent(text, indent))
        expected = _rich_lines(
            lambda console: console.print(Padding(rich_text, (0, 0, 0, indent))), width, True
        )
    if expected is None:
        reject()
    assert page.text() == expected


@pytest.mark.parametrize(
    ("block", "width", "expected"),
    [
        # the joiner ends the red piece: "b" takes its cell, " c" no longer fits
        (Text.assemble(("a\u200d", "red"), ("b c", "")), 3, "a\u200db\n"),
        (Indent(Text.assemble(("a\u200d", "red"), ("b c", "")), 2), 5, "  a\u200db\n"),
        # a wide character joined: its two cells count, the last one is cut
        (Text.assemble(("核\u200d", "bold"), ("核核", "")), 4, "核\u200d核\n"),
        (Text.assemble(("👨\u200d", "bold"), ("👩\u200d👧 x", "")), 4, "👨\u200d👩\u200d👧\n"),
        # the joined character is an ideographic space: the line ends with the joiner
        (Text.assemble(("x\u200d", "red"), ("\u3000y", "")), 2, "x\u200d\n"),
        # within one piece the joiner hides the character: nothing is cut
        (Text.assemble(("a\u200db c", "red")), 3, "a\u200db c\n"),
        (Text.assemble(("a\u200db", "red"), (" c", "red")), 3, "a\u200db c\n"),
        # a grid's value, alone and indented (its lines cut at the page's width, as rich's console cuts)
        (Grid([("label", Text.assemble(("a\u200d", "red"), ("b c", "")))]), 9, "label a\u200db\n"),
        (
            Indent(Grid([("label", Text.assemble(("a\u200d", "red"), ("b c d", "")))]), 2),
            11,
            "  label a\u200db\n        d\n",
        ),
    ],
)
def test_a_joiner_at_the_end_of_a_style_is_cut_as_rich_cuts(block: Block, width: int, expected: str) -> None:
    """Regression (found by the property test above): text is wrapped by the width of each line as a
    whole, where a zero-width joiner hides the next character, but rich's console then measures each line
    piece by piece (a piece per style) and cuts what overflows, the joined character counted."""
    for color in (False, True):
        page = Page(width, color=color)
        page.add(block)
        rich_page = rich_oracle.RichPage(width, color)
        rich_page.add(block)
        assert page.text() == rich_page.text()
        if not color:
            assert page.text() == expected


@pytest.mark.parametrize(
    "text",
    [Text.assemble(("a\u200d", "red"), ("b c", "")), Text.assemble(("核\u200d", "bold"), ("核核 x", ""))],
)
def test_text_printed_as_written_is_never_cut(text: Text) -> None:
    """Soft-wrapped (`add_unwrapped`), as rich's `print(soft_wrap=True)`: no line is cut, joiner or not."""
    for color in (False, True):
        page = Page(3, color=color)
        page.add_unwrapped(text)
        rich_page = rich_oracle.RichPage(3, color)
        rich_page.add_unwrapped(text)
        assert page.text() == rich_page.text()
    page = Page(3)
    page.add_unwrapped(text)
    assert page.text() == text.plain + "\n"


@pytest.mark.parametrize(
    ("environ", "color"),
    [
        ({"COLUMNS": "57"}, False),
        ({"COLUMNS": "57", "LINES": "20"}, True),
        ({"COLUMNS": "57", "TERM": "dumb"}, True),  # rich: a dumb terminal is 80 wide when in colour...
        ({"COLUMNS": "57", "TERM": "dumb", "LINES": "20"}, True),  # ...unless its height is known too
        ({"COLUMNS": "57", "TERM": "dumb"}, False),
        ({"COLUMNS": "0"}, False),
        ({}, False),
    ],
)
def test_the_default_width_is_the_one_rich_chose(
    monkeypatch: pytest.MonkeyPatch, environ: dict[str, str], color: bool
) -> None:
    """`width=None`: from $COLUMNS or the terminal, with rich's rules."""
    for name in ("COLUMNS", "LINES", "TERM"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    for run in (mixed_run(), zh_run()):
        assert render_text(run, color=color) == rich_oracle.render_text(run, color=color)


def test_rendering_the_text_report_does_not_import_rich_console() -> None:
    """Only `rich.cells` (display widths) is loaded: importing rich's console took about 35 ms of a start."""
    script = (
        "import sys\n"
        "sys.path.insert(0, 'tests/reports')\n"
        "from report_samples import mixed_run\n"
        "from gba_dataflow.reports import render_text\n"
        "text = render_text(mixed_run(), color=True, width=60)\n"
        "assert text.startswith('\\x1b[1;32m'), text[:40]\n"
        "print(sorted(m for m in sys.modules if m.startswith('rich')))\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    for module in ("rich.console", "rich.text", "rich.padding", "rich.segment", "rich.style", "rich._wrap"):
        assert f"'{module}'" not in loaded, loaded


def test_the_marks_measured_without_rich_are_one_cell_wide_in_rich() -> None:
    assert [cell_len(mark) for mark in ONE_CELL_MARKS] == [1] * len(ONE_CELL_MARKS)


@settings(SETTINGS, max_examples=_examples(300))
@given(text=texts)
def test_widths_measured_without_rich_are_rich_widths(text: str) -> None:
    assert _cells(text) == cell_len(text)
