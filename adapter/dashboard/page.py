"""The dashboard as one server-rendered HTML page: the overview, the map, then each table
with its chart beside it and its exports. No script, no fonts or styles from elsewhere: it
works offline, on a phone and on a projector, and prints as a summary (see
:mod:`adapter.dashboard.style`).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from html import escape
from typing import Any, Final

from adapter.dashboard.charts import bar_chart, stacked_chart
from adapter.dashboard.complaint_words import complaint_text
from adapter.dashboard.filters import View, filter_form
from adapter.dashboard.formats import Formats
from adapter.dashboard.i18n import Language, text
from adapter.dashboard.overview import OverviewData, map_section, overview_section
from adapter.dashboard.style import STYLE
from adapter.dashboard.views import ROWS_ON_PAGE, Section, Table, Viewer

__all__ = [
    "dashboard_page",
    "login_page",
    "page_end",
    "page_head",
    "page_top",
    "table_section",
]

_DAYS: Final = frozenset({"day", "signed_on"})
_MOMENTS: Final = frozenset({"created_at", "oldest_ship_by", "last_movement"})


def _cell(value: Any, column: str, formats: Formats) -> tuple[str, bool]:
    """What a cell shows, and whether it is a number (right-aligned)."""
    if value is None:
        return "", False
    if column in _DAYS and isinstance(value, str | date):
        return formats.day(value), False
    if column == "hour" and isinstance(value, str):
        return formats.day(value[:10]) + ", " + formats.hour(int(value[11:13])), False
    if column in _MOMENTS and isinstance(value, str | datetime):
        return formats.moment(value), False
    if isinstance(value, Decimal):
        return formats.money(value), True
    if isinstance(value, bool):
        return text("yes" if value else "no", formats.language), False
    if isinstance(value, int):
        return formats.number(value), True
    if isinstance(value, float):
        return formats.number(value, decimals=1), True
    return str(value), False


def _axis_label(value: Any, column: str, formats: Formats) -> str:
    if column == "hour":
        return formats.hour(int(str(value)[11:13]))
    if column == "day":
        return formats.day(value)
    return str(value)


def _stacked(table: Table, stack: list[str], labels: list[str], formats: Formats) -> str:
    """One stacked chart of ``table``: each bar the sum of the columns ``stack``, titled by
    the table and its parts (``Orders by day: live orders, cancelled``)."""
    parts = [
        (
            table.labels[table.columns.index(part)],
            [row[table.columns.index(part)] for row in table.rows],
        )
        for part in stack
    ]
    top = max(sum(int(values[i] or 0) for _, values in parts) for i in range(len(labels)))
    title = f"{table.title}: {', '.join(name for name, _ in parts)}"
    return stacked_chart(labels, parts, title=title, top_shown=formats.number(top))


def _chart(table: Table, formats: Formats) -> str:
    if not (table.chart and table.chart_value and table.rows):
        return ""
    first = table.columns[0]
    if table.chart == "stacked":
        labels = [_axis_label(row[0], first, formats) for row in table.rows]
        return "".join(
            _stacked(table, stack, labels, formats) for stack in (table.parts, *table.more_stacks)
        )
    index = table.columns.index(table.chart_value)
    values = [row[index] for row in table.rows]
    shown = [
        formats.money_short(v) if isinstance(v, Decimal) else formats.number(int(v or 0))
        for v in values
    ]
    labels = [str(row[0]) for row in table.rows]
    parts = [
        (
            table.labels[table.columns.index(part)],
            [row[table.columns.index(part)] for row in table.rows],
        )
        for part in table.parts
    ]
    return bar_chart(labels, values, shown, title=table.title, parts=parts)


def _csrf_field(viewer: Viewer) -> str:
    """The session's token for a form it posts (none when signed in by a bearer token)."""
    if viewer.csrf is None:
        return ""
    return f'<input type="hidden" name="csrf" value="{escape(viewer.csrf)}">'


def table_section(table: Table, viewer: Viewer, view: View) -> str:
    """One table: its title, exports, chart and numbers."""
    lang, formats = view.lang, view.formats
    out = [
        f'<section class="table" id="table-{table.id}" data-table="{table.id}" '
        f'aria-labelledby="h-{table.id}">'
        f'<h3 id="h-{table.id}">{escape(table.title)}</h3>'
        '<div class="exports">'
        f'<a href="{view.href(f"/dashboard/export/{table.id}.csv")}">'
        f"{escape(text('export', lang))} CSV</a>"
        f'<a href="{view.href(f"/dashboard/export/{table.id}.xlsx")}">'
        f"{escape(text('export', lang))} XLSX</a></div>"
    ]
    if not table.rows:
        out.append(f'<p class="empty">{escape(text("no_rows", lang))}</p></section>')
        return "".join(out)
    replay = table.id == "parked" and viewer.role == "operator"
    head = "".join(
        f'<th scope="col" data-col="{c}">{escape(label)}</th>'
        for c, label in zip(table.columns, table.labels, strict=True)
    )
    if replay:
        head += f'<th scope="col">{escape(text("replay", lang))}</th>'
    rows = []
    for row in table.rows[:ROWS_ON_PAGE]:
        cells = []
        for column, value in zip(table.columns, row, strict=True):
            shown, numeric = _cell(value, column, formats)
            css = ' class="n"' if numeric else ""
            cells.append(f'<td data-col="{column}"{css}>{escape(shown)}</td>')
        if replay:
            cells.append(
                f'<td><form method="post" action="/dashboard/outbox/{row[0]}/replay">'
                f"{_csrf_field(viewer)}"
                f'<button type="submit">{escape(text("replay", lang))}</button></form></td>'
            )
        rows.append(f"<tr>{''.join(cells)}</tr>")
    more = ""
    total = table.total if table.total is not None else len(table.rows)
    if total > ROWS_ON_PAGE:
        more = (
            '<p class="note">'
            + escape(
                text(
                    "rows_shown",
                    lang,
                    shown=formats.number(ROWS_ON_PAGE),
                    total=formats.number(total),
                )
            )
            + "</p>"
        )
    numbers = (
        f'<div class="numbers" tabindex="0" aria-label="{escape(table.title)}">'
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        f"{more}</div>"
    )
    chart = _chart(table, formats)
    if chart:
        out.append(f'<div class="pair"><div class="chartbox">{chart}</div>{numbers}</div>')
    else:
        out.append(numbers)
    out.append("</section>")
    return "".join(out)


def page_head(title: str, language: Language) -> str:
    """The document's head, with the one inline stylesheet."""
    return (
        f'<!doctype html><html lang="{language}"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{STYLE}</style></head><body>"
    )


def page_top(viewer: Viewer, view: View, path: str) -> str:
    """The head, skip link, header (who, the views, language, sign out) and the filters
    of the page at ``path``, up to and including the opening of ``main``."""
    lang = view.lang
    other = "en" if lang == "hi" else "hi"
    who = text(f"role_{viewer.role}", lang)
    if viewer.seller_code:
        who += f" ({viewer.seller_code})"
    views = [("/dashboard", text("overview_link", lang))]
    if viewer.role != "seller":
        views.append(("/dashboard/loi", text("loi_link", lang)))
    views.append(("/dashboard/complaints", complaint_text("link", lang)))
    current = ' aria-current="page"'
    links = "".join(
        f'<a href="{view.href(href)}"{current if href == path else ""}>{escape(label)}</a>'
        for href, label in views
    )
    summary = (
        f'<a href="{view.href("/dashboard/summary.pdf")}">{escape(text("pdf_link", lang))}</a>'
    )
    return (
        page_head(text("title", lang), lang)
        + f'<a class="skip" href="#main">{escape(text("skip", lang))}</a>'
        f"<header><h1>{escape(text('title', lang))}</h1>"
        f'<span id="who">{escape(text("signed_in_as", lang))} {escape(who)}</span>'
        '<nav class="top" aria-label="site">'
        f'<a href="/?lang={lang}">{escape(text("home", lang))}</a>{links}{summary}'
        f'<a id="language" lang="{other}" href="{view.href(path, lang=other, devanagari=False)}">'
        f"{escape(text('language', lang))}</a></nav>"
        '<form method="post" action="/dashboard/logout" class="signout">'
        f"{_csrf_field(viewer)}"
        f'<button type="submit">{escape(text("sign_out", lang))}</button></form></header>'
        f"{filter_form(view, seller_login=viewer.role == 'seller', action=path)}"
        f'<main id="main" tabindex="-1"><p class="subtitle">{escape(text("subtitle", lang))}</p>'
    )


def page_end(view: View) -> str:
    """The end of ``main``, the footer (the map's attribution) and the document."""
    return (
        f"</main><footer><p>{escape(text('map_attribution', view.lang))}</p></footer></body></html>"
    )


def dashboard_page(
    sections: list[Section], viewer: Viewer, view: View, overview: OverviewData
) -> str:
    """The whole page for ``viewer`` as ``view`` asks."""
    lang = view.lang
    body = "".join(
        f'<h2 class="section">{escape(section.title)}</h2>'
        + "".join(table_section(t, viewer, view) for t in section.tables)
        for section in sections
    )
    channel = f'<p class="note">{escape(text("channel_note", lang))}</p>'
    return (
        page_top(viewer, view, "/dashboard")
        + f"{overview_section(view, overview)}{map_section(view, overview)}{channel}{body}"
        + page_end(view)
    )


def login_page(language: Language, *, failed: bool = False, throttled: bool = False) -> str:
    """The sign-in page: what the dashboard is, who gets a token, one token field."""
    other = "en" if language == "hi" else "hi"
    problem = ""
    if throttled:
        problem = f'<p class="alert" role="alert">{escape(text("login_throttled", language))}</p>'
    elif failed:
        problem = f'<p class="alert" role="alert">{escape(text("login_failed", language))}</p>'
    return (
        page_head(text("login_title", language), language)
        + f"<header><h1>{escape(text('title', language))}</h1>"
        '<nav class="top" aria-label="site">'
        f'<a href="/?lang={language}">{escape(text("home", language))}</a>'
        f'<a id="language" lang="{other}" href="/dashboard/login?lang={other}">'
        f"{escape(text('language', language))}</a></nav></header>"
        f'<main id="main" class="login"><h2>{escape(text("login_title", language))}</h2>'
        f"<p>{escape(text('login_intro', language))}</p>"
        f"<p>{escape(text('login_who', language))}</p>{problem}"
        f'<form method="post" action="/dashboard/login?lang={language}">'
        f'<label for="token">{escape(text("login_prompt", language))}</label>'
        '<input id="token" name="token" type="password" autocomplete="off" required '
        'aria-describedby="token-help">'
        f'<p id="token-help" class="note">{escape(text("login_help", language))}</p>'
        f'<button type="submit">{escape(text("login_button", language))}</button>'
        "</form></main></body></html>"
    )
