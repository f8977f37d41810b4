"""The ledger's diagnostics, warnings and notes said in zh-Hans and zh-Hant: no English word is left (outside
code, names and a driver's own text in backticks), and the English text is the one it always was.

Each case makes the fault happen for real (a bad URL, a missing key, a malformed import file, a tampered
log ...) in a temporary working directory, so that file names are short and read as code."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from language_checks import english_words
from ledger_helpers import make_manifest

from gba_dataflow import load_rulebook
from gba_dataflow.core.errors import Diagnostic, GbaError
from gba_dataflow.core.i18n import Phrase, localize
from gba_dataflow.engine.rulebook import Rulebook
from gba_dataflow.ledger import LedgerError, hash_subjects, open_ledger, organisation_key
from gba_dataflow.ledger.audit import entry_hash, entry_line, parse_lines, verify
from gba_dataflow.ledger.backends import SqliteBackend, parse_url
from gba_dataflow.ledger.identity import exporter_of
from gba_dataflow.ledger.migrations import LATEST
from gba_dataflow.ledger.run import subjects_for
from gba_dataflow.ledger.volumes import PERSONAL_PREVIOUS, PERSONAL_YTD, PROCESSED, with_ledger_volumes
from gba_dataflow.reports.labels import render_diagnostic

LANGS = ("zh-Hans", "zh-Hant")
KEY = b"an organisation key of 32 bytes!"
URL = "sqlite:ledger.db"


@pytest.fixture(autouse=True)
def _here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GBA_DATAFLOW_SUBJECTS_KEY", raising=False)
    monkeypatch.delenv("GBA_DATAFLOW_SUBJECTS_KEY_FILE", raising=False)


def _said(diagnostic: Diagnostic, lang: str) -> str:
    """`diagnostic` rendered in `lang`, without its JSON pointer (code, not words)."""
    said = render_diagnostic(diagnostic, lang)
    return said.replace(diagnostic.json_path, "") if diagnostic.json_path else said


def _raised(action: Callable[[], object]) -> Diagnostic:
    with pytest.raises(GbaError) as error:
        action()
    return error.value.first


def _write(name: str, text: str) -> Path:
    path = Path(name)
    path.write_text(text, encoding="utf-8")
    return path


def _import_file(name: str, text: str | None) -> Callable[[], object]:
    def action() -> object:
        path = _write(name, text) if text is not None else Path(name)
        with open_ledger(URL) as ledger:
            return ledger.import_csv(path)

    return action


def _import(rows: str) -> Callable[[], object]:
    return _import_file("import.csv", "exporter_name,date,personal,sensitive\n" + rows)


def _void(number: int, reason: str = "sent twice") -> Callable[[], object]:
    def action() -> object:
        with open_ledger(URL) as ledger:
            if not ledger.records():
                ledger.import_csv(
                    _write("one.csv", "exporter_name,date,personal,sensitive\nX,2026-01-01,5,0\n")
                )
                ledger.void(1, "first void")
            return ledger.void(number, reason)

    return action


def _newer_schema() -> object:
    with open_ledger(URL) as ledger:
        ledger.backend.execute(
            "INSERT INTO schema_migrations (version, description, applied_at) VALUES (99, 'future', 'now')"
        )
    return open_ledger(URL)


def _not_migrated() -> object:
    return open_ledger(URL, migrate_schema=False)


def _old_schema_ping() -> object:
    with open_ledger(URL, check_schema=False) as ledger:
        ledger.ping()
    return None


def _sqlite_error(error: sqlite3.Error) -> Callable[[], object]:
    def action() -> object:
        raise SqliteBackend(parse_url(URL)).translate(error)

    return action


def _key(text: str | None = None, file: str | None = None) -> Callable[[], object]:
    def action() -> object:
        if text is not None:
            _write("key.txt", text)
        return organisation_key(Path(file) if file else None)

    return action


# (what makes the fault, its English message as the code always wrote it)
CASES: dict[str, tuple[Callable[[], object], str]] = {
    "timeout": (
        lambda: parse_url(URL + "?timeout=soon"),
        "the ledger URL's timeout `soon` is not a positive number of seconds",
    ),
    "sqlite parameter": (
        lambda: parse_url(URL + "?mode=ro"),
        "a sqlite ledger URL takes no parameter but `timeout` (found `mode`)",
    ),
    "no file": (lambda: parse_url("sqlite://server"), "`sqlite://server` names no SQLite file"),
    "not a URL": (lambda: parse_url("mysql://db"), "`mysql://db` is not a ledger URL"),
    "no directory": (
        lambda: open_ledger("sqlite:missing/ledger.db"),
        "cannot open the ledger sqlite:missing/ledger.db: the directory `missing` does not exist",
    ),
    "locked": (
        _sqlite_error(sqlite3.OperationalError("database is locked")),
        "the ledger sqlite:ledger.db stayed locked by other writers for more than 10 s",
    ),
    "driver": (
        _sqlite_error(sqlite3.DatabaseError("file is not a database")),
        "cannot use the ledger sqlite:ledger.db: file is not a database",
    ),
    "newer schema": (
        _newer_schema,
        f"the ledger sqlite:ledger.db has schema version 99; this gba-dataflow knows up to {LATEST}",
    ),
    "not migrated": (_not_migrated, "the ledger sqlite:ledger.db is not migrated"),
    "old schema": (
        _old_schema_ping,
        f"the ledger sqlite:ledger.db has schema version 0, expected {LATEST}",
    ),
    "no key": (
        _key(),
        "--subjects needs the organisation key that hashes the identifiers, and none was given",
    ),
    "short key": (
        _key("short", "key.txt"),
        "the organisation key is 5 bytes; at least 16 are needed",
    ),
    "unreadable key": (
        _key(file="absent.key"),
        "cannot read the organisation key file `absent.key`: No such file or directory",
    ),
    "blank subject": (
        lambda: hash_subjects(_write("ids.txt", "a-1\n\na-2\n"), KEY),
        "ids.txt:2: the line holds no identifier",
    ),
    "empty subjects": (
        lambda: hash_subjects(_write("ids.csv", ""), KEY),
        "the subjects file `ids.csv` is empty",
    ),
    "unreadable subjects": (
        lambda: hash_subjects(Path("absent.txt"), KEY),
        "cannot read the subjects file `absent.txt`: No such file or directory",
    ),
    "subjects of many": (
        lambda: subjects_for(2, Path("ids.txt"), None),
        "--subjects names the individuals of one transfer, but 2 manifests were given",
    ),
    "missing column": (
        _import_file("bad.csv", "exporter_name,date\nX,2026-01-01\n"),
        "bad.csv:1: the header is wrong: missing personal, sensitive",
    ),
    "unknown column": (
        _import_file("bad.csv", "exporter_name,date,personal,sensitive,note\nX,2026-01-01,1,0,n\n"),
        "bad.csv:1: the header is wrong: unknown column note",
    ),
    "unreadable import": (
        _import_file("absent.csv", None),
        "cannot read `absent.csv`: No such file or directory",
    ),
    "short row": (_import("X,2026-01-01,1\n"), "import.csv:2: the row does not have one value per column"),
    "no exporter": (_import(",2026-01-01,1,0\n"), "import.csv:2: exporter_name is empty"),
    "bad date": (
        _import("X,2026-02-30,1,0\n"),
        "import.csv:2: date `2026-02-30` is not a YYYY-MM-DD calendar date",
    ),
    "bad count": (_import("X,2026-01-01,-3,0\n"), "import.csv:2: personal `-3` is not a whole number >= 0"),
    "more sensitive": (
        _import("X,2026-01-01,1000,2000\n"),
        "import.csv:2: sensitive (2,000) is more than personal (1,000)",
    ),
    "void without reason": (_void(1, " "), "a void needs a reason"),
    "no such record": (_void(7), "there is no transfer record #7 in the ledger sqlite:ledger.db"),
    "voided twice": (_void(1), "transfer record #1 is voided already"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_ledger_errors_are_said_in_chinese_and_unchanged_in_english(name: str) -> None:
    action, english = CASES[name]
    diagnostic = _raised(action)
    assert diagnostic.message == english
    assert isinstance(diagnostic.message, Phrase)
    assert diagnostic.hint is not None and isinstance(diagnostic.hint, Phrase)
    assert render_diagnostic(diagnostic, "en") == diagnostic.render()
    for lang in LANGS:
        said = _said(diagnostic, lang)
        assert english_words(said) == [], (lang, said)
        assert (
            localize(diagnostic.message, lang) != english
            and localize(diagnostic.hint, lang) != diagnostic.hint
        )


def test_a_driver_text_stays_as_written_inside_backticks() -> None:
    diagnostic = _raised(CASES["driver"][0])
    assert (
        localize(diagnostic.message, "zh-Hans") == "无法使用台账 `sqlite:ledger.db`：`file is not a database`"
    )
    assert (
        localize(diagnostic.message, "zh-Hant") == "無法使用台賬 `sqlite:ledger.db`：`file is not a database`"
    )


def test_a_voided_manifest_recorded_again_is_said_in_chinese(tmp_path: Path) -> None:
    manifest = make_manifest(Path("."), "m", 10)
    with open_ledger(URL) as ledger:
        ledger.record(manifest)
        ledger.void(1, "wrong")
        diagnostic = _raised(lambda: ledger.record(manifest))
    assert diagnostic.message == (
        "this manifest was recorded as #1 and then voided; it cannot be recorded again unchanged"
    )
    for lang in LANGS:
        assert english_words(_said(diagnostic, lang)) == []


@pytest.fixture(scope="module")
def rulebook() -> Rulebook:
    return load_rulebook(None)


@pytest.mark.parametrize(("declared", "which"), [(200_000, "the declared figure"), (5_000, "the ledger's")])
def test_ledger_warnings_and_notes_are_said_in_chinese(declared: int, which: str) -> None:
    rows = [("2025-05-01", 500), ("2026-01-10", 60_000), ("2026-02-10", 45_000), ("2026-03-10", 1_000)]
    name = '"Example Retail (Dongguan) Co., Ltd."'
    lines = [f"{name},{day},{count},0,row-{number}" for number, (day, count) in enumerate(rows, start=1)]
    earlier = _write("earlier.csv", "exporter_name,date,personal,sensitive,reference\n" + "\n".join(lines))
    with open_ledger(URL) as ledger:
        ledger.import_csv(earlier)
        manifest = make_manifest(Path("."), "june", 2_000, declared=declared, registration=None)
        ledger.backend.begin_write()
        exporter = exporter_of(manifest.data)
        pending = ledger._insert_transfer(exporter, 2026, None, manifest, None, "test")
        view = ledger._view(exporter, 2026, pending.id)
        ledger.backend.rollback()
    decided = with_ledger_volumes(manifest, view)
    warnings = {warning.code: warning for warning in decided.warnings if warning.code in ("W415", "W416")}
    assert warnings["W416"].message == (
        f"`volume.personal_subjects_ytd` declares {declared:,}, the ledger holds 108,000: using the larger "
        f"({which})"
    )
    assert warnings["W415"].message == (
        "the ledger counts this exporter by its legal name `Example Retail (Dongguan) Co., Ltd.`: "
        "no registration number given"
    )
    notes = [decided.provenance_of(pointer).note for pointer in (PERSONAL_YTD, PERSONAL_PREVIOUS, PROCESSED)]
    if declared > 108_000:  # the declared figure decides: the ledger notes only the years added together
        notes = notes[1:2]
    else:
        assert notes[0] == (
            "sum of recorded counts (an upper bound) over 4 recorded transfers of Example Retail "
            "(Dongguan) Co., Ltd. (name:example retail (dongguan) co., ltd.) in 2026, this one included: "
            "#2, #3, #4, #5; the year's total reached 100,000 with record #3 (row-3, 2026-02-10)"
        )
    for lang in LANGS:
        for warning in warnings.values():
            assert english_words(_said(warning, lang)) == [], (lang, _said(warning, lang))
        for note in notes:
            assert note is not None
            said = localize(note, lang)
            assert said != note and english_words(said) == [], (lang, said)


def _exported(rulebook: Rulebook) -> list[str]:
    with open_ledger(URL) as ledger:
        for number in range(5):
            ledger.check(rulebook, make_manifest(Path("."), f"m{number}", 10), record=number % 2 == 0)
        return [entry_line(entry) for entry in ledger.log()]


def _rehashed(line: str, **changes: object) -> str:
    """An entry changed and hashed again, as a forger would."""
    entry = json.loads(line)
    entry.update(changes)
    entry["hash"] = entry_hash(entry)
    return json.dumps(entry)


def _verdicts(lines: list[str]) -> dict[str, Any]:
    forged = lines[2].replace('"decision":"allow"', '"decision":"deny"')
    tampered = {
        "edited": [*lines[:2], forged, *lines[3:]],
        "dropped": [*lines[:2], *lines[3:]],
        "reordered": [*lines[:2], lines[3], lines[2], *lines[4:]],
        "inserted": [*lines[:3], lines[2], *lines[3:]],
        "unlinked": [*lines[:2], _rehashed(lines[2], prev="0" * 64), *lines[3:]],
        "unchained": [_rehashed(lines[0], prev="f" * 64), *lines[1:]],
    }
    found: dict[str, Any] = {name: verify(parse_lines(text), where="line") for name, text in tampered.items()}
    found["intact"] = verify(parse_lines(lines))
    return found


def test_the_decision_log_verdicts_are_said_in_chinese(rulebook: Rulebook) -> None:
    verdicts = _verdicts(_exported(rulebook))
    assert verdicts["intact"].message() == (
        "the decision log is intact: 5 entries, every hash and link checks"
    )
    assert verdicts["dropped"].message() == (
        "the decision log is broken at line 3 (seq 4): seq 3 to 3 are missing (dropped)"
    )
    assert verdicts["edited"].message() == (
        "the decision log is broken at line 3 (seq 3): its content does not match its hash (edited)"
    )
    assert verdicts["unlinked"].problem == (
        "line 3 (seq 3): it does not link to the entry before (an entry was inserted or replaced)"
    )
    assert verdicts["unchained"].problem == "line 1 (seq 1): the first entry does not start the chain"
    for verdict in verdicts.values():
        for lang in LANGS:
            said = localize(verdict.message(), lang)
            assert said != verdict.message() and english_words(said) == [], (lang, said)
    with pytest.raises(ValueError) as error:
        list(parse_lines(["[1]"]))
    reason = error.value.args[0]
    assert reason == "line 1 is not a JSON object"
    assert english_words(localize(reason, "zh-Hant")) == []


def test_a_ledger_error_is_one_of_the_ledger_codes() -> None:
    with pytest.raises(LedgerError) as error:
        parse_url("mysql://db")
    assert error.value.code == "E603"


def test_an_unreachable_postgresql_server_is_said_in_chinese_with_the_driver_text_as_written() -> None:
    pytest.importorskip("psycopg")
    diagnostic = _raised(lambda: open_ledger("postgresql://gba@127.0.0.1:1/ledger?timeout=1"))
    assert diagnostic.code == "E601"
    assert diagnostic.message.startswith("cannot use the ledger postgresql://gba@127.0.0.1:1/ledger: ")
    detail = diagnostic.message.removeprefix("cannot use the ledger postgresql://gba@127.0.0.1:1/ledger: ")
    for lang in LANGS:
        said = _said(diagnostic, lang)
        assert f"`{detail}`" in said and english_words(said) == [], (lang, said)
