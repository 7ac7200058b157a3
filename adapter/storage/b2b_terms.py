"""Sellers' B2B price lists and terms (tables in ``adapter.storage.b2b_tables``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from adapter.core.b2b.price_list import PriceList, PriceSlab, SellerTerms
from adapter.storage.b2b_tables import b2b_price_lists, b2b_seller_terms
from adapter.storage.database import Database

__all__ = ["B2BTermsStore", "write_price_list", "write_seller_terms"]


async def write_price_list(
    database: Database, connection: AsyncConnection, price_list: PriceList, *, now: datetime
) -> None:
    """Create or replace one item's price list in ``connection``'s transaction."""
    values = {
        "slabs": [
            {"min": s.min_quantity, "max": s.max_quantity, "unit_price_paise": s.unit_price_paise}
            for s in price_list.slabs
        ],
        "min_order_quantity": price_list.min_order_quantity,
        "time_to_ship": price_list.time_to_ship,
        "tax_rate": format(price_list.tax_rate, "f"),
        "cancellable": price_list.cancellable,
        "origin": price_list.origin,
        "category_code": price_list.category_code,
        "updated_at": now,
    }
    statement = database.insert(b2b_price_lists).values(
        seller_code=price_list.seller_code, sku=price_list.sku, **values
    )
    await connection.execute(
        statement.on_conflict_do_update(index_elements=["seller_code", "sku"], set_=values)
    )


async def write_seller_terms(
    database: Database,
    connection: AsyncConnection,
    terms: SellerTerms,
    *,
    now: datetime,
    keep_po_rules: bool = False,
) -> None:
    """Create or replace a seller's B2B terms in ``connection``'s transaction; with
    ``keep_po_rules`` (a catalogue file, which does not state them), an existing seller's
    rules for held POs and its minimum order values stay as they are."""
    values = {
        "gst_credit_invoice": terms.gst_credit_invoice,
        "payment_types": list(terms.payment_types),
        "po_review_above_paise": terms.po_review_above_paise,
        "po_decision_seconds": terms.po_decision_seconds,
        "po_default": terms.po_default,
        "min_order_value_paise": terms.min_order_value_paise,
        "min_order_values": dict(terms.min_order_values_paise) or None,
        "export_licence": terms.export_licence,
        "export_licence_url": terms.export_licence_url,
        "updated_at": now,
    }
    statement = database.insert(b2b_seller_terms).values(seller_code=terms.seller_code, **values)
    changed = {
        key: value
        for key, value in values.items()
        if not (keep_po_rules and key.startswith(("po_", "min_order_value")))
    }
    await connection.execute(
        statement.on_conflict_do_update(index_elements=["seller_code"], set_=changed)
    )


def _price_list(row: Any) -> PriceList:
    return PriceList(
        seller_code=row.seller_code,
        sku=row.sku,
        slabs=tuple(
            PriceSlab(slab["min"], slab["max"], slab["unit_price_paise"]) for slab in row.slabs
        ),
        min_order_quantity=row.min_order_quantity,
        time_to_ship=row.time_to_ship,
        tax_rate=Decimal(row.tax_rate),
        cancellable=row.cancellable,
        origin=row.origin,
        category_code=row.category_code,
    )


class B2BTermsStore:
    """Read and write sellers' B2B price lists and terms."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def put_price_list(self, price_list: PriceList, *, now: datetime) -> None:
        """Create or replace one item's price list."""
        async with self._db.transaction() as connection:
            await write_price_list(self._db, connection, price_list, now=now)

    async def price_lists(
        self, seller_code: str, skus: Iterable[str] | None = None
    ) -> dict[str, PriceList]:
        """The seller's price lists (of these SKUs), by SKU."""
        query = select(b2b_price_lists).where(b2b_price_lists.c.seller_code == seller_code)
        if skus is not None:
            query = query.where(b2b_price_lists.c.sku.in_(list(skus)))
        async with self._db.engine.connect() as connection:
            return {row.sku: _price_list(row) for row in await connection.execute(query)}

    async def put_seller_terms(self, terms: SellerTerms, *, now: datetime) -> None:
        """Create or replace a seller's B2B terms."""
        async with self._db.transaction() as connection:
            await write_seller_terms(self._db, connection, terms, now=now)

    async def seller_terms(self, seller_code: str) -> SellerTerms | None:
        """The seller's B2B terms, or ``None`` when it has set none."""
        async with self._db.engine.connect() as connection:
            row = (
                await connection.execute(
                    select(b2b_seller_terms).where(b2b_seller_terms.c.seller_code == seller_code)
                )
            ).first()
        if row is None:
            return None
        return SellerTerms(
            row.seller_code,
            row.gst_credit_invoice,
            tuple(row.payment_types),
            po_review_above_paise=row.po_review_above_paise,
            po_decision_seconds=row.po_decision_seconds,
            po_default=row.po_default,
            min_order_value_paise=row.min_order_value_paise,
            min_order_values_paise=dict(row.min_order_values or {}),
            export_licence=row.export_licence,
            export_licence_url=row.export_licence_url,
        )
