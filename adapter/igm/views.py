"""What a seller reads of a complaint (pure): the buyer's words and images, the order and
items, the log of actions and the resolutions, the times it must be answered and resolved
by, who owns it (the seller, or our grievance officer with his contact details once the
issue is escalated), with English and Hindi labels. Never the complainant's phone, e-mail
or address.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final

import schemas
from adapter.igm.book import IssueRecord
from adapter.igm.issue2 import Respondent

__all__ = ["LABELS", "action_log", "owner", "seller_view"]

LABELS: Final[Mapping[str, Mapping[str, str]]] = {
    "OPEN": {"en": "Open: awaiting your answer", "hi": "खुली: आपके उत्तर की प्रतीक्षा"},
    "PROCESSING": {"en": "Being handled", "hi": "कार्रवाई जारी"},
    "RESOLVED": {"en": "Resolved", "hi": "समाधान हो गया"},
    "CLOSED": {"en": "Closed by the buyer", "hi": "खरीदार ने बंद किया"},
    "ISSUE": {"en": "Complaint", "hi": "शिकायत"},
    "GRIEVANCE": {"en": "Escalated to the grievance officer", "hi": "शिकायत अधिकारी को भेजी गई"},
    "DISPUTE": {"en": "Dispute", "hi": "विवाद"},
    "seller": {"en": "You, the seller", "hi": "आप, विक्रेता"},
    "grievance_officer": {"en": "The grievance officer", "hi": "शिकायत अधिकारी"},
}
"""English and Hindi labels of the statuses and levels a seller sees."""


def _stamp(value: datetime | None) -> str | None:
    return None if value is None else schemas.format_timestamp(value)


def _images(description: Mapping[str, Any]) -> list[str]:
    found: list[str] = []
    for image in description.get("images") or []:
        url = image.get("url") if isinstance(image, dict) else image
        if isinstance(url, str):
            found.append(url)
    return found


def action_log(issue: Mapping[str, Any]) -> list[dict[str, Any]]:
    """An IGM 2.0.0 issue's actions as the seller reads them: code, who, when, text."""
    return [
        {
            "code": (a.get("descriptor") or {}).get("code"),
            "by": a.get("action_by"),
            "at": a.get("updated_at"),
            "text": (a.get("descriptor") or {}).get("short_desc"),
        }
        for a in issue.get("actions") or []
    ]


def _log_v1(issue: Mapping[str, Any]) -> list[dict[str, Any]]:
    steps = issue.get("issue_actions") or {}
    entries = [
        {
            "code": a.get("complainant_action"),
            "by": "buyer",
            "at": a.get("updated_at"),
            "text": a.get("short_desc"),
        }
        for a in steps.get("complainant_actions") or []
    ] + [
        {
            "code": a.get("respondent_action"),
            "by": "seller",
            "at": a.get("updated_at"),
            "text": a.get("short_desc"),
        }
        for a in steps.get("respondent_actions") or []
    ]
    return sorted(entries, key=lambda entry: str(entry["at"] or ""))


def owner(record: IssueRecord, us: Respondent) -> dict[str, Any]:
    """Who must answer the complaint now: the seller, or, once it is escalated (by the
    buyer app or because it was left unresolved), our grievance officer and how to reach
    him."""
    if not record.escalated:
        return {"role": "seller", "label": dict(LABELS["seller"]), "seller": record.seller_code}
    return {
        "role": "grievance_officer",
        "label": dict(LABELS["grievance_officer"]),
        "name": us.gro_name,
        "phone": us.gro_phone,
        "email": us.gro_email,
    }


def seller_view(record: IssueRecord, us: Respondent) -> dict[str, Any]:
    """The complaint as the seller API and the seller's webhook show it (``us``: our desk
    and grievance officer)."""
    issue = record.document
    if record.version == "2.0.0":
        description = issue.get("descriptor") or {}
        log = action_log(issue)
        resolutions = [
            {
                "id": r.get("id"),
                "code": (r.get("descriptor") or {}).get("code"),
                "text": (r.get("descriptor") or {}).get("short_desc"),
                "proposed_by": r.get("proposed_by"),
            }
            for r in issue.get("resolutions") or []
        ]
    else:
        description = issue.get("description") or {}
        log = _log_v1(issue)
        resolution = issue.get("resolution")
        resolutions = (
            [
                {
                    "code": resolution.get("action_triggered"),
                    "text": resolution.get("short_desc"),
                    "refund_amount": resolution.get("refund_amount"),
                }
            ]
            if isinstance(resolution, dict)
            else []
        )
    return {
        "issue_id": record.issue_id,
        "version": record.version,
        "status": record.status,
        "status_label": dict(LABELS.get(record.status, {})),
        "level": record.level,
        "level_label": dict(LABELS.get(record.level, {})),
        "order_id": record.order_id,
        "item": record.sku,
        "category": record.category,
        "complaint": {
            "short_desc": description.get("short_desc"),
            "long_desc": description.get("long_desc"),
            "images": _images(description),
        },
        "actions": log,
        "resolutions": resolutions,
        "respond_by": _stamp(record.respond_by),
        "resolve_by": _stamp(record.resolve_by),
        "escalated_at": _stamp(record.escalated_at),
        "owner": owner(record, us),
        "buyer_app": record.bap_id,
    }
