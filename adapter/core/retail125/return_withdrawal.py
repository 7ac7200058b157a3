"""A buyer withdrawing its return request (ONDC retail 1.2.5, Pramaan's
``Cancel_Return_Request_Flow``), pure.

The buyer app sends ``/cancel`` for the order with ``descriptor.name`` ``fulfillment`` and
``descriptor.short_desc`` the id of the ``Return`` fulfilment it asked for (a cancel naming
the delivery there, as a forced cancel does, is about the order). A return may be
withdrawn while nothing has moved: asked (``Return_Initiated``) or approved by the seller
(``Return_Approved``); once the courier has the piece (``Return_Picked`` on) or the seller
has refused it, it can no longer be withdrawn (50001). The order itself is not cancelled:
it stays as delivered, the piece with the buyer (the ``/on_cancel`` answering the request
says ``Cancelled``, as ONDC's example and the workbench's rule of every ``/on_cancel`` want:
the request is what it cancelled; ``/status`` shows the order as it is); the ``Return``
fulfilment becomes
``Cancelled`` with a ``cancel_request`` tag group (the reason, who asked) and a
``precancel_state`` group (the return's state before and when it entered it), and its item
line is taken out (nothing is on its way back). Nothing was refunded before the pick-up, so
the quote is unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final

import schemas
from adapter.core.order_book import Refusal
from adapter.core.orders import INTERNAL, Change, OrderRow, keep_return

__all__ = ["WITHDRAWABLE", "WITHDRAWN", "return_to_withdraw", "withdraw_return"]

WITHDRAWABLE: Final = frozenset({"Return_Initiated", "Return_Approved"})
"""The return states a buyer may withdraw from: nothing picked up, nothing refunded."""

WITHDRAWN: Final = "Cancelled"
"""The state of a withdrawn ``Return`` fulfilment (ONDC retail 1.2.5)."""

_FULFILLMENT: Final = "fulfillment"
_FORWARD: Final = frozenset({"Delivery", "Self-Pickup"})


def return_to_withdraw(
    descriptor: schemas.Descriptor | None, document: Mapping[str, Any]
) -> str | None:
    """The ``Return`` fulfilment id a ``/cancel`` withdraws: its ``descriptor.name`` is
    ``fulfillment`` and its ``short_desc`` names no fulfilment taking goods to the buyer of
    the order ``document`` (a cancel naming the delivery, as a forced cancel does, cancels
    the order); ``None`` for a cancel of the order."""
    if descriptor is None or descriptor.name != _FULFILLMENT or not descriptor.short_desc:
        return None
    forward = {
        str(f.get("id")) for f in document.get("fulfillments", []) if f.get("type") in _FORWARD
    }
    return None if descriptor.short_desc in forward else descriptor.short_desc


def withdraw_return(
    row: OrderRow, return_id: str, *, by: str, reason: str, now: datetime
) -> Change:
    """The order after the buyer app (``by``) withdrew return ``return_id`` for
    ``reason``; 50007 if the order has no such return, 50001 if it has moved on."""
    returns: Mapping[str, Any] = row.document.get(INTERNAL, {}).get("returns", {})
    entry = returns.get(return_id)
    if entry is None:
        raise Refusal(
            "50007", f"message.descriptor.short_desc: order {row.order_id} has no return "
            f"{return_id!r}",
        )  # fmt: skip
    before = str(entry["state"])
    if before not in WITHDRAWABLE:
        raise Refusal(
            "50001",
            f"return {return_id} is {before}: it can be withdrawn only before the pick-up "
            f"({' or '.join(sorted(WITHDRAWABLE))})",
        )
    stamp = schemas.format_timestamp(now)
    document = dict(row.document)
    fulfillments = [dict(f) for f in document["fulfillments"]]
    the_return = next(f for f in fulfillments if f.get("id") == return_id)
    since = entry.get("since") or document.get("updated_at") or stamp
    the_return["state"] = {"descriptor": {"code": WITHDRAWN}}
    the_return["tags"] = [
        *the_return.get("tags", []),
        {
            "code": "cancel_request",
            "list": [
                {"code": "reason_id", "value": reason},
                {"code": "initiated_by", "value": by},
            ],
        },
        {
            "code": "precancel_state",
            "list": [
                {"code": "fulfillment_state", "value": before},
                {"code": "updated_at", "value": since},
            ],
        },
    ]
    document["fulfillments"] = fulfillments
    document["items"] = [i for i in document["items"] if i.get("fulfillment_id") != return_id]
    keep_return(document, return_id, {**entry, "state": WITHDRAWN}, stamp=stamp)
    return Change(
        row.state or "",
        row.fulfillment_state or "",
        document,
        detail={"return": return_id, "state": WITHDRAWN, "reason": reason, "was": before},
    )
