"""The ``slot_places`` table: how many places of each store's delivery slot live orders
hold (ONDC retail 1.2.5 slotted delivery), on the shared schema's ``metadata``.

One row per seller and slot start, its ``taken`` raised by the confirm that places an order
in the slot (a conditional UPDATE: only while below the store's limit) and lowered by the
order's cancellation, each in the order's own transaction. Kept apart from the store's code
so that the migrations see the table without importing the slot logic.
"""

from __future__ import annotations

from sqlalchemy import Column, Integer, String, Table

from adapter.storage.tables import UtcDateTime, metadata

__all__ = ["slot_places"]

slot_places = Table(
    "slot_places",
    metadata,
    Column("seller_code", String(64), primary_key=True),
    Column("starts_at", UtcDateTime(), primary_key=True),
    Column("taken", Integer, nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)
"""Places taken in a seller's slot starting at ``starts_at``."""
