"""``/seller/v1/orders``: a seller sees and moves its own orders.

Each action (accept, reject, pack, ship, out_for_delivery, deliver, cancel, rto,
rto_delivered, rto_disposed; ready_to_ship for goods the buyer app's courier collects) is
one ``POST /seller/v1/orders/{order_id}/{action}``; the adapter moves the order and tells
the buyer app with an unsolicited ``on_status`` or ``on_cancel``. A return is moved by
``.../returns/{return_id}/{action}`` (``on_update``), and the delivery replacing a returned
piece (retail 1.2.5) by ``.../returns/{return_id}/replacement/{action}`` (``on_status``).
An action the order's state does not allow is refused with 409 and says what is allowed
now. Orders of other sellers do not exist for a seller's key (404).
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Annotated, Any, Literal, get_args

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from adapter.core.order_replies import INTERNAL, settlement, wire
from adapter.core.order_updates import UpdateRefused
from adapter.core.orders import SELLER_CANCEL_REASONS, IllegalTransition, OrderRow
from adapter.core.retail125.buyer_delivery import BUYER_DELIVERY, SELLER_ACTIONS, carrier_of
from adapter.core.retail125.cash_on_delivery import collection_refusal
from adapter.core.retail125.delivery_auth import authorisation_refusal
from adapter.core.retail125.delivery_slots import slot_of
from adapter.core.retail125.purchase_finance import FINANCE_KEY
from adapter.core.retail125.text_input import kept_texts
from adapter.runtime import Runtime
from adapter.seller_api.api import Seller
from adapter.seller_api.refusals import FieldNamingRoute
from adapter.storage.bounds import MAX_COUNT
from catalog_sync.customisation import customisation_id

__all__ = ["seller_orders_router"]

SellerAction = Literal[
    "accept", "reject", "pack", "ship", "out_for_delivery", "deliver", "hand_over", "cancel",
    "rto", "rto_delivered", "rto_disposed",
    # Retail 1.2.5 Buyer-Delivery: packed and ready for the buyer app's courier.
    "ready_to_ship",
    # The courier's legs, announced for orders served in retail 1.2.5 (their routing, P2P
    # or P2H2P, says which apply).
    "agent_assigned", "out_for_pickup", "at_pickup", "pickup_failed", "in_transit",
    "at_destination_hub", "at_delivery", "delivery_failed",
]  # fmt: skip


class ActionBody(BaseModel):
    """Details some actions need: a cancellation reason, a tracking or invoice link."""

    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, Field(pattern=r"^\d{3}$")] | None = None
    tracking_url: Annotated[str, Field(pattern=r"^https?://\S+$", max_length=2000)] | None = None
    invoice_url: Annotated[str, Field(pattern=r"^https?://\S+$", max_length=2000)] | None = None
    # Cash on delivery: the cash the seller or its courier collected (deliver, hand_over).
    cash_collected: Annotated[str, Field(pattern=r"^\d{1,9}(\.\d{1,2})?$")] | None = None
    # A delivery authorised by a code (retail 1.2.5): the code the buyer gave at the door.
    delivery_code: Annotated[str, Field(pattern=r"^\d{4,8}$")] | None = None


class DeliveryAuthBody(BaseModel):
    """The code a delivery is authorised by (retail 1.2.5): given, or made up (six digits);
    valid for ``valid_minutes``."""

    model_config = ConfigDict(extra="forbid")

    code: Annotated[str, Field(pattern=r"^\d{4,8}$")] | None = None
    valid_minutes: Annotated[int, Field(ge=5, le=7 * 24 * 60)] = 24 * 60


class CancelLine(BaseModel):
    """Pieces of one item the seller cannot supply."""

    model_config = ConfigDict(extra="forbid")

    sku: Annotated[str, Field(min_length=1, max_length=64)]
    quantity: Annotated[int, Field(ge=1, le=MAX_COUNT)]


class PartCancel(BaseModel):
    """A part cancel: which pieces, and why (a seller cancellation code, usually 002)."""

    model_config = ConfigDict(extra="forbid")

    items: Annotated[list[CancelLine], Field(min_length=1, max_length=100)]
    reason: Annotated[str, Field(pattern=r"^\d{3}$")] = "002"


ReturnAction = Literal["approve", "reject", "pick", "deliver", "liquidate"]

ReplacementAction = Literal[
    "pack", "agent_assigned", "out_for_pickup", "at_pickup", "pickup_failed", "ship",
    "in_transit", "at_destination_hub", "out_for_delivery", "at_delivery", "delivery_failed",
    "deliver",
]  # fmt: skip
"""What the seller reports of the delivery replacing a returned piece (retail 1.2.5;
``adapter.core.retail125.replacement.REPLACEMENT_EVENTS``)."""


# A buyer collecting at the store is handed the goods (hand_over): nothing is shipped.
_DELIVERY_ONLY = frozenset({"ship", "out_for_delivery", "deliver", "rto", "rto_delivered",
                            "rto_disposed", "agent_assigned", "out_for_pickup", "at_pickup",
                            "pickup_failed", "in_transit", "at_destination_hub",
                            "at_delivery", "delivery_failed"})  # fmt: skip


def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def _summary(row: OrderRow) -> dict[str, Any]:
    document = row.document
    # What the buyer asked to have written on an item (a name to embroider), by item.
    written = kept_texts(document)
    return {
        "order_id": row.order_id,
        "state": row.state,
        "fulfillment_state": row.fulfillment_state,
        "total": str(row.total),
        "buyer_app": row.bap_id,
        "items": [
            {
                "sku": item["id"],
                "quantity": item["quantity"]["count"],
                **(
                    {"text": written[customisation_id(item["id"])]}
                    if customisation_id(item["id"]) in written
                    else {}
                ),
            }
            for item in document.get("items", [])
        ],
        "confirmed_at": row.confirmed_at,
        "accept_by": row.accept_by,
        "ship_by": row.ship_by,
        "tracking_url": document.get(INTERNAL, {}).get("tracking_url"),
        **_slot(document),
        # Who carries the goods; for a buyer app's courier, the package quoted and measured.
        "delivery": carrier_of(document),
        # How the buyer pays: who collects (BAP, or BPP: this seller app) and whether it is
        # paid; a buyer app's purchase finance terms (retail 1.2.5), if it lends the price.
        "payment": {
            key: document.get("payment", {}).get(key) for key in ("collected_by", "status")
        },
        "purchase_finance": document.get(INTERNAL, {}).get(FINANCE_KEY),
    }


def _slot(document: dict[str, Any]) -> dict[str, Any]:
    """The delivery slot the buyer chose (retail 1.2.5), when the order has one."""
    slot = next(filter(None, map(slot_of, document.get("fulfillments") or [])), None)
    if slot is None:
        return {}
    window = slot.time_range()["range"]
    return {"delivery_slot": {"id": slot.id, "start": window["start"], "end": window["end"]}}


BuyerApp = Annotated[
    str | None,
    Query(
        max_length=255,
        description="the buyer app (its subscriber id) whose order this is: needed only when "
        "two buyer apps have given orders of yours the same id",
    ),
]


async def _own_order(
    runtime: Runtime, seller: str, order_id: str, buyer_app: str | None
) -> OrderRow:
    """The one order of ``seller`` this path names: an order id is the buyer app's own, so
    two buyer apps may use the same one; then ``buyer_app`` must say which is meant."""
    rows = await runtime.orders.with_order_id(order_id, seller_code=seller)
    if buyer_app is not None:
        rows = [row for row in rows if row.bap_id == buyer_app]
    if not rows:
        raise HTTPException(status_code=404, detail=f"order_id: no order {order_id} of yours")
    if len(rows) > 1:
        apps = ", ".join(row.bap_id for row in rows)
        raise HTTPException(
            status_code=409,
            detail=f"buyer_app: {len(rows)} of your orders have id {order_id} (from buyer "
            f"apps {apps}); say which with ?buyer_app=<subscriber id>",
        )
    if rows[0].document.get(INTERNAL, {}).get("contract") == "B2B 2.0.2":
        # Its steps and callbacks are B2B's: moved here, it would be told in retail terms.
        raise HTTPException(
            status_code=409, detail=f"order_id: {order_id} is a B2B order: /seller/v1/b2b/orders"
        )
    return rows[0]


def seller_orders_router() -> APIRouter:
    """Order endpoints a seller calls with its own key."""
    router = APIRouter(prefix="/seller/v1/orders", tags=["orders"], route_class=FieldNamingRoute)

    @router.get("")
    async def list_orders(request: Request, seller: Seller) -> list[dict[str, Any]]:
        """This seller's orders, newest first."""
        return [_summary(row) for row in await _runtime(request).orders.orders_of(seller)]

    @router.get("/{order_id}")
    async def order(
        request: Request, seller: Seller, order_id: str, buyer_app: BuyerApp = None
    ) -> dict[str, Any]:
        """One order: the order as the buyer app has it, its history and its settlement."""
        runtime = _runtime(request)
        row = await _own_order(runtime, seller, order_id, buyer_app)
        events = await runtime.orders.events(row.pk)
        # Delivered by the seller's courier, or reported so by the buyer app's own.
        delivered = next(
            (e["at"] for e in events if e["event"] in ("deliver", "buyer_delivered")), None
        )
        return {
            **_summary(row),
            "order": wire(row.document),
            "history": events,
            "settlement": settlement(row, delivered_at=delivered),
        }

    @router.post("/{order_id}/part_cancel")
    async def cancel_part(
        request: Request,
        seller: Seller,
        order_id: str,
        body: PartCancel,
        buyer_app: BuyerApp = None,
    ) -> dict[str, Any]:
        """Cancel pieces the seller cannot supply; the rest of the order goes on."""
        if body.reason not in SELLER_CANCEL_REASONS:
            raise HTTPException(
                status_code=422, detail=f"reason: {body.reason} is not a seller cancellation code"
            )
        runtime = _runtime(request)
        row = await _own_order(runtime, seller, order_id, buyer_app)
        pieces: dict[str, int] = {}
        for line in body.items:
            pieces[line.sku] = pieces.get(line.sku, 0) + line.quantity
        try:
            moved = await runtime.desk.part_cancel(row, pieces, reason=body.reason)
        except UpdateRefused as exc:
            raise HTTPException(status_code=409, detail=str(exc)) from exc
        except IllegalTransition as exc:
            raise HTTPException(status_code=409, detail=f"state: {exc}") from exc
        return _summary(moved)

    @router.post("/{order_id}/returns/{return_id}/{action}")
    async def act_on_return(
        request: Request,
        seller: Seller,
        order_id: str,
        return_id: str,
        action: ReturnAction,
        body: ActionBody | None = None,
        buyer_app: BuyerApp = None,
    ) -> dict[str, Any]:
        """Approve or reject a return, record its pick-up and arrival, or liquidate it
        (refund without collecting); the buyer app is told with an unsolicited on_update."""
        runtime = _runtime(request)
        row = await _own_order(runtime, seller, order_id, buyer_app)
        reason = body.reason if body is not None else None
        try:
            moved = await runtime.desk.on_return(row, return_id, action, reason=reason)
        except UpdateRefused as exc:
            status = 404 if exc.code == "50007" else 409
            raise HTTPException(status_code=status, detail=f"return_id: {exc}") from exc
        except IllegalTransition as exc:
            raise HTTPException(status_code=409, detail=f"state: {exc}") from exc
        return {**_summary(moved), "returns": moved.document.get(INTERNAL, {}).get("returns", {})}

    @router.post("/{order_id}/returns/{return_id}/replacement/{action}")
    async def act_on_replacement(
        request: Request,
        seller: Seller,
        order_id: str,
        return_id: str,
        action: ReplacementAction,
        body: ActionBody | None = None,
        buyer_app: BuyerApp = None,
    ) -> dict[str, Any]:
        """Move the delivery that replaces a returned piece (retail 1.2.5: sent once the
        return is picked up); the buyer app is told with an unsolicited on_status."""
        runtime = _runtime(request)
        row = await _own_order(runtime, seller, order_id, buyer_app)
        tracking_url = body.tracking_url if body is not None else None
        try:
            moved = await runtime.desk.on_replacement(
                row, return_id, action, tracking_url=tracking_url
            )
        except LookupError as exc:
            raise HTTPException(status_code=404, detail=f"return_id: {exc}") from exc
        except IllegalTransition as exc:
            raise HTTPException(status_code=409, detail=f"state: {exc}") from exc
        return {**_summary(moved), "returns": moved.document.get(INTERNAL, {}).get("returns", {})}

    @router.post("/{order_id}/delivery_auth")
    async def authorise_delivery(
        request: Request,
        seller: Seller,
        order_id: str,
        body: DeliveryAuthBody | None = None,
        buyer_app: BuyerApp = None,
    ) -> dict[str, Any]:
        """Set the code the delivery is authorised by (retail 1.2.5): the buyer app is told
        with an unsolicited on_update, and ``deliver`` then needs the code as
        ``delivery_code``."""
        asked = body or DeliveryAuthBody()
        code = asked.code or f"{secrets.randbelow(10**6):06d}"
        runtime = _runtime(request)
        row = await _own_order(runtime, seller, order_id, buyer_app)
        try:
            moved = await runtime.desk.delivery_auth(
                row, code, valid_for=timedelta(minutes=asked.valid_minutes)
            )
        except IllegalTransition as exc:
            raise HTTPException(status_code=409, detail=f"state: {exc}") from exc
        authorization = moved.document["fulfillments"][0]["end"]["authorization"]
        return {**_summary(moved), "delivery_code": code, "valid_to": authorization["valid_to"]}

    @router.post("/{order_id}/{action}")
    async def act(
        request: Request,
        seller: Seller,
        order_id: str,
        action: SellerAction,
        body: ActionBody | None = None,
        buyer_app: BuyerApp = None,
    ) -> dict[str, Any]:
        """Move the order; the buyer app is told with an unsolicited callback."""
        details = body or ActionBody()
        if action in ("reject", "cancel"):
            if details.reason is None:
                raise HTTPException(
                    status_code=422,
                    detail="reason: a seller cancellation code is required, one of "
                    + ", ".join(f"{code} ({text})" for code, text in SELLER_CANCEL_REASONS.items()),
                )
            if details.reason not in SELLER_CANCEL_REASONS:
                raise HTTPException(
                    status_code=422,
                    detail=f"reason: {details.reason} is not a seller cancellation code",
                )
        if action == "ship" and details.invoice_url is None:
            raise HTTPException(
                status_code=422,
                detail="invoice_url: a link to the GST invoice is required to ship (buyer "
                "apps must have it from pick-up on)",
            )
        runtime = _runtime(request)
        row = await _own_order(runtime, seller, order_id, buyer_app)
        kind = row.document.get("fulfillments", [{}])[0].get("type", "Delivery")
        wrong = _DELIVERY_ONLY if kind == "Self-Pickup" else {"hand_over", "ready_to_ship"}
        instead = "hand_over" if kind == "Self-Pickup" else "ship, out_for_delivery, deliver"
        if kind == BUYER_DELIVERY:
            # The buyer app's courier carries it: the buyer app reports pick-up and delivery.
            wrong = set(get_args(SellerAction)) - SELLER_ACTIONS
            instead = "ready_to_ship; the buyer app reports pick-up and delivery"
        if action in wrong:
            raise HTTPException(
                status_code=409,
                detail=f"state: order {order_id} is {kind}: {action} does not apply "
                f"({instead} does)",
            )
        if action == "deliver":
            unauthorised = authorisation_refusal(
                row.document, details.delivery_code, now=runtime.clock.now()
            )
            if unauthorised is not None:
                raise HTTPException(status_code=422, detail=unauthorised)
        elif details.delivery_code is not None:
            raise HTTPException(status_code=422, detail="delivery_code: given with deliver only")
        if action in ("deliver", "hand_over"):
            unpaid = collection_refusal(row.document, details.cash_collected)
            if unpaid is not None:
                raise HTTPException(status_code=422, detail=unpaid)
        elif details.cash_collected is not None:
            raise HTTPException(
                status_code=422, detail="cash_collected: reported with deliver or hand_over only"
            )
        try:
            moved = await runtime.desk.apply(
                row,
                action,
                actor="seller",
                reason=details.reason,
                tracking_url=details.tracking_url,
                invoice_url=details.invoice_url,
            )
        except IllegalTransition as exc:
            raise HTTPException(status_code=409, detail=f"state: {exc}") from exc
        return _summary(moved)

    return router
