"""`rules test --lang` and `rules list --lang` through the installed command say everything in Chinese, and
the commands without --lang say their errors in the configuration file's `lang`.

A rule directory with the organisation rules of `test_chinese_end_to_end` (their texts and citations carry
zh-Hans and zh-Hant translations) and a case file whose cases pass, fail in each way a case can fail (a
decision, a rule that should fire, an obligation, a misspelt rule id, a manifest that does not load) and one
that is malformed. What a person reads may hold no English word once code, rule ids, paths, case names,
quoted values, the rules' conditions (shown as written) and the excerpts of the case file are taken out.
The English output is the default's, word for word, and JSON stays English whatever the language.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from tests.cli.test_chinese_end_to_end import EXAMPLES, LANGS, REPO, RULES, Workspace, _leaks, _run

pytestmark = pytest.mark.e2e

CASES = """\
cases:
  - name: small-volume-allowed
    manifest: ../manifests/small.yaml
    decision: allow
    rules: [org_policy/within_policy]
  - name: core-data-expected-allowed
    manifest: ../manifests/core.yaml
    decision: allow
  - name: export-cap-expected
    manifest: ../manifests/small.yaml
    decision: allow
    rules: [org_policy/export_cap]
    obligations: [never said]
  - name: misspelt-rule
    manifest: ../manifests/small.yaml
    decision: allow
    not_rules: [org_policy/within_polcy]
  - name: malformed
    manifest: ../manifests/small.yaml
    decision: allow
    colour: red
  - name: broken-manifest
    manifest: {dataset: {subjects: many}}
    decision: allow
"""
PASSING = (
    "cases:\n  - name: small-volume-allowed\n    manifest: ../manifests/small.yaml\n    decision: allow\n"
)


def _workspace(root: Path, cases: str) -> Workspace:
    (root / "rules").mkdir()
    (root / "rules" / "org_policy.rules").write_text(RULES, encoding="utf-8")
    (root / "rules" / "org_policy.test.yaml").write_text(cases, encoding="utf-8")
    (root / "manifests").mkdir()
    shutil.copyfile(EXAMPLES / "dongguan-retailer-small-volume-to-hk.yaml", root / "manifests" / "small.yaml")
    shutil.copyfile(EXAMPLES / "core-data-refused.yaml", root / "manifests" / "core.yaml")
    return Workspace(root, ())


def _without(text: str, written: set[str]) -> str:
    """`text` without the lines that show what was written (a case file's excerpt and its caret, a
    condition of the rules), which stay as written in every language."""
    lines = []
    for line in text.splitlines():
        if line.strip() in written or line.strip() == "^":
            continue
        for piece in sorted(written, key=len, reverse=True):
            if len(piece) > 3:
                line = line.replace(piece, " ")  # noqa: PLW2901 - the line, its written pieces taken out
        lines.append(line)
    return "\n".join(lines)


def _written(command: list[str], env: dict[str, str], root: Path) -> set[str]:
    """The lines of the case file and the rules' conditions, as `rules test --coverage` shows them."""
    lines = {line.strip() for line in CASES.splitlines()}
    as_json = _run(command, env, root, "rules", "test", "--coverage", "--format", "json")
    for file in json.loads(as_json.stdout)["coverage"]["files"]:
        lines |= {condition["text"] for rule in file["rules"] for condition in rule["conditions"]}
    return {line for line in lines if line}


@pytest.mark.parametrize("lang", LANGS)
def test_rules_test_says_its_report_and_errors_in_chinese(
    cli_command: list[str], cli_env: dict[str, str], tmp_path: Path, lang: str
) -> None:
    workspace = _workspace(tmp_path, CASES)
    args = ("rules", "test", "--coverage")
    english = _run(cli_command, cli_env, tmp_path, *args)
    chinese = _run(cli_command, cli_env, tmp_path, *args, "--lang", lang)
    assert english.returncode == chinese.returncode == 2  # a malformed case
    # the English report, as it always was
    assert "  FAIL core-data-expected-allowed  (line 6)\n       decision: expected allow, got deny\n" in (
        english.stdout
    )
    assert "\n4 failed, 1 passed (5 cases in 1 file)\n" in english.stdout
    assert "coverage: 78.6% (11 of 14 outcomes" in english.stdout
    assert "error E216: unknown key `colour`" in english.stderr
    assert english.stdout == _run(cli_command, cli_env, tmp_path, *args, "--lang", "en").stdout
    # the Chinese one: the same cases, differences and table, in Chinese words
    assert chinese.stdout.count("\n  ") == english.stdout.count("\n  ")
    assert re.search(r"失[败敗] 4，通[过過] 1（1 [个個][文檔][件案]", chinese.stdout), chinese.stdout
    assert re.search(r"[结結][论論]：[应應][为為] `allow`，[实實][为為] `deny`", chinese.stdout)
    said = "本机构从不向境外提供核心数据。" if lang == "zh-Hans" else "本機構從不向境外提供核心數據。"
    assert f"org_policy/no_core_data: {said}" in chinese.stdout  # the rule's own text, in that language
    assert re.search(r"(错误|錯誤) E216", chinese.stderr), chinese.stderr
    written = _written(cli_command, cli_env, tmp_path)
    assert _leaks(_without(chinese.stdout, written), workspace) == [], chinese.stdout
    assert _leaks(_without(chinese.stderr, written), workspace) == [], chinese.stderr
    # the configuration file's lang; JSON stays English whatever the language
    (tmp_path / "gba-dataflow.toml").write_text(f'lang = "{lang}"\n', encoding="utf-8")
    configured = _run(cli_command, cli_env, tmp_path, *args)
    assert (configured.stdout, configured.stderr) == (chinese.stdout, chinese.stderr)
    as_json = _run(cli_command, cli_env, tmp_path, *args, "--format", "json")
    english_json = _run(cli_command, cli_env, tmp_path, *args, "--format", "json", "--lang", "en")
    assert as_json.stdout == english_json.stdout
    failures = [case["failures"] for case in json.loads(as_json.stdout)["cases"]]
    said_in_english = [
        "decision: expected allow, got deny",
        "  org_policy/no_core_data: We never export core data.",
    ]
    assert failures[1][:2] == said_in_english


@pytest.mark.parametrize("lang", LANGS)
def test_rules_test_says_a_coverage_under_the_threshold_in_chinese(
    cli_command: list[str], cli_env: dict[str, str], tmp_path: Path, lang: str
) -> None:
    workspace = _workspace(tmp_path, PASSING)
    args = ("rules", "test", "--threshold", "100")
    english = _run(cli_command, cli_env, tmp_path, *args)
    chinese = _run(cli_command, cli_env, tmp_path, *args, "--lang", lang)
    assert english.returncode == chinese.returncode == 2
    assert re.fullmatch(r"coverage \d+\.\d% is under the threshold of 100%\n", english.stderr)
    assert re.fullmatch(r"覆[盖蓋]率 \d+\.\d% 低[于於](阈值|門檻) 100%\n", chinese.stderr), chinese.stderr
    assert re.search(r"^  通[过過] small-volume-allowed（第 2 行）$", chinese.stdout, re.M), chinese.stdout
    assert _leaks(_without(chinese.stdout, _written(cli_command, cli_env, tmp_path)), workspace) == [], (
        chinese.stdout
    )
    assert re.search(r"^  PASS small-volume-allowed  \(line 2\)$", english.stdout, re.M)


@pytest.mark.parametrize("lang", LANGS)
def test_rules_list_says_its_headings_and_citations_in_chinese(
    cli_command: list[str], cli_env: dict[str, str], tmp_path: Path, lang: str
) -> None:
    workspace = _workspace(tmp_path, PASSING)
    english = _run(cli_command, cli_env, tmp_path, "rules", "list")
    chinese = _run(cli_command, cli_env, tmp_path, "rules", "list", "--lang", lang)
    assert english.returncode == chinese.returncode == 0
    assert english.stdout.startswith("rule  ") and english.stdout.endswith("\n4 rules\n")
    assert "    Data Policy 4.2\n" in english.stdout
    cite = "本机构数据政策第4.2条" if lang == "zh-Hans" else "本機構數據政策第4.2條"
    assert f"\n    {cite}\n" in chinese.stdout
    assert chinese.stdout.endswith("\n4 条规则\n" if lang == "zh-Hans" else "\n4 條規則\n")
    assert _leaks(chinese.stdout, workspace) == [], chinese.stdout
    # the shipped rules too: every heading, effect, window and citation
    shipped = _run(cli_command, cli_env, tmp_path, "rules", "list", str(REPO / "rules"), "--lang", lang)
    assert shipped.returncode == 0 and _leaks(shipped.stdout, workspace) == [], shipped.stdout
    # the configuration file's lang; JSON stays English
    (tmp_path / "gba-dataflow.toml").write_text(f'lang = "{lang}"\n', encoding="utf-8")
    assert _run(cli_command, cli_env, tmp_path, "rules", "list").stdout == chinese.stdout
    as_json = json.loads(_run(cli_command, cli_env, tmp_path, "rules", "list", "--format", "json").stdout)
    assert as_json["rules"][0]["citations"] == ["Data Policy 4.2"]


@pytest.mark.parametrize("lang", LANGS)
def test_commands_without_lang_say_their_errors_in_the_configuration_files_lang(
    cli_command: list[str], cli_env: dict[str, str], tmp_path: Path, lang: str
) -> None:
    workspace = Workspace(tmp_path, ())
    env = {key: value for key, value in cli_env.items() if key != "GBA_DATAFLOW_LEDGER"}
    commands = [
        ("ledger", "show"),
        ("audit", "verify"),
        ("config", "--format", "yaml"),
        ("schema", "bogus"),
        ("rules", "explain-code", "X999"),
        ("rules", "fmt"),
        ("rules", "test", "--format", "xml"),  # before --lang is read: the configuration file's
        ("rules", "list", "--format", "xml"),
    ]
    english = [_run(cli_command, env, tmp_path, *command) for command in commands]
    assert re.match(r"error E603: no ledger given\n", english[0].stderr), english[0].stderr
    assert "error E501: --format `yaml` is not one of text, json" in english[2].stderr
    (tmp_path / "gba-dataflow.toml").write_text(f'lang = "{lang}"\n', encoding="utf-8")
    for command, before in zip(commands, english, strict=True):
        chinese = _run(cli_command, env, tmp_path, *command)
        assert chinese.returncode == before.returncode == 2, (command, chinese.stderr)
        code = re.search(r"error (E\d{3})", before.stderr)
        assert code and re.search(rf"(错误|錯誤) {code.group(1)}", chinese.stderr), (command, chinese.stderr)
        code_taken_out = re.sub(r"`[^`\n]*`", " ", chinese.stderr)  # `--ledger sqlite:///PATH`
        assert _leaks(code_taken_out, workspace) == [], (command, chinese.stderr)
