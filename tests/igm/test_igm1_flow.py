"""IGM 1.0.0 for Pramaan's separate flow: a buyer app raises an issue about a delivered
order, the seller asks for more information and then resolves it with a refund, which the
buyer app hears as an unsolicited on_issue_status and the order's on_update; it asks for
the status and closes the issue."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from adapter.core.clock import FixedClock
from schemas import format_timestamp
from tests.igm.test_igm2_flow import delivered
from tests.orders.shop import Shop, demo_item, shop

BUYER_ORG = {
    "org": {"name": "buyer.example::ONDC:RET16"},
    "contact": {"phone": "9876543210", "email": "ritu@example.com"},
    "person": {"name": "Ritu Sharma"},
}


def _issue(s: Shop, order_id: str, item_id: str, step: str) -> dict[str, Any]:
    stamp = format_timestamp(s.clock.now())
    return {
        "id": "ISSUE-V1-1",
        "category": "ITEM",
        "sub_category": "ITM02",
        "complainant_info": {
            "person": {"name": "Ritu Sharma"},
            "contact": {"phone": "9876543210", "email": "ritu@example.com"},
        },
        "order_details": {
            "id": order_id,
            "state": "Completed",
            "items": [{"id": item_id, "quantity": 1}],
            "fulfillments": [{"id": "F1", "state": "Order-delivered"}],
            "provider_id": "P1",
        },
        "description": {
            "short_desc": "रुमाल का रंग उतर गया",
            "long_desc": "Colour ran in the wash",
            "images": ["https://buyer.example/img/rumal.jpg"],
        },
        "source": {"network_participant_id": "buyer.example", "type": "CONSUMER"},
        "expected_response_time": {"duration": "PT1H"},
        "expected_resolution_time": {"duration": "P1D"},
        "status": "CLOSED" if step == "CLOSE" else "OPEN",
        "issue_type": "ISSUE",
        "issue_actions": {
            "complainant_actions": [
                {
                    "complainant_action": step,
                    "short_desc": f"{step} by the buyer",
                    "updated_at": stamp,
                    "updated_by": BUYER_ORG,
                }
            ]
        },
        "created_at": stamp,
        "updated_at": stamp,
    }


async def test_an_igm_1_0_0_issue_is_resolved_with_a_refund_and_closed(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        _, key = await delivered(s, "Chamba", "ODOP-CH-1")
        _, item = demo_item("Chamba")
        domain = item["domain"]
        issue = _issue(s, "ODOP-CH-1", item["sku"], "OPEN")

        on_issue = await s.call("issue", {"issue": issue}, domain=domain, core_version="1.0.0")
        answered = on_issue["message"]["issue"]
        assert answered["id"] == "ISSUE-V1-1"
        [step] = answered["issue_actions"]["respondent_actions"]
        assert step["respondent_action"] == "PROCESSING"
        assert step["cascaded_level"] == 1
        assert step["updated_by"]["org"]["name"] == f"seller.odop.example::{domain}"
        assert on_issue["context"]["core_version"] == "1.0.0"

        [complaint] = (await s.net.client.get("/seller/v1/issues", headers=key)).json()
        assert complaint["version"] == "1.0.0"
        assert complaint["complaint"]["short_desc"] == "रुमाल का रंग उतर गया"
        clock.advance(60)
        asked = await s.net.client.post(
            f"/seller/v1/issues/{complaint['id']}/ask_info", headers=key
        )
        assert asked.status_code == 200, asked.text
        [more] = await s.unsolicited()
        assert more["context"]["action"] == "on_issue_status"
        actions = more["message"]["issue"]["issue_actions"]["respondent_actions"]
        assert [a["respondent_action"] for a in actions] == ["PROCESSING", "NEED-MORE-INFO"]

        clock.advance(60)
        resolved = await s.net.client.post(
            f"/seller/v1/issues/{complaint['id']}/resolve",
            json={
                "resolutions": [
                    {
                        "code": "REFUND",
                        "short_desc": "Refund of the rumal",
                        "refund_amount": item["price"],
                    }
                ]
            },
            headers=key,
        )
        assert resolved.status_code == 200, resolved.text
        assert resolved.json()["status"] == "RESOLVED"
        sent = await s.unsolicited()
        by_action = {c["context"]["action"]: c for c in sent}
        assert set(by_action) == {"on_issue_status", "on_update"}
        status = by_action["on_issue_status"]["message"]["issue"]
        assert status["resolution"]["action_triggered"] == "REFUND"
        officer = status["resolution_provider"]["respondent_info"]["resolution_support"]["gros"][0]
        assert officer["gro_type"] == "TRANSACTION-COUNTERPARTY-NP-GRO"
        returned = [
            f
            for f in by_action["on_update"]["message"]["order"]["fulfillments"]
            if f["type"] == "Return"
        ]
        assert returned[0]["state"]["descriptor"]["code"] == "Liquidated"

        clock.advance(60)
        asked_status = await s.call(
            "issue_status", {"issue_id": "ISSUE-V1-1"}, domain=domain, core_version="1.0.0"
        )
        assert (
            asked_status["message"]["issue"]["resolution"]["refund_amount"]
            == status["resolution"]["refund_amount"]
        )

        clock.advance(60)
        closing = _issue(s, "ODOP-CH-1", item["sku"], "CLOSE")
        closing["rating"] = "THUMBS-UP"
        closed = await s.call("issue", {"issue": closing}, domain=domain, core_version="1.0.0")
        assert closed["message"]["issue"]["id"] == "ISSUE-V1-1"
        assert s.runtime.issues is not None
        row = await s.runtime.issues.find(s.bap_id, "ISSUE-V1-1")
        assert row is not None
        assert row.status == "CLOSED"
        assert row.closed_at is not None


async def test_a_resolved_igm_1_issue_is_not_resolved_again_and_refunded_once(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        _, key = await delivered(s, "Chamba", "ODOP-CH-2")
        _, item = demo_item("Chamba")
        issue = _issue(s, "ODOP-CH-2", item["sku"], "OPEN")
        issue["id"] = str(uuid.uuid4())
        await s.call("issue", {"issue": issue}, domain=item["domain"], core_version="1.0.0")
        [complaint] = (await s.net.client.get("/seller/v1/issues", headers=key)).json()
        body = {"resolutions": [{"code": "REFUND", "short_desc": "Refund"}]}
        first = await s.net.client.post(
            f"/seller/v1/issues/{complaint['id']}/resolve", json=body, headers=key
        )
        assert first.status_code == 200, first.text
        again = await s.net.client.post(
            f"/seller/v1/issues/{complaint['id']}/resolve", json=body, headers=key
        )
        assert again.status_code == 409
        assert again.json()["detail"].startswith("status:")
        order = await s.runtime.orders.by_order_id("ODOP-CH-2", bap_id=s.bap_id)
        assert order is not None
        returns = [f for f in order.document["fulfillments"] if f["type"] == "Return"]
        assert len(returns) == 1
