"""IGM 2.0.0 rules over the issue document (pure).

The issue is kept as the JSON object both sides send whole. The buyer app's ``/issue``
is merged into what we hold (its fields win, the action log is the union in order, our
actors and resolutions are kept); our own steps are appended by :func:`respond`, which
moves ``status``, ``last_action_id`` and ``updated_at`` with them. Action ids are derived
from the issue id, the log's length and the code, so rebuilding an answer after a crash
appends the same action, not a second one.

Who acts for us: the seller app as ``COUNTERPARTY_NP`` while the issue is at level
``ISSUE``, and our grievance officer (``COUNTERPARTY_NP_GRO``) once the buyer app has
escalated it (level ``GRIEVANCE``) or once the officer has taken over an issue the seller
left unresolved past its expected resolution time (the level stays: in IGM 2.0.0 only the
complainant raises it, and the contract's examples show the respondent's officer acting at
level ``ISSUE``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any, Final

__all__ = [
    "BUYER_CODES",
    "SELLER_CODES",
    "ActionCode",
    "IssueLevel",
    "IssueStatus",
    "Respondent",
    "last_buyer_action",
    "merge_buyer",
    "on_issue_message",
    "proposal_pending",
    "ref_of",
    "respond",
    "seller_reply_to",
]


class IssueStatus(StrEnum):
    """IGM 2.0.0 ``issue.status``."""

    OPEN = "OPEN"
    PROCESSING = "PROCESSING"
    RESOLVED = "RESOLVED"
    CLOSED = "CLOSED"


class IssueLevel(StrEnum):
    """IGM 2.0.0 ``issue.level``: raised by escalation."""

    ISSUE = "ISSUE"
    GRIEVANCE = "GRIEVANCE"
    DISPUTE = "DISPUTE"


class ActionCode(StrEnum):
    """IGM 2.0.0 ``actions[].descriptor.code``."""

    OPEN = "OPEN"
    PROCESSING = "PROCESSING"
    INFO_REQUESTED = "INFO_REQUESTED"
    INFO_PROVIDED = "INFO_PROVIDED"
    INFO_NOT_AVAILABLE = "INFO_NOT_AVAILABLE"
    RESOLUTION_PROPOSED = "RESOLUTION_PROPOSED"
    RESOLUTION_ACCEPTED = "RESOLUTION_ACCEPTED"
    RESOLUTION_REJECTED = "RESOLUTION_REJECTED"
    RESOLUTION_CASCADED = "RESOLUTION_CASCADED"
    RESOLVED = "RESOLVED"
    ESCALATED = "ESCALATED"
    CLOSED = "CLOSED"


BUYER_CODES: Final = frozenset(
    {
        ActionCode.OPEN,
        ActionCode.INFO_PROVIDED,
        ActionCode.INFO_NOT_AVAILABLE,
        ActionCode.RESOLUTION_ACCEPTED,
        ActionCode.RESOLUTION_REJECTED,
        ActionCode.ESCALATED,
        ActionCode.CLOSED,
    }
)
"""The codes the complainant's side appends."""

SELLER_CODES: Final = frozenset(
    {
        ActionCode.PROCESSING,
        ActionCode.INFO_REQUESTED,
        ActionCode.RESOLUTION_PROPOSED,
        ActionCode.RESOLUTION_CASCADED,
        ActionCode.RESOLVED,
    }
)
"""The codes the respondent (we) appends."""

_STATUS_AFTER: Final[Mapping[str, IssueStatus]] = {
    ActionCode.PROCESSING: IssueStatus.PROCESSING,
    ActionCode.INFO_REQUESTED: IssueStatus.PROCESSING,
    ActionCode.RESOLUTION_PROPOSED: IssueStatus.PROCESSING,
    ActionCode.RESOLUTION_CASCADED: IssueStatus.PROCESSING,
    ActionCode.RESOLVED: IssueStatus.RESOLVED,
}
_APPENDED: Final = [{"path": "issue.actions", "action": "APPENDED"}]
_ACTION_IDS: Final = uuid.UUID("6f1c2a9e-5b0d-4c1e-9a44-0d1d3e0b7a52")


@dataclass(frozen=True, slots=True)
class Respondent:
    """Who answers issues for us, as the actors of an issue name them (from the settings).

    ``name``/``phone``/``email`` are the seller app's support desk; ``gro_*`` the grievance
    officer the network requires, who acts once an issue is escalated.
    """

    subscriber_id: str
    name: str
    phone: str
    email: str
    gro_name: str
    gro_phone: str
    gro_email: str
    response_time: timedelta = timedelta(hours=1)
    resolution_time: timedelta = timedelta(days=1)

    def actor(self, issue: Mapping[str, Any], domain: str, *, officer: bool) -> dict[str, Any]:
        """Our actor entry (``COUNTERPARTY_NP`` or ``COUNTERPARTY_NP_GRO``) in ``issue``."""
        kind = "COUNTERPARTY_NP_GRO" if officer else "COUNTERPARTY_NP"
        person, phone, email = (
            (self.gro_name, self.gro_phone, self.gro_email)
            if officer
            else (self.name, self.phone, self.email)
        )
        return {
            "id": self.actor_id(issue, officer=officer),
            "type": kind,
            "info": {
                "org": {"name": f"{self.subscriber_id}::{domain}"},
                "contact": {"phone": phone, "email": email},
                "person": {"name": person},
            },
        }

    def actor_id(self, issue: Mapping[str, Any], *, officer: bool) -> str:
        """The id we act under in ``issue``: the one the buyer app gave the counterparty,
        else ``NP2``; the officer's is that id with ``-GRO``."""
        ours = next(
            (a.get("id") for a in issue.get("actors") or [] if a.get("type") == "COUNTERPARTY_NP"),
            None,
        )
        base = ours if isinstance(ours, str) and ours else "NP2"
        return f"{base}-GRO" if officer else base


def _union_by_id(first: Iterable[Any], second: Iterable[Any]) -> list[Any]:
    """``first`` then the entries of ``second`` whose ``id`` ``first`` does not have."""
    merged = list(first)
    seen = {entry.get("id") for entry in merged if isinstance(entry, dict)}
    for entry in second:
        if isinstance(entry, dict) and entry.get("id") not in seen:
            merged.append(entry)
            seen.add(entry.get("id"))
    return merged


def _ids(first: Sequence[str] | None, second: Sequence[str] | None) -> list[str]:
    return list(dict.fromkeys([*(first or []), *(second or [])]))


def merge_buyer(stored: Mapping[str, Any] | None, incoming: Mapping[str, Any]) -> dict[str, Any]:
    """The issue after the buyer app's ``/issue``: its fields as sent, the action log,
    actors, resolutions and respondent/resolver ids as the union of both (ours kept even
    if the buyer app's copy lacks them)."""
    issue = dict(incoming)
    if stored is None:
        return issue
    issue["actions"] = _union_by_id(stored.get("actions") or [], incoming.get("actions") or [])
    issue["actors"] = _union_by_id(incoming.get("actors") or [], stored.get("actors") or [])
    resolutions = _union_by_id(stored.get("resolutions") or [], incoming.get("resolutions") or [])
    if resolutions:
        issue["resolutions"] = resolutions
    for key in ("respondent_ids", "resolver_ids"):
        ids = _ids(stored.get(key), incoming.get(key))
        if ids:
            issue[key] = ids
    issue["created_at"] = stored.get("created_at", issue.get("created_at"))
    if issue["actions"]:
        issue["last_action_id"] = issue["actions"][-1].get("id")
    return issue


def last_buyer_action(
    stored: Mapping[str, Any] | None, incoming: Mapping[str, Any]
) -> dict[str, Any] | None:
    """The buyer app's newest action in ``incoming`` that ``stored`` does not have yet
    (``None`` for a repeated ``/issue``)."""
    known = {a.get("id") for a in (stored or {}).get("actions") or []}
    fresh = [a for a in incoming.get("actions") or [] if a.get("id") not in known]
    return fresh[-1] if fresh else None


def respond(
    issue: Mapping[str, Any],
    code: ActionCode,
    *,
    us: Respondent,
    domain: str,
    now: str,
    short_desc: str,
    resolutions: Sequence[Mapping[str, Any]] = (),
    ref: tuple[str, str] | None = None,
    officer: bool = False,
) -> dict[str, Any]:
    """``issue`` with our action ``code`` appended at ``now`` (an RFC 3339 stamp), by our
    grievance officer if the issue is past level ``ISSUE`` or ``officer`` says he has taken
    it over; ``resolutions`` (proposed with ``RESOLUTION_PROPOSED``) are added to the
    issue's, and ``ref`` (``(ref_id, ref_type)``) points the action at one of them."""
    if code not in SELLER_CODES:
        raise ValueError(f"{code} is the complainant's action, not ours")
    updated = dict(issue)
    officer = officer or updated.get("level", IssueLevel.ISSUE) != IssueLevel.ISSUE
    me = us.actor(updated, domain, officer=officer)
    actors = _union_by_id(updated.get("actors") or [], [us.actor(updated, domain, officer=False)])
    updated["actors"] = _union_by_id(actors, [me])
    actions = list(updated.get("actions") or [])
    action: dict[str, Any] = {
        "id": str(uuid.uuid5(_ACTION_IDS, f"{updated.get('id')}:{len(actions)}:{code}")),
        "descriptor": {"code": str(code), "short_desc": short_desc},
        "updated_at": now,
        "action_by": me["id"],
        "actor_details": {"name": me["info"]["person"]["name"]},
    }
    if ref is not None:
        action["ref_id"], action["ref_type"] = ref
    actions.append(action)
    updated["actions"] = actions
    if resolutions:
        stamped = [{**r, "updated_at": now, "proposed_by": me["id"]} for r in resolutions]
        updated["resolutions"] = _union_by_id(updated.get("resolutions") or [], stamped)
    updated["respondent_ids"] = _ids(updated.get("respondent_ids"), [me["id"]])
    if code == ActionCode.RESOLVED:
        updated["resolver_ids"] = _ids(updated.get("resolver_ids"), [me["id"]])
    updated["status"] = str(_STATUS_AFTER[code])
    updated["last_action_id"] = action["id"]
    updated["updated_at"] = now
    return updated


def proposal_pending(issue: Mapping[str, Any]) -> bool:
    """Whether the issue's newest action is a resolution we proposed, which the buyer app
    has yet to accept or reject (its turn, not ours)."""
    actions = issue.get("actions") or []
    last = actions[-1] if actions and isinstance(actions[-1], dict) else {}
    return (last.get("descriptor") or {}).get("code") == ActionCode.RESOLUTION_PROPOSED


def ref_of(issue: Mapping[str, Any], ref_type: str) -> str | None:
    """The ``ref_id`` of the issue's first ref of ``ref_type`` (``ORDER``, ``ITEM``...)."""
    for ref in issue.get("refs") or []:
        if ref.get("ref_type") == ref_type or ref.get("type") == ref_type:
            value = ref.get("ref_id")
            return value if isinstance(value, str) else None
    return None


def seller_reply_to(buyer_action: Mapping[str, Any] | None) -> tuple[ActionCode, str] | None:
    """Our automatic step after the buyer app's action (``None``: nothing to add):
    a new, completed, escalated or rejected issue is taken up at once (``PROCESSING``),
    an accepted resolution is carried out (``RESOLVED``)."""
    if buyer_action is None:
        return None
    code = (buyer_action.get("descriptor") or {}).get("code")
    if code == ActionCode.RESOLUTION_ACCEPTED:
        return ActionCode.RESOLVED, "Resolution carried out"
    if code in (
        ActionCode.OPEN,
        ActionCode.INFO_PROVIDED,
        ActionCode.INFO_NOT_AVAILABLE,
        ActionCode.ESCALATED,
        ActionCode.RESOLUTION_REJECTED,
    ):
        return ActionCode.PROCESSING, "Complaint is being processed"
    return None


def on_issue_message(issue: Mapping[str, Any], *, appended: bool = True) -> dict[str, Any]:
    """The ``/on_issue`` message: the whole issue, and ``update_target`` naming the log
    when we appended to it."""
    message: dict[str, Any] = {"issue": dict(issue)}
    if appended:
        message["update_target"] = list(_APPENDED)
    return message
