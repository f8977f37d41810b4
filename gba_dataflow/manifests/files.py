"""Expand command-line inputs into manifest files."""

from __future__ import annotations

import fnmatch
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from gba_dataflow.core.errors import Diagnostic, ManifestError
from gba_dataflow.core.i18n import Phrase, os_problem, tr
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


class FoundPath(str):
    """A path a directory search found as a regular file: read it only if it still is one (a FIFO put in
    its place since would block the run, E453). A path named on the command line is a plain `str`, read
    as given (`<(cat m.yaml)` is a FIFO)."""

    __slots__ = ()


class FileList:
    """Manifest paths in order, held compactly: each directory's file names as one string.

    A directory of 100,000 manifests costs about 1.5 MB here, against some 10 MB as a list of paths,
    so the memory of a large run does not grow with the number of files. Iterating yields the paths
    (`os.path.join(directory, name)`); equal to a list of the same paths.
    """

    __slots__ = ("_groups", "_length", "problems")

    def __init__(self) -> None:
        self._groups: list[tuple[str | None, str]] = []  # (None, path) or (directory, "\0"-joined names)
        self._length = 0
        self.problems: list[Diagnostic] = []
        """What a directory search found and did not read (special files, unreadable directories)."""

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
                yield FoundPath(join(directory, text[start:end]))
                start, end = end + 1, text.find("\0", end + 1)
            yield FoundPath(join(directory, text[start:]))

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
    found in a directory must also be wanted by `selection`. Symlinked directories are followed, each
    directory at most once (a link back to a directory above is a loop, not an endless walk). What the
    walk finds that is named like a manifest but is not a regular file (a FIFO, a socket, a device), and
    directories it cannot read, are not opened: they are kept in `FileList.problems` (E453, E401), never
    skipped in silence. Anything named on the command line that exists and is not a directory (a FIFO
    such as `<(cat m.yaml)`, a device) is read as given, as a stream. Every input that does not exist is
    reported at once (E401).
    """
    found = FileList()
    missing: list[Diagnostic] = []
    for item in inputs:
        if item == STDIN or os.path.isfile(item):
            found.append(item)
        elif os.path.isdir(item):
            _walk(item, found, selection)
        elif os.path.exists(item):  # a FIFO, a process substitution (/dev/fd/63), a device
            found.append(item)
        else:
            missing.append(
                Diagnostic(
                    "E401",
                    tr("cannot read `{path}`: no such file or directory", path=item),
                    Span(item, 1, 1),
                    tr("check the path"),
                )
            )
    if missing:
        raise ManifestError(diagnostics=missing)
    return found


def _walk(top: str, found: FileList, selection: Selection) -> None:
    """Depth first, in sorted order (a directory's files, then each subdirectory), as `os.walk` goes."""
    seen: set[tuple[int, int]] = set()
    try:
        info = os.stat(top)
        seen.add((info.st_dev, info.st_ino))
    except OSError:
        pass
    pending = [top]
    while pending:
        directory = pending.pop()
        try:
            with os.scandir(directory) as scan:
                entries = sorted((entry for entry in scan if not entry.name.startswith(".")), key=_name)
        except OSError as error:
            found.problems.append(_unreadable_directory(directory, error))
            continue
        wanted: list[str] = []
        subdirectories: list[str] = []
        rules_here = any(entry.name.endswith(RULES_SUFFIX) for entry in entries)
        for entry in entries:
            kind = _kind(entry)
            if kind == "directory":
                if rules_here and entry.name == "tests":
                    continue  # rule test cases beside the rules, not manifests
                identity = _identity(entry)
                if identity is None or identity in seen:
                    continue  # a loop, or a directory already searched through another link
                seen.add(identity)
                subdirectories.append(entry.path)
            elif entry.name.lower().endswith(MANIFEST_SUFFIXES) and not entry.name.lower().endswith(
                RULE_TEST_SUFFIXES
            ):
                if kind == "file":
                    wanted.append(entry.name)
                else:
                    found.problems.append(_special_file(entry.path, kind))
        if selection.include or selection.exclude:
            prefix = os.path.relpath(directory, top).replace(os.sep, "/")
            prefix = "" if prefix == "." else prefix + "/"
            found_at = os.path.normpath(directory).replace(os.sep, "/") + "/"
            wanted = [n for n in wanted if selection.wants(prefix + n, n, found_at + n)]
        found.add_directory(directory, wanted)
        pending.extend(reversed(subdirectories))


def _name(entry: os.DirEntry[str]) -> str:
    return entry.name


def _kind(entry: os.DirEntry[str]) -> str:
    """`file` (a regular file, or a link that leads to one or nowhere: the loader reports a broken link),
    `directory`, or what else the entry is (`FIFO`, `socket`, `device`)."""
    try:
        if entry.is_dir():
            return "directory"
        if entry.is_file():
            return "file"
        mode = entry.stat().st_mode
    except OSError:
        return "file"  # a broken link or a race: the loader says what is wrong when it opens it
    if stat.S_ISFIFO(mode):
        return "FIFO"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "special file"


_KINDS = {
    "FIFO": tr("a FIFO"),
    "socket": tr("a socket"),
    "device": tr("a device"),
    "special file": tr("a special file"),
}


def _identity(entry: os.DirEntry[str]) -> tuple[int, int] | None:
    try:
        info = entry.stat()
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _special_file(path: str, kind: str) -> Diagnostic:
    return Diagnostic(
        "E453",
        tr("`{path}` is {kind}, not a regular file: not read", path=path, kind=_KINDS[kind]),
        Span(path, 1, 1),
        tr("remove it from the directory, or name it on the command line to read it as a stream"),
    )


def _unreadable_directory(path: str, error: OSError) -> Diagnostic:
    problem = os_problem(error)
    return Diagnostic(
        "E401",
        tr("cannot read the directory `{path}`: {problem}", path=path, problem=problem)
        if isinstance(problem, Phrase)
        else tr("cannot read the directory `{path}`: {detail}", path=path, detail=problem),
        Span(path, 1, 1),
        tr("check the directory's permissions"),
    )
