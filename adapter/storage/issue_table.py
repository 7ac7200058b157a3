"""The issue tables (IGM), on the shared schema's ``metadata``: ``issues`` (grievances,
the buyers' complaints against the seller) and the columns every issue table has.

Kept apart from the store's code so that the migrations and the schema comparison see the
table without importing the grievance logic (``adapter.storage.migrate`` imports it).
"""

from __future__ import annotations

from typing import Any

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

__all__ = ["issue_row_id", "issue_times", "issues", "thread_columns"]


def issue_row_id() -> Column[Any]:
    """An issue table's row id (``pk`` of its rows)."""
    return Column(
        "id", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
    )


def thread_columns() -> list[Column[Any]]:
    """The columns of :class:`adapter.igm.book.IssueThread` but its ``issue_id``: the buyer
    app and transaction the issue travels in, its status and level, its whole document."""
    return [
        Column("bap_id", String(255), nullable=False),
        Column("bap_uri", Text, nullable=False),
        Column("transaction_id", String(255), nullable=False),
        Column("domain", String(16), nullable=False),
        Column("city", String(16), nullable=False),
        Column("core_version", String(8), nullable=False),
        Column("status", String(16), nullable=False),
        Column("level", String(16), nullable=False),
        Column("document", JSON, nullable=False),
    ]


def issue_times() -> list[Column[Any]]:
    """When an issue's row was stored and last changed (``updated_at``: its
    compare-and-set)."""
    return [
        Column("created_at", UtcDateTime(), nullable=False),
        Column("updated_at", UtcDateTime(), nullable=False),
    ]


issues = Table(
    "issues",
    metadata,
    issue_row_id(),
    Column("version", String(8), nullable=False),
    Column("issue_id", String(255), nullable=False),
    *thread_columns(),
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
    *issue_times(),
    UniqueConstraint("bap_id", "issue_id"),
    Index(None, "status", "resolve_by"),
    Index(None, "seller_code", "status"),
)
"""Grievances: one row per buyer app and issue id (IGM 1.0.0 and 2.0.0)."""
