"""The sandbox buyer app answering a complaint the seller raises against it (IGM 2.0.0
Flow2), for ``ondc-seller demo``, under the log validator's ``FLOW_2`` keys.

The seller complains through the seller API that the buyer app has not settled an order's
payment; the adapter sends ``/issue``; the buyer app's desk takes it up (``PROCESSING``) and
proposes a resolution; the seller rejects it and escalates; the buyer app's grievance
officer takes it up, proposes again; the seller accepts; the buyer app resolves; the seller
closes. Each of the buyer app's answers is a signed ``/on_issue`` to the adapter.
"""

from __future__ import annotations

import uuid
from typing import Any

import schemas
from adapter.sandbox.buyer import Received
from adapter.sandbox.grievances import GrievancePlayer

__all__ = ["seller_complaint_flow"]


class _BuyerDesk:
    """The buyer app's side of one seller complaint."""

    def __init__(self, player: GrievancePlayer, tx: str, domain: str) -> None:
        self.player = player
        self.tx = tx
        self.domain = domain
        self.seen = 0
        self.issue: dict[str, Any] = {}

    async def heard(self) -> dict[str, Any]:
        """The adapter's next ``/issue`` of this transaction (the issue is then ours to
        answer)."""

        def wanted(received: Received) -> bool:
            context = received.payload.get("context", {})
            return bool(context.get("transaction_id") == self.tx and received.action == "issue")

        buyer = self.player.buyer
        arrived = await buyer.wait_until(wanted, count=self.seen + 1, seconds=self.player.seconds)
        body = arrived[self.seen].payload
        self.seen += 1
        self.issue = body["message"]["issue"]
        return body

    def _actor(self, actor_id: str, kind: str, name: str) -> dict[str, Any]:
        return {
            "id": actor_id,
            "type": kind,
            "info": {
                "org": {"name": f"{self.player.buyer.subscriber_id}::{self.domain}"},
                "person": {"name": name},
                "contact": {"phone": "9816000001", "email": "support@buyer.localhost"},
            },
        }

    async def answer(
        self, code: str, *, by_officer: bool = False, status: str = "PROCESSING"
    ) -> dict[str, Any]:
        """Our ``/on_issue``: ``code`` appended by the desk (``NP2``) or its grievance
        officer (``NP2-GRO``); the body sent."""
        player = self.player
        actor_id = "NP2-GRO" if by_officer else "NP2"
        context = player.buyer.context(
            "on_issue",
            bap_uri=player.buyer_url,
            domain=self.domain,
            city=player.city,
            transaction_id=self.tx,
            core_version="1.2.0",
            bpp_id=player.seller_id,
            bpp_uri=player.seller_uri,
        )
        stamp = context["timestamp"]
        issue = dict(self.issue)
        actors = [a for a in issue.get("actors", []) if a.get("id") not in ("NP2", "NP2-GRO")]
        actors.append(self._actor("NP2", "COUNTERPARTY_NP", "Buyer app support"))
        if by_officer:
            actors.append(self._actor("NP2-GRO", "COUNTERPARTY_NP_GRO", "Grievance officer"))
        action: dict[str, Any] = {
            "id": str(uuid.uuid4()),
            "descriptor": {"code": code, "short_desc": code.replace("_", " ").capitalize()},
            "updated_at": stamp,
            "action_by": actor_id,
            "actor_details": {"name": "Grievance officer" if by_officer else "Buyer app support"},
        }
        if code == "RESOLUTION_PROPOSED":
            number = len(issue.get("resolutions", [])) + 1
            resolution = {
                "id": f"R{number}",
                "descriptor": {
                    "code": "SETTLED" if by_officer else "UNDER_RECON",
                    "short_desc": "Settlement paid with UTR"
                    if by_officer
                    else "Payment is in the next reconciliation cycle",
                },
                "updated_at": stamp,
                "proposed_by": actor_id,
            }
            issue["resolutions"] = [*issue.get("resolutions", []), resolution]
            action["ref_id"], action["ref_type"] = resolution["id"], "RESOLUTIONS"
        if code == "RESOLVED":
            issue["resolver_ids"] = [actor_id]
        issue.update(
            actors=actors,
            status=status,
            respondent_ids=[actor_id],
            actions=[*issue.get("actions", []), action],
            last_action_id=action["id"],
            updated_at=stamp,
        )
        body = {
            "context": context,
            "message": {
                "issue": issue,
                "update_target": [{"path": "issue.actions", "action": "APPENDED"}],
            },
        }
        answer = await player.buyer.send(player.http, f"{player.adapter_url}/on_issue", body)
        if answer.status_code != 200:
            raise RuntimeError(f"on_issue: adapter answered {answer.status_code} {answer.text}")
        self.issue = issue
        return body


async def seller_complaint_flow(
    player: GrievancePlayer, order: dict[str, Any], tx: str, domain: str
) -> dict[str, Any]:
    """The seller's complaint against the buyer app, settled at the buyer app's grievance
    officer; the payloads by the validator's ``FLOW_2`` keys."""
    complaints = player.seller_complaints
    if complaints is None:
        raise RuntimeError("the player has no seller complaints API")

    async def seller(suffix: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        answer = await complaints(suffix, body)
        if answer.status_code not in (200, 201):
            raise RuntimeError(f"seller complaint {suffix}: {answer.status_code} {answer.text}")
        shown: dict[str, Any] = answer.json()
        return shown

    desk = _BuyerDesk(player, tx, domain)
    logs: dict[str, Any] = {}
    raised = await seller(
        "",
        {
            "order_id": order["id"],
            "code": "PMT002",
            "short_desc": "Order payment not settled / भुगतान नहीं मिला",
            "long_desc": f"Delivered on {schemas.format_timestamp(player.buyer.clock.now())[:10]}",
        },
    )
    pk = raised["id"]
    logs["issue_open"] = await desk.heard()
    logs["on_issue_processing"] = await desk.answer("PROCESSING")
    logs["on_issue_resolution_proposed"] = await desk.answer("RESOLUTION_PROPOSED")
    await seller(f"/{pk}/escalate")
    logs["issue_esclated"] = await desk.heard()
    logs["on_issue_gro_processing"] = await desk.answer("PROCESSING", by_officer=True)
    logs["on_issue_gro_resolution_proposed"] = await desk.answer(
        "RESOLUTION_PROPOSED", by_officer=True
    )
    await seller(f"/{pk}/accept")
    logs["issue_gro_resolution_accepted"] = await desk.heard()
    logs["on_issue_gro_resolved"] = await desk.answer(
        "RESOLVED", by_officer=True, status="RESOLVED"
    )
    await seller(f"/{pk}/close")
    logs["issue_gro_close"] = await desk.heard()
    return logs
