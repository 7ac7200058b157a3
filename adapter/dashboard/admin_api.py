"""``/admin/v1/dashboard``: operators issue dashboard logins and add letters of intent known
by product and district to the LOI desk (the one letters register; its full form, with
the buyer's GSTIN and items, is ``/admin/v1/loi``).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import uuid4

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from adapter.admin.api import RowId, _json_row, require_operator
from adapter.runtime import Runtime
from adapter.storage.loi_desk import LetterRecord
from adapter.storage.order_facts import IST

__all__ = ["NewCredential", "NewLetter", "dashboard_admin_router"]


def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


class NewCredential(BaseModel):
    """A dashboard login for a department viewer or for one seller."""

    model_config = ConfigDict(extra="forbid")

    role: Literal["viewer", "seller"]
    seller_code: Annotated[str | None, Field(max_length=64)] = None
    label: Annotated[str, Field(min_length=1, max_length=80)] = "dashboard"


class NewLetter(BaseModel):
    """A letter of intent signed at a buyer-seller meet."""

    model_config = ConfigDict(extra="forbid")

    buyer: Annotated[str, Field(min_length=1, max_length=200)]
    buyer_app_id: Annotated[str | None, Field(max_length=255)] = None
    product: Annotated[str, Field(min_length=1, max_length=120, description="ODOP product")]
    district: Annotated[str, Field(min_length=1, max_length=40)]
    value: Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2, description="₹")]
    signed_on: datetime | Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")]
    meet: Annotated[str | None, Field(max_length=200)] = None


def dashboard_admin_router() -> APIRouter:
    """Operators issue dashboard logins and add letters to the LOI desk."""
    router = APIRouter(
        prefix="/admin/v1/dashboard", tags=["dashboard"], dependencies=[Depends(require_operator)]
    )

    @router.post("/credentials", status_code=201)
    async def create(request: Request, body: NewCredential) -> dict[str, Any]:
        """A viewer's or seller's token; shown here once and never again."""
        runtime = _runtime(request)
        if body.role == "seller":
            if not body.seller_code or await runtime.catalogue.seller(body.seller_code) is None:
                raise HTTPException(status_code=422, detail="seller_code: not a registered seller")
        elif body.seller_code is not None:
            raise HTTPException(status_code=422, detail="seller_code: only for role seller")
        credential, token = await runtime.credentials.create(
            role=body.role, seller_code=body.seller_code, label=body.label, now=runtime.clock.now()
        )
        return {
            "id": credential.id,
            "role": credential.role,
            "seller_code": credential.seller_code,
            "token": token,
        }

    @router.get("/credentials")
    async def credentials(request: Request) -> list[dict[str, Any]]:
        """Every dashboard login (never its token)."""
        return [_json_row(row) for row in await _runtime(request).credentials.list()]

    @router.delete("/credentials/{credential_id}", status_code=204)
    async def revoke(request: Request, credential_id: RowId) -> Response:
        """Stop a login working."""
        runtime = _runtime(request)
        if not await runtime.credentials.revoke(credential_id, now=runtime.clock.now()):
            raise HTTPException(status_code=404, detail=f"no live credential {credential_id}")
        return Response(status_code=204)

    @router.post("/letters", status_code=201)
    async def add_letter(request: Request, body: NewLetter) -> dict[str, Any]:
        """Add a letter of intent known by product and district to the LOI desk (its
        buyer's GSTIN and items, entered through ``/admin/v1/loi``, link it to trade)."""
        runtime = _runtime(request)
        signed = body.signed_on
        if isinstance(signed, str):
            day = date.fromisoformat(signed)
        elif signed.tzinfo is None:
            raise HTTPException(status_code=422, detail="signed_on: give a date or a time zone")
        else:
            day = signed.astimezone(IST).date()
        letter_id, _ = await runtime.loi.save(
            LetterRecord(
                reference=f"dashboard-{uuid4().hex[:16]}",
                buyer_name=body.buyer,
                buyer_app_id=body.buyer_app_id,
                district=body.district,
                product=body.product,
                value_paise=int(body.value * 100),
                signed_on=day,
                meet=body.meet,
                items=(),
            ),
            now=runtime.clock.now(),
        )
        return {"id": letter_id}

    @router.get("/letters")
    async def letters(request: Request) -> list[dict[str, Any]]:
        """The LOI desk's letters with what each realised (values in paise)."""
        return [_json_row(row) for row in await _runtime(request).loi.letters()]

    return router
