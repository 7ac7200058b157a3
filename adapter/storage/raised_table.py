"""The ``raised_issues`` table: complaints a seller raised against a buyer app (IGM 2.0.0
Flow2), on the shared schema's ``metadata``.

Apart from ``issues`` (complaints against the seller), whose timers, seller steps and
department reports do not apply to these; kept apart from the store's code so that the
migrations see the table without importing the grievance logic.
"""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Column, Index, Integer, String, Table, Text

from adapter.storage.tables import UtcDateTime, metadata

__all__ = ["raised_issues"]

_id = BigInteger().with_variant(Integer(), "sqlite")

raised_issues = Table(
    "raised_issues",
    metadata,
    Column("id", _id, primary_key=True, autoincrement=True),
    Column("issue_id", String(255), nullable=False, unique=True),
    Column("seller_code", String(64), nullable=False),
    Column("order_id", String(255), nullable=False),
    Column("bap_id", String(255), nullable=False),
    Column("bap_uri", Text, nullable=False),
    Column("transaction_id", String(255), nullable=False),
    Column("domain", String(16), nullable=False),
    Column("city", String(16), nullable=False),
    Column("core_version", String(8), nullable=False),
    Column("status", String(16), nullable=False),
    Column("level", String(16), nullable=False),
    Column("document", JSON, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Index(None, "seller_code", "status"),
)
"""Complaints a seller raised: one row per issue id (ours, so unique)."""
