"""The LOI desk's HTTP API: operators under ``/admin/v1/loi`` (``ONDC_ADMIN_API_KEY``),
sellers under ``/seller/v1/loi`` (their own key, their own letters only).

Operators enter letters one by one or as a spreadsheet (row-by-row report), set follow-ups,
read the register with each letter's stage and the value it has realised, the report by
district, product or buyer, and can run the "on paper" sweep at once. A seller enters and
reads the letters it is party to. A refused body is a 4xx naming the field.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response

from adapter.admin.api import RowId, require_operator
from adapter.b2b.loi_import import import_letters
from adapter.b2b.loi_models import FollowUpIn, LetterIn
from adapter.b2b.loi_report import Grouping, loi_report, summarise
from adapter.catalog.sheets import FileUnusable
from adapter.runtime import Runtime
from adapter.seller_api.api import Seller
from adapter.seller_api.refusals import FieldNamingRoute

__all__ = ["loi_admin_router", "loi_seller_router"]

_MAX_SHEET_BYTES = 5 * 1024 * 1024


def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


async def _check_sellers(runtime: Runtime, letter: LetterIn) -> None:
    unknown = await runtime.loi.unknown_sellers(item.seller_code for item in letter.items)
    if unknown:
        named = [
            f"items[{index}].seller_code: no seller {item.seller_code!r} is registered here"
            for index, item in enumerate(letter.items)
            if item.seller_code in unknown
        ]
        raise HTTPException(status_code=422, detail="; ".join(named))


async def _save(runtime: Runtime, letter: LetterIn, response: Response) -> dict[str, Any]:
    await _check_sellers(runtime, letter)
    letter_id, created = await runtime.loi.save(
        letter.to_record(letter.items), now=runtime.clock.now()
    )
    response.status_code = 201 if created else 200
    return {"id": letter_id, "reference": letter.reference, "created": created}


def loi_admin_router() -> APIRouter:
    """Operator endpoints of the LOI desk."""
    router = APIRouter(
        prefix="/admin/v1/loi",
        tags=["letters of intent"],
        dependencies=[Depends(require_operator)],
        route_class=FieldNamingRoute,
    )

    @router.post("/letters", status_code=201)
    async def add_letter(request: Request, letter: LetterIn, response: Response) -> dict[str, Any]:
        """Enter a letter (201), or replace the terms of the one with its reference (200)."""
        return await _save(_runtime(request), letter, response)

    @router.get("/letters")
    async def letters(
        request: Request,
        district: Annotated[str | None, Query(max_length=40)] = None,
        seller: Annotated[str | None, Query(max_length=64)] = None,
    ) -> list[dict[str, Any]]:
        """The register: every letter with its items, stage and value at each stage."""
        return await _runtime(request).loi.letters(seller_code=seller, district=district)

    @router.get("/letters/{letter_id}")
    async def letter(request: Request, letter_id: RowId) -> dict[str, Any]:
        """One letter with the movements of the transactions realising it."""
        found = await _runtime(request).loi.letter(letter_id)
        if found is None:
            raise HTTPException(status_code=404, detail=f"letter_id: no letter {letter_id}")
        return found

    @router.put("/letters/{letter_id}/follow-up")
    async def follow_up(request: Request, letter_id: RowId, body: FollowUpIn) -> dict[str, Any]:
        """Set the letter's next follow-up date (and nodal officer)."""
        runtime = _runtime(request)
        if not await runtime.loi.set_follow_up(
            letter_id,
            next_follow_up=body.next_follow_up,
            nodal_officer=body.nodal_officer,
            now=runtime.clock.now(),
        ):
            raise HTTPException(status_code=404, detail=f"letter_id: no letter {letter_id}")
        return {"id": letter_id, "next_follow_up": body.next_follow_up}

    @router.post("/import")
    async def import_sheet(
        request: Request,
        filename: Annotated[str, Query(min_length=1, max_length=200)] = "letters.csv",
    ) -> dict[str, Any]:
        """Letters from a CSV or XLSX file sent as the body (one row per item); a report
        of every row. A letter is saved only when all its rows are good."""
        runtime = _runtime(request)
        raw = await request.body()
        if len(raw) > _MAX_SHEET_BYTES:
            raise HTTPException(status_code=413, detail="body: the file is over 5 MB")
        try:
            return await import_letters(raw, filename, runtime.loi, now=runtime.clock.now())
        except FileUnusable as exc:
            raise HTTPException(status_code=422, detail=f"file: {exc}") from None

    @router.get("/report")
    async def report(
        request: Request,
        by: Grouping = "district",
        district: Annotated[str | None, Query(max_length=40)] = None,
        demo: bool = True,
    ) -> dict[str, Any]:
        """Value signed, quoted, ordered, delivered and paid, by district, product or
        buyer (``demo=false`` leaves demo letters out)."""
        return await loi_report(_runtime(request).loi, by=by, district=district, include_demo=demo)

    @router.post("/sweep")
    async def sweep(request: Request) -> dict[str, Any]:
        """Flag the letters on paper now (as the hourly sweep does) and tell their
        sellers; the letters flagged."""
        runtime = _runtime(request)
        flagged = await runtime.loi.sweep(
            now=runtime.clock.now(),
            quiet_days=runtime.settings.loi_on_paper_days,
            notifications=runtime.notifications,
        )
        return {
            "flagged": [
                {
                    "id": f.letter_id,
                    "reference": f.reference,
                    "sellers": list(f.sellers),
                    "idle_since": f.idle_since,
                }
                for f in flagged
            ]
        }

    return router


def loi_seller_router() -> APIRouter:
    """A seller's own letters of intent."""
    router = APIRouter(prefix="/seller/v1/loi", tags=["sellers"], route_class=FieldNamingRoute)

    @router.get("/letters")
    async def my_letters(request: Request, seller: Seller) -> list[dict[str, Any]]:
        """The letters this seller is party to, with stage and realised value."""
        return await _runtime(request).loi.letters(seller_code=seller)

    @router.post("/letters", status_code=201)
    async def add_my_letter(
        request: Request, seller: Seller, letter: LetterIn, response: Response
    ) -> dict[str, Any]:
        """Enter a letter this seller signed; every item must be the seller's own."""
        foreign = [
            f"items[{index}].seller_code: {item.seller_code!r} is not you ({seller!r})"
            for index, item in enumerate(letter.items)
            if item.seller_code != seller
        ]
        if foreign:
            raise HTTPException(status_code=403, detail="; ".join(foreign))
        runtime = _runtime(request)
        parties = await runtime.loi.sellers_of(letter.reference)
        if parties is not None and seller not in parties:
            raise HTTPException(
                status_code=409,
                detail=f"reference: {letter.reference!r} is another seller's letter",
            )
        return await _save(runtime, letter, response)

    @router.get("/letters/{letter_id}")
    async def my_letter(request: Request, seller: Seller, letter_id: RowId) -> dict[str, Any]:
        """One of this seller's letters with its movements."""
        found = await _runtime(request).loi.letter(letter_id)
        if found is None or seller not in found["sellers"]:
            raise HTTPException(
                status_code=404, detail=f"letter_id: no letter {letter_id} of yours"
            )
        return found

    @router.get("/report")
    async def my_report(
        request: Request, seller: Seller, by: Grouping = "product"
    ) -> dict[str, Any]:
        """This seller's letters summarised by district, product or buyer."""
        return summarise(await _runtime(request).loi.letters(seller_code=seller), by)

    return router
