"""Classes of named, typed fields (`@record`), made as `dataclasses` makes them; being replaced by those.

`@record(frozen=..., kw_only=..., eq=..., slots=...)` gives a class what `@dataclass` with the same options
gives it, for the options gba-dataflow uses: an `__init__` taking the fields in order (keyword-only ones
after a `*`), defaults and `field(default_factory=..., init=False, repr=False, compare=False)`, a call to
`__post_init__`, `__repr__`, `__eq__` and, when frozen, `__hash__`, `__setattr__` and `__delattr__` that
raise `FrozenInstanceError`; with `slots=True` the class is remade with `__slots__`. `fields()` and
`replace()` work as `dataclasses`' do. Type checkers see it as a dataclass (PEP 681, `dataclass_transform`).

It was written to start faster than `dataclasses`; new code uses `dataclasses`, and the classes still made
here (in `engine/`) are being moved to it. Only `__init__` is generated source, compiled in memory; nothing is
written to disk. The other methods are shared functions reading the fields through one `operator.attrgetter`.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from itertools import pairwise
from operator import attrgetter
from typing import Any, TypeVar, dataclass_transform, overload

_T = TypeVar("_T")
_FIELDS = "__record_fields__"


class _Missing:
    """No value given (a field without a default)."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


class FrozenInstanceError(AttributeError):
    """An assignment to a field of a frozen record."""


class Field:
    """One field of a record: its name, default or default factory, and where it takes part."""

    __slots__ = ("compare", "default", "default_factory", "init", "kw_only", "name", "repr")

    def __init__(self, default: Any, default_factory: Any, init: bool, repr: bool, compare: bool) -> None:
        self.name = ""
        self.default = default
        self.default_factory = default_factory
        self.init = init
        self.repr = repr
        self.compare = compare
        self.kw_only = False

    def __repr__(self) -> str:
        return f"Field(name={self.name!r}, default={self.default!r}, init={self.init})"


def field(
    *,
    default: Any = MISSING,
    default_factory: Callable[[], Any] | Any = MISSING,
    init: bool = True,
    repr: bool = True,
    compare: bool = True,
) -> Any:
    """A field with options, as `dataclasses.field`."""
    if default is not MISSING and default_factory is not MISSING:
        raise ValueError("cannot specify both default and default_factory")
    return Field(default, default_factory, init, repr, compare)


@overload
def record(cls: type[_T], /) -> type[_T]: ...
@overload
def record(
    *, frozen: bool = False, kw_only: bool = False, eq: bool = True, slots: bool = False
) -> Callable[[type[_T]], type[_T]]: ...
@dataclass_transform(field_specifiers=(field, Field))
def record(
    cls: type[_T] | None = None,
    /,
    *,
    frozen: bool = False,
    kw_only: bool = False,
    eq: bool = True,
    slots: bool = False,
) -> type[_T] | Callable[[type[_T]], type[_T]]:
    """Make `cls` a record (see the module's docstring); as `@dataclass` with the same options."""

    def wrap(cls: type[_T]) -> type[_T]:
        return _make(cls, frozen=frozen, kw_only=kw_only, eq=eq, slots=slots)

    return wrap if cls is None else wrap(cls)


def fields(class_or_instance: Any) -> tuple[Field, ...]:
    """The fields of a record class or instance, in order."""
    try:
        return tuple(getattr(class_or_instance, _FIELDS).values())
    except AttributeError:
        raise TypeError("must be called with a record class or instance") from None


def replace(obj: _T, /, **changes: Any) -> _T:
    """A copy of the record `obj` with `changes`, made by its `__init__` (so `__post_init__` runs again)."""
    values = {}
    for each in fields(obj):
        if not each.init:
            if each.name in changes:
                raise ValueError(f"field {each.name} is declared with init=False, it cannot be specified")
            continue
        values[each.name] = changes.pop(each.name) if each.name in changes else getattr(obj, each.name)
    if changes:
        name = next(iter(changes))
        raise TypeError(f"{type(obj).__name__}.__init__() got an unexpected keyword argument {name!r}")
    return obj.__class__(**values)


# ---- making a class -------------------------------------------------------------------------------------


def _make(cls: type[_T], *, frozen: bool, kw_only: bool, eq: bool, slots: bool) -> type[_T]:
    every = _collect_fields(cls, kw_only)
    annotations = _own_annotations(cls)
    own = [each for each in every.values() if each.name in annotations]  # the fields of this class's body
    if slots:
        cls = _with_slots(cls, [each.name for each in own])
    else:
        for each in own:  # as in dataclasses: the class attribute is the default, if there is one
            if each.default is MISSING:
                if isinstance(cls.__dict__.get(each.name), Field):
                    delattr(cls, each.name)
            else:
                setattr(cls, each.name, each.default)
    setattr(cls, _FIELDS, every)
    listed = tuple(every.values())
    _set_new(cls, "__init__", _init(cls, listed, frozen))
    _set_new(cls, "__repr__", _repr(tuple(each.name for each in listed if each.repr)))
    compared = tuple(each.name for each in listed if each.compare)
    if eq:
        _set_new(cls, "__eq__", _eq(compared))
        if "__hash__" not in cls.__dict__ or cls.__dict__["__hash__"] is None:
            cls.__hash__ = _hash(compared) if frozen else None  # type: ignore[assignment]
    if frozen:
        names = frozenset(every)
        _set_new(cls, "__setattr__", _frozen_setattr(cls, names))
        _set_new(cls, "__delattr__", _frozen_delattr(cls, names))
        if slots:  # pickle sets slots through setattr, which a frozen class refuses
            _set_new(cls, "__getstate__", _getstate(listed))
            _set_new(cls, "__setstate__", _setstate(listed))
    return cls


def _collect_fields(cls: type, kw_only: bool) -> dict[str, Field]:
    every: dict[str, Field] = {}
    for base in reversed(cls.__mro__[1:]):
        every.update(base.__dict__.get(_FIELDS, {}))
    for name, annotation in _own_annotations(cls).items():
        if isinstance(annotation, str) and annotation.startswith(("ClassVar", "typing.ClassVar")):
            continue
        value = cls.__dict__.get(name, MISSING)
        each = value if isinstance(value, Field) else Field(value, MISSING, True, True, True)
        if each.default is not MISSING and type(each.default).__hash__ is None:
            raise ValueError(
                f"mutable default {type(each.default)} for field {name} is not allowed: use default_factory"
            )
        each.name = name
        each.kw_only = kw_only
        every[name] = each  # a field redefined in a subclass keeps its first place, as in dataclasses
    return every


def _own_annotations(cls: type) -> dict[str, Any]:
    """The annotations written in the class body (`inspect.get_annotations` without importing inspect)."""
    annotations: dict[str, Any] = cls.__dict__.get("__annotations__", {})  # noqa: RUF063
    return annotations


def _with_slots(cls: type[_T], names: list[str]) -> type[_T]:
    namespace = dict(cls.__dict__)
    for name in names:
        namespace.pop(name, None)
    namespace.pop("__dict__", None)
    namespace.pop("__weakref__", None)
    namespace["__slots__"] = tuple(names)
    metaclass: Any = type(cls)
    remade: type[_T] = metaclass(cls.__name__, cls.__bases__, namespace)
    remade.__qualname__ = cls.__qualname__
    return remade


def _set_new(cls: type, name: str, value: Callable[..., Any]) -> None:
    """Give `cls` a method it does not define itself (a method written in the class body wins)."""
    if name in cls.__dict__:
        return
    value.__name__ = name
    value.__qualname__ = f"{cls.__qualname__}.{name}"
    setattr(cls, name, value)


def _has_default(each: Field) -> bool:
    return each.default is not MISSING or each.default_factory is not MISSING


def _init(cls: type, listed: tuple[Field, ...], frozen: bool) -> Callable[..., None]:
    """`__init__`, generated as dataclasses generates it (compiled in memory, never cached on disk)."""
    positional = [each for each in listed if each.init and not each.kw_only]
    keyword = [each for each in listed if each.init and each.kw_only]
    for before, after in pairwise(positional):
        if _has_default(before) and not _has_default(after):
            raise TypeError(f"non-default argument {after.name!r} follows default argument")
    namespace: dict[str, Any] = {"__builtins__": builtins, "_MISSING": MISSING, "_set": object.__setattr__}

    def parameter(each: Field) -> str:
        if each.default_factory is not MISSING:
            return f"{each.name}=_MISSING"
        if each.default is not MISSING:
            namespace[f"_default_{each.name}"] = each.default
            return f"{each.name}=_default_{each.name}"
        return each.name

    parameters = ["self", *map(parameter, positional)]
    if keyword:
        parameters += ["*", *map(parameter, keyword)]
    body = []
    for each in listed:
        if each.default_factory is not MISSING:
            namespace[f"_factory_{each.name}"] = each.default_factory
            factory = f"_factory_{each.name}()"
            value = f"{factory} if {each.name} is _MISSING else {each.name}" if each.init else factory
        elif each.init:
            value = each.name
        elif each.default is not MISSING:
            namespace[f"_default_{each.name}"] = each.default
            value = f"_default_{each.name}"
        else:
            continue  # set by __post_init__
        body.append(f"_set(self, {each.name!r}, {value})" if frozen else f"self.{each.name} = {value}")
    if hasattr(cls, "__post_init__"):
        body.append("self.__post_init__()")
    source = f"def __init__({', '.join(parameters)}):\n" + "".join(
        f"    {line}\n" for line in body or ["pass"]
    )
    exec(compile(source, "<record>", "exec", dont_inherit=True), namespace)
    init: Callable[..., None] = namespace["__init__"]
    return init


def _repr(names: tuple[str, ...]) -> Callable[[Any], str]:
    def repr_(self: Any) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{self.__class__.__qualname__}({shown})"

    return repr_


def _values(names: tuple[str, ...]) -> Callable[[Any], Any]:
    """A function giving an object's values of `names`: a tuple of them, the value itself for one name."""
    if not names:
        return lambda _: ()
    return attrgetter(*names)


def _eq(names: tuple[str, ...]) -> Callable[[Any, object], Any]:
    values = _values(names)

    def eq(self: Any, other: object) -> Any:
        if other.__class__ is self.__class__:
            return values(self) == values(other)
        return NotImplemented

    return eq


def _hash(names: tuple[str, ...]) -> Callable[[Any], int]:
    values = _values(names)

    def hash_(self: Any) -> int:
        return hash(values(self))

    return hash_


def _frozen_setattr(cls: type, names: frozenset[str]) -> Callable[[Any, str, Any], None]:
    def setattr_(self: Any, name: str, value: Any) -> None:
        if type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        object.__setattr__(self, name, value)

    return setattr_


def _frozen_delattr(cls: type, names: frozenset[str]) -> Callable[[Any, str], None]:
    def delattr_(self: Any, name: str) -> None:
        if type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot delete field {name!r}")
        object.__delattr__(self, name)

    return delattr_


def _getstate(listed: tuple[Field, ...]) -> Callable[[Any], list[Any]]:
    def getstate(self: Any) -> list[Any]:
        return [getattr(self, each.name) for each in listed]

    return getstate


def _setstate(listed: tuple[Field, ...]) -> Callable[[Any, list[Any]], None]:
    def setstate(self: Any, state: list[Any]) -> None:
        for each, value in zip(listed, state, strict=True):
            object.__setattr__(self, each.name, value)

    return setstate
