"""Letters of intent from buyer-seller meets, and the orders realised against each."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, insert, select

from adapter.storage.database import Database
from adapter.storage.tables import letters_of_intent, order_facts

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

    async def register(self, *, district: str | None = None) -> list[dict[str, Any]]:
        """Every letter, newest first, with the orders (not cancelled) and their value
        realised against it: the letter's product from its district, from its buyer app
        when one is named, confirmed on or after the date it was signed."""
        loi = letters_of_intent.c
        facts = order_facts.c
        matched = and_(
            facts.district == loi.district,
            facts.product == loi.product,
            facts.confirmed_at >= loi.signed_on,
            facts.state.is_distinct_from("Cancelled"),
            (loi.buyer_app_id.is_(None)) | (facts.bap_id == loi.buyer_app_id),
        )
        query = (
            select(
                loi.id,
                loi.buyer,
                loi.buyer_app_id,
                loi.product,
                loi.district,
                loi.value_paise,
                loi.signed_on,
                loi.meet,
                func.count(func.distinct(facts.order_pk)).label("orders"),
                func.coalesce(func.sum(facts.amount_paise), 0).label("realised_paise"),
            )
            .select_from(letters_of_intent.outerjoin(order_facts, matched))
            .group_by(loi.id)
            .order_by(loi.signed_on.desc(), loi.id.desc())
        )
        if district is not None:
            query = query.where(loi.district == district)
        async with self._db.engine.connect() as connection:
            return [dict(row._mapping) for row in await connection.execute(query)]
