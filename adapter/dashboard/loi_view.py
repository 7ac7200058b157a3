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
unless the desk holds nothing else. Summed in SQL (``adapter.storage.loi_figures``).
"""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any, Final

from adapter.core.b2b.loi import Stage
from adapter.dashboard.i18n import Language, place, text
from adapter.dashboard.views import Table
from adapter.storage.loi_figures import LoiFigures

__all__ = ["loi_tables"]

_VALUES: Final = (
    ("stage_signed", "signed_paise"),
    ("stage_quoted", "quoted_paise"),
    ("stage_po_placed", "ordered_paise"),
    ("stage_delivered", "delivered_paise"),
    ("stage_paid", "paid_paise"),
)


def _rupees(paise: Any) -> Decimal:
    return (Decimal(int(paise or 0)) / 100).quantize(Decimal("0.01"))


def _table(
    table_id: str, columns: list[str], rows: list[list[Any]], lang: Language, **extra: Any
) -> Table:
    labels = [text(column, lang) for column in columns]
    return Table(table_id, text(table_id, lang), columns, labels, rows, **extra)


def _grouped(table_id: str, groups: list[dict[str, Any]], by: str, lang: Language) -> Table:
    rows = [
        [
            place(group["key"], lang),
            group["letters"],
            *(_rupees(group[paise]) for _, paise in _VALUES),
            group["on_paper"],
        ]
        for group in groups
    ]
    columns = [by, "letters_n", *(f"loi_{paise[:-6]}" for _, paise in _VALUES), "on_paper_n"]
    return _table(table_id, columns, rows, lang, chart="bar", chart_value="loi_signed")


async def _nothing() -> list[dict[str, Any]]:
    return []


async def loi_tables(
    figures: LoiFigures,
    lang: Language,
    *,
    district: str | None,
    product: str | None,
    rows_limit: int | None = None,
) -> list[Table]:
    """The view's tables over the letters of ``district`` and ``product`` (None: all);
    the first ``rows_limit`` letters on paper only, if given (the page's; 0: none, for
    the summary, which shows the stages only)."""
    chosen = {"district": district, "product": product}
    # The two statements each sum every chosen letter: side by side, on two connections.
    grouped, paper = await asyncio.gather(
        figures.grouped(**chosen),
        figures.on_paper(**chosen, limit=rows_limit) if rows_limit != 0 else _nothing(),
    )
    by_stage = {g["key"]: g for g in grouped["stage"]}
    total = {paise: sum(g[paise] for g in by_stage.values()) for _, paise in _VALUES}
    values = [[text(label, lang), _rupees(total[paise])] for label, paise in _VALUES]
    empty = {"letters": 0, "signed_paise": 0}
    stages = [
        [
            text(f"stage_{stage}", lang),
            by_stage.get(str(stage), empty)["letters"],
            _rupees(by_stage.get(str(stage), empty)["signed_paise"]),
        ]
        for stage in Stage
    ]
    paper_rows = [
        [
            letter["reference"],
            letter["buyer_name"],
            place(letter["district"], lang),
            place(letter["product"], lang),
            _rupees(letter["signed"]),
            text(f"stage_{letter['stage']}", lang),
            letter["signed_on"].isoformat(),
            letter["last_at"].isoformat() if letter["last_at"] else None,
            letter["nodal_officer"],
        ]
        for letter in paper
    ]
    on_paper = sum(g["on_paper"] for g in by_stage.values())
    any_letter = bool(by_stage)
    return [
        _table(
            "loi_values",
            ["stage", "value"],
            values if any_letter else [],
            lang,
            chart="bar",
            chart_value="value",
        ),
        _table(
            "loi_stages",
            ["stage", "letters_n", "loi_signed"],
            stages if any_letter else [],
            lang,
            chart="bar",
            chart_value="letters_n",
        ),
        _grouped("loi_by_district", grouped["district"], "district", lang),
        _grouped("loi_by_product", grouped["product"], "product", lang),
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
            total=on_paper,
        ),
    ]
