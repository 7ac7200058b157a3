"""Slotted delivery: a store's own deliveries in its city, in time slots the buyer chooses
(ONDC retail 1.2.5, Pramaan's ``Slotted_Delivery_Flow``, RET10) (pure).

A store that delivers in slots says how long a slot is and the hours it delivers in
(:class:`SlotPlan`, from its location record; Indian Standard Time, which has no daylight
saving). A cart naming no fulfilment type, or a delivery, to a buyer in the store's own
city is then offered the next open slots, each a ``Delivery`` fulfilment of its own
(:func:`slot_fulfillments`): ``end.time.range`` the slot, ``@ondc/org/TAT`` the time from
the on_select to the slot's end. A slot is open when the goods are ready by its start
(the items' time to ship), it has not started, the store is not shut that day, and it has
fewer orders than the store lets a slot take (:func:`with_room`; no limit by default).

The init names one of them by id (:func:`chosen_slot`); naming none, or one on_select did
not offer, is refused with 30000 naming ``message.order.fulfillments[0].id``; a slot that
has started since, or filled up, is refused with 40003 (the quote for it no longer stands:
select again). The confirm must name the slot on_init kept (:func:`confirmed_slot`), and
is refused the same way if it has begun or filled up meanwhile (:func:`full_refusal`): the
order takes its :class:`SlotPlace` in the transaction that writes it, so of two confirms of
a slot's last place one has it and the other gets :class:`SlotFull`. The
order keeps the slot in its delivery's ``end.time.range`` in on_init, on_confirm and every
later callback; the goods are to leave the store by the slot's start (the order's ship-by).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Final

import schemas
from adapter.core.order_book import Refusal, iso_duration
from catalog_sync.records import LocationRecord

__all__ = [
    "IST",
    "SLOT_PREFIX",
    "Slot",
    "SlotFull",
    "SlotPlace",
    "SlotPlan",
    "candidates_for",
    "chosen_slot",
    "confirmed_slot",
    "full_refusal",
    "full_slot",
    "next_slots",
    "plan_of",
    "slot_fulfillments",
    "slot_of",
    "slot_problem",
    "with_room",
]

IST: Final = timezone(timedelta(hours=5, minutes=30), "IST")
"""Indian Standard Time, in which a store's delivery hours are given."""

SLOT_PREFIX: Final = "S"
"""Slot fulfilments are ``S1``, ``S2`` ... in the order offered (the delivery of a cart
without slots is ``1``, the store pick-up ``2``)."""

_LOOK_AHEAD: Final = 14
"""How many days ahead slots are looked for (a store shut for longer offers none)."""


@dataclass(frozen=True, slots=True)
class SlotPlan:
    """A store's delivery slots: ``minutes`` long, tiling ``opens`` to ``closes`` (IST)
    from the opening; on_select offers the next ``offered`` open ones, a slot taking at most
    ``capacity`` orders (0: no limit)."""

    minutes: int
    opens: time
    closes: time
    offered: int
    capacity: int = 0


@dataclass(frozen=True, slots=True)
class Slot:
    """One delivery slot: its fulfilment id and when it starts and ends (aware)."""

    id: str
    start: datetime
    end: datetime

    def time_range(self) -> dict[str, Any]:
        """The slot as ONDC writes a fulfilment's ``end.time``."""
        return {
            "range": {
                "start": schemas.format_timestamp(self.start),
                "end": schemas.format_timestamp(self.end),
            }
        }


@dataclass(frozen=True, slots=True)
class SlotPlace:
    """The place an order takes in the delivery slot starting at ``start`` when it is
    confirmed, from a store that lets a slot take ``capacity`` orders (0: no limit)."""

    start: datetime
    capacity: int


class SlotFull(Exception):
    """Raised by a confirm that found its slot's places all taken (``capacity`` of them):
    nothing of the order is written."""

    def __init__(self, capacity: int) -> None:
        super().__init__(f"the slot's {capacity} places are taken")
        self.capacity = capacity


def _clock(hhmm: str) -> time:
    return time(int(hhmm[:2]), int(hhmm[2:]))


def slot_problem(minutes: int, hours: str) -> str | None:
    """What is wrong with a store's slots of ``minutes`` in ``hours`` (``HHMM-HHMM``, a
    well-formed pair), or ``None``: the hours must close after they open, and with slots
    on (``minutes`` above 0) hold at least one slot."""
    opens, _, closes = hours.partition("-")
    span = (int(closes[:2]) * 60 + int(closes[2:])) - (int(opens[:2]) * 60 + int(opens[2:]))
    if span <= 0:
        return f"slot_hours {hours}: the delivery hours must close after they open"
    if minutes > span:
        return f"slot_minutes {minutes}: longer than the delivery hours {hours} ({span} minutes)"
    return None


def plan_of(location: LocationRecord) -> SlotPlan | None:
    """The store's slot plan, or ``None`` when it does not deliver in slots."""
    if location.slot_minutes <= 0:
        return None
    opens, _, closes = location.slot_hours.partition("-")
    return SlotPlan(
        location.slot_minutes,
        _clock(opens),
        _clock(closes),
        location.slots_offered,
        location.slot_orders,
    )


def next_slots(
    plan: SlotPlan,
    *,
    now: datetime,
    ready: timedelta,
    closed: Callable[[date], bool] = lambda _: False,
    limit: int | None = None,
) -> list[Slot]:
    """The next ``plan.offered`` (or ``limit``) slots that start after ``now`` and no
    earlier than ``now + ready`` (the goods ready to leave the store), on days the store is
    not ``closed``; the slots of a day tile its delivery hours from the opening, a last slot
    that would run past the closing left out."""
    count = plan.offered if limit is None else limit
    return list(_open_slots(plan, now=now, ready=ready, closed=closed, count=count))


def candidates_for(plan: SlotPlan) -> int:
    """How many upcoming slots to look at so that ``plan.offered`` are left once the full
    ones are passed over (all of them are looked at only for a store with a limit)."""
    return plan.offered * 8 if plan.capacity else plan.offered


def with_room(slots: Sequence[Slot], booked: Mapping[datetime, int], plan: SlotPlan) -> list[Slot]:
    """The first ``plan.offered`` of ``slots`` that have room for another order
    (``booked``: the orders each slot start already has), numbered ``S1``, ``S2`` ... again."""
    left = [
        slot for slot in slots if not plan.capacity or booked.get(slot.start, 0) < plan.capacity
    ]
    return [
        Slot(f"{SLOT_PREFIX}{number}", slot.start, slot.end)
        for number, slot in enumerate(left[: plan.offered], start=1)
    ]


def full_refusal(slot: Slot, booked: int, plan: SlotPlan | None) -> Refusal | None:
    """40003 for an order in ``slot`` when the store's ``plan`` limits a slot's orders and
    the slot has ``booked`` that many already; else ``None``."""
    if plan is None or not plan.capacity or booked < plan.capacity:
        return None
    return full_slot(slot, plan.capacity)


def full_slot(slot: Slot, capacity: int) -> Refusal:
    """40003 for an order in ``slot``, whose ``capacity`` places are all taken."""
    return Refusal(
        "40003",
        f"message.order.fulfillments[0].id {slot.id!r}: the slot starting "
        f"{schemas.format_timestamp(slot.start)} is full ({capacity} orders); select again",
    )


def _open_slots(
    plan: SlotPlan,
    *,
    now: datetime,
    ready: timedelta,
    closed: Callable[[date], bool],
    count: int,
) -> Iterator[Slot]:
    earliest = max(now + ready, now)
    first_day = earliest.astimezone(IST).date()
    length = timedelta(minutes=plan.minutes)
    number = 0
    for offset in range(_LOOK_AHEAD):
        day = first_day + timedelta(days=offset)
        if closed(day):
            continue
        start = datetime.combine(day, plan.opens, IST)
        closes = datetime.combine(day, plan.closes, IST)
        while start + length <= closes:
            if start >= earliest and start > now:
                number += 1
                if number > count:
                    return
                yield Slot(f"{SLOT_PREFIX}{number}", start, start + length)
            start += length


def slot_fulfillments(
    slots: Sequence[Slot], now: datetime, base: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """On_select's fulfilments for ``slots``: each ``base`` (the store's delivery
    fulfilment) with the slot's id, its ``end.time.range`` and a TAT to the slot's end."""
    return [
        {
            **base,
            "id": slot.id,
            "@ondc/org/TAT": iso_duration(slot.end - now),
            "end": {"time": slot.time_range()},
        }
        for slot in slots
    ]


def slot_of(fulfillment: Mapping[str, Any]) -> Slot | None:
    """The slot a fulfilment of ours is for (a ``Delivery`` with id ``S<n>`` and an
    ``end.time.range``), or ``None``."""
    fulfillment_id = str(fulfillment.get("id", ""))
    if fulfillment.get("type", "Delivery") != "Delivery" or not (
        fulfillment_id.startswith(SLOT_PREFIX) and fulfillment_id[1:].isdigit()
    ):
        return None
    window = ((fulfillment.get("end") or {}).get("time") or {}).get("range") or {}
    if not window.get("start") or not window.get("end"):
        return None
    return Slot(
        fulfillment_id,
        schemas.parse_timestamp(window["start"]),
        schemas.parse_timestamp(window["end"]),
    )


def chosen_slot(
    named: str | None, offered: Sequence[Mapping[str, Any]], now: datetime
) -> Mapping[str, Any] | None:
    """The slot fulfilment of on_select (``offered``) an init chooses by ``named`` id;
    ``None`` when on_select offered no slots or the init chooses another option on_select
    offered (the store pick-up). Refused: no id, or one not offered (30000), or a slot that
    has started since (40003)."""
    slots = {str(f.get("id")): f for f in offered if slot_of(f) is not None}
    if not slots:
        return None
    if named in {str(f.get("id")) for f in offered} and named not in slots:
        return None
    field = "message.order.fulfillments[0].id"
    if not named or named not in slots:
        raise Refusal(
            "30000",
            f"{field} {named!r}: name one of the delivery slots on_select offered "
            f"({', '.join(slots)})",
        )
    slot = slot_of(slots[named])
    assert slot is not None
    if slot.start <= now:
        raise Refusal(
            "40003",
            f"{field} {named!r}: the slot starting {schemas.format_timestamp(slot.start)} "
            "has begun; select again for the open slots",
        )
    return slots[named]


def confirmed_slot(named: str | None, kept: Mapping[str, Any], now: datetime) -> Slot | None:
    """The slot of the order on_init quoted (``kept``, its fulfilment), checked against the
    fulfilment id the confirm ``named``: the confirm must name it (30000), and it must not
    have started (40003). ``None`` for an order without a slot."""
    slot = slot_of(kept)
    if slot is None:
        return None
    if named != slot.id:
        raise Refusal(
            "30000",
            f"message.order.fulfillments[0].id {named!r} is not the delivery slot on_init "
            f"kept ({slot.id})",
        )
    if slot.start <= now:
        raise Refusal(
            "40003",
            f"message.order.fulfillments[0].id {slot.id!r}: the slot starting "
            f"{schemas.format_timestamp(slot.start)} has begun; select again",
        )
    return slot
