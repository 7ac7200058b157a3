"""The ``buyer_ratings`` table: the ratings buyer apps send with ``/rating`` (ONDC retail
1.2.x), on the shared schema's ``metadata``.

One row per (transaction, category, rated id): a buyer app that rates the same thing of the
same order again replaces its rating. Kept apart from the store's code so that the
migrations see the table without importing the rating logic.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, SmallInteger, String, Table

from adapter.storage.tables import UtcDateTime, metadata

__all__ = ["buyer_ratings"]

_id = BigInteger().with_variant(Integer(), "sqlite")

buyer_ratings = Table(
    "buyer_ratings",
    metadata,
    Column("id", _id, primary_key=True, autoincrement=True),
    Column("seller_code", String(64), nullable=False),
    Column("transaction_id", String(255), nullable=False),
    Column("bap_id", String(255), nullable=False),
    # ONDC's rating categories: Order, Provider, Item, Fulfillment, Agent.
    Column("category", String(16), nullable=False),
    Column("subject_id", String(255), nullable=False),
    Column("value", SmallInteger, nullable=False),
    Column("received_at", UtcDateTime(), nullable=False),
    Index(None, "transaction_id", "category", "subject_id", unique=True),
    Index(None, "seller_code", "category"),
)
"""Buyers' ratings of 1 to 5, by the order's seller and what was rated."""
