"""Expanding command-line inputs into manifest files."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gba_dataflow.core.errors import ManifestError
from gba_dataflow.manifests import FileList, iter_manifest_files

_NAMES = st.lists(st.text(st.characters(blacklist_characters="\0/", codec="utf-8"), min_size=1), max_size=6)


def touch(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{}", encoding="utf-8")
    return str(path)


def test_directories_are_searched_recursively_and_sorted(tmp_path: Path) -> None:
    b = touch(tmp_path / "b.yaml")
    a = touch(tmp_path / "a.json")
    nested = touch(tmp_path / "sub" / "c.yml")
    touch(tmp_path / "notes.txt")
    touch(tmp_path / ".hidden.yaml")
    touch(tmp_path / ".git" / "x.yaml")
    upper = touch(tmp_path / "D.YAML")
    assert iter_manifest_files([str(tmp_path)]) == [upper, a, b, nested]


def test_files_and_stdin_pass_through_in_order(tmp_path: Path) -> None:
    text = touch(tmp_path / "manifest.txt")
    yaml_file = touch(tmp_path / "z.yaml")
    assert iter_manifest_files([yaml_file, "-", text]) == [yaml_file, "-", text]


def test_an_empty_directory_gives_nothing(tmp_path: Path) -> None:
    assert iter_manifest_files([str(tmp_path)]) == []


def test_missing_inputs_are_e401_all_at_once(tmp_path: Path) -> None:
    with pytest.raises(ManifestError) as caught:
        iter_manifest_files([str(tmp_path / "a.yaml"), str(tmp_path), str(tmp_path / "b")])
    assert [d.code for d in caught.value.diagnostics] == ["E401", "E401"]
    assert caught.value.diagnostics[0].path == str(tmp_path / "a.yaml")


@given(st.lists(st.one_of(st.tuples(st.just("file"), st.text(min_size=1)), st.tuples(st.text(), _NAMES))))
def test_a_file_list_yields_exactly_the_paths_added(groups: list[tuple[str, object]]) -> None:
    files = FileList()
    expected: list[str] = []
    for first, rest in groups:
        if first == "file":
            assert isinstance(rest, str)
            files.append(rest)
            expected.append(rest)
        else:
            assert isinstance(rest, list)
            files.add_directory(first, rest)
            expected.extend(os.path.join(first, name) for name in rest)
    assert list(files) == expected
    assert len(files) == len(expected)
    assert files == expected and bool(files) is bool(expected)


def test_a_large_directory_is_held_compactly(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for index in range(2000):
        (folder / f"m{index:06d}.yaml").write_bytes(b"")
    files = iter_manifest_files([str(folder)])
    assert len(files) == 2000
    assert next(iter(files)) == str(folder / "m000000.yaml")
    # one string per directory, not one per file
    assert sys.getsizeof(files._groups[0][1]) < 2000 * 20
