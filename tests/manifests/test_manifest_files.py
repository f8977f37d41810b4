"""Expanding command-line inputs into manifest files."""

from __future__ import annotations

from pathlib import Path

import pytest

from gba_dataflow.core.errors import ManifestError
from gba_dataflow.manifests import iter_manifest_files


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
