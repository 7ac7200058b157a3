"""Replacement of a delivered piece (ONDC retail 1.2.5, Pramaan's ``Replacement_Flow``). Pure.

A buyer app asks for a replacement the way it asks for a return: an ``/update`` with a
``Return`` fulfilment whose ``return_request`` tag group says ``replace`` ``yes``. The return
goes the usual way (``Return_Initiated``, the seller approves, reverse QC at the buyer's
door, ``Return_Picked``, ``Return_Delivered``) but nobody is refunded: when the piece is
picked up, the seller sends another in its place on a second ``Delivery`` fulfilment,
announced in the same ``/on_update``:

- the ``Return`` fulfilment keeps the buyer's ``return_request`` (``replace`` ``yes``) and
  gains a ``replace_request`` group naming the new delivery's id;
- the new ``Delivery`` fulfilment starts ``Pending``, from the seller's store to the buyer's
  address of the order, with the order's TAT and routing;
- the order stays ``Completed`` and its quote unchanged.

The seller then moves the replacement delivery (packed, picked up, the hub legs of a P2H2P
order, out for delivery, delivered), each move told with an unasked ``/on_status``. The
piece that comes back takes, on the shelf, the place of the one sent in its stead, so
neither moves the stock.

A replacement agreed in a grievance (IGM ``REPLACEMENT`` resolution, on a 1.2.0 or 1.2.5
order; :mod:`adapter.igm.remedies`) is the same return and the same second delivery, sent
at once (:func:`send_at_once`) with the approval that carries out the resolution, as
Pramaan's ``on_update_igm_replacement`` shows it, rather than at the pick-up.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final

import schemas
from adapter.core.orders import (
    CLASSIC_STATES,
    INTERNAL,
    Change,
    IllegalTransition,
    OrderRow,
    keep_return,
    next_state,
    parse_duration,
)

__all__ = [
    "REPLACEMENT_EVENTS",
    "RETURN_REQUEST_CODE",
    "asks_replacement",
    "open_replacement",
    "replacement_event",
    "replacement_id",
    "send_at_once",
]

RETURN_REQUEST_CODE: Final = "replace"
"""The ``return_request`` code by which a buyer app asks for a replacement (ONDC retail
1.2.5: ``yes`` or ``no``)."""

REPLACEMENT_EVENTS: Final = (
    "pack", "agent_assigned", "out_for_pickup", "at_pickup", "pickup_failed", "ship",
    "in_transit", "at_destination_hub", "out_for_delivery", "at_delivery", "delivery_failed",
    "deliver",
)  # fmt: skip
"""What the seller (or its courier) reports of a replacement delivery, in the order it
usually happens; the order's routing says which of the courier's legs apply."""

_COPIED: Final = ("type", "@ondc/org/provider_name", "@ondc/org/TAT", "@ondc/org/category",
                  "tracking")  # fmt: skip
_TYPE_ITEM: Final = [{"code": "type", "list": [{"code": "type", "value": "item"}]}]


def asks_replacement(asked: Mapping[str, str | None]) -> bool:
    """Whether a ``return_request`` (code -> value) asks for a replacement, not a refund."""
    return (asked.get(RETURN_REQUEST_CODE) or "").strip().lower() == "yes"


def replacement_id(return_id: str) -> str:
    """The id of the delivery that replaces the pieces of return ``return_id``."""
    return f"{return_id}-RP"


def _ends(side: Mapping[str, Any]) -> dict[str, Any]:
    """An end of the original delivery without its times (the replacement has its own)."""
    return {key: value for key, value in side.items() if key in ("location", "contact", "person")}


def open_replacement(
    document: dict[str, Any],
    fulfillments: list[dict[str, Any]],
    the_return: dict[str, Any],
    entry: Mapping[str, Any],
    *,
    return_id: str,
    now: datetime,
) -> str:
    """At ``Return_Picked`` of a return asking for a replacement: a second ``Delivery``
    fulfilment (``Pending``, the order's ends, TAT and routing; its time windows open now
    and close a TAT later) carrying the same pieces, named by a ``replace_request`` group on
    the return. ``fulfillments`` (the document's, copied) and ``the_return`` (one of them)
    are changed in place and the new line added to ``document``; returns the new id."""
    delivery = next(f for f in fulfillments if f.get("type") == "Delivery")
    new_id = replacement_id(return_id)
    stamp = schemas.format_timestamp(now)
    try:
        closes = schemas.format_timestamp(now + parse_duration(delivery.get("@ondc/org/TAT", "")))
    except ValueError:
        closes = stamp
    window = {"range": {"start": stamp, "end": closes}}
    replacement: dict[str, Any] = {key: delivery[key] for key in _COPIED if key in delivery}
    replacement.update(
        {
            "id": new_id,
            "state": {"descriptor": {"code": "Pending"}},
            "start": {**_ends(delivery.get("start", {})), "time": window},
            "end": {**_ends(delivery.get("end", {})), "time": window},
        }
    )
    routing = [dict(t) for t in delivery.get("tags") or [] if t.get("code") == "routing"]
    if routing:
        replacement["tags"] = routing
    fulfillments.append(replacement)
    the_return["tags"] = [
        *the_return.get("tags", []),
        {"code": "replace_request", "list": [{"code": "id", "value": new_id}]},
    ]
    document["items"] = [
        *document["items"],
        {
            "id": entry["item"],
            "fulfillment_id": new_id,
            "quantity": {"count": int(entry["quantity"])},
            "tags": _TYPE_ITEM,
        },
    ]
    return new_id


def send_at_once(change: Change, return_id: str, *, now: datetime) -> Change:
    """``change`` (return ``return_id`` asking ``replace`` ``yes``, just approved) with its
    replacement delivery opened now rather than at the pick-up (a replacement the seller
    agreed to in a grievance); the pick-up then opens no other and refunds nothing."""
    document = dict(change.document)
    fulfillments = [dict(f) for f in document["fulfillments"]]
    the_return = next(f for f in fulfillments if f.get("id") == return_id)
    internal = dict(document.get(INTERNAL, {}))
    returns = dict(internal.get("returns", {}))
    entry = returns[return_id]
    new_id = open_replacement(
        document, fulfillments, the_return, entry, return_id=return_id, now=now
    )
    document["fulfillments"] = fulfillments
    returns[return_id] = {**entry, "replacement": {"id": new_id, "state": "Pending"}}
    internal["returns"] = returns
    document[INTERNAL] = internal
    return dataclasses.replace(change, document=document)


def replacement_event(
    row: OrderRow,
    return_id: str,
    event: str,
    *,
    now: datetime,
    states: frozenset[str] = CLASSIC_STATES,
    tracking_url: str | None = None,
) -> Change:
    """The seller's ``event`` on the replacement delivery of return ``return_id``, among the
    delivery ``states`` the order's routing allows; the order itself stays as it is. Raises
    :class:`LookupError` when the return has no replacement and
    :class:`~adapter.core.orders.IllegalTransition` when its state forbids ``event``."""
    returns = row.document.get(INTERNAL, {}).get("returns", {})
    entry = returns.get(return_id)
    replacing = entry.get("replacement") if entry else None
    if not replacing:
        raise LookupError(
            f"order {row.order_id} has no replacement for return {return_id}"
            + ("" if entry is None else f" (it is {entry['state']}; one is sent once picked)")
        )
    current = str(replacing["state"])
    if event not in REPLACEMENT_EVENTS:
        raise IllegalTransition(f"{event} replacement {replacing['id']}", "Completed", current, [])
    # The replacement moves as a new order's delivery would: its rules are the order's.
    as_order = "Accepted" if current == "Pending" else "In-progress"
    try:
        transition = next_state(event, as_order, current, states=states)
    except IllegalTransition as exc:
        allowed = [name for name in exc.allowed if name in REPLACEMENT_EVENTS]
        raise IllegalTransition(
            f"{event} replacement {replacing['id']}", "Completed", current, allowed
        ) from exc
    stamp = schemas.format_timestamp(now)
    document = dict(row.document)
    fulfillments = [dict(f) for f in document["fulfillments"]]
    moved = next(f for f in fulfillments if f.get("id") == replacing["id"])
    moved["state"] = {"descriptor": {"code": transition.fulfillment}}
    if event == "ship":
        moved["start"] = {**moved.get("start", {})}
        moved["start"]["time"] = {**moved["start"].get("time", {}), "timestamp": stamp}
        if tracking_url:
            moved["tracking"] = True
    if event == "deliver":
        moved["end"] = {**moved.get("end", {})}
        moved["end"]["time"] = {**moved["end"].get("time", {}), "timestamp": stamp}
    document["fulfillments"] = fulfillments
    replaced = {**entry, "replacement": {**replacing, "state": transition.fulfillment}}
    keep_return(document, return_id, replaced, stamp=stamp)
    return Change(
        row.state or "",
        row.fulfillment_state or "",
        document,
        detail={
            "return": return_id,
            "replacement": replacing["id"],
            "state": transition.fulfillment,
        },
    )
