"""An issue document as the record the store keeps: the facts the reports group by and
the issue's clock (pure)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import schemas
from adapter.core.orders import OrderRow, parse_duration
from adapter.igm.book import IssueRecord, IssueRow
from adapter.igm.issue2 import ref_of

__all__ = ["record_of", "responded", "the_item"]


def _created(issue: Mapping[str, Any], fallback: datetime) -> datetime:
    stamp = issue.get("created_at")
    try:
        return schemas.parse_timestamp(stamp) if isinstance(stamp, str) else fallback
    except ValueError:
        return fallback


def _after(start: datetime, expected: Any) -> datetime | None:
    duration = expected.get("duration") if isinstance(expected, dict) else None
    try:
        return start + parse_duration(duration) if isinstance(duration, str) else None
    except ValueError:
        return None


def the_item(version: str, issue: Mapping[str, Any]) -> tuple[str | None, int]:
    """The item an issue is about and how many of it (1 unless it says)."""
    if version == "2.0.0":
        for ref in issue.get("refs") or []:
            if ref.get("ref_type") != "ITEM":
                continue
            count = 1
            for group in ref.get("tags") or []:
                for entry in group.get("list") or []:
                    code = (entry.get("descriptor") or {}).get("code")
                    if code == "quantity.selected.count" and str(entry.get("value")).isdigit():
                        count = int(entry["value"])
            return ref.get("ref_id"), count
        return None, 1
    items = (issue.get("order_details") or {}).get("items") or []
    if not items:
        return None, 1
    count = (items[0].get("quantity") or 1) if isinstance(items[0], dict) else 1
    return items[0].get("id"), int(count) if isinstance(count, int) else 1


def record_of(
    *,
    version: str,
    context: schemas.Context,
    issue: dict[str, Any],
    previous: IssueRow | None,
    order: OrderRow | None,
    district: str | None,
    now: datetime,
) -> IssueRecord:
    """The record of ``issue`` (IGM ``version``) received in ``context``."""
    created = _created(issue, now)
    if version == "2.0.0":
        order_id = ref_of(issue, "ORDER")
        category = (issue.get("descriptor") or {}).get("code")
        level = str(issue.get("level") or "ISSUE")
    else:
        order_id = (issue.get("order_details") or {}).get("id")
        category = issue.get("sub_category")
        level = str(issue.get("issue_type") or "ISSUE")
    status = str(issue.get("status") or "OPEN")
    sku, _ = the_item(version, issue)
    base = previous
    return IssueRecord(
        version=version,
        issue_id=str(issue.get("id")),
        bap_id=context.bap_id or "",
        bap_uri=context.bap_uri or "",
        transaction_id=context.transaction_id or "",
        domain=context.domain or "",
        city=context.city or "",
        core_version=context.core_version or context.version or "",
        status=status,
        level=level,
        document=issue,
        order_id=order_id if isinstance(order_id, str) else None,
        seller_code=order.seller_code if order else None,
        district=district,
        product=base.product if base else None,
        sku=sku if isinstance(sku, str) else None,
        category=category if isinstance(category, str) else None,
        respond_by=_after(created, issue.get("expected_response_time")),
        resolve_by=_after(created, issue.get("expected_resolution_time")),
        responded_at=base.responded_at if base else None,
        resolved_at=(base.resolved_at if base else None) or (now if status == "RESOLVED" else None),
        escalated_at=(base.escalated_at if base else None) or (now if level != "ISSUE" else None),
        closed_at=(base.closed_at if base else None) or (now if status == "CLOSED" else None),
        flagged_at=base.flagged_at if base else None,
    )


def responded(record: IssueRecord, now: datetime) -> IssueRecord:
    """``record`` with our first answer's time set (if not set already)."""
    if record.responded_at is not None:
        return record
    return dataclasses.replace(record, responded_at=now)
