"""Working days by jurisdiction: the Mainland's, Hong Kong's and Macao's official calendars.

Filing deadlines ("within 10 working days after the contract takes effect") count the working days of the
side that files (domain sheet §9.2). A day is a working day when it is

- on the Mainland: Monday to Friday and not a public holiday, or a weekend day the State Council designates
  as a make-up working day (调休). From `chinese-calendar`, which carries each year's State Council notice
  and knows exactly which years it has;
- in Hong Kong: Monday to Friday and not a general holiday (statutory holidays and the other general
  holidays: Good Friday, Easter Monday, ...); from `holidays` (categories `public` and `optional`);
- in Macao: Monday to Friday and not a public holiday or a holiday of the public administration (the
  bureau that receives filings, the DSPDP, is closed then); from `holidays` (`public` and `government`).

A year a calendar does not know yet (the State Council announces each year in the preceding November or
December) is counted Monday to Friday, and `unknown_years` names it so that the caller can warn. Hong Kong
and Macao calendars are computed by `holidays` from each territory's rules; a year is treated as known only
up to `HK_MO_KNOWN_THROUGH`, the last year whose official list had been published when that bound was set.

The libraries are imported on first use: a decision that counts no working days does not load them.
"""

from __future__ import annotations

import bisect
import datetime as dt
import enum
import functools
from dataclasses import dataclass

from gba_dataflow.core.workdays import working_days_between as weekdays_between


class Jurisdiction(enum.StrEnum):
    """Whose working days a deadline counts."""

    MAINLAND = "CN"
    HONG_KONG = "HK"
    MACAO = "MO"


HK_MO_FIRST_YEAR = 2005
"""First year of the Hong Kong and Macao calendars (before any rule of this engine applies)."""
HK_MO_KNOWN_THROUGH = 2026
"""Last year whose Hong Kong general holidays (Gazette) and Macao public holidays (Chief Executive's
dispatch) were published and checked against `holidays` when this bound was set; later years warn."""


@dataclass(frozen=True, slots=True)
class Calendar:
    """One jurisdiction's non-standard days over the years it knows, sorted.

    `days_off` are Monday-to-Friday days that are not working days; `days_on` are Saturdays and Sundays
    that are (make-up working days)."""

    jurisdiction: Jurisdiction
    first_year: int
    last_year: int
    days_off: tuple[dt.date, ...]
    days_on: tuple[dt.date, ...]

    def knows(self, year: int) -> bool:
        """Whether `year`'s official calendar is known (else it is counted Monday to Friday)."""
        return self.first_year <= year <= self.last_year

    def working_days(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end`; negative if `end` < `start`.

        Monday-to-Friday days in the range, less the days off, plus the make-up days; the sorted lists hold
        only days of known years, so a day of an unknown year is never corrected (Monday to Friday)."""
        if end < start:
            return -self.working_days(end, start)
        count = weekdays_between(start, end)
        off, on = self.days_off, self.days_on
        return (
            count
            - (bisect.bisect_right(off, end) - bisect.bisect_right(off, start))
            + (bisect.bisect_right(on, end) - bisect.bisect_right(on, start))
        )

    def unknown_years(self, start: dt.date, end: dt.date) -> tuple[int, ...]:
        """The years of the days counted (after the earlier date, up to the later) this calendar does not
        know."""
        first, last = (start, end) if start <= end else (end, start)
        if first == last:
            return ()
        years = range((first + dt.timedelta(days=1)).year, last.year + 1)
        return tuple(year for year in years if not self.knows(year))


@functools.cache
def calendar(jurisdiction: Jurisdiction | str) -> Calendar:
    """The calendar of `jurisdiction` (`CN`, `HK` or `MO`), loaded once."""
    chosen = Jurisdiction(jurisdiction)
    if chosen is Jurisdiction.MAINLAND:
        return _mainland()
    categories = ("public", "optional") if chosen is Jurisdiction.HONG_KONG else ("public", "government")
    return _from_holidays(chosen, categories)


def _mainland() -> Calendar:
    import chinese_calendar

    off = sorted(day for day in chinese_calendar.holidays if day.weekday() < 5)
    on = sorted(day for day in chinese_calendar.workdays if day.weekday() >= 5)
    years = {day.year for day in chinese_calendar.holidays}
    return Calendar(Jurisdiction.MAINLAND, min(years), max(years), tuple(off), tuple(on))


def _from_holidays(jurisdiction: Jurisdiction, categories: tuple[str, ...]) -> Calendar:
    import holidays

    years = range(HK_MO_FIRST_YEAR, HK_MO_KNOWN_THROUGH + 1)
    found = holidays.country_holidays(jurisdiction.value, years=years, categories=categories)
    off = sorted(day for day in found if day.weekday() < 5)
    return Calendar(jurisdiction, HK_MO_FIRST_YEAR, HK_MO_KNOWN_THROUGH, tuple(off), ())


_LOADED: dict[str, Calendar] = {}
"""The calendars by code, as a plain dict: a rule counts working days on its hot path."""


def working_days_between(start: dt.date, end: dt.date, jurisdiction: Jurisdiction | str) -> int:
    """Working days of `jurisdiction` after `start` up to and including `end` (negative if end < start);
    days of years its calendar does not know count Monday to Friday."""
    found = _LOADED.get(jurisdiction)
    if found is None:
        found = _LOADED[jurisdiction] = calendar(jurisdiction)
    return found.working_days(start, end)


def unknown_years(start: dt.date, end: dt.date, jurisdiction: Jurisdiction | str) -> tuple[int, ...]:
    """The years between `start` and `end` whose calendar `jurisdiction` does not know yet.

    Hong Kong's and Macao's known years are a constant, so this loads only the Mainland's calendar (a
    small table), never `holidays`: the manifest loader asks it of every contract date."""
    chosen = Jurisdiction(jurisdiction)
    if chosen is Jurisdiction.MAINLAND:
        return calendar(chosen).unknown_years(start, end)
    bounds = Calendar(chosen, HK_MO_FIRST_YEAR, HK_MO_KNOWN_THROUGH, (), ())
    return bounds.unknown_years(start, end)
