"""The compile cache of dataclass methods: same classes, compiled once per Python, ours only."""

from __future__ import annotations

import dataclasses
import sys
import types
from collections.abc import Iterator
from pathlib import Path

import pytest
from core_helpers import run_python

from gba_dataflow.core import dataclass_cache, diskcache

CLASS_SOURCE = """
from __future__ import annotations
import dataclasses

@dataclasses.dataclass(frozen=True, slots=True)
class Point:
    x: int
    y: "list[int]" = dataclasses.field(default_factory=list, compare=False)

@dataclasses.dataclass(frozen=True, kw_only=True, order=True)
class Named:
    name: str
    tags: tuple[str, ...] = ()
"""


@pytest.fixture()
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dataclass_cache._CodeCache]:
    """An empty cache in a temporary directory, in place of the process's one."""
    monkeypatch.setenv(diskcache.ENV, str(tmp_path / "cache"))
    cache = dataclass_cache._CodeCache()
    monkeypatch.setattr(dataclass_cache, "_cache", cache)
    yield cache


def make_module(name: str) -> types.ModuleType:
    module = types.ModuleType(name)
    sys.modules[name] = module  # dataclasses looks the class's module up here
    try:
        exec(compile(CLASS_SOURCE, f"<{name}>", "exec"), module.__dict__)
    finally:
        del sys.modules[name]
    return module


def test_installed_in_every_process_that_imports_the_package() -> None:
    assert vars(dataclasses).get("exec") is dataclass_cache._exec


def test_our_classes_compile_once_then_come_from_the_cache(fresh_cache: dataclass_cache._CodeCache) -> None:
    make_module("gba_dataflow._probe_first")
    compiled = fresh_cache.compiled
    assert compiled > 0 and fresh_cache.hits == 0
    make_module("gba_dataflow._probe_second")  # the same class bodies: the same method sources
    assert fresh_cache.compiled == compiled and fresh_cache.hits == compiled


def test_other_packages_classes_are_compiled_as_before(fresh_cache: dataclass_cache._CodeCache) -> None:
    make_module("someone_elses_module")
    assert fresh_cache.compiled == fresh_cache.hits == 0 and fresh_cache.memo.values is None


def test_classes_from_the_cache_are_the_classes_dataclasses_makes(
    fresh_cache: dataclass_cache._CodeCache,
) -> None:
    ours = make_module("gba_dataflow._probe_ours")
    make_module("gba_dataflow._probe_warm")
    cached = make_module("gba_dataflow._probe_cached")
    plain = make_module("plain_probe")
    assert fresh_cache.hits > 0
    for module in (ours, cached):
        for name in ("Point", "Named"):
            mine, theirs = getattr(module, name), getattr(plain, name)
            for method in ("__init__", "__eq__", "__repr__", "__hash__", "__setattr__", "__lt__"):
                if method in vars(theirs):
                    a, b = vars(mine)[method], vars(theirs)[method]
                    assert a.__code__.co_code == b.__code__.co_code, (name, method)
                    assert a.__code__.co_flags == b.__code__.co_flags, (name, method)
                    assert a.__annotations__ == b.__annotations__, (name, method)
                    assert a.__qualname__ == b.__qualname__, (name, method)
        point = module.Point(1)
        assert point == module.Point(1, [2]) and point.y == [] and repr(point) == "Point(x=1, y=[])"
        with pytest.raises(dataclasses.FrozenInstanceError):
            point.x = 2  # type: ignore[misc]
        assert module.Named(name="a") < module.Named(name="b")
        assert hash(module.Named(name="a")) == hash(module.Named(name="a"))
        with pytest.raises(TypeError):
            module.Named("positional")


def test_the_cache_survives_the_process(fresh_cache: dataclass_cache._CodeCache) -> None:
    make_module("gba_dataflow._probe_saved")
    fresh_cache.memo.save()
    assert diskcache.read(dataclass_cache.ENTRY_NAME) is not None
    reloaded = dataclass_cache._CodeCache()
    dataclass_cache._cache = reloaded
    make_module("gba_dataflow._probe_reloaded")
    assert reloaded.compiled == 0 and reloaded.hits == fresh_cache.compiled


def test_a_damaged_cache_is_compiled_again(fresh_cache: dataclass_cache._CodeCache) -> None:
    diskcache.write(dataclass_cache.ENTRY_NAME, b"\x00not marshal data")
    module = make_module("gba_dataflow._probe_damaged")
    assert fresh_cache.compiled > 0 and module.Point(3).x == 3
    fresh_cache.memo.save()
    assert isinstance(diskcache.read_marshal(dataclass_cache.ENTRY_NAME), dict)


def test_a_second_process_compiles_nothing(tmp_path: Path) -> None:
    code = (
        "import gba_dataflow.engine.model, gba_dataflow.dsl.nodes;"
        "from gba_dataflow.core import dataclass_cache; print(*dataclass_cache.stats())"
    )
    first = run_python(code, str(tmp_path))
    second = run_python(code, str(tmp_path))
    compiled, hits = map(int, first.split())  # hits: classes whose methods read the same
    assert compiled > 20  # a compile per class from Python 3.13 on, several per class before
    assert second == f"0 {compiled + hits}"


def test_not_installed_when_caching_is_off() -> None:
    code = "import dataclasses, gba_dataflow.engine.model; print('exec' in vars(dataclasses))"
    assert run_python(code, "off") == "False"


def test_each_release_has_its_own_entry() -> None:
    """An upgrade starts a new entry instead of adding to the one every start reads."""
    import tomllib

    from gba_dataflow import __version__
    from gba_dataflow.core.disk_memo import build_entry_name

    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["version"] == __version__
    assert build_entry_name("dataclasses", __version__) == dataclass_cache.ENTRY_NAME
    assert build_entry_name("dataclasses") != dataclass_cache.ENTRY_NAME
