"""Did-you-mean suggestions for misspelt names."""

from __future__ import annotations

from collections.abc import Iterable

from gba_dataflow.core.i18n import tr


def did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    """Return a hint such as "did you mean `dataset.subjects`?", or None when nothing is close."""
    import difflib  # only when there is a mistake to suggest a fix for

    matches = difflib.get_close_matches(name, sorted(set(candidates)), n=1, cutoff=0.6)
    return tr("did you mean `{name}`?", name=matches[0]) if matches else None
