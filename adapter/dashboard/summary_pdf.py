"""The monthly review's one-page summary as a PDF (``/dashboard/summary.pdf``), in English
or Hindi, with Indian formats: the key figures of the overview, the 12 districts, and the
letters of intent by stage, for the view's period and filters.

PDF's built-in fonts know Latin-1 only: the rupee sign and Devanagari need a TrueType
font. :func:`fonts` looks for them on the server when first asked (Debian's
``fonts-dejavu-core`` for English and the rupee sign, ``fonts-lohit-deva`` for Hindi,
which ``scripts/services`` installs), and Devanagari is shaped (its conjuncts and vowel
signs placed) by HarfBuzz (``uharfbuzz``) through fpdf2. Without DejaVu the English
summary writes
``Rs`` for ``₹`` in a built-in font; without Lohit Devanagari a Hindi summary is the
English one with a line saying which font is missing, never boxes in place of letters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Final

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from adapter.dashboard.filters import View
from adapter.dashboard.i18n import place, text
from adapter.dashboard.overview import OverviewData
from adapter.dashboard.views import Table

__all__ = ["Fonts", "fonts", "summary_pdf"]

_FONT_DIRS: Final = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))
_LATIN: Final = "DejaVuSans.ttf"
_DEVANAGARI: Final = "Lohit-Devanagari.ttf"
# Devanagari letters and signs, whose conjuncts and vowel signs need shaping; its digits
# (U+0966 to U+096F), Latin, figures and the rupee sign are drawn glyph by glyph.
_NEEDS_SHAPING: Final = re.compile("[\u0900-\u0965\u0970-\u097f]")


@dataclass(frozen=True, slots=True)
class Fonts:
    """The TrueType fonts found on this server (None: not installed)."""

    latin: Path | None
    devanagari: Path | None


def _find(name: str, roots: Iterable[Path]) -> Path | None:
    for root in roots:
        if root.is_dir():
            for found in sorted(root.rglob(name)):
                return found
    return None


@cache
def fonts(roots: tuple[Path, ...] = _FONT_DIRS) -> Fonts:
    """The fonts under ``roots`` (looked for once per process)."""
    return Fonts(_find(_LATIN, roots), _find(_DEVANAGARI, roots))


class _Writer:
    """An A4 page and the one font chosen for the summary's language (each TrueType font
    is read from disk for every document, so one font, no bold: headings are larger)."""

    def __init__(self, found: Fonts, hindi: bool) -> None:
        self.pdf = FPDF(orientation="portrait", unit="mm", format="A4")
        self.pdf.set_auto_page_break(auto=True, margin=12)
        self.pdf.set_margins(14, 12, 14)
        self.pdf.add_page()
        self.unicode = True
        self.hindi = hindi and found.devanagari is not None
        self.shaping = False
        if hindi and found.devanagari is not None:
            # Lohit Devanagari has Latin letters, digits and the rupee sign too.
            self.pdf.add_font("Deva", "", str(found.devanagari))
            self.family = "Deva"
        elif found.latin is not None:
            self.pdf.add_font("Latin", "", str(found.latin))
            self.family = "Latin"
        else:
            self.family, self.unicode = "Helvetica", False

    def _plain(self, words: str) -> str:
        if self.hindi:
            # HarfBuzz only where Devanagari needs it: shaping every figure of the tables
            # cost most of the time to draw a Hindi page (about 3 ms a cell).
            needed = _NEEDS_SHAPING.search(words) is not None
            if needed != self.shaping:
                self.pdf.set_text_shaping(needed)
                self.shaping = needed
        if self.unicode:
            return words
        return words.replace("₹", "Rs ").encode("latin-1", "replace").decode("latin-1")

    def line(self, words: str, *, size: float = 9, bold: bool = False, gap: float = 1) -> None:
        self.pdf.set_font(self.family, "B" if bold and not self.unicode else "", size)
        self.pdf.multi_cell(0, size * 0.5, self._plain(words), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.pdf.ln(gap)

    def table(self, head: list[str], rows: list[list[str]], widths: list[float]) -> None:
        """A table of short texts; the first column left-aligned, the others right."""
        for number, cells in enumerate([head, *rows]):
            self.pdf.set_font(self.family, "B" if number == 0 and not self.unicode else "", 8)
            for index, (cell, width) in enumerate(zip(cells, widths, strict=True)):
                self.pdf.cell(
                    width,
                    5,
                    self._plain(cell),
                    border="B" if number == 0 else 0,
                    align="L" if index == 0 else "R",
                )
            self.pdf.ln(5)
        self.pdf.ln(2)


def _rupees(paise: int | None) -> Decimal:
    return Decimal(paise or 0) / 100


def summary_pdf(
    view: View,
    data: OverviewData,
    loi_stages: Table | None,
    *,
    now: datetime,
    found: Fonts | None = None,
) -> bytes:
    """The one-page summary for ``view`` (its language, period and filters)."""
    found = found or fonts()
    asked_hindi = view.lang == "hi"
    hindi = asked_hindi and found.devanagari is not None
    if not hindi:
        view = replace(view, lang="en", devanagari=False)
    lang, f, figures = view.lang, view.formats, data.figures
    out = _Writer(found, hindi)
    out.line(text("pdf_title", lang), size=14, bold=True, gap=1)
    period = text("period", lang, days=view.days) if view.days > 1 else text("period_day", lang)
    chosen = [place(x, lang) for x in (view.district, view.product) if x]
    chosen += [view.seller] if view.seller else []
    chosen += [text(f"channel_{view.channel}", lang)] if view.channel else []
    out.line(
        text(
            "pdf_made",
            lang,
            when=f.moment(now),
            period=period,
            filters=", ".join(chosen) or text("no_filter", lang),
        ),
        size=8,
        gap=3,
    )
    if asked_hindi and not hindi:
        out.line(text("pdf_no_font", "en"), size=8, gap=3)
    out.line(text("pdf_key_figures", lang), size=11, bold=True)
    key = [
        [text("tile_orders", lang), f.number(figures.orders)],
        [text("value", lang), f.money(_rupees(figures.value_paise))],
        [text("b2c_orders", lang), f.number(figures.orders - figures.b2b_orders)],
        [text("b2b_orders", lang), f.number(figures.b2b_orders)],
        [text("b2b_value", lang), f.money(_rupees(figures.b2b_value_paise))],
        [text("cancelled", lang), f.number(figures.cancelled)],
        [
            text("tile_sellers", lang),
            f"{f.number(figures.sellers_live)} / {f.number(figures.sellers_onboarded)}",
        ],
        [
            text("tile_districts", lang),
            f"{f.number(figures.districts_live)} / {f.number(figures.districts)}",
        ],
    ]
    letters = data.letters
    if data.network and letters is not None:
        for word, paise in (
            ("letters_signed", letters.signed_paise),
            ("letters_ordered", letters.ordered_paise),
            ("letters_delivered", letters.delivered_paise),
            ("letters_paid", letters.paid_paise),
        ):
            shown = text("not_yet_available", lang) if paise is None else f.money(_rupees(paise))
            key.append([f"{text('tile_letters', lang)}: {text(word, lang)}", shown])
    if data.network and data.complaints is not None:
        key.append([text("tile_complaints", lang), f.number(data.complaints.open)])
    out.table(["", ""], key, [110, 72])
    out.line(text("pdf_districts", lang), size=11, bold=True)
    columns = ["district", "orders", "b2b_orders", "value", "sellers_live"]
    rows = []
    for entry in data.figures.by_district.values():
        signed = data.letters_by_district.get(entry.district)
        rows.append(
            [
                place(entry.district, lang),
                f.number(entry.orders),
                f.number(entry.b2b_orders),
                f.money(_rupees(entry.value_paise)),
                f"{f.number(entry.sellers_live)} / {f.number(entry.sellers_onboarded)}",
                f.money_short(_rupees(signed.signed_paise)) if signed else "–",
            ]
        )
    out.table(
        [text(c, lang) for c in columns] + [text("loi_signed", lang)],
        rows,
        [44, 22, 22, 40, 24, 30],
    )
    if loi_stages is not None and loi_stages.rows:
        out.line(text("pdf_letters", lang), size=11, bold=True)
        out.table(
            [text(c, lang) for c in loi_stages.columns],
            [[str(r[0]), f.number(r[1]), f.money(r[2])] for r in loi_stages.rows],
            [80, 40, 62],
        )
    out.line(text("map_attribution", lang), size=7)
    return bytes(out.pdf.output())
