"""The sandbox buyer app's retail 1.2.5 requests about a confirmed order, beside 1.2.0's
(:mod:`adapter.sandbox.flows`): a change of the delivery's end (buyer instructions, a new
address), a cancel asked or forced (ONDC retail 1.2.5, ``descriptor.tags[code=params]``)
and a return request withdrawn (a cancel naming the ``Return`` fulfilment)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

__all__ = [
    "INSTRUCTIONS",
    "NEW_ADDRESS",
    "delivery_update_message",
    "force_cancel_message",
    "withdraw_return_message",
]

NEW_ADDRESS: Final = {
    "location": {
        "gps": "31.077100,77.171900",
        "address": {
            "name": "Asha Verma",
            "building": "4 Summer Hill Road",
            "locality": "Summer Hill",
            "city": "Shimla",
            "state": "Himachal Pradesh",
            "country": "IND",
            "area_code": "171005",
        },
    },
    "contact": {"phone": "9876543210", "email": "asha@example.in"},
}
"""Where the buyer of the demo has the goods sent instead (Shimla, Summer Hill)."""

INSTRUCTIONS: Final = {
    "instructions": {
        "name": "Delivery instructions",
        "short_desc": "Leave it with the guard at the gate if nobody answers",
    }
}
"""What the buyer of the demo tells the courier."""


def delivery_update_message(order_id: str, end: Mapping[str, Any]) -> dict[str, Any]:
    """The buyer app's ``update`` (retail 1.2.5, ``update_target`` fulfillment) changing the
    buyer's end of delivery ``1``: ``end`` holds instructions or a new location."""
    return {
        "update_target": "fulfillment",
        "order": {"id": order_id, "fulfillments": [{"id": "1", "type": "Delivery", "end": end}]},
    }


def force_cancel_message(
    order_id: str, *, force: bool, reason: str = "052", ttl_response: str = "PT1H"
) -> dict[str, Any]:
    """The buyer app's ``cancel`` of a late order (reason 052, not delivered in time):
    asking (``force`` no, the seller to answer within ``ttl_response``) or insisting (which
    the seller takes only once the first ask's ``ttl_response`` has lapsed)."""
    params = [
        {"code": "force", "value": "yes" if force else "no"},
        {"code": "ttl_response", "value": ttl_response},
    ]
    return {
        "order_id": order_id,
        "cancellation_reason_id": reason,
        "descriptor": {
            "name": "fulfillment",
            "short_desc": "1",
            "tags": [{"code": "params", "list": params}],
        },
    }


def withdraw_return_message(order_id: str, return_id: str) -> dict[str, Any]:
    """The buyer app's ``/cancel`` withdrawing return ``return_id`` of ``order_id`` (ONDC
    retail 1.2.5: ``descriptor.name`` fulfillment, ``short_desc`` the return's id; reason
    001, as in Pramaan's ``Cancel_Return_Request_Flow``)."""
    return {
        "order_id": order_id,
        "cancellation_reason_id": "001",
        "descriptor": {"name": "fulfillment", "short_desc": return_id},
    }
