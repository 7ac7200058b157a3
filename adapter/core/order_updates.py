"""Changes to an order after confirm, other than its state: the seller cancelling part of
it, the buyer returning part of it (reverse QC or liquidation), and the refunds settled
for them (ONDC retail 1.2.0 ``/update`` and ``/on_update``, certification flow 6). Pure.

A part cancel moves the cancelled pieces from the delivery to a ``Cancel`` fulfilment and
takes their value out of the quote (with a ``quote_trail``); the pieces go back to stock.
A return is a ``Return`` fulfilment of its own, with the buyer app's ``return_request``:
``Return_Initiated`` when asked, then ``Return_Approved`` or ``Return_Rejected`` by the
seller, ``Return_Picked`` (the value leaves the quote: the buyer is refunded) and
``Return_Delivered`` (back in stock), or ``Liquidated`` (refunded, not collected). The
order itself stays as it was (``Completed`` for a delivered order).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Final

import schemas
from adapter.core.orders import (
    INTERNAL,
    Change,
    IllegalTransition,
    OrderRow,
    forward_id,
    keep_return,
    money,
    parse_duration,
)
from adapter.core.retail125.replacement import (
    RETURN_REQUEST_CODE,
    asks_replacement,
    open_replacement,
)
from adapter.core.retail125.text_input import add_ons_out

__all__ = [
    "RETURN_EVENTS",
    "RETURN_REQUEST_CODES",
    "RETURN_REQUEST_CODES_125",
    "UpdateRefused",
    "part_cancel",
    "record_settlement",
    "request_return",
    "return_event",
]

RETURN_REQUEST_CODES: Final = frozenset(
    {"id", "item_id", "parent_item_id", "item_quantity", "reason_id", "reason_desc", "images",
     "ttl_approval", "ttl_reverseqc"}
)  # fmt: skip
"""The codes of a ``return_request`` tag group in ONDC retail 1.2.0 (``initiated_by`` is
added by us)."""

RETURN_REQUEST_CODES_125: Final = RETURN_REQUEST_CODES | {RETURN_REQUEST_CODE}
"""Those of retail 1.2.5, which adds ``replace`` (a replacement asked instead of a refund,
:mod:`adapter.core.retail125.replacement`)."""

PART_CANCEL_ID: Final = "C2"
_TYPE_ITEM: Final = [{"code": "type", "list": [{"code": "type", "value": "item"}]}]

# Where each seller action on a return leads, from which states.
RETURN_EVENTS: Final[Mapping[str, tuple[frozenset[str], str]]] = {
    "approve": (frozenset({"Return_Initiated"}), "Return_Approved"),
    "reject": (frozenset({"Return_Initiated"}), "Return_Rejected"),
    "pick": (frozenset({"Return_Approved"}), "Return_Picked"),
    "deliver": (frozenset({"Return_Picked"}), "Return_Delivered"),
    "liquidate": (frozenset({"Return_Initiated", "Return_Approved"}), "Liquidated"),
}
_REFUNDED_AT: Final = frozenset({"Return_Picked", "Liquidated"})
_NOT_RETURNING: Final = frozenset({"Return_Rejected", "Cancelled"})
"""Return states whose piece stays with the buyer (refused by the seller, or withdrawn by
the buyer, :mod:`adapter.core.retail125.return_withdrawal`): it may be asked for again."""


class UpdateRefused(ValueError):
    """An update the order does not allow; ``code`` is the ONDC error to answer with."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _lines(document: Mapping[str, Any]) -> dict[str, int]:
    """SKU -> count still on the delivery."""
    return {
        item["id"]: int(item["quantity"]["count"])
        for item in document.get("items", [])
        if item.get("fulfillment_id") == forward_id(document)
    }


def _unit_prices(document: Mapping[str, Any]) -> dict[str, Decimal]:
    return {
        line["@ondc/org/item_id"]: Decimal(line["item"]["price"]["value"])
        for line in document.get("quote", {}).get("breakup", [])
        if line.get("@ondc/org/title_type") == "item"
    }


def _take_out_of_quote(document: dict[str, Any], pieces: Mapping[str, int]) -> list[dict[str, Any]]:
    """Lower the quote's item lines by ``pieces``, and the add-ons of the buyer's texts on
    them (retail 1.2.5 customisation); the quote trail of the add-ons taken out (the items'
    is :func:`_trail`)."""
    quote = document["quote"]
    lines: list[Any] = [dict(line) for line in quote["breakup"]]
    add_on_trail = add_ons_out(document, lines, pieces)
    breakup, total = [], Decimal(0)
    for line in lines:
        sku = line.get("@ondc/org/item_id")
        if line.get("@ondc/org/title_type") == "item" and sku in pieces:
            count = int(line["@ondc/org/item_quantity"]["count"]) - pieces[sku]
            unit = Decimal(line["item"]["price"]["value"])
            line = {
                **line,
                "@ondc/org/item_quantity": {"count": count},
                "price": {"currency": "INR", "value": money(unit * count)},
            }
        total += Decimal(line["price"]["value"])
        breakup.append(line)
    document["quote"] = {
        **quote,
        "breakup": breakup,
        "price": {"currency": "INR", "value": money(total)},
    }
    return add_on_trail


def _trail(pieces: Mapping[str, int], prices: Mapping[str, Decimal]) -> list[dict[str, Any]]:
    return [
        {
            "code": "quote_trail",
            "list": [
                {"code": "type", "value": "item"},
                {"code": "id", "value": sku},
                {"code": "currency", "value": "INR"},
                {"code": "value", "value": money(-prices[sku] * count)},
            ],
        }
        for sku, count in pieces.items()
    ]


def part_cancel(
    row: OrderRow, pieces: Mapping[str, int], *, reason: str, by: str, now: datetime
) -> Change:
    """The seller cannot supply ``pieces`` (SKU -> count) of an order not yet shipped."""
    if row.state not in ("Created", "Accepted", "In-progress") or row.fulfillment_state not in (
        "Pending",
        "Packed",
    ):
        raise IllegalTransition("part_cancel", row.state or "", row.fulfillment_state or "", ())
    lines = _lines(row.document)
    for sku, count in pieces.items():
        if count < 1 or lines.get(sku, 0) < count:
            raise UpdateRefused(
                "50002",
                f"items: order {row.order_id} has {lines.get(sku, 0)} "
                f"of {sku}, cannot cancel {count}",
            )
    if all(lines[sku] == pieces.get(sku, 0) for sku in lines):
        raise UpdateRefused("50002", "items: that is the whole order; cancel the order instead")
    document = {key: value for key, value in row.document.items()}
    prices = _unit_prices(document)
    add_on_trail = _take_out_of_quote(document, pieces)
    items = []
    forward = forward_id(document)
    for item in document["items"]:
        if item.get("fulfillment_id") == forward and item["id"] in pieces:
            item = {**item, "quantity": {"count": lines[item["id"]] - pieces[item["id"]]}}
        items.append(item)
    items += [
        {
            "id": sku,
            "fulfillment_id": PART_CANCEL_ID,
            "quantity": {"count": count},
            "tags": _TYPE_ITEM,
        }
        for sku, count in pieces.items()
    ]
    document["items"] = items
    document["fulfillments"] = [
        *document["fulfillments"],
        {
            "id": PART_CANCEL_ID,
            "type": "Cancel",
            "state": {"descriptor": {"code": "Cancelled"}},
            "tags": [
                {
                    "code": "cancel_request",
                    "list": [
                        {"code": "reason_id", "value": reason},
                        {"code": "initiated_by", "value": by},
                    ],
                },
                *_trail(pieces, prices),
                *add_on_trail,
            ],
        },
    ]
    document["updated_at"] = schemas.format_timestamp(now)
    return Change(
        row.state or "",
        row.fulfillment_state or "",
        document,
        restock_items=dict(pieces),
        detail={"reason": reason, "items": dict(pieces)},
    )


def _tag_values(group: Any) -> dict[str, str]:
    return {tag.code: tag.value for tag in group.list or [] if tag.code}


def request_return(
    row: OrderRow,
    order: schemas.Order,
    *,
    by: str,
    now: datetime,
    returnable: Mapping[str, tuple[bool, str] | None],
    codes: frozenset[str] = RETURN_REQUEST_CODES,
) -> Change:
    """The buyer app asks to return items of a delivered order (a ``Return`` fulfilment
    with a ``return_request`` tag group); ``returnable`` says, per SKU, whether and within
    what window the seller takes returns; ``codes`` are those of the request its version
    knows (1.2.5's ``replace`` asks for a replacement instead of a refund)."""
    wanted = next((f for f in order.fulfillments or [] if f.type == "Return"), None)
    group = schemas.find_tag_group(wanted.tags if wanted else None, "return_request")
    if group is None:
        raise UpdateRefused(
            "30005",
            "message.order.fulfillments: a Return fulfilment with a "
            "return_request tag group is required",
        )
    asked = _tag_values(group)
    return_id, sku = asked.get("id"), asked.get("item_id")
    try:
        count = int(asked.get("item_quantity", ""))
    except ValueError:
        count = 0
    if not return_id or not sku or count < 1:
        raise UpdateRefused("30005", "return_request needs id, item_id and item_quantity >= 1")
    if RETURN_REQUEST_CODE in codes and asked.get(RETURN_REQUEST_CODE) not in (None, "yes", "no"):
        raise UpdateRefused(
            "30005",
            f"return_request.replace {asked[RETURN_REQUEST_CODE]!r} must be yes or no",
        )
    if row.state != "Completed":
        raise UpdateRefused(
            "30005", f"order {row.order_id} is {row.state}: only a delivered order can be returned"
        )
    replace = RETURN_REQUEST_CODE in codes and asks_replacement(asked)
    existing = row.document.get(INTERNAL, {}).get("returns", {})
    if return_id in existing:
        raise UpdateRefused("30005", f"return {return_id} was already asked for")
    kept = _lines(row.document).get(sku, 0) - sum(
        r["quantity"]
        for r in existing.values()
        if r["item"] == sku and r["state"] not in _NOT_RETURNING
    )
    if count > kept:
        raise UpdateRefused(
            "30005", f"order {row.order_id} has {kept} of {sku} to return, not {count}"
        )
    terms = returnable.get(sku)
    if terms is None or not terms[0]:
        raise UpdateRefused("30005", f"{sku} is not returnable")
    delivered = row.document.get(INTERNAL, {}).get("delivered_at")
    if delivered and now > _parse(delivered) + parse_duration(terms[1]):
        raise UpdateRefused("30005", f"the return window of {sku} ({terms[1]}) has passed")
    document = dict(row.document)
    delivery = document["fulfillments"][0]
    stamp = schemas.format_timestamp(now)
    try:
        window = parse_duration(asked.get("ttl_reverseqc") or "P3D")
    except ValueError:
        window = parse_duration("P3D")
    # The buyer app's request is echoed with only the codes retail 1.2.0 defines for it (a
    # code of a later version, such as "exchange", would make our on_update fail ONDC's
    # rules), and says who initiated it.
    tags = [
        {
            "code": "return_request",
            "list": [
                *[{"code": t.code, "value": t.value} for t in group.list or [] if t.code in codes],
                {"code": "initiated_by", "value": by},
            ],
        }
    ]
    document["fulfillments"] = [
        *document["fulfillments"],
        {
            "id": return_id,
            "type": "Return",
            "state": {"descriptor": {"code": "Return_Initiated"}},
            # Picked up from the buyer within the reverse-QC window the buyer app asked
            # for, back at the store within twice that.
            "start": {
                **{
                    k: delivery["end"][k]
                    for k in ("location", "contact", "person")
                    if k in delivery.get("end", {})
                },
                "time": {"range": {"start": stamp, "end": schemas.format_timestamp(now + window)}},
            },
            "end": {
                **{
                    k: delivery["start"][k]
                    for k in ("location", "contact", "person")
                    if k in delivery.get("start", {})
                },
                "time": {
                    "range": {"start": stamp, "end": schemas.format_timestamp(now + 2 * window)}
                },
            },
            "tags": tags,
        },
    ]
    document["items"] = [
        *document["items"],
        {"id": sku, "fulfillment_id": return_id, "quantity": {"count": count}, "tags": _TYPE_ITEM},
    ]
    internal = dict(document.get(INTERNAL, {}))
    internal["returns"] = {
        **existing,
        return_id: {
            "item": sku,
            "quantity": count,
            "state": "Return_Initiated",
            "since": schemas.format_timestamp(now),
            "reason": asked.get("reason_id"),
            "window_seconds": int(window.total_seconds()),
            **({"replace": True} if replace else {}),
        },
    }
    document[INTERNAL] = internal
    document["updated_at"] = schemas.format_timestamp(now)
    return Change(
        row.state or "",
        row.fulfillment_state or "",
        document,
        detail={
            "return": return_id,
            "item": sku,
            "quantity": count,
            "reason": asked.get("reason_id"),
        },
    )


def _parse(stamp: str) -> datetime:
    return schemas.parse_timestamp(stamp)


def return_event(
    row: OrderRow, return_id: str, event: str, *, now: datetime, reason: str | None = None
) -> Change:
    """The seller's ``event`` on a return: approve, reject, pick, deliver, liquidate."""
    returns = row.document.get(INTERNAL, {}).get("returns", {})
    entry = returns.get(return_id)
    if entry is None:
        raise UpdateRefused("50007", f"order {row.order_id} has no return {return_id}")
    sources, target = RETURN_EVENTS[event]
    if entry["state"] not in sources:
        allowed = [name for name, (froms, _) in RETURN_EVENTS.items() if entry["state"] in froms]
        raise IllegalTransition(f"{event} return", entry["state"], entry["state"], allowed)
    document = dict(row.document)
    fulfillments = [dict(f) for f in document["fulfillments"]]
    the_return = next(f for f in fulfillments if f.get("id") == return_id)
    the_return["state"] = {"descriptor": {"code": target}}
    pieces = {entry["item"]: entry["quantity"]}
    stamp = schemas.format_timestamp(now)
    if target == "Return_Approved":
        # The pick-up window opens with the approval (and never before it).
        opens = schemas.format_timestamp(now + timedelta(milliseconds=1))
        window = timedelta(seconds=int(entry.get("window_seconds", 3 * 86_400)))
        for side, span in (("start", window), ("end", 2 * window)):
            part = dict(the_return.get(side, {}))
            part["time"] = {"range": {"start": opens, "end": schemas.format_timestamp(now + span)}}
            the_return[side] = part
    if target == "Return_Picked":
        start = dict(the_return.get("start", {}))
        start["time"] = {**start.get("time", {}), "timestamp": stamp}
        the_return["start"] = start
    if target == "Return_Delivered":
        arrival = dict(the_return.get("end", {}))
        arrival["time"] = {**arrival.get("time", {}), "timestamp": stamp}
        the_return["end"] = arrival
    replacing = bool(entry.get("replace"))
    sent = entry.get("replacement")  # an IGM replacement is sent at once (igm.remedies)
    new_entry = {**entry, "state": target, "since": stamp}
    if target == "Return_Picked" and replacing:
        # No refund: another piece goes to the buyer (adapter.core.retail125.replacement).
        if not sent:
            new_id = open_replacement(
                document, fulfillments, the_return, entry, return_id=return_id, now=now
            )
            new_entry["replacement"] = {"id": new_id, "state": "Pending"}
    elif target in _REFUNDED_AT and not sent:
        prices = _unit_prices(document)
        add_on_trail = _take_out_of_quote(document, pieces)
        the_return["tags"] = [
            *the_return.get("tags", []),
            *_trail(pieces, prices),
            *add_on_trail,
        ]
    if target == "Return_Rejected" and reason:
        the_return["tags"] = [
            *the_return.get("tags", []),
            {"code": "return_rejected", "list": [{"code": "reason_id", "value": reason}]},
        ]
    document["fulfillments"] = fulfillments
    keep_return(document, return_id, new_entry, stamp=stamp)
    # A replaced piece coming back takes the shelf place of the one sent in its stead.
    back = pieces if target == "Return_Delivered" and not replacing else None
    return Change(
        row.state or "",
        row.fulfillment_state or "",
        document,
        restock_items=back,
        detail={"return": return_id, "state": target, **({"reason": reason} if reason else {})},
    )


def record_settlement(row: OrderRow, payment: schemas.Payment, *, now: datetime) -> Change:
    """The buyer app says it settled a refund (``update_target`` payment): kept with the
    order's payment, so the seller's settlement shows it."""
    details = [
        detail.model_dump(mode="json", by_alias=True, exclude_none=True)
        for detail in payment.settlement_details or []
    ]
    if not details:
        raise UpdateRefused(
            "30000", "message.order.payment.@ondc/org/settlement_details is required"
        )
    document = dict(row.document)
    paid = dict(document.get("payment", {}))
    known = list(paid.get("@ondc/org/settlement_details", []))
    paid["@ondc/org/settlement_details"] = known + [d for d in details if d not in known]
    document["payment"] = paid
    document["updated_at"] = schemas.format_timestamp(now)
    return Change(
        row.state or "", row.fulfillment_state or "", document, detail={"settlement": details}
    )
