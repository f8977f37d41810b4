"""Pieces of diagnostics that several commands share, said in each `--lang` (core/i18n.py).

`code_list` lists values a user types (option values, keys, setting names): as they are in English
(`text, json or sarif`), each in backticks in Chinese, where a bare Latin word would read as untranslated.
`os_reason` is the operating system's reason for a failed read or write: the common ones are phrases with
a translation; any other stays as the system says it.
"""

from __future__ import annotations

import errno
from collections.abc import Iterable

from gba_dataflow.core.i18n import Listing, Phrase, tr


def code_list(items: Iterable[object]) -> Listing:
    """`a, b, c` in English; `` `a`、`b`、`c` `` in Chinese."""
    return Listing([tr("{choice}", choice=item) for item in items])


def os_reason(error: BaseException, said: object) -> object:
    """`said` (how the caller shows the system's reason for `error`, usually `error.strerror`) as a phrase
    when it is one of the common reasons, else as it is."""
    phrase = _REASONS.get(getattr(error, "errno", None) or 0)
    return phrase if phrase is not None and phrase == said else said


_REASONS: dict[int, Phrase] = {
    errno.ENOENT: tr("No such file or directory"),
    errno.EACCES: tr("Permission denied"),
    errno.EPERM: tr("Operation not permitted"),
    errno.EISDIR: tr("Is a directory"),
    errno.ENOTDIR: tr("Not a directory"),
    errno.ENOSPC: tr("No space left on device"),
    errno.EROFS: tr("Read-only file system"),
    errno.EEXIST: tr("File exists"),
    errno.EADDRINUSE: tr("Address already in use"),
}
