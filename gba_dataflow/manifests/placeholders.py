"""Template placeholders left in a manifest are input errors, never facts (design §3 point 10).

`gba-dataflow new manifest` writes `TODO` where only the steward knows the value (the purpose, the parties'
names, the dataset and its fields). A manifest that still holds one describes no real transfer, so it must
not be decided: every string value with the word `TODO` in capitals (`TODO: legal name`, `TODO_field_name`,
`Example Bank TODO`) is reported as E420 at its line and column, with its JSON path.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from gba_dataflow.core.errors import Diagnostic
from gba_dataflow.core.i18n import tr
from gba_dataflow.manifests.document import ParsedDocument, SourceText
from gba_dataflow.manifests.pointers import dotted, escape

PLACEHOLDER = "TODO"
"""The word the template writes where a value is still to be given."""
_PLACEHOLDER = re.compile(r"(?<![A-Za-z0-9])TODO(?![A-Za-z0-9])")


def placeholder_diagnostics(doc: ParsedDocument, source: SourceText) -> list[Diagnostic]:
    """One E420 per value of the document that still holds a placeholder, in document order.

    A file whose text has neither the word nor a backslash (an escape could spell it) has none: the walk
    over its values is skipped."""
    if PLACEHOLDER not in source.text and "\\" not in source.text:
        return []
    return [
        source.diagnostic(
            "E420",
            tr(
                "`{field}` still holds the template's placeholder: {value!r}",
                field=dotted(pointer),
                value=value,
            ),
            doc.value_position(pointer),
            json_path=pointer,
            hint=_HINT,
        )
        for pointer, value in _strings(doc.data, "")
        if _PLACEHOLDER.search(value)
    ]


_HINT = tr(
    "replace every TODO with the real value before checking the transfer; "
    "a manifest with a placeholder is never decided"
)


def _strings(value: Any, pointer: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield pointer, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{pointer}/{escape(str(key))}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{pointer}/{index}")
