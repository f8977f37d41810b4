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
        Fact("as_of", "", "2026-01-05"),
        Fact("transfer.date", "/transfer/date", None),
    )
    assert all(type(fact) is Fact for fact in facts)
    assert facts[0].line == 7 and facts[1].column is None


def test_no_reads_no_facts() -> None:
    assert facts_from([], {}) == ()
