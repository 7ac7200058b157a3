"""The ``issues`` table (grievances), on the shared schema's ``metadata``.

Kept apart from the store's code so that the migrations and the schema comparison see the
table without importing the grievance logic (``adapter.storage.migrate`` imports it).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from adapter.storage.tables import UtcDateTime, metadata

__all__ = ["issues"]

_id = BigInteger().with_variant(Integer(), "sqlite")

issues = Table(
    "issues",
    metadata,
    Column("id", _id, primary_key=True, autoincrement=True),
    Column("version", String(8), nullable=False),
    Column("issue_id", String(255), nullable=False),
    Column("bap_id", String(255), nullable=False),
    Column("bap_uri", Text, nullable=False),
    Column("transaction_id", String(255), nullable=False),
    Column("domain", String(16), nullable=False),
    Column("city", String(16), nullable=False),
    Column("core_version", String(8), nullable=False),
    Column("status", String(16), nullable=False),
    Column("level", String(16), nullable=False),
    Column("document", JSON, nullable=False),
    Column("order_id", String(255), nullable=True),
    Column("seller_code", String(64), nullable=True),
    Column("district", String(40), nullable=True),
    Column("product", String(120), nullable=True),
    Column("sku", String(64), nullable=True),
    Column("category", String(32), nullable=True),
    Column("respond_by", UtcDateTime(), nullable=True),
    Column("resolve_by", UtcDateTime(), nullable=True),
    Column("responded_at", UtcDateTime(), nullable=True),
    Column("resolved_at", UtcDateTime(), nullable=True),
    Column("escalated_at", UtcDateTime(), nullable=True),
    Column("closed_at", UtcDateTime(), nullable=True),
    Column("flagged_at", UtcDateTime(), nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    UniqueConstraint("bap_id", "issue_id"),
    Index(None, "status", "resolve_by"),
    Index(None, "seller_code", "status"),
)
"""Grievances: one row per buyer app and issue id (IGM 1.0.0 and 2.0.0)."""
