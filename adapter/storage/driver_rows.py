"""What the hot writes in driver SQL share: the audit log's columns and how a row's values
are given to each driver.

The edge's group commit (``adapter/storage/store.py``) and the outbox's settlement
(``adapter/storage/settlements.py``) write ``messages`` rows without SQLAlchemy's
statements, so they do here what its column types would: on SQLite an instant as naive
UTC text, JSON as text and bytes as a ``bytearray`` (:func:`sqlite_blob`); on PostgreSQL a
batch as one JSON document (bytes as base64) unpacked by the server with these column types.
"""

from __future__ import annotations

from base64 import b64encode
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Final

import orjson

__all__ = [
    "MESSAGE_COLUMNS",
    "column_definitions",
    "column_names",
    "instant",
    "pg_message_record",
    "sqlite_blob",
    "sqlite_instant",
    "sqlite_message_row",
]

MESSAGE_COLUMNS: Final = (
    ("direction", "text"), ("action", "text"), ("peer_id", "text"),
    ("transaction_id", "text"), ("message_id", "text"), ("received_at", "timestamptz"),
    ("headers", "json"), ("body", "bytea"), ("verification", "text"),
    ("http_status", "integer"), ("duration_ms", "float8"), ("error", "text"),
)  # fmt: skip
"""The audit log's columns a row is written with: (name, PostgreSQL type)."""


_UTC_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_NAIVE_EPOCH: Final = _UTC_EPOCH.replace(tzinfo=None)


def column_names(columns: tuple[tuple[str, str], ...]) -> str:
    """The columns' names, for an ``INSERT``'s column list."""
    return ", ".join(name for name, _ in columns)


def column_definitions(columns: tuple[tuple[str, str], ...]) -> str:
    """The columns as a PostgreSQL record definition (``json_to_recordset``): bytes travel
    in JSON as base64 text."""
    return ", ".join(f"{name} {'text' if kind == 'bytea' else kind}" for name, kind in columns)


def instant(value: datetime) -> datetime:
    """``value``, refused if naive, as :class:`~adapter.storage.tables.UtcDateTime` does
    for SQLAlchemy's own statements."""
    if value.tzinfo is None:
        raise ValueError("naive datetime: store instants with a time zone")
    return value


def sqlite_instant(value: datetime) -> str:
    """An instant as :class:`~adapter.storage.tables.UtcDateTime` stores it in SQLite."""
    # The naive UTC instant by arithmetic (its distance from the epoch, which an aware
    # subtraction measures in any zone, added to the naive epoch), then its ISO form: no
    # offset formatted and cut off again, no ``replace(tzinfo=None)`` (keyword arguments
    # cost a datetime several times as much). Callgrind, a call: 10.5 thousand
    # instructions, 14.3 thousand with the offset's "+00:00" formatted and sliced off; a
    # settled job writes two or three.
    return (_NAIVE_EPOCH + (instant(value) - _UTC_EPOCH)).isoformat(" ", "microseconds")


def sqlite_blob(value: bytes) -> bytearray:
    """``value`` as a parameter ``sqlite3`` binds as a BLOB at once: the same BLOB is stored.

    ``sqlite3`` binds an ``int``, ``float``, ``str`` or ``bytearray`` as it is, and looks
    every other value up for an adapter first (``bytes`` and ``None`` too): a registry miss,
    then an ``AttributeError`` raised and cleared for its protocol's ``__adapt__``. On
    CPython 3.11 that took about 3,400 instructions a value (callgrind); the copy into a
    ``bytearray`` takes a few hundred for a request's or a callback's bytes. (Registering an
    adapter for ``bytes`` would save as much, for every ``sqlite3`` connection of the
    process: a global change for one module's rows.)
    """
    return bytearray(value)


def sqlite_stored(text: str) -> datetime:
    """An instant SQLite holds as :class:`~adapter.storage.tables.UtcDateTime` wrote it
    (naive UTC text), as an aware UTC ``datetime``."""
    # The offset parsed with the text, rather than ``replace(tzinfo=UTC)`` afterwards: the
    # same instant, and ``fromisoformat`` gives the ``UTC`` object itself for "+00:00".
    return datetime.fromisoformat(text + "+00:00")


def sqlite_message_row(values: Mapping[str, Any], received_at: str) -> tuple[Any, ...]:
    """An audit row (``values`` by column name) as SQLite's statement takes it, its
    instant already in SQLite's form: the tuple the driver binds, built at once."""
    return (
        values["direction"], values["action"], values["peer_id"], values["transaction_id"],
        values["message_id"], received_at, orjson.dumps(values["headers"]).decode(),
        sqlite_blob(values["body"]), values["verification"], values["http_status"],
        values["duration_ms"], values["error"],
    )  # fmt: skip


def pg_message_record(values: Mapping[str, Any]) -> dict[str, Any]:
    """An audit row (``values`` by column name) as a record of a PostgreSQL JSON batch."""
    record = dict(values)
    record["received_at"] = instant(values["received_at"])
    record["body"] = b64encode(values["body"]).decode("ascii")
    return record
