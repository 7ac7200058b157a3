"""Letters of intent from buyer-seller meets, and the orders realised against each."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Date, and_, cast, func, insert, select
from sqlalchemy.sql.elements import ColumnElement

from adapter.storage.database import Database
from adapter.storage.tables import letters_of_intent, order_days, order_facts

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
            return int(pk)

    def _signed_day(self) -> ColumnElement[Any]:
        # The day the letter was signed, as India sees it (as order_facts.day is).
        signed = letters_of_intent.c.signed_on
        if self._db.dialect == "postgresql":
            return cast(func.timezone("Asia/Kolkata", signed), Date)
        return func.date(signed, "+330 minutes")

    async def register(self, *, district: str | None = None) -> list[dict[str, Any]]:
        """Every letter, newest first, with the orders (not cancelled) and their value
        realised against it: the letter's product from its district, from its buyer app
        when one is named, confirmed on or after the date it was signed.

        The days after the day of signing are read from ``order_days``; the day of signing
        itself from ``order_facts``, from the instant of signing on.
        """
        loi = letters_of_intent.c
        signed_day = self._signed_day()
        d = order_days.c
        later = (
            select(
                loi.id,
                func.sum(d.live_orders).label("orders"),
                func.sum(d.live_value_paise).label("value"),
            )
            .join_from(
                letters_of_intent,
                order_days,
                and_(
                    d.district == loi.district,
                    d.product == loi.product,
                    d.day > signed_day,
                    loi.buyer_app_id.is_(None) | (d.bap_id == loi.buyer_app_id),
                ),
            )
            .group_by(loi.id)
        )
        f = order_facts.c
        same_day = (
            select(
                loi.id,
                func.count(func.distinct(f.order_pk)).label("orders"),
                func.sum(f.amount_paise).label("value"),
            )
            .join_from(
                letters_of_intent,
                order_facts,
                and_(
                    f.district == loi.district,
                    f.product == loi.product,
                    f.day == signed_day,
                    f.confirmed_at >= loi.signed_on,
                    f.state.is_distinct_from("Cancelled"),
                    loi.buyer_app_id.is_(None) | (f.bap_id == loi.buyer_app_id),
                ),
            )
            .group_by(loi.id)
        )
        query = select(
            loi.id,
            loi.buyer,
            loi.buyer_app_id,
            loi.product,
            loi.district,
            loi.value_paise,
            loi.signed_on,
            loi.meet,
        ).order_by(loi.signed_on.desc(), loi.id.desc())
        if district is not None:
            query = query.where(loi.district == district)
            later = later.where(loi.district == district)
            same_day = same_day.where(loi.district == district)
        async with self._db.engine.connect() as connection:
            letters = [dict(row._mapping) for row in await connection.execute(query)]
            realised: dict[int, list[int]] = {}
            for part in (later, same_day):
                for row in await connection.execute(part):
                    counted = realised.setdefault(row.id, [0, 0])
                    counted[0] += int(row.orders or 0)
                    counted[1] += int(row.value or 0)
        for letter in letters:
            letter["orders"], letter["realised_paise"] = realised.get(letter["id"], (0, 0))
        return letters
