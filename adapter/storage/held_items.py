"""Items held back from buyers by pre-flight, in the SQL store: listed with their reasons,
and checked again (after a seller, its location or the rules changed) so that an item the
rules now pass is published and one they now refuse is held.

An item's ``held`` column keeps its pre-flight reasons (``catalog_sync.preflight``) and
``published`` is true when there are none; the catalogue upsert sets both as an item is
written (``adapter.storage.catalog``), :meth:`HeldItems.recheck` sets them again for items
already stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select, update

from adapter.storage.catalog import item_record
from adapter.storage.database import Database
from adapter.storage.tables import items, locations, sellers
from catalog_sync.preflight import preflight
from catalog_sync.records import LocationRecord, SellerRecord

__all__ = ["HeldItem", "HeldItems", "Recheck"]


@dataclass(frozen=True, slots=True)
class HeldItem:
    """An item buyers cannot see, and why (each reason names the field, most the rule)."""

    seller_code: str
    sku: str
    name: str
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Recheck:
    """What checking the stored items again did: the items still (or newly) held, and the
    items published by it (held before, passing now), as (seller code, SKU)."""

    checked: int
    held: list[HeldItem]
    released: list[tuple[str, str]]


def _query(seller_code: str | None) -> Select[Any]:
    query = (
        select(
            items.c.id,
            items.c.sku,
            items.c.record,
            items.c.held,
            sellers.c.code,
            sellers.c.record,
            locations.c.record,
        )
        .select_from(
            items.join(sellers, items.c.seller_id == sellers.c.id).join(
                locations, items.c.location_id == locations.c.id
            )
        )
        .order_by(sellers.c.code, items.c.sku)
    )
    return query if seller_code is None else query.where(sellers.c.code == seller_code)


class HeldItems:
    """The held items of the catalogue store."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def of(self, seller_code: str | None = None) -> list[HeldItem]:
        """The items held back, of one seller or of all, by seller and SKU."""
        query = _query(seller_code).where(items.c.published.is_(False))
        async with self._db.engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        return [
            HeldItem(code, sku, str(record.get("name", "")), tuple(held or ()))
            for _, sku, record, held, code, _, _ in rows
            if held  # not shown for a reason of its own: the seller took it off sale
        ]

    async def recheck(self, seller_code: str | None = None, *, now: datetime) -> Recheck:
        """Run pre-flight again on the stored items (one seller's or all), in one
        transaction: held and published follow what the rules say now."""
        held: list[HeldItem] = []
        released: list[tuple[str, str]] = []
        async with self._db.transaction() as connection:
            rows = (await connection.execute(_query(seller_code))).all()
            for item_id, sku, record, before, code, seller, location in rows:
                item = item_record(record)
                reasons = preflight(LocationRecord(**location), item, SellerRecord(**seller))
                if reasons:
                    held.append(HeldItem(code, sku, item.name, tuple(reasons)))
                elif before and item.on_sale:
                    released.append((code, sku))
                if list(before or []) != reasons:
                    await connection.execute(
                        update(items)
                        .where(items.c.id == item_id)
                        .values(
                            held=reasons, published=not reasons and item.on_sale, updated_at=now
                        )
                    )
        return Recheck(len(rows), held, released)
