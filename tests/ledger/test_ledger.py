"""The ledger on both backends: migrations, records, totals, volumes from history, voids, imports, hashed
subjects, the decision log and failing closed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ledger_helpers import USCC, import_rows, make_manifest

from gba_dataflow import load_rulebook
from gba_dataflow.engine.model import Verdict
from gba_dataflow.engine.rulebook import Rulebook
from gba_dataflow.ledger import LedgerError, hash_subjects, open_ledger
from gba_dataflow.ledger.audit import entry_line, parse_lines, verify
from gba_dataflow.ledger.migrations import LATEST
from gba_dataflow.ledger.volumes import PERSONAL_YTD, with_ledger_volumes
from gba_dataflow.manifests.provenance import Origin

KEY = b"an organisation key of 32 bytes!"
ALLOW_RULE = "mainland_export/m10_small_volume_exemption"
DENY_RULE = "mainland_export/m12_contract_or_certification_required"


@pytest.fixture(scope="module")
def rulebook() -> Rulebook:
    return load_rulebook(None)


def test_migrations_run_once_and_the_schema_is_current(ledger_url: str) -> None:
    with open_ledger(ledger_url) as ledger:
        ledger.ping()
        assert ledger.migrate() == []
    with open_ledger(ledger_url) as ledger:
        assert ledger.migrate() == []
        rows = ledger.backend.execute("SELECT version FROM schema_migrations ORDER BY version")
        assert [row[0] for row in rows] == list(range(1, LATEST + 1))


def test_a_ledger_of_a_newer_schema_is_refused(ledger_url: str) -> None:
    with open_ledger(ledger_url) as ledger:
        ledger.backend.execute(
            "INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, 'future', 'later')",
            (LATEST + 1,),
        )
    with pytest.raises(LedgerError) as error:
        open_ledger(ledger_url)
    assert error.value.code == "E604" and "upgrade" in (error.value.hint or "")


def test_record_is_idempotent_by_manifest_digest(ledger_url: str, tmp_path: Path) -> None:
    manifest = make_manifest(tmp_path, "first", 1200)
    with open_ledger(ledger_url) as ledger:
        first = ledger.record(manifest)
        again = ledger.record(manifest)
        assert first.created and not again.created
        assert again.record.id == first.record.id
        [totals] = ledger.totals()
    assert (totals.exporter_key, totals.year, totals.transfers, totals.personal) == (
        f"uscc:{USCC}",
        2026,
        1,
        1200,
    )
    assert not totals.exact  # summed counts: an upper bound


def test_totals_filter_by_registration_number_name_and_year(ledger_url: str, tmp_path: Path) -> None:
    with open_ledger(ledger_url) as ledger:
        ledger.record(make_manifest(tmp_path, "a", 10))
        ledger.record(make_manifest(tmp_path, "b", 20, date="2025-03-01"))
        ledger.record(make_manifest(tmp_path, "c", 5, registration=None))
        assert [t.personal for t in ledger.totals(USCC)] == [20, 10]
        assert [t.year for t in ledger.totals(USCC, 2026)] == [2026]
        by_name = ledger.totals("example retail  (DONGGUAN) co., ltd.")
        assert [(t.exporter_key, t.personal) for t in by_name] == [
            ("name:example retail (dongguan) co., ltd.", 5)
        ]


def test_check_records_only_an_allow(ledger_url: str, tmp_path: Path, rulebook: Rulebook) -> None:
    with open_ledger(ledger_url) as ledger:
        denied = ledger.check(rulebook, make_manifest(tmp_path, "big", 150_000), record=True)
        allowed = ledger.check(rulebook, make_manifest(tmp_path, "small", 500), record=True)
        assert denied.result.decision is Verdict.DENY and denied.record is None
        assert allowed.result.decision is Verdict.ALLOW and allowed.record is not None
        assert [t.personal for t in ledger.totals()] == [500]
        again = ledger.check(rulebook, make_manifest(tmp_path, "small", 500), record=True)
        assert again.already_recorded and again.record is None
        assert [t.personal for t in ledger.totals()] == [500]  # decided on the total that includes it once
        log = list(ledger.log())[:2]
    assert [(e.action, e.decision, e.transfer_id) for e in log] == [
        ("check-record", "deny", None),
        ("check-record", "allow", allowed.record.id),
    ]
    assert log[0].rule_ids == (DENY_RULE,)
    assert log[1].rule_ids == (ALLOW_RULE,)


def test_a_check_without_record_changes_no_total_but_is_logged(
    ledger_url: str, tmp_path: Path, rulebook: Rulebook
) -> None:
    with open_ledger(ledger_url) as ledger:
        decision = ledger.check(rulebook, make_manifest(tmp_path, "dry", 700))
        assert decision.record is None
        assert ledger.totals() == []
        assert [entry.action for entry in ledger.log()] == ["check"]


def test_a_transfer_crossing_a_threshold_is_decided_on_the_new_total(
    ledger_url: str, tmp_path: Path, rulebook: Rulebook
) -> None:
    earlier = import_rows(tmp_path, [("2026-01-10", 60_000), ("2026-02-10", 35_000)])
    manifest = make_manifest(tmp_path, "june", 6_000)
    with open_ledger(ledger_url) as ledger:
        ledger.import_csv(earlier)
        alone = ledger.check(rulebook, make_manifest(tmp_path, "small", 4_000))
        crossing = ledger.check(rulebook, manifest, record=True)
    assert alone.result.decision is Verdict.ALLOW  # 99,000 with it
    assert crossing.result.decision is Verdict.DENY  # 101,000 with it
    assert crossing.result.reasons[0].rule == DENY_RULE
    assert crossing.record is None


def test_ledger_figures_have_provenance_naming_the_records_and_the_crossing(
    ledger_url: str, tmp_path: Path
) -> None:
    earlier = import_rows(tmp_path, [("2026-01-10", 60_000), ("2026-02-10", 45_000), ("2026-03-10", 1_000)])
    with open_ledger(ledger_url) as ledger:
        ledger.import_csv(earlier)
        manifest = make_manifest(tmp_path, "june", 2_000)
        ledger.backend.begin_write()
        pending = ledger._insert_transfer(ledger_exporter(manifest), 2026, None, manifest, None, "test")
        view = ledger._view(ledger_exporter(manifest), 2026, pending.id)
        ledger.backend.rollback()
    decided = with_ledger_volumes(manifest, view)
    assert decided.data["volume"]["personal_subjects_ytd"] == 108_000
    provenance = decided.provenance_of(PERSONAL_YTD)
    assert provenance.origin is Origin.LEDGER
    assert provenance.note is not None
    assert "4 recorded transfers" in provenance.note and "#1, #2, #3, #4" in provenance.note
    assert "reached 100,000 with record #2 (row-2, 2026-02-10)" in provenance.note
    assert "upper bound" in provenance.note
    assert PERSONAL_YTD not in decided.positions
    assert "W413" not in {warning.code for warning in decided.warnings}


def ledger_exporter(manifest: object) -> object:
    from gba_dataflow.ledger.identity import exporter_of

    return exporter_of(manifest.data)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("declared", "used", "which"), [(90_000, 90_000, "declared"), (1_000, 30_500, "ledger")]
)
def test_the_larger_of_declared_and_ledger_wins_with_a_warning_naming_both(
    ledger_url: str, tmp_path: Path, rulebook: Rulebook, declared: int, used: int, which: str
) -> None:
    with open_ledger(ledger_url) as ledger:
        ledger.import_csv(import_rows(tmp_path, [("2026-01-10", 30_000)]))
        result = ledger.evaluate(rulebook, make_manifest(tmp_path, "m", 500, declared=declared))
    [warning] = [w for w in result.warnings if w.code == "W416"]
    assert f"declares {declared:,}, the ledger holds 30,500" in warning.message
    assert which in warning.message
    fact = next(f for r in result.reasons for f in r.facts if f.path == "volume.personal_subjects_ytd")
    assert fact.value == used


def test_without_registration_number_the_exporter_is_keyed_by_name_with_a_warning(
    ledger_url: str, tmp_path: Path, rulebook: Rulebook
) -> None:
    with open_ledger(ledger_url) as ledger:
        result = ledger.evaluate(rulebook, make_manifest(tmp_path, "m", 10, registration=None), record=True)
        assert "W415" in {warning.code for warning in result.warnings}
        assert ledger.totals()[0].exporter_key == "name:example retail (dongguan) co., ltd."


def test_void_is_a_new_record_and_restores_the_totals(
    ledger_url: str, tmp_path: Path, rulebook: Rulebook
) -> None:
    with open_ledger(ledger_url) as ledger:
        kept = ledger.record(make_manifest(tmp_path, "kept", 100)).record
        wrong = ledger.record(make_manifest(tmp_path, "wrong", 900)).record
        void = ledger.void(wrong.id, "sent twice")
        assert (void.kind, void.voids, void.reason) == ("void", wrong.id, "sent twice")
        assert [(t.transfers, t.personal) for t in ledger.totals()] == [(1, 100)]
        assert [r.id for r in ledger.records()] == [kept.id, wrong.id, void.id]  # nothing deleted
        with pytest.raises(LedgerError) as again:
            ledger.void(wrong.id, "again")
        assert again.value.code == "E608"
        with pytest.raises(LedgerError) as missing:
            ledger.void(999, "no such record")
        assert missing.value.code == "E608"
        with pytest.raises(LedgerError) as rerecord:
            ledger.record(make_manifest(tmp_path, "wrong", 900))
        assert rerecord.value.code == "E608"
        with pytest.raises(LedgerError) as recheck:
            ledger.check(rulebook, make_manifest(tmp_path, "wrong", 900), record=True)
        assert recheck.value.code == "E608"
        # a check without --record decides a voided manifest as a new transfer (100 + 900)
        checked = ledger.check(rulebook, make_manifest(tmp_path, "wrong", 900))
        fact = next(
            f for r in checked.result.reasons for f in r.facts if f.path == "volume.personal_subjects_ytd"
        )
        assert fact.value == 1000 and checked.record is None
        assert [(t.transfers, t.personal) for t in ledger.totals()] == [(1, 100)]
        assert [entry.action for entry in ledger.log()] == ["record", "record", "void", "check"]


def test_import_checks_every_row_first_and_names_the_line(ledger_url: str, tmp_path: Path) -> None:
    bad = import_rows(tmp_path, [("2026-01-10", 10), ("2026-02-30", 20)])
    with open_ledger(ledger_url) as ledger:
        with pytest.raises(LedgerError) as error:
            ledger.import_csv(bad)
        assert error.value.code == "E607"
        assert f"{bad}:3:" in error.value.first.message
        assert ledger.records() == []  # all or nothing
        good = import_rows(tmp_path, [("2026-01-10", 10), ("2026-02-28", 20)], "good.csv")
        assert len(ledger.import_csv(good)) == 2
        assert ledger.import_csv(good) == []  # the same rows again: nothing new
        assert ledger.totals()[0].personal == 30


def test_import_refuses_a_bad_header_and_a_bad_registration_number(ledger_url: str, tmp_path: Path) -> None:
    header = tmp_path / "header.csv"
    header.write_text("exporter,date,personal\nX,2026-01-01,1\n", encoding="utf-8")
    number = tmp_path / "number.csv"
    number.write_text(
        "exporter_name,registration_number,date,personal,sensitive\nX,91440300MA5DC8QY1X,2026-01-01,1,0\n",
        encoding="utf-8",
    )
    with open_ledger(ledger_url) as ledger:
        for path, where in ((header, ":1:"), (number, ":2:")):
            with pytest.raises(LedgerError) as error:
                ledger.import_csv(path)
            assert error.value.code == "E607" and where in error.value.first.message


def test_hashed_subjects_count_distinct_individuals_exactly(
    ledger_url: str, tmp_path: Path, rulebook: Rulebook
) -> None:
    first = tmp_path / "first.txt"
    first.write_text("".join(f"person-{n}@example.com\n" for n in range(300)), encoding="utf-8")
    second = tmp_path / "second.csv"
    second.write_text(
        "name,subject_id\n" + "".join(f"x,person-{n}@example.com\n" for n in range(200, 450)),
        encoding="utf-8",
    )
    with open_ledger(ledger_url) as ledger:
        ledger.check(
            rulebook, make_manifest(tmp_path, "a", 300), record=True, subjects=hash_subjects(first, KEY)
        )
        ledger.check(
            rulebook, make_manifest(tmp_path, "b", 250), record=True, subjects=hash_subjects(second, KEY)
        )
        [totals] = ledger.totals()
        assert (totals.personal, totals.distinct_subjects, totals.exact) == (450, 450, True)
        stored = ledger.backend.execute("SELECT hash FROM subjects")
        everything = json.dumps([r.to_dict() for r in ledger.records()]) + json.dumps(
            [e.to_dict() for e in ledger.log()]
        )
        first_record = ledger.records()[0]
        ledger.void(first_record.id, "wrong list")
        assert ledger.totals()[0].personal == 250
    assert len(stored) == 550
    assert all(len(row[0]) == 64 for row in stored)
    assert "example.com" not in everything + "".join(row[0] for row in stored)


def test_subjects_need_the_key_and_a_clean_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from gba_dataflow.ledger import organisation_key

    monkeypatch.delenv("GBA_DATAFLOW_SUBJECTS_KEY", raising=False)
    monkeypatch.delenv("GBA_DATAFLOW_SUBJECTS_KEY_FILE", raising=False)
    with pytest.raises(LedgerError) as missing:
        organisation_key()
    assert missing.value.code == "E605"
    monkeypatch.setenv("GBA_DATAFLOW_SUBJECTS_KEY", "short")
    with pytest.raises(LedgerError) as short:
        organisation_key()
    assert short.value.code == "E605"
    monkeypatch.setenv("GBA_DATAFLOW_SUBJECTS_KEY", KEY.decode())
    assert organisation_key() == KEY
    blank = tmp_path / "ids.txt"
    blank.write_text("secret-id-1\n\nsecret-id-2\n", encoding="utf-8")
    with pytest.raises(LedgerError) as error:
        hash_subjects(blank, KEY)
    assert error.value.code == "E606" and ":2:" in error.value.first.message
    assert "secret-id" not in str(error.value)


def test_the_decision_log_chain_is_intact(ledger_url: str, tmp_path: Path, rulebook: Rulebook) -> None:
    with open_ledger(ledger_url) as ledger:
        for number in range(4):
            ledger.check(rulebook, make_manifest(tmp_path, f"m{number}", 10 + number), record=True)
        result = ledger.verify_log()
        entries = list(ledger.log())
    assert result.intact and result.entries == 4
    assert entries[0].prev == "0" * 64
    assert [e.prev for e in entries[1:]] == [e.hash for e in entries[:-1]]
    assert verify(parse_lines(entry_line(e) for e in entries)).intact


def test_an_edited_stored_entry_is_named(ledger_url: str, tmp_path: Path, rulebook: Rulebook) -> None:
    with open_ledger(ledger_url) as ledger:
        for number in range(3):
            ledger.check(rulebook, make_manifest(tmp_path, f"m{number}", 10), record=True)
        ledger.backend.execute("UPDATE decisions SET decision = 'allow', rule_ids = '[]' WHERE seq = 2")
        result = ledger.verify_log()
    assert not result.intact and result.seq == 2
    assert "edited" in (result.problem or "")


def _exported(ledger_url: str, tmp_path: Path, rulebook: Rulebook, count: int = 5) -> list[str]:
    with open_ledger(ledger_url) as ledger:
        for number in range(count):
            ledger.check(rulebook, make_manifest(tmp_path, f"m{number}", 10), record=number % 2 == 0)
        return [entry_line(entry) for entry in ledger.log()]


@pytest.mark.parametrize(
    ("tamper", "position", "word"),
    [
        (
            lambda lines: [
                *lines[:2],
                lines[2].replace('"decision":"allow"', '"decision":"deny"'),
                *lines[3:],
            ],
            3,
            "edited",
        ),
        (lambda lines: [*lines[:2], *lines[3:]], 3, "dropped"),
        (lambda lines: [*lines[:2], lines[3], lines[2], *lines[4:]], 3, "reordered"),
        (lambda lines: [*lines[:3], lines[2], *lines[3:]], 4, "inserted"),
    ],
    ids=["edited", "dropped", "reordered", "inserted"],
)
def test_a_tampered_export_names_the_first_broken_entry(
    ledger_url: str, tmp_path: Path, rulebook: Rulebook, tamper: object, position: int, word: str
) -> None:
    lines = _exported(ledger_url, tmp_path, rulebook)
    assert verify(parse_lines(lines)).intact
    result = verify(parse_lines(tamper(lines)), where="line")  # type: ignore[operator]
    assert not result.intact
    assert result.seq == position
    assert word in (result.problem or "")


def test_an_inserted_entry_with_a_forged_hash_breaks_the_next_link(
    ledger_url: str, tmp_path: Path, rulebook: Rulebook
) -> None:
    from gba_dataflow.ledger.audit import entry_hash

    lines = _exported(ledger_url, tmp_path, rulebook, count=3)
    forged = json.loads(lines[1])
    forged.update(seq=3, decision="allow", prev=forged["hash"])
    forged["hash"] = entry_hash(forged)
    result = verify(parse_lines([*lines[:2], json.dumps(forged), lines[2]]))
    assert not result.intact and result.seq == 4 and "inserted" in (result.problem or "")
