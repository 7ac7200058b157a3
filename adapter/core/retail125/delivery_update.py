"""The buyer's changes to a delivery under way (ONDC retail 1.2.5, Pramaan's
``Buyer_Instructions_And_Delivery_Update_Flow``, mandatory for RET12). Pure.

A buyer app sends ``/update`` with ``update_target`` ``fulfillment`` and the order's
delivery fulfilment (its id, ``type`` Delivery) carrying what changes at the buyer's end:

- **buyer instructions** (``end.instructions``: ``name``, ``short_desc``, ``long_desc``...,
  e.g. "leave it with the neighbour"), taken until the goods are delivered;
- **a new delivery address** (``end.location`` with its ``gps`` and ``address``, and the
  ``end.contact``/``end.person`` that go with it), taken until the goods are picked up and
  only where the seller's location delivers (30009 otherwise, as at select).

The ``/on_update`` shows the delivery with the change (ONDC's validator compares it with the
request); the order's state, quote and time windows are as they were.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Final

import schemas
from adapter.core.order_updates import UpdateRefused
from adapter.core.orders import Change, OrderRow

__all__ = ["ADDRESS_UNTIL", "INSTRUCTIONS_UNTIL", "update_delivery"]

ADDRESS_UNTIL: Final = frozenset({"Pending", "Packed", "Agent-assigned", "Out-for-pickup",
                                   "At-pickup", "Pickup-failed"})  # fmt: skip
"""Delivery states in which the buyer may still change the address: not yet picked up."""

INSTRUCTIONS_UNTIL: Final = ADDRESS_UNTIL | {"Order-picked-up", "In-transit",
                                             "At-destination-hub", "Out-for-delivery",
                                             "At-delivery", "Delivery-failed"}  # fmt: skip
"""Delivery states in which the buyer may still give instructions: not yet delivered."""

_ADDRESS_PARTS: Final = ("location", "contact", "person")


def update_delivery(
    row: OrderRow,
    fulfillment: schemas.Fulfillment | None,
    *,
    now: datetime,
    serves: Callable[[str | None, str | None], bool],
) -> Change:
    """Apply the buyer's instructions or new address (``fulfillment.end``) to the order's
    delivery; ``serves(gps, area_code)`` says whether the seller delivers there. Raises
    :class:`~adapter.core.order_updates.UpdateRefused` naming the field."""
    delivery_index, delivery = next(
        ((i, f) for i, f in enumerate(row.document.get("fulfillments", []))
         if f.get("type") == "Delivery"),
        (None, None),
    )  # fmt: skip
    if delivery_index is None or delivery is None:
        raise UpdateRefused("50002", f"order {row.order_id} has no delivery to update")
    if fulfillment is None or fulfillment.id != delivery.get("id"):
        raise UpdateRefused(
            "30000",
            f"message.order.fulfillments[0].id must be the delivery's ({delivery.get('id')})",
        )
    end = fulfillment.end
    changes = (
        end.model_dump(mode="json", by_alias=True, exclude_none=True) if end is not None else {}
    )
    wanted = {key: changes[key] for key in ("instructions", *_ADDRESS_PARTS) if key in changes}
    if not wanted:
        raise UpdateRefused(
            "30000",
            "message.order.fulfillments[0].end: instructions or a new location is required",
        )
    state = row.fulfillment_state or ""
    if row.state not in ("Accepted", "In-progress", "Created") or state not in (INSTRUCTIONS_UNTIL):
        raise UpdateRefused("50002", f"order {row.order_id} is {row.state}: nothing to update")
    moves_address = any(key in wanted for key in _ADDRESS_PARTS)
    if moves_address:
        if state not in ADDRESS_UNTIL:
            raise UpdateRefused(
                "50002",
                f"message.order.fulfillments[0].end.location: the goods were picked up "
                f"({state}); the address can no longer change",
            )
        location = wanted.get("location", {})
        gps, area = location.get("gps"), location.get("address", {}).get("area_code")
        if "location" in wanted and (not gps or not area):
            raise UpdateRefused(
                "30000",
                "message.order.fulfillments[0].end.location needs gps and address.area_code",
            )
        if "location" in wanted and not serves(gps, area):
            raise UpdateRefused(
                "30009",
                f"message.order.fulfillments[0].end.location: delivery to {area} is not "
                "serviceable from the seller's location",
            )
    document = dict(row.document)
    fulfillments = [dict(f) for f in document["fulfillments"]]
    changed = dict(fulfillments[delivery_index])
    # What the buyer did not send stays (the delivery window, for one).
    changed["end"] = {**changed.get("end", {}), **wanted}
    fulfillments[delivery_index] = changed
    document["fulfillments"] = fulfillments
    document["updated_at"] = schemas.format_timestamp(now)
    return Change(
        row.state or "",
        row.fulfillment_state or "",
        document,
        detail={"delivery_update": sorted(wanted)},
    )
