"""``ist_day``: the day an instant falls on in India, whatever zone the instant was made in
(the day sums' key: ``callback_days``, ``attempt_days``, the order facts, a period's days)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from adapter.storage.order_facts import IST, ist_day

# 18:30 UTC is midnight in India.
MIDNIGHT = datetime(2026, 11, 20, 18, 30, tzinfo=UTC)
ZONES = (UTC, IST, timezone(timedelta(hours=-8)), timezone(timedelta(hours=13, minutes=45)))


def test_the_day_turns_at_midnight_in_india() -> None:
    tick = timedelta(microseconds=1)
    assert ist_day(MIDNIGHT - tick) == date(2026, 11, 20)
    assert ist_day(MIDNIGHT) == date(2026, 11, 21)
    west = timezone(timedelta(hours=-8))
    assert ist_day(datetime(2026, 11, 20, 10, 29, 59, tzinfo=west)) == date(2026, 11, 20)
    assert ist_day(datetime(2026, 11, 20, 10, 30, tzinfo=west)) == date(2026, 11, 21)
    assert ist_day(datetime(2024, 2, 28, 18, 30, tzinfo=UTC)) == date(2024, 2, 29)
    assert ist_day(datetime(1969, 12, 31, 18, 29, tzinfo=UTC)) == date(1969, 12, 31)


def test_an_instant_in_any_zone_falls_on_its_day_in_india() -> None:
    steps = (timedelta(hours=h, microseconds=7) for h in range(-60, 60, 7))
    for instant in (MIDNIGHT + step for step in steps):
        for zone in ZONES:
            made = instant.astimezone(zone)
            assert ist_day(made) == made.astimezone(IST).date(), made


def test_a_naive_instant_is_read_as_the_local_time_as_before() -> None:
    naive = datetime(2026, 11, 20, 23, 59)
    assert ist_day(naive) == naive.astimezone(IST).date()
