"""``/seller/v1/b2b/orders``: a seller decides the purchase orders held for it (accept,
reject) and moves its B2B orders after the purchase order: stages of delivery, split
deliveries, payments received. Each step sends the buyer app an unsolicited B2B
``on_status`` (a decision: the ``on_confirm``) and moves the letters of intent the order
realises."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field, HttpUrl

from adapter.b2b.order_events import B2BOrderSteps, NotB2BOrder
from adapter.core.b2b.po_review import Decision
from adapter.core.b2b.rfq import b2b_order
from adapter.core.order_book import Refusal
from adapter.core.orders import INTERNAL, IllegalTransition, OrderRow
from adapter.runtime import Runtime
from adapter.seller_api.api import Seller
from adapter.seller_api.refusals import FieldNamingRoute

__all__ = ["b2b_documents_router", "b2b_orders_router"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StageIn(_Strict):
    """The delivery's new stage."""

    stage: Literal["Packed", "Order-picked-up", "Out-for-delivery"]
    proof_images: Annotated[list[HttpUrl], Field(max_length=10)] = []
    # The courier's tracking page, answered to the buyer app's /track from then on.
    tracking_url: HttpUrl | None = None


class PiecesIn(_Strict):
    """Pieces of one line carried by a delivery."""

    sku: Annotated[str, Field(min_length=1, max_length=64)]
    count: Annotated[int, Field(ge=1)]


class DeliveryIn(_Strict):
    """A delivery: the pieces it carried (a split delivery), or everything left."""

    items: Annotated[list[PiecesIn], Field(max_length=200)] | None = None
    proof_images: Annotated[list[HttpUrl], Field(max_length=10)] = []


class PaymentIn(_Strict):
    """A payment received, in rupees, with the payment's own reference."""

    amount: Annotated[Decimal, Field(gt=0, max_digits=14, decimal_places=2)]
    reference: Annotated[str, Field(min_length=1, max_length=100)]


class RejectIn(_Strict):
    """Why the seller rejects a purchase order held for its decision (the buyer app is
    told, with error 30019)."""

    reason: Annotated[str, Field(min_length=3, max_length=200)]


class CancelIn(_Strict):
    """The seller's reason code for cancelling (002 items not available, 005 rejected...)."""

    reason: Annotated[str, Field(min_length=3, max_length=3)]


def _steps(request: Request) -> B2BOrderSteps:
    runtime: Runtime = request.app.state.runtime
    return runtime.b2b_steps


async def _decide(
    request: Request, seller: str, order_id: str, decision: Decision, reason: str | None
) -> OrderRow:
    runtime: Runtime = request.app.state.runtime
    order = await runtime.b2b_steps.order(order_id, seller)
    return await runtime.b2b_po.decide(order, decision, reason=reason, actor="seller")


def _shown(order: OrderRow) -> dict[str, Any]:
    return {
        "order_id": order.order_id,
        "state": order.state,
        "fulfillment_state": order.fulfillment_state,
        "order": b2b_order(order.document),
        # What the buyer named of itself (an importer's licence): the callbacks omit it.
        "buyer_creds": order.document[INTERNAL].get("buyer_creds") or [],
    }


async def _run(step: Any) -> dict[str, Any]:
    try:
        return _shown(await step)
    except NotB2BOrder as missing:
        raise HTTPException(
            status_code=404, detail=f"order_id: no B2B order {missing} of yours"
        ) from None
    except Refusal as refusal:
        raise HTTPException(status_code=409, detail=refusal.message) from None
    except IllegalTransition:
        raise HTTPException(
            status_code=409, detail="the order changed meanwhile; read it and retry"
        ) from None


def b2b_orders_router() -> APIRouter:
    """A seller's steps on its B2B orders."""
    router = APIRouter(
        prefix="/seller/v1/b2b/orders", tags=["sellers"], route_class=FieldNamingRoute
    )

    @router.get("/{order_id}")
    async def show(request: Request, seller: Seller, order_id: str) -> dict[str, Any]:
        """One B2B order as the buyer app has it."""
        return await _run(_steps(request).order(order_id, seller))

    @router.post("/{order_id}/stage")
    async def stage(
        request: Request, seller: Seller, order_id: str, body: StageIn
    ) -> dict[str, Any]:
        """Move the delivery to a stage (packed, picked up, out for delivery)."""
        proof = [str(url) for url in body.proof_images]
        tracking_url = str(body.tracking_url) if body.tracking_url is not None else None
        return await _run(
            _steps(request).ship(order_id, seller, body.stage, proof, tracking_url=tracking_url)
        )

    @router.post("/{order_id}/deliveries")
    async def delivery(
        request: Request, seller: Seller, order_id: str, body: DeliveryIn
    ) -> dict[str, Any]:
        """Record a delivery: some pieces (split delivery) or all that is left."""
        pieces = {p.sku: p.count for p in body.items} if body.items else None
        proof = [str(url) for url in body.proof_images]
        return await _run(_steps(request).deliver(order_id, seller, pieces, proof))

    @router.post("/{order_id}/payments")
    async def payment(
        request: Request, seller: Seller, order_id: str, body: PaymentIn
    ) -> dict[str, Any]:
        """Record a payment received (advance, on delivery or on credit)."""
        return await _run(_steps(request).paid(order_id, seller, body.amount, body.reference))

    @router.post("/{order_id}/accept")
    async def accept(request: Request, seller: Seller, order_id: str) -> dict[str, Any]:
        """Accept a purchase order held for your decision (``on_confirm`` Accepted)."""
        return await _run(_decide(request, seller, order_id, Decision.ACCEPT, None))

    @router.post("/{order_id}/reject")
    async def reject(
        request: Request, seller: Seller, order_id: str, body: RejectIn
    ) -> dict[str, Any]:
        """Reject a purchase order held for your decision (``on_confirm`` 30019, the reason
        given); its stock goes back."""
        return await _run(_decide(request, seller, order_id, Decision.REJECT, body.reason))

    @router.post("/{order_id}/cancel")
    async def seller_cancel(
        request: Request, seller: Seller, order_id: str, body: CancelIn
    ) -> dict[str, Any]:
        """Cancel the order before its goods leave (the buyer app is told)."""
        return await _run(_steps(request).cancel(order_id, seller, body.reason))

    return router


def b2b_documents_router() -> APIRouter:
    """B2B order documents at signed URLs (no account: the URL's signature is the key)."""
    router = APIRouter(prefix="/b2b/documents", tags=["B2B documents"])

    @router.get("/{seller_code}/{order_id}/{kind}.pdf")
    async def document(
        request: Request,
        seller_code: str,
        order_id: str,
        kind: str,
        sig: Annotated[str, Query(min_length=64, max_length=64)],
    ) -> Response:
        """A proforma or tax invoice (PDF with the GST breakup)."""
        pdf = await _steps(request).document(seller_code, order_id, kind, sig)
        if pdf is None:
            raise HTTPException(status_code=404, detail="no such document")
        return Response(pdf, media_type="application/pdf")

    return router
