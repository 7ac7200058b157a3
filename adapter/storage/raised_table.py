"""The ``raised_issues`` table: complaints a seller raised against a buyer app (IGM 2.0.0
Flow2), on the shared schema's ``metadata``.

Apart from ``issues`` (complaints against the seller), whose timers, seller steps and
department reports do not apply to these; kept apart from the store's code so that the
migrations see the table without importing the grievance logic.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, String, Table

from adapter.storage.issue_table import issue_row_id, issue_times, thread_columns
from adapter.storage.tables import metadata

__all__ = ["raised_issues"]

raised_issues = Table(
    "raised_issues",
    metadata,
    issue_row_id(),
    Column("issue_id", String(255), nullable=False, unique=True),
    Column("seller_code", String(64), nullable=False),
    Column("order_id", String(255), nullable=False),
    *thread_columns(),
    *issue_times(),
    Index(None, "seller_code", "status"),
)
"""Complaints a seller raised: one row per issue id (ours, so unique)."""
