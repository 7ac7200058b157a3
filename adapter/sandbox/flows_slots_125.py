"""Pramaan's ``Slotted_Delivery_Flow`` (retail 1.2.5, WORKBENCH and MANDATORY in RET10) as
the demo plays it: Kangra tea delivered in Dharamshala in an hour the buyer chose.

The Kangra seller delivers in hourly slots (09:00 to 20:00 IST, the next four offered, six
orders a slot at most), set through the seller API for the flow only and stopped
afterwards, so the on_select of every other flow is as it was. The buyer's ``select`` names
no fulfilment type; its on_select offers the slots (``S1`` ... ``S4``, each a Delivery with
its ``end.time.range``) and the store pick-up; the buyer app chooses a slot by id in its init
(:data:`CHOSEN`); the order is confirmed and delivered within the city (P2P), every
callback keeping the slot.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from types import MappingProxyType
from typing import Any, Final

from adapter.sandbox.flows import FlowPlayer, confirm_message, delivery_legs, shipping_papers

__all__ = [
    "CHOSEN",
    "DEMO_SLOTS",
    "SLOT_FLOW",
    "SLOT_FLOWS",
    "delivering_in_slots",
    "play_slotted_delivery",
]

SLOT_FLOW: Final = "Slotted_Delivery_Flow"
"""Pramaan's flow id."""

DEMO_SLOTS: Final = {"minutes": 60, "hours": "0900-2000", "offered": 4, "orders_per_slot": 6}
"""The demo's Kangra store's slots (seller API ``PUT /seller/v1/delivery-slots``)."""

CHOSEN: Final = 0
"""Which of the offered slots the demo's buyer chooses: the first, the one on_select quoted.
Pramaan's example chooses its second (``F2``), which the adapter serves the same way
(``tests/orders/test_delivery_slots_125.py``); ONDC's log-validation-utility (c3d10fe) holds
every init to the fulfilment on_select's items name (``item_FFErr``, ``ffID``) and on_init's
quote to on_select's (``quoteErr``), so a later slot fails its flow 003 on those generic
rules (docs/validating-logs.md)."""


@asynccontextmanager
async def delivering_in_slots(p: FlowPlayer) -> AsyncIterator[dict[str, Any]]:
    """The player's seller delivers in :data:`DEMO_SLOTS` while the block runs (the
    seller API's answer: the next slots open), and in no slots after."""
    shown = await p.seller_json("PUT", "delivery-slots", dict(DEMO_SLOTS))
    try:
        yield shown
    finally:
        await p.seller_json("DELETE", "delivery-slots", None)


async def play_slotted_delivery(
    p: FlowPlayer, entry: dict[str, Any], item: dict[str, Any]
) -> dict[str, Any]:
    """``item`` ordered for delivery in the second slot on_select offers, delivered."""
    steps: dict[str, Any] = {}
    tx, domain = str(uuid.uuid4()), item["domain"]
    async with delivering_in_slots(p):
        steps["select"], steps["on_select_slotted_delivery"] = await p.call(
            "select", p.cart_for(entry, item, 1), transaction_id=tx, domain=domain
        )
        offered = steps["on_select_slotted_delivery"]["message"]["order"]["fulfillments"]
        slots = [f for f in offered if f.get("type") == "Delivery" and "end" in f]
        if len(slots) < 2:
            raise RuntimeError(f"on_select offered {[f.get('id') for f in offered]}, not slots")
        chosen = slots[CHOSEN]["id"]
        init = p.init_for(steps["on_select_slotted_delivery"])
        for line in init["order"]["items"]:
            line["fulfillment_id"] = chosen
        init["order"]["fulfillments"][0] |= {"id": chosen, "type": "Delivery"}
        steps["init_slotted_delivery"], steps["on_init_slotted_delivery"] = await p.call(
            "init", init, transaction_id=tx, domain=domain
        )
        if "error" in steps["on_init_slotted_delivery"]:
            raise RuntimeError(f"slot refused: {steps['on_init_slotted_delivery']['error']}")
    order_id = f"ODOP{uuid.uuid4().hex[:10].upper()}"
    steps["confirm"], steps["on_confirm"] = await p.call(
        "confirm",
        confirm_message(steps["on_init_slotted_delivery"], order_id),
        transaction_id=tx,
        domain=domain,
    )
    if "error" in steps["on_confirm"]:
        raise RuntimeError(f"on_confirm: {steps['on_confirm']['error']}")
    steps["on_status_accepted"] = await p.unsolicited(tx, "on_status")
    for action, step in delivery_legs("P2P"):  # within the city: picked up, delivered
        body = shipping_papers(order_id) if action == "ship" else None
        steps[step] = await p.seller_step(order_id, action, tx, body)
    return steps


SLOT_FLOWS: Final[
    Mapping[str, Callable[[FlowPlayer, dict[str, Any], dict[str, Any]], Awaitable[dict[str, Any]]]]
] = MappingProxyType({SLOT_FLOW: play_slotted_delivery})
"""Pramaan flow id -> the function that plays it."""
