"""The DSL's working-day functions by jurisdiction, and `has` on blank text, on both evaluation paths."""

from __future__ import annotations

import datetime as dt

import pytest
from engine_helpers import decide, manifest, rulebook

from gba_dataflow.dsl.checker import check_rulesets
from gba_dataflow.dsl.parser import parse_text
from gba_dataflow.engine.model import Verdict
from gba_dataflow.engine.rulebook import manifest_catalog

GD = 'ruleset r\n  applies when transfer.origin.region == "CN-GD"\n\n'


def _filed_within(function: str) -> str:
    return (
        GD + "rule filed\n"
        f"  allow when {function}(mechanisms.standard_contract.effective_on,\n"
        "                        mechanisms.standard_contract.filed_on) <= 10\n"
        '  because "filed in time"\n  cite "c"\n'
    )


@pytest.mark.parametrize(
    ("function", "filed_on", "verdict"),
    [
        ("mainland_working_days", dt.date(2025, 2, 18), Verdict.ALLOW),
        ("mainland_working_days", dt.date(2025, 2, 19), Verdict.DENY),  # the 11th Mainland working day
        ("working_days_between", dt.date(2025, 2, 19), Verdict.ALLOW),  # Monday to Friday: the 10th
        ("hong_kong_working_days", dt.date(2025, 2, 19), Verdict.ALLOW),
        ("macao_working_days", dt.date(2025, 2, 19), Verdict.ALLOW),
    ],
)
def test_each_jurisdictions_working_days(function: str, filed_on: dt.date, verdict: Verdict) -> None:
    book = rulebook(_filed_within(function))
    contract = {"effective_on": dt.date(2025, 2, 5), "filed_on": filed_on}
    assert decide(book, manifest(mechanisms__standard_contract=contract)).decision is verdict


@pytest.mark.parametrize(
    "function", ["mainland_working_days", "hong_kong_working_days", "macao_working_days"]
)
def test_the_checker_knows_the_functions_and_their_arity(function: str) -> None:
    assert not check_rulesets([parse_text(_filed_within(function), "r.rules")], manifest_catalog()).errors
    bad = _filed_within(function).replace("mechanisms.standard_contract.filed_on)", "1, 2)")
    assert {d.code for d in check_rulesets([parse_text(bad, "r.rules")], manifest_catalog()).errors} >= {
        "E214"
    }


@pytest.mark.parametrize("blank", ["\u200b", "\u2800", "\u3164", " \u200b "])
def test_has_is_false_for_invisible_text(blank: str) -> None:
    rule = 'rule r\n  allow when has(transfer.exemption_justification)\n  because "x"\n  cite "c"\n'
    book = rulebook(GD + rule)
    assert decide(book, manifest(transfer__exemption_justification=blank)).decision is Verdict.DENY
