"""The compile cache of regular expressions: equal patterns, compiled once per Python, warnings kept."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from core_helpers import run_python

from gba_dataflow.core import diskcache, regex_cache
from gba_dataflow.core.disk_memo import DiskMemo

PATTERNS: list[tuple[Any, int]] = [
    (r"^(?P<year>[0-9]{4})-(?P<month>[0-9]{1,2})(?:[Tt]|[ \t]+)?", 0),
    ("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]", 0),
    (r"(?<=[a-z)`])\. (?=[A-Z])", 0),
    (
        r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?  # a float
          |\.(?:inf|Inf|INF))$""",
        re.X,
    ),
    (r"(a|b)*?c\1(?P<x>d+)(?P=x)", re.I | re.M | re.S),
    (r"\w+\s*\d", re.A),
    (rb"[\x00-\x1f\\\"]+(?P<tail>\xff)?", 0),
    (rb"\w+", re.L),
    ("(?i:straße)|ß", 0),
    ("", 0),
]
SAMPLES = ["2024-3-01 x", "ab abc\x00", "Straße. Then", "a.b. C", "ABcAd dd", "_9 1", "\ud7ff\ufffe"]


@pytest.fixture()
def cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[DiskMemo]:
    """This process's `re` compiling through an empty cache in a temporary directory."""
    monkeypatch.setenv(diskcache.ENV, str(tmp_path))
    memo = DiskMemo(regex_cache.ENTRY_NAME, max_entries=100)
    monkeypatch.setattr(regex_cache, "_memo", memo)
    monkeypatch.setattr(regex_cache._Installed, "kept", 0)
    monkeypatch.setattr(regex_cache._Installed, "served", 0)
    regex_cache.install()
    re.purge()
    try:
        yield memo
    finally:
        regex_cache.uninstall()
        re.purge()


def compile_both(pattern: Any, flags: int) -> tuple[re.Pattern[Any], re.Pattern[Any]]:
    """(what the cache gives after a first compile, what `re` alone gives)."""
    re.compile(pattern, flags)
    re.purge()
    from_cache = re.compile(pattern, flags)
    re.purge()
    regex_cache.uninstall()
    try:
        return from_cache, re.compile(pattern, flags)
    finally:
        re.purge()
        regex_cache.install()


@pytest.mark.parametrize(("pattern", "flags"), PATTERNS)
def test_patterns_from_the_cache_equal_those_re_compiles(cached: DiskMemo, pattern: Any, flags: int) -> None:
    ours, theirs = compile_both(pattern, flags)
    assert regex_cache.stats() == (1, 1)
    assert ours == theirs  # the same program, flags and pattern text
    assert (ours.flags, ours.groups) == (theirs.flags, theirs.groups)
    assert ours.groupindex == theirs.groupindex
    for sample in SAMPLES:
        text: Any = sample.encode("latin-1", "replace") if isinstance(pattern, bytes) else sample
        first, second = ours.search(text), theirs.search(text)
        assert (first and (first.span(), first.groups())) == (second and (second.span(), second.groups()))


def test_the_cache_survives_the_process(cached: DiskMemo) -> None:
    re.compile("probe (?P<survives>[a-z]+)")
    cached.save()
    regex_cache.uninstall()
    reloaded = DiskMemo(regex_cache.ENTRY_NAME, max_entries=100)
    regex_cache._memo = reloaded
    regex_cache.install()
    re.purge()
    assert re.compile("probe (?P<survives>[a-z]+)").match("probe it")["survives"] == "it"
    assert regex_cache.stats()[1] == 1


def test_a_damaged_entry_is_compiled_again(cached: DiskMemo) -> None:
    cached.put(("dam(a)ged", 0), (0, [1, 2, 3], 0, {}, (None,)))
    assert re.compile("dam(a)ged").match("damaged")[1] == "a"
    cached.put(("dam(a)ged", re.I.value), ("not", "arguments"))
    assert re.compile("dam(a)ged", re.I).match("DAMAGED")[1] == "A"


def test_errors_are_raised_and_nothing_kept(cached: DiskMemo) -> None:
    with pytest.raises(re.error, match="missing \\)"):
        re.compile("(unclosed")
    assert cached.get(("(unclosed", 0)) is None


def test_a_pattern_that_warns_warns_every_time(cached: DiskMemo) -> None:
    for _ in range(2):
        re.purge()
        with pytest.warns(FutureWarning, match="nested set"):
            re.compile("[[a]")
    assert cached.get(("[[a]", 0)) is None


def test_debug_and_other_callers_pass_through(cached: DiskMemo, capsys: pytest.CaptureFixture[str]) -> None:
    re.compile("debugged", re.DEBUG)
    assert "LITERAL" in capsys.readouterr().out
    assert regex_cache.stats() == (0, 0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the cache's own checks leave the caller's warning filters alone
        assert re.compile("quiet").match("quiet")


def test_a_second_process_compiles_nothing(tmp_path: Path) -> None:
    code = (
        "from gba_dataflow.core import regex_cache; regex_cache.install();"
        "import yaml, gba_dataflow.manifests.document; print(*regex_cache.stats())"
    )
    first = run_python(code, str(tmp_path))
    kept, served = map(int, first.split())
    assert kept > 10 and served == 0
    assert run_python(code, str(tmp_path)) == f"0 {kept}"


def test_importing_the_package_leaves_re_alone(tmp_path: Path) -> None:
    code = "import re, gba_dataflow.cli.main, gba_dataflow.manifests; print(re._compiler.compile.__module__)"
    assert run_python(code, str(tmp_path)) == "re._compiler"


def test_the_command_compiles_through_the_cache(tmp_path: Path) -> None:
    manifest = Path(__file__).parents[1] / "cli" / "fixtures" / "manifests" / "allowed.yaml"
    command = [sys.executable, "-m", "gba_dataflow", "check", str(manifest)]
    env = {**os.environ, diskcache.ENV: str(tmp_path)}
    first = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert first.returncode == 0, first.stderr
    assert (tmp_path / regex_cache.ENTRY_NAME).is_file()
    second = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert second.returncode == 0 and second.stdout == first.stdout


def test_not_installed_when_caching_is_off() -> None:
    code = "from gba_dataflow.core import regex_cache; regex_cache.install(); print(regex_cache.installed())"
    assert run_python(code, "off") == "False"
