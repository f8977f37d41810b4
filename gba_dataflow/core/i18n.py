"""Diagnostics that can be said in every `--lang`: the gettext pattern, with named arguments.

A diagnostic's message and hint are written where the fault is found, in English, as
`tr("`{field}` is required", field=name)`. `tr` returns a `Phrase`: a `str` whose value is the English text,
so everything that reads a message as text (JSON reports, the service, tests, `Diagnostic.render`) keeps
working unchanged, and which also remembers its template and arguments. A report in Chinese calls
`localize(phrase, "zh-Hans")`, which looks the template up in that language's catalog and fills in the same
arguments, themselves localized when they are phrases (a value's description, a list of types).

The catalogs are JSON files under `core/locale/<lang>/`, one per area of the code, each mapping an English
template to its translation. `tests/core/test_i18n.py` scans the package the way xgettext does: every
`tr(...)` template must be in every catalog with the same placeholders, no catalog entry may be unused, and a
diagnostic may not be built from an English literal that bypasses `tr`. A template missing from a catalog
(only possible outside the tests) falls back to English, never to an error.

Why not gettext itself: its `.po`/`.mo` toolchain is a build step, and its positional `%s` formats cannot
reorder arguments as Chinese word order needs; `str.format` with names can.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
"""`<lang>/<area>.json`: the translations of the templates `tr` is given, per language."""


class Phrase(str):
    """English text that knows its template and named arguments, so that it can be said in another language.

    A `str` subclass: equal to, hashed as and serialised as its English text."""

    template: str
    args: tuple[tuple[str, Any], ...]

    def __new__(cls, template: str, args: Mapping[str, Any]) -> Phrase:
        english = template.format_map(args) if args else template
        self = super().__new__(cls, english)
        self.template = template
        self.args = tuple(args.items())
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        # a phrase crosses process boundaries (`--jobs`) as a phrase, not as its English text
        return (_rebuild, (self.template, self.args))


def _rebuild(template: str, args: tuple[tuple[str, Any], ...]) -> Phrase:
    return Phrase(template, dict(args))


def tr(template: str, /, **args: Any) -> Phrase:
    """The English `template` with `args` filled in (`str.format` names and format specs), translatable.

    `template` must be a string literal at the call site: the catalog test finds it there."""
    return Phrase(template, args)


def tr_join(parts: list[Any] | tuple[Any, ...], word: str) -> Phrase:
    """`a, b or c` (word `or`) or `a, b and c` (word `and`), said in each language's way."""
    items = list(parts)
    if not items:
        return tr("")
    if len(items) == 1:
        return tr("{only}", only=items[0])
    head = Listing(items[:-1])
    if word == "or":
        return tr("{head} or {last}", head=head, last=items[-1])
    return tr("{head} and {last}", head=head, last=items[-1])


class Listing(Phrase):
    """The comma-separated head of a list; `、` in Chinese."""

    def __new__(cls, items: list[Any]) -> Listing:
        self = str.__new__(cls, ", ".join(map(str, items)))
        self.template = "\0listing"
        self.args = tuple((str(index), item) for index, item in enumerate(items))
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (Listing, ([value for _, value in self.args],))


class Given(Phrase):
    """A text that comes with its own translations (from data, not from a `tr` call): a field's description
    in the schema, whose Chinese the manifest template already holds. English where `lang` has none."""

    def __new__(cls, english: str, translations: Mapping[str, str]) -> Given:
        self = str.__new__(cls, english)
        self.template = "\0given"
        self.args = tuple(sorted(translations.items()))
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (Given, (str(self), dict(self.args)))


def localize(text: str | None, lang: str) -> str:
    """`text` in `lang`: a phrase through the catalog (English where the catalog lacks it), any other string
    as it is; None as "" (`localize_optional` keeps None)."""
    if text is None:
        return ""
    if lang == "en" or not isinstance(text, Phrase):
        return str(text)
    if isinstance(text, Listing):
        return "、".join(
            localize(value, lang) if isinstance(value, str) else str(value) for _, value in text.args
        )
    if isinstance(text, Given):
        return str(dict(text.args).get(lang, text))
    translated = catalog(lang).get(text.template)
    if translated is None:
        return str(text)
    args = {name: localize(value, lang) if isinstance(value, Phrase) else value for name, value in text.args}
    return translated.format_map(args)


def localize_optional(text: str | None, lang: str) -> str | None:
    """`localize` for an optional hint: None stays None."""
    return None if text is None else localize(text, lang)


@functools.cache
def catalog(lang: str) -> Mapping[str, str]:
    """Every translation of `lang`, from all its area files; empty for a language without a catalog."""
    merged: dict[str, str] = {}
    folder = LOCALE_DIR / lang
    if lang in ("", ".", "..") or "/" in lang or not folder.is_dir():
        return merged
    for path in sorted(folder.glob("*.json")):
        entries = json.loads(path.read_text(encoding="utf-8"))
        merged.update(entries)
    return merged


def catalog_files(lang: str) -> dict[str, dict[str, str]]:
    """Each area file of `lang` and its entries (for the catalog test)."""
    folder = LOCALE_DIR / lang
    return {path.name: json.loads(path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.json"))}


_OS_PROBLEMS: dict[str, Phrase] = {
    "No such file or directory": tr("No such file or directory"),
    "Permission denied": tr("Permission denied"),
    "Is a directory": tr("Is a directory"),
    "Not a directory": tr("Not a directory"),
    "Too many levels of symbolic links": tr("Too many levels of symbolic links"),
    "File name too long": tr("File name too long"),
    "No space left on device": tr("No space left on device"),
    "Read-only file system": tr("Read-only file system"),
    "Input/output error": tr("Input/output error"),
    "Operation not permitted": tr("Operation not permitted"),
    "File exists": tr("File exists"),
    "Disk quota exceeded": tr("Disk quota exceeded"),
}
"""The operating system's commonest words for a failed file operation (`strerror`), translatable."""


def os_problem(error: BaseException) -> str:
    """What went wrong with a file, as the operating system says it (`error.strerror`, else the error's
    text), translatable when it is one of the common problems; the English is exactly the system's."""
    said = getattr(error, "strerror", None) or str(error)
    return _OS_PROBLEMS.get(said, said)
