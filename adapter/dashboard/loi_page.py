"""``/dashboard/loi``: the letters-of-intent view as a page, with the header, filters and
table layout of the overview page (:mod:`adapter.dashboard.page`)."""

from __future__ import annotations

from html import escape

from adapter.dashboard.filters import View
from adapter.dashboard.i18n import text
from adapter.dashboard.page import page_end, page_top, table_section
from adapter.dashboard.views import Table, Viewer

__all__ = ["loi_page"]


def loi_page(tables: list[Table], viewer: Viewer, view: View) -> str:
    """The LOI view for ``viewer`` as ``view`` asks."""
    lang = view.lang
    if any(table.rows for table in tables):
        body = "".join(table_section(table, viewer, view) for table in tables)
    else:
        body = f'<p class="empty" id="loi-empty">{escape(text("loi_none", lang))}</p>'
    return (
        page_top(viewer, view, "/dashboard/loi") + '<section id="loi" aria-labelledby="loi-h">'
        f'<h2 id="loi-h" class="section">{escape(text("section_loi", lang))}</h2>'
        f'<p class="note">{escape(text("loi_intro", lang))}</p>{body}</section>' + page_end(view)
    )
