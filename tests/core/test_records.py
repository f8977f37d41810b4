"""`core.records` makes classes that behave as `dataclasses` makes them, with the options we use."""

from __future__ import annotations

import dataclasses
import inspect
import keyword
import pickle
import subprocess
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gba_dataflow.core import diskcache, records
from gba_dataflow.core.records import FrozenInstanceError, field, record


def _both(body: str, options: str) -> tuple[type, type]:
    """The class `C` of `body` made by `@record(options)` and by `@dataclass(options)`, each in a module of
    its own (registered, so that pickle finds the class)."""
    made = []
    makers = (("record", records.field), ("dataclasses.dataclass", dataclasses.field))
    for decorator, field_function in makers:
        module = types.ModuleType(f"_records_probe_{decorator.split('.')[0]}")
        module.__dict__.update(record=record, dataclasses=dataclasses, field=field_function)
        sys.modules[module.__name__] = module
        exec(f"@{decorator}({options})\nclass C:\n{body}", module.__dict__)
        made.append(module.C)
    return made[0], made[1]


def _outcome(function: Callable[[], Any]) -> tuple[str, Any]:
    """What calling `function` gives: its value, or the type of the error it raises."""
    try:
        return "value", function()
    except Exception as error:
        return "error", type(error).__name__


def _shape(cls: type) -> list[tuple[str, Any]]:
    """The parameters of `__init__`: name and kind, and the default unless it stands for a factory."""
    shape = []
    for parameter in list(inspect.signature(cls.__init__).parameters.values())[1:]:
        default = parameter.default
        if default is records.MISSING or type(default).__name__ == "_HAS_DEFAULT_FACTORY_CLASS":
            default = "<factory>"
        shape.append((parameter.name, parameter.kind, default))
    return shape


BODY = """
    name: str
    size: int = 3
    tags: list[str] = field(default_factory=list)
    hidden: str = field(default="h", repr=False)
    loose: int = field(default=0, compare=False)
    later: int = field(init=False, default=7)
"""


@pytest.mark.parametrize(
    "options",
    ["", "frozen=True", "frozen=True, kw_only=True", "slots=True", "frozen=True, slots=True", "eq=False"],
)
def test_a_record_behaves_as_the_dataclass_with_the_same_options(options: str) -> None:
    ours, theirs = _both(BODY, options)
    assert _shape(ours) == _shape(theirs)
    kwargs = {"name": "n", "size": 4, "tags": ["a"], "loose": 9}
    a, b = ours(**kwargs), theirs(**kwargs)
    assert repr(a) == repr(b) == "C(name='n', size=4, tags=['a'], loose=9, later=7)"
    assert (a == ours(**kwargs)) == (b == theirs(**kwargs))
    assert (a == ours(**{**kwargs, "loose": 1})) == (b == theirs(**{**kwargs, "loose": 1}))
    assert (a == ours(**{**kwargs, "size": 1})) == (b == theirs(**{**kwargs, "size": 1})) is False
    assert (ours.__hash__ is None) == (theirs.__hash__ is None)
    assert hasattr(a, "__dict__") == hasattr(b, "__dict__")
    assert getattr(ours, "__slots__", None) == getattr(theirs, "__slots__", None)
    assert [f.name for f in records.fields(ours)] == [f.name for f in dataclasses.fields(theirs)]
    assert ours(name="x").tags is not ours(name="x").tags  # a fresh list each time
    copy = pickle.loads(pickle.dumps(a))
    assert repr(copy) == repr(a) and (copy == a) == (b == pickle.loads(pickle.dumps(b)))
    changed = records.replace(a, size=5)
    assert repr(changed) == repr(dataclasses.replace(b, size=5))


def test_a_frozen_record_refuses_assignment_and_deletion_as_a_frozen_dataclass_does() -> None:
    ours, theirs = _both(BODY, "frozen=True")
    a, b = ours(name="n"), theirs(name="n")
    for target, error in ((a, FrozenInstanceError), (b, dataclasses.FrozenInstanceError)):
        with pytest.raises(error, match="cannot assign to field 'size'"):
            target.size = 1
        with pytest.raises(error, match="cannot delete field 'size'"):
            del target.size
    assert issubclass(FrozenInstanceError, AttributeError)
    assert hash(ours(name="n", tags=())) == hash(ours(name="n", tags=(), loose=5))  # not a compare=False one


def test_inherited_fields_come_first_and_post_init_runs_last() -> None:
    @record(frozen=True, kw_only=True)
    class Base:
        span: int = field(default=0, compare=False, repr=False)

    @record(frozen=True, kw_only=True)
    class Child(Base):
        name: str
        double: str = field(init=False)

        def __post_init__(self) -> None:
            object.__setattr__(self, "double", self.name * 2)

    child = Child(name="ab", span=3)
    assert [f.name for f in records.fields(Child)] == ["span", "name", "double"]
    assert (child.span, child.double) == (3, "abab")
    assert repr(child) == f"{Child.__qualname__}(name='ab', double='abab')"  # as in dataclasses
    assert child == Child(name="ab", span=9) and hash(child) == hash(Child(name="ab"))
    assert child != Base(span=3)  # another class is never equal
    assert records.replace(child, name="c").double == "cc"
    with pytest.raises(ValueError, match="init=False"):
        records.replace(child, double="x")
    with pytest.raises(TypeError, match="unexpected keyword argument 'other'"):
        records.replace(child, other=1)


def test_a_field_redefined_in_a_subclass_keeps_its_place_as_in_dataclasses() -> None:
    made = []
    for decorator in (record, dataclasses.dataclass):

        @decorator
        class Base:
            a: int = 1
            b: int = 2

        @decorator
        class Child(Base):
            a: int = 10
            c: int = 3

        made.append(Child)
    ours, theirs = made
    assert (
        [f.name for f in records.fields(ours)]
        == [f.name for f in dataclasses.fields(theirs)]
        == ["a", "b", "c"]
    )
    assert repr(ours()).split("(")[1] == repr(theirs()).split("(")[1] == "a=10, b=2, c=3)"


def test_methods_written_in_the_class_are_kept() -> None:
    @record(frozen=True)
    class Shown:
        value: int

        def __repr__(self) -> str:
            return "shown"

    assert repr(Shown(1)) == "shown" and Shown(1) == Shown(1)


def test_mistakes_dataclasses_refuses_are_refused() -> None:
    with pytest.raises(ValueError, match="mutable default <class 'list'> for field items"):
        _both("    items: list[int] = []\n", "")
    with pytest.raises(TypeError, match="non-default argument 'b' follows default argument"):
        _both("    a: int = 0\n    b: int\n", "")
    with pytest.raises(ValueError, match="cannot specify both default and default_factory"):
        field(default=1, default_factory=list)
    with pytest.raises(TypeError, match="record class or instance"):
        records.fields(object())


NAMES = st.sampled_from([name for name in ("a", "b", "c", "d", "e", "f") if not keyword.iskeyword(name)])


@st.composite
def bodies(draw: st.DrawFn) -> tuple[str, str, dict[str, Any]]:
    """A class body whose fields mix plain, defaulted, factory, init=False, repr=False and compare=False
    ones (a field with a default after one without is given one), the options, and arguments for it."""
    names = draw(st.lists(NAMES, min_size=0, max_size=5, unique=True))
    lines, arguments, defaulted = [], {}, False
    for index, name in enumerate(names):
        kind = draw(st.sampled_from(["plain", "default", "factory", "no-init", "options"]))
        if kind == "plain" and not defaulted:
            lines.append(f"    {name}: int")
            arguments[name] = index
            continue
        defaulted = True
        if kind == "factory":
            lines.append(f"    {name}: list[int] = field(default_factory=lambda: [{index}])")
        elif kind == "no-init":
            lines.append(f"    {name}: int = field(default={index}, init=False)")
        elif kind == "options":
            repr_, compare = draw(st.booleans()), draw(st.booleans())
            lines.append(f"    {name}: int = field(default=-1, repr={repr_}, compare={compare})")
            if draw(st.booleans()):
                arguments[name] = index * 10
        else:
            lines.append(f"    {name}: int = {index}")
    options = ", ".join(
        option
        for option, wanted in zip(
            ("frozen=True", "kw_only=True", "slots=True", "eq=False"),
            draw(st.lists(st.booleans(), min_size=4, max_size=4)),
            strict=True,
        )
        if wanted
    )
    return "".join(f"{line}\n" for line in lines) or "    pass\n", options, arguments


@given(bodies())
def test_any_record_is_the_dataclass_with_its_options(drawn: tuple[str, str, dict[str, Any]]) -> None:
    body, options, arguments = drawn
    ours, theirs = _both(body, options)
    assert _shape(ours) == _shape(theirs)
    a, b = ours(**arguments), theirs(**arguments)
    assert repr(a) == repr(b)
    assert (a == ours(**arguments)) == (b == theirs(**arguments))
    assert (ours.__hash__ is None) == (theirs.__hash__ is None)
    if ours.__hash__ is not None and "eq=False" not in options:
        assert _outcome(lambda: hash(a) == hash(ours(**arguments))) == _outcome(
            lambda: hash(b) == hash(theirs(**arguments))
        )
    assert repr(pickle.loads(pickle.dumps(a))) == repr(a)


def test_importing_the_package_writes_nothing_to_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Records' `__init__` is compiled in memory: an import leaves the user's cache untouched."""
    cache = tmp_path / "cache"
    monkeypatch.setenv(diskcache.ENV, str(cache))
    probe = (
        "import gba_dataflow.dsl.nodes, gba_dataflow.engine.rulebook, gba_dataflow.manifests.loader\n"
        "from gba_dataflow.core.records import record\n"
        "Probe = record(frozen=True)(type('Probe', (), {'__annotations__': {'x': 'int'}}))\n"
        "print(Probe(x=1))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "Probe(x=1)"
    assert not cache.exists() or not any(cache.iterdir())


def test_missing_and_fields_say_what_they_are() -> None:
    assert repr(records.MISSING) == "MISSING"
    assert repr(field(default=3)) == "Field(name='', default=3, init=True)"
    assert repr(records.fields(record(type("Named", (), {"__annotations__": {"x": "int"}})))[0]) == (
        "Field(name='x', default=MISSING, init=True)"
    )
