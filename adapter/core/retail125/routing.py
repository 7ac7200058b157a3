"""How a 1.2.5 delivery travels, and the fulfilment states each way allows (pure).

ONDC retail 1.2.5 has the seller app name the route of the delivery fulfilment in
``/on_confirm`` (``fulfillments[].tags[code=routing]``, ``type`` ``P2P`` or ``P2H2P``) and
keep it in every later callback. The route decides which delivery states the order may pass
through: a point-to-point courier (P2P, hyperlocal) is at the pick-up and at the buyer's
door (``At-pickup``, ``At-delivery``) in one leg, a parcel network (P2H2P: point to hub to
point, intercity) carries the goods between hubs and out for delivery (``In-transit``,
``At-destination-hub``, ``Out-for-delivery``), and may fail a pick-up or a delivery.
Handicrafts from the hills ship to buyers in other cities, so most of our orders are P2H2P;
a delivery inside the seller's own city is P2P.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Final

__all__ = [
    "ROUTING_STATES",
    "Routing",
    "route_for",
    "routing_of",
    "routing_tag",
]


class Routing(StrEnum):
    """The ways a delivery travels (ONDC retail 1.2.5, on_confirm routing tag)."""

    P2P = "P2P"
    P2H2P = "P2H2P"


_CLOSING: Final = frozenset({"Cancelled", "RTO-Initiated", "RTO-Delivered", "RTO-Disposed"})
_EITHER: Final = frozenset({"Pending", "Packed", "Agent-assigned", "Order-picked-up",
                            "Order-delivered"})  # fmt: skip

ROUTING_STATES: Final[Mapping[Routing, frozenset[str]]] = MappingProxyType(
    {
        Routing.P2P: _EITHER | _CLOSING | {"At-pickup", "At-delivery"},
        Routing.P2H2P: _EITHER
        | _CLOSING
        | {"Out-for-pickup", "Pickup-failed", "In-transit", "At-destination-hub",
           "Out-for-delivery", "Delivery-failed"},
    }
)  # fmt: skip
"""Routing -> the delivery fulfilment states an order on that route may take (ONDC retail
1.2.5, as ONDC's log validator holds them: a P2P order passes Pending, Packed,
Order-picked-up and Order-delivered and may pass Agent-assigned, At-pickup and At-delivery;
a P2H2P order passes Pending, Packed, Order-picked-up, In-transit, At-destination-hub,
Out-for-delivery and Order-delivered and may pass Agent-assigned, Out-for-pickup,
Pickup-failed and Delivery-failed; each route forbids the other's own legs). Cancellation
and return-to-origin states are open to both."""


def routing_tag(routing: Routing) -> dict[str, Any]:
    """The fulfilment tag naming ``routing``, as 1.2.5 writes it."""
    return {"code": "routing", "list": [{"code": "type", "value": str(routing)}]}


def routing_of(fulfillment: Mapping[str, Any]) -> Routing | None:
    """The routing a fulfilment's tags name, or None (a 1.2.0 order before pick-up)."""
    for tag in fulfillment.get("tags") or []:
        if isinstance(tag, Mapping) and tag.get("code") == "routing":
            for entry in tag.get("list") or []:
                if entry.get("code") == "type" and entry.get("value") in set(Routing):
                    return Routing(entry["value"])
    return None


def route_for(*, kind: str, buyer_city: str | None, seller_std_code: str | None) -> Routing | None:
    """The routing of a new order: none for a buyer collecting at the store; P2P for a
    delivery within the seller's own city (the request's ``context.city`` is the seller's
    ``std:`` code); P2H2P for every delivery leaving it."""
    if kind != "Delivery":
        return None
    if buyer_city and seller_std_code and buyer_city == f"std:{seller_std_code}":
        return Routing.P2P
    return Routing.P2H2P
