"""A complaint about a delivered Kullu shawl, IGM 2.0.0, through the real app: the buyer
app raises it, the seller asks for information and proposes a refund through the seller
API, the buyer app accepts, and the refund reaches the buyer app as the order's on_update."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson

from adapter.core.clock import FixedClock
from adapter.igm.desk import Proposal
from tests.igm.complainant import Complainant
from tests.network.peers import edge
from tests.orders.shop import Shop, cart, confirm_message, demo_item, init_message, shop


async def delivered(s: Shop, district: str, order_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """An order of one piece of the district's first product, delivered; the on_confirm
    and the seller's API key header."""
    entry, item = demo_item(district)
    domain = item["domain"]
    on_select = await s.call("select", cart(entry, item, 1), domain=domain)
    on_init = await s.call("init", init_message(on_select), domain=domain)
    on_confirm = await s.call("confirm", confirm_message(on_init, order_id), domain=domain)
    await s.timers()
    key = await s.seller_key(entry["seller"]["code"])
    ship = {
        "tracking_url": "https://track.example/AWB1",
        "invoice_url": "https://odop.example/invoice/1.pdf",
    }
    for step in ("pack", "ship", "out_for_delivery", "deliver"):
        s.clock.advance(60)
        moved = await s.net.client.post(
            f"/seller/v1/orders/{order_id}/{step}", json=ship if step == "ship" else {}, headers=key
        )
        assert moved.status_code == 200, moved.text
    await s.unsolicited()
    return on_confirm, key


def _codes(issue: dict[str, Any]) -> list[str]:
    return [a["descriptor"]["code"] for a in issue["actions"]]


def _quote(order: dict[str, Any]) -> Decimal:
    return Decimal(order["quote"]["price"]["value"])


async def test_a_torn_kullu_shawl_ends_in_a_refund_the_buyer_app_receives_as_on_update(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        on_confirm, key = await delivered(s, "Kullu", "ODOP-KU-1")
        _entry, item = demo_item("Kullu")
        buyer = Complainant(s, "ODOP-KU-1", item["sku"], item["domain"])
        buyer.open_v2()

        on_issue = await buyer.send()
        issue = on_issue["message"]["issue"]
        assert on_issue["context"]["action"] == "on_issue"
        assert _codes(issue) == ["OPEN", "PROCESSING"]
        assert issue["status"] == "PROCESSING"
        assert on_issue["message"]["update_target"] == [
            {"path": "issue.actions", "action": "APPENDED"}
        ]
        ours = next(a for a in issue["actors"] if a["type"] == "COUNTERPARTY_NP")
        assert ours["info"]["org"]["name"] == f"seller.odop.example::{item['domain']}"
        assert issue["respondent_ids"] == [ours["id"]]
        assert issue["last_action_id"] == issue["actions"][-1]["id"]
        assert issue["updated_at"] == on_issue["context"]["timestamp"]

        # The seller sees the complaint, not the complainant's phone or e-mail.
        listed = await s.net.client.get("/seller/v1/issues", headers=key)
        assert listed.status_code == 200, listed.text
        [complaint] = listed.json()
        assert complaint["order_id"] == "ODOP-KU-1"
        assert complaint["complaint"]["images"] == ["https://buyer.example/img/torn.jpg"]
        assert complaint["status_label"]["hi"] == "कार्रवाई जारी"
        assert "9876543210" not in listed.text
        assert "ritu@example.com" not in listed.text
        pk = complaint["id"]

        # The seller asks for a photo of the label; the buyer app hears it unasked.
        clock.advance(30)
        asked = await s.net.client.post(
            f"/seller/v1/issues/{pk}/ask_info",
            json={"text": "Please send a photo of the label"},
            headers=key,
        )
        assert asked.status_code == 200, asked.text
        [info] = await s.unsolicited()
        assert info["context"]["action"] == "on_issue"
        assert info["context"]["message_id"] != on_issue["context"]["message_id"]
        assert _codes(info["message"]["issue"])[-1] == "INFO_REQUESTED"
        buyer.take(info)

        clock.advance(30)
        buyer.add_v2("INFO_PROVIDED")
        again = await buyer.send()
        assert _codes(again["message"]["issue"])[-2:] == ["INFO_PROVIDED", "PROCESSING"]

        clock.advance(30)
        proposed = await s.net.client.post(
            f"/seller/v1/issues/{pk}/propose",
            json={
                "resolutions": [
                    {"code": "REFUND", "short_desc": "Full refund", "refund_amount": item["price"]}
                ]
            },
            headers=key,
        )
        assert proposed.status_code == 200, proposed.text
        [offer] = await s.unsolicited()
        offered = offer["message"]["issue"]
        assert _codes(offered)[-1] == "RESOLUTION_PROPOSED"
        [refund] = offered["resolutions"]
        assert refund["descriptor"]["code"] == "REFUND"
        buyer.take(offer)

        clock.advance(30)
        buyer.add_v2("RESOLUTION_ACCEPTED", ref_id=refund["id"])
        resolved = await buyer.send()
        done = resolved["message"]["issue"]
        assert done["status"] == "RESOLVED"
        assert done["actions"][-1]["ref_id"] == refund["id"]
        assert done["resolver_ids"]

        [update] = await s.unsolicited()
        assert update["context"]["action"] == "on_update"
        order = update["message"]["order"]
        returned = next(f for f in order["fulfillments"] if f["type"] == "Return")
        assert returned["state"]["descriptor"]["code"] == "Liquidated"
        groups = {g["code"]: g for g in returned["tags"]}
        assert groups["igm_request"]["list"] == [{"code": "id", "value": buyer.issue["id"]}]
        assert _quote(order) == _quote(on_confirm["message"]["order"]) - Decimal(item["price"])

        clock.advance(30)
        buyer.add_v2("CLOSED", status="CLOSED")
        closed = await buyer.send()
        assert closed["message"]["issue"]["status"] == "CLOSED"
        row = await s.runtime.issues.find(s.bap_id, buyer.issue["id"]) if s.runtime.issues else None
        assert row is not None
        assert row.closed_at is not None
        assert row.resolved_at is not None


async def test_an_issue_about_an_unknown_order_is_answered_with_30018(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        _, item = demo_item("Kullu")
        buyer = Complainant(s, "NO-SUCH-ORDER", item["sku"], item["domain"])
        buyer.open_v2()
        answer = await buyer.send()
        assert answer["error"]["code"] == "30018"
        assert s.runtime.issues is not None
        assert await s.runtime.issues.find(s.bap_id, buyer.issue["id"]) is None


async def test_escalation_is_taken_up_by_our_grievance_officer(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        _, key = await delivered(s, "Kinnaur", "ODOP-KI-1")
        _, item = demo_item("Kinnaur")
        buyer = Complainant(s, "ODOP-KI-1", item["sku"], item["domain"])
        buyer.open_v2()
        await buyer.send()
        [complaint] = (await s.net.client.get("/seller/v1/issues", headers=key)).json()
        clock.advance(30)
        proposed = await s.net.client.post(
            f"/seller/v1/issues/{complaint['id']}/propose",
            json={"resolutions": [{"code": "NO_ACTION", "short_desc": "Within tolerance"}]},
            headers=key,
        )
        assert proposed.status_code == 200, proposed.text
        [offer] = await s.unsolicited()
        buyer.take(offer)
        clock.advance(30)
        buyer.add_v2("RESOLUTION_REJECTED")
        await buyer.send()
        clock.advance(30)
        buyer.add_v2("ESCALATED", level="GRIEVANCE")
        escalated = await buyer.send()
        issue = escalated["message"]["issue"]
        assert issue["level"] == "GRIEVANCE"
        officer = next(a for a in issue["actors"] if a["type"] == "COUNTERPARTY_NP_GRO")
        assert officer["info"]["person"]["name"] == "Grievance Redressal Officer, ODOP Himachal"
        assert issue["actions"][-1]["action_by"] == officer["id"]
        assert officer["id"] in issue["respondent_ids"]
        shown = (await s.net.client.get(f"/seller/v1/issues/{complaint['id']}", headers=key)).json()
        assert shown["level_label"]["en"] == "Escalated to the grievance officer"


async def test_an_accepted_refund_survives_the_adapter_stopping_before_its_on_update(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        await delivered(s, "Kullu", "ODOP-KU-2")
        _, item = demo_item("Kullu")
        buyer = Complainant(s, "ODOP-KU-2", item["sku"], item["domain"])
        buyer.open_v2()
        await buyer.send()
        issue_row = (
            await s.runtime.issues.find(s.bap_id, buyer.issue["id"]) if s.runtime.issues else None
        )
        assert issue_row is not None
        desk = s.runtime.grievances
        assert desk is not None
        await desk.act(issue_row, "propose", proposals=[Proposal("REFUND", "Full refund")])
        [offer] = await s.unsolicited()
        buyer.take(offer)
        clock.advance(30)
        buyer.add_v2(
            "RESOLUTION_ACCEPTED", ref_id=offer["message"]["issue"]["resolutions"][0]["id"]
        )
        answered = await buyer.send()  # the on_issue went out; the on_update is queued only
        assert answered["message"]["issue"]["status"] == "RESOLVED"
    # A new process on the same database sends the queued on_update.
    async with edge(tmp_path, clock, database_url=database_url) as net:
        await net.dispatch()
        sent = [orjson.loads(r.content) for r in net.received]
        assert [c["context"]["action"] for c in sent] == ["on_update"]
        returned = [f for f in sent[0]["message"]["order"]["fulfillments"] if f["type"] == "Return"]
        assert returned[0]["state"]["descriptor"]["code"] == "Liquidated"
