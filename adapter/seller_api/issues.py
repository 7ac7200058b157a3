"""``/seller/v1/issues``: a seller reads the complaints about its orders and answers them.

``GET /seller/v1/issues`` lists them (``?status=OPEN``), ``GET /seller/v1/issues/{id}``
shows one: the buyer's words and images, the order and item, the log of actions, the
resolutions and the times it must be answered and resolved by, with English and Hindi
labels, who owns it (the seller, or our grievance officer once escalated), and never
the complainant's phone or e-mail. ``POST /seller/v1/issues/{id}/{step}``
acts: ``process``, ``ask_info``, ``propose`` (with ``resolutions``), ``resolve`` (IGM
1.0.0: with one resolution, carried out at once), ``cascade`` (IGM 1.0.0). The buyer app
is told with an unsolicited ``on_issue`` (IGM 2.0.0) or ``on_issue_status`` (IGM 1.0.0).
Issues of other sellers do not exist for a seller's key (404).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from adapter.admin.api import RowId
from adapter.core.orders import IllegalTransition
from adapter.igm.book import IssueMoved, IssueRow
from adapter.igm.desk import IssueDesk, Proposal, StepRefused, parse_refund
from adapter.igm.views import seller_view
from adapter.runtime import Runtime
from adapter.seller_api.api import Seller
from adapter.seller_api.refusals import FieldNamingRoute
from adapter.storage.issues import IssueStore

__all__ = ["seller_issues_router"]

Step = Literal["process", "ask_info", "propose", "resolve", "cascade"]
Status = Literal["OPEN", "PROCESSING", "RESOLVED", "CLOSED"]


class ResolutionBody(BaseModel):
    """A resolution the seller offers (or, in IGM 1.0.0, carries out)."""

    model_config = ConfigDict(extra="forbid")

    code: Literal["REFUND", "REPLACEMENT", "RETURN", "CANCEL", "NO_ACTION", "NO-ACTION"]
    short_desc: Annotated[str, Field(min_length=1, max_length=500)]
    refund_amount: Annotated[str, Field(pattern=r"^\d{1,9}(\.\d{1,2})?$")] | None = None


class StepBody(BaseModel):
    """What the seller says with a step, and the resolutions it proposes."""

    model_config = ConfigDict(extra="forbid")

    text: Annotated[str, Field(min_length=1, max_length=500)] | None = None
    resolutions: Annotated[list[ResolutionBody], Field(max_length=5)] = []


def _parts(request: Request) -> tuple[IssueStore, IssueDesk]:
    runtime: Runtime = request.app.state.runtime
    assert runtime.issues is not None
    assert runtime.grievances is not None
    return runtime.issues, runtime.grievances


def _view(store: IssueStore, row: IssueRow) -> dict[str, Any]:
    return {"id": row.pk, **seller_view(row, store.respondent), "created_at": row.created_at}


async def _own_issue(store: IssueStore, seller: str, pk: int) -> IssueRow:
    row = await store.get(pk, seller_code=seller)
    if row is None:
        raise HTTPException(status_code=404, detail=f"id: no complaint {pk} about your orders")
    return row


def seller_issues_router() -> APIRouter:
    """Complaint endpoints a seller calls with its own key."""
    router = APIRouter(
        prefix="/seller/v1/issues", tags=["grievances"], route_class=FieldNamingRoute
    )

    @router.get("")
    async def list_issues(
        request: Request, seller: Seller, status: Annotated[Status | None, Query()] = None
    ) -> list[dict[str, Any]]:
        """This seller's complaints, newest first."""
        store, _ = _parts(request)
        rows = await store.listing(seller_code=seller, statuses=[status] if status else None)
        return [_view(store, row) for row in rows]

    @router.get("/{pk}")
    async def issue(request: Request, seller: Seller, pk: RowId) -> dict[str, Any]:
        """One complaint, as the seller may see it."""
        store, _ = _parts(request)
        return _view(store, await _own_issue(store, seller, pk))

    @router.post("/{pk}/{step}")
    async def act(
        request: Request, seller: Seller, pk: RowId, step: Step, body: StepBody | None = None
    ) -> dict[str, Any]:
        """Take a step on a complaint; the buyer app is told at once."""
        store, desk = _parts(request)
        row = await _own_issue(store, seller, pk)
        given = body or StepBody()
        try:
            proposals = [
                Proposal(r.code, r.short_desc, parse_refund(r.refund_amount))
                for r in given.resolutions
            ]
            moved = await desk.act(row, step, text=given.text, proposals=proposals)
        except StepRefused as exc:
            raise HTTPException(status_code=409, detail=str(exc)) from exc
        except (IssueMoved, IllegalTransition) as exc:
            raise HTTPException(
                status_code=409, detail=f"state: changed meanwhile ({exc}); read it again"
            ) from exc
        return _view(store, moved)

    return router
