"""The configuration file: settings written once for a project instead of on every command line.

gba-dataflow reads the first of these it finds, from the current directory up to the root:

- `gba-dataflow.toml` (its top-level keys are the settings), or
- `pyproject.toml` with a `[tool.gba-dataflow]` table (a `pyproject.toml` without one is passed by).

An option given on the command line overrides the file; the file overrides the built-in default.
`gba-dataflow config` shows each effective setting and where it came from. An unknown key, or a value of
the wrong kind, is an error located at file:line:col with a did-you-mean: a misspelt setting that was
silently ignored would be a setting silently not applied. Paths in the file are relative to the file's
directory, so a command gives the same result from any directory below it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gba_dataflow.app.words import code_list
from gba_dataflow.core.errors import Diagnostic, UsageError
from gba_dataflow.core.i18n import os_problem, tr
from gba_dataflow.core.source import Span
from gba_dataflow.manifests.loader import MAX_BYTES_VARIABLE

CONFIG_FILE = "gba-dataflow.toml"
PYPROJECT = "pyproject.toml"
TABLE = ("tool", "gba-dataflow")
LEDGER_VARIABLE = "GBA_DATAFLOW_LEDGER"
_VARIABLES = {"ledger": LEDGER_VARIABLE, "max-manifest-bytes": MAX_BYTES_VARIABLE}
"""Settings an environment variable may also give; it wins over the file (not over an option)."""


class ConfigError(UsageError):
    """The configuration file cannot be read or holds a bad setting (E54x)."""

    default_code = "E541"


@dataclass(frozen=True, slots=True)
class Setting:
    """One key of the file: its name, what it holds, its default (None: not set) and its help line."""

    key: str
    kind: str  # "string", "strings", "paths", "path", "bool", "int"
    help: str
    default: Any = None
    choices: tuple[str, ...] = ()
    minimum: int | None = None


SETTINGS: tuple[Setting, ...] = (
    Setting("rules", "paths", "rules directories (like --rules, repeatable)"),
    Setting(
        "include",
        "strings",
        "globs a manifest found in a directory must match (path relative to that directory, or name)",
        default=(),
    ),
    Setting("exclude", "strings", "globs of files a directory walk leaves out (as include)", default=()),
    Setting("lang", "string", "language of messages (like --lang)", "en", ("en", "zh-Hans", "zh-Hant")),
    Setting(
        "format",
        "string",
        "output format of check (like --format)",
        "text",
        ("text", "json", "sarif", "junit", "github"),
    ),
    Setting("fail-on-warn", "bool", "exit 1 when a warn rule fired (like --fail-on-warn)", False),
    Setting(
        "max-manifest-bytes",
        "int",
        "largest manifest file read, in bytes (also GBA_DATAFLOW_MAX_MANIFEST_BYTES)",
        1024 * 1024,
        minimum=1,
    ),
    Setting("ledger", "string", "ledger URL, e.g. sqlite:///ledger.db (also GBA_DATAFLOW_LEDGER)"),
    Setting("waivers", "path", "the governed waivers file (like --waivers; docs/waivers.md)"),
)
BY_KEY: Mapping[str, Setting] = {setting.key: setting for setting in SETTINGS}


@dataclass(frozen=True, slots=True)
class Value:
    """An effective setting: its value and where it came from (`default`, `file:line`, an option or a
    variable)."""

    value: Any
    source: str


@dataclass(frozen=True, slots=True)
class Config:
    """The settings of the configuration file found (if any), with where each came from."""

    path: Path | None = None
    values: Mapping[str, Value] = field(default_factory=dict)

    def get(self, key: str) -> Any:
        """The file's value of `key`, else the built-in default."""
        found = self.values.get(key)
        return found.value if found is not None else BY_KEY[key].default

    def source(self, key: str) -> str:
        found = self.values.get(key)
        return found.source if found is not None else "default"

    def has(self, key: str) -> bool:
        return key in self.values

    @property
    def rules(self) -> list[Path] | None:
        value = self.get("rules")
        return list(value) if value is not None else None

    @property
    def include(self) -> tuple[str, ...]:
        return tuple(self.get("include"))

    @property
    def exclude(self) -> tuple[str, ...]:
        return tuple(self.get("exclude"))

    @property
    def ledger_url(self) -> str | None:
        """The ledger URL for commands that take `--ledger` (the option, when given, overrides it): the
        GBA_DATAFLOW_LEDGER variable, else the file's `ledger`, else None."""
        value: str | None = self.effective("ledger", None, "--ledger").value
        return value

    def effective(self, key: str, option: Any, option_name: str) -> Value:
        """The value of `key` and where it came from: the command-line `option` (None: not given), else
        its environment variable (`ledger`, `max-manifest-bytes`), else the file, else the default."""
        if option is not None:
            return Value(option, option_name)
        variable = _VARIABLES.get(key)
        if variable and os.environ.get(variable):
            return Value(os.environ[variable], f"${variable}")
        return Value(self.get(key), self.source(key))


def find_config_file(start: Path | None = None) -> Path | None:
    """The configuration file that applies in `start` (default: the current directory): the nearest
    `gba-dataflow.toml`, or `pyproject.toml` with a `[tool.gba-dataflow]` table, going up."""
    directory = (start or Path.cwd()).resolve()
    for folder in (directory, *directory.parents):
        candidate = folder / CONFIG_FILE
        if candidate.is_file():
            return candidate
        pyproject = folder / PYPROJECT
        if pyproject.is_file() and _declares_table(pyproject):
            return pyproject
    return None


_TABLE = re.compile(
    r'^\s*(\[\s*tool\s*\.\s*"?gba-dataflow"?\s*[\].]|tool\s*\.\s*"?gba-dataflow"?\s*\.)', re.MULTILINE
)
"""A `[tool.gba-dataflow]` (or `[tool.gba-dataflow.x]`) header, or a `tool.gba-dataflow.x = ...` key."""


def _declares_table(pyproject: Path) -> bool:
    """Whether a pyproject.toml has a [tool.gba-dataflow] table (a cheap look before parsing it)."""
    try:
        text = pyproject.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return _TABLE.search(text) is not None


def load_config(start: Path | None = None) -> Config:
    """The configuration that applies in `start` (default: the current directory); an empty Config when
    there is no file. Raises ConfigError (E54x) for a file that does not parse or a bad setting."""
    path = find_config_file(start)
    return read_config(path) if path is not None else Config()


def read_config(path: Path) -> Config:
    """Read and check one configuration file. Raises ConfigError."""
    import tomllib

    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        message = (
            tr("cannot read the configuration file: it is not UTF-8 text")
            if isinstance(error, UnicodeDecodeError)
            else tr("cannot read the configuration file: {reason}", reason=os_problem(error))
        )
        raise ConfigError(
            message,
            code="E540",
            span=Span(str(path), 1, 1),
        ) from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise _syntax_error(path, error) from None
    table: Any = document
    in_pyproject = path.name == PYPROJECT
    if in_pyproject:
        for part in TABLE:
            table = table.get(part, {}) if isinstance(table, dict) else {}
    locator = _Locator(path, text, TABLE if in_pyproject else ())
    if not isinstance(table, dict):
        raise ConfigError(tr("[tool.gba-dataflow] is not a table"), code="E542", span=locator.span(None))
    problems: list[Diagnostic] = []
    values: dict[str, Value] = {}
    for key, raw in table.items():
        setting = BY_KEY.get(key)
        span = locator.span(key)
        if setting is None:
            problems.append(_unknown_key(key, span, in_pyproject))
            continue
        try:
            value = _convert(setting, raw, path.parent)
        except _BadValueError as error:
            problems.append(
                Diagnostic(
                    "E542",
                    tr("`{key}` {problem}", key=key, problem=error.problem),
                    span,
                    _value_hint(setting),
                )
            )
            continue
        values[key] = Value(value, f"{span.path}:{span.line}")
    if problems:
        raise ConfigError(diagnostics=problems)
    return Config(path=path, values=values)


def _syntax_error(path: Path, error: Exception) -> ConfigError:
    message = str(error)
    found = re.search(r"\(at line (\d+), column (\d+)\)", message)
    line, column = (int(found.group(1)), int(found.group(2))) if found else (1, 1)
    reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", message) or tr("not valid TOML")
    return ConfigError(
        tr("the configuration file is not valid TOML: {reason}", reason=reason),
        code="E540",
        span=Span(str(path), line, column),
        hint=tr('see https://toml.io; strings are quoted, lists are written ["a", "b"]'),
    )


def _unknown_key(key: str, span: Span, in_pyproject: bool) -> Diagnostic:
    from gba_dataflow.core.suggest import did_you_mean

    where = "[tool.gba-dataflow]" if in_pyproject else CONFIG_FILE
    hint = did_you_mean(key, BY_KEY) or did_you_mean(key.replace("_", "-"), BY_KEY)
    return Diagnostic(
        "E541",
        tr("unknown setting `{key}` in {where}", key=key, where=where),
        span,
        hint or tr("the settings are: {known}", known=code_list(BY_KEY)),
    )


def _value_hint(setting: Setting) -> str:
    examples = {
        "string": f'{setting.key} = "{setting.choices[0] if setting.choices else "..."}"',
        "strings": f'{setting.key} = ["examples/**"]',
        "paths": f'{setting.key} = ["rules"]',
        "path": f'{setting.key} = "waivers.yaml"',
        "bool": f"{setting.key} = true",
        "int": f"{setting.key} = 2097152",
    }
    if setting.choices:
        return tr("choose one of: {choices}", choices=code_list(setting.choices))
    return tr("e.g. {example}", example=examples[setting.kind])


class _BadValueError(ValueError):
    """What is wrong with a setting's value, as a phrase (`must be true or false, not a string`)."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def _convert(setting: Setting, raw: Any, base: Path) -> Any:
    """The setting's value from its TOML value; _BadValueError says what is wrong."""
    kind = setting.kind
    if kind == "bool":
        if not isinstance(raw, bool):
            raise _BadValueError(tr("must be true or false, not {kind}", kind=_shown(raw)))
        return raw
    if kind == "int":
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise _BadValueError(tr("must be a whole number, not {kind}", kind=_shown(raw)))
        if setting.minimum is not None and raw < setting.minimum:
            raise _BadValueError(
                tr("must be at least {minimum}, not {value}", minimum=setting.minimum, value=raw)
            )
        return raw
    if kind in ("string", "path"):
        if not isinstance(raw, str) or not raw:
            raise _BadValueError(tr("must be a non-empty string, not {kind}", kind=_shown(raw)))
        if setting.choices and raw not in setting.choices:
            from gba_dataflow.core.suggest import did_you_mean

            hint = did_you_mean(raw, setting.choices)
            choices = code_list(setting.choices)
            raise _BadValueError(
                tr("`{value}` is not one of {choices} ({hint})", value=raw, choices=choices, hint=hint)
                if hint
                else tr("`{value}` is not one of {choices}", value=raw, choices=choices)
            )
        return _relative_to(base, raw) if kind == "path" else raw
    items = [raw] if isinstance(raw, str) else raw
    if not isinstance(items, list) or not all(isinstance(item, str) and item for item in items):
        raise _BadValueError(tr("must be a list of strings, not {kind}", kind=_shown(raw)))
    if kind == "paths":
        return tuple(_relative_to(base, item) for item in items)
    return tuple(items)


def _relative_to(base: Path, item: str) -> Path:
    """A path of the file, relative to the file's directory; shown relative to the current directory
    when it lies below it (so messages name `rules/x.rules`, not a long absolute path)."""
    path = Path(item) if os.path.isabs(item) else base / item
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def _shown(raw: Any) -> str:
    kinds: dict[type, str] = {
        bool: tr("a boolean"),
        int: tr("a number"),
        float: tr("a number"),
        str: tr("a string"),
    }
    kinds.update({list: tr("a list"), dict: tr("a table")})
    return kinds.get(type(raw), type(raw).__name__)


class _Locator:
    """Finds the line and column of a key in the file's text (tomllib gives values, not positions)."""

    def __init__(self, path: Path, text: str, table: Sequence[str]) -> None:
        self.path = path
        self.lines = text.splitlines()
        self.table = ".".join(table)

    def span(self, key: str | None) -> Span:
        current = ""
        header = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]")
        for number, line in enumerate(self.lines, start=1):
            found = header.match(line)
            if found:
                current = found.group(1).replace('"', "").replace(" ", "")
                if key is None and current == self.table:
                    return Span(str(self.path), number, 1)
                continue
            if key is None or current != self.table:
                continue
            match = re.match(rf'^(\s*)["\']?{re.escape(key)}["\']?\s*=', line)
            if match:
                return Span(str(self.path), number, len(match.group(1)) + 1)
        return Span(str(self.path), 1, 1)


def describe(
    config: Config, overrides: Mapping[str, tuple[Any, str]] | None = None
) -> list[tuple[str, Value]]:
    """Every setting with its effective value and source, in declaration order; `overrides` maps a key to
    (the value of its command-line option or None, the option's name)."""
    given = overrides or {}
    rows = []
    for setting in SETTINGS:
        option, name = given.get(setting.key, (None, ""))
        rows.append((setting.key, config.effective(setting.key, option, name)))
    return rows
