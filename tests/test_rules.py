"""Legal days and periods in Europe/Brussels."""

from datetime import UTC, date, datetime

import pytest

from petitions.dates import add_months, days_left, end_of_day, legal_day

TZ = "Europe/Brussels"


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (date(2027, 1, 31), 12, date(2028, 1, 31)),
        (date(2027, 8, 31), 6, date(2028, 2, 29)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2027, 3, 31), 1, date(2027, 4, 30)),
        (date(2027, 12, 15), 1, date(2028, 1, 15)),
        (date(2027, 5, 10), 12, date(2028, 5, 10)),
        (date(2027, 11, 30), 3, date(2028, 2, 29)),
    ],
)
def test_periods_end_on_the_same_day_clamped_to_the_months_end(start, months, end):
    assert add_months(start, months) == end


@pytest.mark.parametrize(
    ("instant", "day"),
    [
        # 23:30 UTC is already the next day in Brussels, winter and summer.
        (datetime(2027, 1, 31, 23, 30, tzinfo=UTC), date(2027, 2, 1)),
        (datetime(2027, 6, 30, 22, 30, tzinfo=UTC), date(2027, 7, 1)),
        (datetime(2027, 6, 30, 21, 59, tzinfo=UTC), date(2027, 6, 30)),
        # The night clocks go forward (28 March 2027) and back (31 October 2027).
        (datetime(2027, 3, 28, 1, 30, tzinfo=UTC), date(2027, 3, 28)),
        (datetime(2027, 10, 30, 22, 30, tzinfo=UTC), date(2027, 10, 31)),
    ],
)
def test_legal_days_are_brussels_days(instant, day):
    assert legal_day(instant, TZ) == day


def test_a_day_ends_at_brussels_midnight_also_on_daylight_saving_nights():
    assert end_of_day(date(2027, 3, 27), TZ) == datetime(2027, 3, 27, 23, 0, tzinfo=UTC)
    assert end_of_day(date(2027, 3, 28), TZ) == datetime(2027, 3, 28, 22, 0, tzinfo=UTC)
    assert end_of_day(date(2027, 10, 31), TZ) == datetime(
        2027, 10, 31, 23, 0, tzinfo=UTC
    )


def test_days_left_counts_the_last_day_and_never_goes_negative():
    last = date(2027, 3, 31)
    assert days_left(last, datetime(2027, 3, 30, 12, tzinfo=UTC), TZ) == 2
    assert days_left(last, datetime(2027, 3, 31, 21, 59, tzinfo=UTC), TZ) == 1
    assert days_left(last, datetime(2027, 3, 31, 22, 0, tzinfo=UTC), TZ) == 0
    assert days_left(last, datetime(2027, 5, 1, tzinfo=UTC), TZ) == 0
