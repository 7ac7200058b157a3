"""The dashboard as one server-rendered HTML page: tables, inline SVG charts, export links.
No script, no fonts or styles from elsewhere: it works offline and prints cleanly."""

from __future__ import annotations

from decimal import Decimal
from html import escape
from typing import Any, Final

from adapter.dashboard.charts import bar_chart, line_chart
from adapter.dashboard.i18n import Language, text
from adapter.dashboard.views import Section, Table, Viewer

__all__ = ["dashboard_page", "login_page"]

_STYLE: Final = """
body{font-family:"Noto Sans","Noto Sans Devanagari",system-ui,sans-serif;margin:0;color:#1d2a24}
header{background:#2f6f4f;color:#fff;padding:12px 24px;display:flex;gap:24px;align-items:center}
header h1{font-size:20px;margin:0;flex:1}
header a,header button{color:#fff;background:none;border:1px solid #fff;padding:4px 10px;
  text-decoration:none;border-radius:4px;cursor:pointer;font:inherit}
main{padding:8px 24px 40px}
h2{border-bottom:2px solid #2f6f4f;padding-bottom:4px;margin-top:32px}
section.table{margin:18px 0 26px}
h3{font-size:16px;margin:0 0 6px}
table{border-collapse:collapse;font-size:14px}
th,td{border:1px solid #c9d3cd;padding:4px 8px;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}
th{background:#eef3f0}
.exports a{font-size:13px;margin-right:8px}
.chart text{font-size:12px;fill:#1d2a24}
nav.period a{margin-right:8px}
"""


def _cell(value: Any, language: Language) -> tuple[str, bool]:
    if value is None:
        return "", False
    if isinstance(value, Decimal):
        return f"{value:,.2f}", True
    if isinstance(value, bool):
        return text("yes" if value else "no", language), False
    if isinstance(value, int | float):
        return f"{value:,}" if isinstance(value, int) else f"{value:,.1f}", True
    return str(value), False


def _table(table: Table, viewer: Viewer, language: Language, query: str) -> str:
    out = [f'<section class="table" id="table-{table.id}" data-table="{table.id}">']
    out.append(f"<h3>{escape(table.title)}</h3>")
    out.append(
        '<div class="exports">'
        f'<a href="/dashboard/export/{table.id}.csv?{query}">{text("export", language)} CSV</a>'
        f'<a href="/dashboard/export/{table.id}.xlsx?{query}">{text("export", language)} XLSX</a>'
        "</div>"
    )
    if table.chart and table.chart_value and table.rows:
        index = table.columns.index(table.chart_value)
        labels = [str(row[0]) for row in table.rows]
        values = [row[index] for row in table.rows]
        draw = bar_chart if table.chart == "bar" else line_chart
        out.append(draw(labels, values, title=table.title))
    if not table.rows:
        out.append(f'<p class="empty">{escape(text("no_rows", language))}</p></section>')
        return "".join(out)
    replay = table.id == "parked" and viewer.role == "operator"
    head = "".join(
        f'<th data-col="{c}">{escape(label)}</th>'
        for c, label in zip(table.columns, table.labels, strict=True)
    )
    if replay:
        head += f"<th>{escape(text('replay', language))}</th>"
    out.append(f"<table><thead><tr>{head}</tr></thead><tbody>")
    for row in table.rows:
        cells = []
        for column, value in zip(table.columns, row, strict=True):
            shown, numeric = _cell(value, language)
            css = ' class="n"' if numeric else ""
            cells.append(f'<td data-col="{column}"{css}>{escape(shown)}</td>')
        if replay:
            cells.append(
                f'<td><form method="post" action="/dashboard/outbox/{row[0]}/replay">'
                f"{_csrf_field(viewer)}"
                f'<button type="submit">{escape(text("replay", language))}</button></form></td>'
            )
        out.append(f"<tr>{''.join(cells)}</tr>")
    out.append("</tbody></table></section>")
    return "".join(out)


def _csrf_field(viewer: Viewer) -> str:
    """The session's token for a form it posts (none when signed in by a bearer token)."""
    if viewer.csrf is None:
        return ""
    return f'<input type="hidden" name="csrf" value="{escape(viewer.csrf)}">'


def dashboard_page(sections: list[Section], viewer: Viewer, language: Language, days: int) -> str:
    """The whole page for ``viewer``."""
    other = "en" if language == "hi" else "hi"
    query = f"lang={language}&amp;days={days}"
    who = text(f"role_{viewer.role}", language)
    if viewer.seller_code:
        who += f" ({viewer.seller_code})"
    periods = " ".join(
        f'<a href="/dashboard?lang={language}&amp;days={d}">'
        f"{escape(text('period', language, days=d))}</a>"
        for d in (7, 30, 90, 365)
    )
    body = "".join(
        f"<h2>{escape(section.title)}</h2>"
        + "".join(_table(t, viewer, language, query) for t in section.tables)
        for section in sections
    )
    return (
        f'<!doctype html><html lang="{language}"><head><meta charset="utf-8">'
        f"<title>{escape(text('title', language))}</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{_STYLE}</style></head><body>"
        f"<header><h1>{escape(text('title', language))}</h1>"
        f'<span id="who">{escape(text("signed_in_as", language))} {escape(who)}</span>'
        f'<a id="language" href="/dashboard?lang={other}&amp;days={days}">'
        f"{escape(text('language', language))}</a>"
        '<form method="post" action="/dashboard/logout" style="margin:0">'
        f"{_csrf_field(viewer)}"
        f'<button type="submit">{escape(text("sign_out", language))}</button></form></header>'
        f"<main><p>{escape(text('subtitle', language))} · "
        f'<strong id="period">{escape(text("period", language, days=days))}</strong></p>'
        f'<nav class="period">{periods}</nav>{body}</main></body></html>'
    )


def login_page(language: Language, *, failed: bool = False) -> str:
    """The sign-in form: one token field."""
    problem = f'<p role="alert">{escape(text("login_failed", language))}</p>' if failed else ""
    return (
        f'<!doctype html><html lang="{language}"><head><meta charset="utf-8">'
        f"<title>{escape(text('login_title', language))}</title><style>{_STYLE}</style></head>"
        f"<body><header><h1>{escape(text('login_title', language))}</h1></header><main>"
        f'{problem}<form method="post" action="/dashboard/login?lang={language}">'
        f'<label for="token">{escape(text("login_prompt", language))}</label><br>'
        '<input id="token" name="token" type="password" size="48" autocomplete="off" required> '
        f'<button type="submit">{escape(text("login_button", language))}</button>'
        "</form></main></body></html>"
    )
