"""Subject identifiers for exact distinct counts, kept only as HMAC-SHA-256 keyed hashes.

The organisation key (at least 16 bytes) comes from `--subjects-key-file`, else the file named by
GBA_DATAFLOW_SUBJECTS_KEY_FILE, else the text of GBA_DATAFLOW_SUBJECTS_KEY. Without a key nothing is read.
A raw identifier never leaves this module: messages name line numbers only, and the ledger stores hashes.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import os
from dataclasses import dataclass
from pathlib import Path

from gba_dataflow.core.i18n import tr
from gba_dataflow.ledger.errors import LedgerError

KEY_ENV = "GBA_DATAFLOW_SUBJECTS_KEY"
KEY_FILE_ENV = "GBA_DATAFLOW_SUBJECTS_KEY_FILE"
MIN_KEY_BYTES = 16
CSV_COLUMN = "subject_id"


@dataclass(frozen=True, slots=True)
class SubjectHashes:
    """The distinct keyed hashes of one transfer's subjects (sorted: the same file gives the same list)."""

    source: str
    hashes: tuple[str, ...]


def organisation_key(key_file: Path | None = None) -> bytes:
    """The HMAC key, or E605 saying where to put it."""
    file_name = str(key_file) if key_file is not None else os.environ.get(KEY_FILE_ENV)
    if file_name:
        try:
            key = Path(file_name).read_bytes().rstrip(b"\r\n")
        except OSError as error:
            raise LedgerError(
                tr(
                    "cannot read the organisation key file `{file}`: {reason}",
                    file=file_name,
                    reason=str(error.strerror or error),
                ),
                code="E605",
                hint=tr("check the path given by --subjects-key-file or {variable}", variable=KEY_FILE_ENV),
            ) from None
    else:
        key = os.environ.get(KEY_ENV, "").encode("utf-8")
        if not key:
            raise LedgerError(
                tr("--subjects needs the organisation key that hashes the identifiers, and none was given"),
                code="E605",
                hint=tr(
                    "pass --subjects-key-file FILE, or set {file_variable} or {variable} "
                    "(the same key for every run: it makes the counts comparable across transfers)",
                    file_variable=KEY_FILE_ENV,
                    variable=KEY_ENV,
                ),
            )
    if len(key) < MIN_KEY_BYTES:
        raise LedgerError(
            tr(
                "the organisation key is {size} bytes; at least {minimum} are needed",
                size=len(key),
                minimum=MIN_KEY_BYTES,
            ),
            code="E605",
            hint=tr("generate one with: python3 -c 'import secrets; print(secrets.token_hex(32))'"),
        )
    return key


def hash_subjects(path: Path, key: bytes) -> SubjectHashes:
    """Read one identifier per line (or the `subject_id` column of a `.csv` file, else its first column)
    and return their distinct keyed hashes."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise LedgerError(
            tr(
                "cannot read the subjects file `{path}`: {reason}",
                path=str(path),
                reason=str(getattr(error, "strerror", None) or error),
            ),
            code="E606",
            hint=tr("one identifier per line, UTF-8"),
        ) from None
    digest = hashlib.sha256
    seen: set[str] = set()
    for number, identifier in _identifiers(path, text):
        if not identifier:
            raise LedgerError(
                tr("{path}:{line}: the line holds no identifier", path=str(path), line=number),
                code="E606",
                hint=tr("remove blank lines; every line is one individual"),
            )
        seen.add(hmac.new(key, identifier.encode("utf-8"), digest).hexdigest())
    return SubjectHashes(str(path), tuple(sorted(seen)))


def _identifiers(path: Path, text: str) -> list[tuple[int, str]]:
    if path.suffix.lower() != ".csv":
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        return [(number, line.strip()) for number, line in enumerate(lines, start=1)]
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        raise LedgerError(
            tr("the subjects file `{path}` is empty", path=str(path)),
            code="E606",
            hint=tr("a header, then one row each"),
        )
    column = header.index(CSV_COLUMN) if CSV_COLUMN in header else 0
    found: list[tuple[int, str]] = []
    for row in reader:
        number = reader.line_num
        found.append((number, row[column].strip() if len(row) > column else ""))
    return found
