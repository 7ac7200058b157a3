"""A replacement (pure): the piece a buyer sends back is swapped for a new one, shipped as
a second ``Delivery`` fulfilment of the same order.

ONDC retail 1.2.5 ``Replacement_Flow`` and Pramaan's ``on_update_igm_replacement`` (IGM
2.0.0 "rejection with escalation", RET12/RET16) write it so: the ``Return`` fulfilment's
``return_request`` tag group carries ``replace: yes`` and a ``replace_request`` tag group
names the new ``Delivery`` fulfilment, which then moves ``Pending`` -> ``Packed`` ->
``Order-picked-up`` -> ``Out-for-delivery`` -> ``Order-delivered`` (announced with
unsolicited ``on_status``, as the order's first delivery was). A replaced piece is not
refunded: the return leaves the quote as it is (``order_updates.return_event``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final

import schemas
from adapter.core.order_updates import UpdateRefused
from adapter.core.orders import INTERNAL, Change, IllegalTransition, OrderRow

__all__ = ["REPLACEMENT_STEPS", "open_replacement", "replacement_event", "replacement_id"]

REPLACEMENT_STEPS: Final[Mapping[str, tuple[str, str]]] = {
    "pack": ("Pending", "Packed"),
    "ship": ("Packed", "Order-picked-up"),
    "out_for_delivery": ("Order-picked-up", "Out-for-delivery"),
    "deliver": ("Out-for-delivery", "Order-delivered"),
}
"""Each seller step on a replacement: the state it moves from and to."""

# What the new delivery keeps of the order's first one: where from, where to, who carries.
_KEPT: Final = ("type", "@ondc/org/provider_name", "@ondc/org/category", "@ondc/org/TAT",
                "tracking", "tags")  # fmt: skip
_PLACE: Final = ("location", "contact", "person")


def replacement_id(return_id: str) -> str:
    """The new delivery's fulfilment id for return ``return_id`` (``R1`` -> ``FR1``, as
    the retail 1.2.5 examples name it)."""
    return f"F{return_id}"


def _place(part: Mapping[str, Any]) -> dict[str, Any]:
    return {k: part[k] for k in _PLACE if k in part}


def open_replacement(change: Change, return_id: str, *, now: datetime) -> Change:
    """``change`` (a return of the piece, approved) made a replacement: the return marked
    ``replace: yes`` and pointing at a new ``Pending`` delivery of the same item and
    quantity, from the store to the buyer as the first delivery went."""
    document = dict(change.document)
    internal = dict(document.get(INTERNAL, {}))
    returns = dict(internal.get("returns", {}))
    entry = returns.get(return_id)
    if entry is None:
        raise UpdateRefused("50007", f"order has no return {return_id}")
    new_id = replacement_id(return_id)
    first = next(f for f in document["fulfillments"] if f.get("type", "Delivery") == "Delivery")
    fulfillments = []
    for fulfillment in document["fulfillments"]:
        if fulfillment.get("id") == return_id:
            tags = []
            for group in fulfillment.get("tags", []):
                if group.get("code") == "return_request":
                    group = {**group, "list": [*group["list"], {"code": "replace", "value": "yes"}]}
                tags.append(group)
            tags.append({"code": "replace_request", "list": [{"code": "id", "value": new_id}]})
            fulfillment = {**fulfillment, "tags": tags}
        fulfillments.append(fulfillment)
    fulfillments.append(
        {
            "id": new_id,
            **{k: first[k] for k in _KEPT if k in first},
            "type": "Delivery",
            "state": {"descriptor": {"code": "Pending"}},
            "start": _place(first.get("start", {})),
            "end": _place(first.get("end", {})),
        }
    )
    document["fulfillments"] = fulfillments
    returns[return_id] = {**entry, "replace": new_id}
    internal["returns"] = returns
    internal["replacements"] = {
        **internal.get("replacements", {}),
        new_id: {
            "return": return_id,
            "item": entry["item"],
            "quantity": entry["quantity"],
            "state": "Pending",
        },
    }
    document[INTERNAL] = internal
    document["updated_at"] = schemas.format_timestamp(now)
    detail = {**(change.detail or {}), "replacement": new_id}
    return dataclasses.replace(change, document=document, detail=detail)


def replacement_event(row: OrderRow, fulfillment_id: str, step: str, *, now: datetime) -> Change:
    """The seller's ``step`` on replacement delivery ``fulfillment_id`` (pack, ship,
    out_for_delivery, deliver); :class:`UpdateRefused` 50007 for no such replacement,
    :class:`IllegalTransition` for a step out of order."""
    internal = row.document.get(INTERNAL, {})
    replacements = internal.get("replacements", {})
    entry = replacements.get(fulfillment_id)
    if entry is None:
        raise UpdateRefused("50007", f"order {row.order_id} has no replacement {fulfillment_id}")
    source, target = REPLACEMENT_STEPS[step]
    if entry["state"] != source:
        allowed = [name for name, (s, _) in REPLACEMENT_STEPS.items() if s == entry["state"]]
        raise IllegalTransition(f"{step} replacement", entry["state"], entry["state"], allowed)
    stamp = schemas.format_timestamp(now)
    document = dict(row.document)
    fulfillments = []
    for fulfillment in document["fulfillments"]:
        if fulfillment.get("id") == fulfillment_id:
            fulfillment = {**fulfillment, "state": {"descriptor": {"code": target}}}
            # The pick-up and the delivery are stamped when they happen.
            side = {"Order-picked-up": "start", "Order-delivered": "end"}.get(target)
            if side is not None:
                part = dict(fulfillment.get(side, {}))
                part["time"] = {**part.get("time", {}), "timestamp": stamp}
                fulfillment[side] = part
        fulfillments.append(fulfillment)
    document["fulfillments"] = fulfillments
    document[INTERNAL] = {
        **internal,
        "replacements": {**replacements, fulfillment_id: {**entry, "state": target}},
    }
    document["updated_at"] = stamp
    return Change(
        row.state or "",
        row.fulfillment_state or "",
        document,
        detail={"replacement": fulfillment_id, "state": target},
    )
