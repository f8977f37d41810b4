"""Citations in the language of the report: with `--lang zh-Hans` or `zh-Hant` every format (text, JSON,
SARIF, JUnit, GitHub, explain) cites the shipped rules' instruments by their Chinese names; in English nothing
changes.

The English outputs are compared with those of the same rules whose translated-citation lines are turned into
comments (same lines, same sources): byte for byte, for every example manifest and format.
"""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gba_dataflow.cli.app import app
from gba_dataflow.dsl.parser import parse_file
from gba_dataflow.engine.rulebook import load_rulebook

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "manifests"
CORE = "core-data-refused.yaml"  # denied by m1 (one citation) and m3 (five)
MACAO_DEFAULT = "macao-to-hong-kong-without-ground-refused.yaml"  # denied by macao_pdpa/default
AS_OF = ("--as-of", "2026-02-09")
FORMATS = ("text", "json", "sarif", "junit", "github")

DSL_21 = {
    "en": "DSL (Data Security Law), Art. 21",
    "zh-Hans": "《中华人民共和国数据安全法》第二十一条",
    "zh-Hant": "《中華人民共和國數據安全法》第二十一條",
}
MACAO_19_20 = {
    "en": "Macao PDPA (Personal Data Protection Act, Law No. 8/2005), Arts. 19 and 20",
    "zh-Hans": "第8/2005号法律《个人资料保护法》第十九条及第二十条",
    "zh-Hant": "第8/2005號法律《個人資料保護法》第十九條及第二十條",
}
_TRANSLATION = re.compile(r"^(\s+)(zh-Han[st] .*)$")
_CITE = re.compile(r"^\s+(default )?cite ")


def run(*args: str, cwd: Path = ROOT) -> str:
    import os

    before = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(app, list(args), env={"COLUMNS": "100", "NO_COLOR": "1"})
    finally:
        os.chdir(before)
    assert result.exit_code in (0, 1), result.stdout + result.stderr
    return result.stdout


def check(manifest: str, lang: str, output_format: str, cwd: Path = ROOT) -> str:
    return run(
        "check", str(EXAMPLES / manifest), "--rules", "rules", "--lang", lang, "--format", output_format,
        *AS_OF, cwd=cwd,
    )  # fmt: skip


def _reasons(manifest: str, lang: str) -> dict[str, list[str]]:
    (result,) = json.loads(check(manifest, lang, "json"))["results"]
    return {reason["rule"]: reason["citations"] for reason in result["reasons"]}


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant"])
def test_json_reasons_cite_in_the_language_asked_for(lang: str) -> None:
    english = parse_file(ROOT / "rules" / "mainland_export.rules")
    important = next(rule for rule in english.rules if rule.name == "m3_important_data_without_assessment")
    reasons = _reasons(CORE, lang)
    assert reasons["mainland_export/m1_core_data"] == [DSL_21[lang]]
    assert reasons["mainland_export/m3_important_data_without_assessment"] == list(important.cites_in(lang))
    assert all("《" in cite for cite in reasons["mainland_export/m3_important_data_without_assessment"])


@pytest.mark.parametrize("lang", ["en", "zh-Hans", "zh-Hant"])
def test_a_default_deny_cites_the_rulesets_default_citation_in_that_language(lang: str) -> None:
    assert _reasons(MACAO_DEFAULT, lang)["macao_pdpa/default"] == [MACAO_19_20[lang]]


def test_english_reasons_cite_as_the_rules_write_it() -> None:
    assert _reasons(CORE, "en")["mainland_export/m1_core_data"] == [DSL_21["en"]]


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant"])
def test_text_sarif_junit_and_github_cite_in_chinese(lang: str) -> None:
    chinese, english = DSL_21[lang], DSL_21["en"]
    text = check(CORE, lang, "text")
    assert chinese in text and english not in text

    sarif = json.loads(check(CORE, lang, "sarif"))
    (sarif_run,) = sarif["runs"]
    core = next(
        result for result in sarif_run["results"] if result["ruleId"] == "mainland_export/m1_core_data"
    )
    assert chinese in core["message"]["text"] and core["properties"]["citations"] == [chinese]
    descriptors = {rule["id"]: rule for rule in sarif_run["tool"]["driver"]["rules"]}
    assert descriptors["mainland_export/m1_core_data"]["properties"]["citations"] == [chinese]
    assert chinese in descriptors["mainland_export/m1_core_data"]["help"]["text"]
    assert english not in json.dumps(sarif, ensure_ascii=False)

    junit = ET.fromstring(check(CORE, lang, "junit"))
    failure = junit.find(".//failure")
    assert failure is not None and chinese in (failure.text or "") and english not in (failure.text or "")

    github = check(CORE, lang, "github")
    assert chinese in github and english not in github


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant"])
def test_explain_shows_the_fired_rules_citations_in_chinese(lang: str) -> None:
    args = ("explain", str(EXAMPLES / CORE), "--rules", "rules", "--lang", lang, *AS_OF)
    trace = json.loads(run(*args, "--format", "json"))
    rules = {rule["id"]: rule for ruleset in trace["rulesets"] for rule in ruleset["rules"]}
    assert rules["mainland_export/m1_core_data"]["citations"] == [DSL_21[lang]]
    assert all(not rule["citations"] for rule in rules.values() if rule["outcome"] != "fires")
    text = run(*args)
    assert ("依据" if lang == "zh-Hans" else "依據") + DSL_21[lang] in text


def test_the_rules_described_in_chinese_cite_in_chinese() -> None:
    """What `GET /v1/rules?lang=` and SARIF descriptors are made from (`app.batch.describe_rules`)."""
    from gba_dataflow.app.batch import describe_rules

    rulebook = load_rulebook([ROOT / "rules"])
    for lang in ("zh-Hans", "zh-Hant"):
        docs = {doc.id: doc for doc in describe_rules(rulebook, lang)}
        assert docs["mainland_export/m1_core_data"].citations == (DSL_21[lang],)
        assert docs["macao_pdpa/default"].citations == (MACAO_19_20[lang],)
    english = {doc.id: doc for doc in describe_rules(rulebook, "en")}
    assert english["mainland_export/m1_core_data"].citations == (DSL_21["en"],)


def _without_translated_citations(text: str) -> str:
    """The rule file with each translated-citation line made a comment: the same lines, English only."""
    out: list[str] = []
    in_cite = False
    for line in text.split("\n"):
        match = _TRANSLATION.match(line)
        if in_cite and match:
            out.append(f"{match[1]}# {match[2]}")
            continue
        in_cite = bool(_CITE.match(line))
        out.append(line)
    return "\n".join(out)


@pytest.fixture(scope="module")
def english_only_rules(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("english") / "project"
    shutil.copytree(ROOT / "rules", folder / "rules", ignore=shutil.ignore_patterns("tests"))
    for path in (folder / "rules").glob("*.rules"):
        stripped = _without_translated_citations(path.read_text(encoding="utf-8"))
        path.write_text(stripped, encoding="utf-8")
        assert all(not translations for translations in _cite_translations(path)), path
    return folder


def _cite_translations(path: Path) -> list[object]:
    ruleset = parse_file(path)
    return [ruleset.default_cite_translations, *(rule.cite_translations for rule in ruleset.rules)]


@pytest.fixture(scope="module")
def translated_rules(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("translated") / "project"
    shutil.copytree(ROOT / "rules", folder / "rules", ignore=shutil.ignore_patterns("tests"))
    return folder


@pytest.mark.parametrize("output_format", FORMATS)
def test_english_output_is_byte_identical_to_the_rules_without_translated_citations(
    output_format: str, english_only_rules: Path, translated_rules: Path
) -> None:
    assert len(list(EXAMPLES.glob("*.yaml"))) > 20
    args = ("check", str(EXAMPLES), "--rules", "rules", "--format", output_format, *AS_OF)
    before = run(*args, cwd=english_only_rules)
    after = run(*args, cwd=translated_rules)
    # the rules digest differs (the files differ); everything else is the same
    digest = re.compile(r"sha256:[0-9a-f]{64}")
    assert digest.sub("<digest>", before) == digest.sub("<digest>", after)
    assert "Data Security Law" in after


def test_the_installed_command_cites_in_chinese_and_refuses_a_miscounted_translation(
    cli_command: list[str], cli_env: dict[str, str], tmp_path: Path
) -> None:
    import subprocess

    args = ["check", str(EXAMPLES / CORE), "--rules", str(ROOT / "rules"), "--lang", "zh-Hant", *AS_OF]
    done = subprocess.run([*cli_command, *args], capture_output=True, text=True, env=cli_env, check=False)
    assert done.returncode == 1 and DSL_21["zh-Hant"] in done.stdout, done.stderr
    bad = tmp_path / "bad.rules"
    bad.write_text(
        'ruleset bad\nrule r\n  deny when dataset.core_data\n  because "x"\n  cite "A" "B"\n'
        '       zh-Hans "甲"\n',
        encoding="utf-8",
    )
    checked = subprocess.run(
        [*cli_command, "rules", "check", str(bad)], capture_output=True, text=True, env=cli_env, check=False
    )
    assert checked.returncode == 1
    assert f"{bad}:6:16: error E109" in checked.stdout + checked.stderr
