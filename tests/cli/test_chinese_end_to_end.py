"""`check --lang zh-Hans` and `--lang zh-Hant` through the installed command say everything in Chinese.

One run of a set of manifests that gives allows, denies, warnings, a governed waiver (applied, and expiring
soon: W565), a duplicate manifest id (W425) and input errors (an invalid manifest, a directory without
manifests, a path that does not exist), with the text report on stdout and the github, junit and SARIF
reports next to it; then the same run's `-q` form, and the usage errors (E5xx) of `check` and `explain`.
What a person reads may hold no English word once what is not gba-dataflow's own wording is taken out: code
(backticks, options, dotted paths, codes and their names), rule ids, paths, the keys and values of the
manifests and the waivers file (quoted, or shown in an excerpt of the file). Citations are said in Chinese
too: the shipped rules' and the test's organisation rules' `cite` lines carry their translations. The
English run is unchanged by all this: `--lang en` is the default's output, word for word.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from language_checks import english_words

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "manifests"
LANGS = ("zh-Hans", "zh-Hant")
pytestmark = pytest.mark.e2e

RULES = """\
ruleset org_policy
  title "Our own transfer policy"
        zh-Hans "本机构的传输政策"
        zh-Hant "本機構的傳輸政策"
  applies when transfer.destination.region == "HK"

rule export_cap
  deny when dataset.subjects > 40_000
  because "We export the personal information of at most 40,000 individuals at once."
          zh-Hans "本机构一次最多向境外提供四万人的个人信息。"
          zh-Hant "本機構一次最多向境外提供四萬人的個人資料。"
  cite "Data Policy 4.2"
       zh-Hans "本机构数据政策第4.2条" zh-Hant "本機構數據政策第4.2條"
  remedy "Split the export into batches."
         zh-Hans "请分批出境。"
         zh-Hant "請分批出境。"
  waivable

rule no_core_data
  deny when dataset.core_data
  because "We never export core data."
          zh-Hans "本机构从不向境外提供核心数据。"
          zh-Hant "本機構從不向境外提供核心數據。"
  cite "Data Policy 1.1"
       zh-Hans "本机构数据政策第1.1条" zh-Hant "本機構數據政策第1.1條"

rule large_batch
  warn when dataset.subjects > 1_000
  because "A large batch: tell the data protection officer."
          zh-Hans "批量较大：请告知数据保护负责人。"
          zh-Hant "批量較大：請通知保障資料主任。"
  cite "Data Policy 4.3"
       zh-Hans "本机构数据政策第4.3条" zh-Hant "本機構數據政策第4.3條"

rule within_policy
  allow when not dataset.core_data
  because "Within our transfer policy."
          zh-Hans "符合本机构的传输政策。"
          zh-Hant "符合本機構的傳輸政策。"
  cite "Data Policy 1.0"
       zh-Hans "本机构数据政策第1.0条" zh-Hant "本機構數據政策第1.0條"
"""
MANIFESTS = {
    "a-waived.yaml": "shenzhen-bank-gba-contract-to-hk.yaml",  # denied by export_cap, which WVR-1 waives
    "b-same-id.yaml": "shenzhen-bank-gba-contract-to-hk.yaml",  # the same id again: W425
    "c-denied.yaml": "core-data-refused.yaml",
    "d-allowed.yaml": "dongguan-retailer-small-volume-to-hk.yaml",  # with a warning of org_policy
}
INVALID = REPO / "tests" / "cli" / "fixtures" / "manifests" / "invalid.yaml"  # `subjects: many`: E410
WAIVER = """\
waivers:
  - id: WVR-1
    rule: org_policy/export_cap
    manifests: [crm-to-hk-*]
    owner: data-governance@example.org
    approver: ciso@example.org
    reason: Legacy CRM export, split into batches by 2027-Q1.
    created: 2026-01-01
    expires: {expires}
"""
BAD_WAIVER = "waivers:\n  - id: WVR-2\n    rule: org_policy/export_cap\n    expires: someday\n"


@dataclass(frozen=True)
class Workspace:
    root: Path
    known: tuple[str, ...]
    """Texts that come from the manifests and the waivers file (values, names, titles), longest first."""


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    root = tmp_path_factory.mktemp("chinese")
    (root / "rules").mkdir()
    (root / "rules" / "org_policy.rules").write_text(RULES, encoding="utf-8")
    (root / "manifests").mkdir()
    for name, example in MANIFESTS.items():
        shutil.copyfile(EXAMPLES / example, root / "manifests" / name)
    shutil.copyfile(INVALID, root / "manifests" / "e-invalid.yaml")
    (root / "empty").mkdir()
    expires = dt.date.today() + dt.timedelta(days=10)  # in force, and within 30 days of expiring: W565
    (root / "waivers.yaml").write_text(WAIVER.format(expires=expires.isoformat()), encoding="utf-8")
    (root / "bad-waivers.yaml").write_text(BAD_WAIVER, encoding="utf-8")
    known = {"empty", "missing"}  # the inputs that name no manifest, as the reports name them
    for path in [*(root / "manifests").iterdir(), root / "waivers.yaml", root / "bad-waivers.yaml"]:
        known.update(_strings(yaml.safe_load(path.read_text(encoding="utf-8"))))
    return Workspace(root, tuple(sorted(known, key=len, reverse=True)))


def _strings(data: object) -> Iterator[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield str(key)
            yield from _strings(value)
    elif isinstance(data, list):
        for item in data:
            yield from _strings(item)


def _run(command: list[str], env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    wide = {**env, "COLUMNS": "2000"}  # nothing wraps: a citation stays on its own line
    return subprocess.run(
        [*command, *args], capture_output=True, text=True, cwd=cwd, env=wide, timeout=120, check=False
    )


_RULE_ID = re.compile(r"\b[a-z][a-z0-9_]*/[a-z0-9_]+\b")
_FIELD = re.compile(r"\b[a-z_]+(?:\[\d+\])?(?:\.[a-z_]+(?:\[\d+\])?)+")  # dataset.fields[0].category
_PATH = re.compile(r"\S*(?:/|\.(?:yaml|yml|json|rules|sarif|xml|toml|txt))\S*")
_CODE = re.compile(r"\b[EWI]\d{3}\b|\b[a-z][a-z0-9]*(?:-[a-z0-9]+)+\b")
_QUOTED = re.compile(r'"[^"\n]*"')
_EMAIL = re.compile(r"\S+@\S+")


def _leaks(text: str, workspace: Workspace) -> list[str]:
    """English words of `text` once code, rule ids, paths, quoted values and the manifests' and the
    waivers file's texts are taken out."""
    for pattern in (_EMAIL, _QUOTED, _PATH, _RULE_ID, _FIELD, _CODE):
        text = pattern.sub(" ", text)
    for piece in workspace.known:
        text = re.sub(rf"(?<![A-Za-z_]){re.escape(piece)}(?![A-Za-z_])", " ", text)
    return english_words(text)


def _github_texts(text: str) -> Iterator[str]:
    """The title and the message of each workflow command, and the totals line."""
    for line in text.splitlines():
        if line.startswith("::"):
            head, _, message = line[2:].partition("::")
            title = re.search(r"title=([^,]*)", head)
            yield (title.group(1) if title else "").replace("%3A", ":").replace("%2C", ",")
            yield message.replace("%0A", "\n").replace("%0D", "\r").replace("%25", "%")
        else:
            yield line


def _junit_texts(text: str) -> Iterator[str]:
    root = ET.fromstring(text)
    for element in root.iter():
        if element.tag in ("failure", "error"):
            yield element.get("message", "")
        if element.tag in ("failure", "error", "system-out"):
            yield element.text or ""


def _sarif_texts(text: str) -> Iterator[str]:
    log = json.loads(text)
    for run in log["runs"]:
        assert run["properties"]["language"] in LANGS
        for result in run["results"]:
            yield result["message"]["text"]
            for suppression in result.get("suppressions", ()):
                yield suppression["justification"]


@pytest.mark.parametrize("lang", LANGS)
def test_a_chinese_check_says_everything_in_chinese(
    cli_command: list[str], cli_env: dict[str, str], workspace: Workspace, lang: str
) -> None:
    out = workspace.root / lang
    args = ["check", "manifests", "empty", "missing", "--rules", str(REPO / "rules"), "--rules", "rules"]
    args += ["--waivers", "waivers.yaml", "--lang", lang]
    reports = {"github": out / "github.txt", "junit": out / "junit.xml", "sarif": out / "results.sarif"}
    reports["json"] = out / "results.json"
    for name, path in reports.items():
        args += ["--report", f"{name}:{path}"]
    done = _run(cli_command, cli_env, workspace.root, *args)
    assert done.returncode == 2, done.stderr  # input errors: an invalid manifest, no manifest, no file
    report = json.loads(reports["json"].read_text(encoding="utf-8"))
    decisions = {Path(r["manifest"]).name: r["decision"] for r in report["results"]}
    assert decisions == {
        "a-waived.yaml": "allow",
        "b-same-id.yaml": "allow",
        "c-denied.yaml": "deny",
        "d-allowed.yaml": "allow",
        "e-invalid.yaml": "error",
        "empty": "error",
        "missing": "error",
    }
    assert report["results"][0]["waivers"] == ["WVR-1"]
    # the waiver that expires soon, the duplicate id: on stderr, in Chinese
    assert "W565" in done.stderr and "W425" in done.stderr
    assert all(code in done.stdout for code in ("E401", "E410", "E502"))
    pieces = {
        "text": [done.stdout],
        "stderr": [done.stderr],
        "github": list(_github_texts(reports["github"].read_text(encoding="utf-8"))),
        "junit": list(_junit_texts(reports["junit"].read_text(encoding="utf-8"))),
        "sarif": list(_sarif_texts(reports["sarif"].read_text(encoding="utf-8"))),
    }
    for name, texts in pieces.items():
        assert any(texts), name
        leaks = {text: _leaks(text, workspace) for text in texts}
        assert not {text: words for text, words in leaks.items() if words}, name
    # the JSON report is a machine contract: its diagnostics stay English
    empty = next(r for r in report["results"] if r["manifest"] == "empty")
    assert empty["errors"][0]["message"] == "`empty` holds no manifest (*.yaml, *.yml, *.json)"

    quiet = _run(cli_command, cli_env, workspace.root, *args[: args.index("--report")], "-q")
    assert quiet.returncode == 2
    assert _leaks(quiet.stdout + quiet.stderr, workspace) == []


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    "args",
    [
        ("check", "manifests/d-allowed.yaml", "--format", "xml"),
        ("check", "manifests/d-allowed.yaml", "--as-of", "2026-13-01"),
        ("check", "manifests/d-allowed.yaml", "--report", "junit"),
        ("check", "manifests/d-allowed.yaml", "--jobs", "-1"),
        ("check", "manifests/d-allowed.yaml", "--waivers", "bad-waivers.yaml"),
        ("explain", "manifests/d-allowed.yaml", "--format", "yaml"),
        ("explain", "manifests/d-allowed.yaml", "--as-of", "soon"),
    ],
    ids=lambda args: "-".join(args[:1] + args[2:3]).lstrip("-"),
)
def test_usage_errors_are_said_in_the_language_asked_for(
    cli_command: list[str], cli_env: dict[str, str], workspace: Workspace, lang: str, args: tuple[str, ...]
) -> None:
    done = _run(cli_command, cli_env, workspace.root, *args, "--rules", "rules", "--lang", lang)
    assert done.returncode == 2
    assert re.search(r"(错误|錯誤) E5\d\d", done.stderr), done.stderr
    assert _leaks(done.stderr, workspace) == [], done.stderr


def test_an_invalid_lang_is_reported_in_english(
    cli_command: list[str], cli_env: dict[str, str], workspace: Workspace
) -> None:
    done = _run(
        cli_command, cli_env, workspace.root, "check", "manifests", "--rules", "rules", "--lang", "zh"
    )
    assert done.returncode == 2
    assert done.stderr.startswith("error E501: --lang `zh` is not one of en, zh-Hans, zh-Hant\n")


def test_the_configuration_files_lang_is_used_for_errors_too(
    cli_command: list[str], cli_env: dict[str, str], workspace: Workspace, tmp_path: Path
) -> None:
    shutil.copytree(workspace.root / "rules", tmp_path / "rules")
    (tmp_path / "gba-dataflow.toml").write_text('lang = "zh-Hant"\n', encoding="utf-8")
    explained = _run(cli_command, cli_env, tmp_path, "explain", "m.yaml", "--format", "yaml")
    assert explained.returncode == 2
    assert explained.stderr.startswith("錯誤 E501: --format `yaml` 不是 `text`、`json` 之一\n")
    done = _run(cli_command, cli_env, tmp_path, "check", "missing-dir", "--format", "xml")
    assert done.returncode == 2
    assert done.stderr.startswith(
        "錯誤 E501: --format `xml` 不是 `text`、`json`、`sarif`、`junit`、`github` 之一\n"
    )


def test_english_is_the_default_word_for_word(
    cli_command: list[str], cli_env: dict[str, str], workspace: Workspace
) -> None:
    args = ["check", "manifests", "empty", "--rules", str(REPO / "rules"), "--rules", "rules"]
    args += ["--waivers", "waivers.yaml"]
    for extra in (["--format", "text"], ["--format", "github"], ["--format", "junit"], ["-q"]):
        default = _run(cli_command, cli_env, workspace.root, *args, *extra)
        english = _run(cli_command, cli_env, workspace.root, *args, *extra, "--lang", "en")
        assert (english.stdout, english.stderr) == (default.stdout, default.stderr)
        if "-q" in extra:
            continue
        assert "manifest id `crm-to-hk-service-centre` is also the id of `manifests/a-waived.yaml`" in (
            english.stderr
        )
        assert "warning W565: waiver `WVR-1` (org_policy/export_cap) expires on" in english.stderr
        assert "`empty` holds no manifest (*.yaml, *.yml, *.json)" in english.stdout


@pytest.mark.parametrize("lang", LANGS)
def test_new_manifest_says_its_notes_and_errors_in_chinese(
    cli_command: list[str], cli_env: dict[str, str], workspace: Workspace, lang: str
) -> None:
    noted = _run(cli_command, cli_env, workspace.root, "new", "manifest", "--route", "GD:HK", "--lang", lang)
    assert noted.returncode == 0 and noted.stderr.startswith("注意："), noted.stderr
    assert _leaks(noted.stderr, workspace) == [], noted.stderr
    args = ("new", "manifest", "--output", "waivers.yaml", "--lang", lang)
    refused = _run(cli_command, cli_env, workspace.root, *args)
    assert refused.returncode == 2
    assert re.search(r"(错误|錯誤) E501: --output `waivers.yaml` 已存在", refused.stderr), refused.stderr
    assert _leaks(refused.stderr, workspace) == [], refused.stderr


BAD_RULES = """\
ruleset bad
rule a
  deny when dataset.core_dta
  because "x"
  cite "DSL Art. 21"
rule b
  deny when dataset.subjects > "many"
  because "y"
  cite "DSL Art. 21"
"""


@pytest.mark.parametrize("lang", LANGS)
def test_rules_check_says_its_findings_in_the_language_asked_for(
    cli_command: list[str], cli_env: dict[str, str], workspace: Workspace, tmp_path: Path, lang: str
) -> None:
    (tmp_path / "bad.rules").write_text(BAD_RULES, encoding="utf-8")
    english = _run(cli_command, cli_env, tmp_path, "rules", "check", "bad.rules")
    chinese = _run(cli_command, cli_env, tmp_path, "rules", "check", "bad.rules", "--lang", lang)
    assert english.returncode == chinese.returncode == 1
    assert "error E201" in english.stdout and english.stdout.endswith("2 errors, 0 warnings in 1 file\n")
    assert re.search(r"(错误|錯誤) E201", chinese.stdout), chinese.stdout
    assert chinese.stdout.count("E20") == english.stdout.count("E20")
    source = {line.strip() for line in BAD_RULES.splitlines()}
    read = "\n".join(line for line in chinese.stdout.splitlines() if line.strip() not in source)  # excerpts
    assert _leaks(read, workspace) == [], chinese.stdout
    # the configuration file's lang, and JSON stays English whatever the language
    (tmp_path / "gba-dataflow.toml").write_text(f'lang = "{lang}"\n', encoding="utf-8")
    configured = _run(cli_command, cli_env, tmp_path, "rules", "check", "bad.rules")
    assert configured.stdout == chinese.stdout
    as_json = _run(cli_command, cli_env, tmp_path, "rules", "check", "bad.rules", "--format", "json")
    first = json.loads(as_json.stdout)["diagnostics"][0]
    assert first["message"] == "`dataset.core_dta` is not a field of the manifest"
