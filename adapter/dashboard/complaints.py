"""``/dashboard/complaints``: the department's view of grievances (ONDC IGM issues).

Complaints by district, by ODOP product and by seller, with how many are open, resolved,
escalated to a grievance officer, answered or resolved late against the times each issue
sets (ONDC's service levels), and the open ones soonest due first: as a page in English or
Hindi, as JSON, and each table as CSV or XLSX like the dashboard's other tables.

The rows come from :class:`adapter.storage.complaint_rows.ComplaintRows`, which never reads
an issue's document: no buyer's name, phone, e-mail or address can reach a response. The
period and filters are the dashboard's (``days``, ``district``, ``product``, ``seller``); a
seller's login sees its own complaints only.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from adapter.dashboard.access import require_viewer, viewer_of
from adapter.dashboard.api import Chosen
from adapter.dashboard.complaint_words import complaint_text
from adapter.dashboard.exports import download
from adapter.dashboard.filters import View
from adapter.dashboard.i18n import Language, place, text
from adapter.dashboard.style import STYLE
from adapter.dashboard.views import Table, Viewer
from adapter.igm.reports import grievance_report
from adapter.runtime import Runtime
from adapter.storage.complaint_rows import ComplaintRows
from adapter.storage.order_facts import IST

__all__ = ["complaints_router"]

SignedIn = Annotated[Viewer, Depends(require_viewer)]

# Columns whose values are district or product names, shown in the page's language.
_PLACES = frozenset({"district", "product"})


def _cell(value: Any) -> Any:
    """Instants as ISO 8601 in IST (as the dashboard's other tables), to the minute."""
    if isinstance(value, datetime):
        return value.astimezone(IST).isoformat(timespec="minutes")
    return value


async def complaint_tables(runtime: Runtime, viewer: Viewer, view: View) -> list[Table]:
    """The grievance tables of ``view`` for ``viewer``, titled and labelled in its
    language."""
    now = runtime.clock.now()
    await runtime.facts.refresh()  # the products of new orders' items
    rows = await ComplaintRows(runtime.store.database).rows(view.scope(now, viewer.seller_code))
    lang = view.lang
    return [
        Table(
            t.id,
            complaint_text(t.id, lang, t.title),
            t.columns,
            [
                complaint_text(c, lang, label) if lang == "hi" else label
                for c, label in zip(t.columns, t.labels, strict=True)
            ],
            [[_cell(v) for v in row] for row in t.rows],
        )
        for t in grievance_report(rows, now=now, officer=_officer(runtime))
    ]


def _officer(runtime: Runtime) -> str:
    """Our grievance officer as the open complaints he owns name him."""
    if runtime.issues is None:
        return "grievance officer"
    us = runtime.issues.respondent
    return f"{us.gro_name} ({us.gro_phone}, {us.gro_email})"


def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


async def _one(request: Request, viewer: Viewer, table_id: str, view: View) -> Table:
    for table in await complaint_tables(_runtime(request), viewer, view):
        if table.id == table_id:
            return table
    raise HTTPException(status_code=404, detail=f"table_id: no complaints table {table_id!r}")


def _shown(value: Any, column: str, lang: Language) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return complaint_text("yes" if value else "no", lang)
    if column in _PLACES and isinstance(value, str):
        return place(value, lang)
    return str(value)


def _table_html(table: Table, view: View) -> str:
    lang = view.lang
    links = "".join(
        f'<a href="{view.href(f"/dashboard/export/complaints/{table.id}.{fmt}")}">'
        f"{escape(text('export', lang))} {fmt.upper()}</a>"
        for fmt in ("csv", "xlsx")
    )
    out = [
        f'<section class="table" id="table-{table.id}" data-table="{table.id}" '
        f'aria-labelledby="h-{table.id}"><h3 id="h-{table.id}">{escape(table.title)}</h3>'
        f'<div class="exports">{links}</div>'
    ]
    if not table.rows:
        out.append(f'<p class="empty">{escape(text("no_rows", lang))}</p></section>')
        return "".join(out)
    head = "".join(
        f'<th scope="col" data-col="{c}">{escape(label)}</th>'
        for c, label in zip(table.columns, table.labels, strict=True)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f'<td data-col="{c}">{escape(_shown(v, c, lang))}</td>'
            for c, v in zip(table.columns, row, strict=True)
        )
        + "</tr>"
        for row in table.rows
    )
    out.append(
        f'<div class="numbers" tabindex="0" aria-label="{escape(table.title)}">'
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div></section>"
    )
    return "".join(out)


def complaints_page(tables: list[Table], view: View) -> str:
    """The complaints page of ``view``."""
    lang = view.lang
    other = "en" if lang == "hi" else "hi"
    title = complaint_text("page_title", lang)
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{STYLE}</style></head><body>"
        f"<header><h1>{escape(title)}</h1>"
        '<nav class="top" aria-label="site">'
        f'<a href="{view.href()}">{escape(complaint_text("back", lang))}</a>'
        f'<a id="language" lang="{other}" '
        f'href="{view.href("/dashboard/complaints", lang=other, devanagari=False)}">'
        f"{escape(text('language', lang))}</a></nav></header>"
        '<main id="main" tabindex="-1">'
        f'<p class="subtitle">{escape(complaint_text("intro", lang))}</p>'
        f'<p class="note">{escape(complaint_text("period_note", lang, days=view.days))}</p>'
        f'<p class="note">{escape(complaint_text("sla", lang))}</p>'
        + "".join(_table_html(t, view) for t in tables)
        + "</main></body></html>"
    )


def complaints_router() -> APIRouter:
    """The complaints page, its JSON and its exports, for any signed-in dashboard login."""
    router = APIRouter(prefix="/dashboard", tags=["dashboard"])

    @router.get("/complaints", response_class=HTMLResponse, include_in_schema=False)
    async def page(request: Request, view: Chosen) -> Response:
        viewer = await viewer_of(request)
        if viewer is None:
            return RedirectResponse(f"/dashboard/login?lang={view.lang}", status_code=303)
        tables = await complaint_tables(_runtime(request), viewer, view)
        return HTMLResponse(complaints_page(tables, view))

    @router.get("/api/complaints")
    async def complaints(request: Request, viewer: SignedIn, view: Chosen) -> dict[str, Any]:
        """Complaints raised in the period, by district, product and seller, and the open
        ones: each table's columns (keys and labels) and rows as objects keyed by column.
        Instants are ISO 8601 in IST; no buyer's personal data."""
        tables = await complaint_tables(_runtime(request), viewer, view)
        return {
            "days": view.days,
            "tables": [
                {"id": t.id, "title": t.title, "columns": t.columns, "labels": t.labels,
                 "rows": t.records()}
                for t in tables
            ],
        }  # fmt: skip

    @router.get("/export/complaints/{table_id}.{fmt}")
    async def export(
        request: Request,
        viewer: SignedIn,
        table_id: str,
        fmt: Literal["csv", "xlsx"],
        view: Chosen,
    ) -> Response:
        """One complaints table as a CSV or XLSX download, with its labels in ``lang``."""
        return download(await _one(request, viewer, table_id, view), view.lang, fmt)

    return router
