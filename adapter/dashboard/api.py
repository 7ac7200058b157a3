"""``/dashboard``: the department's page, the LOI view, the JSON API, the exports and the
PDF summary (the operators' ``/admin/v1/dashboard`` is :mod:`.admin_api`).

Reading is all a viewer or seller can do: the only writes under ``/dashboard`` are signing
in and out, and an operator's replay of a parked callback. Every figure is aggregated in
SQL (:mod:`adapter.storage.reports`); no response carries a buyer's name, phone, e-mail
or address.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from decimal import Decimal
from typing import Annotated, Any, Final, Literal, TypeVar
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from adapter.admin.api import RowId, _json_row
from adapter.core.odop import districts
from adapter.dashboard.access import (
    Throttled,
    check_origin,
    end_session,
    record_failed_sign_in,
    require_operator_view,
    require_viewer,
    sign_in,
    sign_in_wait,
    viewer_of,
)
from adapter.dashboard.exports import download
from adapter.dashboard.filters import Measure, View
from adapter.dashboard.i18n import Language, text
from adapter.dashboard.loi_page import loi_page
from adapter.dashboard.loi_view import loi_tables
from adapter.dashboard.overview import OverviewData, overview_json
from adapter.dashboard.page import dashboard_page, login_page
from adapter.dashboard.sources import total
from adapter.dashboard.summary_pdf import summary_pdf
from adapter.dashboard.views import (
    LOI_TABLES,
    ROWS_ON_PAGE,
    Section,
    Table,
    Viewer,
    build,
    table_ids,
)
from adapter.runtime import Runtime
from adapter.storage.loi_figures import LoiFigures
from adapter.storage.overview import Overview
from adapter.storage.reports import CALLBACK_WINDOW_SECONDS

__all__ = ["dashboard_router"]

Lang = Annotated[Language, Query(description="`en` or `hi` (Hindi).")]
_PAGE: Final = "The letters register only: which page of 400 letters (newest first)."
Days = Annotated[int, Query(ge=1, le=3650, description="The period: the last N days.")]
SignedIn = Annotated[Viewer, Depends(require_viewer)]
Operator = Annotated[Viewer, Depends(require_operator_view)]

_DISTRICTS: Final = frozenset(d.name for d in districts())
_PRODUCTS: Final = frozenset(p.name for d in districts() for p in d.products)


def chosen_view(
    lang: Lang = "en",
    days: Days = 30,
    district: Annotated[
        str | None, Query(max_length=40, description="One of the 12 districts.")
    ] = None,
    product: Annotated[str | None, Query(max_length=120, description="An ODOP product.")] = None,
    seller: Annotated[
        str | None, Query(max_length=64, description="A seller's code (not for sellers).")
    ] = None,
    channel: Annotated[
        Literal["", "b2c", "b2b"],
        Query(description="`b2c` (retail) or `b2b` (ONDC B2B); empty or absent: both."),
    ] = "",
    measure: Annotated[Measure, Query(description="What colours the map.")] = "orders",
    digits: Annotated[
        Literal["latn", "deva"], Query(description="`deva`: Devanagari digits in Hindi.")
    ] = "latn",
) -> View:
    """The view the URL asks for; 422 naming the filter that names nothing we know."""
    if district and district not in _DISTRICTS:
        raise HTTPException(status_code=422, detail="district: not one of the 12 districts")
    if product and product not in _PRODUCTS:
        raise HTTPException(status_code=422, detail="product: not an ODOP product")
    return View(
        lang=lang,
        days=days,
        district=district or None,
        product=product or None,
        seller=(seller or "").strip() or None,
        channel=channel or None,
        measure=measure,
        devanagari=digits == "deva",
    )


Chosen = Annotated[View, Depends(chosen_view)]


def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


async def _sections(
    request: Request,
    viewer: Viewer,
    view: View,
    only: str | None = None,
    page: int | None = None,
) -> list[Section]:
    runtime = _runtime(request)
    await runtime.facts.refresh()
    now = runtime.clock.now()
    scope = view.scope(now, viewer.seller_code)
    return await build(
        runtime.reports,
        runtime.loi,
        viewer,
        scope,
        view.lang,
        now=now,
        only=only,
        by_hour=view.hourly,
        rows_limit=ROWS_ON_PAGE if only is None or page is not None else None,
        rows_offset=ROWS_ON_PAGE * (page - 1) if page is not None else 0,
    )


T = TypeVar("T")


async def _none(value: T) -> T:
    return value


async def _overview(request: Request, viewer: Viewer, view: View) -> OverviewData:
    runtime = _runtime(request)
    await runtime.facts.refresh()
    scope = view.scope(runtime.clock.now(), viewer.seller_code)
    network = viewer.role != "seller"
    sources = runtime.dashboard_sources
    # The figures, the letters and the complaints come from separate statements: side
    # by side, each on a pooled connection of its own.
    letters = sources.letters.letter_figures_by_district() if network else _none({})
    complaints_of = sources.complaints if network else None
    figures, by_district, complaints = await asyncio.gather(
        Overview(runtime.store.database).figures(scope),
        letters,
        complaints_of.complaint_figures(district=view.district)
        if complaints_of is not None
        else _none(None),
    )
    chosen = [f for d, f in by_district.items() if view.district in (None, d)]
    return OverviewData(
        figures=figures,
        letters=total(chosen) if network else None,
        letters_by_district=by_district,
        complaints=complaints,
        network=network,
    )


async def _loi(request: Request, view: View, rows_limit: int | None = None) -> list[Table]:
    figures = LoiFigures(_runtime(request).store.database)
    return await loi_tables(
        figures, view.lang, district=view.district, product=view.product, rows_limit=rows_limit
    )


async def _one(
    request: Request, viewer: Viewer, table_id: str, view: View, page: int | None = None
) -> Table:
    if table_id not in table_ids(viewer):
        raise HTTPException(status_code=404, detail=f"no table {table_id!r} for this login")
    if table_id in LOI_TABLES:
        return next(t for t in await _loi(request, view) if t.id == table_id)
    sections = await _sections(request, viewer, view, only=table_id, page=page)
    return next(t for s in sections for t in s.tables)


def _json_cell(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def dashboard_router() -> APIRouter:
    """The page, the sign-in form, the JSON API and the exports."""
    router = APIRouter(prefix="/dashboard", tags=["dashboard"])

    @router.get("", response_class=HTMLResponse, include_in_schema=False)
    async def page(request: Request, view: Chosen) -> Response:
        viewer = await viewer_of(request)
        if viewer is None:
            return RedirectResponse(f"/dashboard/login?lang={view.lang}", status_code=303)
        sections = await _sections(request, viewer, view)
        overview = await _overview(request, viewer, view)
        return HTMLResponse(dashboard_page(sections, viewer, view, overview))

    @router.get("/loi", response_class=HTMLResponse, include_in_schema=False)
    async def loi(request: Request, view: Chosen) -> Response:
        viewer = await viewer_of(request)
        if viewer is None:
            return RedirectResponse(f"/dashboard/login?lang={view.lang}", status_code=303)
        if viewer.role == "seller":
            raise HTTPException(status_code=404, detail="the LOI view is not for a seller's login")
        tables = await _loi(request, view, rows_limit=ROWS_ON_PAGE)
        return HTMLResponse(loi_page(tables, viewer, view))

    @router.get("/summary.pdf")
    async def summary(request: Request, viewer: SignedIn, view: Chosen) -> Response:
        """The monthly review's one-page summary (key figures, districts, letters by
        stage) as a PDF, in ``lang`` with Indian formats."""
        loi = _loi(request, view, 0) if viewer.role != "seller" else _none([])
        overview, tables = await asyncio.gather(_overview(request, viewer, view), loi)
        stages = next((t for t in tables if t.id == "loi_stages"), None)
        made = summary_pdf(view, overview, stages, now=_runtime(request).clock.now())
        name = f"odop-summary-{view.lang}.pdf"
        return Response(
            made,
            media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    @router.get("/login", response_class=HTMLResponse, include_in_schema=False)
    async def login_form(lang: Lang = "en") -> HTMLResponse:
        return HTMLResponse(login_page(lang))

    @router.post("/login", include_in_schema=False)
    async def login(request: Request, lang: Lang = "en") -> Response:
        runtime = _runtime(request)
        check_origin(request)
        try:
            await sign_in_wait(runtime, request)
        except Throttled as refused:
            return HTMLResponse(
                login_page(lang, throttled=True),
                status_code=429,
                headers={"Retry-After": str(refused.seconds)},
            )
        form = parse_qs((await request.body()).decode("utf-8", "replace"))
        token = (form.get("token") or [""])[0].strip()
        response = RedirectResponse(f"/dashboard?lang={lang}", status_code=303)
        if not token or not await sign_in(runtime, request, token, response):
            await record_failed_sign_in(runtime, request)
            return HTMLResponse(login_page(lang, failed=True), status_code=401)
        return response

    @router.post("/logout", include_in_schema=False)
    async def logout(request: Request, _: SignedIn) -> Response:
        response = RedirectResponse("/dashboard/login", status_code=303)
        await end_session(_runtime(request), request, response)
        return response

    @router.get("/api/overview")
    async def overview(request: Request, viewer: SignedIn, view: Chosen) -> dict[str, Any]:
        """The overview's figures and the map's, for the period and filters: money in
        rupees as decimal strings; ``null`` where no source counts the figure yet (and,
        for a seller's login, for the network-wide figures it may not see)."""
        data = await _overview(request, viewer, view)
        return overview_json(data, view)

    @router.get("/api/tables")
    async def tables(viewer: SignedIn, lang: Lang = "en") -> list[dict[str, str]]:
        """The tables this login may read, with their titles."""
        return [
            {"id": t, "title": text(t, lang, window=CALLBACK_WINDOW_SECONDS)}
            for t in table_ids(viewer)
        ]

    @router.get("/api/tables/{table_id}")
    async def table(
        request: Request,
        viewer: SignedIn,
        table_id: str,
        view: Chosen,
        page: Annotated[int, Query(ge=1, le=100_000, description=_PAGE)] = 1,
    ) -> dict[str, Any]:
        """One table: its columns (keys and labels) and rows as objects keyed by column.
        Money is in rupees, as decimal strings; days and hours as ISO 8601 (IST). The
        letters register comes in pages of 400 letters, newest first (``page``, and
        ``total``: how many letters in all); the exports hold every letter."""
        paged = table_id == "letters"
        found = await _one(request, viewer, table_id, view, page=page if paged else None)
        return {
            "id": found.id,
            "title": found.title,
            "days": view.days,
            "page": page if paged else 1,
            "total": found.total if found.total is not None else len(found.rows),
            "columns": found.columns,
            "labels": found.labels,
            "rows": [{k: _json_cell(v) for k, v in r.items()} for r in found.records()],
        }

    @router.get("/export/{table_id}.{fmt}")
    async def export(
        request: Request,
        viewer: SignedIn,
        table_id: str,
        fmt: Literal["csv", "xlsx"],
        view: Chosen,
    ) -> Response:
        """One table as a CSV or XLSX download, with its labels in ``lang``."""
        return download(await _one(request, viewer, table_id, view), view.lang, fmt)

    @router.post("/outbox/{job_id}/replay", include_in_schema=False)
    async def replay(request: Request, _: Operator, job_id: RowId) -> Response:
        runtime = _runtime(request)
        now = runtime.clock.now()
        if not await runtime.outbox.replay(job_id, now=now, deadline_at=now + timedelta(minutes=5)):
            raise HTTPException(status_code=409, detail=f"job {job_id} is not parked (failed)")
        await runtime.wakeup.notify()
        return RedirectResponse("/dashboard#table-parked", status_code=303)

    @router.get("/api/audit/{transaction_id}")
    async def audit(request: Request, _: Operator, transaction_id: str) -> list[dict[str, Any]]:
        """Operators only: every message of a transaction, with raw bodies."""
        rows = await _runtime(request).store.messages_for_transaction(transaction_id)
        return [_json_row(row) for row in rows]

    return router
