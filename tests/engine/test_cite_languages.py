"""The engine says each reason's and warning's citations in the language of the decision (design §3.5)."""

from __future__ import annotations

from engine_helpers import decide, manifest, rulebook

RULES = """ruleset gd
  applies when transfer.origin.region == "CN-GD"
  default because "nothing permits it"
  default cite "PIPL, Art. 38"
               zh-Hans "《中华人民共和国个人信息保护法》第三十八条"

rule core
  deny when dataset.core_data
  because "core data"
  cite "DSL, Art. 21"
       zh-Hans "《中华人民共和国数据安全法》第二十一条"
       zh-Hant "《中華人民共和國數據安全法》第二十一條"
  cite "an internal policy, s. 4"

rule many
  warn when dataset.subjects > 5
  because "many people"
  cite "Provisions, Art. 5(4)"
       zh-Hant "《促進和規範數據跨境流動規定》第五條第四項"
"""


def test_deny_and_warning_citations_follow_the_language() -> None:
    book = rulebook(RULES)
    item = manifest(dataset__core_data=True)
    hans, hant, english = (decide(book, item, lang=lang) for lang in ("zh-Hans", "zh-Hant", "en"))
    assert hans.reasons[0].citations == ("《中华人民共和国数据安全法》第二十一条", "an internal policy, s. 4")
    assert hant.reasons[0].citations == ("《中華人民共和國數據安全法》第二十一條", "an internal policy, s. 4")
    assert english.reasons[0].citations == ("DSL, Art. 21", "an internal policy, s. 4")
    assert hant.warnings[0].citations == ("《促進和規範數據跨境流動規定》第五條第四項",)
    assert hans.warnings[0].citations == ("Provisions, Art. 5(4)",)  # no zh-Hans line: English
    assert english.warnings[0].citations == ("Provisions, Art. 5(4)",)


def test_a_default_deny_cites_the_default_citations_in_the_language() -> None:
    book = rulebook(RULES)
    assert decide(book, manifest(), lang="zh-Hans").reasons[0].citations == (
        "《中华人民共和国个人信息保护法》第三十八条",
    )
    assert decide(book, manifest(), lang="zh-Hant").reasons[0].citations == ("PIPL, Art. 38",)
    assert decide(book, manifest(), lang="en").reasons[0].citations == ("PIPL, Art. 38",)


def test_a_compiled_rule_gives_its_citations_per_language_as_its_node_does() -> None:
    book = rulebook(RULES)
    core = book.rule("gd/core")
    assert core is not None
    for lang in ("en", "zh-Hans", "zh-Hant", "fr"):
        assert core.cites_in(lang) == core.node.cites_in(lang)
