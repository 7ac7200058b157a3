"""Goods carried by the buyer app's own logistics (ONDC retail 1.2.5, fulfilment type
``Buyer-Delivery``; Pramaan's ``Buyer_Delivery_Flow``, mandatory in RET10). Pure.

A store that allows it (its location's ``fulfillment_types`` include ``Buyer-Delivery``)
hands the packed goods to the courier the buyer app sends; the seller delivers nothing and
charges no delivery. The life of such an order:

- ``/on_select`` quotes the fulfilment ``Buyer-Delivery`` (``tracking`` false, its delivery
  line 0.00: the buyer app's courier is the buyer app's cost) with the package the
  courier is booked on as tags ``weight`` (kilogram), ``length``, ``breadth``, ``height``
  (centimetre), made from the catalogue items' ``package`` (:func:`package_of`); init and
  confirm choose it; the order has no routing (the seller ships nothing);
- the seller accepts and packs, then says the goods are ready for the courier
  (``ready_to_ship``): ``/on_status`` with the fulfilment ``Packed`` and the tag
  ``state``/``ready_to_ship`` ``yes`` (ONDC's 1.2.5 field rules, ``TAGS_STATE``);
- the buyer app reports its courier's progress with ``/update`` (``update_target``
  fulfillment; tags ``update_state`` ``Order-picked-up`` then ``Order-delivered``,
  ``update_fulfillment_time``, ``update_agent_details``, and at pick-up the package its
  courier measured, ``bnp_diff_weight``/``length``/``breadth``/``height``), answered by
  ``/on_update`` with the order as it now is (:func:`buyer_update`).

A state the order cannot take now is refused: picked up before the seller said ready, or
delivered before picked up, 50002; a fulfilment id not the order's, 50007; an order
already delivered or cancelled, 50008 (ONDC's notes on ``/update`` for fulfilments); a
malformed tag, 30000 naming it. A state the order is already in (a resent update) changes
nothing and is answered as it is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Final

import schemas
from adapter.core.order_updates import UpdateRefused
from adapter.core.orders import INTERNAL, Change, OrderRow, Stock
from catalog_sync.records import ItemRecord, Package

__all__ = [
    "BUYER_DELIVERY",
    "BUYER_EVENTS",
    "SELLER_ACTIONS",
    "awaits_courier",
    "buyer_update",
    "carrier_of",
    "is_buyer_delivery",
    "mark_ready",
    "package_of",
    "package_tags",
    "parcel_of",
    "quoted_package",
    "reports_state",
    "without_package_tags",
]

BUYER_DELIVERY: Final = "Buyer-Delivery"
"""The fulfilment type of goods the buyer app's own logistics carries."""

SELLER_ACTIONS: Final = frozenset({"accept", "reject", "pack", "ready_to_ship", "cancel"})
"""What the seller may do to a buyer-app delivery: everything after ready to ship is the
buyer app's courier's, reported by the buyer app."""

BUYER_EVENTS: Final[Mapping[str, str]] = {
    "Order-picked-up": "buyer_picked_up",
    "Order-delivered": "buyer_delivered",
}
"""The states a buyer app reports (ONDC 1.2.5 ``update_state``), and the order event each is."""

_MEASURES: Final = (
    ("weight", "kilogram", "weight_kg"),
    ("length", "centimeter", "length_cm"),
    ("breadth", "centimeter", "breadth_cm"),
    ("height", "centimeter", "height_cm"),
)
_PACKAGE_CODES: Final = frozenset(code for code, _, _ in _MEASURES)
_READY_ENTRY: Final = {"code": "ready_to_ship", "value": "yes"}
_ECHOED: Final = ("update_fulfillment_time", "update_agent_details",
                  *(f"bnp_diff_{code}" for code, _, _ in _MEASURES))  # fmt: skip
_TERMINAL: Final = frozenset({"Order-delivered", "Cancelled"})


def is_buyer_delivery(document: Mapping[str, Any]) -> bool:
    """Whether the order's goods travel with the buyer app's courier."""
    fulfillments = document.get("fulfillments") or [{}]
    return bool(fulfillments[0].get("type") == BUYER_DELIVERY)


def package_of(lines: Sequence[tuple[ItemRecord, int]]) -> Package | None:
    """The one parcel the order's pieces make (``lines``: item and count): the weights
    added up, the longest length and breadth, the heights stacked. None when an item has
    no ``package`` in the catalogue (nobody can book a courier for it)."""
    if not lines or any(item.package is None for item, _ in lines):
        return None
    packages = [(item.package, count) for item, count in lines if item.package is not None]
    weight = sum((Decimal(p.weight_kg) * n for p, n in packages), Decimal(0))
    height = sum((Decimal(p.height_cm) * n for p, n in packages), Decimal(0))
    return Package(
        weight_kg=_text(weight),
        length_cm=_text(max(Decimal(p.length_cm) for p, _ in packages)),
        breadth_cm=_text(max(Decimal(p.breadth_cm) for p, _ in packages)),
        height_cm=_text(height),
    )


def parcel_of(
    stocks: Sequence[Stock], counts: Mapping[str, int]
) -> tuple[Package | None, tuple[str, str] | None]:
    """The parcel a buyer app's courier is booked on for the cart (``counts`` of the
    ``stocks`` found), or the on_select error (30008 naming the items) when an item has no
    package in the catalogue. The quote's delivery line stays 0.00: ONDC's
    log-validation-utility wants one on every serviceable on_select, and Pramaan's example
    has it."""
    found = [(stock.item, counts[stock.sku]) for stock in stocks if stock.item is not None]
    package = package_of(found)
    if package is not None:
        return package, None
    unpacked = sorted(item.sku for item, _ in found if item.package is None)
    return None, (
        "30008",
        f"items {', '.join(unpacked)} have no package weight and size in the catalogue: a "
        "buyer app's courier cannot be booked for them",
    )


def package_tags(package: Package) -> list[dict[str, Any]]:
    """``package`` as the on_select fulfilment's ``weight``/``length``/``breadth``/``height``
    tags (ONDC retail 1.2.5, Buyer-Delivery)."""
    return [
        {
            "code": code,
            "list": [
                {"code": "unit", "value": unit},
                {"code": "value", "value": getattr(package, field)},
            ],
        }
        for code, unit, field in _MEASURES
    ]


def without_package_tags(fulfillment: Mapping[str, Any]) -> dict[str, Any]:
    """``fulfillment`` without the package tags, which only ``/on_select`` carries (ONDC's
    field rules allow none of them on a confirmed order's fulfilment)."""
    kept = dict(fulfillment)
    tags = [t for t in kept.get("tags") or [] if t.get("code") not in _PACKAGE_CODES]
    if tags:
        kept["tags"] = tags
    else:
        kept.pop("tags", None)
    return kept


def mark_ready(fulfillment: dict[str, Any]) -> None:
    """Tag the packed ``fulfillment`` ready for the buyer app's courier (``state`` /
    ``ready_to_ship`` ``yes``)."""
    kept = [t for t in fulfillment.get("tags") or [] if t.get("code") != "state"]
    fulfillment["tags"] = [*kept, {"code": "state", "list": [dict(_READY_ENTRY)]}]


def _is_ready(fulfillment: Mapping[str, Any]) -> bool:
    return _entries(fulfillment.get("tags"), "state").get("ready_to_ship") == "yes"


def awaits_courier(document: Mapping[str, Any]) -> bool:
    """Whether the order's goods are ready and wait for the buyer app's courier: from then
    on a late pick-up is not the seller's (it shipped in time, as far as it can)."""
    fulfillments = document.get("fulfillments") or [{}]
    return is_buyer_delivery(document) and _is_ready(fulfillments[0])


def reports_state(order: schemas.Order | None) -> bool:
    """Whether an ``/update``'s order reports a fulfilment state (``update_state``)."""
    for fulfillment in (order.fulfillments or []) if order is not None else []:
        if any(tag.code == "update_state" for tag in fulfillment.tags or []):
            return True
    return False


def buyer_update(row: OrderRow, order: schemas.Order, *, by: str, now: datetime) -> Change | None:
    """What the buyer app's ``/update`` (its courier picked the goods up, or delivered them)
    does to the order; None when the order is already in the reported state (a resend).
    Raises :class:`~adapter.core.order_updates.UpdateRefused` with the ONDC code."""
    document = row.document
    if not is_buyer_delivery(document):
        raise UpdateRefused(
            "50002",
            f"order {row.order_id} is carried by the seller's courier: only a Buyer-Delivery "
            "order's states are reported by the buyer app",
        )
    asked = next(
        (
            f
            for f in order.fulfillments or []
            if any(t.code == "update_state" for t in f.tags or [])
        ),
        None,
    )
    assert asked is not None  # reports_state() chose this path
    index = next(i for i, f in enumerate(order.fulfillments or []) if f is asked)
    field = f"message.order.fulfillments[{index}]"
    delivery = document["fulfillments"][0]
    if asked.id != delivery.get("id"):
        raise UpdateRefused(
            "50007", f"{field}.id {asked.id!r}: the order's fulfilment is {delivery.get('id')!r}"
        )
    tags = [t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in asked.tags or []]
    reported = _entries(tags, "update_state").get("state")
    if reported not in BUYER_EVENTS:
        raise UpdateRefused(
            "30000",
            f"{field}.tags[update_state].state must be Order-picked-up or Order-delivered, "
            f"not {reported!r}",
        )
    state = str(reported)
    current = row.fulfillment_state or ""
    if state == current:
        return None
    if current in _TERMINAL or row.state == "Cancelled":
        raise UpdateRefused("50008", f"order {row.order_id} is {current}: nothing moves it now")
    if state == "Order-picked-up" and not (current == "Packed" and _is_ready(delivery)):
        raise UpdateRefused(
            "50002",
            f"{field}.tags[update_state]: order {row.order_id} is {current}, not ready to ship "
            "yet: the courier may collect it once the seller says it is ready",
        )
    if state == "Order-delivered" and current != "Order-picked-up":
        raise UpdateRefused(
            "50002", f"{field}.tags[update_state]: order {row.order_id} is {current}, not picked up"
        )
    when = _when(tags, state, field, now)
    measured = _measured(tags, field)
    agent = _entries(tags, "update_agent_details")
    stamp = schemas.format_timestamp(now)
    moved = dict(delivery)
    moved["state"] = {"descriptor": {"code": state}}
    # The buyer app's tags are shown back as sent (ONDC's on_update for fulfilments); a
    # later report keeps what it does not repeat (the parcel measured at pick-up).
    sent = [t for t in tags if t.get("code") in _ECHOED]
    replaced = {t.get("code") for t in sent}
    moved["tags"] = [
        *(t for t in delivery.get("tags") or [] if t.get("code") not in replaced),
        *sent,
    ]
    if agent.get("name") or agent.get("phone"):
        moved["agent"] = {k: agent[k] for k in ("name", "phone") if agent.get(k)}
    # When the goods left the store (start) or reached the buyer (end).
    stop = dict(moved.get("start" if state == "Order-picked-up" else "end", {}))
    stop["time"] = {**stop.get("time", {}), "timestamp": when}
    moved["start" if state == "Order-picked-up" else "end"] = stop
    internal = dict(document.get(INTERNAL, {}))
    internal["fulfillment_since"] = stamp
    carried = dict(internal.get("buyer_delivery", {}))
    picked_at = carried.get("Order-picked-up", {}).get("at")
    if state == "Order-delivered" and picked_at and when < picked_at:
        raise UpdateRefused(
            "30000",
            f"{field}.tags[update_fulfillment_time].timestamp {when} is before the pick-up "
            f"({picked_at})",
        )
    carried[state] = {
        "at": when,
        "by": by,
        **({"agent": moved["agent"]} if "agent" in moved else {}),
    }
    if measured:
        carried["measured"] = measured
    internal["buyer_delivery"] = carried
    if state == "Order-delivered":
        internal["delivered_at"] = when
    changed = {
        **document,
        "state": "Completed" if state == "Order-delivered" else "In-progress",
        "fulfillments": [moved, *document["fulfillments"][1:]],
        "updated_at": stamp,
        INTERNAL: internal,
    }
    return Change(
        changed["state"],
        state,
        changed,
        detail={"reported_by": by, "state": state, **({"measured": measured} if measured else {})},
    )


def carrier_of(document: Mapping[str, Any]) -> dict[str, Any]:
    """Who carries the order, as the seller sees it: ``seller`` (its courier or itself),
    ``buyer`` (collecting at the store) or ``buyer_app`` (the buyer app's courier, with
    the package quoted, the one measured at pick-up and the difference)."""
    kind = (document.get("fulfillments") or [{}])[0].get("type", "Delivery")
    if kind != BUYER_DELIVERY:
        return {"carried_by": "buyer" if kind == "Self-Pickup" else "seller"}
    internal = document.get(INTERNAL, {})
    carried = internal.get("buyer_delivery", {})
    quoted = internal.get("package") or {}
    summary: dict[str, Any] = {"carried_by": "buyer_app", "package": quoted}
    measured = carried.get("measured")
    if measured:
        summary["measured"] = measured
        summary["difference"] = {
            key: _text(Decimal(measured[key]) - Decimal(quoted[key]))
            for key in measured
            if key in quoted
        }
    for state, key in (("Order-picked-up", "picked_up"), ("Order-delivered", "delivered")):
        if state in carried:
            summary[key] = carried[state]
    return summary


def quoted_package(package: Package) -> dict[str, str]:
    """``package`` as the order keeps it for the seller (by measure name)."""
    return {field: getattr(package, field) for _, _, field in _MEASURES}


def _when(tags: Sequence[Mapping[str, Any]], state: str, field: str, now: datetime) -> str:
    """When the courier picked up or delivered (``update_fulfillment_time``), else now."""
    times = _entries(tags, "update_fulfillment_time")
    if not times:
        return schemas.format_timestamp(now)
    if times.get("state") not in (None, state):
        raise UpdateRefused(
            "30000",
            f"{field}.tags[update_fulfillment_time].state {times.get('state')!r} is not the "
            f"reported {state}",
        )
    stamp = times.get("timestamp")
    try:
        at = schemas.parse_timestamp(str(stamp))
    except ValueError:
        raise UpdateRefused(
            "30000",
            f"{field}.tags[update_fulfillment_time].timestamp {stamp!r} is not an RFC 3339 time",
        ) from None
    if at > now:
        raise UpdateRefused(
            "30000", f"{field}.tags[update_fulfillment_time].timestamp {stamp} is in the future"
        )
    return schemas.format_timestamp(at)


def _measured(tags: Sequence[Mapping[str, Any]], field: str) -> dict[str, str]:
    """The package the buyer app's courier measured (``bnp_diff_*``), by measure name."""
    measured: dict[str, str] = {}
    for code, unit, name in _MEASURES:
        entries = _entries(tags, f"bnp_diff_{code}")
        if not entries:
            continue
        where = f"{field}.tags[bnp_diff_{code}]"
        if entries.get("unit") != unit:
            raise UpdateRefused(
                "30000", f"{where}.unit must be {unit}, not {entries.get('unit')!r}"
            )
        try:
            value = Decimal(str(entries.get("value")))
        except InvalidOperation:
            value = Decimal(-1)
        if not value.is_finite() or value <= 0:
            raise UpdateRefused(
                "30000", f"{where}.value must be a positive number, not {entries.get('value')!r}"
            )
        measured[name] = _text(value)
    return measured


def _entries(tags: Any, group: str) -> dict[str, Any]:
    for tag in tags or []:
        if tag.get("code") == group:
            return {entry.get("code"): entry.get("value") for entry in tag.get("list") or []}
    return {}


def _text(value: Decimal) -> str:
    """A measure as ONDC writes it: plain decimal, no trailing zeros (``"1.5"``, ``"2"``)."""
    text = format(value.normalize(), "f")
    return text if text != "-0" else "0"
