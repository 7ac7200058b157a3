"""A complaint the seller raises against the buyer app (IGM 2.0.0, the contract's Flow2 and
the log validator's ``FLOW_2``), as the issue document (pure).

The roles of the retail transaction stay (``bap_id`` the buyer app, ``bpp_id`` us), but the
seller app is the complainant: it sends ``/issue`` to the buyer app, which answers with
``/on_issue``. The issue is about the transaction and the provider (refs ``TRANSACTION`` and
``PROVIDER``); its first actors are the seller (``PROVIDER``) and our desk
(``INTERFACING_NP``, the complainant), both ``<our subscriber id>::<domain>``; the buyer
app adds itself as ``COUNTERPARTY_NP`` (and its grievance officer, ``COUNTERPARTY_NP_GRO``).

The buyer app's ``on_issue`` is merged into what we hold by :func:`issue2.merge_buyer`, as a
buyer app's ``issue`` is (its fields win, the action log is the union in order); our own
steps are appended by :func:`complainant_step` and sent whole
(:func:`issue2.on_issue_message` makes the message: the same shape for ``/issue``).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from adapter.igm.issue2 import ActionCode, IssueLevel, IssueStatus, Respondent

__all__ = [
    "RAISED_STEPS",
    "ComplainantStep",
    "Complaint",
    "StepNotAllowed",
    "complainant_step",
    "raised_issue",
]

SELLER_ACTOR: Final = "SELLER1"
DESK_ACTOR: Final = "NP1"


class ComplainantStep(StrEnum):
    """What the seller may do on a complaint it raised."""

    ACCEPT = "accept"  # the buyer app's last proposed resolution
    ESCALATE = "escalate"  # reject it and raise the complaint to the buyer app's GRO
    CLOSE = "close"


RAISED_STEPS: Final = tuple(step.value for step in ComplainantStep)


class StepNotAllowed(ValueError):
    """The complaint's state does not allow the step (closed, nothing proposed)."""


@dataclass(frozen=True, slots=True)
class Complaint:
    """What the seller complains of: an IGM code (``VIS001``, ``PMT002``, ...) and words."""

    code: str
    short_desc: str
    long_desc: str | None = None


def _action_id(issue_id: str, number: int, code: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"raised:{issue_id}:{number}:{code}"))


def raised_issue(
    *,
    issue_id: str,
    complaint: Complaint,
    transaction_id: str,
    provider_id: str,
    seller: Mapping[str, str],
    domain: str,
    us: Respondent,
    stamp: str,
) -> dict[str, Any]:
    """A new complaint of the seller (``seller``: its ``name``, ``phone``, ``email``)
    against the buyer app, ``OPEN``, created at ``stamp``."""
    org = {"name": f"{us.subscriber_id}::{domain}"}
    contact = {"phone": us.phone, "email": us.email}
    seller_contact = {"phone": seller["phone"], "email": seller["email"]}
    descriptor: dict[str, Any] = {"code": complaint.code, "short_desc": complaint.short_desc}
    if complaint.long_desc:
        descriptor["long_desc"] = complaint.long_desc
    opened = _action_id(issue_id, 0, ActionCode.OPEN)
    return {
        "id": issue_id,
        "status": IssueStatus.OPEN.value,
        "level": IssueLevel.ISSUE.value,
        "created_at": stamp,
        "updated_at": stamp,
        "expected_response_time": {"duration": "PT1H"},
        "expected_resolution_time": {"duration": "P1D"},
        "refs": [
            {"ref_id": transaction_id, "ref_type": "TRANSACTION"},
            {"ref_id": provider_id, "ref_type": "PROVIDER"},
        ],
        "actors": [
            {
                "id": SELLER_ACTOR,
                "type": "PROVIDER",
                "info": {
                    "org": org,
                    "person": {"name": seller["name"]},
                    "contact": seller_contact,
                },
            },
            {
                "id": DESK_ACTOR,
                "type": "INTERFACING_NP",
                "info": {"org": org, "person": {"name": us.name}, "contact": contact},
            },
        ],
        "source_id": SELLER_ACTOR,
        "complainant_id": DESK_ACTOR,
        "descriptor": descriptor,
        "last_action_id": opened,
        "actions": [
            {
                "id": opened,
                "descriptor": {"code": ActionCode.OPEN.value, "short_desc": "Complaint created"},
                "updated_at": stamp,
                "action_by": DESK_ACTOR,
                "actor_details": {"name": us.name},
            }
        ],
    }


def _last_resolution(issue: Mapping[str, Any]) -> str | None:
    resolutions = issue.get("resolutions") or []
    last = resolutions[-1] if resolutions else None
    return str(last["id"]) if isinstance(last, Mapping) and last.get("id") else None


def complainant_step(
    issue: Mapping[str, Any], step: ComplainantStep, *, us: Respondent, stamp: str
) -> dict[str, Any]:
    """``issue`` with the seller's ``step`` appended (at ``stamp``): accepting or rejecting
    (and escalating) the buyer app's last proposed resolution, or closing the complaint.
    Raises :class:`StepNotAllowed` when the complaint is closed or nothing is proposed."""
    if issue.get("status") == IssueStatus.CLOSED:
        raise StepNotAllowed("status: the complaint is closed")
    changes: dict[str, Any] = {}
    ref = None
    if step is ComplainantStep.CLOSE:
        code, words = ActionCode.CLOSED, "Complaint closed"
        changes["status"] = IssueStatus.CLOSED.value
    else:
        ref = _last_resolution(issue)
        if ref is None:
            raise StepNotAllowed("resolutions: the buyer app has proposed no resolution yet")
        if step is ComplainantStep.ACCEPT:
            code, words = ActionCode.RESOLUTION_ACCEPTED, "Resolution accepted"
        else:
            # The validator's IGM 2.0.0 on_issue schema knows no ESCALATED action code:
            # the rejection raises the level in the same step.
            code, words = ActionCode.RESOLUTION_REJECTED, "Resolution rejected, escalated"
            changes["level"] = IssueLevel.GRIEVANCE.value
    actions = list(issue.get("actions") or [])
    action: dict[str, Any] = {
        "id": _action_id(str(issue.get("id")), len(actions), code),
        "descriptor": {"code": code.value, "short_desc": words},
        "updated_at": stamp,
        "action_by": DESK_ACTOR,
        "actor_details": {"name": us.name},
    }
    if ref is not None:
        action["ref_id"], action["ref_type"] = ref, "RESOLUTIONS"
    return {
        **issue,
        **changes,
        "actions": [*actions, action],
        "last_action_id": action["id"],
        "updated_at": stamp,
    }
