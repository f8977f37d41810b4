"""Calendar helpers shared by the DSL and the loader. Public holidays are not modelled."""

from __future__ import annotations

import datetime as dt


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days (Monday to Friday) after `start` up to and including `end`; negative if end < start.

    Counting starts the day after `start`, as filing deadlines ("within 10 working days after the
    contract takes effect") do. Public holidays of Guangdong, Hong Kong and Macao are not modelled.
    """
    if end < start:
        return -working_days_between(end, start)
    days = (end - start).days
    full_weeks, rest = divmod(days, 7)
    count = full_weeks * 5
    weekday = start.weekday()
    for offset in range(1, rest + 1):
        if (weekday + offset) % 7 < 5:
            count += 1
    return count
