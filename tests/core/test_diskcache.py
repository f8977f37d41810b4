"""The per-user disk cache: used only when safe, off on request, bounded by kind."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gba_dataflow.core import diskcache


@pytest.fixture()
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "cache"
    monkeypatch.setenv(diskcache.ENV, str(home))
    return home


def test_an_entry_reads_back(cache_home: Path) -> None:
    diskcache.write("code-a.marshal", b"data")
    assert diskcache.read("code-a.marshal") == b"data"
    assert diskcache.read("code-b.marshal") is None
    assert oct(cache_home.stat().st_mode & 0o777) == "0o700"


def test_a_cache_others_can_write_is_never_read(cache_home: Path) -> None:
    diskcache.write("code-shared.marshal", b"data")
    cache_home.chmod(0o777)
    try:
        (entry,) = cache_home.glob("code-*.marshal")
        assert diskcache.read(entry.name) is None
    finally:
        cache_home.chmod(0o700)
    assert diskcache.read(entry.name) is not None


def test_no_cache_when_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(diskcache.ENV, "off")
    monkeypatch.chdir(tmp_path)
    diskcache.write("code-off.marshal", b"data")
    assert diskcache.cache_dir() is None and diskcache.read("code-off.marshal") is None
    assert not list(tmp_path.rglob("*.marshal"))


def test_the_cache_keeps_the_most_recently_used_entries_of_a_kind(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(diskcache, "KEEP", 3)
    for number in range(5):
        diskcache.write(f"code-{number}.marshal", b"x")
        os.utime(cache_home / f"code-{number}.marshal", ns=(number * 10**9, number * 10**9))
    diskcache.write("rules-a.pickle", b"x")  # another kind is pruned on its own
    assert sorted(path.name for path in cache_home.glob("code-*")) == [
        "code-2.marshal",
        "code-3.marshal",
        "code-4.marshal",
    ]
    assert diskcache.read("code-2.marshal") == b"x"  # a read makes it the most recently used
    diskcache.write("code-5.marshal", b"x")
    assert sorted(path.name for path in cache_home.glob("code-*")) == [
        "code-2.marshal",
        "code-4.marshal",
        "code-5.marshal",
    ]
    assert [path.name for path in cache_home.glob("rules-*")] == ["rules-a.pickle"]
