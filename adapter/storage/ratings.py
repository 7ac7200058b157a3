"""Buyers' ratings in SQL: kept per order, summed per provider and item for the catalogue
(``adapter.core.ratings``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, delete, func, insert, or_, select

from adapter.core.ratings import CATALOGUE_CATEGORIES, BuyerRating, RatingTally
from adapter.storage.database import Database
from adapter.storage.rating_table import buyer_ratings

__all__ = ["rating_tallies", "record_ratings"]


async def record_ratings(
    database: Database,
    *,
    seller_code: str,
    transaction_id: str,
    bap_id: str,
    ratings: Sequence[BuyerRating],
    now: datetime,
) -> None:
    """Keep an order's ratings; rating the same part of the same order again replaces the
    earlier value (one transaction: a reader sees the old rating or the new, never both)."""
    if not ratings:
        return
    table = buyer_ratings.c
    same = or_(
        *(
            and_(table.category == rating.category, table.subject_id == rating.subject_id)
            for rating in ratings
        )
    )
    async with database.transaction() as connection:
        await connection.execute(
            delete(buyer_ratings).where(table.transaction_id == transaction_id, same)
        )
        await connection.execute(
            insert(buyer_ratings),
            [
                {
                    "seller_code": seller_code,
                    "transaction_id": transaction_id,
                    "bap_id": bap_id,
                    "category": rating.category,
                    "subject_id": rating.subject_id,
                    "value": rating.value,
                    "received_at": now,
                }
                for rating in ratings
            ],
        )


async def rating_tallies(
    database: Database, seller_codes: Sequence[str]
) -> dict[tuple[str, str, str], RatingTally]:
    """The provider and item ratings so far of the sellers ``seller_codes``, keyed by
    (seller code, category, id)."""
    if not seller_codes:
        return {}
    table = buyer_ratings.c
    query = (
        select(
            table.seller_code,
            table.category,
            table.subject_id,
            func.sum(table.value),
            func.count(),
        )
        .where(
            table.seller_code.in_(list(seller_codes)),
            table.category.in_(CATALOGUE_CATEGORIES),
        )
        .group_by(table.seller_code, table.category, table.subject_id)
    )
    async with database.engine.connect() as connection:
        rows = (await connection.execute(query)).all()
    return {(row[0], row[1], row[2]): RatingTally(int(row[3]), int(row[4])) for row in rows}
