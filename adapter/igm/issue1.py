"""IGM 1.0.0 rules over the issue document (pure).

In IGM 1.0.0 each side keeps its own list of steps: the complainant's
``issue_actions.complainant_actions`` (``OPEN``, ``ESCALATE``, ``CLOSE``) and ours,
``issue_actions.respondent_actions`` (``PROCESSING``, ``NEED-MORE-INFO``, ``CASCADED``,
``RESOLVED``), each with ``updated_by`` (organisation, contact, person) and
``cascaded_level`` 1 (we resolve ourselves: logistics is off-network, so nothing is
cascaded to a logistics provider). ``/on_issue`` answers with the issue's id, our steps and
its times; ``/on_issue_status`` adds, once resolved, the ``resolution``
(``action_triggered`` ``REFUND``, ``REPLACEMENT``, ``RETURN``, ``CANCEL`` or ``NO-ACTION``,
with ``refund_amount``) and the ``resolution_provider`` with our grievance officer.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from enum import StrEnum
from typing import Any, Final

from adapter.igm.issue2 import Respondent

__all__ = [
    "RESOLUTIONS_V1",
    "RespondentStep",
    "answer_v1",
    "merge_buyer_v1",
    "respond_v1",
    "status_v1",
]


class RespondentStep(StrEnum):
    """IGM 1.0.0 ``respondent_action``."""

    PROCESSING = "PROCESSING"
    NEED_MORE_INFO = "NEED-MORE-INFO"
    CASCADED = "CASCADED"
    RESOLVED = "RESOLVED"


RESOLUTIONS_V1: Final = frozenset({"REFUND", "REPLACEMENT", "RETURN", "CANCEL", "NO-ACTION"})
"""IGM 1.0.0 ``resolution.action_triggered`` values."""


def _updated_by(us: Respondent, domain: str, *, officer: bool = False) -> dict[str, Any]:
    """Our organisation, and the desk or (``officer``) the grievance officer acting for it."""
    name, phone, email = (
        (us.gro_name, us.gro_phone, us.gro_email) if officer else (us.name, us.phone, us.email)
    )
    return {
        "org": {"name": f"{us.subscriber_id}::{domain}"},
        "contact": {"phone": phone, "email": email},
        "person": {"name": name},
    }


def _provider(us: Respondent, domain: str, *, officer: bool) -> dict[str, Any]:
    """IGM 1.0.0 ``resolution_provider``: we, the transaction's counterparty, with our
    grievance officer as its ``gros``; the organisation's person is the officer once the
    officer handles the issue."""
    return {
        "respondent_info": {
            "type": "TRANSACTION-COUNTERPARTY-NP",
            "organization": _updated_by(us, domain, officer=officer),
            "resolution_support": {
                "contact": {"phone": us.phone, "email": us.email},
                "gros": [
                    {
                        "person": {"name": us.gro_name},
                        "contact": {"phone": us.gro_phone, "email": us.gro_email},
                        "gro_type": "TRANSACTION-COUNTERPARTY-NP-GRO",
                    }
                ],
            },
        }
    }


def merge_buyer_v1(stored: Mapping[str, Any] | None, incoming: Mapping[str, Any]) -> dict[str, Any]:
    """The issue after the buyer app's ``/issue`` (open, escalate or close): its fields as
    sent, both lists of steps kept (the complainant's as the union of old and new)."""
    issue = dict(incoming)
    if stored is None:
        return issue
    old = stored.get("issue_actions") or {}
    new = incoming.get("issue_actions") or {}
    complainant = list(old.get("complainant_actions") or [])
    seen = {(a.get("complainant_action"), a.get("updated_at")) for a in complainant}
    for step in new.get("complainant_actions") or []:
        if (step.get("complainant_action"), step.get("updated_at")) not in seen:
            complainant.append(step)
    issue["issue_actions"] = {
        "complainant_actions": complainant,
        "respondent_actions": list(old.get("respondent_actions") or []),
    }
    for key in ("resolution", "resolution_provider", "created_at"):
        if key in stored and key not in incoming:
            issue[key] = stored[key]
    for key in ("category", "sub_category", "order_details", "description"):
        if key in stored and key not in incoming:
            issue[key] = stored[key]
    return issue


def respond_v1(
    issue: Mapping[str, Any],
    step: RespondentStep,
    *,
    us: Respondent,
    domain: str,
    now: str,
    short_desc: str,
    resolution: Mapping[str, Any] | None = None,
    officer: bool = False,
) -> dict[str, Any]:
    """``issue`` with our ``step`` appended at ``now``, by our desk or (``officer``) our
    grievance officer; a ``RESOLVED`` step carries the ``resolution`` (``action_triggered``
    one of :data:`RESOLUTIONS_V1`) and names us and our grievance officer as its provider,
    as does any step of the officer's."""
    updated = dict(issue)
    actions = dict(updated.get("issue_actions") or {})
    steps = list(actions.get("respondent_actions") or [])
    steps.append(
        {
            "respondent_action": str(step),
            "short_desc": short_desc,
            "updated_at": now,
            "updated_by": _updated_by(us, domain, officer=officer),
            "cascaded_level": 1,
        }
    )
    actions["respondent_actions"] = steps
    updated["issue_actions"] = actions
    updated["updated_at"] = now
    if step == RespondentStep.RESOLVED:
        if resolution is None or resolution.get("action_triggered") not in RESOLUTIONS_V1:
            raise ValueError(f"a resolution must trigger one of {sorted(RESOLUTIONS_V1)}")
        kept = dict(resolution)
        if kept.get("refund_amount") is not None:
            kept["refund_amount"] = f"{Decimal(str(kept['refund_amount'])):.2f}"
        updated["resolution"] = kept
    if step == RespondentStep.RESOLVED or officer:
        updated["resolution_provider"] = _provider(us, domain, officer=officer)
    return updated


def answer_v1(issue: Mapping[str, Any]) -> dict[str, Any]:
    """The ``/on_issue`` message: the issue's id, our steps and its times."""
    return {
        "issue": {
            "id": issue.get("id"),
            "issue_actions": {
                "respondent_actions": list(
                    (issue.get("issue_actions") or {}).get("respondent_actions") or []
                )
            },
            "created_at": issue.get("created_at"),
            "updated_at": issue.get("updated_at"),
        }
    }


def status_v1(issue: Mapping[str, Any]) -> dict[str, Any]:
    """The ``/on_issue_status`` message: :func:`answer_v1` with the resolution and its
    provider once resolved."""
    message = answer_v1(issue)
    for key in ("resolution_provider", "resolution"):
        if key in issue:
            message["issue"][key] = issue[key]
    return message
