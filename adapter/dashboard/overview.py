"""The page's first screen: a row of key figures, and the map of the 12 districts.

Every figure is written for the viewer (``₹5.29 crore``, Hindi words, Devanagari digits if
chosen) and links to the table it comes from. A figure no source provides yet says "not
yet available" instead of showing a zero nobody counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from html import escape
from typing import Any

from adapter.dashboard.districtmap import district_map
from adapter.dashboard.filters import MEASURES, Measure, View
from adapter.dashboard.i18n import place, text
from adapter.dashboard.sources import ComplaintFigures, LetterFigures
from adapter.storage.overview import OverviewFigures
from adapter.storage.reports import CALLBACK_WINDOW_SECONDS

__all__ = ["OverviewData", "map_section", "overview_json", "overview_section"]


@dataclass(frozen=True, slots=True)
class OverviewData:
    """What the first screen shows; letters and complaints are None when not shown to
    this viewer (a seller) or, for complaints, when no source is connected."""

    figures: OverviewFigures
    letters: LetterFigures | None
    letters_by_district: dict[str, LetterFigures]
    complaints: ComplaintFigures | None
    network: bool  # the viewer may see network-wide figures (not a seller's login)


def _rupees(paise: int) -> Decimal:
    return Decimal(paise) / 100


def _tile(tile_id: str, title: str, big: str, lines: list[str], href: str | None) -> str:
    body = f'<p class="big">{escape(big)}</p>' + "".join(f"<p>{escape(line)}</p>" for line in lines)
    heading = f'<a href="{href}">{escape(title)}</a>' if href else escape(title)
    return f'<li class="tile" id="tile-{tile_id}"><h3>{heading}</h3>{body}</li>'


def _letters_tile(view: View, letters: LetterFigures) -> str:
    f, lang = view.formats, view.lang
    missing = text("not_yet_available", lang)

    def amount(paise: int | None) -> str:
        return missing if paise is None else f.money_short(_rupees(paise))

    lines = [
        f"{text('letters_ordered', lang)}: {amount(letters.ordered_paise)}",
        f"{text('letters_delivered', lang)}: {amount(letters.delivered_paise)}",
        f"{text('letters_paid', lang)}: {amount(letters.paid_paise)}",
    ]
    if letters.realising is not None:
        lines.append(
            text(
                "letters_count",
                lang,
                count=f.number(letters.letters),
                realising=f.number(letters.realising),
            )
        )
    big = f"{amount(letters.signed_paise)} {text('letters_signed', lang)}"
    # The LOI desk's figures are detailed in the LOI view.
    return _tile("letters", text("tile_letters", lang), big, lines, view.href("/dashboard/loi"))


def overview_section(view: View, data: OverviewData) -> str:
    """The header row of key figures for the view's period and filters."""
    f, lang, figures = view.formats, view.lang, data.figures
    tiles = []
    if data.network and data.letters is not None:
        tiles.append(_letters_tile(view, data.letters))
    tiles.append(
        _tile(
            "orders",
            text("tile_orders", lang),
            f.count_short(figures.orders),
            [
                text("orders_value", lang, value=f.money_short(_rupees(figures.value_paise))),
                text("orders_cancelled", lang, count=f.number(figures.cancelled)),
                text(
                    "orders_b2b",
                    lang,
                    count=f.number(figures.b2b_orders),
                    value=f.money_short(_rupees(figures.b2b_value_paise)),
                ),
            ],
            view.href(anchor="table-by_district"),
        )
    )
    tiles.append(
        _tile(
            "sellers",
            text("tile_sellers", lang),
            f.number(figures.sellers_live),
            [text("of_onboarded", lang, total=f.number(figures.sellers_onboarded))],
            view.href(anchor="table-coverage"),
        )
    )
    tiles.append(
        _tile(
            "districts",
            text("tile_districts", lang),
            f.number(figures.districts_live),
            [text("of_districts", lang, total=f.number(figures.districts))],
            view.href(anchor="map"),
        )
    )
    if data.network:
        if data.complaints is None:
            complaints = _tile(
                "complaints",
                text("tile_complaints", lang),
                text("not_yet_available", lang),
                [text("complaints_missing", lang)],
                None,
            )
        else:
            complaints = _tile(
                "complaints",
                text("tile_complaints", lang),
                f"{f.number(data.complaints.open)} {text('complaints_open', lang)}",
                [text("complaints_breaching", lang, count=f.number(data.complaints.breaching_sla))],
                None,
            )
        tiles.append(complaints)
        delivered = figures.callbacks_delivered
        tiles.append(
            _tile(
                "callbacks",
                text("tile_callbacks", lang),
                f.percent(figures.callbacks_on_time / delivered) if delivered else "–",
                [
                    text(
                        "callbacks_of",
                        lang,
                        on_time=f.number(figures.callbacks_on_time),
                        delivered=f.number(delivered),
                        window=f.number(CALLBACK_WINDOW_SECONDS),
                    )
                    if delivered
                    else text("callbacks_none", lang)
                ],
                view.href(anchor="table-callbacks"),
            )
        )
    period = text("period", lang, days=view.days) if view.days > 1 else text("period_day", lang)
    chosen = (
        [place(x, lang) for x in (view.district, view.product) if x]
        + ([view.seller] if view.seller else [])
        + ([text(f"channel_{view.channel}", lang)] if view.channel else [])
    )
    note = text(
        "overview_note",
        lang,
        period=period,
        filters=", ".join(chosen) if chosen else text("no_filter", lang),
    )
    return (
        '<section id="overview" aria-labelledby="overview-h">'
        f'<h2 id="overview-h">{escape(text("overview", lang))}</h2>'
        f'<p class="note">{escape(note)}</p>'
        f'<ul class="tiles">{"".join(tiles)}</ul></section>'
    )


def _measure_values(measure: Measure, data: OverviewData) -> dict[str, float]:
    by = data.figures.by_district
    if measure == "orders":
        return {d: float(e.orders) for d, e in by.items()}
    if measure == "value":
        return {d: float(e.value_paise) for d, e in by.items()}
    if measure == "sellers":
        return {d: float(e.sellers_live) for d, e in by.items()}
    return {
        d: (letters.ordered_paise or 0) / letters.signed_paise
        for d, letters in data.letters_by_district.items()
        if letters.signed_paise and d in by
    }


def map_section(view: View, data: OverviewData) -> str:
    """The map coloured by the view's measure, its measure links, and its table."""
    f, lang = view.formats, view.lang
    by = data.figures.by_district
    measures = [m for m in MEASURES if data.network or m != "loi"]
    measure: Measure = view.measure if view.measure in measures else "orders"
    values = _measure_values(measure, data)

    def realisation(district: str) -> str:
        letters = data.letters_by_district.get(district)
        if letters is None or not letters.signed_paise:
            return "–"
        share = (letters.ordered_paise or 0) / letters.signed_paise
        return f"{f.percent(share)} ({f.money_short(_rupees(letters.signed_paise))})"

    def shown(district: str) -> str:
        entry = by[district]
        if measure == "orders":
            return f.number(entry.orders)
        if measure == "value":
            return f.money_short(_rupees(entry.value_paise))
        if measure == "sellers":
            return f"{f.number(entry.sellers_live)} / {f.number(entry.sellers_onboarded)}"
        return realisation(district)

    title = text("map_title", lang, measure=text(f"measure_{measure}", lang))
    svg = district_map(
        {d: v for d, v in values.items() if d in by},
        title=title,
        names=lambda d: place(d, lang),
        shown=lambda d: shown(d) if d in by else "–",
        href=lambda d: view.href(district=d),
        legend=(text("map_low", lang), text("map_high", lang)),
        attribution=text("map_attribution", lang),
    )
    current = ' aria-current="true"'
    links = " ".join(
        f'<a href="{view.href(anchor="map", measure=m)}"{current if m == measure else ""}>'
        f"{escape(text(f'measure_{m}', lang))}</a>"
        for m in measures
    )
    columns = ["district", "orders", "value", "sellers_live"] + (
        ["loi_realisation"] if data.network else []
    )
    head = "".join(f'<th scope="col">{escape(text(c, lang))}</th>' for c in columns)
    rows = []
    for district, entry in by.items():
        cells = [
            f'<th scope="row" data-col="district">{escape(place(district, lang))}</th>',
            f'<td class="n" data-col="orders">{f.number(entry.orders)}</td>',
            f'<td class="n" data-col="value">{escape(f.money(_rupees(entry.value_paise)))}</td>',
            f'<td class="n" data-col="sellers_live">{f.number(entry.sellers_live)} / '
            f"{f.number(entry.sellers_onboarded)}</td>",
        ]
        if data.network:
            cells.append(f'<td class="n" data-col="loi">{escape(realisation(district))}</td>')
        rows.append(f'<tr data-district="{escape(district)}">{"".join(cells)}</tr>')
    return (
        '<section id="map" aria-labelledby="map-h">'
        f'<h2 id="map-h">{escape(text("section_map", lang))}</h2>'
        f'<nav class="measures" aria-label="{escape(text("measure", lang))}">'
        f"{escape(text('measure', lang))}: {links}</nav>"
        f'<div class="pair"><figure class="mapbox">{svg}</figure>'
        f'<div class="numbers"><table id="map-table"><caption>'
        f"{escape(text('district_table', lang))}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div></div>"
        "</section>"
    )


def _money(paise: int | None) -> str | None:
    return None if paise is None else str((Decimal(paise) / 100).quantize(Decimal("0.01")))


def overview_json(data: OverviewData, view: View) -> dict[str, Any]:
    """The same figures for programs (``/dashboard/api/overview``)."""
    figures, letters, complaints = data.figures, data.letters, data.complaints
    return {
        "days": view.days,
        "district": view.district,
        "product": view.product,
        "seller": view.seller,
        "channel": view.channel,
        "letters": None
        if letters is None
        else {
            "letters": letters.letters,
            "realising": letters.realising,
            "signed": _money(letters.signed_paise),
            "ordered": _money(letters.ordered_paise),
            "delivered": _money(letters.delivered_paise),
            "paid": _money(letters.paid_paise),
        },
        "orders": figures.orders,
        "cancelled": figures.cancelled,
        "value": _money(figures.value_paise),
        "b2c": {
            "orders": figures.orders - figures.b2b_orders,
            "value": _money(figures.value_paise - figures.b2b_value_paise),
        },
        "b2b": {"orders": figures.b2b_orders, "value": _money(figures.b2b_value_paise)},
        "sellers_live": figures.sellers_live,
        "sellers_onboarded": figures.sellers_onboarded,
        "districts_live": figures.districts_live,
        "districts": figures.districts,
        "complaints": None
        if complaints is None
        else {"open": complaints.open, "breaching_sla": complaints.breaching_sla},
        "callbacks": None
        if not data.network
        else {"delivered": figures.callbacks_delivered, "on_time": figures.callbacks_on_time},
        "by_district": [
            {
                "district": entry.district,
                "orders": entry.orders,
                "cancelled": entry.cancelled,
                "value": _money(entry.value_paise),
                "b2b_orders": entry.b2b_orders,
                "b2b_value": _money(entry.b2b_value_paise),
                "sellers_live": entry.sellers_live,
                "sellers_onboarded": entry.sellers_onboarded,
                "letters_signed": _money(
                    data.letters_by_district[entry.district].signed_paise
                    if entry.district in data.letters_by_district
                    else 0
                )
                if data.network
                else None,
                "letters_ordered": _money(
                    data.letters_by_district[entry.district].ordered_paise
                    if entry.district in data.letters_by_district
                    else 0
                )
                if data.network
                else None,
            }
            for entry in figures.by_district.values()
        ],
    }
