"""The LOI desk's letters summed in SQL for the dashboard: by stage, by district, by ODOP
product, and the letters flagged "on paper".

``LoiDesk.letters`` builds every letter with its items and movements in Python, right for
one letter or a seller's few, but seconds for ten thousand. Here each letter's figures
are computed in the database by the rules of ``adapter.core.b2b.loi.figures`` (the
latest quote and purchase order of each transaction, a cancelled transaction counting for
neither; every delivery and payment added up; the furthest stage reached) and summed,
so a view reads a few rows. ``tests/storage/test_loi_figures.py`` holds the two to the
same figures.
"""

from __future__ import annotations

from typing import Any, Final, Literal

from sqlalchemy import and_, case, func, literal, or_, select, true, union_all
from sqlalchemy.sql.elements import ColumnElement

from adapter.storage.database import Database
from adapter.storage.loi_tables import counted_letters, loi_letters, loi_movements

__all__ = ["LoiFigures", "LoiGroup"]

LoiGroup = Literal["stage", "district", "product"]
_AMOUNTS: Final = ("signed", "quoted", "ordered", "delivered", "paid")
_GROUPS: Final[tuple[LoiGroup, ...]] = ("stage", "district", "product")


class LoiFigures:
    """Read-only sums over the LOI desk's letters."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def _letters(
        self, district: str | None, product: str | None, *, flagged_only: bool = False
    ) -> Any:
        """Each chosen letter with its value at each stage, its stage, last movement and
        whether it is flagged on paper (only letters ever flagged, if ``flagged_only``). Demo
        letters count only when the desk holds no other letter."""
        m, letter = loi_movements.c, loi_letters.c
        chosen: list[ColumnElement[bool]] = [counted_letters()]
        if district is not None:
            chosen.append(letter.district == district)
        if product is not None:
            chosen.append(letter.product == product)
        if flagged_only:
            chosen.append(letter.flagged_at.is_not(None))
        # A narrower choice reads only its letters' movements (the letters flagged on
        # paper are a few of the desk's).
        narrowed = len(chosen) > 1
        of_chosen = m.letter_id.in_(select(loi_letters.c.id).where(*chosen))
        latest = (
            select(
                m.letter_id,
                m.transaction_id,
                m.stage,
                m.amount_paise,
                m.at,
                func.row_number()
                .over(
                    partition_by=(m.letter_id, m.transaction_id, m.stage),
                    order_by=(m.at.desc(), m.id.desc()),
                )
                .label("newest"),
            ).where(of_chosen if narrowed else true())
        ).subquery()
        cancelled = (
            select(m.letter_id, m.transaction_id)
            .where(m.stage == "cancelled", of_chosen if narrowed else true())
            .distinct()
        ).subquery()
        live = cancelled.c.transaction_id.is_(None)

        def newest(stage: str) -> Any:
            kept = (latest.c.stage == stage) & (latest.c.newest == 1) & live
            return func.coalesce(func.sum(case((kept, latest.c.amount_paise), else_=0)), 0)

        def every(stage: str) -> Any:
            counted = latest.c.stage == stage
            return func.coalesce(func.sum(case((counted, latest.c.amount_paise), else_=0)), 0)

        asks = latest.c.stage.in_(("rfq", "quoted", "ordered")) & live
        moves = (
            select(
                latest.c.letter_id,
                newest("quoted").label("quoted"),
                newest("ordered").label("ordered"),
                every("delivered").label("delivered"),
                every("paid").label("paid"),
                func.count(case((asks, literal(1)))).label("asks"),
                func.max(latest.c.at).label("last_at"),
            )
            .select_from(
                latest.outerjoin(
                    cancelled,
                    and_(
                        cancelled.c.letter_id == latest.c.letter_id,
                        cancelled.c.transaction_id == latest.c.transaction_id,
                    ),
                )
            )
            .group_by(latest.c.letter_id)
        ).subquery()
        quoted = func.coalesce(moves.c.quoted, 0)
        ordered = func.coalesce(moves.c.ordered, 0)
        delivered = func.coalesce(moves.c.delivered, 0)
        paid = func.coalesce(moves.c.paid, 0)
        stage = case(
            ((ordered > 0) & (paid >= ordered), literal("paid")),
            ((ordered > 0) & (delivered >= ordered), literal("delivered")),
            (delivered > 0, literal("partly_delivered")),
            (ordered > 0, literal("po_placed")),
            (quoted > 0, literal("quoted")),
            (func.coalesce(moves.c.asks, 0) > 0, literal("rfq_received")),
            else_=literal("signed"),
        )
        flagged = letter.flagged_at.is_not(None) & or_(
            moves.c.last_at.is_(None), letter.flagged_at >= moves.c.last_at
        )
        query = select(
            letter.id,
            letter.reference,
            letter.buyer_name,
            letter.district,
            letter.product,
            letter.signed_on,
            letter.nodal_officer,
            letter.value_paise.label("signed"),
            quoted.label("quoted"),
            ordered.label("ordered"),
            delivered.label("delivered"),
            paid.label("paid"),
            stage.label("stage"),
            moves.c.last_at,
            case((flagged, literal(1)), else_=literal(0)).label("on_paper"),
        ).select_from(loi_letters.outerjoin(moves, moves.c.letter_id == letter.id))
        return query.where(*chosen)

    async def grouped(
        self, *, district: str | None = None, product: str | None = None
    ) -> dict[LoiGroup, list[dict[str, Any]]]:
        """Per stage, per district and per product: letters, value at each stage (paise)
        and letters on paper, largest value signed first. One statement: the letters'
        figures are computed once for the three."""
        letters = self._letters(district, product).cte("letter_figures")
        parts = [
            select(
                literal(by).label("by"),
                letters.c[by].label("key"),
                func.count().label("letters"),
                *(func.sum(letters.c[name]).label(f"{name}_paise") for name in _AMOUNTS),
                func.sum(letters.c.on_paper).label("on_paper"),
            ).group_by(letters.c[by])
            for by in _GROUPS
        ]
        grouped: dict[LoiGroup, list[dict[str, Any]]] = {by: [] for by in _GROUPS}
        async with self._db.engine.connect() as connection:
            for row in await connection.execute(union_all(*parts)):
                figures = dict(row._mapping)
                by = figures.pop("by")
                grouped[by].append(
                    {k: v if k == "key" else int(v or 0) for k, v in figures.items()}
                )
        for rows in grouped.values():
            rows.sort(key=lambda group: (-group["signed_paise"], str(group["key"])))
        return grouped

    async def on_paper(
        self, *, district: str | None = None, product: str | None = None, limit: int | None = None
    ) -> list[dict[str, Any]]:
        """The letters flagged on paper, longest signed first (the first ``limit``)."""
        letters = self._letters(district, product, flagged_only=True).subquery()
        query = (
            select(letters)
            .where(letters.c.on_paper == 1)
            .order_by(letters.c.signed_on, letters.c.id)
            .limit(limit)
        )
        async with self._db.engine.connect() as connection:
            return [dict(row._mapping) for row in await connection.execute(query)]
