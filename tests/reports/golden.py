"""Golden files: compare rendered output byte-for-byte with `golden/<name>`.

Run with `UPDATE_GOLDEN=1` to rewrite the files instead, then review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

GOLDEN_DIR = Path(__file__).parent / "golden"


def assert_golden(name: str, text: str) -> None:
    """Assert that `text` equals golden file `name` byte for byte; UPDATE_GOLDEN=1 rewrites it."""
    path = GOLDEN_DIR / name
    data = text.encode("utf-8")
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return
    assert path.exists(), f"missing golden file {path}; run the tests with UPDATE_GOLDEN=1 to create it"
    expected = path.read_bytes()
    assert data == expected, (
        f"{name} differs from its golden file; run with UPDATE_GOLDEN=1 and review the diff"
    )
