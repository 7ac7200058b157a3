"""``/seller/v1/complaints``: the seller's own complaints against a buyer app (IGM 2.0.0,
the contract's Flow2): a buyer who refused a cash-on-delivery parcel, a return that came
back damaged, the seller's shop not shown by the buyer app.

``POST /seller/v1/complaints`` raises one about an order's buyer app (sent to it as
``/issue``); ``GET /seller/v1/complaints`` and ``GET /seller/v1/complaints/{id}`` show them
with the buyer app's answers (``/on_issue``: taken up, resolutions proposed, resolved);
``POST /seller/v1/complaints/{id}/{step}`` ``accept`` the last proposed resolution,
``escalate`` (reject it and raise the complaint to the buyer app's grievance officer) or
``close``. The seller's webhook hears ``complaint.answered`` when the buyer app answers.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from adapter.admin.api import RowId
from adapter.igm.raised import ComplainantStep, Complaint, StepNotAllowed
from adapter.outbound.raised_desk import RaisedDesk
from adapter.runtime import Runtime
from adapter.seller_api.api import Seller
from adapter.seller_api.orders import _own_order
from adapter.seller_api.refusals import FieldNamingRoute
from adapter.storage.raised_issues import RaisedIssue, RaisedIssueStore, RaisedMoved

__all__ = ["seller_complaints_router"]


class NewComplaint(BaseModel):
    """What the seller complains of, about which order's buyer app."""

    model_config = ConfigDict(extra="forbid")

    order_id: Annotated[str, Field(min_length=1, max_length=255)]
    buyer_app: Annotated[str, Field(min_length=1, max_length=255)] | None = None
    code: Annotated[
        str, Field(pattern=r"^[A-Z]{3}\d{3}$", description="IGM issue code, e.g. PMT002")
    ]
    short_desc: Annotated[str, Field(min_length=1, max_length=500)]
    long_desc: Annotated[str, Field(min_length=1, max_length=2000)] | None = None


def _parts(request: Request) -> tuple[Runtime, RaisedIssueStore, RaisedDesk]:
    runtime: Runtime = request.app.state.runtime
    assert runtime.raised_issues is not None
    assert runtime.raised is not None
    return runtime, runtime.raised_issues, runtime.raised


async def _own(store: RaisedIssueStore, seller: str, pk: int) -> RaisedIssue:
    row = await store.get(pk, seller_code=seller)
    if row is None:
        raise HTTPException(status_code=404, detail=f"id: no complaint {pk} of yours")
    return row


def seller_complaints_router() -> APIRouter:
    """The seller's complaints against buyer apps, with its own key."""
    router = APIRouter(
        prefix="/seller/v1/complaints", tags=["grievances"], route_class=FieldNamingRoute
    )

    @router.post("", status_code=201)
    async def raise_complaint(
        request: Request, seller: Seller, body: NewComplaint
    ) -> dict[str, Any]:
        """Raise a complaint against the buyer app of one of the seller's orders."""
        runtime, _, desk = _parts(request)
        order = await _own_order(runtime, seller, body.order_id, body.buyer_app)
        if order.order_id is None:
            raise HTTPException(status_code=404, detail=f"order_id: no order {body.order_id}")
        found = await runtime.catalogue.seller(seller)
        if found is None:
            raise HTTPException(status_code=404, detail="seller: not registered")
        record = found[0]
        complaint = Complaint(body.code, body.short_desc, body.long_desc)
        contact = {"name": record.name, "phone": record.phone, "email": record.email}
        return (await desk.raise_on(order, complaint, seller=contact)).view()

    @router.get("")
    async def complaints(
        request: Request,
        seller: Seller,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
    ) -> list[dict[str, Any]]:
        """The seller's complaints, newest first."""
        _, store, _ = _parts(request)
        return [row.view() for row in await store.listing(seller, limit=limit)]

    @router.get("/{pk}")
    async def complaint(request: Request, seller: Seller, pk: RowId) -> dict[str, Any]:
        """One complaint with the buyer app's answers."""
        _, store, _ = _parts(request)
        return (await _own(store, seller, pk)).view()

    @router.post("/{pk}/{step}")
    async def act(
        request: Request, seller: Seller, pk: RowId, step: ComplainantStep
    ) -> dict[str, Any]:
        """Accept the buyer app's last proposed resolution, escalate, or close; the buyer
        app is told with ``/issue``."""
        _, store, desk = _parts(request)
        row = await _own(store, seller, pk)
        try:
            return (await desk.step(row, step)).view()
        except StepNotAllowed as exc:
            raise HTTPException(status_code=409, detail=str(exc)) from exc
        except RaisedMoved as exc:
            raise HTTPException(
                status_code=409, detail=f"state: changed meanwhile ({exc}); read it again"
            ) from exc

    return router
