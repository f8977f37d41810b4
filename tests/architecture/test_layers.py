"""The package is layered; each layer imports only from the layers below it (and its allowed libraries)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "gba_dataflow"

# layer -> rank; a module may import a gba_dataflow layer of lower or equal rank only.
RANKS = {
    "core": 0,
    "dsl": 1,
    "manifests": 1,
    "engine": 2,
    "app": 3,
    "ledger": 3,
    "reports": 4,
    "cli": 5,
    "service": 5,
}
# Third-party libraries and the only layers allowed to import them.
LIBRARIES = {
    "lark": {"dsl"},
    "yaml": {"manifests"},
    "jsonschema": {"manifests"},
    "rich": {"reports", "cli"},
    "orjson": {"reports", "service"},
    "typer": {"cli"},
    "click": {"cli"},
    "psycopg": {"ledger"},
    "sqlite3": {"ledger"},
    "starlette": {"service"},
    "uvicorn": {"service"},
}
PEERS_FORBIDDEN = {("dsl", "manifests"), ("manifests", "dsl"), ("service", "cli")}


def _layer(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else "root"


def _imports(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, node.lineno))
    return found


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if _layer(p) in RANKS)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_imports_respect_layers(path: Path) -> None:
    layer = _layer(path)
    problems = []
    for module, line in _imports(path):
        top = module.split(".")[0]
        if top == "gba_dataflow":
            parts = module.split(".")
            if len(parts) < 2 or parts[1] not in RANKS:
                continue
            target = parts[1]
            if RANKS[target] > RANKS[layer] or (layer, target) in PEERS_FORBIDDEN:
                problems.append(f"line {line}: `{layer}` must not import `{module}`")
        elif top in LIBRARIES and layer not in LIBRARIES[top]:
            problems.append(f"line {line}: `{layer}` must not import the library `{top}`")
    assert not problems, "\n".join(problems)


def test_every_layer_exists() -> None:
    for layer in RANKS:
        assert (PACKAGE / layer / "__init__.py").is_file(), layer


def test_the_cli_is_thin() -> None:
    """The CLI holds no decision logic: it never touches the compiler or parser internals directly."""
    for path in (PACKAGE / "cli").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "engine.compiler" not in text, path
        assert "lark" not in text.lower() or "lark" not in {m.split(".")[0] for m, _ in _imports(path)}, path


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _module_level_imports(path: Path, modules: set[str]) -> set[str]:
    """The package's modules that `path` imports as it is imported (not those imported inside functions)."""
    found: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found & modules


def test_no_module_imports_itself_back() -> None:
    """No circle of module-level imports (such as the checker and its advanced passes once had). Imports of
    a package's `__init__` are left out: importing any module of a package runs it."""
    paths = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    packages = {name for name, path in paths.items() if path.name == "__init__.py"}
    graph = {
        name: _module_level_imports(path, set(paths)) - packages - {name} for name, path in paths.items()
    }
    circles = []
    for start in sorted(graph):
        stack, seen = [(start, [start])], set()
        while stack:
            current, trail = stack.pop()
            for target in sorted(graph[current]):
                if target == start:
                    circles.append(" -> ".join([*trail, start]))
                elif target not in seen:
                    seen.add(target)
                    stack.append((target, [*trail, target]))
    assert circles == []


def test_the_cli_imports_the_service_only_inside_functions() -> None:
    """`serve` starts the service lazily: the CLI never needs starlette or uvicorn for other commands."""
    for path in (PACKAGE / "cli").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith("gba_dataflow.service"), path
            if isinstance(node, ast.Import):
                assert not any(alias.name.startswith("gba_dataflow.service") for alias in node.names), path
