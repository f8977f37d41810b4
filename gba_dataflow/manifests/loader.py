"""Load a manifest strictly: read, decode, parse, validate, fill in defaults, cross-check.

Anything wrong raises `ManifestError` with every diagnostic found (sorted by position); nothing else
escapes. A manifest that loads is valid: the loader never fails open.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from hashlib import sha256
from pathlib import Path
from typing import Any, Literal

from gba_dataflow.core.errors import Diagnostic, ManifestError, Severity, sort_diagnostics
from gba_dataflow.core.i18n import Phrase, os_problem, tr
from gba_dataflow.core.source import Span, caret_excerpt
from gba_dataflow.manifests.crosscheck import cross_check
from gba_dataflow.manifests.document import ParsedDocument, SourceText
from gba_dataflow.manifests.files import FoundPath
from gba_dataflow.manifests.json_parser import parse_json
from gba_dataflow.manifests.limits import MAX_TEXT, cap_diagnostics
from gba_dataflow.manifests.placeholders import placeholder_diagnostics
from gba_dataflow.manifests.places import canonical_places
from gba_dataflow.manifests.provenance import COPIED_FROM, DEFAULT, Origin, Provenance
from gba_dataflow.manifests.schema import normaliser
from gba_dataflow.manifests.validate import describe, schema_diagnostics
from gba_dataflow.manifests.yaml_parser import DEFAULT_ALIAS_BUDGET, parse_yaml

DEFAULT_MAX_BYTES = 1024 * 1024
"""Largest manifest accepted (E402), in bytes, unless GBA_DATAFLOW_MAX_MANIFEST_BYTES (which the
`max-manifest-bytes` setting of the configuration file sets for a command) says otherwise."""
MAX_BYTES_VARIABLE = "GBA_DATAFLOW_MAX_MANIFEST_BYTES"


def configured_max_bytes() -> int:
    """The manifest size limit: GBA_DATAFLOW_MAX_MANIFEST_BYTES when it holds a positive whole number,
    else DEFAULT_MAX_BYTES. An environment variable reaches worker processes however they start, so every
    manifest of a run has the same limit (the command line refuses a bad value before any is read)."""
    value = os.environ.get(MAX_BYTES_VARIABLE)
    if value and value.isdigit() and int(value) > 0:
        return int(value)
    return DEFAULT_MAX_BYTES


Syntax = Literal["yaml", "json"]
_LEADING_SPACE = re.compile(r"\s*")


@dataclass(frozen=True)
class LoadedManifest:
    """A validated manifest: data with every default filled in and dates as `datetime.date`."""

    path: str
    """The display path as given (`<stdin>` for standard input)."""
    data: dict[str, Any]
    """The manifest; every path of the schema exists (absent optional values are None)."""
    positions: Mapping[str, tuple[int, int]]
    """JSON pointer (`/transfer/origin/region`) -> 1-based (line, column) of the value in the file."""
    digest: str
    """`sha256:<hex>` of the raw bytes."""
    warnings: tuple[Diagnostic, ...] = ()
    """W412/W413 findings, located, with their JSON path."""
    provenance: Mapping[str, Provenance] = field(default_factory=dict)
    """JSON pointer -> where the value came from, for values not stated in the file and not the schema's
    default (derived or ledger values); see `provenance_of`."""

    def provenance_of(self, pointer: str) -> Provenance:
        """Where the value at `pointer` came from: an explicit entry, else stated (it has a position in
        the file), else the schema's default."""
        found = self.provenance.get(pointer)
        if found is not None:
            return found
        position = self.positions.get(pointer)
        if position is not None:
            return Provenance(Origin.STATED, None, position[0], position[1])
        source = normaliser().copied_from(pointer)
        return Provenance(Origin.DEFAULT, COPIED_FROM + source) if source is not None else DEFAULT


def load_manifest(
    path: str | Path, *, max_bytes: int | None = None, alias_budget: int = DEFAULT_ALIAS_BUDGET
) -> LoadedManifest:
    """Read and load the manifest at `path` (YAML for .yaml/.yml, JSON for .json, else by content).
    `max_bytes` defaults to `configured_max_bytes()`. A path a directory search found (`FoundPath`) is
    read only while it is a regular file."""
    display = str(path)
    max_bytes = max_bytes if max_bytes is not None else configured_max_bytes()
    raw = _read(display, max_bytes, regular_only=isinstance(path, FoundPath))
    return load_manifest_bytes(raw, display, max_bytes=max_bytes, alias_budget=alias_budget)


def load_manifest_bytes(
    raw: bytes,
    display_path: str,
    *,
    max_bytes: int | None = None,
    alias_budget: int = DEFAULT_ALIAS_BUDGET,
    syntax: Syntax | None = None,
) -> LoadedManifest:
    """Load a manifest from its bytes; `display_path` names it in diagnostics and picks YAML or JSON.
    `max_bytes` defaults to `configured_max_bytes()`."""
    max_bytes = max_bytes if max_bytes is not None else configured_max_bytes()
    try:
        return _load(raw, display_path, max_bytes, alias_budget, syntax)
    except ManifestError as error:  # at most the first N diagnostics, and a count of the others
        if len(error.diagnostics) <= 1 and len(error.diagnostics[0].message) <= MAX_TEXT:
            raise
        raise ManifestError(diagnostics=cap_diagnostics(error.diagnostics, display_path)) from None
    except Exception as exc:  # a bug must still fail closed, as a ManifestError
        message = tr(
            "internal error while loading the manifest: {kind}: {detail}",
            kind=type(exc).__name__,
            detail=str(exc),
        )
        diagnostic = Diagnostic("E900", message, Span(display_path, 1, 1), tr("please report this as a bug"))
        raise ManifestError(diagnostics=cap_diagnostics([diagnostic], display_path)) from exc


def _load(
    raw: bytes, display: str, max_bytes: int, alias_budget: int, syntax: Syntax | None
) -> LoadedManifest:
    if len(raw) > max_bytes:
        raise _file_error(
            "E402",
            display,
            tr("the manifest is larger than the limit of {limit:,} bytes", limit=max_bytes),
            hint=tr(
                "split it, or raise the limit: max-manifest-bytes in gba-dataflow.toml "
                "(or [tool.gba-dataflow] of pyproject.toml), or ${variable}",
                variable=MAX_BYTES_VARIABLE,
            ),
        )
    text = _decode(raw, display)
    syntax = syntax or _syntax_of(display, text)
    source = SourceText(display, text, yaml=syntax == "yaml")
    doc = parse_json(source) if syntax == "json" else parse_yaml(source, alias_budget=alias_budget)
    if not isinstance(doc.data, dict):
        raise _not_a_mapping(doc, source)
    errors = _validate(doc, source)
    if errors:
        raise ManifestError(diagnostics=sort_diagnostics(errors))
    normaliser().apply(doc.data)
    places = canonical_places(doc, source)
    found = [*cross_check(doc, source), *places.warnings]
    errors = [diagnostic for diagnostic in found if diagnostic.severity is Severity.ERROR]
    if errors:
        raise ManifestError(diagnostics=sort_diagnostics(errors))
    warnings = tuple(
        sort_diagnostics(diagnostic for diagnostic in found if diagnostic.severity is not Severity.ERROR)
    )
    digest = "sha256:" + sha256(raw).hexdigest()
    return LoadedManifest(display, doc.data, doc.positions, digest, warnings, places.provenance)


def _validate(doc: ParsedDocument, source: SourceText) -> list[Diagnostic]:
    """Parse-level diagnostics, template placeholders and schema violations (one per value: a parse
    finding wins, then a placeholder: `category: TODO` is an unfilled template, not a bad category)."""
    errors = list(doc.diagnostics)
    reported = {diagnostic.json_path for diagnostic in errors}
    errors.extend(d for d in placeholder_diagnostics(doc, source) if d.json_path not in reported)
    reported = {diagnostic.json_path for diagnostic in errors}
    errors.extend(d for d in schema_diagnostics(doc, source) if d.json_path not in reported)
    return errors


def _read(display: str, max_bytes: int, *, regular_only: bool = False) -> bytes:
    """The bytes of a manifest file. With `regular_only` (a file a directory search found), it is opened
    without blocking and refused (E453) unless it is still a regular file: a FIFO put in its place since
    the search would otherwise wait for a writer forever."""
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | (getattr(os, "O_NONBLOCK", 0) if regular_only else 0)
    problem: str
    hint: str | None
    try:
        descriptor = os.open(display, flags)
        try:
            if regular_only and not stat.S_ISREG(os.fstat(descriptor).st_mode):
                raise _file_error(
                    "E453",
                    display,
                    tr(
                        "`{path}` is no longer a regular file (it changed after the directory was searched): "
                        "not read",
                        path=display,
                    ),
                    hint=tr("check what replaced it; name it on the command line to read it as a stream"),
                )
            return _read_at_most(descriptor, max_bytes + 1)
        finally:
            os.close(descriptor)
    except FileNotFoundError:
        problem, hint = tr("no such file"), tr("check the path")
    except IsADirectoryError:
        problem, hint = (
            tr("it is a directory, not a file"),
            tr("give the manifest file, or check the directory"),
        )
    except PermissionError:
        problem, hint = tr("permission denied"), tr("check the file's permissions")
    except OSError as exc:
        problem, hint = os_problem(exc), None
    except ValueError as exc:  # e.g. an embedded NUL in the path
        problem, hint = _VALUE_PROBLEMS.get(str(exc), str(exc)), None
    message = (
        tr("cannot read the manifest: {problem}", problem=problem)
        if isinstance(problem, Phrase)
        else tr("cannot read the manifest: {detail}", detail=problem)  # the system's own words, quoted
    )
    raise _file_error("E401", display, message, hint=hint)


_VALUE_PROBLEMS: dict[str, str] = {"embedded null byte": tr("embedded null byte")}
"""What `os.open` says of a path it refuses before asking the system."""


def _read_at_most(descriptor: int, limit: int) -> bytes:
    """Up to `limit` bytes of an open file. Sized by the file, not by the limit: `read(limit)` would
    allocate the whole limit (1 MiB) for every manifest, which cost more than the reading itself."""
    size = os.fstat(descriptor).st_size
    parts: list[bytes] = []
    total = 0
    block = min(size, limit) + 1 if size else 65536  # pipes and special files say 0
    while total < limit:
        data = os.read(descriptor, min(block, limit - total))
        if not data:
            break
        parts.append(data)
        total += len(data)
        block = 65536
    return b"".join(parts)


def _file_error(code: str, display: str, message: str, *, hint: str | None = None) -> ManifestError:
    return ManifestError(diagnostics=[Diagnostic(code, message, Span(display, 1, 1), hint)])


def _decode(raw: bytes, display: str) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _not_utf8(raw, display, exc.start) from None
    return text[1:] if text.startswith("\ufeff") else text


def _not_utf8(raw: bytes, display: str, offset: int) -> ManifestError:
    line_start = raw.rfind(b"\n", 0, offset) + 1
    line_end = raw.find(b"\n", offset)
    line_bytes = raw[line_start : line_end if line_end >= 0 else len(raw)]
    line = raw.count(b"\n", 0, offset) + 1
    column = len(raw[line_start:offset].decode("utf-8", "replace")) + 1
    utf16 = raw.startswith((b"\xff\xfe", b"\xfe\xff"))
    hint = tr("the file is UTF-16; save it as UTF-8") if utf16 else tr("save the file as UTF-8")
    diagnostic = Diagnostic(
        "E403",
        tr(
            "the manifest is not UTF-8 text: byte 0x{byte:02x} at offset {offset} is not valid UTF-8",
            byte=raw[offset],
            offset=offset,
        ),
        Span(display, line, column, line, column + 1, offset, offset + 1),
        hint,
        excerpt=caret_excerpt(line_bytes.decode("utf-8", "replace")[:200], column) if column <= 200 else None,
    )
    return ManifestError(diagnostics=[diagnostic])


def _syntax_of(display: str, text: str) -> Syntax:
    suffix = os.path.splitext(display)[1].lower()
    if suffix == ".json":
        return "json"
    if suffix in (".yaml", ".yml"):
        return "yaml"
    start = _LEADING_SPACE.match(text).end()  # type: ignore[union-attr]  # always matches
    return "json" if text.startswith("{", start) else "yaml"


def _not_a_mapping(doc: ParsedDocument, source: SourceText) -> ManifestError:
    found = describe(doc.data)
    diagnostic = source.diagnostic(
        "E408",
        tr(
            "the manifest must be a mapping of fields (`apiVersion: ...`, `kind: ...`), not {found}",
            found=found,
        ),
        doc.value_position(""),
        json_path="",
        hint=tr("start from `gba-dataflow new manifest`"),
    )
    return ManifestError(diagnostics=sort_diagnostics([*doc.diagnostics, diagnostic]))
