"""The conformance gate's grievance rules: what ONDC's log validator checks on an IGM
flow, restated here so the suite and the demo catch a break before the validator does.

IGM 2.0.0 (the validator's ``FLOW_1`` and ``FLOW_2`` payload keys), for each
``on_issue``: the issue's ``updated_at`` is not before the context's timestamp and not after
its last action, ``last_action_id`` names that action, ``updated_at`` is after
``created_at``, the status is one IGM knows (and ``PROCESSING`` / ``RESOLVED`` where the key
says so), every ``respondent_ids`` entry is an actor, every action has ``action_by``,
``updated_at``, ``descriptor.code`` and ``actor_details``, a resolution-related action
comes with ``resolutions``, every actor has ``type``, ``info.org.name`` and ``info.contact``
(ten-digit phone, e-mail with ``@``), ``update_target`` paths start with ``issue.``; for
each ``issue``: ``updated_at`` not after the context's timestamp. Message ids are
unique across the flow's unsolicited callbacks, and every payload has the flow's
transaction and issue id. ``FLOW_1`` and ``FLOW_2`` (the seller's complaint against the
buyer app) also get the validator's named-flow rules: their refs and each party's
organisation (:func:`_named_flow`); the buyer's complaint escalated to our grievance
officer (``IGM2_ESCALATION``, the same keys as ``FLOW_2``) does not.

IGM 1.0.0 (``ret_*`` keys): every respondent action names its organisation, and the
resolved status carries ``resolution`` (one of ``REFUND``, ``REPLACEMENT``, ``RETURN``,
``CANCEL``, ``NO-ACTION``) and a ``resolution_provider`` with a grievance officer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any, Final

import schemas
from adapter.sandbox.flowcheck import Violation

__all__ = ["IGM_FLOW_KEYS", "check_igm"]

IGM_FLOW_KEYS: Final[Mapping[str, tuple[str, ...]]] = {
    "IGM2_FLOW_1": (
        "issue_open",
        "on_issue_processing_1",
        "on_issue_info_required_1",
        "issue_info_provided_1",
        "on_issue_processing_2",
        "on_issue_info_required_2",
        "issue_info_provided_2",
        "on_issue_resolution_proposed",
        "issue_resolution_accepted",
        "on_issue_resolved",
        "issue_closed",
    ),
    "IGM2_FLOW_2": (
        "issue_open",
        "on_issue_processing",
        "on_issue_resolution_proposed",
        "issue_esclated",
        "on_issue_gro_processing",
        "on_issue_gro_resolution_proposed",
        "issue_gro_resolution_accepted",
        "on_issue_gro_resolved",
        "issue_gro_close",
    ),
    "IGM2_ESCALATION": (
        "issue_open",
        "on_issue_processing",
        "on_issue_resolution_proposed",
        "issue_esclated",
        "on_issue_gro_processing",
        "on_issue_gro_resolution_proposed",
        "issue_gro_resolution_accepted",
        "on_issue_gro_resolved",
        "issue_gro_close",
    ),
    "IGM1": (
        "ret_issue",
        "ret_on_issue",
        "ret_on_issue_status_unsolicited",
        "ret_issue_status",
        "ret_on_issue_status",
        "ret_issue_close",
    ),
}
"""The payload keys each grievance flow must have (the validator's names)."""

_STATUSES: Final = frozenset({"OPEN", "PROCESSING", "RESOLVED", "CLOSED"})
_RESOLUTION_CODES: Final = frozenset(
    {"RESOLUTION_PROPOSED", "RESOLUTION_ACCEPTED", "RESOLVED", "CLOSED"}
)
_V1_RESOLUTIONS: Final = frozenset({"REFUND", "REPLACEMENT", "RETURN", "CANCEL", "NO-ACTION"})
_EXPECTED_STATUS: Final = {
    "on_issue_processing_1": "PROCESSING",
    "on_issue_processing": "PROCESSING",
    "on_issue_resolution_proposed": "PROCESSING",
    "on_issue_resolved": "RESOLVED",
    "on_issue_gro_resolved": "RESOLVED",
    "issue_open": "OPEN",
}
_PHONE: Final = re.compile(r"^\d{10,11}$")
# The validator's named flows (utils/igm/igm2/common/refs.ts, actors.ts): the refs each
# needs, read as `type or ref_type` and spelled as it spells them, and which side of the
# transaction (bap, bpp) each party's org.name must name.
_NAMED_FLOWS: Final[Mapping[str, tuple[frozenset[str], Mapping[str, str]]]] = {
    "IGM2_FLOW_1": (
        frozenset({"ORDER", "PROVIDER", "FULFILMENT", "ITEM"}),
        {"CONSUMER": "bap_id", "INTERFACING_NP": "bap_id",
         "COUNTERPARTY_NP": "bpp_id", "COUNTERPARTY_NP_GRO": "bpp_id"},
    ),
    "IGM2_FLOW_2": (
        frozenset({"TRANSACTION", "PROVIDER"}),
        {"SELLER": "bpp_id", "INTERFACING_NP": "bpp_id",
         "COUNTERPARTY_NP": "bap_id", "COUNTERPARTY_NP_GRO": "bap_id"},
    ),
}  # fmt: skip


def _at(value: Any) -> datetime | None:
    try:
        return schemas.parse_timestamp(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _v2(key: str, body: Mapping[str, Any]) -> Iterator[Violation]:
    context = body.get("context") or {}
    issue = (body.get("message") or {}).get("issue") or {}
    ours = str(context.get("action", "")).startswith("on_")

    def bad(rule: str, path: str, message: str) -> Violation:
        return Violation(f"igm2_{rule}", key, path, message)

    stamp, updated, created = (
        _at(context.get("timestamp")),
        _at(issue.get("updated_at")),
        _at(issue.get("created_at")),
    )
    actions = issue.get("actions") or []
    if stamp is None or updated is None or created is None:
        yield bad("timestamps", "message.issue", "timestamps missing or not RFC 3339")
        return
    if ours and updated < stamp:
        yield bad("updated_at", "message.issue.updated_at", "before the context timestamp")
    if not ours and updated > stamp:
        yield bad("updated_at", "message.issue.updated_at", "after the context timestamp")
    if ours and updated <= created:
        yield bad("updated_at", "message.issue.updated_at", "not after created_at")
    if actions:
        last = actions[-1]
        last_at = _at(last.get("updated_at"))
        if last_at is not None and updated > last_at:
            yield bad("updated_at", "message.issue.updated_at", "after its last action")
        if issue.get("last_action_id") != last.get("id"):
            yield bad("last_action_id", "message.issue.last_action_id", "not the last action")
    if issue.get("status") not in _STATUSES:
        yield bad("status", "message.issue.status", f"{issue.get('status')!r}")
    wanted = _EXPECTED_STATUS.get(key)
    if wanted is not None and issue.get("status") != wanted:
        yield bad("status", "message.issue.status", f"{issue.get('status')} for {key}")
    actor_ids = {a.get("id") for a in issue.get("actors") or []}
    for n, respondent in enumerate(issue.get("respondent_ids") or []):
        if respondent not in actor_ids:
            yield bad("respondent_ids", f"message.issue.respondent_ids[{n}]", "not an actor")
    for n, action in enumerate(actions):
        for name in ("action_by", "updated_at", "actor_details"):
            if not action.get(name):
                yield bad("actions", f"message.issue.actions[{n}].{name}", "missing")
        code = (action.get("descriptor") or {}).get("code")
        if not code:
            yield bad("actions", f"message.issue.actions[{n}].descriptor.code", "missing")
        if code in _RESOLUTION_CODES and not issue.get("resolutions"):
            yield bad("resolutions", "message.issue.resolutions", f"needed with {code}")
    for n, actor in enumerate(issue.get("actors") or []):
        info = actor.get("info") or {}
        contact = info.get("contact") or {}
        if not actor.get("type") or not (info.get("org") or {}).get("name"):
            yield bad("actors", f"message.issue.actors[{n}]", "type and info.org.name needed")
        if not _PHONE.match(str(contact.get("phone", ""))) or "@" not in str(
            contact.get("email", "")
        ):
            yield bad("actors", f"message.issue.actors[{n}].info.contact", "phone and e-mail")
    for n, target in enumerate((body.get("message") or {}).get("update_target") or []):
        if not str(target.get("path", "")).startswith("issue."):
            yield bad("update_target", f"message.update_target[{n}].path", "not issue.*")


def _named_flow(flow: str, key: str, body: Mapping[str, Any]) -> Iterator[Violation]:
    """What the validator checks when it is told ``flow: FLOW_1`` (an item complaint) or
    ``FLOW_2`` (the seller app's complaint against the buyer app): the flow's refs, each
    read as ``type`` or else ``ref_type`` (so FLOW_1's fulfilment ref needs ``type:
    FULFILMENT`` besides its schema-valid ``ref_type: FULFILLMENT``), and each party's
    ``org.name`` as ``<subscriber id>::<domain>`` of its side of the transaction."""
    refs, sides = _NAMED_FLOWS[flow]
    rule = flow.removeprefix("IGM2_").lower()
    context = body.get("context") or {}
    issue = (body.get("message") or {}).get("issue") or {}
    present = {r.get("type") or r.get("ref_type") for r in issue.get("refs") or []}
    for missing in sorted(refs - present):
        yield Violation(f"igm2_{rule}_refs", key, "message.issue.refs", f"no {missing} ref")
    domain = context.get("domain")
    for n, actor in enumerate(issue.get("actors") or []):
        side = sides.get(str(actor.get("type")))
        name = ((actor.get("info") or {}).get("org") or {}).get("name")
        if side is not None and name != f"{context.get(side)}::{domain}":
            path = f"message.issue.actors[{n}].info.org.name"
            yield Violation(f"igm2_{rule}_actors", key, path, f"{name!r}")


def _v1(key: str, body: Mapping[str, Any]) -> Iterator[Violation]:
    issue = (body.get("message") or {}).get("issue") or {}
    for n, step in enumerate((issue.get("issue_actions") or {}).get("respondent_actions") or []):
        if not ((step.get("updated_by") or {}).get("org") or {}).get("name"):
            yield Violation("igm1_actions", key, f"respondent_actions[{n}].updated_by.org", "")
    if key in ("ret_on_issue_status", "ret_on_issue_status_unsolicited"):
        resolution = issue.get("resolution") or {}
        if resolution.get("action_triggered") not in _V1_RESOLUTIONS:
            yield Violation("igm1_resolution", key, "message.issue.resolution", "missing")
        support = ((issue.get("resolution_provider") or {}).get("respondent_info") or {}).get(
            "resolution_support"
        ) or {}
        if not support.get("gros"):
            yield Violation("igm1_resolution", key, "resolution_support.gros", "no GRO")


def check_igm(flow: str, payloads: Mapping[str, Any]) -> list[Violation]:
    """Every rule one grievance flow's payloads break (``flow`` a key of
    :data:`IGM_FLOW_KEYS`)."""
    found = [
        Violation("required_keys", key, "", f"no {key} in the flow")
        for key in IGM_FLOW_KEYS[flow]
        if key not in payloads
    ]
    transactions = set()
    message_ids: dict[str, str] = {}
    for key, body in payloads.items():
        if not key.startswith(("issue", "on_issue", "ret_")) or not isinstance(body, dict):
            continue
        context = body.get("context") or {}
        transactions.add(context.get("transaction_id"))
        if str(context.get("action", "")).startswith("on_") and key.endswith(
            ("required_1", "required_2", "unsolicited", "proposed")
        ):
            earlier = message_ids.setdefault(str(context.get("message_id")), key)
            if earlier != key:
                found.append(Violation("message_id", key, "context.message_id", f"as {earlier}"))
        found.extend(_v1(key, body) if flow == "IGM1" else _v2(key, body))
        if flow in _NAMED_FLOWS:
            found.extend(_named_flow(flow, key, body))
    if len(transactions) > 1:
        found.append(Violation("transaction_id", "", "context.transaction_id", "differs"))
    return found
