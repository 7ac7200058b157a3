"""The department's complaints (IGM issues) of a dashboard scope, as reportable facts.

Each row is what :func:`adapter.igm.reports.grievance_report` sums: where the complaint is
(district, ODOP product, seller), what it is about (order, complaint code), its status,
level and clock. The issue document is never read, so no complainant's name, phone,
e-mail or address, and no buyer app's address, leaves this module.
"""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import ColumnElement, func, select

from adapter.storage.database import Database
from adapter.storage.issue_table import issues
from adapter.storage.scope import Scope
from adapter.storage.tables import order_facts

__all__ = ["ComplaintRows", "issue_product"]

# The columns a report may read: nothing of the document, the buyer app or its transaction.
_FACTS: Final = (
    "id", "version", "issue_id", "domain", "status", "level", "order_id", "seller_code",
    "district", "sku", "category", "respond_by", "resolve_by", "responded_at",
    "resolved_at", "escalated_at", "closed_at", "created_at", "updated_at",
)  # fmt: skip


def issue_product() -> ColumnElement[Any]:
    """An issue's ODOP product: the product of its item, as the order facts name it (the
    issue row keeps one only when the order facts had none at the time)."""
    known = (
        select(order_facts.c.product)
        .where(order_facts.c.seller_code == issues.c.seller_code,
               order_facts.c.sku == issues.c.sku)
        .limit(1)
        .scalar_subquery()
    )  # fmt: skip
    return func.coalesce(issues.c.product, known)


class ComplaintRows:
    """Complaints raised in a scope's period, narrowed to its seller, district, product."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def rows(self, scope: Scope) -> list[dict[str, Any]]:
        """The scope's complaints, oldest first (by the time they were raised)."""
        product = issue_product()
        query = (
            select(*(issues.c[name] for name in _FACTS), product.label("product"))
            .where(issues.c.created_at >= scope.since, issues.c.created_at < scope.until)
            .order_by(issues.c.created_at, issues.c.id)
        )
        if scope.seller_code is not None:
            query = query.where(issues.c.seller_code == scope.seller_code)
        if scope.district is not None:
            query = query.where(issues.c.district == scope.district)
        if scope.product is not None:
            query = query.where(product == scope.product)
        async with self._db.engine.connect() as connection:
            return [dict(r._mapping) for r in await connection.execute(query)]
