"""Answers to the buyer app's grievance requests (IGM 2.0.0 and 1.0.0).

A builder reads the stored issue, merges the buyer app's copy, takes our automatic step
(a new, completed, escalated or rejected issue is taken up at once with ``PROCESSING``,
within any response time; an accepted resolution is carried out and ``RESOLVED``), stores
the issue with the seller's webhook and any order change in one transaction, and returns
the callback: the whole issue (2.0.0) or our steps (1.0.0). An issue about an order this
buyer app does not have with us is answered with error 30018 (order not found) and not
stored. Pure apart from the ports it is given.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any, Final

import orjson

import schemas
from adapter.core.callbacks import Identity, callback_context
from adapter.core.order_book import OrderBook
from adapter.core.orders import OrderRow
from adapter.core.replies import ReplyBuilder
from adapter.igm.book import ISSUE_OPENED, ISSUE_UPDATED, IssueBook, IssueMoved, IssueRow, Remedy
from adapter.igm.issue1 import RespondentStep, answer_v1, merge_buyer_v1, respond_v1, status_v1
from adapter.igm.issue2 import (
    ActionCode,
    last_buyer_action,
    merge_buyer,
    on_issue_message,
    respond,
    seller_reply_to,
)
from adapter.igm.records import record_of, responded, the_item
from adapter.igm.remedies import RemedyRefused, remedy_for

__all__ = ["IGM1_REPLIES", "IGM2_REPLIES", "accepted_resolution"]

# Tries of one answer when another process changes the issue between read and write.
_TRIES: Final = 3


def _error(
    request: schemas.Envelope,
    model: type[
        schemas.OnIssueCallbackV2
        | schemas.OnIssueStatusCallbackV2
        | schemas.OnIssueCallback
        | schemas.OnIssueStatusCallback
    ],
    identity: Identity,
    now: datetime,
    code: str,
    text: str,
) -> schemas.Envelope:
    """A callback that carries only an ``error`` block (the request was ACKed: what is
    wrong with it travels in its answer)."""
    action = "on_" + request.context.action
    return model(
        context=callback_context(request.context, action=action, identity=identity, now=now),
        error=schemas.Error(type=str(schemas.ErrorType.DOMAIN_ERROR), code=code, message=text),
    )


def _wire(model: schemas.WireModel | None) -> dict[str, Any]:
    return {} if model is None else dict(orjson.loads(schemas.dump(model)))


async def _order_of(
    orders: OrderBook, order_id: str | None, bap_id: str | None
) -> tuple[OrderRow | None, str | None]:
    if not order_id or not bap_id:
        return None, None
    order = await orders.by_order_id(order_id, bap_id=bap_id)
    if order is None:
        return None, None
    found = await orders.seller(order.seller_code)
    return order, (found[0].district if found else None)


def accepted_resolution(
    issue: Mapping[str, Any], action: Mapping[str, Any]
) -> dict[str, Any] | None:
    """The resolution the buyer app accepted: the one its action points at, else the
    newest proposed."""
    resolutions = [r for r in issue.get("resolutions") or [] if isinstance(r, dict)]
    wanted = action.get("ref_id")
    chosen = next((r for r in resolutions if r.get("id") == wanted), None)
    return chosen or (resolutions[-1] if resolutions else None)


def _remedy(
    issue: Mapping[str, Any],
    resolution: Mapping[str, Any] | None,
    order: OrderRow | None,
    *,
    version: str,
    category: str | None,
    identity: Identity,
    now: datetime,
) -> Remedy | None:
    if resolution is None or order is None:
        return None
    kind = (resolution.get("descriptor") or {}).get("code") or resolution.get("action_triggered")
    item, count = the_item(version, issue)
    if not isinstance(kind, str) or not item:
        return None
    try:
        return remedy_for(
            order,
            kind,
            issue_id=str(issue.get("id")),
            item_id=item,
            quantity=count,
            category=category,
            identity=identity,
            now=now,
        )
    except RemedyRefused:
        # Already carried out (a rebuilt answer), or the order cannot take it: the issue
        # is still answered; the seller sees the refusal in the order's own state.
        return None


async def _on_issue_v2(
    request: schemas.Envelope,
    *,
    identity: Identity,
    now: datetime,
    orders: OrderBook,
    issues: IssueBook,
    **_: Any,
) -> schemas.Envelope | schemas.Prebuilt:
    assert isinstance(request, schemas.IssueRequestV2)
    context = request.context
    incoming = _wire(request.message.issue)
    issue_id = incoming.get("id")
    if not isinstance(issue_id, str) or not issue_id:
        return _error(
            request,
            schemas.OnIssueCallbackV2,
            identity,
            now,
            "30000",
            "message.issue.id is missing",
        )
    stamp = schemas.format_timestamp(now)
    for _try in range(_TRIES):
        stored = await issues.find(context.bap_id or "", issue_id)
        before = stored.document if stored else None
        order, district = await _order_of(orders, _order_ref(incoming, before), context.bap_id)
        if order is None:
            return _error(
                request,
                schemas.OnIssueCallbackV2,
                identity,
                now,
                "30018",
                f"order {_order_ref(incoming, before)!r} not found for {context.bap_id}",
            )
        fresh = last_buyer_action(before, incoming)
        issue = merge_buyer(before, incoming)
        step = seller_reply_to(fresh)
        remedy = None
        if step is not None and fresh is not None:
            code, text = step
            ref = None
            if code == ActionCode.RESOLVED:
                chosen = accepted_resolution(issue, fresh)
                ref = (str(chosen.get("id")), "RESOLUTIONS") if chosen else None
                remedy = _remedy(
                    issue,
                    chosen,
                    order,
                    version="2.0.0",
                    category=(issue.get("descriptor") or {}).get("code"),
                    identity=identity,
                    now=now,
                )
            issue = respond(
                issue,
                code,
                us=issues.respondent,
                domain=context.domain or "",
                now=stamp,
                short_desc=text,
                ref=ref,
                officer=stored is not None and stored.escalated,
            )
        record = record_of(
            version="2.0.0",
            context=context,
            issue=issue,
            previous=stored,
            order=order,
            district=district,
            now=now,
        )
        if step is not None:
            record = responded(record, now)
        try:
            await issues.save(
                record, previous=stored, now=now, notify=_notice(stored, fresh), remedy=remedy
            )
        except IssueMoved:
            continue
        return schemas.Prebuilt(
            context=callback_context(context, action="on_issue", identity=identity, now=now),
            message=on_issue_message(issue, appended=step is not None),
        )
    raise IssueMoved(f"issue {issue_id} kept changing; the answer is retried")


def _order_ref(incoming: Mapping[str, Any], stored: Mapping[str, Any] | None) -> str | None:
    for source in (incoming, stored or {}):
        for ref in source.get("refs") or []:
            if ref.get("ref_type") == "ORDER" and isinstance(ref.get("ref_id"), str):
                return str(ref["ref_id"])
    return None


def _notice(stored: IssueRow | None, fresh: Mapping[str, Any] | None) -> str | None:
    if stored is None:
        return ISSUE_OPENED
    return ISSUE_UPDATED if fresh is not None else None


async def _issue_status(
    request: schemas.Envelope,
    issue_id: str | None,
    callback: type[schemas.OnIssueStatusCallbackV2 | schemas.OnIssueStatusCallback],
    render: Callable[[dict[str, Any]], dict[str, Any]],
    *,
    identity: Identity,
    now: datetime,
    issues: IssueBook,
) -> schemas.Envelope | schemas.Prebuilt:
    """``/on_issue_status`` in either IGM version: the stored issue as ``render`` writes it
    for that version, or error 30018 when this buyer app raised no such issue."""
    stored = await issues.find(request.context.bap_id or "", issue_id or "")
    if stored is None:
        return _error(
            request, callback, identity, now, "30018",
            f"no issue {issue_id!r} from {request.context.bap_id}",
        )  # fmt: skip
    return schemas.Prebuilt(
        context=callback_context(
            request.context, action="on_issue_status", identity=identity, now=now
        ),
        message=render(stored.document),
    )


async def _on_issue_status_v2(
    request: schemas.Envelope, *, identity: Identity, now: datetime, issues: IssueBook, **_: Any
) -> schemas.Envelope | schemas.Prebuilt:
    assert isinstance(request, schemas.IssueStatusRequestV2)
    return await _issue_status(
        request, request.message.issue_id, schemas.OnIssueStatusCallbackV2,
        lambda document: on_issue_message(document, appended=False),
        identity=identity, now=now, issues=issues,
    )  # fmt: skip


async def _on_issue_v1(
    request: schemas.Envelope,
    *,
    identity: Identity,
    now: datetime,
    orders: OrderBook,
    issues: IssueBook,
    **_: Any,
) -> schemas.Envelope | schemas.Prebuilt:
    assert isinstance(request, schemas.IssueRequest)
    context = request.context
    incoming = _wire(request.message.issue)
    issue_id = incoming.get("id")
    if not isinstance(issue_id, str) or not issue_id:
        return _error(
            request, schemas.OnIssueCallback, identity, now, "30000", "message.issue.id is missing"
        )
    stamp = schemas.format_timestamp(now)
    for _try in range(_TRIES):
        stored = await issues.find(context.bap_id or "", issue_id)
        before = stored.document if stored else None
        issue = merge_buyer_v1(before, incoming)
        order_id = (issue.get("order_details") or {}).get("id")
        order, district = await _order_of(orders, order_id, context.bap_id)
        if order is None:
            return _error(
                request,
                schemas.OnIssueCallback,
                identity,
                now,
                "30018",
                f"order {order_id!r} not found for {context.bap_id}",
            )
        steps = (incoming.get("issue_actions") or {}).get("complainant_actions") or []
        last = steps[-1].get("complainant_action") if steps else None
        answered = False
        if last in ("OPEN", "ESCALATE") and issue.get("status") != "CLOSED":
            issue = respond_v1(
                issue,
                RespondentStep.PROCESSING,
                us=issues.respondent,
                domain=context.domain or "",
                now=stamp,
                short_desc="Complaint is being processed",
                officer=last == "ESCALATE" or (stored is not None and stored.escalated),
            )
            answered = True
        record = record_of(
            version="1.0.0",
            context=context,
            issue=issue,
            previous=stored,
            order=order,
            district=district,
            now=now,
        )
        if answered:
            record = responded(record, now)
        notice = ISSUE_OPENED if stored is None else (ISSUE_UPDATED if last else None)
        try:
            await issues.save(record, previous=stored, now=now, notify=notice)
        except IssueMoved:
            continue
        return schemas.Prebuilt(
            context=callback_context(context, action="on_issue", identity=identity, now=now),
            message=answer_v1(issue),
        )
    raise IssueMoved(f"issue {issue_id} kept changing; the answer is retried")


async def _on_issue_status_v1(
    request: schemas.Envelope, *, identity: Identity, now: datetime, issues: IssueBook, **_: Any
) -> schemas.Envelope | schemas.Prebuilt:
    assert isinstance(request, schemas.IssueStatusRequest)
    return await _issue_status(
        request, request.message.issue_id, schemas.OnIssueStatusCallback, status_v1,
        identity=identity, now=now, issues=issues,
    )  # fmt: skip


IGM2_REPLIES: Final[Mapping[str, ReplyBuilder]] = MappingProxyType(
    {"issue": _on_issue_v2, "issue_status": _on_issue_status_v2}
)
"""IGM 2.0.0: inbound action -> reply builder."""

IGM1_REPLIES: Final[Mapping[str, ReplyBuilder]] = MappingProxyType(
    {"issue": _on_issue_v1, "issue_status": _on_issue_status_v1}
)
"""IGM 1.0.0: inbound action -> reply builder."""
