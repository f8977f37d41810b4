"""Blank text: text that shows nothing is empty, whatever code points it is made of.

A justification of `"\u200b"` documents nothing, so `has(...)` and the manifest checks treat it as absent.
Blank means: only whitespace (`str.isspace`), format characters that draw nothing (Unicode category Cf:
zero-width space, joiners, the byte-order mark, bidirectional marks), and the filler characters that look
like a space without being one (Braille pattern blank U+2800, the Hangul fillers U+115F, U+1160, U+3164 and
U+FFA0, the combining grapheme joiner U+034F, the Mongolian vowel separator U+180E).
"""

from __future__ import annotations

import unicodedata

_FILLERS = frozenset("\u034f\u115f\u1160\u180e\u2800\u3164\uffa0")


def is_blank(text: str) -> bool:
    """Whether `text` shows nothing: empty, or only whitespace, invisible format characters and fillers."""
    if not text or text.isspace():
        return True
    return all(char.isspace() or char in _FILLERS or unicodedata.category(char) == "Cf" for char in text)
