"""The package's version (as in pyproject.toml), in a module of its own: the dataclass cache, set up while
the package itself is being imported, names its entry by it."""

__version__ = "0.1.0"
