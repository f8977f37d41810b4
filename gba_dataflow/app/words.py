"""Pieces of diagnostics that several commands share, said in each `--lang` (core/i18n.py).

`code_list` lists values a user types (option values, keys, setting names): as they are in English
(`text, json, sarif`), each in backticks in Chinese, where a bare Latin word would read as untranslated.
"""

from __future__ import annotations

from collections.abc import Iterable

from gba_dataflow.core.i18n import Listing, tr


def code_list(items: Iterable[object]) -> Listing:
    """`a, b, c` in English; `` `a`、`b`、`c` `` in Chinese."""
    return Listing([tr("{choice}", choice=item) for item in items])
