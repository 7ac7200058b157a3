"""The issue book: what the grievance answers read and write (pure; the SQL store
``adapter.storage.issues.IssueStore`` implements it).

An issue is stored once per (buyer app, issue id) with its whole document as last sent
(:class:`IssueThread`: what the seller's own complaints against buyer apps keep too), the
facts the department's reports group by (seller, district, product, complaint code)
and its clock: when it must be answered (``respond_by``), resolved (``resolve_by``), and
when it was answered, resolved, escalated and closed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from adapter.core.orders import Change, OrderRow
from adapter.igm.issue2 import Respondent

__all__ = [
    "ISSUE_OPENED",
    "ISSUE_UPDATED",
    "IssueBook",
    "IssueMoved",
    "IssueRecord",
    "IssueRow",
    "IssueThread",
    "Remedy",
]

ISSUE_OPENED = "issue.opened"
"""The seller webhook's event for a new complaint against one of its orders."""
ISSUE_UPDATED = "issue.updated"
"""The seller webhook's event when the buyer app adds to a complaint (information given,
a resolution accepted or rejected, an escalation, a close)."""


@dataclass(frozen=True, slots=True)
class IssueThread:
    """What every stored IGM issue holds, whoever raised it: its id, the buyer app and
    transaction its messages travel in (where our ``/issue`` or ``/on_issue`` goes), its
    status and level, and its whole document as last sent."""

    issue_id: str
    bap_id: str
    bap_uri: str
    transaction_id: str
    domain: str
    city: str
    core_version: str
    status: str
    level: str
    document: dict[str, Any]


@dataclass(frozen=True, slots=True)
class IssueRecord(IssueThread):
    """A buyer's complaint against the seller as it is to be stored: the thread, the facts
    the department's reports group by and its clock."""

    version: str  # the IGM version: "1.0.0" or "2.0.0"
    order_id: str | None = None
    seller_code: str | None = None
    district: str | None = None
    product: str | None = None
    sku: str | None = None
    category: str | None = None
    respond_by: datetime | None = None
    resolve_by: datetime | None = None
    responded_at: datetime | None = None
    resolved_at: datetime | None = None
    escalated_at: datetime | None = None
    closed_at: datetime | None = None
    flagged_at: datetime | None = None

    @property
    def escalated(self) -> bool:
        """Whether our grievance officer owns the issue: the buyer app escalated it (level
        past ``ISSUE``) or the officer took it over when the seller left it unresolved."""
        return self.escalated_at is not None or self.level != "ISSUE"


@dataclass(frozen=True, slots=True)
class IssueRow(IssueRecord):
    """A stored issue: the record and its row id and times."""

    pk: int = 0
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Remedy:
    """An agreed resolution carried out on the order: the order's change and the
    ``/on_update`` body announcing it, stored with the issue in one transaction."""

    order: OrderRow
    change: Change
    event: str
    body: dict[str, Any]
    detail: Mapping[str, Any] = field(default_factory=dict)


class IssueBook(Protocol):
    """What the grievance answers read and write."""

    respondent: Respondent

    async def find(self, bap_id: str, issue_id: str) -> IssueRow | None:
        """The stored issue, or ``None``."""
        ...

    async def save(
        self,
        record: IssueRecord,
        *,
        previous: IssueRow | None,
        now: datetime,
        notify: str | None = None,
        callback: dict[str, Any] | None = None,
        remedy: Remedy | None = None,
    ) -> IssueRow:
        """Store ``record`` (insert, or update ``previous`` if nobody changed it since it
        was read: raises ``IssueMoved`` otherwise), queue the seller's ``notify`` webhook,
        an unsolicited ``callback`` outbox row, and the ``remedy``'s order change, all in
        one transaction."""
        ...


class IssueMoved(RuntimeError):
    """The issue changed between reading and writing it (another process acted)."""
