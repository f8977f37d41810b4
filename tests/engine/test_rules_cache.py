"""The disk cache of parsed rules: used when safe, keyed by content, never stale, optional."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from gba_dataflow.core import diskcache
from gba_dataflow.engine import cache
from gba_dataflow.engine.rulebook import load_rulebook

RULE = 'ruleset r\nrule a\n  deny when dataset.core_data\n  because "core"\n  cite "DSL, Art. 21"\n'


@pytest.fixture()
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "cache"
    monkeypatch.setenv(diskcache.ENV, str(home))
    return home


def write_rules(folder: Path, text: str = RULE) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "r.rules").write_text(text, encoding="utf-8")
    return folder


def test_a_second_load_hits_the_cache_without_parsing(
    cache_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = write_rules(tmp_path / "rules")
    first = load_rulebook([rules])
    assert len(list(cache_home.glob("rules-*.marshal"))) == 1
    import gba_dataflow.dsl.parser as parser

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("the parser must not run on a cache hit")

    monkeypatch.setattr(parser, "parse_text", refuse)
    second = load_rulebook([rules])
    assert [r.id for rs in second.rulesets for r in rs.rules] == [
        r.id for rs in first.rulesets for r in rs.rules
    ]
    assert second.info == first.info


def test_a_cache_hit_links_the_stored_fast_path_without_generating_it(
    cache_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = write_rules(tmp_path / "rules")
    load_rulebook([rules])
    import gba_dataflow.engine.rulebook as rulebook

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("the code generator must not run on a cache hit")

    monkeypatch.setattr(rulebook, "generate_code", refuse)
    ruleset = load_rulebook([rules]).rulesets[0]
    today = dt.date(2026, 1, 1)
    assert ruleset.run_all({"dataset": {"core_data": True}}, today, {}) == ([ruleset.rules[0]], [], [], [])
    assert ruleset.run_all({"dataset": {"core_data": False}}, today, {}) == ([], [], [], [])


@pytest.mark.parametrize(
    ("name", "size", "mtime"),
    [("codegen.py", 1, 0), ("codegen.py", 0, 1), ("checker.py", 0, 1), ("source.py", 1, 0)],
    ids=["generator edited", "generator touched", "checker touched", "spans edited"],
)
def test_a_changed_file_of_the_package_changes_the_key(
    name: str, size: int, mtime: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The package's own files count by size and modification time, as CPython's .pyc check does."""
    sources = [("r.rules", RULE.encode())]
    before = cache.rules_key(sources)
    assert cache.rules_key(sources) == before
    original = os.stat

    def changed(path: Any, *args: Any, **kwargs: Any) -> Any:
        status = original(path, *args, **kwargs)
        if Path(path).name != name:
            return status
        return SimpleNamespace(st_size=status.st_size + size, st_mtime_ns=status.st_mtime_ns + mtime)

    monkeypatch.setattr(os, "stat", changed)
    assert cache.rules_key(sources) != before


def test_the_cached_digest_is_the_digest_of_the_rules(cache_home: Path, tmp_path: Path) -> None:
    rules = write_rules(tmp_path / "rules")
    fresh = load_rulebook([rules], use_cache=False).info.digest
    assert load_rulebook([rules]).info.digest == fresh  # made, and stored
    assert load_rulebook([rules]).info.digest == fresh  # from the cache
    assert fresh.startswith("sha256:") and len(fresh) == len("sha256:") + 64


def test_an_edited_rule_file_is_never_served_stale(cache_home: Path, tmp_path: Path) -> None:
    rules = write_rules(tmp_path / "rules")
    load_rulebook([rules])
    write_rules(rules, RULE.replace('"core"', '"changed"'))
    book = load_rulebook([rules])
    assert book.rulesets[0].node.rules[0].because is not None
    assert book.rulesets[0].node.rules[0].because.text.parts == ("changed",)
    assert len(list(cache_home.glob("rules-*.marshal"))) == 2


def test_cache_can_be_disabled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(diskcache.ENV, "off")
    assert diskcache.cache_dir() is None
    load_rulebook([write_rules(tmp_path / "rules")])


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_a_directory_others_can_write_is_ignored(cache_home: Path, tmp_path: Path) -> None:
    rules = write_rules(tmp_path / "rules")
    load_rulebook([rules])
    cache_home.chmod(0o777)
    (entry,) = cache_home.glob("rules-*.marshal")
    key = entry.name[len("rules-") : -len(".marshal")]
    assert cache.load(key) is None
    cache_home.chmod(0o700)
    assert cache.load(key) is not None


def test_a_corrupt_entry_is_ignored(cache_home: Path, tmp_path: Path) -> None:
    rules = write_rules(tmp_path / "rules")
    load_rulebook([rules])
    (entry,) = cache_home.glob("rules-*.marshal")
    entry.write_bytes(b"not an entry")
    assert load_rulebook([rules]).rulesets[0].id == "r"


def test_rule_errors_are_not_cached(cache_home: Path, tmp_path: Path) -> None:
    from gba_dataflow.core.errors import CheckError

    rules = write_rules(tmp_path / "rules", RULE.replace("dataset.core_data", "dataset.core"))
    for _ in range(2):
        with pytest.raises(CheckError):
            load_rulebook([rules])
    assert not list(cache_home.glob("rules-*.marshal"))


def test_an_entry_naming_a_class_outside_the_rules_is_refused(cache_home: Path, tmp_path: Path) -> None:
    """The entry is plain data: a class table that names anything but the rules' own classes (here a
    function of `os`) is a miss, never an import or a call; the rules are parsed again."""
    import marshal

    rules = write_rules(tmp_path / "rules")
    load_rulebook([rules])
    (entry,) = cache_home.glob("rules-*.marshal")
    name = entry.name
    key = name[len("rules-") : -len(".marshal")]
    for classes, tree in (
        ((("os:system", ()),), (16, "echo owned")),
        ((("gba_dataflow.dsl.nodes:Rule", ("nothing",)),), (16, 1)),
        ((), (99, 1)),
    ):
        diskcache.write(name, marshal.dumps((cache.FORMAT, classes, tree)))
        assert cache.load(key) is None
    assert load_rulebook([rules]).rulesets[0].id == "r"
    assert cache.load(key) is not None


def test_the_entry_round_trips_the_shipped_rules_exactly(cache_home: Path) -> None:
    """What the cache gives back is equal, field by field, to what the parser and the checker made."""
    from gba_dataflow.dsl.checker import check_rulesets
    from gba_dataflow.engine.rulebook import (
        _parse_sources,
        _read_rule_file,
        default_rules_dirs,
        generate_code,
        manifest_catalog,
        rule_files,
    )

    files = rule_files(default_rules_dirs())
    rulesets = _parse_sources([(path, _read_rule_file(path)) for path in files])
    warnings = tuple(check_rulesets(rulesets, manifest_catalog()).warnings)
    value = (rulesets, warnings, [generate_code(ruleset) for ruleset in rulesets], "sha256:x")
    cache.store("0" * 64, value)
    assert cache.load("0" * 64) == value


@pytest.mark.parametrize("kind", ["rules", "code"])
def test_a_flipped_bit_in_any_entry_gives_the_same_decision_and_a_rebuild(
    kind: str, tmp_path: Path, cli_command: list[str], cli_env: dict[str, str], repo_root: Path
) -> None:
    """Issue 19: one flipped bit in a cached rules entry once turned a DENY into an ALLOW, and one in a
    marshalled code entry made every run segfault. Now the digest catches it: same output, same exit
    code, and the entry is written again."""
    import random
    import subprocess

    home = tmp_path / "cache"
    env = {**cli_env, diskcache.ENV: str(home)}
    manifest = repo_root / "examples" / "manifests" / "important-data-refused.yaml"
    argv = [*cli_command, "check", "--format", "json", str(manifest)]
    clean = subprocess.run(argv, env=env, capture_output=True, check=False, timeout=60)
    assert clean.returncode == 1
    entries = sorted(home.glob(f"{kind}-*.marshal"))
    assert entries, f"a check writes {kind} entries"
    chooser = random.Random(kind)
    for entry in entries:
        for _ in range(2):
            raw = bytearray(entry.read_bytes())
            bit = chooser.randrange(len(raw) * 8)
            raw[bit // 8] ^= 1 << (bit % 8)
            entry.write_bytes(bytes(raw))
            again = subprocess.run(argv, env=env, capture_output=True, check=False, timeout=60)
            assert (again.returncode, again.stdout) == (clean.returncode, clean.stdout)
            assert b"E900" not in again.stderr
            assert diskcache.unseal(entry.read_bytes()) is not None  # rebuilt, whole


def test_translatable_messages_round_trip_as_phrases() -> None:
    """A checker warning's message is a phrase (core/i18n.py): a cached one can still be said in Chinese."""
    from gba_dataflow.core.errors import Diagnostic, Severity
    from gba_dataflow.core.i18n import Phrase, localize, tr, tr_join

    message = tr("{head} or {last}", head=tr_join(["`a`", "`b`"], "and"), last=tr("{only}", only="`c`"))
    warning = Diagnostic("W201", message, None, tr("{only}", only="x"), Severity.WARNING)
    again = cache.decode(*cache.encode(warning))
    assert again == warning
    assert isinstance(again.message, Phrase)
    assert localize(again.message, "zh-Hans") == localize(message, "zh-Hans") == "`a`和`b`或`c`"


def test_given_texts_round_trip_with_their_translations() -> None:
    from gba_dataflow.core.i18n import Given, localize

    given = Given("the dataset's name", {"zh-Hans": "数据集名称", "zh-Hant": "資料集名稱"})
    again = cache.decode(*cache.encode((given,)))[0]
    assert isinstance(again, Given) and again == given
    assert localize(again, "zh-Hant") == "資料集名稱"
