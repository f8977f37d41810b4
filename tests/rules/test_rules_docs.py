"""docs/rules.md is generated from the rules and up to date; every rule carries the texts it must have."""

from __future__ import annotations

import importlib.util
import re
from types import ModuleType

from rules_factory import ROOT, RULES_DIR, rulebook

from gba_dataflow.dsl import nodes
from gba_dataflow.dsl.parser import parse_file

LANGS = ("zh-Hans", "zh-Hant")


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_rules_md", ROOT / "docs" / "gen_rules_md.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_rules_md_is_up_to_date() -> None:
    generated = _generator().render(RULES_DIR)
    current = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert current == generated, "docs/rules.md is stale: run `python docs/gen_rules_md.py`"


def test_rules_md_lists_every_rule_and_the_unverified_points() -> None:
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    for ruleset in rulebook().rulesets:
        for rule in ruleset.rules:
            assert f"### `{rule.id}`" in text
    section = text.split("## UNVERIFIED points", 1)[1].split("\n## ", 1)[0]
    assert section.count("\n- ") >= 10


def test_shipped_rules_check_without_warnings() -> None:
    assert rulebook().warnings == ()


def _translated(message: nodes.Message | None) -> bool:
    return message is not None and {lang for lang, _ in message.translations} == set(LANGS)


def test_every_rule_has_citation_translated_reason_and_remedy_or_obligations() -> None:
    for path in sorted(RULES_DIR.glob("*.rules")):
        ruleset = parse_file(path)
        assert _translated(ruleset.title), ruleset.name
        assert _translated(ruleset.default_because) and _translated(ruleset.default_remedy), ruleset.name
        assert ruleset.default_cites, ruleset.name
        for rule in ruleset.rules:
            where = f"{ruleset.name}/{rule.name}"
            assert rule.cites and all(cite.strip() for cite in rule.cites), where
            if rule.name.endswith("_duty_met"):  # a duty-met rule: translated `met` texts, no `because`
                assert rule.is_duty_met and all(_translated(message) for message in rule.mets), where
            else:
                assert _translated(rule.because), where
            assert all(_translated(message) for message in rule.requires), where
            if rule.effect == "deny":
                assert _translated(rule.remedy), f"{where}: a deny rule needs a translated remedy"
            if rule.effect == "allow" and not rule.is_duty_met:
                assert rule.requires, f"{where}: an allow rule needs obligations (or reports a duty met)"


# The official Chinese names (each script) a translated citation of these instruments must carry.
_OFFICIAL_NAMES = {
    "PIPL": ("《中华人民共和国个人信息保护法》", "《中華人民共和國個人信息保護法》"),
    "DSL": ("《中华人民共和国数据安全法》", "《中華人民共和國數據安全法》"),
    "2024 Provisions": (
        "《促进和规范数据跨境流动规定》（国家互联网信息办公室令第16号）",
        "《促進和規範數據跨境流動規定》",
    ),
    "SCC Measures": ("《个人信息出境标准合同办法》", "《個人信息出境標準合同辦法》"),
    "SA Measures": ("《数据出境安全评估办法》", "《數據出境安全評估辦法》"),
    "NDSMR": ("《网络数据安全管理条例》", "《網絡數據安全管理條例》"),
    "PDPO (": ("《个人资料（私隐）条例》（第486章）", "《個人資料（私隱）條例》（第486章）"),
    "PDPO,": ("《私隐条例》", "《私隱條例》"),
    "Macao PDPA": ("第8/2005号法律《个人资料保护法》", "第8/2005號法律《個人資料保護法》"),
    "GBA HK": (
        "《粤港澳大湾区（内地、香港）个人信息跨境流动标准合同实施指引》",
        "《粵港澳大灣區（內地、香港）個人信息跨境流動標準合同實施指引》",
    ),
    "GBA Macao": (
        "《粤港澳大湾区（内地、澳门）个人信息跨境流动标准合同实施指引》",
        "《粵港澳大灣區（內地、澳門）個人信息跨境流動標準合同實施指引》",
    ),
}


def _cites_translated(cites: tuple[str, ...], translations: tuple[nodes.CiteTranslation, ...]) -> bool:
    given = {(translation.cite, translation.lang) for translation in translations}
    return all((index, lang) in given for index in range(len(cites)) for lang in LANGS)


def test_every_citation_is_translated_with_the_instruments_chinese_name() -> None:
    for path in sorted(RULES_DIR.glob("*.rules")):
        ruleset = parse_file(path)
        assert _cites_translated(ruleset.default_cites, ruleset.default_cite_translations), ruleset.name
        for rule in ruleset.rules:
            where = f"{ruleset.name}/{rule.name}"
            assert _cites_translated(rule.cites, rule.cite_translations), where
            for lang in LANGS:
                for english, chinese in zip(rule.cites, rule.cites_in(lang), strict=True):
                    for prefix, names in _OFFICIAL_NAMES.items():
                        if english.startswith(prefix):
                            assert names[LANGS.index(lang)] in chinese, (where, lang, chinese)
                    assert re.search(r"[\u4e00-\u9fff]", chinese), (where, lang, chinese)
                    assert not re.search(r"[A-Za-z]{3,}", chinese.replace("TC260-PG-20222A", "")), (
                        where,
                        chinese,
                    )
                    if "UNVERIFIED" in english:
                        assert "未经核实" in chinese or "未經核實" in chinese, (where, lang, chinese)


def test_working_day_rules_say_whose_working_days_they_count() -> None:
    """Every text that names a deadline in working days says which side's calendar counts them."""
    sides = {"mainland_export": "Mainland", "hong_kong_pdpo": "Hong Kong", "macao_pdpa": "Macao"}
    sides_zh = {"mainland_export": "内地工作日", "hong_kong_pdpo": "香港工作日", "macao_pdpa": "澳门工作日"}
    for path in sorted(RULES_DIR.glob("*.rules")):
        ruleset = parse_file(path)
        for rule in ruleset.rules:
            texts = [
                m.text.source_text() for m in (rule.because, rule.remedy, *rule.requires) if m is not None
            ]
            joined = " ".join(texts)
            if "working days" in joined:
                assert f"{sides[ruleset.name]} working days" in joined, f"{ruleset.name}/{rule.name}"
                assert "public holidays are not modelled" not in joined
                translated = [
                    t.source_text()
                    for m in (rule.because, rule.remedy, *rule.requires)
                    if m is not None
                    for lang, t in m.translations
                    if lang == "zh-Hans"
                ]
                assert sides_zh[ruleset.name] in " ".join(translated), f"{ruleset.name}/{rule.name}"


def test_rule_ids_name_their_table_row() -> None:
    prefixes = {"mainland_export": "m", "hong_kong_pdpo": "h", "macao_pdpa": "c"}
    for ruleset in rulebook().rulesets:
        for rule in ruleset.rules:
            name = rule.node.name
            beside_the_table = name.endswith(("_duties", "_duty", "_duty_met", "_overlay"))
            assert name.startswith(prefixes[ruleset.id]) or beside_the_table, rule.id
