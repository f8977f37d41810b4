"""The disk cache of parsed and checked rulesets, so a cold `check` skips the parser and the checker.

An entry holds the parsed rulesets, the checker's warnings, each ruleset's generated module (compiled code,
`marshal`led) and the rules' digest. The key is a digest of everything that value depends on: the
gba-dataflow version, the Python version, the DSL's code and grammar, the code generator (codegen.py,
exprgen.py), the modules of the other classes it holds (spans, diagnostics), the
manifest schema, and every rule file's path and bytes. The package's own files count by size and
modification time, as CPython decides whether a `.pyc` is stale (hashing their ~300 KB took 3 % of a cold
`check`); the rule files, which users edit, by their bytes. A changed input gives a new key, so an entry is
never stale. Where entries live, and when they are used at all, is `core.diskcache`'s business (which also
checks each entry's digest before it is decoded here).

The value is stored as plain data, never as a pickle: `encode` turns the tree of frozen records into
tuples of strings, numbers and bytes, with a table of the classes it uses, and `marshal` stores that.
`decode` rebuilds only classes of the modules in `_MODULES` whose fields are exactly those the entry names,
setting fields directly (no constructor, `__setstate__` or import runs). An entry that names anything else
is refused as a miss, and the rules are parsed again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import os
import sys
from collections.abc import Sequence
from hashlib import sha256
from pathlib import Path
from typing import Any

from gba_dataflow import __version__
from gba_dataflow.core import diskcache
from gba_dataflow.core.i18n import Given, Listing, Phrase
from gba_dataflow.core.resources import schema_path

_DSL = Path(__file__).resolve().parents[1] / "dsl"
_ENGINE = Path(__file__).resolve().parent
_CODEGEN = tuple(_ENGINE / name for name in ("codegen.py", "exprgen.py", "cache.py"))
"""The code generator (what the generated code cached with the rules depends on), and this codec."""
_PICKLED = tuple(_DSL.parent / "core" / name for name in ("source.py", "errors.py", "i18n.py"))
"""Where the other classes of a cached entry are defined (spans and diagnostics)."""
_MODULES = (
    "gba_dataflow.dsl.nodes",
    "gba_dataflow.core.source",
    "gba_dataflow.core.errors",
    "gba_dataflow.engine.codegen",
)
"""The only modules whose classes an entry may hold."""
FORMAT = "rules-entry 3"
"""The layout of `encode`'s output; part of every entry, checked before decoding."""

# Tags of the encoded containers (a record class is encoded as its index in the class table + _CLASS).
_TUPLE, _LIST, _FROZENSET, _DICT, _DATE, _TIMEDELTA, _ENUM, _SET, _NAMED, _PLAIN, _PLAIN_NAMED = range(11)
_PHRASE, _LISTING, _GIVEN = 11, 12, 13  # translatable texts (core/i18n.py): a phrase, a list, a given text
_PRIMITIVE = frozenset({type(None), bool, int, float, str, bytes})
"""Values stored as they are. A tuple (or named tuple) of them only is stored with a tag of its own and
rebuilt by one slice: spans and most constants, half the tuples of an entry."""
_CLASS = 16


class UnencodableError(TypeError):
    """A value holds something `encode` does not store (the value is then not cached)."""


def rules_key(sources: Sequence[tuple[str, bytes]]) -> str:
    """The digest of every input a parsed-and-checked rulebook depends on."""
    digest = sha256()
    # The DSL's own code and the code generator are part of the key, so a changed checker never serves
    # old findings and a changed generator never serves old code.
    code_files = [*sorted(_DSL.glob("*.py")), _DSL / "grammar.lark", *_CODEGEN, *_PICKLED]
    parts: list[bytes] = [__version__.encode(), sys.version.encode()]
    parts += [_signature(path) for path in [*code_files, schema_path("manifest")]]
    for part in parts:
        digest.update(part + b"\0")
    for name, data in sources:
        digest.update(name.encode() + b"\0" + data + b"\0")
    return digest.hexdigest()


def load(key: str) -> Any | None:
    """The cached value for `key`, or None (missing, unsafe, damaged or foreign entries are ignored)."""
    stored = diskcache.read_marshal(f"rules-{key}.marshal")
    if not (isinstance(stored, tuple) and len(stored) == 3 and stored[0] == FORMAT):
        return None
    try:
        return decode(stored[1], stored[2])
    except (TypeError, ValueError, KeyError, IndexError, AttributeError, RecursionError):
        return None


def store(key: str, value: Any) -> None:
    """Save a value atomically; a value `encode` cannot store, or any failure to write (read-only home,
    full disk), is silently skipped."""
    import marshal

    try:
        classes, encoded = encode(value)
        data = marshal.dumps((FORMAT, classes, encoded))
    except (UnencodableError, ValueError, RecursionError):
        return
    diskcache.write(f"rules-{key}.marshal", data)


# ---- the codec -------------------------------------------------------------------------------------


def _field_names(cls: type) -> tuple[str, ...] | None:
    """The fields of a dataclass, in order; None for any other class."""
    if dataclasses.is_dataclass(cls):
        return tuple(each.name for each in dataclasses.fields(cls))
    return None


def encode(value: Any) -> tuple[tuple[tuple[str, tuple[str, ...]], ...], Any]:
    """`value` as plain data `marshal` stores: (the class table, the encoded tree)."""
    table: dict[type, int] = {}
    names: list[tuple[str, tuple[str, ...]]] = []
    memo: dict[int, Any] = {}
    keep: list[Any] = []  # the objects memo refers to by id, alive until the end

    def class_index(cls: type, fields: tuple[str, ...]) -> int:
        index = table.get(cls)
        if index is None:
            if cls.__module__ not in _MODULES:
                raise UnencodableError(f"{cls.__module__}.{cls.__qualname__} is not a class the cache stores")
            index = table[cls] = len(names)
            names.append((f"{cls.__module__}:{cls.__qualname__}", fields))
        return index

    def walk(item: Any) -> Any:
        kind = type(item)
        if item is None or kind in (bool, int, float, str, bytes):
            return item
        known = memo.get(id(item))
        if known is not None:
            return known
        if kind is tuple:
            plain = all(type(part) in _PRIMITIVE for part in item)
            result: Any = (_PLAIN, *item) if plain else (_TUPLE, *map(walk, item))
        elif kind is list:
            result = (_LIST, *map(walk, item))
        elif kind is frozenset or kind is set:
            result = (_FROZENSET if kind is frozenset else _SET, *map(walk, sorted(item, key=_order)))
        elif kind is dict:
            result = (_DICT, *(walk(part) for pair in item.items() for part in pair))
        elif kind is dt.date:
            result = (_DATE, item.toordinal())
        elif kind is dt.timedelta:
            result = (_TIMEDELTA, item.days, item.seconds, item.microseconds)
        elif kind is Phrase:
            result = (_PHRASE, item.template, *(walk(part) for pair in item.args for part in pair))
        elif kind is Listing:
            result = (_LISTING, *(walk(value) for _, value in item.args))
        elif kind is Given:
            result = (_GIVEN, str(item), *(part for pair in item.args for part in pair))
        elif isinstance(item, enum.Enum):
            result = (_ENUM, class_index(kind, ()), walk(item.value))
        elif isinstance(item, tuple) and _is_named_tuple(kind):
            index = class_index(kind, kind.__dict__["_fields"])
            if all(type(part) in _PRIMITIVE for part in item):
                result = (_PLAIN_NAMED, index, *item)
            else:
                result = (_NAMED, index, *map(walk, item))
        else:
            fields = _field_names(kind)
            if fields is None or (hasattr(item, "__dict__") and set(vars(item)) - set(fields)):
                raise UnencodableError(f"{kind.__qualname__} is not a record of fields")
            index = class_index(kind, fields)
            result = (_CLASS + index, *(walk(getattr(item, name)) for name in fields))
        memo[id(item)] = result
        keep.append(item)
        return result

    tree = walk(value)
    return tuple(names), tree


def _is_named_tuple(cls: type) -> bool:
    return issubclass(cls, tuple) and isinstance(cls.__dict__.get("_fields"), tuple)


def _order(item: Any) -> tuple[str, str]:
    """A deterministic order for the members of a set (an entry's bytes do not depend on hash seeds)."""
    return (type(item).__name__, repr(item))


def decode(classes: Any, tree: Any) -> Any:
    """The value `encode` gave (`classes`, `tree`) for. Raises TypeError, ValueError or KeyError for an
    entry that names a class outside `_MODULES`, or fields a class no longer has."""
    resolved: list[tuple[type, tuple[str, ...]]] = []
    for name, fields in classes:
        module_name, _, qualname = name.partition(":")
        if module_name not in _MODULES or (module_name not in sys.modules and not _import(module_name)):
            raise ValueError(f"the cache may not hold {name}")
        cls = sys.modules[module_name].__dict__[qualname]
        if not isinstance(cls, type) or cls.__module__ != module_name:
            raise TypeError(f"{name} is not a class of {module_name}")
        expected = cls.__dict__["_fields"] if _is_named_tuple(cls) else _field_names(cls)
        if not issubclass(cls, enum.Enum) and expected != tuple(fields):
            raise ValueError(f"{name} has other fields than the entry's")
        resolved.append((cls, tuple(fields)))
    memo: dict[int, Any] = {}
    new = object.__new__
    setter = object.__setattr__

    def build(item: Any) -> Any:
        if type(item) is not tuple:
            return item
        known = memo.get(id(item))
        if known is not None:
            return known
        tag = item[0]
        result: Any
        if tag >= _CLASS:
            cls, fields = resolved[tag - _CLASS]
            result = new(cls)
            for name, part in zip(fields, item[1:], strict=True):
                setter(result, name, part if type(part) is not tuple else build(part))
        elif tag == _PLAIN:
            result = item[1:]
        elif tag == _PLAIN_NAMED:
            result = resolved[item[1]][0]._make(item[2:])  # type: ignore[attr-defined]
        elif tag == _TUPLE:
            result = tuple([part if type(part) is not tuple else build(part) for part in item[1:]])
        elif tag == _LIST:
            result = list(map(build, item[1:]))
        elif tag == _FROZENSET:
            result = frozenset(map(build, item[1:]))
        elif tag == _SET:
            result = set(map(build, item[1:]))
        elif tag == _DICT:
            parts = list(map(build, item[1:]))
            result = dict(zip(parts[::2], parts[1::2], strict=True))
        elif tag == _DATE:
            result = dt.date.fromordinal(item[1])
        elif tag == _TIMEDELTA:
            result = dt.timedelta(item[1], item[2], item[3])
        elif tag == _ENUM:
            result = resolved[item[1]][0](build(item[2]))
        elif tag == _PHRASE:
            parts = list(map(build, item[2:]))
            result = Phrase(item[1], dict(zip(parts[::2], parts[1::2], strict=True)))
        elif tag == _LISTING:
            result = Listing(list(map(build, item[1:])))
        elif tag == _GIVEN:
            result = Given(item[1], dict(zip(item[2::2], item[3::2], strict=True)))
        elif tag == _NAMED:
            result = resolved[item[1]][0]._make(map(build, item[2:]))  # type: ignore[attr-defined]
        else:
            raise ValueError(f"unknown tag {tag!r} in a cache entry")
        memo[id(item)] = result
        return result

    return build(tree)


def _import(module_name: str) -> bool:
    import importlib

    importlib.import_module(module_name)
    return True


def _signature(path: Path) -> bytes:
    """A file of the package as its path, size and modification time (empty when it cannot be found)."""
    try:
        status = os.stat(path)
    except OSError:
        return b""
    return f"{path}\0{status.st_size}\0{status.st_mtime_ns}".encode()
