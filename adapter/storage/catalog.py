"""The catalogue in the SQL store: upserts keyed by the seller's codes and SKUs, and the
candidate items a search reads. Records are kept whole (JSON), with the columns a search
filters on beside them."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from adapter.storage.database import Database
from adapter.storage.tables import items, locations, sellers
from catalog_sync.records import ItemRecord, LocationRecord, SellerRecord

__all__ = ["CatalogStore", "Listing"]

Listing = tuple[SellerRecord, LocationRecord, ItemRecord]


def _json(record: Any) -> dict[str, Any]:
    values = dataclasses.asdict(record)
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in values.items()}


def _item(values: dict[str, Any]) -> ItemRecord:
    return ItemRecord(
        **{
            **values,
            "price": Decimal(values["price"]),
            "mrp": Decimal(values["mrp"]),
            "images": tuple(values["images"]),
        }
    )


class CatalogStore:
    """Sellers, their locations and items."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def _insert(self, table: Any) -> Any:
        return (sqlite_insert if self._db.dialect == "sqlite" else postgresql_insert)(table)

    async def upsert(
        self,
        seller: SellerRecord,
        location: LocationRecord,
        goods: Sequence[ItemRecord],
        *,
        now: datetime,
    ) -> None:
        """Create or update a seller with one location and its items, in one transaction."""
        async with self._db.transaction() as connection:
            statement = self._insert(sellers).values(
                code=seller.code, record=_json(seller), updated_at=now
            )
            seller_id = (
                await connection.execute(
                    statement.on_conflict_do_update(
                        index_elements=[sellers.c.code],
                        set_={"record": statement.excluded.record, "updated_at": now},
                    ).returning(sellers.c.id)
                )
            ).scalar_one()
            statement = self._insert(locations).values(
                seller_id=seller_id,
                code=location.code,
                std_code=location.std_code,
                record=_json(location),
                updated_at=now,
            )
            location_id = (
                await connection.execute(
                    statement.on_conflict_do_update(
                        index_elements=[locations.c.seller_id, locations.c.code],
                        set_={
                            "record": statement.excluded.record,
                            "std_code": statement.excluded.std_code,
                            "updated_at": now,
                        },
                    ).returning(locations.c.id)
                )
            ).scalar_one()
            for good in goods:
                statement = self._insert(items).values(
                    seller_id=seller_id,
                    location_id=location_id,
                    sku=good.sku,
                    domain=good.domain,
                    category_id=good.category_id,
                    available=good.available,
                    record=_json(good),
                    updated_at=now,
                )
                await connection.execute(
                    statement.on_conflict_do_update(
                        index_elements=[items.c.seller_id, items.c.sku],
                        set_={
                            column: statement.excluded[column]
                            for column in (
                                "location_id",
                                "domain",
                                "category_id",
                                "available",
                                "record",
                            )
                        }
                        | {"updated_at": now},
                    )
                )

    async def listings(self, *, domain: str | None = None) -> list[Listing]:
        """Every item with its seller and location, optionally of one domain."""
        query = (
            select(sellers.c.record, locations.c.record, items.c.record)
            .select_from(
                items.join(sellers, items.c.seller_id == sellers.c.id).join(
                    locations, items.c.location_id == locations.c.id
                )
            )
            .order_by(sellers.c.code, items.c.sku)
        )
        if domain is not None:
            query = query.where(items.c.domain == domain)
        async with self._db.engine.connect() as connection:
            rows = await connection.execute(query)
            return [
                (
                    SellerRecord(**seller),
                    LocationRecord(**{**location, "serviceability": location["serviceability"]}),
                    _item(item),
                )
                for seller, location, item in rows
            ]
