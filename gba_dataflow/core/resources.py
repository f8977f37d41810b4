"""Locate the data files shipped with the package: schemas/, rules/ and examples/.

In a wheel they live in `gba_dataflow/_data/<name>`; in a source checkout (and an editable
install) they are the top-level folders of the repository.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def data_dir(name: str) -> Path:
    """Return the directory of shipped data called `name` (`schemas`, `rules` or `examples`)."""
    packaged = _PACKAGE_DIR / "_data" / name
    if packaged.is_dir():
        return packaged
    return _PACKAGE_DIR.parent / name


def schema_path(name: str) -> Path:
    """Path of a shipped JSON Schema, e.g. `manifest` -> schemas/manifest.schema.json."""
    return data_dir("schemas") / f"{name}.schema.json"
