"""Letters of intent from buyer-seller meets, and the orders realised against each (counted
as the facts change: :mod:`adapter.storage.letter_counts`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import case, func, insert, literal, select

from adapter.storage.database import Database
from adapter.storage.letter_counts import recount, serialise
from adapter.storage.tables import letters_of_intent

__all__ = ["LettersOfIntent"]


class LettersOfIntent:
    """The register: add a letter; list letters with what was realised against them."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def add(
        self,
        *,
        buyer: str,
        buyer_app_id: str | None,
        product: str,
        district: str,
        value_paise: int,
        signed_on: datetime,
        meet: str | None,
        now: datetime,
    ) -> int:
        """Record a letter; its id."""
        async with self._db.transaction() as connection:
            result = await connection.execute(
                insert(letters_of_intent).values(
                    buyer=buyer,
                    buyer_app_id=buyer_app_id,
                    product=product,
                    district=district,
                    value_paise=value_paise,
                    signed_on=signed_on,
                    meet=meet,
                    created_at=now,
                )
            )
            (pk,) = result.inserted_primary_key or (0,)
            # Counted under the lock the facts' refresh takes, so that no change to the
            # facts is missed or counted twice.
            await serialise(connection)
            await recount(connection, letters_of_intent.c.id == pk)
            return int(pk)

    async def count(self, *, district: str | None = None) -> int:
        """How many letters the register holds (of ``district``, if given)."""
        query = select(func.count()).select_from(letters_of_intent)
        if district is not None:
            query = query.where(letters_of_intent.c.district == district)
        async with self._db.engine.connect() as connection:
            return int((await connection.execute(query)).scalar_one())

    async def register(
        self, *, district: str | None = None, limit: int | None = None, offset: int = 0
    ) -> list[dict[str, Any]]:
        """Every letter (of ``district``, if given), newest first, with the orders (not
        cancelled) and their value realised against it: the letter's product from its
        district, from its buyer app when one is named, confirmed on or after the instant
        it was signed. With ``limit``, the newest ``limit`` letters only, after the
        newest ``offset``.

        The figures are the letter's counts, kept current as the facts change
        (:mod:`adapter.storage.letter_counts`); letters not counted yet are counted first.
        """
        loi = letters_of_intent.c
        await self.catch_up()
        query = select(
            loi.id,
            loi.buyer,
            loi.buyer_app_id,
            loi.product,
            loi.district,
            loi.value_paise,
            loi.signed_on,
            loi.meet,
            loi.realised_orders.label("orders"),
            loi.realised_paise,
        ).order_by(loi.signed_on.desc(), loi.id.desc())
        if district is not None:
            query = query.where(loi.district == district)
        if limit is not None:
            query = query.limit(limit).offset(offset)
        async with self._db.engine.connect() as connection:
            return [dict(row._mapping) for row in await connection.execute(query)]

    async def by_district(self) -> list[dict[str, Any]]:
        """Per district with letters: how many, their value, how many have orders, and
        the orders and value realised (as :meth:`register` counts them)."""
        loi = letters_of_intent.c
        await self.catch_up()
        query = select(
            loi.district,
            func.count().label("letters"),
            func.sum(loi.value_paise).label("value_paise"),
            func.count(case((loi.realised_orders > 0, literal(1)))).label("realising"),
            func.sum(loi.realised_orders).label("orders"),
            func.sum(loi.realised_paise).label("realised_paise"),
        ).group_by(loi.district)
        async with self._db.engine.connect() as connection:
            return [dict(row._mapping) for row in await connection.execute(query)]

    async def catch_up(self) -> None:
        """Count the letters that have no counts yet (after the migration that added
        them): once, under the counts' lock."""
        missing = letters_of_intent.c.realised_orders.is_(None)
        async with self._db.engine.connect() as connection:
            none = (
                await connection.execute(select(letters_of_intent.c.id).where(missing).limit(1))
            ).first() is None
        if none:
            return
        async with self._db.transaction() as connection:
            await serialise(connection)
            await recount(connection, missing)
