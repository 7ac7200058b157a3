"""Pramaan's retail 1.2.5 ``Buyer_Delivery_Flow`` (WORKBENCH, MANDATORY in RET10), played by
the demo's buyer app beside :mod:`adapter.sandbox.flows_125`: the buyer app's own courier
carries the goods.

The cart asks for a ``Buyer-Delivery`` (quoted with the package's weight and size, no
delivery charge); init and confirm choose it; the seller accepts, packs and says the goods
are ready for the courier (``on_status_ready_to_ship``) through the seller API; then the
buyer app reports its courier's pick-up (with the package it measured) and delivery with
``/update`` (``update_picked_up``, ``update_delivered``), each answered by ``/on_update``.
The steps carry the names of Pramaan's flow; the answers to the updates, which Pramaan's
flow leaves out, are ``on_update_picked_up`` and ``on_update_delivered``.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any, Final

import schemas
from adapter.sandbox.flows import FlowPlayer, confirm_message

__all__ = ["BUYER_DELIVERY_FLOWS", "MEASURED", "buyer_update_message", "play_buyer_delivery"]

MEASURED: Final = {"weight": "0.6", "length": "20", "breadth": "12", "height": "8.5"}
"""The package the demo's courier weighs and measures at pick-up (the Kangra store quotes
0.55 kg and 20 x 12 x 8 cm for a pack of tea): a little heavier and taller, as packed."""

_UNITS: Final = {"weight": "kilogram", "length": "centimeter", "breadth": "centimeter",
                 "height": "centimeter"}  # fmt: skip
_AGENT: Final = {"name": "Ramesh Kumar", "phone": "9816000001"}


def buyer_update_message(
    order_id: str,
    fulfillment_id: str,
    state: str,
    at: datetime,
    *,
    measured: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The buyer app's ``/update`` message saying its courier reached ``state``
    (``Order-picked-up`` or ``Order-delivered``) at ``at``, with the courier's details and,
    at pick-up, the package it ``measured`` (ONDC retail 1.2.5 ``update_state``,
    ``update_fulfillment_time``, ``update_agent_details``, ``bnp_diff_*``)."""
    tags: list[dict[str, Any]] = [
        {"code": "update_state", "list": [{"code": "state", "value": state}]},
        {
            "code": "update_fulfillment_time",
            "list": [
                {"code": "state", "value": state},
                {"code": "timestamp", "value": schemas.format_timestamp(at)},
            ],
        },
        {
            "code": "update_agent_details",
            "list": [{"code": key, "value": value} for key, value in _AGENT.items()],
        },
    ]
    for code, value in (measured or {}).items():
        tags.append(
            {
                "code": f"bnp_diff_{code}",
                "list": [
                    {"code": "unit", "value": _UNITS[code]},
                    {"code": "value", "value": value},
                ],
            }
        )
    return {
        "update_target": "fulfillment",
        "order": {"id": order_id, "fulfillments": [{"id": fulfillment_id, "tags": tags}]},
    }


async def play_buyer_delivery(
    p: FlowPlayer, entry: dict[str, Any], item: dict[str, Any]
) -> dict[str, Any]:
    """``item`` carried by the buyer app's own courier, from the cart to the buyer's door."""
    steps: dict[str, Any] = {}
    tx, domain = str(uuid.uuid4()), item["domain"]
    ask = p.cart_for(entry, item, 1)
    for fulfillment in ask["order"]["fulfillments"]:
        fulfillment["type"] = "Buyer-Delivery"
    steps["select"], steps["on_select_buyer_delivery"] = await p.call(
        "select", ask, transaction_id=tx, domain=domain
    )
    if "error" in steps["on_select_buyer_delivery"]:
        raise RuntimeError(f"buyer delivery refused: {steps['on_select_buyer_delivery']['error']}")
    init = p.init_for(steps["on_select_buyer_delivery"])
    init["order"]["fulfillments"][0]["type"] = "Buyer-Delivery"
    steps["init_buyer_delivery"], steps["on_init_buyer_delivery"] = await p.call(
        "init", init, transaction_id=tx, domain=domain
    )
    order_id = f"ODOP{uuid.uuid4().hex[:10].upper()}"
    steps["confirm"], steps["on_confirm"] = await p.call(
        "confirm",
        confirm_message(steps["on_init_buyer_delivery"], order_id),
        transaction_id=tx,
        domain=domain,
    )
    steps["on_status_accepted"] = await p.unsolicited(tx, "on_status")
    for action, step in (
        ("pack", "on_status_packed"),
        ("ready_to_ship", "on_status_ready_to_ship"),
    ):
        steps[step] = await p.seller_step(order_id, action, tx)
    fulfillment_id = steps["on_confirm"]["message"]["order"]["fulfillments"][0]["id"]
    before = "on_status_ready_to_ship"
    for state, name, measured in (
        ("Order-picked-up", "picked_up", MEASURED),
        ("Order-delivered", "delivered", None),
    ):
        # The courier reports as soon as it can: when the last callback said where it was.
        at = schemas.parse_timestamp(steps[before]["context"]["timestamp"])
        before = f"on_update_{name}"
        message = buyer_update_message(order_id, fulfillment_id, state, at, measured=measured)
        steps[f"update_{name}"], steps[f"on_update_{name}"] = await p.call(
            "update", message, transaction_id=tx, domain=domain
        )
        shown = steps[f"on_update_{name}"]
        if "error" in shown:
            raise RuntimeError(f"update_{name} refused: {shown['error']}")
    return steps


BUYER_DELIVERY_FLOWS: Final[
    Mapping[str, Callable[[FlowPlayer, dict[str, Any], dict[str, Any]], Awaitable[dict[str, Any]]]]
] = MappingProxyType({"Buyer_Delivery_Flow": play_buyer_delivery})
"""Pramaan flow id -> the function that plays it."""
