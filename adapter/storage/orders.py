"""Orders and stock holds in the SQL store.

Stock is never oversold, whatever the number of adapter processes: every step that reads
an item's free stock and then holds or takes some locks the item's row first
(``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite has one writer at a time), always in the
same order (by row id) so two carts never deadlock. Free stock is the item's true
``available`` count minus the unexpired holds of *other* transactions; an expired hold
simply stops counting, so nothing has to sweep holds for stock to come back.

An order's state changes with a compare-and-set on its current state, so two processes
(or a seller's click racing a buyer's cancel) can never both move it; the loser gets
:class:`~adapter.core.orders.OrderMoved` (an ``IllegalTransition``). The change, its event
row, the stock it returns and the callback that tells the buyer app are written in one
transaction.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from adapter.core.order_replies import wire
from adapter.core.orders import INTERNAL, Change, OrderMoved, OrderRow, Shortfall, Stock
from adapter.core.ratings import BuyerRating, RatingTally
from adapter.core.retail125.buyer_delivery import carrier_of, is_buyer_delivery
from adapter.core.retail125.delivery_slots import SlotPlace
from adapter.core.seller_events import SellerEvent
from adapter.storage.catalog import CatalogStore, item_record
from adapter.storage.database import Database
from adapter.storage.notifications import SellerNotifications
from adapter.storage.ratings import rating_tallies, record_ratings
from adapter.storage.slot_bookings import give_back_place, slot_bookings, take_place
from adapter.storage.tables import (
    items,
    order_events,
    orders,
    outbox,
    sellers,
    stock_holds,
)
from catalog_sync.records import LocationRecord, SellerRecord

__all__ = ["OrderStore"]

_TOLD_SELLER: Final = {
    "return_requested": SellerEvent.ORDER_RETURN_REQUESTED,
    "return_withdrawn": SellerEvent.ORDER_RETURN_WITHDRAWN,
    "buyer_picked_up": SellerEvent.ORDER_BUYER_APP_DELIVERY,
    "buyer_delivered": SellerEvent.ORDER_BUYER_APP_DELIVERY,
}
"""The buyer's order events the seller is notified of (besides a cancellation)."""


def _row(values: Any) -> OrderRow:
    data = dict(values._mapping)
    data["pk"] = data.pop("id")
    data["total"] = Decimal(data["total"])
    return OrderRow(**data)


class OrderStore:
    """Drafts, orders, their events and the stock they hold."""

    def __init__(self, database: Database, notifications: SellerNotifications | None = None):
        self._db = database
        self._catalogue = CatalogStore(database)
        self._notifications = notifications

    async def _tell_seller(
        self, connection: AsyncConnection, row: OrderRow, event: SellerEvent, now: datetime
    ) -> None:
        """Queue the seller's webhook for ``event`` in the order's own transaction."""
        if self._notifications is None or row.order_id is None:
            return
        payload = {
            "state": row.state,
            "fulfillment_state": row.fulfillment_state,
            "total": str(row.total),
            "buyer_app": row.bap_id,
            "order": wire(row.document),
        }
        if is_buyer_delivery(row.document):
            # The package quoted, the one the buyer app's courier measured, the difference.
            payload["delivery"] = carrier_of(row.document)
        review = row.document.get(INTERNAL, {}).get("po_review")
        if review is not None and row.state == "Created":
            # A B2B purchase order held for the seller: accept or reject it by decide_by
            # (POST /seller/v1/b2b/orders/{id}/accept | reject), else the default applies.
            payload["po_review"] = review
        await self._notifications.enqueue(
            connection,
            seller_code=row.seller_code,
            event=event,
            order_id=row.order_id,
            payload=payload,
            now=now,
        )

    def _locking(self, query: Any) -> Any:
        return query.with_for_update() if self._db.dialect == "postgresql" else query

    async def seller(self, code: str) -> tuple[SellerRecord, LocationRecord] | None:
        """A seller and its first location (as the catalogue keeps them)."""
        return await self._catalogue.seller(code)

    async def hold(
        self,
        *,
        transaction_id: str,
        seller_code: str,
        wants: Mapping[str, int],
        now: datetime,
        until: datetime,
        caps: Mapping[str, int | None] | None = None,
    ) -> list[Stock]:
        """Hold, for this transaction, as much of each wanted SKU as can be had (up to the
        item's per-order maximum, or the SKU's entry in ``caps`` where it has one: a B2B
        price list's last slab, ``None`` for open-ended), replacing what it held before;
        in one transaction."""
        async with self._db.transaction() as connection:
            found = await self._locked_items(connection, seller_code, list(wants))
            result: list[Stock] = []
            for sku, want in wants.items():
                row = found.get(sku)
                if row is None:
                    result.append(Stock(sku, None, 0, 0))
                    continue
                item = item_record({**row.record, "available": row.available})
                free = max(
                    row.available
                    - await self._held_by_others(connection, row.id, transaction_id, now),
                    0,
                )
                cap = caps[sku] if caps is not None and sku in caps else item.maximum
                can = min(want, free) if cap is None else min(want, free, cap)
                await self._set_hold(connection, transaction_id, row.id, can, now, until)
                result.append(Stock(sku, item, free, can))
            return result

    async def _locked_items(
        self, connection: AsyncConnection, seller_code: str, skus: Sequence[str]
    ) -> dict[str, Any]:
        query = self._locking(
            select(items.c.id, items.c.sku, items.c.available, items.c.record)
            .join(sellers, items.c.seller_id == sellers.c.id)
            .where(
                sellers.c.code == seller_code,
                items.c.sku.in_(list(skus)),
                items.c.published.is_(True),
            )
            .order_by(items.c.id)
        )
        return {row.sku: row for row in await connection.execute(query)}

    @staticmethod
    async def _held_by_others(
        connection: AsyncConnection, item_pk: int, transaction_id: str, now: datetime
    ) -> int:
        total = (
            await connection.execute(
                select(func.coalesce(func.sum(stock_holds.c.quantity), 0)).where(
                    stock_holds.c.item_id == item_pk,
                    stock_holds.c.status == "held",
                    stock_holds.c.expires_at > now,
                    stock_holds.c.transaction_id != transaction_id,
                )
            )
        ).scalar_one()
        return int(total)

    async def _set_hold(
        self,
        connection: AsyncConnection,
        transaction_id: str,
        item_pk: int,
        quantity: int,
        now: datetime,
        until: datetime,
    ) -> None:
        status = "held" if quantity > 0 else "released"
        statement = self._db.insert(stock_holds).values(
            transaction_id=transaction_id,
            item_id=item_pk,
            quantity=quantity,
            status=status,
            expires_at=until,
            updated_at=now,
        )
        await connection.execute(
            statement.on_conflict_do_update(
                index_elements=[stock_holds.c.transaction_id, stock_holds.c.item_id],
                set_={
                    "quantity": quantity,
                    "status": status,
                    "expires_at": until,
                    "updated_at": now,
                },
                # What a confirm committed is the order's: only its cancel or return may
                # give it back, never a later quote in the same transaction.
                where=stock_holds.c.status != "committed",
            )
        )

    async def release(self, transaction_id: str, *, now: datetime) -> None:
        """Let go of every live hold of a transaction (a confirm that failed)."""
        async with self._db.transaction() as connection:
            await connection.execute(
                update(stock_holds)
                .where(
                    stock_holds.c.transaction_id == transaction_id,
                    stock_holds.c.status == "held",
                )
                .values(status="released", updated_at=now)
            )

    async def save_draft(
        self,
        *,
        transaction_id: str,
        bap_id: str,
        bap_uri: str,
        domain: str,
        city: str,
        seller_code: str,
        stage: str,
        document: dict[str, Any],
        total: Decimal,
        now: datetime,
    ) -> None:
        """Record the cart of a select or init: never once the order is confirmed, and
        never over a draft another buyer app (``bap_id`` and ``bap_uri``) opened."""
        values = {
            "bap_id": bap_id,
            "bap_uri": bap_uri,
            "domain": domain,
            "city": city,
            "seller_code": seller_code,
            "stage": stage,
            "document": document,
            "total": str(total),
            "updated_at": now,
        }
        statement = self._db.insert(orders).values(
            transaction_id=transaction_id, created_at=now, **values
        )
        async with self._db.transaction() as connection:
            await connection.execute(
                statement.on_conflict_do_update(
                    index_elements=[orders.c.transaction_id],
                    set_=values,
                    where=and_(
                        orders.c.stage != "confirmed",
                        orders.c.bap_id == bap_id,
                        orders.c.bap_uri == bap_uri,
                    ),
                )
            )

    async def by_transaction(self, transaction_id: str) -> OrderRow | None:
        """The draft or order of a transaction."""
        async with self._db.engine.connect() as connection:
            row = (
                await connection.execute(
                    select(orders).where(orders.c.transaction_id == transaction_id)
                )
            ).first()
        return None if row is None else _row(row)

    async def by_order_id(
        self, order_id: str, *, bap_id: str | None = None, seller_code: str | None = None
    ) -> OrderRow | None:
        """A confirmed order by its id, as one buyer app or one seller may see it."""
        query = select(orders).where(orders.c.order_id == order_id)
        if bap_id is not None:
            query = query.where(orders.c.bap_id == bap_id)
        if seller_code is not None:
            query = query.where(orders.c.seller_code == seller_code)
        async with self._db.engine.connect() as connection:
            row = (await connection.execute(query.order_by(orders.c.id).limit(1))).first()
        return None if row is None else _row(row)

    async def with_order_id(self, order_id: str, *, seller_code: str) -> list[OrderRow]:
        """A seller's confirmed orders with this id, oldest first: one per buyer app, as an
        order id is the buyer app's and two buyer apps may choose the same one."""
        query = (
            select(orders)
            .where(orders.c.order_id == order_id, orders.c.seller_code == seller_code)
            .order_by(orders.c.id)
        )
        async with self._db.engine.connect() as connection:
            return [_row(row) for row in await connection.execute(query)]

    async def confirm(
        self,
        transaction_id: str,
        *,
        order_id: str,
        now: datetime,
        finish: Callable[[OrderRow], Change],
        accept_by: datetime | None,
        ship_by: datetime | None,
        slot: SlotPlace | None = None,
    ) -> OrderRow | Shortfall:
        """Turn a transaction's draft into an order, taking its stock, exactly once.

        A confirm already done returns the order as it is (a retried confirm makes no
        second order). Otherwise, in one transaction: lock the items, check each line's
        free stock, take the order's place in its delivery ``slot`` (if it has one), lower
        the available counts, mark the holds committed, store the order as ``finish``
        describes it. If any line cannot be had, nothing changes and the shortfall is
        returned (the transaction's holds are then released); if the slot is full, nothing
        changes and :class:`SlotFull` is raised (the holds stay, for a select again).
        """
        async with self._db.transaction() as connection:
            row = (
                await connection.execute(
                    self._locking(select(orders).where(orders.c.transaction_id == transaction_id))
                )
            ).first()
            if row is None:
                raise LookupError(f"no select/init for transaction {transaction_id}")
            draft = _row(row)
            if draft.stage == "confirmed":
                return draft
            lines = {
                line["id"]: int(line["quantity"]["count"])
                for line in draft.document.get("items", [])
            }
            found = await self._locked_items(connection, draft.seller_code, list(lines))
            short: dict[str, int] = {}
            for sku, quantity in lines.items():
                item_row = found.get(sku)
                if item_row is None:
                    short[sku] = 0
                    continue
                others = await self._held_by_others(connection, item_row.id, transaction_id, now)
                free = item_row.available - others
                # A line of nothing (quoted when nothing could be had) is no order either.
                if free < quantity or quantity < 1:
                    short[sku] = max(free, 0)
            if slot is not None and not short:
                await take_place(self._db, connection, draft.seller_code, slot, now)
            if short:
                shortfall: OrderRow | Shortfall = Shortfall(short)
            else:
                for sku, quantity in lines.items():
                    item_row = found[sku]
                    await connection.execute(
                        update(items)
                        .where(items.c.id == item_row.id)
                        .values(available=items.c.available - quantity, updated_at=now)
                    )
                    await connection.execute(
                        self._db.insert(stock_holds)
                        .values(
                            transaction_id=transaction_id,
                            item_id=item_row.id,
                            quantity=quantity,
                            status="committed",
                            expires_at=now,
                            updated_at=now,
                        )
                        .on_conflict_do_update(
                            index_elements=[stock_holds.c.transaction_id, stock_holds.c.item_id],
                            set_={"quantity": quantity, "status": "committed", "updated_at": now},
                        )
                    )
                change = finish(draft)
                await connection.execute(
                    update(orders)
                    .where(orders.c.id == draft.pk)
                    .values(
                        order_id=order_id,
                        stage="confirmed",
                        state=change.state,
                        fulfillment_state=change.fulfillment_state,
                        document=change.document,
                        accept_by=accept_by,
                        ship_by=ship_by,
                        confirmed_at=now,
                        updated_at=now,
                    )
                )
                await self._event(connection, draft.pk, now, "buyer", "confirm", change)
                if change.callback is not None:
                    await connection.execute(insert(outbox).values(**change.callback))
                confirmed = _row(
                    (await connection.execute(select(orders).where(orders.c.id == draft.pk))).one()
                )
                await self._tell_seller(connection, confirmed, SellerEvent.ORDER_CREATED, now)
                return confirmed
        await self.release(transaction_id, now=now)
        return shortfall

    async def transition(
        self,
        order: OrderRow,
        *,
        actor: str,
        event: str,
        change: Change,
        now: datetime,
        also: Callable[[AsyncConnection], Awaitable[object]] | None = None,
    ) -> OrderRow:
        """Move ``order`` from the states it was read in to ``change``'s, with its event
        row, returned stock and callback, and what ``also`` writes (the LOI desk's movement
        of a B2B step), in one transaction; raises :class:`OrderMoved` if someone else
        moved it first."""
        async with self._db.transaction() as connection:
            moved = await self.transition_within(
                connection, order, actor=actor, event=event, change=change, now=now
            )
            if also is not None:
                await also(connection)
            return moved

    async def transition_within(
        self,
        connection: AsyncConnection,
        order: OrderRow,
        *,
        actor: str,
        event: str,
        change: Change,
        now: datetime,
    ) -> OrderRow:
        """:meth:`transition` inside the caller's open transaction (a grievance's
        resolution moves the order and the issue together)."""
        moved = await connection.execute(
            update(orders)
            .where(
                orders.c.id == order.pk,
                orders.c.state == order.state,
                orders.c.fulfillment_state == order.fulfillment_state,
                # Changes that keep the states (a part cancel, a return) must not
                # overwrite each other either.
                orders.c.updated_at == order.updated_at,
            )
            .values(
                state=change.state,
                fulfillment_state=change.fulfillment_state,
                document=change.document,
                updated_at=now,
            )
        )
        if moved.rowcount != 1:
            current = await self._current(connection, order.pk)
            raise OrderMoved(event, current[0] or "", current[1] or "")
        if change.restock:
            await self._restock(connection, order.transaction_id, now)
        elif change.restock_items:
            await self._restock_some(connection, order, change.restock_items, now)
        if change.state == "Cancelled" and order.state != "Cancelled":
            # After the items, as a confirm locks them before the slot: never a deadlock.
            await give_back_place(connection, order.seller_code, order.ship_by, order.document, now)
        await self._event(connection, order.pk, now, actor, event, change)
        if change.callback is not None:
            await connection.execute(insert(outbox).values(**change.callback))
        moved_row = _row(
            (await connection.execute(select(orders).where(orders.c.id == order.pk))).one()
        )
        if change.state == "Cancelled" and order.state != "Cancelled" and actor != "seller":
            await self._tell_seller(connection, moved_row, SellerEvent.ORDER_CANCELLED, now)
        told = _TOLD_SELLER.get(event)
        if told is not None:
            await self._tell_seller(connection, moved_row, told, now)
        return moved_row

    @staticmethod
    async def _current(connection: AsyncConnection, pk: int) -> tuple[str | None, str | None]:
        row = (
            await connection.execute(
                select(orders.c.state, orders.c.fulfillment_state).where(orders.c.id == pk)
            )
        ).one()
        return row[0], row[1]

    async def _restock(
        self, connection: AsyncConnection, transaction_id: str, now: datetime
    ) -> None:
        committed = (
            await connection.execute(
                self._locking(
                    select(stock_holds.c.id, stock_holds.c.item_id, stock_holds.c.quantity)
                    .where(
                        stock_holds.c.transaction_id == transaction_id,
                        stock_holds.c.status == "committed",
                    )
                    .order_by(stock_holds.c.item_id)
                )
            )
        ).all()
        for hold_id, item_pk, quantity in committed:
            await connection.execute(
                update(items)
                .where(items.c.id == item_pk)
                .values(available=items.c.available + quantity, updated_at=now)
            )
            await connection.execute(
                update(stock_holds)
                .where(stock_holds.c.id == hold_id)
                .values(status="released", updated_at=now)
            )

    async def _restock_some(
        self,
        connection: AsyncConnection,
        order: OrderRow,
        pieces: Mapping[str, int],
        now: datetime,
    ) -> None:
        """Return ``pieces`` (SKU -> count) of an order to stock; its committed holds
        shrink by as much, so a later full cancel returns only the rest."""
        rows = (
            await connection.execute(
                self._locking(
                    select(stock_holds.c.id, stock_holds.c.quantity, items.c.id, items.c.sku)
                    .join(items, stock_holds.c.item_id == items.c.id)
                    .where(
                        stock_holds.c.transaction_id == order.transaction_id,
                        stock_holds.c.status == "committed",
                        items.c.sku.in_(list(pieces)),
                    )
                    .order_by(items.c.id)
                )
            )
        ).all()
        for hold_id, held, item_pk, sku in rows:
            back = min(pieces[sku], held)
            await connection.execute(
                update(items)
                .where(items.c.id == item_pk)
                .values(available=items.c.available + back, updated_at=now)
            )
            await connection.execute(
                update(stock_holds)
                .where(stock_holds.c.id == hold_id)
                .values(quantity=held - back, updated_at=now)
            )

    async def returnable(self, seller_code: str, sku: str) -> tuple[bool, str] | None:
        """Whether a seller's item may be returned, and within what (ISO 8601) window."""
        query = (
            select(items.c.record)
            .join(sellers, items.c.seller_id == sellers.c.id)
            .where(sellers.c.code == seller_code, items.c.sku == sku)
        )
        async with self._db.engine.connect() as connection:
            record = (await connection.execute(query)).scalar_one_or_none()
        if record is None:
            return None
        return bool(record.get("returnable")), str(record.get("return_window") or "P0D")

    async def gi_tags(self, seller_code: str, skus: Sequence[str]) -> list[str]:
        """The Geographical Indications of a seller's items among ``skus`` (each once, in
        SKU order)."""
        query = (
            select(items.c.sku, items.c.record)
            .join(sellers, items.c.seller_id == sellers.c.id)
            .where(sellers.c.code == seller_code, items.c.sku.in_(list(skus)))
            .order_by(items.c.sku)
        )
        async with self._db.engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        tags = (str(row.record.get("gi_tag")) for row in rows if row.record.get("gi_tag"))
        return list(dict.fromkeys(tags))

    async def rate(self, order: OrderRow, ratings: Sequence[BuyerRating], *, now: datetime) -> None:
        """Keep a buyer app's ratings of ``order``."""
        await record_ratings(
            self._db,
            seller_code=order.seller_code,
            transaction_id=order.transaction_id,
            bap_id=order.bap_id,
            ratings=ratings,
            now=now,
        )

    async def rating_tallies(
        self, seller_codes: Sequence[str]
    ) -> dict[tuple[str, str, str], RatingTally]:
        """The sellers' provider and item ratings so far, by (seller code, category, id)."""
        return await rating_tallies(self._db, seller_codes)

    async def cash_items(self, seller_code: str, skus: Sequence[str]) -> set[str]:
        """The SKUs among ``skus`` of a seller's items sold cash on delivery
        (``available_on_cod``)."""
        query = (
            select(items.c.sku, items.c.record)
            .join(sellers, items.c.seller_id == sellers.c.id)
            .where(sellers.c.code == seller_code, items.c.sku.in_(list(skus)))
        )
        async with self._db.engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        return {str(row.sku) for row in rows if row.record.get("available_on_cod")}

    async def slot_bookings(
        self, seller_code: str, starts: Sequence[datetime]
    ) -> dict[datetime, int]:
        """How many live orders of the seller are to be delivered in the delivery slots
        starting at ``starts``, by start (:mod:`adapter.storage.slot_bookings`)."""
        return await slot_bookings(self._db, seller_code, starts)

    @staticmethod
    async def _event(
        connection: AsyncConnection,
        pk: int,
        now: datetime,
        actor: str,
        event: str,
        change: Change,
    ) -> None:
        await connection.execute(
            insert(order_events).values(
                order_pk=pk,
                at=now,
                actor=actor,
                event=event,
                state=change.state,
                fulfillment_state=change.fulfillment_state,
                detail=dict(change.detail or {}),
            )
        )

    async def orders_of(self, seller_code: str, *, limit: int = 100) -> list[OrderRow]:
        """A seller's confirmed orders, newest first."""
        query = (
            select(orders)
            .where(orders.c.seller_code == seller_code, orders.c.stage == "confirmed")
            .order_by(orders.c.confirmed_at.desc(), orders.c.id.desc())
            .limit(limit)
        )
        async with self._db.engine.connect() as connection:
            return [_row(row) for row in await connection.execute(query)]

    async def events(self, pk: int) -> list[dict[str, Any]]:
        """An order's history, oldest first."""
        query = (
            select(
                order_events.c.at,
                order_events.c.actor,
                order_events.c.event,
                order_events.c.state,
                order_events.c.fulfillment_state,
                order_events.c.detail,
            )
            .where(order_events.c.order_pk == pk)
            .order_by(order_events.c.id)
        )
        async with self._db.engine.connect() as connection:
            return [dict(row._mapping) for row in await connection.execute(query)]

    async def not_accepted(self, now: datetime) -> list[OrderRow]:
        """Orders still ``Created`` at or after their seller's time to accept."""
        query = select(orders).where(and_(orders.c.state == "Created", orders.c.accept_by <= now))
        async with self._db.engine.connect() as connection:
            return [_row(row) for row in await connection.execute(query)]

    async def held_quantity(self, seller_code: str, sku: str, *, now: datetime) -> int:
        """How many of an item live holds keep from other buyers (for the seller's view)."""
        query = (
            select(func.coalesce(func.sum(stock_holds.c.quantity), 0))
            .select_from(
                stock_holds.join(items, stock_holds.c.item_id == items.c.id).join(
                    sellers, items.c.seller_id == sellers.c.id
                )
            )
            .where(
                sellers.c.code == seller_code,
                items.c.sku == sku,
                stock_holds.c.status == "held",
                stock_holds.c.expires_at > now,
            )
        )
        async with self._db.engine.connect() as connection:
            return int((await connection.execute(query)).scalar_one())
