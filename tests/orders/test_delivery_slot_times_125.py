"""Delivery slots as a store plans them (retail 1.2.5 slotted delivery), without I/O: the
slots tile the store's delivery hours in Indian Standard Time, those that have started or
begin before the goods are ready are not offered, nor those on days the store is shut."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from adapter.core.order_book import Refusal
from adapter.core.retail125.delivery_slots import (
    IST,
    SlotPlan,
    candidates_for,
    chosen_slot,
    confirmed_slot,
    full_refusal,
    next_slots,
    slot_fulfillments,
    slot_of,
    slot_problem,
    with_room,
)

_HOURLY = SlotPlan(minutes=60, opens=time(9), closes=time(20), offered=4)
# 10:00 UTC is 15:30 in India.
_NOW = datetime(2026, 11, 23, 10, 0, 0, 123000, tzinfo=UTC)


def _ist(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=IST)


def test_slots_tile_the_delivery_hours_in_ist_and_the_one_under_way_is_not_offered() -> None:
    slots = next_slots(_HOURLY, now=_NOW, ready=timedelta(0))
    # 15:00-16:00 IST has started at 15:30 IST: the first offered starts at 16:00 IST.
    assert [(s.start, s.end) for s in slots] == [
        (_ist(23, h), _ist(23, h + 1)) for h in (16, 17, 18, 19)
    ]
    assert slots[0].start == datetime(2026, 11, 23, 10, 30, tzinfo=UTC)
    assert [s.id for s in slots] == ["S1", "S2", "S3", "S4"]


def test_a_slot_starting_this_instant_is_not_offered() -> None:
    now = _ist(23, 16).astimezone(UTC)
    (first, *_) = next_slots(_HOURLY, now=now, ready=timedelta(0))
    assert first.start == _ist(23, 17)


def test_slots_wait_for_the_goods_and_roll_over_to_the_next_open_day() -> None:
    # Ready two days on at 15:30 IST: the 25th's last four hours.
    slots = next_slots(_HOURLY, now=_NOW, ready=timedelta(days=2))
    assert [s.start for s in slots] == [_ist(25, h) for h in (16, 17, 18, 19)]
    # Six offered: the 26th opens at 09:00 after the 25th closes at 20:00.
    six = next_slots(SlotPlan(60, time(9), time(20), offered=6), now=_NOW, ready=timedelta(days=2))
    assert [s.start for s in six][-2:] == [_ist(26, 9), _ist(26, 10)]


def test_the_last_slot_that_would_run_past_closing_is_left_out() -> None:
    plan = SlotPlan(minutes=40, opens=time(9), closes=time(10), offered=3)
    slots = next_slots(plan, now=_NOW, ready=timedelta(0))
    # 09:00-09:40 fits; 09:40-10:20 does not: one slot a day.
    assert [(s.start, s.end) for s in slots] == [(_ist(d, 9), _ist(d, 9, 40)) for d in (24, 25, 26)]


def test_days_the_store_is_shut_are_skipped() -> None:
    shut = {date(2026, 11, 24)}
    plan = SlotPlan(minutes=60, opens=time(9), closes=time(11), offered=3)
    slots = next_slots(plan, now=_NOW, ready=timedelta(0), closed=shut.__contains__)
    assert [s.start for s in slots] == [_ist(25, 9), _ist(25, 10), _ist(26, 9)]


def test_the_day_is_the_indian_one_after_midnight_ist() -> None:
    # 19:00 UTC on the 23rd is 00:30 on the 24th in India: the 24th's slots come first.
    now = datetime(2026, 11, 23, 19, 0, tzinfo=UTC)
    (first, *_) = next_slots(_HOURLY, now=now, ready=timedelta(0))
    assert first.start == _ist(24, 9)
    assert first.start.astimezone(UTC) == datetime(2026, 11, 24, 3, 30, tzinfo=UTC)


def test_offered_fulfilments_carry_the_slot_and_a_tat_to_its_end() -> None:
    slots = next_slots(_HOURLY, now=_NOW, ready=timedelta(0))[:2]
    base = {"id": "1", "type": "Delivery", "@ondc/org/TAT": "P7D", "tracking": False}
    first, second = slot_fulfillments(slots, _NOW, base)
    assert first["id"] == "S1"
    assert first["end"] == {
        "time": {"range": {"start": "2026-11-23T10:30:00.000Z", "end": "2026-11-23T11:30:00.000Z"}}
    }
    # 15:30:00.123 to 17:00 IST, to the minute rounded down.
    assert first["@ondc/org/TAT"] == "PT1H29M"
    assert second["@ondc/org/TAT"] == "PT2H29M"
    assert slot_of(second) == slots[1]
    assert slot_of(base) is None
    assert slot_of({**second, "type": "Self-Pickup"}) is None


def _offered() -> list[dict[str, object]]:
    slots = next_slots(_HOURLY, now=_NOW, ready=timedelta(0))[:2]
    base = {"type": "Delivery", "@ondc/org/TAT": "P7D"}
    pickup = {"id": "2", "type": "Self-Pickup", "@ondc/org/TAT": "P3D"}
    return [*slot_fulfillments(slots, _NOW, base), pickup]


def test_an_init_must_name_an_offered_slot_that_has_not_begun() -> None:
    offered = _offered()
    assert chosen_slot("S2", offered, _NOW) == offered[1]
    assert chosen_slot("2", offered, _NOW) is None, "the pick-up is another option"
    assert chosen_slot("1", [{"id": "1", "type": "Delivery"}], _NOW) is None, "no slots"
    for named in (None, "S9", "1"):
        with pytest.raises(Refusal) as refused:
            chosen_slot(named, offered, _NOW)
        assert refused.value.code == "30000"
        assert "message.order.fulfillments[0].id" in refused.value.message
        assert "S1, S2" in refused.value.message
    with pytest.raises(Refusal) as refused:
        chosen_slot("S1", offered, _ist(23, 16, 5).astimezone(UTC))
    assert refused.value.code == "40003"


def test_a_confirm_must_name_the_slot_on_init_kept() -> None:
    kept = _offered()[1]
    slot = confirmed_slot("S2", kept, _NOW)
    assert slot is not None
    assert slot.start == _ist(23, 17)
    assert confirmed_slot("1", {"id": "1", "type": "Delivery"}, _NOW) is None
    with pytest.raises(Refusal) as refused:
        confirmed_slot("S1", kept, _NOW)
    assert refused.value.code == "30000"
    assert "(S2)" in refused.value.message
    with pytest.raises(Refusal) as refused:
        confirmed_slot("S2", kept, _ist(23, 17).astimezone(UTC))
    assert refused.value.code == "40003"


@pytest.mark.parametrize(
    ("minutes", "hours", "problem"),
    [
        (60, "0900-2000", None),
        (0, "0900-2000", None),
        (60, "2000-0900", "slot_hours 2000-0900: the delivery hours must close after they open"),
        (90, "0900-1000", "slot_minutes 90: longer than the delivery hours 0900-1000 (60 minutes)"),
    ],
)
def test_slot_settings_that_hold_no_slot_are_named(
    minutes: int, hours: str, problem: str | None
) -> None:
    assert slot_problem(minutes, hours) == problem


def test_full_slots_are_passed_over_and_the_rest_numbered_again() -> None:
    plan = SlotPlan(minutes=60, opens=time(9), closes=time(20), offered=2, capacity=3)
    upcoming = next_slots(plan, now=_NOW, ready=timedelta(0), limit=candidates_for(plan))
    assert len(upcoming) == 16, "eight times those offered are looked at"
    booked = {_ist(23, 16): 3, _ist(23, 17): 2, _ist(23, 18): 5}
    left = with_room(upcoming, booked, plan)
    assert [(s.id, s.start) for s in left] == [("S1", _ist(23, 17)), ("S2", _ist(23, 19))]
    unlimited = SlotPlan(minutes=60, opens=time(9), closes=time(20), offered=2)
    assert candidates_for(unlimited) == 2
    assert [s.start for s in with_room(upcoming, booked, unlimited)] == [_ist(23, 16), _ist(23, 17)]


def test_a_slot_is_full_at_its_limit_only_when_the_store_sets_one() -> None:
    plan = SlotPlan(minutes=60, opens=time(9), closes=time(20), offered=2, capacity=2)
    (slot, *_) = next_slots(plan, now=_NOW, ready=timedelta(0))
    assert full_refusal(slot, 1, plan) is None
    refused = full_refusal(slot, 2, plan)
    assert refused is not None
    assert refused.code == "40003"
    assert "is full (2 orders)" in refused.message
    assert full_refusal(slot, 99, SlotPlan(60, time(9), time(20), offered=2)) is None
    assert full_refusal(slot, 99, None) is None
