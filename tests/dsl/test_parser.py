"""The rule parser: valid syntax builds the right AST; invalid syntax gives located, worded errors."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gba_dataflow.core.errors import DslSyntaxError
from gba_dataflow.dsl import nodes
from gba_dataflow.dsl.parser import parse_text

HEADER = 'ruleset demo\n  title "Demo"\n'


def parse_rule(body: str) -> nodes.Rule:
    return parse_text(HEADER + body).rules[0]


def condition(text: str) -> nodes.Expr:
    return parse_rule(f'rule r\n  deny when {text}\n  because "x"\n  cite "y"\n').condition


def errors_of(text: str) -> list[tuple[str, int, int]]:
    with pytest.raises(DslSyntaxError) as caught:
        parse_text(text, "bad.rules")
    return [(d.code, d.line or 0, d.column or 0) for d in caught.value.diagnostics]


def test_parser_reads_a_full_ruleset() -> None:
    ruleset = parse_text(
        "ruleset mainland_export\n"
        '  title "Out of Guangdong" zh-Hans "出境"\n'
        '  applies when transfer.origin.region == "CN-GD"\n'
        '  default because "nothing permits it"\n'
        '  default cite "PIPL, Art. 38"\n'
        'let spi = any f in dataset.fields: f.category == "sensitive_personal"\n'
        "rule small\n"
        "  effective from 2024-03-22 until 2030-01-01\n"
        "  allow when not spi and volume.personal_subjects_ytd < 100_000\n"
        '  because "{dataset.subjects} people" zh-Hans "中" zh-Hant "中"\n'
        '  cite "Provisions, Art. 5(4)" "PIPL, Art. 39"\n'
        '  require "notice"\n'
        '  require "consent"\n'
        '  remedy "none"\n',
        "x.rules",
    )
    assert ruleset.name == "mainland_export"
    assert ruleset.default_cites == ("PIPL, Art. 38",)
    rule = ruleset.rules[0]
    assert rule.effect == "allow"
    assert rule.effective_from == dt.date(2024, 3, 22)
    assert rule.effective_until == dt.date(2030, 1, 1)
    assert rule.cites == ("Provisions, Art. 5(4)", "PIPL, Art. 39")
    assert len(rule.requires) == 2
    assert rule.because is not None
    assert rule.because.text.parts[0] == nodes.Path(parts=("dataset", "subjects"))
    assert dict(rule.because.translations)["zh-Hant"].parts == ("中",)
    assert ruleset.lets[0].name == "spi"
    assert rule.span.line == 7


def test_numbers_with_underscores_and_dates() -> None:
    expr = condition("dataset.subjects >= 1_000_000 and transfer.date < 2024-03-22")
    assert isinstance(expr, nodes.BoolOp)
    first, second = expr.operands
    assert isinstance(first, nodes.Compare) and first.right == nodes.Literal(value=1_000_000)
    assert isinstance(second, nodes.Compare) and second.right == nodes.Literal(value=dt.date(2024, 3, 22))


def test_precedence_not_and_or() -> None:
    expr = condition("not a.b or c.d and e.f")
    assert isinstance(expr, nodes.BoolOp) and expr.op == "or"
    assert isinstance(expr.operands[0], nodes.Not)
    assert isinstance(expr.operands[1], nodes.BoolOp) and expr.operands[1].op == "and"


def test_quantifier_body_extends_to_the_right() -> None:
    expr = condition('a.b and any f in dataset.fields: f.category == "personal" and f.name == "x"')
    assert isinstance(expr, nodes.BoolOp) and len(expr.operands) == 2
    quantifier = expr.operands[1]
    assert isinstance(quantifier, nodes.Quantifier)
    assert isinstance(quantifier.body, nodes.BoolOp) and len(quantifier.body.operands) == 2


def test_operators_sets_calls_and_durations() -> None:
    expr = condition(
        'x.y not in {"HK", "MO",} and s.t contains "a" and count(f in d.fields: f.k) > 2 '
        "and working_days_between(a.b, c.d) <= 10 and a.b + 10 days > as_of and has(m.n)"
    )
    assert isinstance(expr, nodes.BoolOp)
    ops = expr.operands
    assert isinstance(ops[0], nodes.Compare) and ops[0].op == "not in"
    assert isinstance(ops[0].right, nodes.SetLiteral) and len(ops[0].right.items) == 2
    assert isinstance(ops[1], nodes.Compare) and ops[1].op == "contains"
    assert isinstance(ops[2], nodes.Compare) and isinstance(ops[2].left, nodes.Count)
    assert isinstance(ops[3], nodes.Compare) and isinstance(ops[3].left, nodes.Call)
    assert isinstance(ops[4], nodes.Compare) and isinstance(ops[4].left, nodes.Arith)
    assert ops[4].left.right == nodes.Duration(days=10)
    assert ops[5] == nodes.Call(name="has", args=(nodes.Path(parts=("m", "n")),))


def test_string_escapes_and_interpolation() -> None:
    rule = parse_rule('rule r\n  deny when a.b\n  because "say \\"hi\\" {{literal}} {f.name}"\n  cite "c"\n')
    assert rule.because is not None
    assert rule.because.text.parts == ('say "hi" {literal} ', nodes.Path(parts=("f", "name")))


def test_comments_are_ignored() -> None:
    ruleset = parse_text("# header comment\nruleset x # trailing\nrule r # note\n  deny when a.b\n")
    assert ruleset.rules[0].name == "r"


def test_spans_do_not_affect_equality() -> None:
    one = parse_text("ruleset x\nrule r\n  deny when a.b\n")
    two = parse_text("ruleset x\n\n\nrule r deny when    a.b\n")
    assert one == two


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('ruleset x\nrule r\n  deny when\n  because "x"\n', [("E103", 4, 3)]),
        ("ruleset x\nrule r\n  deny when a and", [("E101", 3, 18)]),
        ("ruleset x\nrule r\n  deny when a $ b\n", [("E102", 3, 15)]),
        ('ruleset x\nrule r\n  deny when a == "abc\n', [("E104", 3, 18)]),
        ("rule r\n  deny when a\n", [("E107", 1, 1)]),
        ("", [("E107", 1, 1)]),
        ("ruleset x\nrule r\n  effective from 2024-02-30\n  deny when a\n", [("E105", 3, 18)]),
        ("ruleset x\nrule r\n  deny when a\n  allow when b\n", [("E106", 4, 3)]),
        ('ruleset x\nrule r\n  deny when a\n  because "{a b}"\n', [("E104", 4, 11)]),
        ('ruleset x\nrule r\n  because "x"\n', [("E106", 2, 6)]),
    ],
)
def test_syntax_errors_have_codes_and_positions(text: str, expected: list[tuple[str, int, int]]) -> None:
    assert errors_of(text) == expected


def test_several_errors_are_reported_in_one_run() -> None:
    text = (
        "ruleset x\nrule r\n  deny when a = 1\n"
        'rule s\n  allow when b ==\n  because "x"\nrule t\n  allow when c\n'
    )
    found = errors_of(text)
    assert [code for code, _, _ in found] == ["E100", "E100"]
    assert [line for _, line, _ in found] == [3, 6]


def test_error_message_is_worded_for_people() -> None:
    with pytest.raises(DslSyntaxError) as caught:
        parse_text("ruleset x\nrule r\n  deny when a = 1\n", "bad.rules")
    rendered = str(caught.value)
    assert "bad.rules:3:15" in rendered
    assert "deny when a = 1" in rendered and "^" in rendered
    assert "compare with `==`" in rendered


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_raises_only_syntax_errors(text: str) -> None:
    try:
        parse_text(text)
    except DslSyntaxError as error:
        assert error.diagnostics
        assert all(d.code.startswith("E1") for d in error.diagnostics)


KEYWORDS = [
    "ruleset",
    "rule",
    "let",
    "deny",
    "allow",
    "when",
    "because",
    "cite",
    "and",
    "or",
    "not",
    "any",
    "in",
    ":",
    "{",
    "}",
    "(",
    ")",
    "==",
    "<",
    "x.y",
    '"s"',
    "1_000",
    "2024-03-22",
    "\n",
    "days",
    "+",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(KEYWORDS), max_size=40))
def test_token_soup_raises_only_syntax_errors(tokens: list[str]) -> None:
    try:
        parse_text("ruleset x\n" + " ".join(tokens))
    except DslSyntaxError as error:
        assert all(d.span is not None and d.line and d.line >= 1 for d in error.diagnostics)


def test_spans_run_from_the_first_keyword_to_the_last_token() -> None:
    text = (
        HEADER + 'rule r\n  deny when not (a.b or c.d) and {1, 2} contains x.y\n  because "x"\n  cite "y"\n'
    )
    rule = parse_text(text).rules[0]

    def source_of(node: nodes.Node) -> str:
        return text[node.span.start : node.span.end]

    assert source_of(rule).startswith("rule r") and source_of(rule).endswith('cite "y"')
    assert (rule.span.line, rule.span.column) == (3, 1)
    condition = rule.condition
    assert isinstance(condition, nodes.BoolOp) and condition.op == "and"
    negated, contains = condition.operands
    assert source_of(condition) == "not (a.b or c.d) and {1, 2} contains x.y"
    assert source_of(negated) == "not (a.b or c.d)"  # the parentheses belong to the parent
    assert isinstance(negated, nodes.Not)
    assert source_of(negated.operand) == "a.b or c.d"  # an expression in parentheses keeps its own span
    assert source_of(contains) == "{1, 2} contains x.y"
    assert isinstance(contains, nodes.Compare) and source_of(contains.left) == "{1, 2}"


def test_an_effective_clause_with_and_without_until() -> None:
    rule = parse_rule('rule r\n  effective from 2024-01-01\n  deny when true\n  because "x"\n  cite "y"\n')
    assert (rule.effective_from, rule.effective_until) == (dt.date(2024, 1, 1), None)
    rule = parse_rule(
        'rule r\n  effective from 2024-01-01 until 2025-01-01\n  deny when true\n  because "x"\n  cite "y"\n'
    )
    assert (rule.effective_from, rule.effective_until) == (dt.date(2024, 1, 1), dt.date(2025, 1, 1))


def test_token_spans_are_the_spans_their_offsets_give() -> None:
    """The builder takes a token's span from its lexed positions; `SourceFile.span` computes it from the
    offsets. On every token of the shipped rules they agree."""
    from gba_dataflow.core.source import SourceFile
    from gba_dataflow.dsl.parser import _Builder, _parser

    for path in sorted((Path(__file__).resolve().parents[2] / "rules").glob("*.rules")):
        text = path.read_text(encoding="utf-8")
        source = SourceFile(str(path), text)
        builder = _Builder(source)
        tokens = list(_parser().lex(text))
        assert len(tokens) > 500
        for token in tokens:
            assert builder._tspan(token) == source.span(token.start_pos, token.end_pos), token


@pytest.mark.parametrize("was_enabled", [True, False])
@pytest.mark.parametrize("text", ["ruleset x\nrule y deny when a == 1\n", "ruleset x\nrule y deny when (\n"])
def test_parsing_pauses_the_garbage_collector_and_restores_it(was_enabled: bool, text: str) -> None:
    enabled = gc.isenabled()
    try:
        gc.enable() if was_enabled else gc.disable()
        with contextlib.suppress(DslSyntaxError):
            parse_text(text)
        assert gc.isenabled() is was_enabled
    finally:
        gc.enable() if enabled else gc.disable()


def test_problems_before_a_syntax_error_are_left_to_the_reparse() -> None:
    """A bad date before a syntax error in the same stretch of text is not reported: only the syntax error
    is, and parsing resumes at the next top-level `rule` (whose own problems are reported)."""
    text = (
        "ruleset x\nrule r\n  effective from 2024-02-30\n  deny when a = 1\n"
        "rule s\n  effective from 2024-02-31\n  deny when b\n"
    )
    assert errors_of(text) == [("E100", 4, 15), ("E105", 6, 18)]


def test_parses_in_two_threads_keep_their_own_nodes() -> None:
    """Each parse has its own builder, though Lark's parser (and its transformer) is shared."""
    from concurrent.futures import ThreadPoolExecutor

    texts = [f"ruleset r{index}\nrule q{index}\n  deny when a.b{index} == {index}\n" for index in range(40)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        parsed = list(pool.map(parse_text, texts))
    assert [ruleset.rules[0].name for ruleset in parsed] == [f"q{index}" for index in range(40)]
    assert [ruleset.name for ruleset in parsed] == [f"r{index}" for index in range(40)]


def test_every_grammar_rule_that_builds_a_node_has_a_builder() -> None:
    """A rule marked `?` with a single symbol only ever passes its child on, and Lark splices the rules it
    makes for repetitions (`__name`) into their parent; every other rule is built."""
    from gba_dataflow.dsl.parser import _RULE_METHODS, _parser

    built = {
        str(rule.alias or rule.origin.name)
        for rule in _parser().rules
        if rule.alias or not (rule.options.expand1 and len(rule.expansion) == 1)
    }
    built = {name for name in built if not name.startswith("_")}
    assert "rule_decl" in built and "compare" in built
    assert built - {*_RULE_METHODS, "atom"} == set()


@pytest.mark.parametrize(
    ("line", "keyword"),
    [
        ("alow when dataset.core_data", "allow"),
        ("deny wen dataset.core_data", "when"),
        ('deny when dataset.core_data\n  becuase "x"', "because"),
    ],
)
def test_a_misspelt_keyword_gets_a_did_you_mean(line: str, keyword: str) -> None:
    with pytest.raises(DslSyntaxError) as caught:
        parse_text(f'ruleset s\n\nrule r\n  {line}\n  cite "c"\n', "t.rules")
    assert caught.value.first.code == "E100"
    assert caught.value.first.hint == f"did you mean `{keyword}`?"
