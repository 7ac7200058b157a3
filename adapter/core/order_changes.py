"""What a cancellation or a seller's event does to an order document (ONDC retail 1.2.0):
goods leaving the delivery for a ``Cancel`` or ``RTO`` fulfilment, the seller's events, and
the unsolicited callbacks that announce them. Pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

import schemas
from adapter.core.callbacks import Identity
from adapter.core.order_book import wire
from adapter.core.orders import (
    CLASSIC_STATES,
    INTERNAL,
    Change,
    OrderRow,
    forward_id,
    money,
    next_state,
)
from adapter.core.retail125.buyer_delivery import mark_ready
from adapter.core.retail125.cash_on_delivery import collected
from adapter.core.retail125.routing import ROUTING_STATES, routing_of
from adapter.core.retail125.text_input import add_ons_out

__all__ = [
    "CANCEL_FULFILLMENT_ID",
    "RTO_FULFILLMENT_ID",
    "after_event",
    "cancelled_document",
    "core_version_of",
    "delivery_states",
    "unsolicited",
]


def _since(row: OrderRow) -> str:
    """When the delivery entered its current state."""
    since = row.document.get(INTERNAL, {}).get("fulfillment_since")
    return str(since or row.document.get("updated_at", ""))


def _routing_tags(delivery: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The delivery's routing tag (ONDC retail 1.2.5 names it at confirm), which every
    later state of the delivery keeps."""
    return [dict(tag) for tag in delivery.get("tags") or [] if tag.get("code") == "routing"]


CANCEL_FULFILLMENT_ID: Final = "C1"
RTO_FULFILLMENT_ID: Final = "R1"


def _moved_lines(
    document: Mapping[str, Any], to: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The order's item lines left on the delivery with count 0, and the same lines (their
    counts) moved to fulfilment ``to``: how ONDC shows goods leaving a delivery."""
    emptied, moved = [], []
    forward = forward_id(document)
    for item in document.get("items", []):
        if item.get("fulfillment_id") != forward:
            continue
        count = item.get("quantity", {}).get("count", 0)
        emptied.append(
            {
                **item,
                "quantity": {"count": 0},
                "tags": [{"code": "type", "list": [{"code": "type", "value": "item"}]}],
            }
        )
        moved.append({"id": item["id"], "fulfillment_id": to, "quantity": {"count": count}})
    return emptied, moved


def _other_lines(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The order's item lines on other fulfilments than the delivery (a part cancel's, a
    return's): a cancellation or an RTO keeps them, so the lines still add up to what was
    ordered (ONDC's validator counts them against on_select)."""
    return [
        dict(item)
        for item in document.get("items", [])
        if item.get("fulfillment_id") != forward_id(document)
    ]


def cancelled_document(
    row: OrderRow, *, by: str, reason: str, fulfillment_state: str, now: datetime
) -> dict[str, Any]:
    """The order document after a cancellation before pick-up (by the buyer app, the
    seller, or us), as ONDC retail 1.2.0 shows it: the delivery ``Cancelled`` with the
    cancel request and the state it was in, its lines moved to a ``Cancel`` fulfilment."""
    document = {key: value for key, value in row.document.items() if key != "tags"}
    fulfillments = [dict(f) for f in document.get("fulfillments", [])]
    delivery = fulfillments[0]
    delivery["state"] = {"descriptor": {"code": fulfillment_state}}
    delivery["tags"] = [
        *_routing_tags(delivery),
        {
            "code": "cancel_request",
            "list": [{"code": "reason_id", "value": reason}, {"code": "initiated_by", "value": by}],
        },
        {
            "code": "precancel_state",
            "list": [
                {"code": "fulfillment_state", "value": row.fulfillment_state or "Pending"},
                {"code": "updated_at", "value": _since(row)},
            ],
        },
    ]
    fulfillments.append(
        {
            "id": CANCEL_FULFILLMENT_ID,
            "type": "Cancel",
            "@ondc/org/provider_name": delivery.get("@ondc/org/provider_name", ""),
            "@ondc/org/TAT": delivery.get("@ondc/org/TAT", "P1D"),
            "state": {"descriptor": {"code": "Cancelled"}},
        }
    )
    emptied, moved = _moved_lines(document, CANCEL_FULFILLMENT_ID)
    document |= {
        "state": "Cancelled",
        "items": emptied + moved + _other_lines(document),
        "fulfillments": fulfillments,
        "cancellation": {"cancelled_by": by, "reason": {"id": reason}},
        "updated_at": schemas.format_timestamp(now),
    }
    return document


def _return_to_origin(
    document: dict[str, Any],
    fulfillments: list[dict[str, Any]],
    row: OrderRow,
    *,
    by: str,
    reason: str,
) -> None:
    """Delivery failed: the delivery is cancelled (with the cancel request naming the RTO
    and the state it was in) and an RTO fulfilment takes the goods from the buyer's address
    back to the store; each line's value leaves the quote through the RTO's quote trail."""
    delivery = fulfillments[0]
    delivery["state"] = {"descriptor": {"code": "Cancelled"}}
    delivery["tags"] = [
        *_routing_tags(delivery),
        {
            "code": "cancel_request",
            "list": [
                {"code": "reason_id", "value": reason},
                {"code": "initiated_by", "value": by},
                {"code": "rto_id", "value": RTO_FULFILLMENT_ID},
            ],
        },
        {
            "code": "precancel_state",
            "list": [
                {"code": "fulfillment_state", "value": row.fulfillment_state or ""},
                {"code": "updated_at", "value": _since(row)},
            ],
        },
    ]
    quote = document.get("quote", {})
    lines = [dict(line) for line in quote.get("breakup", [])]
    # The buyer's texts on the goods (retail 1.2.5 customisation) go back with them.
    add_on_trail = add_ons_out(document, lines, None)
    breakup, trail, total = [], [], Decimal(0)
    for line in lines:
        if line.get("@ondc/org/title_type") == "item":
            trail.append(
                {
                    "code": "quote_trail",
                    "list": [
                        {"code": "type", "value": "item"},
                        {"code": "id", "value": line["@ondc/org/item_id"]},
                        {"code": "currency", "value": "INR"},
                        {"code": "value", "value": money(-Decimal(line["price"]["value"]))},
                    ],
                }
            )
            line = {
                **line,
                "@ondc/org/item_quantity": {"count": 0},
                "price": {"currency": "INR", "value": money(Decimal(0))},
            }
        total += Decimal(line["price"]["value"])
        breakup.append(line)
    document["quote"] = {
        **quote,
        "breakup": breakup,
        "price": {"currency": "INR", "value": money(total)},
    }
    end = delivery.get("end", {})
    fulfillments.append(
        {
            "id": RTO_FULFILLMENT_ID,
            "type": "RTO",
            "state": {"descriptor": {"code": "RTO-Initiated"}},
            "start": {
                key: end[key] for key in ("location", "contact", "person", "time") if key in end
            },
            "end": {"location": delivery.get("start", {}).get("location", {})},
            "tags": trail + add_on_trail,
        }
    )
    emptied, moved = _moved_lines(document, RTO_FULFILLMENT_ID)
    document["items"] = moved + emptied + _other_lines(document)
    document["cancellation"] = {"cancelled_by": by, "reason": {"id": reason}}
    # A cancelled order carries neither terms nor documents (the validator's schema).
    document.pop("tags", None)
    document.pop("documents", None)


def after_event(
    row: OrderRow,
    event: str,
    *,
    by: str,
    now: datetime,
    reason: str | None = None,
    tracking_url: str | None = None,
    invoice_url: str | None = None,
) -> Change:
    """What a seller's (or the adapter's) ``event`` does to an order: new states and
    document; raises :class:`IllegalTransition` when the order's state forbids it."""
    transition = next_state(
        event, row.state or "", row.fulfillment_state or "", states=delivery_states(row)
    )
    stamp = schemas.format_timestamp(now)
    detail: dict[str, Any] = {"reason": reason} if reason else {}
    if transition.state == "Cancelled" and event not in ("rto", "rto_delivered", "rto_disposed"):
        document = cancelled_document(
            row, by=by, reason=reason or "005", now=now, fulfillment_state=transition.fulfillment
        )
        return Change(
            transition.state, transition.fulfillment, document, restock=True, detail=detail
        )
    document = {**row.document, "state": transition.state, "updated_at": stamp}
    fulfillments = [dict(f) for f in document.get("fulfillments", [])]
    delivery = fulfillments[0]
    internal = dict(document.get(INTERNAL, {}))
    if transition.fulfillment != row.fulfillment_state:
        internal["fulfillment_since"] = stamp
    if event == "rto":
        _return_to_origin(document, fulfillments, row, by=by, reason=reason or "013")
        fulfillments[-1]["state"] = {"descriptor": {"code": transition.fulfillment}}
    elif event in ("rto_delivered", "rto_disposed"):
        # The RTO fulfilment keeps the ends it was announced with; its state says it is
        # back with the seller (or disposed of).
        rto = next(f for f in fulfillments if f.get("type") == "RTO")
        rto["state"] = {"descriptor": {"code": transition.fulfillment}}
        rto["end"] = {**rto.get("end", {}), "time": {"timestamp": stamp}}
    else:
        delivery["state"] = {"descriptor": {"code": transition.fulfillment}}
    if event == "ready_to_ship":
        mark_ready(delivery)  # for the buyer app's courier (retail 1.2.5 Buyer-Delivery)
    if event in ("ship", "hand_over"):
        # When the goods left the store: with the courier, or in the collecting buyer's hands.
        start = dict(delivery.get("start", {}))
        start["time"] = {**start.get("time", {}), "timestamp": stamp}
        delivery["start"] = start
    if event == "ship":
        # From pick-up on the delivery says how it travels: as on_confirm named it (1.2.5),
        # else seller to buyer directly.
        delivery["tags"] = _routing_tags(delivery) or [
            {"code": "routing", "list": [{"code": "type", "value": "P2P"}]}
        ]
        if tracking_url:
            delivery["tracking"] = True
            internal["tracking_url"] = tracking_url
            detail["tracking_url"] = tracking_url
        if invoice_url:
            document["documents"] = [{"url": invoice_url, "label": "Invoice"}]
    if event in ("deliver", "hand_over"):
        # Cash on delivery: paid now, in the seller's (or its courier's) hands.
        collected(document, internal, stamp)
    if event == "deliver":
        internal["delivered_at"] = stamp
        end = dict(delivery.get("end", {}))
        end["time"] = {**end.get("time", {}), "timestamp": stamp}
        delivery["end"] = end
    document["fulfillments"] = fulfillments
    if internal:
        document[INTERNAL] = internal
    restock = event == "rto_delivered"
    return Change(
        transition.state, transition.fulfillment, document, restock=restock, detail=detail
    )


def core_version_of(row: OrderRow) -> str:
    """The contract version an order's transaction is served in (kept at confirm; orders
    confirmed before it was kept are 1.2.0)."""
    return str(row.document.get(INTERNAL, {}).get("core_version") or "1.2.0")


def delivery_states(row: OrderRow) -> frozenset[str]:
    """The delivery states an order may take: the classic ones of retail 1.2.0, or, for an
    order served in 1.2.5, those its routing allows (ONDC retail 1.2.5 routing rules)."""
    fulfillments = row.document.get("fulfillments") or [{}]
    routing = routing_of(fulfillments[0])
    if core_version_of(row) == "1.2.0" or routing is None:
        return CLASSIC_STATES
    return ROUTING_STATES[routing]


def unsolicited(
    row: OrderRow,
    document: Mapping[str, Any],
    *,
    action: str,
    identity: Identity,
    message_id: str,
    now: datetime,
) -> dict[str, Any]:
    """The body of an ``on_status``/``on_cancel`` the seller's event sends unasked: the
    transaction's ids and a fresh message id."""
    return {
        "context": {
            "domain": row.domain,
            "country": "IND",
            "city": row.city,
            "action": action,
            "core_version": core_version_of(row),
            "bap_id": row.bap_id,
            "bap_uri": row.bap_uri,
            "bpp_id": identity.subscriber_id,
            "bpp_uri": identity.subscriber_url,
            "transaction_id": row.transaction_id,
            "message_id": message_id,
            "timestamp": schemas.format_timestamp(now),
            "ttl": "PT30S",
        },
        "message": {"order": wire(document)},
    }
