"""The configuration file (issue 22 point 4): found upward, checked strictly, overridden by options."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gba_dataflow.app.config import ConfigError, describe, find_config_file, load_config, read_config
from gba_dataflow.core.codes import CODES
from gba_dataflow.manifests.files import ALL, Selection, iter_manifest_files


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_the_nearest_file_is_found_from_a_subdirectory(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n\n[tool.gba-dataflow]\nlang = "zh-Hant"\n')
    below = tmp_path / "a" / "b"
    below.mkdir(parents=True)
    assert find_config_file(below) == tmp_path / "pyproject.toml"
    config = load_config(below)
    assert config.get("lang") == "zh-Hant"
    assert config.source("lang") == f"{tmp_path / 'pyproject.toml'}:5"
    # a nearer gba-dataflow.toml wins; a pyproject.toml without the table is passed by
    write(tmp_path / "a" / "pyproject.toml", '[project]\nname = "y"\n')
    write(tmp_path / "a" / "gba-dataflow.toml", 'format = "sarif"\n')
    assert find_config_file(below) == tmp_path / "a" / "gba-dataflow.toml"
    assert load_config(below).get("format") == "sarif"
    assert load_config(below).get("lang") == "en"  # the built-in default, not the farther file's


def test_a_pyproject_that_only_names_the_package_is_passed_by(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[project]\ndependencies = ["gba-dataflow"]\n[tool.other]\nx = 1\n')
    assert find_config_file(tmp_path) is None
    write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n[tool."gba-dataflow"]\nlang = "zh-Hant"\n')
    assert find_config_file(tmp_path) == tmp_path / "pyproject.toml"


def test_no_file_gives_the_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    assert config.path is None
    assert [(key, value.value, value.source) for key, value in describe(config)][:4] == [
        ("rules", None, "default"),
        ("include", (), "default"),
        ("exclude", (), "default"),
        ("lang", "en", "default"),
    ]


def test_paths_are_relative_to_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "proj" / "gba-dataflow.toml", 'rules = ["policy", "/abs/rules"]\n')
    monkeypatch.chdir(tmp_path)
    assert read_config(path).rules == [Path("proj/policy"), Path("/abs/rules")]


def test_an_unknown_key_is_located_with_a_did_you_mean(tmp_path: Path) -> None:
    path = write(
        tmp_path / "pyproject.toml", '[tool.other]\nlnag = 1\n\n[tool.gba-dataflow]\n  lnag = "en"\n'
    )
    with pytest.raises(ConfigError) as caught:
        read_config(path)
    (diagnostic,) = caught.value.diagnostics
    assert (diagnostic.code, diagnostic.line, diagnostic.column) == ("E541", 5, 3)
    assert diagnostic.message == "unknown setting `lnag` in [tool.gba-dataflow]"
    assert diagnostic.hint == "did you mean `lang`?"


def test_snake_case_keys_suggest_the_kebab_case_setting(tmp_path: Path) -> None:
    path = write(tmp_path / "gba-dataflow.toml", "fail_on_warn = true\n")
    with pytest.raises(ConfigError) as caught:
        read_config(path)
    assert caught.value.first.hint == "did you mean `fail-on-warn`?"


@pytest.mark.parametrize(
    ("text", "message", "hint"),
    [
        (
            'format = "xml"\n',
            "`format` `xml` is not one of text, json, sarif, junit, github",
            "choose one of",
        ),
        ('lang = "zh-hans"\n', "(did you mean `zh-Hans`?)", "choose one of"),
        ('fail-on-warn = "yes"\n', "`fail-on-warn` must be true or false, not a string", "e.g."),
        ("max-manifest-bytes = 0\n", "`max-manifest-bytes` must be at least 1, not 0", "e.g."),
        ("exclude = [1]\n", "`exclude` must be a list of strings, not a list", "e.g."),
    ],
)
def test_a_value_of_the_wrong_kind_is_e542(tmp_path: Path, text: str, message: str, hint: str) -> None:
    path = write(tmp_path / "gba-dataflow.toml", "\n" + text)
    with pytest.raises(ConfigError) as caught:
        read_config(path)
    (diagnostic,) = caught.value.diagnostics
    assert (diagnostic.code, diagnostic.line) == ("E542", 2)
    assert message in diagnostic.message
    assert diagnostic.hint is not None and diagnostic.hint.startswith(hint)


def test_toml_that_does_not_parse_is_e540_at_its_line(tmp_path: Path) -> None:
    path = write(tmp_path / "gba-dataflow.toml", 'lang = "en"\nformat = json\n')
    with pytest.raises(ConfigError) as caught:
        read_config(path)
    assert (caught.value.code, caught.value.first.line, caught.value.first.column) == ("E540", 2, 10)


@pytest.mark.parametrize("code", ["E540", "E541", "E542"])
def test_each_config_code_has_a_bad_example_that_fails_with_it_and_a_good_one_that_loads(
    tmp_path: Path, code: str
) -> None:
    entry = CODES[code]
    bad = write(tmp_path / "bad" / "gba-dataflow.toml", entry.bad + "\n")
    with pytest.raises(ConfigError) as caught:
        read_config(bad)
    assert {diagnostic.code for diagnostic in caught.value.diagnostics} == {code}
    good = write(tmp_path / "good" / "gba-dataflow.toml", entry.good + "\n")
    assert read_config(good).values


def test_the_ledger_url_comes_from_the_variable_else_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "gba-dataflow.toml", 'ledger = "sqlite:///file.db"\n')
    monkeypatch.delenv("GBA_DATAFLOW_LEDGER", raising=False)
    config = load_config(tmp_path)
    assert config.ledger_url == "sqlite:///file.db"
    assert config.effective("ledger", None, "--ledger").source == f"{tmp_path / 'gba-dataflow.toml'}:1"
    monkeypatch.setenv("GBA_DATAFLOW_LEDGER", "sqlite:///env.db")
    assert config.ledger_url == "sqlite:///env.db"
    assert config.effective("ledger", None, "--ledger").source == "$GBA_DATAFLOW_LEDGER"
    assert config.effective("ledger", "sqlite:///opt.db", "--ledger").source == "--ledger"


def test_directory_walks_skip_rule_tests_and_honour_include_and_exclude(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in [
        "a.yaml",
        "b.json",
        "drafts/c.yaml",
        "rules/x.rules",
        "rules/tests/case.yaml",
        "rules/x.test.yaml",
        "other/tests/kept.yaml",
        "other/y.test.yml",
    ]:
        write(tmp_path / name, "")
    root = str(tmp_path)

    def names(selection: Selection = ALL) -> list[str]:
        return [os.path.relpath(path, root) for path in iter_manifest_files([root], selection)]

    assert names() == ["a.yaml", "b.json", "drafts/c.yaml", "other/tests/kept.yaml"]
    assert names(Selection(exclude=("drafts/*",))) == ["a.yaml", "b.json", "other/tests/kept.yaml"]
    assert names(Selection(include=("*.yaml",), exclude=("kept.yaml",))) == ["a.yaml", "drafts/c.yaml"]
    # the path as found counts too, so one glob works for `check .` and for `check drafts`
    monkeypatch.chdir(tmp_path)
    assert list(iter_manifest_files(["."], Selection(include=("drafts/*",)))) == ["./drafts/c.yaml"]
    assert list(iter_manifest_files(["drafts"], Selection(include=("drafts/*",)))) == ["drafts/c.yaml"]
    # a file named on the command line is read, whatever its name
    assert list(iter_manifest_files([str(tmp_path / "rules/x.test.yaml")])) == [
        str(tmp_path / "rules/x.test.yaml")
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('format = "xml"\n', "`format` `xml` 不是 `text`、`json`、`sarif`、`junit`、`github` 之一"),
        ('fail-on-warn = "yes"\n', "`fail-on-warn` 必须是 `true` 或 `false`，而不是字符串"),
        ("max-manifest-bytes = 0\n", "`max-manifest-bytes` 必须至少为 1，而不是 0"),
        ("colour = true\n", "`gba-dataflow.toml` 中有未知的设置 `colour`"),
    ],
)
def test_a_bad_setting_is_said_in_chinese(tmp_path: Path, text: str, expected: str) -> None:
    """The message and hint are phrases: English as before, and said in Chinese by a Chinese report."""
    from language_checks import english_words

    from gba_dataflow.core.i18n import localize

    path = write(tmp_path / "gba-dataflow.toml", text)
    with pytest.raises(ConfigError) as caught:
        read_config(path)
    (diagnostic,) = caught.value.diagnostics
    assert localize(diagnostic.message, "zh-Hans") == expected
    hint = localize(diagnostic.hint, "zh-Hant")
    assert hint and english_words(hint) == [], hint
