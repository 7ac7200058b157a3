"""The LOI desk's store: letters of intent, their items, and the B2B movements realising
them (tables in ``adapter.storage.loi_tables``; the rules in ``adapter.core.b2b.loi``).

A letter is saved whole (its row and its items in one transaction) and keyed by its
``reference``: saving a reference again replaces the letter's terms and items and keeps
its movements, so a corrected spreadsheet can be imported twice. Movements are recorded
against every letter a transaction realises (same buyer GSTIN, buyer app, a common item),
once per ``event_key``: a callback retried or a request replayed records nothing twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, true, update
from sqlalchemy.ext.asyncio import AsyncConnection

from adapter.core.b2b.loi import (
    LetterItem,
    LetterTerms,
    MovementKind,
    is_on_paper,
    realises,
)
from adapter.storage.database import Database
from adapter.storage.loi_rows import (
    figures_of,
    letter_view,
    load_letters,
    on_paper_payload,
    ordered_counts,
    terms_of,
)
from adapter.storage.loi_tables import counted_letters, loi_items, loi_letters, loi_movements
from adapter.storage.notifications import SellerNotifications
from adapter.storage.tables import sellers

__all__ = ["LetterRecord", "LoiDesk", "OnPaper"]


@dataclass(frozen=True, slots=True)
class LetterRecord:
    """A letter as entered (through the APIs or a spreadsheet)."""

    reference: str
    buyer_name: str
    district: str
    product: str
    value_paise: int
    signed_on: date
    items: tuple[LetterItem, ...]
    buyer_gstin: str | None = None
    buyer_app_id: str | None = None
    payment_type: str | None = None
    terms: str | None = None
    meet: str | None = None
    figures_source: str | None = None
    nodal_officer: str | None = None
    next_follow_up: date | None = None
    demo: bool = False


@dataclass(frozen=True, slots=True)
class OnPaper:
    """A letter flagged "on paper" by a sweep, and the sellers told of it."""

    letter_id: int
    reference: str
    sellers: tuple[str, ...]
    idle_since: datetime | date


class LoiDesk:
    """Letters of intent and what the network has done with them."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def unknown_sellers(self, codes: Iterable[str]) -> set[str]:
        """The seller codes among ``codes`` that no seller of this deployment has."""
        wanted = set(codes)
        if not wanted:
            return set()
        async with self._db.engine.connect() as connection:
            known = await connection.execute(
                select(sellers.c.code).where(sellers.c.code.in_(wanted))
            )
            return wanted - {row.code for row in known}

    async def save(self, letter: LetterRecord, *, now: datetime) -> tuple[int, bool]:
        """Save a letter (new, or replacing the terms of the one with its reference); its
        id and whether it was new."""
        values = {
            "reference": letter.reference,
            "buyer_name": letter.buyer_name,
            "buyer_gstin": letter.buyer_gstin.upper() if letter.buyer_gstin else None,
            "buyer_app_id": letter.buyer_app_id,
            "district": letter.district,
            "product": letter.product,
            "value_paise": letter.value_paise,
            "payment_type": letter.payment_type,
            "terms": letter.terms,
            "signed_on": letter.signed_on,
            "meet": letter.meet,
            "figures_source": letter.figures_source,
            "nodal_officer": letter.nodal_officer,
            "next_follow_up": letter.next_follow_up,
            "demo": letter.demo,
            "updated_at": now,
        }
        async with self._db.transaction() as connection:
            existing = (
                await connection.execute(
                    select(loi_letters.c.id).where(loi_letters.c.reference == letter.reference)
                )
            ).scalar_one_or_none()
            if existing is None:
                result = await connection.execute(
                    insert(loi_letters).values(created_at=now, **values)
                )
                (letter_id,) = result.inserted_primary_key or (0,)
                letter_id = int(letter_id)
            else:
                letter_id = int(existing)
                await connection.execute(
                    update(loi_letters).where(loi_letters.c.id == letter_id).values(**values)
                )
                await connection.execute(
                    delete(loi_items).where(loi_items.c.letter_id == letter_id)
                )
            if not letter.items:  # a letter known by product and district only, so far
                return letter_id, existing is None
            await connection.execute(
                insert(loi_items),
                [
                    {
                        "letter_id": letter_id,
                        "seller_code": item.seller_code,
                        "sku": item.sku,
                        "name": item.name,
                        "quantity": item.quantity,
                        "unit_price_paise": item.unit_price_paise,
                    }
                    for item in letter.items
                ],
            )
        return letter_id, existing is None

    async def sellers_of(self, reference: str) -> set[str] | None:
        """The sellers of the letter with this reference; ``None`` when there is none."""
        async with self._db.engine.connect() as connection:
            rows = (
                await connection.execute(
                    select(loi_letters.c.id, loi_items.c.seller_code)
                    .join_from(loi_letters, loi_items, isouter=True)
                    .where(loi_letters.c.reference == reference)
                )
            ).all()
        if not rows:
            return None
        return {row.seller_code for row in rows if row.seller_code is not None}

    async def set_follow_up(
        self, letter_id: int, *, next_follow_up: date | None, nodal_officer: str | None,
        now: datetime,
    ) -> bool:  # fmt: skip
        """Set a letter's next follow-up date (and nodal officer, when given); whether the
        letter exists."""
        values: dict[str, Any] = {"next_follow_up": next_follow_up, "updated_at": now}
        if nodal_officer is not None:
            values["nodal_officer"] = nodal_officer
        async with self._db.transaction() as connection:
            result = await connection.execute(
                update(loi_letters).where(loi_letters.c.id == letter_id).values(**values)
            )
            return bool(result.rowcount)

    async def terms_for_buyer(self, buyer_gstin: str) -> list[LetterTerms]:
        """Every letter signed by this GSTIN, oldest first, as terms to link and price by,
        with the pieces of each line its purchase orders have taken."""
        async with self._db.engine.connect() as connection:
            loaded = await load_letters(
                connection, loi_letters.c.buyer_gstin == buyer_gstin.strip().upper()
            )
            taken = await ordered_counts(connection, loaded)
        return [terms_of(entry, taken.get(entry.row["id"])) for entry in loaded]

    async def record(
        self,
        *,
        buyer_gstin: str | None,
        buyer_app_id: str,
        lines: Sequence[tuple[str, str]],
        transaction_id: str,
        order_id: str | None,
        kind: MovementKind,
        amount_paise: int,
        event_key: str,
        at: datetime,
        connection: AsyncConnection | None = None,
    ) -> list[int]:
        """Record one event of a B2B transaction against every letter it realises; the ids
        of those letters. With ``connection`` it is written in that open transaction (the
        one changing the order), so the order and the letter move together."""
        if not buyer_gstin:
            return []
        if connection is None:
            async with self._db.transaction() as own:
                return await self._record(
                    own, buyer_gstin, buyer_app_id, lines, transaction_id, order_id, kind,
                    amount_paise, event_key, at,
                )  # fmt: skip
        return await self._record(
            connection, buyer_gstin, buyer_app_id, lines, transaction_id, order_id, kind,
            amount_paise, event_key, at,
        )  # fmt: skip

    async def _record(
        self,
        connection: AsyncConnection,
        buyer_gstin: str,
        buyer_app_id: str,
        lines: Sequence[tuple[str, str]],
        transaction_id: str,
        order_id: str | None,
        kind: MovementKind,
        amount_paise: int,
        event_key: str,
        at: datetime,
    ) -> list[int]:
        loaded = await load_letters(
            connection, loi_letters.c.buyer_gstin == buyer_gstin.strip().upper()
        )
        linked: list[int] = []
        for entry in loaded:
            terms = terms_of(entry)
            if not realises(terms, buyer_gstin=buyer_gstin, buyer_app_id=buyer_app_id, lines=lines):
                continue
            linked.append(terms.letter_id)
            seen = await connection.execute(
                select(loi_movements.c.id).where(
                    loi_movements.c.letter_id == terms.letter_id,
                    loi_movements.c.event_key == event_key,
                )
            )
            if seen.first() is not None:
                continue
            await connection.execute(
                insert(loi_movements).values(
                    letter_id=terms.letter_id,
                    transaction_id=transaction_id,
                    order_id=order_id,
                    stage=str(kind),
                    amount_paise=amount_paise,
                    event_key=event_key,
                    at=at,
                )
            )
        return linked

    async def letters(
        self,
        *,
        seller_code: str | None = None,
        district: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[dict[str, Any]]:
        """Every letter (of one seller, of one district), newest signed first, with its
        items, figures and stage; with ``limit``, the newest ``limit`` only after the newest
        ``offset`` (a page: only its letters are read)."""
        condition = self._chosen(seller_code, district)
        async with self._db.engine.connect() as connection:
            if limit is not None:
                newest = (
                    select(loi_letters.c.id)
                    .where(condition)
                    .order_by(loi_letters.c.signed_on.desc(), loi_letters.c.id.desc())
                    .limit(limit)
                    .offset(offset)
                )
                ids = list((await connection.execute(newest)).scalars())
                condition = loi_letters.c.id.in_(ids)
            loaded = await load_letters(connection, condition)
        shown = [letter_view(entry) for entry in loaded]
        shown.sort(key=lambda letter: (letter["signed_on"], letter["id"]), reverse=True)
        return shown

    async def letter(self, letter_id: int) -> dict[str, Any] | None:
        """One letter with its items (each with the pieces ordered), movements, figures and
        stage."""
        async with self._db.engine.connect() as connection:
            loaded = await load_letters(connection, loi_letters.c.id == letter_id)
            taken = (await ordered_counts(connection, loaded)).get(letter_id, {})
        if not loaded:
            return None
        [entry] = loaded
        view = letter_view(entry)
        # What the letter's purchase orders took of each line: the agreed price covers the
        # rest (adapter.core.b2b.loi.agreed_lines).
        for item in view["items"]:
            item["ordered"] = taken.get((item["seller_code"], item["sku"]), 0)
        view["movements"] = [
            {
                "transaction_id": move.transaction_id,
                "stage": str(move.kind),
                "amount_paise": move.amount_paise,
                "at": move.at,
            }
            for move in sorted(entry.movements, key=lambda move: move.at)
        ]
        return view

    async def sweep(
        self, *, now: datetime, quiet_days: int, notifications: SellerNotifications | None = None
    ) -> list[OnPaper]:
        """Flag every letter that is still on paper (see ``is_on_paper``) and stamp it, so
        it is flagged again only after another quiet spell; the flagged letters. With
        ``notifications``, each seller of a flagged letter is sent a ``loi.on_paper``
        webhook, queued in the same transaction as the flag."""
        flagged: list[OnPaper] = []
        async with self._db.transaction() as connection:
            for entry in await load_letters(connection, true()):
                counted = figures_of(entry)
                if not is_on_paper(
                    signed_on=entry.row["signed_on"],
                    figures=counted,
                    now=now,
                    quiet_days=quiet_days,
                    flagged_at=entry.row["flagged_at"],
                ):
                    continue
                await connection.execute(
                    update(loi_letters)
                    .where(loi_letters.c.id == entry.row["id"])
                    .values(flagged_at=now)
                )
                paper = OnPaper(
                    letter_id=entry.row["id"],
                    reference=entry.row["reference"],
                    sellers=tuple(sorted({item["seller_code"] for item in entry.items})),
                    idle_since=counted.last_movement_at or entry.row["signed_on"],
                )
                flagged.append(paper)
                if notifications is None:
                    continue
                for seller in paper.sellers:
                    await notifications.enqueue(
                        connection,
                        seller_code=seller,
                        event="loi.on_paper",
                        order_id=None,
                        payload=on_paper_payload(entry, counted, quiet_days),
                        now=now,
                    )
        return flagged

    async def by_district(self) -> list[dict[str, Any]]:
        """Per district with letters (those the dashboard counts: demo letters only while
        the desk holds no other, :func:`counted_letters`): how many, their value signed,
        and the value ordered, delivered and paid against them, with how many letters have
        a PO placed (summed in the database by the rules of ``adapter.core.b2b.loi.figures``:
        a transaction's latest PO counts unless it was cancelled; deliveries and payments
        add up)."""
        m = loi_movements.c
        latest = (
            select(
                m.letter_id,
                m.transaction_id,
                m.amount_paise,
                func.row_number()
                .over(
                    partition_by=(m.letter_id, m.transaction_id),
                    order_by=(m.at.desc(), m.id.desc()),
                )
                .label("newest"),
            )
            .where(m.stage == str(MovementKind.ORDERED))
            .subquery()
        )
        cancelled = (
            select(m.letter_id, m.transaction_id)
            .where(m.stage == str(MovementKind.CANCELLED))
            .distinct()
            .subquery()
        )
        ordered = (
            select(
                latest.c.letter_id,
                func.sum(latest.c.amount_paise).label("ordered"),
                func.count().label("orders"),
            )
            .outerjoin(
                cancelled,
                (cancelled.c.letter_id == latest.c.letter_id)
                & (cancelled.c.transaction_id == latest.c.transaction_id),
            )
            .where(latest.c.newest == 1, cancelled.c.letter_id.is_(None))
            .group_by(latest.c.letter_id)
            .subquery()
        )

        def summed(kind: MovementKind) -> Any:
            return func.sum(m.amount_paise).filter(m.stage == str(kind))

        moved = (
            select(
                m.letter_id,
                summed(MovementKind.DELIVERED).label("delivered"),
                summed(MovementKind.PAID).label("paid"),
            )
            .group_by(m.letter_id)
            .subquery()
        )
        letters = loi_letters.c
        query = (
            select(
                letters.district,
                func.count().label("letters"),
                func.sum(letters.value_paise).label("signed_paise"),
                func.coalesce(func.sum(ordered.c.ordered), 0).label("ordered_paise"),
                func.coalesce(func.sum(moved.c.delivered), 0).label("delivered_paise"),
                func.coalesce(func.sum(moved.c.paid), 0).label("paid_paise"),
                func.count(ordered.c.letter_id).filter(ordered.c.ordered > 0).label("realising"),
            )
            .select_from(loi_letters)
            .outerjoin(ordered, ordered.c.letter_id == letters.id)
            .outerjoin(moved, moved.c.letter_id == letters.id)
            .where(counted_letters())
            .group_by(letters.district)
            .order_by(letters.district)
        )
        async with self._db.engine.connect() as connection:
            return [dict(row._mapping) for row in await connection.execute(query)]

    async def count(self, *, district: str | None = None) -> int:
        """How many letters the desk holds (of ``district``, if given)."""
        query = select(func.count()).select_from(loi_letters).where(self._chosen(None, district))
        async with self._db.engine.connect() as connection:
            return int((await connection.execute(query)).scalar_one())

    @staticmethod
    def _chosen(seller_code: str | None, district: str | None) -> Any:
        condition: Any = true()
        if district is not None:
            condition = loi_letters.c.district == district
        if seller_code is not None:
            mine = select(loi_items.c.letter_id).where(loi_items.c.seller_code == seller_code)
            condition = loi_letters.c.id.in_(mine) & condition
        return condition
