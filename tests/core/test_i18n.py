"""Every diagnostic can be said in Chinese: the catalogs are complete, and no message bypasses them.

The package is scanned as xgettext scans C: each `tr("template", ...)` call is found in the source, and
each template must be in the zh-Hans and zh-Hant catalogs (core/locale/<lang>/*.json) with exactly its
placeholders; a catalog entry no call uses is stale. A diagnostic built from an English literal (a string
or f-string given as a message or hint) would stay English in a Chinese report, so the scan refuses it.
"""

from __future__ import annotations

import ast
import copy
import string
from collections.abc import Iterator
from pathlib import Path

import pytest
from language_checks import english_words

from gba_dataflow.core import errors
from gba_dataflow.core.i18n import Phrase, catalog, catalog_files, localize, tr, tr_join

PACKAGE = Path(errors.__file__).resolve().parents[1]
LANGS = ("zh-Hans", "zh-Hant")

# Calls that build a user-facing diagnostic, and which of their arguments are texts a user reads:
# (positional indexes, keyword names). Error classes are every subclass of GbaError (found below).
_DIAGNOSTIC_BUILDERS: dict[str, tuple[tuple[int, ...], tuple[str, ...]]] = {
    "Diagnostic": ((1, 3), ("message", "hint", "notes")),
    "diagnostic": ((1,), ("message", "hint")),  # SourceText.diagnostic, CheckContext.diagnostic, ...
    "_waiver_problem": ((3, 4), ("message", "hint")),  # app/waivers.py
    "case_error": ((0, 2), ("message", "hint")),  # app/rule_tests.py
    "_BadValueError": ((0,), ("problem",)),  # app/config.py: what is wrong with a setting
    # the type checker's (dsl/checker.py, the operator table; hint at 3) and the YAML walk's (manifests)
    "report": ((1, 3), ("message", "hint")),
    "_error": ((1, 3), ("message", "hint")),  # the evaluator's EvalError (engine/evaluator.py)
    "OperandError": ((1,), ("message",)),  # an operator's refusal of its operands (dsl/operators.py)
    "bad_request": ((0, 1), ("message", "hint")),  # service/decisions.py: an E520
    "bad_row": ((0, 1), ("message", "hint")),  # ledger/store.py: an E607 naming a line of an import file
    "error": ((1,), ("message", "hint")),  # manifests: SourceText.error
    "fail": ((0, 2), ("message", "hint")),  # manifests: the JSON parser's and the organisation schema's fail
    "_file_error": ((2,), ("message", "hint")),  # manifests/loader.py
    "field_warning": ((1,), ()),  # manifests/crosscheck.py: what a field is
    "ordered": ((4,), ()),  # manifests/crosscheck.py: why two dates are ordered
}
_ERROR_TEXTS = ((0,), ("message", "hint"))


def _error_classes() -> set[str]:
    names: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                names.add(node.name)
    # the names of classes that derive (directly or not) from GbaError
    found = {"GbaError"}
    bases: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases[node.name] = {_name(base) for base in node.bases}
    changed = True
    while changed:
        changed = False
        for name, parents in bases.items():
            if name not in found and parents & found:
                found.add(name)
                changed = True
    return found & names


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _sources() -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _templates() -> dict[str, list[str]]:
    """Each `tr` template of the package, with where it is used."""
    found: dict[str, list[str]] = {}
    for path, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _name(node.func) == "tr":
                where = f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"
                assert node.args, f"{where}: tr() without a template"
                first = node.args[0]
                assert isinstance(first, ast.Constant) and isinstance(first.value, str), (
                    f"{where}: the template of tr() must be a string literal, for the catalogs"
                )
                found.setdefault(first.value, []).append(where)
    return found


def _is_literal_text(node: ast.expr) -> bool:
    """An English text written in place: a non-empty string, an f-string, or a concatenation with one."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and bool(node.value.strip())
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _is_literal_text(node.left) or _is_literal_text(node.right)
    if isinstance(node, ast.IfExp):
        return _is_literal_text(node.body) or _is_literal_text(node.orelse)
    if isinstance(node, ast.Tuple | ast.List):
        return any(_is_literal_text(element) for element in node.elts)
    return False


def _placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}


def test_every_template_is_translated_with_the_same_placeholders() -> None:
    templates = _templates()
    problems: list[str] = []
    for lang in LANGS:
        entries = catalog(lang)
        for template, where in sorted(templates.items()):
            translated = entries.get(template)
            if translated is None:
                problems.append(f"{lang}: no translation of {template!r} ({where[0]})")
            elif _placeholders(translated) != _placeholders(template):
                problems.append(
                    f"{lang}: {template!r} and {translated!r} differ in placeholders ({where[0]})"
                )
    assert not problems, "\n".join(problems)


def test_no_catalog_entry_is_stale_or_said_twice() -> None:
    templates = set(_templates()) | {"{head} or {last}", "{head} and {last}", "{only}", ""}
    for lang in LANGS:
        seen: dict[str, str] = {}
        for name, entries in catalog_files(lang).items():
            for template in entries:
                assert template in templates, f"{lang}/{name}: {template!r} is used by no tr() call"
                assert template not in seen, f"{lang}: {template!r} is in {seen.get(template)} and {name}"
                seen[template] = name


@pytest.mark.parametrize("lang", LANGS)
def test_translations_are_not_english(lang: str) -> None:
    leaks = {template: english_words(text) for template, text in catalog(lang).items() if english_words(text)}
    assert not leaks, f"English left in the {lang} catalog: {leaks}"


def test_no_diagnostic_is_built_from_an_english_literal() -> None:
    builders = dict(_DIAGNOSTIC_BUILDERS)
    builders.update(dict.fromkeys(_error_classes(), _ERROR_TEXTS))
    problems: list[str] = []
    for path, tree in _sources():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            texts = builders.get(_name(node.func))
            if texts is None:
                continue
            positions, keywords = texts
            given = [node.args[index] for index in positions if index < len(node.args)]
            given += [keyword.value for keyword in node.keywords if keyword.arg in keywords]
            if any(_is_literal_text(argument) for argument in given):
                problems.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}: {_name(node.func)}(...)")
    assert not problems, "diagnostic texts written without tr():\n" + "\n".join(problems)


# ---- the mechanism ------------------------------------------------------------------------------------


def test_a_phrase_is_its_english_text() -> None:
    phrase = tr("`{field}` is required", field="transfer.date")
    assert phrase == "`transfer.date` is required"
    assert isinstance(phrase, str)
    assert hash(phrase) == hash("`transfer.date` is required")


def test_a_phrase_is_rebuilt_as_a_phrase_from_its_reduce_form() -> None:
    """`__reduce__` is what pickling (a `--jobs` worker's results) and copying use; a deep copy runs it
    without unpickling any bytes."""
    phrase = tr("{head} or {last}", head="a", last=tr("{only}", only="b"))
    again = copy.deepcopy(phrase)
    assert isinstance(again, Phrase)
    assert again == phrase
    assert localize(again, "zh-Hans") == "a或b"


def test_lists_are_joined_in_each_language() -> None:
    listed = tr_join(["`a`", "`b`", "`c`"], "or")
    assert listed == "`a`, `b` or `c`"
    assert localize(listed, "zh-Hans") == "`a`、`b`或`c`"
    assert localize(tr_join(["`a`"], "and"), "zh-Hant") == "`a`"


def test_plain_strings_and_english_pass_through() -> None:
    assert localize("as written", "zh-Hans") == "as written"
    assert localize(tr("{only}", only="x"), "en") == "x"
    assert localize(tr("{only}", only="x"), "xx") == "x"
