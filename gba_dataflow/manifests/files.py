"""Expand command-line inputs into manifest files."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from gba_dataflow.core.errors import Diagnostic, ManifestError
from gba_dataflow.core.source import STDIN, Span

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
RULE_TEST_SUFFIXES = (".test.yaml", ".test.yml")
"""Rule test case files (`rules test`): never manifests, wherever a directory walk finds them."""
RULES_SUFFIX = ".rules"
__all__ = ["MANIFEST_SUFFIXES", "STDIN", "FileList", "Selection", "iter_manifest_files"]


@dataclass(frozen=True, slots=True)
class Selection:
    """Which files a directory walk takes, beyond `*.yaml *.yml *.json` (the `include` and `exclude`
    settings of the configuration file).

    A glob is matched (fnmatch: `*` also matches `/`), with `/` separators, against the file's path as
    the walk found it (`transfers/a.yaml` for `check .` or `check transfers`), its path relative to the
    directory given on the command line (`a.yaml` for `check transfers`), and its name alone. With
    `include`, a file must match one of them; a file that matches an `exclude` glob is left out. Files
    named on the command line are always read.
    """

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def wants(self, relative: str, name: str, path: str = "") -> bool:
        forms = (relative, name, path) if path else (relative, name)

        def matches(globs: tuple[str, ...]) -> bool:
            return any(fnmatch.fnmatchcase(form, glob) for glob in globs for form in forms)

        return (not self.include or matches(self.include)) and not matches(self.exclude)


ALL = Selection()


class FileList:
    """Manifest paths in order, held compactly: each directory's file names as one string.

    A directory of 100,000 manifests costs about 1.5 MB here, against some 10 MB as a list of paths,
    so the memory of a large run does not grow with the number of files. Iterating yields the paths
    (`os.path.join(directory, name)`); equal to a list of the same paths.
    """

    __slots__ = ("_groups", "_length")

    def __init__(self) -> None:
        self._groups: list[tuple[str | None, str]] = []  # (None, path) or (directory, "\0"-joined names)
        self._length = 0

    def append(self, path: str) -> None:
        """Add one path as it is."""
        self._groups.append((None, path))
        self._length += 1

    def add_directory(self, directory: str, names: list[str]) -> None:
        """Add the files `names` (in this order) of `directory`."""
        if names:
            self._groups.append((directory, "\0".join(names)))
            self._length += len(names)

    def __len__(self) -> int:
        return self._length

    def __iter__(self) -> Iterator[str]:
        join = os.path.join
        for directory, text in self._groups:
            if directory is None:
                yield text
                continue
            start = 0
            end = text.find("\0")
            while end != -1:
                yield join(directory, text[start:end])
                start, end = end + 1, text.find("\0", end + 1)
            yield join(directory, text[start:])

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FileList | list | tuple):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, like a list

    def __repr__(self) -> str:
        return f"FileList({list(self)!r})"


def iter_manifest_files(inputs: Sequence[str], selection: Selection = ALL) -> FileList:
    """Files as given, `-` (stdin) kept, directories searched recursively for `*.yaml *.yml *.json`.

    Directory contents come out sorted, so the result is deterministic; hidden files and directories
    (a name starting with `.`) are skipped, and so are rule test files: `*.test.yaml`/`*.test.yml`, and
    the `tests/` directory beside rule files (`*.rules`), the layout docs/authoring.md teaches. Files
    found in a directory must also be wanted by `selection`. Every input that does not exist is reported
    at once (E401).
    """
    found = FileList()
    missing: list[Diagnostic] = []
    for item in inputs:
        if item == STDIN or os.path.isfile(item):
            found.append(item)
        elif os.path.isdir(item):
            _walk(item, found, selection)
        else:
            missing.append(
                Diagnostic(
                    "E401",
                    f"cannot read `{item}`: no such file or directory",
                    Span(item, 1, 1),
                    "check the path",
                )
            )
    if missing:
        raise ManifestError(diagnostics=missing)
    return found


def _walk(directory: str, found: FileList, selection: Selection) -> None:
    for root, dirs, names in os.walk(directory):
        rules_here = any(name.endswith(RULES_SUFFIX) for name in names)
        dirs[:] = sorted(
            name for name in dirs if not name.startswith(".") and not (rules_here and name == "tests")
        )
        names.sort()  # in place: a directory of 100,000 files is not copied
        wanted = [
            n
            for n in names
            if not n.startswith(".")
            and n.lower().endswith(MANIFEST_SUFFIXES)
            and not n.lower().endswith(RULE_TEST_SUFFIXES)
        ]
        if selection.include or selection.exclude:
            prefix = os.path.relpath(root, directory).replace(os.sep, "/")
            prefix = "" if prefix == "." else prefix + "/"
            found_at = os.path.normpath(root).replace(os.sep, "/") + "/"
            wanted = [n for n in wanted if selection.wants(prefix + n, n, found_at + n)]
        found.add_directory(root, wanted)
