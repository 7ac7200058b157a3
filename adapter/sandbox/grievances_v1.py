"""The sandbox buyer app's IGM 1.0.0 flow, for ``ondc-seller demo``: an issue about a
delivered order, answered ``PROCESSING``; the seller resolves it with a refund (unsolicited
``on_issue_status``, and the order's ``on_update``); the buyer app asks for the status and
closes the issue. Payloads by the log validator's ``ret_*`` keys."""

from __future__ import annotations

import uuid
from typing import Any

from adapter.sandbox.grievances import GrievancePlayer

__all__ = ["igm1_flow"]


def _issue_v1(
    player: GrievancePlayer,
    order: dict[str, Any],
    domain: str,
    step: str,
    issue_id: str,
    created: str,
) -> dict[str, Any]:
    """The buyer app's issue at ``step`` (``OPEN`` or ``CLOSE``)."""
    stamp = player._stamp()
    by = {
        "org": {"name": f"{player.buyer.subscriber_id}::{domain}"},
        "contact": {"phone": "9816000001", "email": "support@buyer.localhost"},
        "person": {"name": "Asha Devi"},
    }
    issue: dict[str, Any] = {
        "id": issue_id,
        "issue_actions": {
            "complainant_actions": [
                {
                    "complainant_action": step,
                    "short_desc": f"Complaint {step.lower()}",
                    "updated_at": stamp,
                    "updated_by": by,
                }
            ]
        },
        "created_at": created,
        "updated_at": stamp,
    }
    if step == "CLOSE":
        return {**issue, "status": "CLOSED", "rating": "THUMBS-UP"}
    item = order["items"][0]
    return {
        **issue,
        "category": "ITEM",
        "sub_category": "ITM04",
        "complainant_info": {
            "person": {"name": "Asha Devi"},
            "contact": {"phone": "9816000000"},
        },
        "order_details": {
            "id": order["id"],
            "state": "Completed",
            "items": [{"id": item["id"], "quantity": item["quantity"]["count"]}],
            "fulfillments": [{"id": order["fulfillments"][0]["id"], "state": "Order-delivered"}],
            "provider_id": order["provider"]["id"],
        },
        "description": {
            "short_desc": "Damaged product",
            "long_desc": "Torn near the border",
            "additional_desc": {
                "url": "https://buyer.localhost/desc.txt",
                "content_type": "text/plain",
            },
            "images": ["https://buyer.localhost/img/damage.jpg"],
        },
        "source": {"network_participant_id": player.buyer.subscriber_id, "type": "CONSUMER"},
        "expected_response_time": {"duration": "PT1H"},
        "expected_resolution_time": {"duration": "P1D"},
        "status": "OPEN",
        "issue_type": "ISSUE",
    }


async def igm1_flow(
    player: GrievancePlayer, order: dict[str, Any], tx: str, domain: str
) -> dict[str, Any]:
    """IGM 1.0.0: the validator's ``ret_*`` keys (and the refund's ``on_update``)."""
    logs: dict[str, Any] = {}
    issue_id = str(uuid.uuid4())
    created = player._stamp()
    opened = _issue_v1(player, order, domain, "OPEN", issue_id, created)
    logs["ret_issue"], logs["ret_on_issue"] = await player.call(
        "issue", {"issue": opened}, tx=tx, domain=domain, version="1.0.0"
    )
    price = order["quote"]["breakup"][0]["price"]["value"]
    await player.seller(
        issue_id,
        "resolve",
        {
            "resolutions": [
                {"code": "REFUND", "short_desc": "Refund initiated", "refund_amount": price}
            ]
        },
    )
    logs["ret_on_issue_status_unsolicited"] = await player.unsolicited(tx, "on_issue_status")
    logs["on_update_igm_refund"] = await player.unsolicited(tx, "on_update")
    logs["ret_issue_status"], logs["ret_on_issue_status"] = await player.call(
        "issue_status", {"issue_id": issue_id}, tx=tx, domain=domain, version="1.0.0"
    )
    closing = _issue_v1(player, order, domain, "CLOSE", issue_id, created)
    logs["ret_issue_close"], _ = await player.call(
        "issue", {"issue": closing}, tx=tx, domain=domain, version="1.0.0"
    )
    return logs
