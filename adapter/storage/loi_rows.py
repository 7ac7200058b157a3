"""How the LOI desk reads a letter back: its row, items and movements loaded together, and
the shapes built from them (terms to link by, figures, the API's view, the on-paper
webhook's payload)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from adapter.core.b2b.loi import (
    LetterFigures,
    LetterItem,
    LetterTerms,
    Movement,
    MovementKind,
    figures,
)
from adapter.storage.loi_tables import loi_items, loi_letters, loi_movements
from adapter.storage.tables import orders

__all__ = [
    "LoadedLetter",
    "figures_of",
    "letter_view",
    "load_letters",
    "on_paper_payload",
    "ordered_counts",
    "terms_of",
]


@dataclass(slots=True)
class LoadedLetter:
    """A letter's row with its items and movements."""

    row: dict[str, Any]
    items: list[dict[str, Any]] = field(default_factory=list)
    movements: list[Movement] = field(default_factory=list)


async def load_letters(connection: AsyncConnection, condition: Any) -> list[LoadedLetter]:
    """The letters meeting ``condition``, with their items and movements, by id."""
    # Rows as dicts through the result's keys, read once: ``row._mapping`` builds its keys
    # anew for every row (half the time of ten thousand letters).
    rows = await connection.execute(select(loi_letters).where(condition))
    keys = list(rows.keys())
    loaded = {row.id: LoadedLetter(dict(zip(keys, row, strict=True))) for row in rows}
    if not loaded:
        return []
    # The same condition as a subquery, not the ids as parameters: ten thousand letters
    # made ten thousand bound parameters per query (seconds on PostgreSQL).
    ids = select(loi_letters.c.id).where(condition).scalar_subquery()
    items = await connection.execute(
        select(loi_items).where(loi_items.c.letter_id.in_(ids)).order_by(loi_items.c.id)
    )
    keys = list(items.keys())
    for row in items:
        loaded[row.letter_id].items.append(dict(zip(keys, row, strict=True)))
    for row in await connection.execute(
        select(loi_movements).where(loi_movements.c.letter_id.in_(ids))
    ):
        loaded[row.letter_id].movements.append(
            Movement(row.transaction_id, MovementKind(row.stage), row.amount_paise, row.at)
        )
    return [loaded[letter_id] for letter_id in sorted(loaded)]


def on_paper_payload(
    entry: LoadedLetter, counted: LetterFigures, quiet_days: int
) -> dict[str, Any]:
    row = entry.row
    return {
        "letter_id": row["id"],
        "reference": row["reference"],
        "buyer_name": row["buyer_name"],
        "district": row["district"],
        "product": row["product"],
        "stage": str(counted.stage),
        "value_paise": row["value_paise"],
        "ordered_paise": counted.ordered_paise,
        "signed_on": row["signed_on"].isoformat(),
        "last_movement_at": counted.last_movement_at.isoformat()
        if counted.last_movement_at
        else None,
        "quiet_days": quiet_days,
        "nodal_officer": row["nodal_officer"],
        "next_follow_up": row["next_follow_up"].isoformat() if row["next_follow_up"] else None,
    }


def terms_of(
    entry: LoadedLetter, ordered: Mapping[tuple[str, str], int] | None = None
) -> LetterTerms:
    """The letter as terms to link and price by; ``ordered``: the pieces of each (seller,
    SKU) its purchase orders took (:func:`ordered_counts`)."""
    taken = ordered or {}
    return LetterTerms(
        letter_id=entry.row["id"],
        buyer_gstin=entry.row["buyer_gstin"],
        buyer_app_id=entry.row["buyer_app_id"],
        payment_type=entry.row["payment_type"],
        items=tuple(
            LetterItem(
                i["seller_code"],
                i["sku"],
                i["quantity"],
                i["unit_price_paise"],
                i["name"],
                taken.get((i["seller_code"], i["sku"]), 0),
            )
            for i in entry.items
        ),
    )


async def ordered_counts(
    connection: AsyncConnection, loaded: Sequence[LoadedLetter]
) -> dict[int, dict[tuple[str, str], int]]:
    """By letter, the pieces of each (seller, SKU) taken by the purchase orders of its
    linked transactions: confirmed orders not cancelled (a rejected PO is ``Cancelled``)."""
    placed: dict[int, set[str]] = {}
    for entry in loaded:
        cancelled = {m.transaction_id for m in entry.movements
                     if m.kind is MovementKind.CANCELLED}  # fmt: skip
        placed[entry.row["id"]] = {m.transaction_id for m in entry.movements
                                   if m.kind is MovementKind.ORDERED} - cancelled  # fmt: skip
    wanted = set().union(*placed.values()) if placed else set()
    if not wanted:
        return {}
    rows = await connection.execute(
        select(orders.c.transaction_id, orders.c.seller_code, orders.c.document).where(
            orders.c.transaction_id.in_(sorted(wanted)),
            orders.c.stage == "confirmed",
            or_(orders.c.state.is_(None), orders.c.state != "Cancelled"),
        )
    )
    pieces: dict[str, dict[tuple[str, str], int]] = {}
    for row in rows:
        counts = pieces.setdefault(row.transaction_id, {})
        for item in row.document.get("items") or []:
            line = (row.seller_code, str(item.get("id")))
            counts[line] = counts.get(line, 0) + int((item.get("quantity") or {}).get("count") or 0)
    taken: dict[int, dict[tuple[str, str], int]] = {}
    for letter_id, transactions in placed.items():
        mine = taken.setdefault(letter_id, {})
        for transaction_id in transactions:
            for line, count in pieces.get(transaction_id, {}).items():
                mine[line] = mine.get(line, 0) + count
    return taken


def figures_of(entry: LoadedLetter) -> LetterFigures:
    return figures(entry.row["value_paise"], entry.movements)


def letter_view(entry: LoadedLetter) -> dict[str, Any]:
    counted = figures_of(entry)
    shown = dict(entry.row)
    shown["items"] = [
        {k: v for k, v in item.items() if k not in ("id", "letter_id")} for item in entry.items
    ]
    shown["sellers"] = sorted({item["seller_code"] for item in entry.items})
    shown.update(
        stage=str(counted.stage),
        quoted_paise=counted.quoted_paise,
        ordered_paise=counted.ordered_paise,
        delivered_paise=counted.delivered_paise,
        paid_paise=counted.paid_paise,
        transactions=counted.transactions,
        orders=counted.orders,
        last_movement_at=counted.last_movement_at,
        on_paper=entry.row["flagged_at"] is not None
        and (
            counted.last_movement_at is None or entry.row["flagged_at"] >= counted.last_movement_at
        ),
    )
    return shown
