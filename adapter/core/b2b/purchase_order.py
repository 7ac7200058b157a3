"""The B2B purchase order: ``/init`` -> ``/on_init`` (proforma terms) and ``/confirm`` ->
``/on_confirm`` (ONDC B2B 2.0.2). Pure apart from the ports it is given.

``/init`` comes after the quotation of ``/select`` in the same transaction and must ask for
the same items and quantities (else 40008: select again). The buyer's GSTIN in
``billing.tax_id`` must be a GSTIN and the one in its ``buyer_id`` tags; the payment type
must be the quoted one. ``/on_init`` repeats the quotation and adds the seller's terms
(``bpp_terms``: max_liability, max_liability_cap, mandatory_arbitration,
court_jurisdiction, delay_interest) and the payment with its settlement terms.

``/confirm`` is the purchase order: its ``bap_terms`` must accept the seller's terms
(``accept_bpp_terms`` Y) and its total must be the quoted one; else the PO is rejected
with 30019 naming why. An accepted PO takes its stock once (a PO confirmed twice is one
order: the second answer repeats the first) and is recorded on the LOI desk as ordered.
A PO outside the seller's rules is held for its decision (``adapter.core.b2b.po_review``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Final

import schemas
import schemas.b2b
from adapter.core.b2b.buyer_creds import buyer_creds
from adapter.core.b2b.cancellation import cancellation_terms
from adapter.core.b2b.finder_fee import finder_fee_refusal
from adapter.core.b2b.loi import GSTIN, MovementKind
from adapter.core.b2b.po_review import Deferred, Review, held_for, review_of
from adapter.core.b2b.ports import B2BDesk
from adapter.core.b2b.price_list import b2b_tag, payment_id
from adapter.core.b2b.replies import answers_b2b_refusals, b2b_reply
from adapter.core.b2b.rfq import b2b_order, buyer_gstin
from adapter.core.callbacks import Identity
from adapter.core.context_rules import parse_duration
from adapter.core.order_book import OrderBook, OrderPolicy, Refusal
from adapter.core.order_terms import payment_terms
from adapter.core.orders import INTERNAL, Change, OrderRow, Shortfall
from adapter.core.ownership import belongs_to, foreign_refusal
from catalog_sync.records import LocationRecord, SellerRecord

__all__ = ["BPP_TERMS", "on_confirm", "on_init", "start_stop"]

BPP_TERMS: Final = (
    ("max_liability", "2"),
    ("max_liability_cap", "10000"),
    ("mandatory_arbitration", "false"),
    ("court_jurisdiction", "Shimla"),
    ("delay_interest", "1000"),
)
"""The marketplace's terms for B2B orders: liability up to twice the order value, capped at
Rs 10,000; no mandatory arbitration; courts at Shimla; delay interest (paise per day)."""


def _as_json(model: schemas.WireModel | None) -> Any:
    return (
        None if model is None else model.model_dump(mode="json", by_alias=True, exclude_none=True)
    )


async def _draft(orders: OrderBook, request: schemas.Envelope, action: str) -> OrderRow:
    transaction_id = request.context.transaction_id or ""
    draft = await orders.by_transaction(transaction_id)
    if draft is not None and not belongs_to(draft, request.context):
        raise Refusal(*foreign_refusal(action))
    if draft is None or not b2b_order(draft.document):
        raise Refusal(
            "30000", f"/{action} needs the quotation of a B2B /select in this transaction"
        )
    return draft


def _same_lines(wire: dict[str, Any], order: schemas.b2b.B2BOrder) -> bool:
    quoted = sorted((i["id"], i["quantity"]["selected"]["count"]) for i in wire["items"])
    asked = sorted(
        (
            item.id,
            item.quantity.selected.count if item.quantity and item.quantity.selected else None,
        )
        for item in order.items or []
    )
    return quoted == asked


def _payment(
    wire: dict[str, Any],
    policy: OrderPolicy,
    seller: SellerRecord | None,
    finder_fee: tuple[str, str] | None,
) -> dict[str, Any]:
    """The order's payment: the quoted type, its settlement terms, and the finder fee the
    buyer app's search named (``adapter.core.b2b.finder_fee``), else the marketplace's."""
    quoted = wire["payments"][0]
    fee_type, fee_amount = finder_fee or (policy.finder_fee_type, policy.finder_fee_amount)
    settlement = (
        payment_terms(seller, policy, None)["@ondc/org/settlement_details"] if seller else None
    )
    return {
        "id": payment_id(quoted["type"]),
        "type": quoted["type"],
        "collected_by": quoted.get("collected_by", "BPP"),
        "params": {"currency": "INR", "amount": wire["quote"]["price"]["value"]},
        "status": "NOT-PAID",
        "@ondc/org/buyer_app_finder_fee_type": fee_type,
        "@ondc/org/buyer_app_finder_fee_amount": fee_amount,
        "@ondc/org/settlement_basis": policy.settlement_basis,
        "@ondc/org/settlement_window": policy.settlement_window,
        "@ondc/org/withholding_amount": policy.withholding_amount,
        **({"@ondc/org/settlement_details": settlement} if settlement else {}),
    }


@answers_b2b_refusals
async def on_init(
    request: schemas.Envelope,
    *,
    identity: Identity,
    now: datetime,
    orders: OrderBook,
    policy: OrderPolicy,
    b2b: B2BDesk,
    **_: Any,
) -> schemas.Envelope:
    """The proforma terms of a quoted RFQ."""
    assert isinstance(request, schemas.b2b.B2BInitRequest)
    order = request.message.order
    if order is None:
        raise Refusal("30000", "message.order is required")
    draft = await _draft(orders, request, "init")
    if draft.stage == "confirmed":
        raise Refusal("30000", "this transaction is already a purchase order")
    wire = dict(b2b_order(draft.document))
    if not _same_lines(wire, order):
        raise Refusal("40008", "message.order.items differ from the quotation: select again")
    gstin = buyer_gstin(order) or draft.document[INTERNAL].get("buyer_gstin")
    billing = order.billing
    tax_id = (billing.tax_id or "").strip().upper() if billing is not None else ""
    if not tax_id or not GSTIN.fullmatch(tax_id):
        raise Refusal("50005", "message.order.billing.tax_id: the buyer's GSTIN is required")
    if gstin and tax_id != gstin:
        raise Refusal(
            "50005",
            f"message.order.billing.tax_id {tax_id} is not the buyer_id GSTIN {gstin}",
        )
    asked = next((p.type for p in order.payments or [] if p.type), None)
    quoted_type = wire["payments"][0]["type"]
    if asked is not None and asked != quoted_type:
        raise Refusal("40004", f"message.order.payments[0].type {asked!r}: quoted {quoted_type}")
    found = await orders.seller(draft.seller_code)
    finder_fee = await b2b.search_finder_fee(draft.transaction_id, draft.bap_id)
    quoted_total = Decimal(wire["quote"]["price"]["value"])
    too_dear = finder_fee_refusal(finder_fee, total=quoted_total, ceiling=policy.finder_fee_ceiling)
    if too_dear is not None:  # a search sent after the quotation named more
        raise Refusal(*too_dear)
    fulfilment = dict(wire["fulfillments"][0])
    fulfilment.pop("state", None)
    asked_fulfilment = order.fulfillments[0] if order.fulfillments else None
    stops = (asked_fulfilment.model_extra or {}).get("stops") if asked_fulfilment else None
    if stops:
        fulfilment["stops"] = stops
    provider = wire["provider"]
    wire |= {
        "provider": {"id": provider["id"]},
        "provider_location": {"id": provider["locations"][0]["id"]},
        "billing": _as_json(billing),
        "fulfillments": [fulfilment],
        "payments": [_payment(wire, policy, found[0] if found else None, finder_fee)],
        "tags": [
            b2b_tag("buyer_id", [("buyer_id_code", "gst"), ("buyer_id_no", tax_id)]),
            b2b_tag("bpp_terms", list(BPP_TERMS)),
        ],
        "cancellation_terms": cancellation_terms(),
    }
    document = dict(draft.document)
    # The init may name the buyer's credentials anew (the contract's init_exports does).
    creds = buyer_creds(order) or draft.document[INTERNAL].get("buyer_creds") or []
    document[INTERNAL] = {**draft.document[INTERNAL], "b2b": wire, "buyer_gstin": tax_id,
                          "buyer_creds": creds}  # fmt: skip
    await orders.save_draft(
        transaction_id=draft.transaction_id, bap_id=draft.bap_id, bap_uri=draft.bap_uri,
        domain=draft.domain, city=draft.city, seller_code=draft.seller_code,
        stage="initialized", document=document, total=draft.total, now=now,
    )  # fmt: skip
    return b2b_reply(request, identity=identity, now=now, message={"order": wire})


async def _record_ordered(b2b: B2BDesk, order: OrderRow, now: datetime) -> None:
    wire = b2b_order(order.document)
    await b2b.record(
        buyer_gstin=order.document[INTERNAL].get("buyer_gstin"), buyer_app_id=order.bap_id,
        lines=[(order.seller_code, item["id"]) for item in wire["items"]],
        transaction_id=order.transaction_id, order_id=order.order_id, kind=MovementKind.ORDERED,
        amount_paise=int(order.total * 100), event_key=f"{order.transaction_id}:ordered",
        at=now,
    )  # fmt: skip


def _accepts_terms(order: schemas.b2b.B2BOrder) -> bool:
    terms = schemas.b2b.b2b_tag_group(order.tags, "bap_terms")
    value = terms.value_of("accept_bpp_terms") if terms is not None else None
    return isinstance(value, str) and value.strip().upper() == "Y"


def start_stop(seller: SellerRecord, location: LocationRecord) -> dict[str, Any]:
    """Where the goods leave from: the seller's location (ONDC B2B 2.0.2 ``start`` stop)."""
    return {
        "type": "start",
        "location": {"id": location.code, "descriptor": {"name": seller.name},
                     "gps": location.gps.replace(" ", "")},
        "contact": {"phone": seller.phone, "email": seller.email},
    }  # fmt: skip


def _po_wire(
    initialized: dict[str, Any], order_id: str, state: str, tags: list[Any], *,
    created: str, now: datetime, start: dict[str, Any] | None,
) -> dict[str, Any]:  # fmt: skip
    """The purchase order as on_confirm states it: the order of on_init with the PO's id,
    ``state``, the PO's tags and times; its delivery Pending."""
    wire = dict(initialized)
    fulfilment = {
        key: value
        for key, value in wire["fulfillments"][0].items()
        if key not in ("@ondc/org/category", "@ondc/org/TAT")
    }
    # Pending even on a rejected PO: the contract's on_confirm allows no other state.
    fulfilment["state"] = {"descriptor": {"code": "Pending"}}
    if start is not None:
        ends = [stop for stop in fulfilment.get("stops") or [] if stop.get("type") != "start"]
        fulfilment["stops"] = [start, *ends]
    location = wire.pop("provider_location", None)
    if location is not None:
        # on_init names the store apart; from on_confirm on it is among the provider's.
        wire["provider"] = {"id": wire["provider"]["id"], "locations": [location]}
    payments = wire.get("payments") or []
    if payments:
        # Each line names the order's payment (ONDC B2B 2.0.2 order items: payment_ids).
        ids = [str(p["id"]) for p in payments if p.get("id")] or [payment_id(payments[0]["type"])]
        wire["items"] = [{**item, "payment_ids": ids} for item in wire["items"]]
    return {
        "id": order_id, "state": state, **wire, "fulfillments": [fulfilment],
        "tags": tags or wire.get("tags", []),
        "created_at": created,
        "updated_at": schemas.format_timestamp(now),
    }  # fmt: skip


@answers_b2b_refusals
async def on_confirm(
    request: schemas.Envelope,
    *,
    identity: Identity,
    now: datetime,
    orders: OrderBook,
    b2b: B2BDesk,
    **_: Any,
) -> schemas.Envelope:
    """The purchase order accepted, held for its seller's decision, or rejected with 30019
    and the reason."""
    assert isinstance(request, schemas.b2b.B2BConfirmRequest)
    order = request.message.order
    if order is None or not order.id:
        raise Refusal("30000", "message.order.id is required")
    draft = await _draft(orders, request, "confirm")
    if draft.stage == "confirmed":
        if draft.order_id != order.id:
            raise Refusal("30019", f"this transaction is already purchase order {draft.order_id}")
        review = review_of(draft.document[INTERNAL].get("po_review"))
        if review is not None:
            return _held_answer(request, draft, review, identity=identity, now=now)
        # Recorded again (once per key): a reply rebuilt after a crash between the order's
        # commit and this record still moves the letter.
        await _record_ordered(b2b, draft, now)
        return b2b_reply(
            request, identity=identity, now=now, message={"order": b2b_order(draft.document)}
        )
    if draft.stage != "initialized":
        raise Refusal("30019", "a purchase order needs the /init of this transaction first")
    # The order's creation is the buyer's, as its PO says (the contract keeps it unchanged).
    created = order.created_at or schemas.format_timestamp(now)
    tags = [_as_json(tag) for tag in order.tags or []]
    found = await orders.seller(draft.seller_code)
    start = start_stop(*found) if found is not None else None

    def rejected(reason: str) -> schemas.Envelope:
        # ONDC B2B 2.0.2, on_confirm of a rejected PO: the order "Cancelled" with the error.
        wire = _po_wire(b2b_order(draft.document), order.id or "", "Cancelled", tags,
                        created=created, now=now, start=start)  # fmt: skip
        return b2b_reply(request, identity=identity, now=now, message={"order": wire},
                         error=("30019", f"purchase order rejected: {reason}"))  # fmt: skip

    if not _accepts_terms(order):
        return rejected(
            "message.order.tags bap_terms must accept the seller's terms (accept_bpp_terms Y)"
        )
    asked = order.quote.price.value if order.quote and order.quote.price else None
    if asked is None or Decimal(str(asked)) != draft.total:
        return rejected(
            f"message.order.quote.price.value {asked} is not the quoted {draft.total:.2f}"
        )
    review = held_for(
        await b2b.seller_terms(draft.seller_code),
        total_paise=int(draft.total * 100),
        now=now,
        answer_deadline=_answer_deadline(request, now),
    )
    state = "Accepted" if review is None else "Created"

    def finish(row: OrderRow) -> Change:
        wire = _po_wire(b2b_order(row.document), order.id or "", state, tags,
                        created=created, now=now, start=start)  # fmt: skip
        document = dict(row.document)
        tat = row.document[INTERNAL]["b2b"]["fulfillments"][0].get("@ondc/org/TAT")
        document[INTERNAL] = {**row.document[INTERNAL], "b2b": wire, "tat": tat}
        if review is not None:
            document[INTERNAL]["po_review"] = review.stored()
        return Change(state, "Pending", document)

    result = await orders.confirm(
        draft.transaction_id, order_id=order.id, now=now, finish=finish,
        accept_by=None if review is None else review.decide_by, ship_by=None,
    )  # fmt: skip
    if isinstance(result, Shortfall):
        short = ", ".join(f"{sku} ({free} left)" for sku, free in result.free.items())
        return rejected(f"not enough stock of {short}")
    kept = review_of(result.document[INTERNAL].get("po_review"))
    if kept is not None:
        return _held_answer(request, result, kept, identity=identity, now=now)
    wire = b2b_order(result.document)
    await _record_ordered(b2b, result, now)
    return b2b_reply(request, identity=identity, now=now, message={"order": wire})


def _answer_deadline(request: schemas.Envelope, now: datetime) -> datetime:
    """When the request's ttl ends: its timestamp plus its ttl (PT30S when it has none)."""
    context = request.context
    try:
        sent = schemas.parse_timestamp(context.timestamp) if context.timestamp else now
        ttl = parse_duration(context.ttl) if context.ttl else timedelta(seconds=30)
    except ValueError:
        sent, ttl = now, timedelta(seconds=30)
    return sent + ttl


def _held_answer(
    request: schemas.Envelope, order: OrderRow, review: Review, *, identity: Identity,
    now: datetime,
) -> schemas.Envelope:  # fmt: skip
    """The ``/on_confirm`` of a PO held for its seller's decision (``po_review``): the
    decision once made; until then, when the window fits the ttl, nothing yet (the build is
    :class:`Deferred`), else the order ``Created`` (the decision follows unsolicited)."""
    wire = b2b_order(order.document)
    if order.state == "Cancelled":
        reason = order.document[INTERNAL].get("po_decision_reason") or review.reason
        return b2b_reply(
            request, identity=identity, now=now, message={"order": wire},
            error=("30019", f"purchase order rejected: {reason}"),
        )  # fmt: skip
    if order.state == "Created" and review.solicited and now < review.answer_by:
        # Until the window closes; after it, each second until the timers apply the default.
        until = review.decide_by if now < review.decide_by else now + timedelta(seconds=1)
        raise Deferred(min(until, review.answer_by), "the PO awaits its seller's decision")
    return b2b_reply(request, identity=identity, now=now, message={"order": wire})
