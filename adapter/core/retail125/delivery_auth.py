"""A delivery authorised by a code at the door (ONDC retail 1.2.5, feature 010 "update
delivery authorization", Pramaan's ``on_update_delivery_auth`` step). Pure.

The seller (or its courier) sets a one-time code on the delivery: ``end.authorization``
``{type: OTP, token, valid_from, valid_to}``, announced to the buyer app in an unsolicited
``/on_update`` (``update_target`` fulfillment), which shows it to the buyer. From then on the
delivery is only recorded with that code, given by the buyer at the door, before its
``valid_to``: a delivery without it, with another, or after it expired is refused (the
seller API answers 422 naming ``delivery_code``), and the order stays where it was. A new
code replaces the old one while the goods are on their way; once delivered, cancelled or
returned, nothing is authorised any more.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, Final

import schemas
from adapter.core.orders import Change, IllegalTransition, OrderRow

__all__ = ["AUTHORISABLE", "AUTH_TYPE", "authorisation_refusal", "authorise"]

AUTH_TYPE: Final = "OTP"
"""The ``authorization.type`` of a delivery code."""

AUTHORISABLE: Final = frozenset({"Pending", "Packed", "Agent-assigned", "Out-for-pickup",
                                 "At-pickup", "Pickup-failed", "Order-picked-up",
                                 "In-transit", "At-destination-hub", "Out-for-delivery",
                                 "At-delivery", "Delivery-failed"})  # fmt: skip
"""Delivery states in which a code may be set: the goods are not with the buyer yet."""


def _delivery_index(document: Mapping[str, Any]) -> int | None:
    for index, fulfillment in enumerate(document.get("fulfillments", [])):
        if fulfillment.get("type") == "Delivery":
            return index
    return None


def authorise(row: OrderRow, token: str, *, valid_for: timedelta, now: datetime) -> Change:
    """The order with ``token`` set as its delivery's code, valid from ``now`` for
    ``valid_for``; raises :class:`IllegalTransition` when the order has no delivery on its
    way."""
    index = _delivery_index(row.document)
    state = row.fulfillment_state or ""
    if index is None or row.state not in ("Accepted", "In-progress") or state not in AUTHORISABLE:
        raise IllegalTransition(
            "delivery_auth", row.state or "", state, ("a delivery not yet delivered",)
        )
    document = dict(row.document)
    fulfillments = [dict(f) for f in document["fulfillments"]]
    delivery = dict(fulfillments[index])
    delivery["end"] = {
        **delivery.get("end", {}),
        "authorization": {
            "type": AUTH_TYPE,
            "token": token,
            "valid_from": schemas.format_timestamp(now),
            "valid_to": schemas.format_timestamp(now + valid_for),
        },
    }
    fulfillments[index] = delivery
    document["fulfillments"] = fulfillments
    document["updated_at"] = schemas.format_timestamp(now)
    detail = {"valid_to": delivery["end"]["authorization"]["valid_to"]}
    return Change(row.state or "", state, document, detail=detail)


def authorisation_refusal(
    document: Mapping[str, Any], given: str | None, *, now: datetime
) -> str | None:
    """Why a delivery of the order ``document`` with the code ``given`` is refused (the
    message of a 422, naming the field), or None when it may be recorded: an order with a
    code needs that code, before it expires; an order without one needs none."""
    index = _delivery_index(document)
    wanted = (
        document["fulfillments"][index].get("end", {}).get("authorization")
        if index is not None
        else None
    )
    if not wanted:
        return None
    if given is None:
        return "delivery_code: this delivery is authorised by a code the buyer gives at the door"
    if not hmac.compare_digest(given.encode(), str(wanted.get("token", "")).encode()):
        return "delivery_code: not the code set for this delivery"
    if now > schemas.parse_timestamp(str(wanted["valid_to"])):
        return f"delivery_code: the code expired at {wanted['valid_to']}; set a new one"
    return None
