"""Write a file so that it appears whole or not at all, and never through something planted in its place.

A regular file (or a name that does not exist yet) is written to a temporary file in the same directory,
created with `O_EXCL | O_NOFOLLOW` under a random name, and renamed over the target once complete: a
reader never sees half a report, a planted symlink at a guessable temporary name is never written through,
and two runs writing one target at once each rename their own whole file. Anything else the user names
(a device such as `/dev/null` or `/dev/stdout`, a FIFO, a socket) is opened and written directly: renaming
over it would replace the device node with a file. A symlink is followed to what it names, which is then
written as above. The temporary file is removed on every error, Ctrl-C and (with the CLI's handler, which
turns SIGTERM into an exception) SIGTERM.

Failures are OSErrors; the caller names the file in its message.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from typing import BinaryIO

from gba_dataflow.core.i18n import tr

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NOCTTY = getattr(os, "O_NOCTTY", 0)


@contextlib.contextmanager
def replace_file(path: str) -> Iterator[BinaryIO]:
    """A binary file to write `path` through: the target gets what was written when the block ends
    without an exception, and is left as it was otherwise."""
    target = os.path.realpath(path) if os.path.islink(path) else path
    try:
        info: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        info = None
    if info is not None and not stat.S_ISREG(info.st_mode):
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(21, tr("it is a directory"))  # a phrase: `os_problem` translates it
        descriptor = os.open(target, os.O_WRONLY | _NOCTTY | _CLOEXEC)
        with os.fdopen(descriptor, "wb") as direct:
            yield direct
        return
    directory = os.path.dirname(target) or "."
    os.makedirs(directory, exist_ok=True)
    temporary = os.path.join(directory, f".{os.path.basename(target)}.{os.urandom(6).hex()}.tmp")
    mode = stat.S_IMODE(info.st_mode) if info is not None else 0o666
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, mode)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            yield handle
        os.replace(temporary, target)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
