"""A B2B order after its purchase order (pure): staged and split deliveries, payments, and
the unsolicited ``on_status`` that announces each (ONDC B2B 2.0.2).

The seller moves the delivery through ``Packed`` -> ``Order-picked-up`` ->
``Out-for-delivery`` -> ``Order-delivered``. A self-pickup (the buyer collects at the
seller's location, ONDC B2B 2.0.2 flow ``B2B_Self_Pickup``) is ``Packed`` when ready and
``Order-picked-up`` when handed over, which completes the order with everything in it.
A delivery of part of the order (a split delivery: some pieces of some lines) is recorded
with the pieces it carried; the order is ``In-progress`` until every piece is delivered,
then ``Completed``. Payments received (advance, on delivery or on credit) add up; the
order's payment is ``PAID`` once they cover its total. Each step returns the new wire
order and the value it realised (paise), which the LOI desk records.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

import schemas
from adapter.core.b2b.price_list import b2b_tag
from adapter.core.callbacks import Identity
from adapter.core.order_book import Refusal
from adapter.core.orders import parse_duration

__all__ = ["STAGES", "Step", "b2b_unsolicited", "deliver", "pay", "self_pickup", "ship"]

STAGES: Final = ("Packed", "Order-picked-up", "Out-for-delivery")
"""The delivery's stages before the goods arrive."""


@dataclass(frozen=True, slots=True)
class Step:
    """The order after a seller's step: its wire form, states, and what it realised."""

    wire: dict[str, Any]
    state: str
    fulfillment_state: str
    realised_paise: int
    internal: dict[str, Any]


def _timed_stops(
    fulfilment: dict[str, Any], internal: Mapping[str, Any], code: str, now: datetime
) -> list[dict[str, Any]]:
    """The delivery's stops with their times: once the goods are packed, each stop's
    expected window (from now to the quoted TAT); once picked up, when (on the start
    stop); once delivered, when (on the end stop)."""
    tat = parse_duration(str(internal.get("tat") or "P1D"))
    stops = []
    for stop in fulfilment.get("stops") or []:
        timed = dict(stop)
        time = dict(timed.get("time") or {})
        if "range" not in time:
            time["range"] = {
                "start": schemas.format_timestamp(now),
                "end": schemas.format_timestamp(now + tat),
            }
        if code == "Order-delivered" and stop.get("type") == "end":
            time["timestamp"] = schemas.format_timestamp(now)
        if code == "Order-picked-up" and stop.get("type") == "start":
            time.setdefault("timestamp", schemas.format_timestamp(now))
        timed["time"] = time
        stops.append(timed)
    return stops


def _fulfilment_state(
    wire: dict[str, Any], code: str, now: datetime, internal: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    moved = dict(wire)
    fulfilment = dict(moved["fulfillments"][0])
    fulfilment["state"] = {"descriptor": {"code": code}}
    if fulfilment.get("stops"):
        fulfilment["stops"] = _timed_stops(fulfilment, internal or {}, code, now)
    moved["fulfillments"] = [fulfilment, *moved["fulfillments"][1:]]
    moved["updated_at"] = schemas.format_timestamp(now)
    return moved


def ship(
    wire: dict[str, Any],
    internal: Mapping[str, Any],
    stage: str,
    *,
    now: datetime,
    proforma_url: str | None = None,
    invoice_url: str | None = None,
    proof: Sequence[str] = (),
    tracking_url: str | None = None,
) -> Step:
    """The delivery moved to ``stage`` (one of :data:`STAGES`). The proforma invoice
    (``proforma_url``) joins the order's documents at the first step after the purchase
    order (B2B 2.0.2 sends it in ``on_status``, never in ``on_confirm``), the tax invoice
    (``invoice_url``) once the goods are picked up; ``proof`` images of the pick-up go on
    the start stop; a ``tracking_url`` is kept for the buyer app's ``/track``."""
    if stage not in STAGES:
        raise Refusal("30000", f"stage: one of {', '.join(STAGES)} (or a delivery)")
    if wire.get("state") in ("Completed", "Cancelled"):
        raise Refusal("50008", f"the order is {wire['state']}")
    pickup = self_pickup(wire)
    if pickup and stage == "Out-for-delivery":
        raise Refusal("30000", "stage: a self-pickup is handed over (Order-picked-up)")
    moved = _fulfilment_state(wire, stage, now, internal)
    if proof:
        _with_proof(moved["fulfillments"][0], "start", "Proof of pickup", proof)
    documents = list(moved.get("documents") or [])
    labels = {document.get("label") for document in documents}
    if proforma_url and "PROFORMA_INVOICE" not in labels:
        documents.append({"url": proforma_url, "label": "PROFORMA_INVOICE"})
    if invoice_url and stage != "Packed" and "INVOICE" not in labels:
        documents.append({"url": invoice_url, "label": "INVOICE"})
    if documents:
        moved["documents"] = documents
    if pickup and stage == "Order-picked-up":
        return _handed_over(moved, internal)
    state = "In-progress" if stage != "Packed" else str(wire.get("state", "Accepted"))
    moved["state"] = state
    kept = dict(internal)
    if tracking_url:
        kept["tracking_url"] = tracking_url
    return Step(moved, state, stage, 0, kept)


def self_pickup(wire: Mapping[str, Any]) -> bool:
    """Whether the buyer collects the order at the seller's location (a ``Self-Pickup``
    fulfilment, ONDC B2B 2.0.2)."""
    fulfilments = wire.get("fulfillments") or [{}]
    return bool(fulfilments[0].get("type") == "Self-Pickup")


def _handed_over(moved: dict[str, Any], internal: Mapping[str, Any]) -> Step:
    """A self-pickup handed over: the buyer has everything, so the order is ``Completed``
    (as the contract's ``on_status_self_picked_up``) and realises what no delivery did."""
    ordered = {i["id"]: int(i["quantity"]["selected"]["count"]) for i in moved["items"]}
    before = int(internal.get("delivered_paise", 0))
    realised = int(Decimal(moved["quote"]["price"]["value"]) * 100) - before
    moved["state"] = "Completed"
    kept = {**internal, "delivered": ordered, "deliveries": int(internal.get("deliveries", 0)) + 1,
            "delivered_paise": before + realised}  # fmt: skip
    return Step(moved, "Completed", "Order-picked-up", realised, kept)


def _with_proof(fulfilment: dict[str, Any], kind: str, name: str, proof: Sequence[str]) -> None:
    """Photographs of the goods (``proof`` URLs) on the fulfilment's ``kind`` stop."""
    shown = {"name": name, "short_desc": f"Photographs of the goods ({name.lower()})",
             "images": list(proof)}  # fmt: skip
    fulfilment["stops"] = [
        {**stop, "instructions": shown} if stop.get("type") == kind else stop
        for stop in fulfilment.get("stops") or []
    ]


def _unit_values(wire: dict[str, Any]) -> dict[str, Decimal]:
    """Per SKU, the value of one piece with its tax (paise)."""
    totals: dict[str, Decimal] = {}
    counts: dict[str, int] = {}
    for line in wire["quote"]["breakup"]:
        kind = line.get("@ondc/org/title_type")
        sku = str(line.get("@ondc/org/item_id"))
        if kind in ("item", "tax", "discount"):
            totals[sku] = totals.get(sku, Decimal(0)) + Decimal(line["price"]["value"]) * 100
        if kind == "item":
            counts[sku] = int(line["@ondc/org/item_quantity"]["count"])
    return {sku: totals[sku] / counts[sku] for sku in counts if counts[sku]}


def deliver(
    wire: dict[str, Any], internal: Mapping[str, Any], pieces: Mapping[str, int] | None,
    *, now: datetime, proof: Sequence[str] = (),
) -> Step:  # fmt: skip
    """Goods delivered: ``pieces`` (SKU -> count) of a split delivery, or everything still
    to deliver, with the URLs of proof of delivery images the seller has (on the end
    stop's ``instructions.images``). Refused beyond what was ordered."""
    if wire.get("state") in ("Completed", "Cancelled"):
        raise Refusal("50008", f"the order is {wire['state']}")
    if self_pickup(wire):
        raise Refusal("30000", "a self-pickup is handed over by its stage Order-picked-up")
    ordered = {i["id"]: int(i["quantity"]["selected"]["count"]) for i in wire["items"]}
    done: dict[str, int] = dict(internal.get("delivered") or {})
    left = {sku: count - done.get(sku, 0) for sku, count in ordered.items()}
    carried = dict(pieces) if pieces else {sku: n for sku, n in left.items() if n > 0}
    for sku, count in carried.items():
        if sku not in ordered or count < 1 or count > left.get(sku, 0):
            raise Refusal(
                "30000",
                f"items: {sku} x {count} is not part of what is left to deliver "
                f"({left.get(sku, 0)})",
            )
    for sku, count in carried.items():
        done[sku] = done.get(sku, 0) + count
    unit = _unit_values(wire)
    realised = int(sum(unit.get(sku, Decimal(0)) * count for sku, count in carried.items()))
    complete = all(done.get(sku, 0) >= count for sku, count in ordered.items())
    before = int(internal.get("delivered_paise", 0))
    if complete:
        # The last delivery completes the order's value: its charges (delivery, packing)
        # and what rounding per piece left over.
        realised = int(Decimal(wire["quote"]["price"]["value"]) * 100) - before
    deliveries = int(internal.get("deliveries", 0)) + 1
    state_code = "Order-delivered" if complete else "Out-for-delivery"
    moved = _fulfilment_state(wire, state_code, now, internal)
    main = moved["fulfillments"][0]
    moved["fulfillments"] = [
        *moved["fulfillments"],
        {
            "id": f"{main['id']}-{deliveries}",
            "type": "Delivery",
            "@ondc/org/provider_name": main.get("@ondc/org/provider_name"),
            "tracking": False,
            "state": {"descriptor": {"code": "Order-delivered"}},
            "stops": _timed_stops(main, internal, "Order-delivered", now),
            # ONDC B2B 2.0.2: one ITEM_DETAILS group per item of the delivery (ITEM_ID, COUNT).
            "tags": [
                b2b_tag("ITEM_DETAILS", [("ITEM_ID", sku), ("COUNT", str(count))])
                for sku, count in carried.items()
            ],
        },
    ]
    if proof:
        for fulfilment in (moved["fulfillments"][0], moved["fulfillments"][-1]):
            _with_proof(fulfilment, "end", "Proof of delivery", proof)
    state = "Completed" if complete else "In-progress"
    moved["state"] = state
    fulfillment_state = "Order-delivered" if complete else "Out-for-delivery"
    kept = {**internal, "delivered": done, "deliveries": deliveries,
            "delivered_paise": before + realised}  # fmt: skip
    return Step(moved, state, fulfillment_state, realised, kept)


def pay(
    wire: dict[str, Any], internal: Mapping[str, Any], amount: Decimal, reference: str,
    *, now: datetime,
) -> Step:  # fmt: skip
    """A payment of ``amount`` rupees received; the payment is PAID once the order's total
    is covered."""
    if amount <= 0:
        raise Refusal("30000", "amount: above 0")
    references = list(internal.get("payment_references") or [])
    if reference in references:
        raise Refusal("30000", f"reference: payment {reference} is recorded already")
    total = Decimal(wire["quote"]["price"]["value"])
    paid = Decimal(str(internal.get("paid", "0"))) + amount
    if paid > total:
        raise Refusal("30000", f"amount: {paid} received would be more than the total {total}")
    moved = dict(wire)
    payment = dict(moved["payments"][0])
    payment["status"] = "PAID" if paid >= total else "NOT-PAID"
    payment["params"] = {**payment.get("params", {}), "transaction_id": reference,
                         "amount": f"{total:.2f}", "currency": "INR"}  # fmt: skip
    moved["payments"] = [payment, *moved["payments"][1:]]
    moved["updated_at"] = schemas.format_timestamp(now)
    fulfilment = moved["fulfillments"][0].get("state", {}).get("descriptor", {}).get("code")
    kept = {**internal, "paid": f"{paid:.2f}", "payment_references": [*references, reference]}
    return Step(moved, str(moved.get("state")), str(fulfilment), int(amount * 100), kept)


def b2b_unsolicited(
    *,
    domain: str,
    city_code: str,
    bap_id: str,
    bap_uri: str,
    transaction_id: str,
    wire: dict[str, Any],
    action: str,
    identity: Identity,
    message_id: str,
    now: datetime,
) -> dict[str, Any]:
    """The body of a B2B callback the seller's step sends unasked (a fresh message id)."""
    return {
        "context": {
            "domain": domain,
            "location": {"city": {"code": city_code}, "country": {"code": "IND"}},
            "action": action,
            "version": "2.0.2",
            "bap_id": bap_id,
            "bap_uri": bap_uri,
            "bpp_id": identity.subscriber_id,
            "bpp_uri": identity.subscriber_url,
            "transaction_id": transaction_id,
            "message_id": message_id,
            "timestamp": schemas.format_timestamp(now),
            "ttl": "PT30S",
        },
        "message": {"order": wire},
    }
