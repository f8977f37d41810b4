"""SHA-256 without loading OpenSSL.

`hashlib` loads OpenSSL's libcrypto as it is imported, to offer every algorithm it has: 11.5 M
instructions and about 6 ms, a thirtieth of a cold `check`. The one algorithm gba-dataflow uses (cache keys,
the rules' and each manifest's `sha256:` digest) is also built into CPython, without OpenSSL, as `_sha2`
(3.12 on) or `_sha256` (3.11); `hashlib` falls back to the same module when OpenSSL is missing. It is
slower on long inputs (about 10 µs instead of 2 for a 1.5 KB manifest), which a batch does not notice.
Where neither module exists (another Python implementation), `hashlib` is used.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol


class Hash(Protocol):
    """What a digest object offers here."""

    def update(self, data: bytes, /) -> None: ...
    def hexdigest(self) -> str: ...


def _sha256_implementation() -> Callable[..., Hash]:
    for module in ("_sha2", "_sha256"):
        try:
            constructor: Callable[..., Hash] = __import__(module).sha256
        except (ImportError, AttributeError):
            continue
        return constructor
    from hashlib import sha256

    return sha256


sha256: Callable[..., Hash] = _sha256_implementation()
"""`sha256(data=b"")`: a SHA-256 digest object, fed `data`."""
