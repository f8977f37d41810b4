"""Translated citations (`cite "A" zh-Hans "甲"`): parsed, formatted, checked, cached, said per language."""

from __future__ import annotations

import pytest

from gba_dataflow.core.codes import CODES
from gba_dataflow.core.errors import Diagnostic, DslSyntaxError
from gba_dataflow.core.i18n import localize
from gba_dataflow.dsl import nodes
from gba_dataflow.dsl.checker import check_rulesets
from gba_dataflow.dsl.formatter import format_ruleset, format_text
from gba_dataflow.dsl.parser import parse_text
from gba_dataflow.engine import cache
from gba_dataflow.engine.rulebook import manifest_catalog

PIPL_38 = "PIPL (Personal Information Protection Law), Art. 38"
PIPL_38_HANS = "《中华人民共和国个人信息保护法》第三十八条"
PIPL_38_HANT = "《中華人民共和國個人信息保護法》第三十八條"
DSL_21 = "DSL (Data Security Law), Art. 21"
DSL_21_HANS = "《中华人民共和国数据安全法》第二十一条"
DSL_21_HANT = "《中華人民共和國數據安全法》第二十一條"

TRANSLATED = f"""ruleset demo
  default cite "{PIPL_38}"
               zh-Hans "{PIPL_38_HANS}"
               zh-Hant "{PIPL_38_HANT}"

rule core
  deny when dataset.core_data
  because "Core data may not leave."
  cite "{DSL_21}"
       zh-Hans "{DSL_21_HANS}"
       zh-Hant "{DSL_21_HANT}"
  cite "{PIPL_38}"
       zh-Hans "{PIPL_38_HANS}"
       zh-Hant "{PIPL_38_HANT}"
"""


def rule_with(cites: str) -> str:
    return f'ruleset demo\n\nrule core\n  deny when dataset.core_data\n  because "x"\n{cites}'


def errors_of(text: str) -> list[Diagnostic]:
    with pytest.raises(DslSyntaxError) as caught:
        parse_text(text, "bad.rules")
    return list(caught.value.diagnostics)


def findings(text: str, code: str) -> list[Diagnostic]:
    result = check_rulesets([parse_text(text, "t.rules")], manifest_catalog())
    return [d for d in result.diagnostics if d.code == code]


# ---- parsing --------------------------------------------------------------------------------------


def test_each_citation_is_said_in_the_language_asked_for() -> None:
    ruleset = parse_text(TRANSLATED)
    rule = ruleset.rules[0]
    assert rule.cites == (DSL_21, PIPL_38)
    assert rule.cites_in("zh-Hans") == (DSL_21_HANS, PIPL_38_HANS)
    assert rule.cites_in("zh-Hant") == (DSL_21_HANT, PIPL_38_HANT)
    assert rule.cites_in("en") == rule.cites
    assert ruleset.default_cites == (PIPL_38,)
    assert ruleset.default_cites_in("zh-Hant") == (PIPL_38_HANT,)
    assert ruleset.default_cites_in("en") == (PIPL_38,)


def test_a_translation_pairs_with_each_citation_of_its_clause_in_order() -> None:
    rule = parse_text(
        rule_with(f'  cite "{DSL_21}" "{PIPL_38}"\n       zh-Hans "{DSL_21_HANS}" "{PIPL_38_HANS}"\n')
    ).rules[0]
    assert rule.cites_in("zh-Hans") == (DSL_21_HANS, PIPL_38_HANS)
    assert [(t.cite, t.lang, t.text) for t in rule.cite_translations] == [
        (0, "zh-Hans", DSL_21_HANS),
        (1, "zh-Hans", PIPL_38_HANS),
    ]


def test_a_citation_without_a_translation_stays_english_among_translated_ones() -> None:
    rule = parse_text(
        rule_with(f'  cite "{DSL_21}"\n  cite "{PIPL_38}"\n       zh-Hant "{PIPL_38_HANT}"\n')
    ).rules[0]
    assert rule.cites_in("zh-Hant") == (DSL_21, PIPL_38_HANT)
    assert rule.cites_in("zh-Hans") == (DSL_21, PIPL_38)


def test_the_translations_of_a_later_clause_index_its_citations_after_the_earlier_ones() -> None:
    rule = parse_text(
        rule_with('  cite "a" "b"\n       zh-Hans "甲" "乙"\n  cite "c"\n       zh-Hans "丙"\n')
    ).rules[0]
    assert [(t.cite, t.text) for t in rule.cite_translations] == [(0, "甲"), (1, "乙"), (2, "丙")]
    assert rule.cites_in("zh-Hans") == ("甲", "乙", "丙")


def test_a_translated_citation_keeps_its_place_in_the_file() -> None:
    rule = parse_text(TRANSLATED, "t.rules").rules[0]
    first = rule.cite_translations[0]
    assert (first.span.path, first.span.line, first.span.column) == ("t.rules", 10, 16)


def test_one_clause_with_several_citations_equals_the_one_citation_per_clause_layout() -> None:
    several = rule_with('  cite "a" "b"\n       zh-Hans "甲" "乙"\n       zh-Hant "甲t" "乙t"\n')
    one_each = rule_with(
        '  cite "a"\n       zh-Hans "甲"\n       zh-Hant "甲t"\n'
        '  cite "b"\n       zh-Hans "乙"\n       zh-Hant "乙t"\n'
    )
    assert parse_text(several) == parse_text(one_each)


# ---- E109 and E106 --------------------------------------------------------------------------------


def test_a_translation_listing_fewer_citations_is_e109_at_the_translation() -> None:
    (error,) = errors_of(rule_with('  cite "a" "b"\n       zh-Hans "甲"\n'))
    assert (error.code, error.line, error.column) == ("E109", 7, 16)
    assert error.message == (
        "the `cite` clause lists 2 citations in English and 1 in its `zh-Hans` translation"
    )
    assert error.hint is not None and "in the same order" in error.hint
    assert error.excerpt is not None and "^" in error.excerpt


def test_a_translation_listing_more_citations_is_e109_too_and_for_default_cite() -> None:
    text = 'ruleset demo\n  default cite "a"\n               zh-Hant "甲" "乙"\n'
    (error,) = errors_of(text)
    assert (error.code, error.line) == ("E109", 3)
    assert "`default cite` clause lists 1 citations in English and 2" in error.message


def test_one_language_given_twice_in_a_clause_is_e106() -> None:
    (error,) = errors_of(rule_with('  cite "a"\n       zh-Hans "甲"\n       zh-Hans "乙"\n'))
    assert (error.code, error.line, error.column) == ("E106", 8, 16)
    assert error.message == "two `zh-Hans` translations of one `cite` clause"


def test_the_diagnostics_are_said_in_chinese() -> None:
    (error,) = errors_of(rule_with('  cite "a" "b"\n       zh-Hant "甲"\n'))
    assert (
        localize(error.message, "zh-Hant") == "`cite` 子句的英文列出 2 條依據，其 `zh-Hant` 譯文卻列出 1 條"
    )
    assert (
        localize(error.message, "zh-Hans") == "`cite` 子句的英文列出 2 条依据，其 `zh-Hant` 译文却列出 1 条"
    )


def test_e109_is_registered_with_a_bad_and_a_good_example_that_show_it() -> None:
    code = CODES["E109"]
    assert code.name == "cite-translation-count" and code.explanation
    assert [d.code for d in errors_of("ruleset demo\n" + code.bad + "\n")] == ["E109"]
    good = parse_text("ruleset demo\n" + code.good + "\n").rules[0]
    assert len(good.cites_in("zh-Hans")) == 2 and all("《" in cite for cite in good.cites_in("zh-Hans"))


# ---- formatting -----------------------------------------------------------------------------------


def test_fmt_puts_each_translated_citation_under_its_citation() -> None:
    messy = (
        f'ruleset demo\n  default cite "{PIPL_38}" zh-Hans "{PIPL_38_HANS}" zh-Hant "{PIPL_38_HANT}"\n'
        f'rule core\n  deny when dataset.core_data\n  because "Core data may not leave."\n'
        f'  cite "{DSL_21}" "{PIPL_38}" zh-Hans "{DSL_21_HANS}" "{PIPL_38_HANS}"\n'
        f'    zh-Hant "{DSL_21_HANT}" "{PIPL_38_HANT}"\n'
    )
    assert format_text(messy) == TRANSLATED
    assert format_text(TRANSLATED) == TRANSLATED


def test_fmt_keeps_a_comment_on_a_translated_citation() -> None:
    text = TRANSLATED.replace(
        f'       zh-Hant "{DSL_21_HANT}"\n',
        f'       # Traditional script\n       zh-Hant "{DSL_21_HANT}"  # HK\n',
    )
    formatted = format_text(text)
    assert formatted == text
    assert parse_text(formatted) == parse_text(TRANSLATED)


def test_fmt_lists_every_default_citation_on_one_line_per_language() -> None:
    text = 'ruleset demo\n  default cite "a" "b"\n               zh-Hans "甲" "乙"\n'
    assert format_text(text) == text


def test_fmt_of_a_built_tree_with_a_partial_default_translation_says_it_the_same_way() -> None:
    """A tree built in code may translate one `default cite` citation of two; the one clause the header
    has lists both, the untranslated one in English, which `default_cites_in` gives for it anyway."""
    built = nodes.Ruleset(
        name="demo",
        default_cites=("a", "b"),
        default_cite_translations=(nodes.CiteTranslation(cite=1, lang="zh-Hans", text="乙"),),
    )
    reparsed = parse_text(format_ruleset(built))
    assert reparsed.default_cites_in("zh-Hans") == built.default_cites_in("zh-Hans") == ("a", "乙")


# ---- W213 for citations ---------------------------------------------------------------------------


def test_a_citation_lacking_a_language_other_citations_have_is_w213_at_the_citation() -> None:
    text = TRANSLATED.replace(f'       zh-Hant "{PIPL_38_HANT}"\n', "", 2)  # both PIPL citations: no zh-Hant
    found = findings(text, "W213")
    assert [(d.line, d.column) for d in found] == [(2, 16), (11, 8)]
    assert found[1].message == (
        f'the citation "{PIPL_38}" of rule `core` has no zh-Hant translation, which other citations of '
        "ruleset `demo` have"
    )
    assert found[1].hint == 'add `zh-Hant "..."` on the line under the citation'
    assert found[0].message.startswith(f'the citation "{PIPL_38}" of the ruleset\'s `default cite`')
    assert localize(found[1].message, "zh-Hans").startswith(
        f'规则 `core` 的依据 "{PIPL_38}" 没有 `zh-Hant` 译文'
    )


def test_a_citation_without_any_translation_names_both_languages() -> None:
    text = TRANSLATED + 'rule other\n  deny when exporter.ciio\n  because "y"\n  cite "CSL, Art. 37"\n'
    (found,) = findings(text, "W213")
    assert "has no zh-Hans and zh-Hant translation" in found.message
    assert localize(found.message, "zh-Hant").endswith(
        "沒有 `zh-Hans`和`zh-Hant` 譯文，而規則集 `demo` 的其他依據都有這種譯文"
    )


def test_no_w213_when_every_citation_has_every_language_or_none_has_any() -> None:
    assert findings(TRANSLATED, "W213") == []
    assert findings(rule_with('  cite "a"\n  cite "b"\n'), "W213") == []


# ---- the rules cache ------------------------------------------------------------------------------


def test_the_rules_cache_keeps_the_translations_and_their_places() -> None:
    ruleset = parse_text(TRANSLATED, "t.rules")
    classes, tree = cache.encode(ruleset)
    back = cache.decode(classes, tree)
    assert back == ruleset
    assert back.rules[0].cites_in("zh-Hant") == (DSL_21_HANT, PIPL_38_HANT)
    assert back.rules[0].cite_translations[0].span == ruleset.rules[0].cite_translations[0].span
    assert back.default_cites_in("zh-Hans") == (PIPL_38_HANS,)
