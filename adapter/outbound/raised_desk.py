"""The seller's complaints against buyer apps (IGM 2.0.0 Flow2): raising one on an order,
the seller's steps on it, and the buyer app's ``/on_issue`` answers.

Each change is stored with what it causes in one transaction
(:class:`adapter.storage.raised_issues.RaisedIssueStore`): our ``/issue`` to the buyer app
(queued, signed and sent by the dispatcher), or the seller's webhook about the buyer app's
answer. The rules over the issue document are :mod:`adapter.igm.raised`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final

import orjson

import schemas
from adapter.coordination.wakeup import Wakeup
from adapter.core.callbacks import Identity
from adapter.core.clock import Clock
from adapter.core.order_changes import core_version_of
from adapter.core.orders import OrderRow
from adapter.igm.issue2 import Respondent, merge_buyer, on_issue_message
from adapter.igm.raised import ComplainantStep, Complaint, complainant_step, raised_issue
from adapter.storage.raised_issues import RaisedIssue, RaisedIssueStore

__all__ = ["COMPLAINT_ANSWERED", "RaisedDesk", "UnknownComplaint"]

COMPLAINT_ANSWERED: Final = "complaint.answered"
"""The seller's webhook event: the buyer app answered the seller's complaint."""


class UnknownComplaint(LookupError):
    """An ``/on_issue`` about no complaint of ours, or from another buyer app."""


def _context(
    where: RaisedIssue | OrderRow, core_version: str, identity: Identity, now: datetime
) -> dict[str, Any]:
    return {
        "domain": where.domain,
        "country": "IND",
        "city": where.city,
        "action": "issue",
        "core_version": core_version,
        "bap_id": where.bap_id,
        "bap_uri": where.bap_uri,
        "bpp_id": identity.subscriber_id,
        "bpp_uri": identity.subscriber_url,
        "transaction_id": where.transaction_id,
        "message_id": str(uuid.uuid4()),
        "timestamp": schemas.format_timestamp(now),
        "ttl": "PT30S",
    }


class RaisedDesk:
    """Raises the seller's complaints, applies its steps, takes the buyer app's answers."""

    def __init__(
        self,
        store: RaisedIssueStore,
        wakeup: Wakeup,
        identity: Identity,
        us: Respondent,
        clock: Clock,
    ) -> None:
        self._store = store
        self._wakeup = wakeup
        self._identity = identity
        self._us = us
        self._clock = clock

    async def raise_on(
        self, order: OrderRow, complaint: Complaint, *, seller: Mapping[str, str]
    ) -> RaisedIssue:
        """A new complaint of the seller (``seller``: its name, phone and e-mail) about the
        buyer app in ``order``'s transaction, sent to the buyer app as ``/issue``."""
        now = self._clock.now()
        stamp = schemas.format_timestamp(now)
        provider = (order.document.get("provider") or {}).get("id") or order.seller_code
        document = raised_issue(
            issue_id=str(uuid.uuid4()),
            complaint=complaint,
            transaction_id=order.transaction_id,
            provider_id=str(provider),
            seller=seller,
            domain=order.domain,
            us=self._us,
            stamp=stamp,
        )
        core_version = core_version_of(order)
        body = {
            "context": _context(order, core_version, self._identity, now),
            "message": on_issue_message(document, appended=False),
        }
        values = {
            "issue_id": document["id"],
            "seller_code": order.seller_code,
            "order_id": order.order_id or "",
            "bap_id": order.bap_id,
            "bap_uri": order.bap_uri,
            "transaction_id": order.transaction_id,
            "domain": order.domain,
            "city": order.city,
            "core_version": core_version,
            "status": document["status"],
            "level": document["level"],
            "document": document,
        }
        stored = await self._store.create(values, body, now=now)
        await self._wakeup.notify()
        return stored

    async def step(self, row: RaisedIssue, step: ComplainantStep) -> RaisedIssue:
        """The seller's ``step``, sent to the buyer app as ``/issue``; raises
        ``StepNotAllowed`` and ``RaisedMoved``."""
        now = self._clock.now()
        document = complainant_step(
            row.document, step, us=self._us, stamp=schemas.format_timestamp(now)
        )
        body = {
            "context": _context(row, row.core_version, self._identity, now),
            "message": on_issue_message(document),
        }
        stored = await self._store.save(row, document, now=now, request=body)
        await self._wakeup.notify()
        return stored

    async def answered(self, callback: schemas.OnIssueCallbackV2, sender_id: str) -> RaisedIssue:
        """The buyer app's ``/on_issue`` merged into our complaint (its fields win, the
        action log the union), with the seller's webhook when it added to it; raises
        :class:`UnknownComplaint`."""
        message = callback.message
        incoming = orjson.loads(schemas.dump(message)) if message is not None else {}
        issue = incoming.get("issue") or {}
        row = await self._store.find(str(issue.get("id")))
        if row is None or row.bap_id != sender_id:
            raise UnknownComplaint(f"message.issue.id: no complaint {issue.get('id')!r} of ours")
        known = {a.get("id") for a in row.document.get("actions") or []}
        fresh = any(a.get("id") not in known for a in issue.get("actions") or [])
        merged = merge_buyer(row.document, issue)
        if not fresh:
            return row  # a repeat: nothing new for the seller
        return await self._store.save(row, merged, now=self._clock.now(), notify=COMPLAINT_ANSWERED)
