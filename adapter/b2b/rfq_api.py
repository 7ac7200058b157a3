"""``/seller/v1/b2b/rfq-rules`` and ``/seller/v1/b2b/rfqs``: which RFQs a seller answers by
hand, and its decisions on them (``adapter.core.b2b.rfq_review``).

A held RFQ is listed with the quotation its price list makes, the list price of each line,
the reason it was held and when the window closes. The seller accepts it (that quotation),
counters it (its own unit prices before GST: above 0, not above the list price unless it
says ``above_list``; optionally the quotation's validity) or declines it (50005, or another
code of :data:`~adapter.core.b2b.rfq_review.DECLINE_CODES`, with the reason). A decision
makes the waiting ``/on_select`` due at once. Bodies are strict; a refusal names the field.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Request
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from adapter.admin.api import RowId
from adapter.catalog.b2b_rows import duration
from adapter.core.b2b.rfq_review import HeldRfq, RfqRules, RfqState, counter_quote
from adapter.runtime import Runtime
from adapter.seller_api.api import Seller
from adapter.seller_api.refusals import FieldNamingRoute
from adapter.storage.rfq_reviews import RfqStore, shown

__all__ = ["b2b_rfq_router"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RulesIn(_Strict):
    """Which RFQs the seller decides, for how long, and what happens without a decision."""

    review: Literal["off", "terms", "all"]
    decision_seconds: Annotated[int, Field(ge=10, le=7 * 24 * 3600)] = 3600
    default: Literal["quote", "decline"] = "quote"


class LineIn(_Strict):
    """A counter-offer's unit price (rupees, before GST) for one SKU of the RFQ."""

    sku: Annotated[str, Field(min_length=1, max_length=64)]
    unit_price: Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=2)]


class CounterIn(_Strict):
    """The seller's own quotation."""

    items: Annotated[list[LineIn], Field(min_length=1, max_length=100)]
    above_list: bool = False
    quote_ttl: Annotated[str, AfterValidator(duration)] | None = None


class DeclineIn(_Strict):
    """Why the seller will not quote."""

    reason: Annotated[str, Field(min_length=3, max_length=500)]
    code: Literal["50005", "40002", "40009", "30009"] = "50005"


def _runtime(request: Request) -> tuple[Runtime, RfqStore]:
    runtime: Runtime = request.app.state.runtime
    assert runtime.b2b_rfqs is not None
    return runtime, runtime.b2b_rfqs


def _rules_shown(rules: RfqRules) -> dict[str, Any]:
    return {"review": rules.review, "decision_seconds": rules.decision_seconds,
            "default": rules.default}  # fmt: skip


async def _pending(store: RfqStore, seller: str, rfq_id: int, runtime: Runtime) -> HeldRfq:
    held = await store.of_seller(seller, rfq_id)
    if held is None:
        raise HTTPException(status_code=404, detail=f"rfq_id: {rfq_id} is not an RFQ of yours")
    if held.state is not RfqState.PENDING:
        raise HTTPException(status_code=409, detail=f"this RFQ was decided already: {held.state}")
    if runtime.clock.now() >= held.decide_by:
        raise HTTPException(status_code=409, detail="this RFQ's window has closed")
    return held


async def _decide(
    runtime: Runtime, store: RfqStore, held: HeldRfq, state: RfqState, decision: dict[str, Any]
) -> dict[str, Any]:
    now = runtime.clock.now()
    after = await store.decide(held.id, state=state, decision=decision, actor="seller", now=now)
    if after.state is not state:  # the window's default (or another call) came first
        raise HTTPException(status_code=409, detail=f"this RFQ was decided already: {after.state}")
    await runtime.outbox.hurry(held.transaction_id, "on_select", now=now)
    await runtime.wakeup.notify()
    return shown(after)


def b2b_rfq_router() -> APIRouter:
    """A seller's RFQ rules and its decisions on held RFQs."""
    router = APIRouter(prefix="/seller/v1/b2b", tags=["sellers"], route_class=FieldNamingRoute)

    @router.put("/rfq-rules")
    async def put_rules(request: Request, seller: Seller, body: RulesIn) -> dict[str, Any]:
        """Set which RFQs the seller decides by hand."""
        runtime, store = _runtime(request)
        rules = RfqRules(seller, body.review, body.decision_seconds, body.default)
        await store.put_rules(rules, now=runtime.clock.now())
        return _rules_shown(rules)

    @router.get("/rfq-rules")
    async def rules(request: Request, seller: Seller) -> dict[str, Any]:
        """The seller's RFQ rules (``off`` when none are set)."""
        _, store = _runtime(request)
        return _rules_shown(await store.rules(seller) or RfqRules(seller))

    @router.get("/rfqs")
    async def listed(
        request: Request, seller: Seller, state: RfqState | None = None
    ) -> list[dict[str, Any]]:
        """The seller's held RFQs (``?state=pending``: those awaiting its decision)."""
        _, store = _runtime(request)
        return [shown(held) for held in await store.listed(seller, state)]

    @router.get("/rfqs/{rfq_id}")
    async def one(request: Request, seller: Seller, rfq_id: RowId) -> dict[str, Any]:
        """One held RFQ."""
        _, store = _runtime(request)
        held = await store.of_seller(seller, rfq_id)
        if held is None:
            raise HTTPException(status_code=404, detail=f"rfq_id: {rfq_id} is not an RFQ of yours")
        return shown(held)

    @router.post("/rfqs/{rfq_id}/accept")
    async def accept(request: Request, seller: Seller, rfq_id: RowId) -> dict[str, Any]:
        """Quote the RFQ from the price list."""
        runtime, store = _runtime(request)
        held = await _pending(store, seller, rfq_id, runtime)
        return await _decide(runtime, store, held, RfqState.QUOTED,
                             {"order": held.proposed["order"]})  # fmt: skip

    @router.post("/rfqs/{rfq_id}/counter")
    async def counter(
        request: Request, seller: Seller, rfq_id: RowId, body: CounterIn
    ) -> dict[str, Any]:
        """Quote the RFQ at the seller's own unit prices."""
        runtime, store = _runtime(request)
        held = await _pending(store, seller, rfq_id, runtime)
        prices = {line.sku: line.unit_price for line in body.items}
        try:
            order = counter_quote(held.proposed, prices, above_list=body.above_list,
                                  quote_ttl=body.quote_ttl)  # fmt: skip
        except ValueError as problem:
            raise HTTPException(status_code=422, detail=str(problem)) from None
        return await _decide(runtime, store, held, RfqState.COUNTERED, {"order": order})

    @router.post("/rfqs/{rfq_id}/decline")
    async def decline(
        request: Request, seller: Seller, rfq_id: RowId, body: DeclineIn
    ) -> dict[str, Any]:
        """Decline the RFQ with a code and the reason the buyer is given."""
        runtime, store = _runtime(request)
        held = await _pending(store, seller, rfq_id, runtime)
        return await _decide(runtime, store, held, RfqState.DECLINED,
                             {"code": body.code, "reason": body.reason})  # fmt: skip

    return router
