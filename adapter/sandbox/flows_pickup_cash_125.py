"""Three retail 1.2.5 flows of Pramaan the demo plays beside :mod:`adapter.sandbox.flows_125`:
``Self_Pickup_Flow`` (MANDATORY in RET10: the buyer collects at the store),
``Multi_Option_Fulfillment_Flow`` (WORKBENCH, MANDATORY in RET10: the cart is offered the
delivery and the pick-up, the buyer chooses the pick-up in its init) and
``Cash_On_Delivery_Flow`` (PRAMAAN, OPTIONAL in RET10 and RET12: paid in cash at the door).
Each is the list of messages in the order sent, under the step names of Pramaan's flow
(``on_select_self_pickup``, ``on_confirm_cod`` ...), played over real HTTP, the seller's
steps taken through the seller API."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from types import MappingProxyType
from typing import Any, Final

from adapter.sandbox.cash_messages_125 import cash_confirm_message, cash_init_message
from adapter.sandbox.flows import (
    FlowPlayer,
    confirm_message,
    delivery_legs,
    delivery_routing,
    shipping_papers,
)

__all__ = ["EXTRA_FLOWS", "play_cash_on_delivery", "play_multi_option", "play_self_pickup"]


async def play_self_pickup(
    p: FlowPlayer, entry: dict[str, Any], item: dict[str, Any]
) -> dict[str, Any]:
    """The buyer collects ``item`` at the seller's store: the cart asks for a
    ``Self-Pickup`` (quoted Takeaway, nothing to deliver), the seller accepts and packs, and
    hands the goods over when the buyer comes (``Order-picked-up``, the order Completed)."""
    steps: dict[str, Any] = {}
    tx, domain = str(uuid.uuid4()), item["domain"]
    ask = p.cart_for(entry, item, 1)
    for fulfillment in ask["order"]["fulfillments"]:
        fulfillment["type"] = "Self-Pickup"
    steps["select"], steps["on_select_self_pickup"] = await p.call(
        "select", ask, transaction_id=tx, domain=domain
    )
    init = p.init_for(steps["on_select_self_pickup"])
    init["order"]["fulfillments"][0]["type"] = "Self-Pickup"
    return await _collected(p, steps, init, tx, domain, named="_self_pickup")


async def play_multi_option(
    p: FlowPlayer, entry: dict[str, Any], item: dict[str, Any]
) -> dict[str, Any]:
    """A cart naming no fulfilment type is offered every way the store hands ``item``
    over: the delivery (quoted) and the pick-up at the store (its own TAT, nothing to pay
    for it). The buyer app chooses the pick-up by its id in the init, which is quoted
    without the delivery; the seller packs and hands the goods over at the counter."""
    steps: dict[str, Any] = {}
    tx, domain = str(uuid.uuid4()), item["domain"]
    steps["select"], steps["on_select_multi_fulfillment"] = await p.call(
        "select", p.cart_for(entry, item, 1), transaction_id=tx, domain=domain
    )
    offered = steps["on_select_multi_fulfillment"]["message"]["order"]["fulfillments"]
    pickup = next((f for f in offered if f.get("type") == "Self-Pickup"), None)
    if len(offered) < 2 or pickup is None:
        raise RuntimeError(f"on_select offered {[f.get('type') for f in offered]}")
    init = p.init_for(steps["on_select_multi_fulfillment"])
    for line in init["order"]["items"]:
        line["fulfillment_id"] = pickup["id"]
    init["order"]["fulfillments"][0] |= {"id": pickup["id"], "type": "Self-Pickup"}
    return await _collected(
        p, steps, init, tx, domain, named="_multi_fulfillment", confirm="confirm_multi_fulfillment"
    )


async def _collected(
    p: FlowPlayer,
    steps: dict[str, Any],
    init: dict[str, Any],
    tx: str,
    domain: str,
    *,
    named: str,
    confirm: str = "confirm",
) -> dict[str, Any]:
    """``steps`` of a cart the buyer collects at the store, after its on_select: the
    ``init`` (step ``init<named>``), the confirm (step ``confirm``), the seller accepting,
    packing and handing the goods over."""
    steps[f"init{named}"], steps[f"on_init{named}"] = await p.call(
        "init", init, transaction_id=tx, domain=domain
    )
    order_id = f"ODOP{uuid.uuid4().hex[:10].upper()}"
    steps[confirm], steps["on_confirm"] = await p.call(
        "confirm",
        confirm_message(steps[f"on_init{named}"], order_id),
        transaction_id=tx,
        domain=domain,
    )
    steps["on_status_accepted"] = await p.unsolicited(tx, "on_status")
    steps["on_status_self_pick_packed"] = await p.seller_step(order_id, "pack", tx)
    steps["on_status_self_pick_picked"] = await p.seller_step(order_id, "hand_over", tx)
    return steps


async def play_cash_on_delivery(
    p: FlowPlayer, entry: dict[str, Any], item: dict[str, Any]
) -> dict[str, Any]:
    """``item`` paid in cash at the door: the init asks for ``ON-FULFILLMENT``, the confirm
    gives the buyer app's settlement account, the order travels NOT-PAID and is PAID at
    delivery, where the courier reports the cash collected."""
    steps: dict[str, Any] = {}
    tx, domain = str(uuid.uuid4()), item["domain"]
    steps["select"], steps["on_select"] = await p.call(
        "select", p.cart_for(entry, item, 1), transaction_id=tx, domain=domain
    )
    steps["init_cod"], steps["on_init_cod"] = await p.call(
        "init", cash_init_message_for(p, steps["on_select"]), transaction_id=tx, domain=domain
    )
    if "error" in steps["on_init_cod"]:
        raise RuntimeError(f"cash on delivery refused: {steps['on_init_cod']['error']}")
    order_id = f"ODOP{uuid.uuid4().hex[:10].upper()}"
    steps["confirm_cod"], steps["on_confirm_cod"] = await p.call(
        "confirm",
        cash_confirm_message(steps["on_init_cod"], order_id),
        transaction_id=tx,
        domain=domain,
    )
    steps["on_status_accepted"] = await p.unsolicited(tx, "on_status")
    on_confirm = steps["on_confirm_cod"]["message"]["order"]
    total = on_confirm["quote"]["price"]["value"]
    for action, step in delivery_legs(delivery_routing(on_confirm)):
        body: dict[str, Any] | None = shipping_papers(order_id) if action == "ship" else None
        if action == "deliver":  # the cash handed over at the door
            step, body = "on_status_order_delivered_cod", {"cash_collected": total}
        steps[step] = await p.seller_step(order_id, action, tx, body)
    paid = steps["on_status_order_delivered_cod"]["message"]["order"]["payment"]["status"]
    if paid != "PAID":
        raise RuntimeError(f"cash order delivered but its payment says {paid}")
    return steps


def cash_init_message_for(p: FlowPlayer, on_select: dict[str, Any]) -> dict[str, Any]:
    """The buyer app's cash ``init``, billed and delivered where ``p``'s buyer is."""
    message = p.init_for(on_select)
    message["order"]["payment"] = cash_init_message(on_select)["order"]["payment"]
    return message


EXTRA_FLOWS: Final[
    Mapping[str, Callable[[FlowPlayer, dict[str, Any], dict[str, Any]], Awaitable[dict[str, Any]]]]
] = MappingProxyType(
    {
        "Self_Pickup_Flow": play_self_pickup,
        "Multi_Option_Fulfillment_Flow": play_multi_option,
        "Cash_On_Delivery_Flow": play_cash_on_delivery,
    }
)
"""Pramaan flow id -> the function that plays it."""
