"""The package's version (as in pyproject.toml), in a module of its own: the caches of `core` name their
entries by it without importing the package's public API."""

__version__ = "0.1.0"
