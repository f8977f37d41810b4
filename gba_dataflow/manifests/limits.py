"""The limits that keep the work on one manifest small, whatever its author wrote (docs/security.md).

- Size: 1 MiB (`loader.DEFAULT_MAX_BYTES`, E402), checked before anything is decoded.
- Nodes: values of any kind (mappings, lists, scalars) in one manifest, 10,000 by default, E450. A real
  manifest has a few hundred; a 1 MB file of one-character values has 330,000, and building them took
  seconds and a gigabyte. YAML files longer than the limit (in characters, so that they could hold more
  nodes) are counted first from the parser's events, which stops at the limit, before any tree is built.
  Set `GBA_DATAFLOW_MAX_NODES` to raise it.
- Diagnostics: the first 100 of a manifest (in order of position), then one E451 that counts the rest;
  `GBA_DATAFLOW_MAX_DIAGNOSTICS` changes it. Costly hints (did-you-mean suggestions) stop at the same
  number.
- Output: each message, hint and JSON path shown at most `MAX_TEXT` characters (a key of 900 KB is named
  by its start), so the report of one manifest is bounded by the two limits above.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from gba_dataflow.core.errors import Diagnostic, ManifestError
from gba_dataflow.core.i18n import Phrase, tr

if TYPE_CHECKING:
    from gba_dataflow.manifests.document import Position, SourceText

DEFAULT_MAX_NODES = 10_000
DEFAULT_MAX_DIAGNOSTICS = 100
NODES_ENV = "GBA_DATAFLOW_MAX_NODES"
DIAGNOSTICS_ENV = "GBA_DATAFLOW_MAX_DIAGNOSTICS"
MAX_TEXT = 300
"""Characters of a message, hint or JSON path kept in a diagnostic."""


def max_nodes() -> int:
    """The node limit: $GBA_DATAFLOW_MAX_NODES when it is a positive whole number, else the default."""
    return _setting(NODES_ENV, DEFAULT_MAX_NODES)


def max_diagnostics() -> int:
    """The diagnostics shown per manifest: $GBA_DATAFLOW_MAX_DIAGNOSTICS when set, else the default."""
    return _setting(DIAGNOSTICS_ENV, DEFAULT_MAX_DIAGNOSTICS)


def _setting(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        number = int(value.strip())
    except ValueError:
        return default
    return number if number > 0 else default


def cap_diagnostics(diagnostics: Sequence[Diagnostic], display: str) -> list[Diagnostic]:
    """The first `max_diagnostics()` diagnostics (already sorted), shortened to `MAX_TEXT`, and an E451
    that counts the others, if any."""
    limit = max_diagnostics()
    kept = [_shortened(diagnostic) for diagnostic in diagnostics[:limit]]
    hidden = len(diagnostics) - len(kept)
    if hidden > 0:
        last = kept[-1].span if kept else None
        kept.append(
            Diagnostic(
                code="E451",
                message=tr("{count:,} more problems in this manifest are not shown", count=hidden),
                span=last,
                hint=tr(
                    "fix the first ones and check again (at most {limit} are shown: {variable})",
                    limit=limit,
                    variable=DIAGNOSTICS_ENV,
                ),
            )
        )
    return kept


def _shortened(diagnostic: Diagnostic) -> Diagnostic:
    message, hint, pointer = diagnostic.message, diagnostic.hint, diagnostic.json_path
    if len(message) <= MAX_TEXT and len(hint or "") <= MAX_TEXT and len(pointer or "") <= MAX_TEXT:
        return diagnostic
    return Diagnostic(
        code=diagnostic.code,
        message=_cut(message),
        span=diagnostic.span,
        hint=_cut(hint) if hint is not None else None,
        severity=diagnostic.severity,
        json_path=_cut(pointer) if pointer is not None else None,
        excerpt=diagnostic.excerpt,
        notes=diagnostic.notes,
    )


def _cut(text: str) -> str:
    """`text` in at most `MAX_TEXT` characters. A phrase keeps its template (so that it can still be said in
    another language) when cutting its longest text arguments is enough; else the text is cut at its end."""
    if len(text) <= MAX_TEXT:
        return text
    if type(text) is Phrase and text.args:
        shortened = _shortened_phrase(text)
        if shortened is not None:
            return shortened
    return text[: MAX_TEXT - 3] + "..."


def _shortened_phrase(phrase: Phrase) -> Phrase | None:
    args = dict(phrase.args)
    texts = [name for name, value in args.items() if type(value) is str]
    for name in sorted(texts, key=lambda name: -len(args[name])):
        excess = len(Phrase(phrase.template, args)) - MAX_TEXT
        value: str = args[name]
        if len(value) - excess - 3 < 1:
            continue
        args[name] = value[: len(value) - excess - 3] + "..."
        shortened = Phrase(phrase.template, args)
        if len(shortened) <= MAX_TEXT:
            return shortened
    return None


def too_many_nodes(source: SourceText, position: Position) -> ManifestError:
    """E450 at the first value past the limit."""
    limit = max_nodes()
    return source.error(
        "E450",
        tr("the manifest holds more than {limit:,} values (mappings, lists and scalars)", limit=limit),
        position,
        hint=tr(
            "a manifest needs a few hundred; if this one really needs more, set {variable}",
            variable=NODES_ENV,
        ),
    )
