"""JSON pointers (`/dataset/fields/2/name`) and their dotted, human form (`dataset.fields[2].name`)."""

from __future__ import annotations

from collections.abc import Iterable


def escape(token: str) -> str:
    """Escape one reference token of a JSON pointer (RFC 6901: `~` -> `~0`, `/` -> `~1`)."""
    if "~" in token or "/" in token:
        return token.replace("~", "~0").replace("/", "~1")
    return token


def join(parts: Iterable[str | int]) -> str:
    """Build a JSON pointer from keys and list indices (`()` -> `""`, the whole document)."""
    return "".join(f"/{escape(str(part))}" for part in parts)


def split(pointer: str) -> list[str]:
    """Split a JSON pointer into its unescaped reference tokens."""
    if not pointer:
        return []
    return [token.replace("~1", "/").replace("~0", "~") for token in pointer[1:].split("/")]


def dotted(pointer: str) -> str:
    """Render a pointer as a manifest path: `/dataset/fields/2/name` -> `dataset.fields[2].name`."""
    if not pointer:
        return "the manifest"
    out = ""
    for token in split(pointer):
        if token.isascii() and token.isdigit():
            out += f"[{token}]"
        else:
            out += f".{token}" if out else token
    return out


def parent(pointer: str) -> str:
    """The pointer of the enclosing object or list (`""` for a top-level field)."""
    return pointer[: pointer.rfind("/")] if pointer else ""
