"""The letters-of-intent view: are the letters signed at buyer-seller meets turning into
trade? Read from the LOI desk (``adapter.storage.loi_desk``: letters linked to the B2B
transactions that realise them), as tables like every other dashboard table, so the page
(``/dashboard/loi``), the JSON API and the CSV/XLSX exports show the same figures.

- ``loi_values``: the value at each stage, over the chosen letters: signed, quoted,
  ordered (purchase orders placed), delivered, paid.
- ``loi_stages``: the letters by the furthest stage each has reached (signed, RFQ
  received, quoted, PO placed, partly delivered, delivered, paid) and their value signed.
- ``loi_by_district``, ``loi_by_product``: letters, value at each stage, and how many are
  flagged "on paper".
- ``loi_on_paper``: the letters flagged on paper, longest signed first.

Letters of the district and ODOP product chosen in the filters; demo letters are left out
unless the desk holds nothing else.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Final

from adapter.b2b.loi_report import summarise
from adapter.core.b2b.loi import Stage
from adapter.dashboard.i18n import Language, place, text
from adapter.dashboard.views import Table
from adapter.storage.loi_desk import LoiDesk

__all__ = ["loi_letters", "loi_tables"]

_VALUES: Final = (
    ("stage_signed", "signed_paise"),
    ("stage_quoted", "quoted_paise"),
    ("stage_po_placed", "ordered_paise"),
    ("stage_delivered", "delivered_paise"),
    ("stage_paid", "paid_paise"),
)


def _rupees(paise: Any) -> Decimal:
    return (Decimal(int(paise or 0)) / 100).quantize(Decimal("0.01"))


async def loi_letters(
    desk: LoiDesk, *, district: str | None, product: str | None
) -> list[dict[str, Any]]:
    """The desk's letters of ``district`` and ``product`` (None: all), newest first;
    without the demo letters when there are others."""
    letters = await desk.letters(district=district)
    if product is not None:
        letters = [letter for letter in letters if letter["product"] == product]
    real = [letter for letter in letters if not letter["demo"]]
    return real or letters


def _table(
    table_id: str, columns: list[str], rows: list[list[Any]], lang: Language, **extra: Any
) -> Table:
    labels = [text(column, lang) for column in columns]
    return Table(table_id, text(table_id, lang), columns, labels, rows, **extra)


def _grouped(table_id: str, letters: list[dict[str, Any]], by: str, lang: Language) -> Table:
    summary = summarise(letters, "district" if by == "district" else "product")
    rows = [
        [
            place(group["key"], lang),
            group["letters"],
            *(_rupees(group[paise]) for _, paise in _VALUES),
            group["on_paper"],
        ]
        for group in summary["groups"]
    ]
    columns = [by, "letters_n", *(f"loi_{paise[:-6]}" for _, paise in _VALUES), "on_paper_n"]
    return _table(table_id, columns, rows, lang, chart="bar", chart_value="loi_signed")


def loi_tables(letters: list[dict[str, Any]], lang: Language) -> list[Table]:
    """The view's tables over ``letters`` (as ``LoiDesk.letters`` lists them)."""
    total = summarise(letters, "district")["total"]
    values = [[text(label, lang), _rupees(total[paise])] for label, paise in _VALUES]
    signed_at: dict[str, int] = {str(stage): 0 for stage in Stage}
    for letter in letters:
        signed_at[letter["stage"]] += int(letter["value_paise"])
    stages = [
        [text(f"stage_{stage}", lang), total["stages"][str(stage)], _rupees(signed_at[stage])]
        for stage in Stage
    ]
    paper = sorted(
        (letter for letter in letters if letter["on_paper"]),
        key=lambda letter: (letter["signed_on"], letter["id"]),
    )
    paper_rows = [
        [
            letter["reference"],
            letter["buyer_name"],
            place(letter["district"], lang),
            place(letter["product"], lang),
            _rupees(letter["value_paise"]),
            text(f"stage_{letter['stage']}", lang),
            letter["signed_on"].isoformat(),
            letter["last_movement_at"].isoformat() if letter["last_movement_at"] else None,
            letter["nodal_officer"],
        ]
        for letter in paper
    ]
    return [
        _table(
            "loi_values",
            ["stage", "value"],
            values if letters else [],
            lang,
            chart="bar",
            chart_value="value",
        ),
        _table(
            "loi_stages",
            ["stage", "letters_n", "loi_signed"],
            stages if letters else [],
            lang,
            chart="bar",
            chart_value="letters_n",
        ),
        _grouped("loi_by_district", letters, "district", lang),
        _grouped("loi_by_product", letters, "product", lang),
        _table(
            "loi_on_paper",
            [
                "reference",
                "buyer_name",
                "district",
                "product",
                "intent_value",
                "stage",
                "signed_on",
                "last_movement",
                "nodal_officer",
            ],
            paper_rows,
            lang,
        ),
    ]
