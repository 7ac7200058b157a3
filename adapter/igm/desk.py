"""The seller's and the timers' side of a grievance: act on an issue, tell the buyer app.

A seller's step (ask for information, propose resolutions, resolve; in IGM 1.0.0 also
``NEED-MORE-INFO``, ``CASCADED``) is appended to the issue and announced with an
unsolicited callback with a fresh message id (``/on_issue`` in IGM 2.0.0,
``/on_issue_status`` in IGM 1.0.0), stored in one transaction with the issue, and, when
the step resolves it with a refund, return or replacement, with the order's change and its
``/on_update``. The timers (``adapter.igm.timers``) act through the same desk, including
the escalation of an issue left unresolved past its expected resolution time: our grievance
officer takes it over (:meth:`IssueDesk.escalate`) and acts in every step after it.
"""

from __future__ import annotations

import dataclasses
import logging
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, Final, Protocol

import schemas
from adapter.core.callbacks import Identity
from adapter.core.clock import Clock
from adapter.core.order_book import OrderBook
from adapter.igm.book import IssueBook, IssueRow, Remedy
from adapter.igm.issue1 import RESOLUTIONS_V1, RespondentStep, respond_v1, status_v1
from adapter.igm.issue2 import ActionCode, IssueStatus, on_issue_message, respond
from adapter.igm.records import responded, the_item
from adapter.igm.remedies import RemedyRefused, remedy_for

__all__ = [
    "ISSUE_DUE",
    "ISSUE_ESCALATED",
    "IssueDesk",
    "IssueStorePort",
    "Proposal",
    "StepRefused",
    "parse_refund",
]

log = logging.getLogger(__name__)

ISSUE_DUE: Final = "issue.due"
"""The seller webhook's event for a complaint nearing its expected resolution time."""
ISSUE_ESCALATED: Final = "issue.escalated"
"""The seller webhook's event for a complaint our grievance officer took over, unresolved
past its expected resolution time."""
_TAKEN_OVER: Final = "Taken up by the grievance officer: not resolved in the expected time"

RESOLUTION_CODES: Final = frozenset(
    {"REFUND", "REPLACEMENT", "RETURN", "CANCEL", "NO_ACTION", "NO-ACTION"}
)
"""The resolutions a seller may propose (IGM 2.0.0 writes ``NO_ACTION``, 1.0.0
``NO-ACTION``)."""

_STEPS_V2: Final[Mapping[str, tuple[ActionCode, str]]] = {
    "process": (ActionCode.PROCESSING, "Complaint is being processed"),
    "ask_info": (ActionCode.INFO_REQUESTED, "More information is needed"),
    "propose": (ActionCode.RESOLUTION_PROPOSED, "Resolution proposed"),
    "resolve": (ActionCode.RESOLVED, "Complaint resolved"),
}
_STEPS_V1: Final[Mapping[str, tuple[RespondentStep, str]]] = {
    "process": (RespondentStep.PROCESSING, "Complaint is being processed"),
    "ask_info": (RespondentStep.NEED_MORE_INFO, "More information is needed"),
    "cascade": (RespondentStep.CASCADED, "Passed to the party that can resolve it"),
    "resolve": (RespondentStep.RESOLVED, "Complaint resolved"),
}


class StepRefused(ValueError):
    """A step the issue's state does not allow, or a resolution that cannot be carried
    out; the message names the field."""


@dataclass(frozen=True, slots=True)
class Proposal:
    """A resolution the seller offers: what (``REFUND``...), in words, and the refund."""

    code: str
    short_desc: str
    refund_amount: Decimal | None = None


class Wakeup(Protocol):
    """Wakes the dispatchers when a callback is queued (``adapter.coordination.wakeup``)."""

    async def notify(self) -> None: ...


class IssueStorePort(IssueBook, Protocol):
    """The issue book, with the reads the timers need."""

    async def get(self, pk: int, *, seller_code: str | None = None) -> IssueRow | None: ...

    async def unanswered(self, now: datetime) -> list[IssueRow]: ...

    async def due(self, now: datetime, *, warn_before: timedelta) -> list[IssueRow]: ...

    async def flag(self, row: IssueRow, *, now: datetime) -> bool: ...

    async def overdue(self, now: datetime, *, grace: timedelta) -> list[IssueRow]: ...


def _context(row: IssueRow, action: str, identity: Identity, now: datetime) -> dict[str, Any]:
    context: dict[str, Any] = {
        "domain": row.domain,
        "country": "IND",
        "city": row.city,
        "action": action,
        "core_version": row.core_version,
        "bap_id": row.bap_id,
        "bap_uri": row.bap_uri,
        "bpp_id": identity.subscriber_id,
        "bpp_uri": identity.subscriber_url,
        "transaction_id": row.transaction_id,
        "message_id": str(uuid.uuid4()),
        "timestamp": schemas.format_timestamp(now),
        "ttl": "PT30S",
    }
    if row.core_version == "2.0.0":
        # A buyer app that named IGM's version gets it back under the same name.
        context["version"] = context.pop("core_version")
    return context


def _resolution_v2(proposal: Proposal, number: int) -> dict[str, Any]:
    resolution: dict[str, Any] = {
        "id": f"R{number}",
        "descriptor": {"code": proposal.code.replace("-", "_"), "short_desc": proposal.short_desc},
    }
    if proposal.refund_amount is not None:
        resolution["tags"] = [
            {
                "descriptor": {"code": "refund"},
                "list": [
                    {
                        "descriptor": {"code": "refund_amount"},
                        "value": f"{proposal.refund_amount:.2f}",
                    }
                ],
            }
        ]
    return resolution


class IssueDesk:
    """Applies a seller's steps to issues and queues the callbacks that announce them."""

    def __init__(
        self,
        issues: IssueStorePort,
        orders: OrderBook,
        wakeup: Wakeup,
        identity: Identity,
        clock: Clock,
    ) -> None:
        self._issues = issues
        self._orders = orders
        self._wakeup = wakeup
        self._identity = identity
        self._clock = clock

    async def act(
        self,
        row: IssueRow,
        step: str,
        *,
        text: str | None = None,
        proposals: Sequence[Proposal] = (),
        by: str = "seller",
    ) -> IssueRow:
        """Apply the seller's ``step`` (``process``, ``ask_info``, ``propose``, ``resolve``;
        IGM 1.0.0 also ``cascade``) to the issue as read in ``row``; raises
        :class:`StepRefused` or ``IssueMoved`` (someone acted meanwhile)."""
        if row.status == IssueStatus.CLOSED:
            raise StepRefused(f"status: issue {row.issue_id} is closed")
        now = self._clock.now()
        if row.version == "2.0.0":
            issue, body, remedy = await self._step_v2(row, step, text, proposals, now)
        else:
            issue, body, remedy = await self._step_v1(row, step, text, proposals, now)
        record = responded(_with_document(row, issue, now=now), now)
        saved = await self._issues.save(record, previous=row, now=now, callback=body, remedy=remedy)
        log.info("issue %s: %s by %s", row.issue_id, step, by)
        await self._wakeup.notify()
        return saved

    async def escalate(self, row: IssueRow) -> IssueRow:
        """Hand the issue as read in ``row`` to our grievance officer: a ``PROCESSING`` step
        by the officer (``COUNTERPARTY_NP_GRO`` in IGM 2.0.0, the level unchanged; the
        officer as ``updated_by`` and ``resolution_provider`` in IGM 1.0.0), sent unasked to
        the buyer app, ``escalated_at`` set and the seller's ``issue.escalated`` webhook,
        in one compare-and-set: raises :class:`StepRefused` for an issue resolved, closed
        or escalated already, ``IssueMoved`` when someone acted meanwhile."""
        if row.status in (IssueStatus.RESOLVED, IssueStatus.CLOSED) or row.escalated:
            raise StepRefused(f"status: issue {row.issue_id} is {row.status} at {row.level}")
        now = self._clock.now()
        stamp = schemas.format_timestamp(now)
        us = self._issues.respondent
        if row.version == "2.0.0":
            issue = respond(
                row.document, ActionCode.PROCESSING, us=us, domain=row.domain, now=stamp,
                short_desc=_TAKEN_OVER, officer=True,
            )  # fmt: skip
            message = on_issue_message(issue)
        else:
            issue = respond_v1(
                row.document, RespondentStep.PROCESSING, us=us, domain=row.domain, now=stamp,
                short_desc=_TAKEN_OVER, officer=True,
            )  # fmt: skip
            message = status_v1(issue)
        action = "on_issue" if row.version == "2.0.0" else "on_issue_status"
        body = {"context": _context(row, action, self._identity, now), "message": message}
        record = dataclasses.replace(
            responded(_with_document(row, issue, now=now), now),
            escalated_at=now,
            flagged_at=row.flagged_at or now,  # past due: no "nearly due" after this
        )
        saved = await self._issues.save(
            record, previous=row, now=now, callback=body, notify=ISSUE_ESCALATED
        )
        await self._wakeup.notify()
        return saved

    async def _step_v2(
        self,
        row: IssueRow,
        step: str,
        text: str | None,
        proposals: Sequence[Proposal],
        now: datetime,
    ) -> tuple[dict[str, Any], dict[str, Any], Remedy | None]:
        if step not in _STEPS_V2:
            raise StepRefused(f"step: {step} is not one of {sorted(_STEPS_V2)} in IGM 2.0.0")
        code, default = _STEPS_V2[step]
        resolutions: list[dict[str, Any]] = []
        if code == ActionCode.RESOLUTION_PROPOSED:
            if not proposals:
                raise StepRefused("resolutions: propose at least one resolution")
            known = len(row.document.get("resolutions") or [])
            resolutions = [_resolution_v2(p, known + n) for n, p in enumerate(proposals, 1)]
        if code == ActionCode.RESOLVED and row.status == IssueStatus.RESOLVED:
            raise StepRefused(f"status: issue {row.issue_id} is resolved already")
        issue = respond(
            row.document,
            code,
            us=self._issues.respondent,
            domain=row.domain,
            now=schemas.format_timestamp(now),
            short_desc=text or default,
            resolutions=resolutions,
            officer=row.escalated,
        )
        body = {
            "context": _context(row, "on_issue", self._identity, now),
            "message": on_issue_message(issue),
        }
        return issue, body, None

    async def _step_v1(
        self,
        row: IssueRow,
        step: str,
        text: str | None,
        proposals: Sequence[Proposal],
        now: datetime,
    ) -> tuple[dict[str, Any], dict[str, Any], Remedy | None]:
        if step not in _STEPS_V1:
            raise StepRefused(f"step: {step} is not one of {sorted(_STEPS_V1)} in IGM 1.0.0")
        kind, default = _STEPS_V1[step]
        resolution = None
        remedy = None
        if kind == RespondentStep.RESOLVED:
            if row.status == IssueStatus.RESOLVED:
                raise StepRefused(f"status: issue {row.issue_id} is resolved already")
            if len(proposals) != 1:
                raise StepRefused("resolutions: resolving an IGM 1.0.0 issue takes one resolution")
            chosen = proposals[0]
            code = chosen.code.replace("_", "-")
            if code not in RESOLUTIONS_V1:
                raise StepRefused(
                    f"resolutions: {chosen.code} is not one of {sorted(RESOLUTIONS_V1)}"
                )
            resolution = {
                "short_desc": chosen.short_desc,
                "long_desc": chosen.short_desc,
                "action_triggered": code,
            }
            if chosen.refund_amount is not None:
                resolution["refund_amount"] = f"{chosen.refund_amount:.2f}"
            remedy = await self._remedy(row, code, now)
        issue = respond_v1(
            row.document,
            kind,
            us=self._issues.respondent,
            domain=row.domain,
            now=schemas.format_timestamp(now),
            short_desc=text or default,
            resolution=resolution,
            officer=row.escalated,
        )
        if kind == RespondentStep.RESOLVED:
            issue["status"] = "RESOLVED"
        body = {
            "context": _context(row, "on_issue_status", self._identity, now),
            "message": status_v1(issue),
        }
        return issue, body, remedy

    async def _remedy(self, row: IssueRow, kind: str, now: datetime) -> Remedy | None:
        if row.order_id is None:
            return None
        order = await self._orders.by_order_id(row.order_id, bap_id=row.bap_id)
        item, count = the_item(row.version, row.document)
        if order is None or item is None:
            return None
        try:
            return remedy_for(
                order,
                kind,
                issue_id=row.issue_id,
                item_id=item,
                quantity=count,
                category=row.category,
                identity=self._identity,
                now=now,
            )
        except RemedyRefused as exc:
            raise StepRefused(f"resolutions: {exc}") from None


def _with_document(row: IssueRow, issue: dict[str, Any], *, now: datetime) -> IssueRow:
    """``row`` with its new document and the status and times it implies."""
    status = str(issue.get("status") or row.status)
    return dataclasses.replace(
        row,
        document=issue,
        status=status,
        resolved_at=row.resolved_at or (now if status == "RESOLVED" else None),
    )


def parse_refund(value: str | None) -> Decimal | None:
    """A refund amount as the seller API takes it (rupees, up to two decimals)."""
    if value is None:
        return None
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise StepRefused(f"refund_amount: {value!r} is not an amount in rupees") from None
    if amount < 0 or amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise StepRefused(f"refund_amount: {value!r} must be rupees with at most two decimals")
    return amount
