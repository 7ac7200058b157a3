"""The flow rules of a retail 1.2.5 order delivered in a slot the buyer chose (Pramaan's
``Slotted_Delivery_Flow``, RET10), restated (pure).

An ``/on_select`` offering delivery slots lists each as a ``Delivery`` fulfilment with its
``end.time.range``; the init chooses one by id. Our callbacks of the order are held to (each
rule with our own name, as ONDC publishes none; ``slot_kept`` is the check ONDC's
log-validation-utility makes of its flow 003 in on_init, on_confirm and on_status_picked,
made stricter: the utility compares the ranges only where both messages carry one, and
Pramaan's example leaves it out of on_init and on_confirm):

- ``slot_open``: every slot on_select offers starts after the on_select is stamped, and
  ends after it starts;
- ``slot_tat``: its ``@ondc/org/TAT`` runs from the on_select to the slot's end (to the
  minute, rounded down);
- ``slot_offered``: the delivery on_init carries is one of the slots on_select offered;
- ``slot_kept``: on_init, on_confirm and every later callback show that delivery with the
  slot's time range, unchanged.

An on_select offering no slot leaves the order unjudged by them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import timedelta
from typing import Any

import schemas
from adapter.core.context_rules import parse_duration
from adapter.sandbox.flowcheck import Violation

__all__ = ["check_delivery_slots"]


def _order(body: Mapping[str, Any]) -> Mapping[str, Any]:
    return (body.get("message") or {}).get("order") or {}


def _window(fulfillment: Mapping[str, Any]) -> Mapping[str, Any] | None:
    window = ((fulfillment.get("end") or {}).get("time") or {}).get("range")
    return window if isinstance(window, Mapping) else None


def _slots(order: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """on_select's delivery slots by fulfilment id: its Delivery fulfilments with a time
    range, when it offers more than one fulfilment."""
    fulfillments = order.get("fulfillments") or []
    if len(fulfillments) < 2:
        return {}
    return {
        str(f.get("id")): f
        for f in fulfillments
        if f.get("type", "Delivery") == "Delivery" and _window(f) is not None
    }


def _offer_problems(key: str, body: Mapping[str, Any]) -> Iterator[Violation]:
    stamped = schemas.parse_timestamp(str((body.get("context") or {}).get("timestamp")))
    for index, fulfillment in enumerate(_order(body).get("fulfillments") or []):
        window = _window(fulfillment)
        if fulfillment.get("type", "Delivery") != "Delivery" or window is None:
            continue
        where = f"$.message.order.fulfillments[{index}]"
        try:
            start = schemas.parse_timestamp(str(window.get("start")))
            end = schemas.parse_timestamp(str(window.get("end")))
        except ValueError:
            yield Violation("slot_open", key, f"{where}.end.time.range", f"{window} unreadable")
            continue
        if not stamped < start < end:
            yield Violation(
                "slot_open", key, f"{where}.end.time.range",
                f"slot {start.isoformat()} to {end.isoformat()} offered at "
                f"{stamped.isoformat()}: a slot must start after the offer and end after it "
                "starts",
            )  # fmt: skip
            continue
        tat = fulfillment.get("@ondc/org/TAT")
        try:
            given = parse_duration(str(tat))
        except ValueError:
            given = None
        if given is None or not timedelta(0) <= (end - stamped) - given < timedelta(minutes=1):
            yield Violation(
                "slot_tat", key, f"{where}['@ondc/org/TAT']",
                f"{tat!r}, the slot ends {end - stamped} after the on_select",
            )  # fmt: skip


def check_delivery_slots(
    steps: Sequence[tuple[str, Mapping[str, Any]]],
) -> Iterator[Violation]:
    """The slotted-delivery rules the ordered ``steps`` of one transaction break."""
    offered: dict[str, Mapping[str, Any]] = {}
    chosen: str | None = None
    for key, body in steps:
        action = str((body.get("context") or {}).get("action", ""))
        order = _order(body)
        if action == "on_select":
            offered = _slots(order)
            chosen = None
            if offered:
                yield from _offer_problems(key, body)
            continue
        if not offered or not action.startswith("on_") or not order.get("fulfillments"):
            continue
        deliveries = [
            (i, f)
            for i, f in enumerate(order["fulfillments"])
            if f.get("type", "Delivery") == "Delivery"
        ]
        if action == "on_init":
            index, delivery = deliveries[0] if deliveries else (0, {})
            if str(delivery.get("id")) not in offered:
                yield Violation(
                    "slot_offered", key, f"$.message.order.fulfillments[{index}].id",
                    f"{delivery.get('id')!r} is none of on_select's slots {sorted(offered)}",
                )  # fmt: skip
                continue
            chosen = str(delivery.get("id"))
        if chosen is None:
            continue
        slot = _window(offered[chosen])
        for index, delivery in deliveries:
            if str(delivery.get("id")) != chosen:
                continue
            shown = _window(delivery)
            if shown is None or dict(shown) != dict(slot or {}):
                yield Violation(
                    "slot_kept", key, f"$.message.order.fulfillments[{index}].end.time.range",
                    f"{dict(shown) if shown else None}, the slot chosen is {dict(slot or {})}",
                )  # fmt: skip
