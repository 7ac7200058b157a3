"""The rows of an issue table (IGM), as both issue stores read and write them:
:class:`adapter.storage.issues.IssueStore` (the buyers' complaints against the seller) and
:class:`adapter.storage.raised_issues.RaisedIssueStore` (the seller's own against buyer
apps).

A row is read as its dataclass (its columns as fields, ``id`` as ``pk``). A stored issue
changes only by a compare-and-set on its ``updated_at``, so two processes handling two
answers at once cannot overwrite each other: the second is told, reads again and decides
again. An issue message we send unasked goes through the outbox and is retried for longer
than a reply's ttl: the other app must hear it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any, Final, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, Table, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from adapter.igm.book import IssueThread
from adapter.storage.database import Database
from adapter.storage.outbox import Outbox
from adapter.storage.tables import outbox

__all__ = ["IssueRows", "message_row", "queue_message"]

RowT = TypeVar("RowT")

# Issue messages sent unasked are retried for longer than a reply's ttl.
_DELIVERY_WINDOW: Final = timedelta(hours=6)


class IssueRows(Generic[RowT]):
    """One issue table's rows, read as ``RowT`` (built by ``make`` from the columns)."""

    def __init__(self, database: Database, table: Table, make: Callable[..., RowT]) -> None:
        self._db = database
        self.table = table
        self._make = make

    def row(self, values: Any) -> RowT:
        """A fetched row as its dataclass."""
        data = dict(values._mapping)
        data["pk"] = data.pop("id")
        return self._make(**data)

    async def first(self, *where: ColumnElement[bool]) -> RowT | None:
        """The row that matches ``where``, or ``None``."""
        query = select(self.table).where(*where)
        async with self._db.engine.connect() as connection:
            found = (await connection.execute(query)).first()
        return None if found is None else self.row(found)

    async def all(self, query: Select[Any]) -> list[RowT]:
        """The rows ``query`` (a select of the whole table) finds."""
        async with self._db.engine.connect() as connection:
            return [self.row(found) for found in await connection.execute(query)]

    async def insert(
        self, connection: AsyncConnection, values: Mapping[str, Any], *, now: datetime
    ) -> int:
        """Insert a row of ``values`` (the columns but id and times); its id."""
        result = await connection.execute(
            insert(self.table).values(**values, created_at=now, updated_at=now)
        )
        (pk,) = result.inserted_primary_key or (0,)
        return int(pk)

    async def compare_and_set(
        self,
        connection: AsyncConnection,
        pk: int,
        read_at: datetime | None,
        values: Mapping[str, Any],
        *,
        now: datetime,
    ) -> bool:
        """Write ``values`` over row ``pk`` if it is still as it was when read (its
        ``updated_at`` is ``read_at``); ``False`` when another process changed it."""
        table = self.table
        moved = await connection.execute(
            update(table)
            .where(table.c.id == pk, table.c.updated_at == read_at)
            .values(**values, updated_at=now)
        )
        return moved.rowcount == 1

    async def stored(self, connection: AsyncConnection, pk: int) -> RowT:
        """Row ``pk`` as the transaction sees it."""
        query = select(self.table).where(self.table.c.id == pk)
        return self.row((await connection.execute(query)).one())


def message_row(
    bap_uri: str, transaction_id: str, body: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """The outbox row of a message ``body`` about an issue (its context names the action),
    sent unasked to the buyer app at ``bap_uri`` in ``transaction_id``."""
    action = body["context"]["action"]
    return Outbox.unsolicited_row(
        action=action,
        target_url=f"{bap_uri.rstrip('/')}/{action}",
        transaction_id=transaction_id,
        payload=body,
        now=now,
        deadline_at=now + _DELIVERY_WINDOW,
    )


async def queue_message(
    connection: AsyncConnection, thread: IssueThread, body: dict[str, Any], now: datetime
) -> None:
    """Queue ``body`` (a whole message about the issue ``thread``) for the buyer app the
    issue travels with, in ``connection``'s transaction."""
    row = message_row(thread.bap_uri, thread.transaction_id, body, now)
    await connection.execute(insert(outbox).values(**row))
