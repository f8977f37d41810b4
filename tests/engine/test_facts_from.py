"""Facts from recorded reads: the first read of a path wins, with its place in the manifest."""

from __future__ import annotations

from gba_dataflow.engine.evaluate import facts_from
from gba_dataflow.engine.model import Fact


def test_the_first_read_of_each_path_in_order_with_its_line_and_column() -> None:
    raw = [
        ("dataset.subjects", "/dataset/subjects", 10),
        ("as_of", "", "2026-01-05"),
        ("dataset.subjects", "/dataset/subjects", 11),
        ("transfer.date", "/transfer/date", None),
    ]
    facts = facts_from(raw, {"/dataset/subjects": (7, 13)})
    assert facts == (
        Fact("dataset.subjects", "/dataset/subjects", 10, 7, 13),
        Fact(
            "as_of",
            "",
            "2026-01-05",
            provenance="derived",
            provenance_note="the evaluation date: --as-of, else transfer.date, else today",
        ),
        Fact("transfer.date", "/transfer/date", None, provenance="default"),
    )
    assert all(type(fact) is Fact for fact in facts)
    assert facts[0].line == 7 and facts[1].column is None


def test_no_reads_no_facts() -> None:
    assert facts_from([], {}) == ()


def test_provenance_comes_from_the_manifest_where_it_says() -> None:
    """A value the manifest's `provenance_of` calls derived or ledger keeps that origin and its note."""
    from gba_dataflow.manifests.provenance import Origin, Provenance

    raw = [("volume.personal_subjects_ytd", "/volume/personal_subjects_ytd", 120_000)]
    ledger = Provenance(Origin.LEDGER, note="sum of 3 recorded transfers")
    (fact,) = facts_from(raw, {}, lambda pointer: ledger)
    assert (fact.provenance, fact.provenance_note) == ("ledger", "sum of 3 recorded transfers")
