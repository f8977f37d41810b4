"""The dictionary kept in a disk cache entry: read once, written back merged, bounded, damage ignored."""

from __future__ import annotations

import marshal
from pathlib import Path

import pytest

from gba_dataflow.core import diskcache
from gba_dataflow.core.disk_memo import DiskMemo, build_entry_name

ENTRY = build_entry_name("probe")


@pytest.fixture(autouse=True)
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(diskcache.ENV, str(tmp_path))
    return tmp_path


def test_the_entry_names_the_kind_and_this_python_build() -> None:
    assert ENTRY.startswith("probe-") and ENTRY.endswith(".marshal")
    assert len(ENTRY.split("-", 1)[1].split(".")[0]) == 64


def test_values_put_are_found_and_saved_for_the_next_process() -> None:
    memo = DiskMemo(ENTRY, max_entries=10)
    assert memo.get("a") is None
    memo.put("a", (1, [2], {"g": 3}))
    assert memo.get("a") == (1, [2], {"g": 3})
    memo.save()
    assert DiskMemo(ENTRY, max_entries=10).get("a") == (1, [2], {"g": 3})


def test_nothing_is_written_when_nothing_was_added(cache_dir: Path) -> None:
    memo = DiskMemo(ENTRY, max_entries=10)
    memo.get("a")
    memo.save()
    assert not (cache_dir / ENTRY).exists()


def test_a_save_merges_what_another_process_wrote_meanwhile() -> None:
    mine, theirs = DiskMemo(ENTRY, max_entries=10), DiskMemo(ENTRY, max_entries=10)
    mine.put("mine", 1)
    theirs.put("theirs", 2)
    theirs.save()
    mine.save()
    assert diskcache.read_marshal(ENTRY) == {"mine": 1, "theirs": 2}


def test_over_the_bound_a_save_keeps_only_what_this_process_used() -> None:
    diskcache.write(ENTRY, marshal.dumps({f"old{i}": i for i in range(5)}))
    memo = DiskMemo(ENTRY, max_entries=5)
    assert memo.get("old1") == 1
    memo.put("new", 9)
    memo.save()
    assert diskcache.read_marshal(ENTRY) == {"old1": 1, "new": 9}


@pytest.mark.parametrize("data", [b"\x00not marshal", marshal.dumps([1, 2]), b""])
def test_a_damaged_or_foreign_entry_reads_as_empty(data: bytes) -> None:
    diskcache.write(ENTRY, data)
    memo = DiskMemo(ENTRY, max_entries=10)
    assert memo.get("a") is None
    memo.put("a", 1)
    memo.save()
    assert diskcache.read_marshal(ENTRY) == {"a": 1}


def test_with_caching_off_values_live_in_the_process_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(diskcache.ENV, "off")
    memo = DiskMemo(ENTRY, max_entries=10)
    memo.put("a", 1)
    memo.save()
    assert memo.get("a") == 1 and DiskMemo(ENTRY, max_entries=10).get("a") is None


def test_a_value_marshal_cannot_store_is_kept_in_the_process_only() -> None:
    class Flag(int):
        pass

    memo = DiskMemo(ENTRY, max_entries=10)
    memo.put("a", Flag(1))
    memo.save()
    assert memo.get("a") == 1 and diskcache.read(ENTRY) is None


def test_versions_name_other_entries() -> None:
    assert build_entry_name("probe", "1.0") != build_entry_name("probe", "1.1") != ENTRY
    assert build_entry_name("probe", "1.0") == build_entry_name("probe", "1.0")
