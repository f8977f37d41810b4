"""A progress bar for long batches: rich, on stderr, only on a terminal and only for a large batch."""

from __future__ import annotations

import os
import sys
from types import TracebackType
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

LARGE_BATCH = 50
"""Fewest manifests for which a progress bar is shown."""


def stream_is_terminal(stream: TextIO) -> bool:
    """True for an interactive terminal (not a pipe, a file, or `TERM=dumb`)."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"


class ProgressBar:
    """`update(done, total)` draws a transient bar on `stream` once `total` reaches LARGE_BATCH, if the
    stream is a terminal (or `force`); otherwise it does nothing. Use it as a context manager.
    """

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        color: bool = True,
        force: bool = False,
        threshold: int = LARGE_BATCH,
        lang: str = "en",
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = force or stream_is_terminal(self.stream)
        self.force = force
        self.color = color
        self.threshold = threshold
        self.lang = lang
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    def update(self, done: int, total: int) -> None:
        if not self.enabled or total < self.threshold:
            return
        if self._progress is None:
            self._start(total)
        assert self._progress is not None and self._task is not None
        self._progress.update(self._task, completed=done, total=total)

    def _start(self, total: int) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        from gba_dataflow.core.i18n import localize, tr

        console = Console(
            file=self.stream, force_terminal=self.force or None, no_color=not self.color, highlight=False
        )
        self._progress = Progress(
            TextColumn(localize(tr("checking manifests"), self.lang)),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        )
        self._progress.start()
        self._task = self._progress.add_task("check", total=total)

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()
