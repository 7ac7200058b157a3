"""The catalogue in the SQL store: upserts keyed by the seller's codes and SKUs, and the
candidate items a search reads. Records are kept whole (JSON), with the columns a search
filters on beside them. The ``available`` column is the true stock count (orders lower it
atomically at confirm), and what every read reports."""

from __future__ import annotations

import dataclasses
import hashlib
import secrets
import sqlite3
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

import orjson
from sqlalchemy import (
    Connection,
    Select,
    Text,
    bindparam,
    cast,
    literal_column,
    select,
    text,
    update,
)
from sqlalchemy.dialects import sqlite as sqlite_dialects

from adapter.core.b2b.price_list import PriceList, SellerTerms
from adapter.storage.b2b_terms import write_price_list, write_seller_terms
from adapter.storage.database import Database
from adapter.storage.tables import (
    catalog_rejections,
    catalog_subscriptions,
    items,
    locations,
    seller_feeds,
    seller_keys,
    seller_webhooks,
    sellers,
)
from catalog_sync.customisation import TextInput
from catalog_sync.preflight import preflight
from catalog_sync.records import ItemRecord, LocationRecord, Package, SellerRecord
from catalog_sync.rejections import Rejection
from catalog_sync.transform import normalise, searchable_text

__all__ = ["CatalogStore", "Listing", "item_record"]

Listing = tuple[SellerRecord, LocationRecord, ItemRecord]


def _json(record: Any) -> dict[str, Any]:
    values = dataclasses.asdict(record)
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in values.items()}


def _item_row(
    ids: tuple[int, int],
    seller: SellerRecord,
    location: LocationRecord,
    good: ItemRecord,
    now: datetime,
    checked: Mapping[str, list[str]] | None,
) -> dict[str, Any]:
    seller_id, location_id = ids
    held = checked[good.sku] if checked is not None else preflight(location, good, seller)
    return {
        "seller_id": seller_id,
        "location_id": location_id,
        "sku": good.sku,
        "domain": good.domain,
        "category_id": good.category_id,
        "available": good.available,
        "record": _json(good),
        "held": held,
        # Shown to buyers: passes pre-flight and is on sale.
        "published": not held and good.on_sale,
        "search_text": searchable_text(good),
        "updated_at": now,
    }


@lru_cache(maxsize=64)
def _listings_query(
    *,
    fts: bool,
    domain: bool,
    published_only: bool,
    changed: bool,
    seller: bool,
    skus: bool,
    words: int,
    sqlite: bool = False,
) -> Select[Any]:
    """The query of :meth:`CatalogStore.listings` for one combination of filters, their
    values left to bind. Built once: building the statement and its cache key took more
    CPU than running it on an empty catalogue."""
    source: Any = items
    if fts:
        # Drive the query from the FTS5 trigram index (migration 0003): the matching rows
        # first, then their sellers and locations.
        hits = (
            select(literal_column("rowid").label("id"))
            .select_from(text("items_fts"))
            .where(text("items_fts MATCH :phrase"))
            .subquery("hits")
        )
        source = hits.join(items, items.c.id == hits.c.id)
    # Records come as JSON text, decoded by the caller: a seller's and its location's once
    # per query, however many of their items match (a large answer repeats them per row).
    query = (
        select(
            items.c.seller_id,
            cast(sellers.c.record, Text),
            items.c.location_id,
            cast(locations.c.record, Text),
            cast(items.c.record, Text),
            items.c.available,
        )
        .select_from(
            source.join(sellers, items.c.seller_id == sellers.c.id).join(
                locations, items.c.location_id == locations.c.id
            )
        )
        .order_by(sellers.c.code, items.c.sku)
    )
    if domain:
        query = query.where(items.c.domain == bindparam("domain"))
    if published_only:
        query = query.where(items.c.published.is_(True))
    if changed:
        query = query.where(
            items.c.updated_at.between(bindparam("changed_from"), bindparam("changed_to"))
        )
    if seller:
        query = query.where(sellers.c.code == bindparam("seller_code"))
    if skus:
        query = query.where(items.c.sku.in_(bindparam("skus", expanding=True)))
    for number in range(words):
        pattern: Any = bindparam(f"word_{number}", type_=Text())
        if sqlite:
            # SQLite marks a statement whose LIKE pattern is a bare parameter to be planned
            # again whenever that parameter is bound (its LIKE optimisation might use the
            # value), and Python's sqlite3 binds on every execution: the catalogue query
            # was compiled again on every search (about 0.27 M instructions). "? || ''" is
            # the same text and not a bare parameter; a pattern that starts with "%", as
            # every one here does, never used an index anyway.
            pattern = pattern.concat(literal_column("''", Text()))
        query = query.where(items.c.search_text.like(pattern, escape="\\"))
    return query


@lru_cache(maxsize=64)
def _sqlite_listings(**filters: Any) -> tuple[str, tuple[str, ...]]:
    """A listings query (:func:`_listings_query`, on SQLite) as driver SQL: its text and
    the names of its parameters in order. Only for filters whose values SQLAlchemy binds
    as they are (texts: no instants, no expanding list of SKUs)."""
    compiled = _listings_query(**filters, sqlite=True).compile(dialect=sqlite_dialects.dialect())
    return str(compiled), tuple(compiled.positiontup or ())


def _like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def item_record(values: dict[str, Any]) -> ItemRecord:
    """An item as stored (its JSON record) back as a record."""
    return ItemRecord(
        **{
            **values,
            "price": Decimal(values["price"]),
            "mrp": Decimal(values["mrp"]),
            "images": tuple(values["images"]),
            "text_input": TextInput(**values["text_input"]) if values.get("text_input") else None,
            "package": Package(**values["package"]) if values.get("package") else None,
        }
    )


class CatalogStore:
    """Sellers, their locations and items."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def upsert(
        self,
        seller: SellerRecord,
        location: LocationRecord,
        goods: Sequence[ItemRecord],
        *,
        now: datetime,
        held: Mapping[str, list[str]] | None = None,
        b2b_terms: SellerTerms | None = None,
        b2b_prices: Sequence[PriceList] = (),
    ) -> None:
        """Create or update a seller with one location and its items, in one transaction.
        ``held`` gives the items' pre-flight reasons by SKU when the caller has just checked
        them (a bulk import); otherwise each item is checked here. ``b2b_terms`` and
        ``b2b_prices`` (a catalogue file's B2B columns) are written in the same transaction;
        the seller's rules for held POs are kept."""
        async with self._db.transaction() as connection:
            if b2b_terms is not None:
                await write_seller_terms(
                    self._db, connection, b2b_terms, now=now, keep_po_rules=True
                )
            for price_list in b2b_prices:
                await write_price_list(self._db, connection, price_list, now=now)
            statement = self._db.insert(sellers).values(
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
            statement = self._db.insert(locations).values(
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
            if goods:
                statement = self._db.insert(items)
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
                                "held",
                                "published",
                                "search_text",
                                "updated_at",
                            )
                        },
                    ),
                    [
                        _item_row((seller_id, location_id), seller, location, good, now, held)
                        for good in goods
                    ],
                )

    async def listings(
        self,
        *,
        domain: str | None = None,
        published_only: bool = True,
        words: Sequence[str] = (),
        changed_between: tuple[datetime, datetime] | None = None,
        seller_code: str | None = None,
        skus: Sequence[str] | None = None,
    ) -> list[Listing]:
        """Items with their seller and location, optionally of one domain; by default only
        those that passed pre-flight (the ones buyers may see)."""
        wanted = [normalise(word) for word in words if normalise(word)]
        indexed = [word for word in wanted if len(word) >= 3]
        sqlite = self._db.dialect == "sqlite"
        fts = bool(indexed) and sqlite
        filters: dict[str, Any] = {
            "fts": fts,
            "domain": domain is not None,
            "published_only": published_only,
            "changed": changed_between is not None,
            "seller": seller_code is not None,
            "skus": skus is not None,
            "words": len(wanted),
        }
        values: dict[str, Any] = {f"word_{n}": _like(word) for n, word in enumerate(wanted)}
        if fts:
            values["phrase"] = " AND ".join('"' + word.replace('"', '""') + '"' for word in indexed)
        if domain is not None:
            values["domain"] = domain
        if changed_between is not None:
            values["changed_from"], values["changed_to"] = changed_between
        if seller_code is not None:
            values["seller_code"] = seller_code
        if skus is not None:
            values["skus"] = list(skus)
        rows: Sequence[Sequence[Any]]
        if sqlite and changed_between is None and skus is None:
            # A search (the dispatcher's catalogue query for every distinct /search): the
            # same SQL through the sqlite3 cursor, as driver SQL compiled once, instead of
            # SQLAlchemy's execution and result (0.61 -> 0.19 M instructions a query on an
            # empty catalogue, the reader thread's hand-off included).
            sql, names = _sqlite_listings(**filters)
            parameters = tuple([values[name] for name in names])

            def read(connection: Connection) -> list[Any]:
                driver: sqlite3.Connection | None = connection.connection.driver_connection
                assert driver is not None  # a checked-out connection
                return driver.execute(sql, parameters).fetchall()

            rows = await self._db.read(read)
        else:
            query = _listings_query(**filters, sqlite=sqlite)
            rows = await self._db.read(lambda connection: connection.execute(query, values).all())
        seen_sellers: dict[int, SellerRecord] = {}
        seen_locations: dict[int, LocationRecord] = {}
        found: list[Listing] = []
        for seller_id, seller_json, location_id, location_json, item_json, available in rows:
            seller = seen_sellers.get(seller_id)
            if seller is None:
                seller = seen_sellers[seller_id] = SellerRecord(**orjson.loads(seller_json))
            location = seen_locations.get(location_id)
            if location is None:
                location = LocationRecord(**orjson.loads(location_json))
                seen_locations[location_id] = location
            found.append(
                (seller, location, item_record({**orjson.loads(item_json), "available": available}))
            )
        return found

    async def seller(self, code: str) -> tuple[SellerRecord, LocationRecord] | None:
        """A seller and its (first) location."""
        query = (
            select(sellers.c.record, locations.c.record)
            .select_from(sellers.join(locations, locations.c.seller_id == sellers.c.id))
            .where(sellers.c.code == code)
            .order_by(locations.c.id)
            .limit(1)
        )
        async with self._db.engine.connect() as connection:
            row = (await connection.execute(query)).first()
        if row is None:
            return None
        return SellerRecord(**row[0]), LocationRecord(**row[1])

    async def stores(self) -> list[tuple[SellerRecord, LocationRecord]]:
        """Every seller with each of its locations."""
        query = (
            select(sellers.c.record, locations.c.record)
            .select_from(sellers.join(locations, locations.c.seller_id == sellers.c.id))
            .order_by(sellers.c.code, locations.c.id)
        )
        async with self._db.engine.connect() as connection:
            return [
                (SellerRecord(**seller), LocationRecord(**location))
                for seller, location in await connection.execute(query)
            ]

    async def items_of(self, code: str) -> list[tuple[ItemRecord, list[str]]]:
        """A seller's items by SKU, each with the reasons it is held back (if any)."""
        query = (
            select(items.c.record, items.c.held, items.c.available)
            .select_from(items.join(sellers, items.c.seller_id == sellers.c.id))
            .where(sellers.c.code == code)
            .order_by(items.c.sku)
        )
        async with self._db.engine.connect() as connection:
            return [
                (item_record({**record, "available": available}), held)
                for record, held, available in await connection.execute(query)
            ]

    async def set_stock(
        self, code: str, counts: Sequence[tuple[str, int]], *, now: datetime
    ) -> list[str]:
        """Set the true available count of the seller's SKUs; returns the SKUs not found."""
        unknown: list[str] = []
        async with self._db.transaction() as connection:
            seller_id = (
                await connection.execute(select(sellers.c.id).where(sellers.c.code == code))
            ).scalar_one()
            for sku, available in counts:
                row = (
                    await connection.execute(
                        select(items.c.id, items.c.record).where(
                            items.c.seller_id == seller_id, items.c.sku == sku
                        )
                    )
                ).first()
                if row is None:
                    unknown.append(sku)
                    continue
                await connection.execute(
                    update(items)
                    .where(items.c.id == row.id)
                    .values(
                        available=available,
                        record={**row.record, "available": available},
                        updated_at=now,
                    )
                )
        return unknown

    async def create_key(self, code: str, label: str, *, now: datetime) -> str | None:
        """A new API key for the seller (returned once; only its hash is kept)."""
        key = f"sk_{secrets.token_urlsafe(32)}"
        async with self._db.transaction() as connection:
            seller_id = (
                await connection.execute(select(sellers.c.id).where(sellers.c.code == code))
            ).scalar_one_or_none()
            if seller_id is None:
                return None
            await connection.execute(
                seller_keys.insert().values(
                    seller_id=seller_id, key_hash=_hash(key), label=label, created_at=now
                )
            )
        return key

    async def seller_for_key(self, key: str) -> str | None:
        """The code of the seller owning this (unrevoked) key."""
        query = (
            select(sellers.c.code)
            .select_from(seller_keys.join(sellers, seller_keys.c.seller_id == sellers.c.id))
            .where(seller_keys.c.key_hash == _hash(key), seller_keys.c.revoked_at.is_(None))
        )
        async with self._db.engine.connect() as connection:
            code: str | None = (await connection.execute(query)).scalar_one_or_none()
            return code

    async def record_rejections(
        self, rejections: Sequence[Rejection], *, buyer_id: str, now: datetime
    ) -> None:
        """Keep buyer apps' refusals against the seller and item."""
        if not rejections:
            return
        async with self._db.transaction() as connection:
            await connection.execute(
                catalog_rejections.insert(),
                [
                    {
                        "seller_code": r.seller_code,
                        "sku": r.sku,
                        "buyer_id": buyer_id,
                        "error_type": r.error_type,
                        "code": r.code,
                        "message": r.message,
                        "path": r.path,
                        "received_at": now,
                    }
                    for r in rejections
                ],
            )

    async def rejections_of(self, code: str) -> list[tuple[Rejection, str, datetime]]:
        """A seller's refusals, newest first: (rejection, buyer id, when)."""
        query = (
            select(catalog_rejections)
            .where(catalog_rejections.c.seller_code == code)
            .order_by(catalog_rejections.c.received_at.desc(), catalog_rejections.c.id.desc())
        )
        async with self._db.engine.connect() as connection:
            rows = await connection.execute(query)
            return [
                (
                    Rejection(
                        row.seller_code, row.sku, row.error_type, row.code, row.message, row.path
                    ),
                    row.buyer_id,
                    row.received_at,
                )
                for row in rows
            ]

    async def subscribe(
        self,
        *,
        bap_id: str,
        bap_uri: str,
        domain: str,
        transaction_id: str,
        now: datetime,
        core_version: str = "1.2.0",
    ) -> None:
        """Start pushing this domain's catalogue changes to a buyer app in the retail
        ``core_version`` it subscribed in (one subscription per buyer app and domain: a new
        start replaces the old)."""
        async with self._db.transaction() as connection:
            await self._stop(connection, bap_id, domain, now)
            await connection.execute(
                catalog_subscriptions.insert().values(
                    bap_id=bap_id,
                    bap_uri=bap_uri,
                    domain=domain,
                    transaction_id=transaction_id,
                    core_version=core_version,
                    started_at=now,
                )
            )

    async def unsubscribe(self, *, bap_id: str, domain: str, now: datetime) -> None:
        """Stop pushing this domain's changes to a buyer app."""
        async with self._db.transaction() as connection:
            await self._stop(connection, bap_id, domain, now)

    @staticmethod
    async def _stop(connection: Any, bap_id: str, domain: str, now: datetime) -> None:
        await connection.execute(
            update(catalog_subscriptions)
            .where(
                catalog_subscriptions.c.bap_id == bap_id,
                catalog_subscriptions.c.domain == domain,
                catalog_subscriptions.c.stopped_at.is_(None),
            )
            .values(stopped_at=now)
        )

    async def subscriptions(self, domain: str) -> list[dict[str, Any]]:
        """The live push subscriptions of a domain."""
        query = select(catalog_subscriptions).where(
            catalog_subscriptions.c.domain == domain, catalog_subscriptions.c.stopped_at.is_(None)
        )
        async with self._db.engine.connect() as connection:
            return [dict(row._mapping) for row in await connection.execute(query)]

    async def set_feed(self, code: str, url: str, interval_seconds: int) -> None:
        """Pull this seller's stock from ``url`` every ``interval_seconds``."""
        async with self._db.transaction() as connection:
            statement = self._db.insert(seller_feeds).values(
                seller_code=code, url=url, interval_seconds=interval_seconds
            )
            await connection.execute(
                statement.on_conflict_do_update(
                    index_elements=[seller_feeds.c.seller_code],
                    set_={"url": url, "interval_seconds": interval_seconds},
                )
            )

    async def feeds(self) -> list[dict[str, Any]]:
        """Every seller's stock feed."""
        async with self._db.engine.connect() as connection:
            rows = await connection.execute(select(seller_feeds).order_by(seller_feeds.c.id))
            return [dict(row._mapping) for row in rows]

    async def feed_fetched(self, code: str, *, now: datetime, result: str) -> None:
        """Record when a feed was read and what came of it."""
        async with self._db.transaction() as connection:
            await connection.execute(
                update(seller_feeds)
                .where(seller_feeds.c.seller_code == code)
                .values(last_fetched_at=now, last_result=result[:2000])
            )

    async def new_webhook_secret(self, code: str, *, now: datetime) -> str:
        """A new shared secret for the seller's signed stock webhook (replaces the old)."""
        secret = secrets.token_hex(32)
        async with self._db.transaction() as connection:
            statement = self._db.insert(seller_webhooks).values(
                seller_code=code, secret=secret, created_at=now
            )
            await connection.execute(
                statement.on_conflict_do_update(
                    index_elements=[seller_webhooks.c.seller_code],
                    set_={"secret": secret, "created_at": now},
                )
            )
        return secret

    async def webhook_secret(self, code: str) -> str | None:
        """The seller's webhook secret, if one was issued."""
        query = select(seller_webhooks.c.secret).where(seller_webhooks.c.seller_code == code)
        async with self._db.engine.connect() as connection:
            secret: str | None = (await connection.execute(query)).scalar_one_or_none()
            return secret


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()
