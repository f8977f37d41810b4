"""Working days by jurisdiction (core/calendars.py): the official calendars, and Monday to Friday for a year
not yet known."""

from __future__ import annotations

import datetime as dt

import pytest

from gba_dataflow.core.calendars import (
    HK_MO_KNOWN_THROUGH,
    Jurisdiction,
    calendar,
    unknown_years,
    working_days_between,
)
from gba_dataflow.core.workdays import working_days_between as weekdays

D = dt.date
CN, HK, MO = Jurisdiction.MAINLAND, Jurisdiction.HONG_KONG, Jurisdiction.MACAO


@pytest.mark.parametrize(
    ("start", "end", "mainland", "monday_to_friday"),
    [
        # Spring Festival 2025: 28 Jan - 4 Feb off, Sun 26 Jan and Sat 8 Feb worked (the example).
        (D(2025, 2, 5), D(2025, 2, 18), 10, 9),
        (D(2025, 2, 5), D(2025, 2, 19), 11, 10),
        (D(2025, 1, 24), D(2025, 2, 10), 7, 11),
        # Spring Festival 2024: 10-17 Feb off, Sun 4 Feb and Sun 18 Feb worked.
        (D(2024, 2, 7), D(2024, 2, 27), 10, 14),
        (D(2024, 2, 7), D(2024, 2, 28), 11, 15),
        # National Day 2024: 1-7 Oct off, Sun 29 Sep and Sat 12 Oct worked.
        (D(2024, 9, 27), D(2024, 10, 16), 10, 13),
        (D(2024, 9, 27), D(2024, 10, 17), 11, 14),
        # National Day and Mid-Autumn 2025: 1-8 Oct off, Sun 28 Sep and Sat 11 Oct worked.
        (D(2025, 9, 26), D(2025, 10, 16), 10, 14),
        (D(2025, 9, 26), D(2025, 10, 17), 11, 15),
    ],
)
def test_mainland_working_days_across_spring_festival_and_national_day(
    start: dt.date, end: dt.date, mainland: int, monday_to_friday: int
) -> None:
    assert working_days_between(start, end, CN) == mainland
    assert weekdays(start, end) == monday_to_friday
    assert working_days_between(end, start, CN) == -mainland


def test_make_up_days_are_working_days_and_holidays_are_not() -> None:
    mainland = calendar(CN)
    assert D(2025, 1, 26) in mainland.days_on and D(2025, 2, 8) in mainland.days_on
    assert D(2025, 2, 3) in mainland.days_off and D(2025, 1, 26) not in mainland.days_off
    assert working_days_between(D(2025, 2, 7), D(2025, 2, 8), CN) == 1  # a make-up Saturday
    assert working_days_between(D(2025, 2, 2), D(2025, 2, 3), CN) == 0  # a holiday Monday


def test_hong_kong_counts_its_general_holidays() -> None:
    # Lunar New Year 2025: 29-31 Jan; no make-up days in Hong Kong.
    assert working_days_between(D(2025, 1, 24), D(2025, 2, 11), HK) == 9
    # Easter 2025: Good Friday 18 Apr, the day following (Sat) and Easter Monday 21 Apr are general holidays.
    assert working_days_between(D(2025, 4, 17), D(2025, 4, 22), HK) == 1
    assert working_days_between(D(2025, 4, 17), D(2025, 4, 22), CN) == 3


def test_macao_counts_its_public_and_administration_holidays() -> None:
    # All Souls' Day, Mon 2 Nov 2026, is a Macao holiday; it is a working day in Hong Kong and the Mainland.
    assert working_days_between(D(2026, 10, 30), D(2026, 11, 16), MO) == 10
    assert working_days_between(D(2026, 10, 30), D(2026, 11, 16), HK) == 11
    assert working_days_between(D(2026, 10, 30), D(2026, 11, 16), CN) == 11


def test_a_year_not_yet_known_counts_monday_to_friday_and_is_named() -> None:
    last = calendar(CN).last_year
    after = last + 1
    start, end = D(after, 1, 20), D(after, 2, 20)
    assert working_days_between(start, end, CN) == weekdays(start, end)
    assert unknown_years(start, end, CN) == (after,)
    assert unknown_years(D(last, 12, 20), D(after, 1, 5), CN) == (after,)
    assert unknown_years(D(2025, 2, 5), D(2025, 2, 19), CN) == ()
    assert unknown_years(D(HK_MO_KNOWN_THROUGH, 12, 30), D(HK_MO_KNOWN_THROUGH + 1, 1, 4), HK) == (
        HK_MO_KNOWN_THROUGH + 1,
    )
    # A span that ends on 31 December of the last known year touches no unknown year.
    assert unknown_years(D(last, 12, 1), D(last, 12, 31), CN) == ()


def test_a_span_across_into_an_unknown_year_corrects_only_the_known_part() -> None:
    last = calendar(CN).last_year
    start, end = D(last, 9, 25), D(last + 1, 1, 10)
    known = working_days_between(start, D(last, 12, 31), CN)
    assert working_days_between(start, end, CN) == known + weekdays(D(last, 12, 31), end)


def test_jurisdictions_are_named_by_their_codes() -> None:
    assert working_days_between(D(2025, 2, 5), D(2025, 2, 19), "CN") == 11
    with pytest.raises(ValueError):
        calendar("SG")
