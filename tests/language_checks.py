"""What a test of a Chinese text calls English: Latin words outside code.

Shared by every test of the zh-Hans and zh-Hant renderings (tests/ is on sys.path: import `language_checks`).
"""

from __future__ import annotations

import re

_LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
_KEPT = re.compile(r"`[^`]*`|\{[^{}]*\}|《[^》]*》|--[a-z][a-z-]*|\b[a-z_]+(?:\.[a-z_]+)+\b|https?://\S+")
# words that stay as they are in a Chinese text: names of formats, standards, bodies and literal values
_NAMES = frozenset(
    (
        *("JSON", "YAML", "SARIF", "JUnit", "GitHub", "UTF", "ISO", "CAC", "PIPL", "PDPO", "PDPA", "GBA"),
        *("HMAC", "SHA", "SQLite", "PostgreSQL", "URL", "HTTP", "HTTPS", "API", "OpenAPI", "TOML", "CPU"),
        *("DSL", "LALR", "BOM", "FIFO", "PID", "SIGHUP", "SIGTERM", "YYYY", "null", "true", "false"),
        *("ALLOW", "DENY", "Unicode", "Lark", "PATH", "HOME", "TLS", "CSV"),
    )
)


def english_words(text: str) -> list[str]:
    """The English words of `text` outside code (backticks, placeholders, options, dotted paths, titles)."""
    return [word for word in _LATIN_WORD.findall(_KEPT.sub(" ", text)) if word not in _NAMES]
