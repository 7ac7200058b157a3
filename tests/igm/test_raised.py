"""The seller's own complaint against a buyer app (IGM 2.0.0 Flow2), through the real app:
the seller raises it through the seller API and it goes to the buyer app as a signed
``/issue`` (refs TRANSACTION and PROVIDER, the seller app as INTERFACING_NP); the buyer
app's ``/on_issue`` answers are verified, stored and told to the seller; the seller accepts
a resolution, escalates and closes, each sent as ``/issue``. An answer about a complaint
that is not ours, or from another buyer app, is refused."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import orjson

import schemas
from adapter.core.clock import FixedClock
from tests.igm.test_igm2_flow import delivered
from tests.network.peers import context, signed
from tests.orders.shop import Shop, demo_item, shop

US = "seller.odop.example"


async def _sent_issue(s: Shop) -> dict[str, Any]:
    before = len(s.net.received)
    await s.net.dispatch()
    requests = s.net.received[before:]
    [request] = [r for r in requests if r.url.path.endswith("/issue")]
    assert str(request.url).startswith(s.bap_uri)
    assert request.headers["authorization"].startswith("Signature keyId=")
    body: dict[str, Any] = orjson.loads(request.content)
    assert body["context"]["action"] == "issue"
    return body


def _answer(s: Shop, issue: dict[str, Any], code: str, **changes: Any) -> dict[str, Any]:
    """The buyer app's next on_issue: its desk (and, at a grievance, its GRO) acting."""
    stamp = schemas.format_timestamp(s.clock.now())
    org = {"name": f"{s.bap_id}::{issue['actors'][0]['info']['org']['name'].split('::')[1]}"}
    contact = {"phone": "9450394039", "email": "desk@buyer.example"}
    actors = [a for a in issue["actors"] if a["id"] != "NP2"]
    actors.append({"id": "NP2", "type": "COUNTERPARTY_NP", "info": {"org": org,
                   "person": {"name": "Buyer app desk"}, "contact": contact}})  # fmt: skip
    action: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "descriptor": {"code": code, "short_desc": code.lower()},
        "updated_at": stamp,
        "action_by": "NP2",
        "actor_details": {"name": "Buyer app desk"},
    }
    if code == "RESOLUTION_PROPOSED":
        issue = {**issue, "resolutions": [*issue.get("resolutions", []), {
            "id": f"R{len(issue.get('resolutions', [])) + 1}",
            "descriptor": {"code": "PAID", "short_desc": "Buyer charged for the return leg"},
            "updated_at": stamp, "proposed_by": "NP2"}]}  # fmt: skip
        action["ref_id"], action["ref_type"] = issue["resolutions"][-1]["id"], "RESOLUTIONS"
    return {
        **issue,
        **changes,
        "actors": actors,
        "respondent_ids": ["NP2"],
        "actions": [*issue["actions"], action],
        "last_action_id": action["id"],
        "updated_at": stamp,
    }


async def _on_issue(s: Shop, request: dict[str, Any], issue: dict[str, Any]) -> int:
    s.clock.advance(1)
    body = {
        "context": context(
            "on_issue",
            s.clock,
            domain=request["context"]["domain"],
            transaction_id=request["context"]["transaction_id"],
            bap_id=s.bap_id,
            bap_uri=s.bap_uri,
        ),
        "message": {"issue": issue, "update_target": [{"path": "issue.actions",
                                                         "action": "APPENDED"}]},
    }  # fmt: skip
    raw = orjson.dumps(body)
    response = await s.net.post("on_issue", raw, signed(raw, s.clock, s.signer))
    return response.status_code


async def test_a_seller_complains_of_a_buyer_app_and_settles_it_at_the_gro(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        await delivered(s, "Kullu", "ODOP-KU-F2")
        entry, item = demo_item("Kullu")
        key = await s.seller_key(entry["seller"]["code"])
        client = s.net.client
        raised = await client.post(
            "/seller/v1/complaints",
            json={"order_id": "ODOP-KU-F2", "code": "PMT002",
                  "short_desc": "COD parcel refused at the door / सीओडी पार्सल लौटाया"},
            headers=key,
        )  # fmt: skip
        assert raised.status_code == 201, raised.text
        pk = raised.json()["id"]
        assert raised.json()["status"] == "OPEN"

        request = await _sent_issue(s)
        issue = request["message"]["issue"]
        domain = item["domain"]
        assert {r["ref_type"] for r in issue["refs"]} == {"TRANSACTION", "PROVIDER"}
        assert issue["refs"][0]["ref_id"] == s.transaction_id
        types = {a["type"]: a for a in issue["actors"]}
        assert types["INTERFACING_NP"]["info"]["org"]["name"] == f"{US}::{domain}"
        assert issue["complainant_id"] == types["INTERFACING_NP"]["id"]
        assert issue["source_id"] == types["PROVIDER"]["id"]
        assert issue["status"] == "OPEN"
        assert issue["created_at"] == issue["updated_at"]
        assert request["context"]["bap_id"] == s.bap_id
        assert request["context"]["bpp_id"] == US

        # Nothing to accept before the buyer app proposes.
        early = await client.post(f"/seller/v1/complaints/{pk}/accept", headers=key)
        assert early.status_code == 409
        assert "resolutions" in early.text

        issue = _answer(s, issue, "PROCESSING", status="PROCESSING")
        assert await _on_issue(s, request, issue) == 200
        issue = _answer(s, issue, "RESOLUTION_PROPOSED")
        assert await _on_issue(s, request, issue) == 200
        assert await _on_issue(s, request, issue) == 200  # a repeat: ACKed, nothing new
        shown = (await client.get(f"/seller/v1/complaints/{pk}", headers=key)).json()
        assert shown["status"] == "PROCESSING"
        assert [a["code"] for a in shown["actions"]] == ["OPEN", "PROCESSING",
                                                        "RESOLUTION_PROPOSED"]  # fmt: skip
        assert shown["resolutions"][0]["descriptor"]["code"] == "PAID"
        # The seller's webhook heard each answer once (not the repeat).
        log = await s.runtime.notifications.log(entry["seller"]["code"])
        assert [n["event"] for n in log].count("complaint.answered") == 2

        clock.advance(30)
        escalated = await client.post(f"/seller/v1/complaints/{pk}/escalate", headers=key)
        assert escalated.status_code == 200, escalated.text
        request = await _sent_issue(s)
        sent = request["message"]["issue"]
        assert sent["level"] == "GRIEVANCE"
        assert sent["actions"][-1]["descriptor"]["code"] == "RESOLUTION_REJECTED"
        assert sent["actions"][-1]["ref_id"] == "R1"
        assert request["message"]["update_target"] == [
            {"path": "issue.actions", "action": "APPENDED"}
        ]
        assert sent["last_action_id"] == sent["actions"][-1]["id"]

        issue = _answer(s, sent, "RESOLUTION_PROPOSED")
        assert await _on_issue(s, request, issue) == 200
        clock.advance(30)
        accepted = await client.post(f"/seller/v1/complaints/{pk}/accept", headers=key)
        assert accepted.status_code == 200, accepted.text
        sent = (await _sent_issue(s))["message"]["issue"]
        assert sent["actions"][-1]["descriptor"]["code"] == "RESOLUTION_ACCEPTED"
        assert sent["actions"][-1]["ref_id"] == "R2"
        issue = _answer(s, sent, "RESOLVED", status="RESOLVED")
        assert await _on_issue(s, request, issue) == 200
        clock.advance(30)
        closed = await client.post(f"/seller/v1/complaints/{pk}/close", headers=key)
        assert closed.status_code == 200, closed.text
        assert closed.json()["status"] == "CLOSED"
        assert (await _sent_issue(s))["message"]["issue"]["status"] == "CLOSED"
        again = await client.post(f"/seller/v1/complaints/{pk}/close", headers=key)
        assert again.status_code == 409

        # Other sellers' keys do not see it.
        other = await s.seller_key(demo_item("Kinnaur")[0]["seller"]["code"])
        hidden = await client.get(f"/seller/v1/complaints/{pk}", headers=other)
        assert hidden.status_code == 404


async def test_an_answer_to_a_complaint_not_ours_is_refused(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        await delivered(s, "Kullu", "ODOP-KU-F3")
        key = await s.seller_key(demo_item("Kullu")[0]["seller"]["code"])
        raised = await s.net.client.post(
            "/seller/v1/complaints",
            json={"order_id": "ODOP-KU-F3", "code": "PMT002", "short_desc": "COD refused"},
            headers=key,
        )
        assert raised.status_code == 201, raised.text
        request = await _sent_issue(s)
        issue = _answer(s, request["message"]["issue"], "PROCESSING", status="PROCESSING")

        stranger = {**issue, "id": str(uuid.uuid4())}
        assert await _on_issue(s, request, stranger) == 400
        other = s.other_buyer_app()
        assert await _on_issue(other, request, issue) == 400
        unknown_order = await s.net.client.post(
            "/seller/v1/complaints",
            json={"order_id": "NO-SUCH", "code": "PMT002", "short_desc": "x"},
            headers=key,
        )
        assert unknown_order.status_code == 404
        assert "order_id" in unknown_order.text
        bad_code = await s.net.client.post(
            "/seller/v1/complaints",
            json={"order_id": "ODOP-KU-F3", "code": "refused", "short_desc": "x"},
            headers=key,
        )
        assert bad_code.status_code == 422
        assert "code" in bad_code.text
        shown = (await s.net.client.get("/seller/v1/complaints", headers=key)).json()
        assert [c["status"] for c in shown] == ["OPEN"]
