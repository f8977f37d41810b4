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


def test_no_cache_and_no_failure_where_the_home_directory_is_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    """A container run as a user id without a passwd entry, and no $HOME: `Path.home()` raises."""
    for name in (diskcache.ENV, "XDG_CACHE_HOME", "HOME"):
        monkeypatch.delenv(name, raising=False)

    def unknown_home(cls: type[Path]) -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", classmethod(unknown_home))
    assert diskcache.cache_dir() is None
    diskcache.write("code-homeless.marshal", b"data")
    assert diskcache.read("code-homeless.marshal") is None


def test_xdg_cache_home_is_used_without_a_home_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(diskcache.ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert diskcache.cache_dir() == tmp_path / "gba-dataflow"


def _name(kind: str, number: int, extension: str = "marshal") -> str:
    return f"{kind}-{number:064x}.{extension}"


def test_the_cache_keeps_the_most_recently_used_entries_of_a_kind(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(diskcache, "KEEP", 3)
    for number in range(5):
        diskcache.write(_name("code", number), b"x")
        os.utime(cache_home / _name("code", number), ns=(number * 10**9, number * 10**9))
    diskcache.write(_name("rules", 0, "pickle"), b"x")  # another kind is pruned on its own
    assert sorted(path.name for path in cache_home.glob("code-*")) == [_name("code", n) for n in (2, 3, 4)]
    assert diskcache.read(_name("code", 2)) == b"x"  # a read makes it the most recently used
    diskcache.write(_name("code", 5), b"x")
    assert sorted(path.name for path in cache_home.glob("code-*")) == [_name("code", n) for n in (2, 4, 5)]
    assert [path.name for path in cache_home.glob("rules-*")] == [_name("rules", 0, "pickle")]


def test_pruning_never_touches_files_the_cache_did_not_name(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GBA_DATAFLOW_CACHE_DIR may name a directory that also holds the user's own files."""
    monkeypatch.setattr(diskcache, "KEEP", 1)
    cache_home.mkdir(mode=0o700)
    own = [
        cache_home / "code-review.md",
        cache_home / "code-1.marshal",
        cache_home / f"code-{'A' * 64}.marshal",
    ]
    for path in own:
        path.write_text("mine")
        os.utime(path, ns=(0, 0))
    (cache_home / _name("code", 9)).mkdir()  # a directory with an entry's name
    for number in range(3):
        diskcache.write(_name("code", number), b"x")
    assert all(path.read_text() == "mine" for path in own)
    assert (cache_home / _name("code", 9)).is_dir()
    assert [path.name for path in cache_home.glob("code-0*.marshal") if path.is_file()] == [_name("code", 2)]


def test_a_marshalled_entry_reads_back_and_a_damaged_one_is_none(cache_home: Path) -> None:
    import marshal

    diskcache.write("code-good.marshal", marshal.dumps({"a": (1, 2)}))
    diskcache.write("code-bad.marshal", b"\x00damaged")
    assert diskcache.read_marshal("code-good.marshal") == {"a": (1, 2)}
    assert diskcache.read_marshal("code-bad.marshal") is None
    assert diskcache.read_marshal("code-missing.marshal") is None
