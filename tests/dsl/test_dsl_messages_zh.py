"""Every diagnostic of the rule language can be said in Chinese: each code of the parser (E1xx) and of the
static checks (E2xx, W2xx) is driven through the real parser and checker by a bad rule file, and every
diagnostic found is rendered in zh-Hans and zh-Hant (`render_diagnostic`) without an English word that
gba-dataflow wrote, while its English render is `Diagnostic.render()`, as before.

Which words are the author's and may stay as they are: the file's path, the names the file declares
(ruleset, rules, lets), quoted values and whatever is code (in backticks, options, dotted paths: see
`english_words`). The examples of `core/codes.py` are run too, so a new code's bad example is covered.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from gba_dataflow.core.codes import CODES
from gba_dataflow.core.errors import Diagnostic, DslSyntaxError
from gba_dataflow.core.i18n import localize
from gba_dataflow.dsl import limits
from gba_dataflow.dsl.checker import check_rulesets
from gba_dataflow.dsl.parser import parse_text
from gba_dataflow.engine.rulebook import manifest_catalog, rule_files
from gba_dataflow.reports.labels import render_diagnostic

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core"))
from language_checks import english_words
from test_i18n import _DIAGNOSTIC_BUILDERS, _is_literal_text

LANGS = ("zh-Hans", "zh-Hant")
HEADER = "ruleset demo\n"
RULE_END = '  because "x"\n  cite "c"\n'


def deny(condition: str, name: str = "r", extra: str = "") -> str:
    return f"rule {name}\n  deny when {condition}\n" + RULE_END + extra


# (the code that must be found, a whole rule file or more than one, separated by "\f")
CASES: list[tuple[str, str]] = [
    # ---- E1xx: syntax
    ("E100", HEADER + 'rule r\n  deny when dataset.core_data ==\n  because "x"\n'),
    ("E100", HEADER + "rule r\n  alow when dataset.core_data\n"),
    ("E100", HEADER + "rule r\n  deny when dataset.subjects = 3\n"),
    ("E100", HEADER + "rule r\n  deny when dataset.core_data\n  because x\n"),
    ("E100", HEADER + "rule r\n  effective from 2024\n  deny when dataset.core_data\n"),
    ("E100", HEADER + deny("dataset.subjects > 1__000")),
    ("E100", HEADER + deny("transfer.date + 1.5 days > transfer.date")),
    ("E100", HEADER + "rule r\n  deny when dataset.core_data and\n  because x\n"),
    ("E100", HEADER + 'rule r\n  deny when dataset.core_data\n  because "x" zh-Hans\n  cite "c"\n'),
    ("E100", HEADER + "rule r\n  deny when dataset.subjects >\n" + RULE_END),
    ("E100", HEADER + "rule r\n  deny when dataset.subjects > 1 1\n" + RULE_END),
    ("E101", HEADER + "rule r\n  deny when dataset.core_data\n  because"),
    ("E101", HEADER + "rule r\n  deny when dataset.subjects >"),
    ("E102", HEADER + "rule r\n  deny when dataset.subjects > 10 $\n"),
    ("E103", HEADER + 'rule r\n  deny when\n  because "x"\n'),
    ("E104", HEADER + 'rule r\n  deny when dataset.core_data\n  because "core data {dataset.core_data"\n'),
    ("E104", HEADER + 'rule r\n  deny when dataset.core_data\n  because "unclosed\n'),
    ("E104", HEADER + 'rule r\n  deny when dataset.core_data\n  because "a \\q b"\n  cite "c"\n'),
    ("E105", HEADER + deny("transfer.date > 2023-02-30")),
    ("E106", HEADER + deny("dataset.core_data", extra='  because "y"\n')),
    ("E106", HEADER + 'rule r\n  because "x"\n  cite "c"\n'),
    ("E106", 'ruleset demo\n  title "a"\n  title "b"\n' + deny("dataset.core_data")),
    ("E106", HEADER + 'rule r\n  deny when dataset.core_data\n  because "x" zh-Hans "甲" zh-Hans "乙"\n'),
    ("E107", deny("dataset.core_data")),
    (
        "E109",
        HEADER + 'rule r\n  deny when dataset.core_data\n  because "x"\n  cite "A" "B"\n    zh-Hans "甲"\n',
    ),
    (
        "E109",
        'ruleset demo\n  default because "no"\n  default cite "A" "B"\n    zh-Hant "甲" "乙" "丙"\n'
        + deny("dataset.core_data"),
    ),
    (
        "E106",
        HEADER + 'rule r\n  deny when dataset.core_data\n  because "x"\n  cite "A"\n'
        '    zh-Hans "甲"\n    zh-Hans "乙"\n',
    ),
    ("E150", HEADER + deny("not " * (limits.MAX_DEPTH + 1) + "dataset.core_data")),
    ("E151", HEADER + deny(" and ".join(["dataset.core_data"] * (limits.MAX_NODES + 10)))),
    ("E152", HEADER + deny("dataset.subjects > 1" + "0" * 30)),
    ("E152", HEADER + deny("dataset.subjects > 0." + "1" * 30)),
    ("E152", HEADER + deny("dataset.subjects > 9000000000000000.5")),
    ("E152", HEADER + deny("transfer.date + 99999 days > transfer.date")),
    # ---- E2xx / W2xx: checks
    ("E201", HEADER + deny("dataset.subject > 10")),
    ("E201", HEADER + deny('any f in dataset.fields: f.categry == "personal"')),
    ("E201", HEADER + deny("dataset.zzzzzzzz")),
    ("E202", HEADER + deny("dataset.subjects")),
    ("E202", HEADER + deny('dataset.subjects > "100"')),
    ("E202", HEADER + deny('transfer.date > "2024-01-01"')),
    ("E202", HEADER + deny('dataset.core_data == "yes"')),
    ("E202", HEADER + deny("dataset.core_data > true")),
    ("E202", HEADER + deny("dataset.subjects in 3")),
    ("E202", HEADER + deny('3 in {"a", "b"}')),
    ("E202", HEADER + deny("dataset.subjects contains 3")),
    ("E202", HEADER + deny('dataset.fields contains "x"')),
    ("E202", HEADER + deny("transfer.date + transfer.date > transfer.date")),
    ("E202", HEADER + deny("len(dataset.subjects) > 1")),
    ("E202", HEADER + deny("year(dataset.subjects) > 1")),
    ("E202", HEADER + deny('{1, "a"} contains 1')),
    ("E202", HEADER + deny("any f in dataset.subjects: f")),
    ("E202", HEADER + deny("any f in dataset.fields: f.name")),
    ("E202", HEADER + deny("not dataset.subjects")),
    ("E202", HEADER + deny("dataset.core_data and dataset.subjects")),
    ("E202", HEADER + "let n = dataset.subjects\n" + deny("n.x == 1")),
    ("E202", "ruleset demo\n  applies when dataset.subjects\n" + deny("dataset.core_data")),
    ("E203", HEADER + deny('transfer.exemption == "contrakt"')),
    ("E203", HEADER + deny('transfer.exemption == "zzzzzzzzzzzzzz"')),
    ("E204", HEADER + deny("dataset.core_data") + deny("exporter.ciio")),
    ("E205", HEADER + deny("dataset.core_data") + "\f" + HEADER + deny("exporter.ciio")),
    ("E206", HEADER + deny("corre_data")),
    ("E206", HEADER + deny("zzzzzzzz")),
    ("E206", HEADER + "let a = b\nlet b = a\n" + deny("a")),
    ("W207", HEADER + "let unused = dataset.core_data\n" + deny("exporter.ciio")),
    ("E208", HEADER + 'rule r\n  deny when dataset.core_data\n  cite "c"\n'),
    ("E209", HEADER + 'rule r\n  deny when dataset.core_data\n  because "x"\n'),
    ("E210", HEADER + deny("dataset.core_data", extra="  effective from 2024-01-01 until 2023-01-01\n")),
    ("W211", HEADER + deny("dataset.subjects > 10 and dataset.subjects < 5")),
    ("W211", HEADER + deny("dataset.core_data and not dataset.core_data")),
    ("W211", HEADER + deny("false")),
    ("W211", HEADER + deny("as_of < 2020-01-01", extra="  effective from 2024-01-01\n")),
    ("W211", "ruleset demo\n  applies when dataset.subjects > 10\n" + deny("dataset.subjects < 5")),
    (
        "W211",
        "ruleset demo\n  applies when dataset.subjects > 10 and dataset.subjects < 5\n"
        + deny("exporter.ciio"),
    ),
    ("W211", "ruleset demo\n  applies when false\n" + deny("exporter.ciio")),
    (
        "W212",
        HEADER
        + deny("dataset.core_data", "d")
        + deny("dataset.core_data", "a").replace("deny when", "allow when"),
    ),
    (
        "W212",
        HEADER
        + deny("dataset.core_data", "d", "  effective from 2025-01-01\n")
        + deny("dataset.core_data and exporter.ciio", "a").replace("deny when", "allow when"),
    ),
    (
        "W212",
        HEADER
        + deny("dataset.core_data", "d", "  effective until 2025-01-01\n")
        + deny("dataset.core_data", "a").replace("deny when", "allow when"),
    ),
    (
        "W212",
        HEADER
        + deny("dataset.core_data", "d", "  effective from 2024-01-01 until 2025-01-01\n")
        + deny("dataset.core_data", "a").replace("deny when", "allow when"),
    ),
    (
        "W213",
        'ruleset demo\n  default because "no" zh-Hans "否"\n  default remedy "fix"\n'
        '  default cite "c"\n'
        + 'rule a\n  deny when dataset.core_data\n  because "A." zh-Hans "甲。" zh-Hant "甲。"\n'
        '  cite "c"\n  remedy "r" zh-Hant "乙"\n'
        'rule b\n  allow when exporter.ciio\n  because "B."\n  cite "c"\n  require "q" zh-Hans "丙"\n'
        '  require "q2"\n  remedy "r2"\n',
    ),
    (
        "W213",
        'ruleset demo\n  default because "no"\n  default cite "D"\n'
        'rule a\n  deny when dataset.core_data\n  because "x"\n  cite "A"\n'
        '    zh-Hans "甲"\n    zh-Hant "甲"\n'
        'rule b\n  deny when exporter.ciio\n  because "x"\n  cite "B"\n    zh-Hans "乙"\n',
    ),
    ("E214", HEADER + deny("lenn(dataset.fields) > 1")),
    ("E214", HEADER + deny("zzzzzz(dataset.fields) > 1")),
    ("E214", HEADER + deny("days_between(transfer.date) > 1")),
    ("E214", HEADER + deny('has("x")')),
    (
        "E215",
        HEADER + 'rule r\n  deny when dataset.core_data\n  because "see {dataset.zzzzzzzz}"\n  cite "c"\n',
    ),
    ("E217", HEADER + deny('transfer.origin.region == "Guangdong"')),
    ("E217", HEADER + deny('transfer.origin.region == "!!"')),
    ("E225", HEADER + 'rule r\n  deny when dataset.core_data\n  met "done"\n  cite "c"\n'),
    (
        "W213",
        HEADER + 'rule a\n  allow when exporter.ciio\n  met "m" zh-Hans "甲"\n  met "n"\n  cite "c"\n',
    ),
    ("W220", HEADER + 'rule r\n  warn when dataset.core_data\n  because "x"\n  cite "c"\n  waivable\n'),
]


def _examples() -> list[tuple[str, str]]:
    """The bad example of each rule code of the registry, as a rule file (with a header where it has none)."""
    found = []
    for code in CODES.values():
        if code.code[:2] in ("E1", "E2", "W2") and code.bad and code.code != "E216":  # E216: rule tests
            text = code.bad if code.bad.startswith("ruleset") else HEADER + code.bad
            if text.startswith(HEADER + "applies when"):
                text = "ruleset demo\n  " + code.bad + "\n" + deny("dataset.core_data")
            found.append((code.code, text))
    return found


def diagnostics_of(text: str) -> list[Diagnostic]:
    """What the parser, else the checker, says of the rule files in `text` (separated by form feeds)."""
    try:
        rulesets = [parse_text(part, f"rules/f{index}.rules") for index, part in enumerate(text.split("\f"))]
    except DslSyntaxError as error:
        return error.diagnostics
    return check_rulesets(rulesets, manifest_catalog()).diagnostics


_DECLARED = re.compile(r"\b(?:ruleset|rule|let)\s+(\w+)")
_QUOTED = re.compile(r"\"[^\"\n]*\"|'[^'\n]*'")
_PATH = re.compile(r"rules/f\d+\.rules(?::\d+:\d+)?")


def english_left(rendered: str, text: str, excerpt: str | None = None) -> list[str]:
    """The English words of a Chinese render that are not the author's: `english_words` once the quoted
    source line (`excerpt`), the file's path, the names it declares and quoted values are out."""
    if excerpt:
        rendered = rendered.replace(excerpt, " ")
    for name in sorted(set(_DECLARED.findall(text)), key=len, reverse=True):
        rendered = re.sub(rf"\b{re.escape(name)}\b", " ", rendered)
    words: list[str] = english_words(_QUOTED.sub(" ", _PATH.sub(" ", rendered)))
    return words


def _ids(case: tuple[str, str]) -> str:
    return case[0]


@pytest.mark.parametrize("case", CASES + _examples(), ids=_ids)
def test_every_rule_diagnostic_is_said_in_chinese(case: tuple[str, str]) -> None:
    code, text = case
    found = diagnostics_of(text)
    assert found, "the bad rule file gave no diagnostic"
    if case in CASES:
        assert code in [d.code for d in found], [d.render() for d in found]
    for diagnostic in found:
        assert render_diagnostic(diagnostic, "en") == diagnostic.render()
        for lang in LANGS:
            rendered = render_diagnostic(diagnostic, lang)
            assert english_left(rendered, text, diagnostic.excerpt) == [], rendered


def test_the_cases_cover_every_code_of_the_parser_and_the_checks() -> None:
    rule_codes = {code for code in CODES if code[:2] in ("E1", "E2", "W2")} - {"E108", "E216"}
    assert rule_codes <= {code for code, _ in CASES}


@pytest.mark.parametrize("lang", LANGS)
def test_an_unreadable_rule_file_is_said_in_chinese(tmp_path: Path, lang: str) -> None:
    """E108 and E503, from the rule loader."""
    from gba_dataflow.engine.rulebook import parse_rule_files

    binary = tmp_path / "bad.rules"
    binary.write_bytes(b"ruleset x\n\xff\n")
    problems: list[Diagnostic] = []
    for attempt in (
        lambda: parse_rule_files([binary]),
        lambda: rule_files([tmp_path / "missing"]),
        lambda: rule_files([tmp_path / "empty"]),
    ):
        (tmp_path / "empty").mkdir(exist_ok=True)
        with pytest.raises(DslSyntaxError) as raised:
            attempt()
        problems.extend(raised.value.diagnostics)
    assert [d.code for d in problems] == ["E108", "E108", "E503"]
    for diagnostic in problems:
        rendered = render_diagnostic(diagnostic, lang)
        shown = re.sub(re.escape(str(tmp_path)) + r"[/\w.]*", " ", rendered)
        assert english_words(shown) == [], rendered


# ---- the English stays as it was; the Chinese says what the English says --------------------------------


def _first(text: str, code: str) -> Diagnostic:
    return next(d for d in diagnostics_of(text) if d.code == code)


def test_the_words_for_what_the_parser_expected_are_said_in_each_language() -> None:
    found = _first(HEADER + "rule r\n  deny when dataset.subjects > 10 $\n", "E102")
    assert found.hint == "remove it; operators are and, or, not, ==, !=, <, <=, >, >=, in, contains, + and -"
    assert localize(found.hint, "zh-Hans") == (
        "请删除它；运算符有 `and`、`or`、`not`、`==`、`!=`、`<`、`<=`、`>`、`>=`、`in`、`contains`、`+`和`-`"
    )
    typo = _first(HEADER + "rule r\n  alow when dataset.core_data\n", "E100")
    assert typo.hint == "did you mean `allow`?"
    assert localize(typo.hint, "zh-Hant") == "是否想寫 `allow`？"
    eof = _first(HEADER + "rule r\n  deny when dataset.subjects >", "E101")
    assert eof.message == (
        "expected a value (a manifest path, number, string, date, `(` or `{`) after `>`, "
        "found the end of the file"
    )
    assert localize(eof.message, "zh-Hans") == (
        "`>` 之后应为值（清单路径、数字、字符串、日期、`(` 或 `{`），但文件已结束"
    )


def test_type_words_are_said_in_each_language() -> None:
    found = _first(HEADER + deny('{1, "a"} contains 1'), "E202")
    assert found.message == "a set mixes number and string values"
    assert localize(found.message, "zh-Hans") == "集合中混有数字和字符串两种值"
    nested = _first(HEADER + deny("dataset.fields"), "E202")
    assert nested.message == (
        "the condition of `r` must be true or false, but it is a list of object `dataset.fields[]`"
    )
    assert localize(nested.message, "zh-Hant") == (
        "`r` 的條件必須為 true 或 false，但它是元素為物件 `dataset.fields[]`的列表"
    )


def test_a_shadowed_allow_names_the_overlap_of_windows_in_each_language() -> None:
    text = (
        HEADER
        + deny("dataset.core_data", "d", "  effective from 2024-01-01 until 2025-01-01\n")
        + deny("dataset.core_data", "a").replace("deny when", "allow when")
    )
    found = _first(text, "W212")
    assert found.message == (
        "allow rule `a` and deny rule `d` have the same condition: they always fire together from "
        "2024-01-01 until 2025-01-01, and the deny wins"
    )
    assert localize(found.message, "zh-Hans") == (
        "允许规则 `a` 与拒绝规则 `d` 的条件相同："
        "两者总是同时触发（2024-01-01 起至 2025-01-01 之前），而拒绝优先"
    )


def test_the_parser_builds_no_problem_from_an_english_literal() -> None:
    """`_Builder._problem` is the parser's own diagnostic builder; its name is too common for the package
    scan of tests/core/test_i18n.py (reports/junit.py has a `_problem` of its own), so it is checked here."""
    import ast

    from gba_dataflow.dsl import parser

    tree = ast.parse(Path(parser.__file__).read_text(encoding="utf-8"))
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "_problem"
    ]
    assert calls
    literal = [
        call.lineno for call in calls if any(_is_literal_text(arg) for arg in call.args[1:2] + call.args[3:4])
    ]
    assert literal == []
    assert "report" in _DIAGNOSTIC_BUILDERS  # the checker's `report` is scanned by the package scan


def test_warnings_from_the_rules_cache_are_still_said_in_chinese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cache stores the checker's warnings (engine/cache.py): a warning read back from it is the same
    phrase, nested phrases and lists included (W211 with its window, W212 with the overlap, W213 with its
    languages), and says the same in Chinese."""
    from gba_dataflow.core import diskcache
    from gba_dataflow.core.i18n import Phrase
    from gba_dataflow.engine.rulebook import load_rulebook

    monkeypatch.setenv(diskcache.ENV, str(tmp_path / "cache"))
    text = (
        'ruleset demo\n  default because "no" zh-Hans "否" zh-Hant "否"\n  default cite "c"\n'
        "let unused = dataset.core_data\n"
        + deny("dataset.core_data", "d", "  effective from 2024-01-01 until 2025-01-01\n")
        + deny("dataset.core_data", "a").replace("deny when", "allow when")
        + deny("as_of < 2020-01-01", "late", "  effective from 2024-01-01\n")
    )
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "demo.rules").write_text(text, encoding="utf-8")
    fresh = load_rulebook([rules]).warnings
    assert sorted((tmp_path / "cache").glob("rules-*.marshal"))
    monkeypatch.setattr("gba_dataflow.dsl.parser.parse_text", _not_again)  # the second load is a cache hit
    cached = load_rulebook([rules]).warnings
    assert {d.code for d in fresh} == {"W207", "W211", "W212", "W213"}
    assert cached == fresh
    for before, after in zip(fresh, cached, strict=True):
        assert isinstance(after.message, Phrase) and isinstance(after.hint, Phrase)
        for lang in LANGS:
            assert render_diagnostic(after, lang) == render_diagnostic(before, lang)
            rendered = render_diagnostic(after, lang).replace(str(rules / "demo.rules"), " ")
            assert english_left(rendered, text, after.excerpt) == [], rendered


def _not_again(*_: object, **__: object) -> None:
    raise AssertionError("the parser must not run on a cache hit")


@pytest.mark.parametrize("lang", LANGS)
def test_the_system_s_reason_for_an_unreadable_rule_file_is_translated(tmp_path: Path, lang: str) -> None:
    """E108 with the system's common reason said in Chinese (`os_problem`), a rare one quoted."""
    from gba_dataflow.dsl.parser import parse_file, unreadable_rule_file

    with pytest.raises(DslSyntaxError) as raised:
        parse_file(tmp_path / "missing.rules")
    (diagnostic,) = raised.value.diagnostics
    assert diagnostic.message == "cannot read rule file: No such file or directory"
    assert localize(diagnostic.message, "zh-Hans") == "无法读取规则文件：没有该文件或目录"
    rare = unreadable_rule_file(OSError(5, "Some rare trouble"))
    assert rare == "cannot read rule file: Some rare trouble"
    assert english_words(localize(rare, lang)) == []
