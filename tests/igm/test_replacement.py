"""A replacement agreed in a grievance is carried out end to end: the buyer app's
acceptance brings the order's on_update with the return marked ``replace: yes`` and a new
Delivery fulfilment (as Pramaan's ``on_update_igm_replacement``); the returned piece is
picked up without a refund; the seller ships the new piece through the same seller route as
a retail 1.2.5 replacement and the buyer app hears each step as on_status; neither piece
moves the stock."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from adapter.core.clock import FixedClock
from tests.igm.complainant import Complainant
from tests.igm.test_igm2_flow import _quote, delivered
from tests.orders.shop import demo_item, shop


def _tags(fulfillment: dict[str, Any]) -> dict[str, dict[str, str]]:
    return {g["code"]: {t["code"]: t["value"] for t in g["list"]} for g in fulfillment["tags"]}


async def test_an_accepted_replacement_ships_a_new_piece_and_refunds_nothing(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        on_confirm, key = await delivered(s, "Kullu", "ODOP-KU-R")
        entry, item = demo_item("Kullu")
        stock = await s.stock(entry["seller"]["code"], item["sku"])
        buyer = Complainant(s, "ODOP-KU-R", item["sku"], item["domain"])
        buyer.open_v2()
        await buyer.send()
        [complaint] = (await s.net.client.get("/seller/v1/issues", headers=key)).json()
        clock.advance(30)
        proposed = await s.net.client.post(
            f"/seller/v1/issues/{complaint['id']}/propose",
            json={"resolutions": [{"code": "REPLACEMENT", "short_desc": "A new shawl"}]},
            headers=key,
        )
        assert proposed.status_code == 200, proposed.text
        [offer] = await s.unsolicited()
        buyer.take(offer)
        clock.advance(30)
        buyer.add_v2(
            "RESOLUTION_ACCEPTED", ref_id=offer["message"]["issue"]["resolutions"][0]["id"]
        )
        resolved = await buyer.send()
        assert resolved["message"]["issue"]["status"] == "RESOLVED"

        [update] = await s.unsolicited()
        assert update["context"]["action"] == "on_update"
        order = update["message"]["order"]
        [returned] = [f for f in order["fulfillments"] if f["type"] == "Return"]
        tags = _tags(returned)
        assert returned["state"]["descriptor"]["code"] == "Return_Approved"
        assert tags["return_request"]["replace"] == "yes"
        assert tags["igm_request"] == {"id": buyer.issue["id"]}
        new_id = tags["replace_request"]["id"]
        [first, new] = [f for f in order["fulfillments"] if f["type"] == "Delivery"]
        assert new["id"] == new_id != first["id"]
        assert new["state"]["descriptor"]["code"] == "Pending"
        assert new["end"]["location"] == first["end"]["location"]
        assert _quote(order) == _quote(on_confirm["message"]["order"])  # nothing refunded

        base = "/seller/v1/orders/ODOP-KU-R"
        returns = f"{base}/returns/{returned['id']}"
        early = await s.net.client.post(f"{returns}/replacement/deliver", headers=key)
        assert early.status_code == 409, early.text
        unknown = await s.net.client.post(f"{base}/returns/RX9/replacement/pack", headers=key)
        assert unknown.status_code == 404, unknown.text
        assert "return_id" in unknown.text

        # The returned piece is collected: still no refund.
        clock.advance(60)
        picked = await s.net.client.post(f"{returns}/pick", headers=key)
        assert picked.status_code == 200, picked.text
        [pick_update] = await s.unsolicited()
        assert _quote(pick_update["message"]["order"]) == _quote(on_confirm["message"]["order"])
        deliveries = [f["id"] for f in pick_update["message"]["order"]["fulfillments"]
                      if f["type"] == "Delivery"]  # fmt: skip
        assert deliveries == [first["id"], new_id], "the pick-up opens no second replacement"

        states = []
        for step in ("pack", "ship", "out_for_delivery", "deliver"):
            clock.advance(60)
            moved = await s.net.client.post(f"{returns}/replacement/{step}", headers=key)
            assert moved.status_code == 200, moved.text
            [status] = await s.unsolicited()
            assert status["context"]["action"] == "on_status"
            shipped = next(f for f in status["message"]["order"]["fulfillments"]
                           if f["id"] == new_id)  # fmt: skip
            states.append(shipped["state"]["descriptor"]["code"])
        assert states == ["Packed", "Order-picked-up", "Out-for-delivery", "Order-delivered"]
        assert shipped["start"]["time"]["timestamp"] < shipped["end"]["time"]["timestamp"]
        replacement = moved.json()["returns"][returned["id"]]["replacement"]
        assert replacement == {"id": new_id, "state": "Order-delivered"}
        clock.advance(60)
        arrived = await s.net.client.post(f"{returns}/deliver", headers=key)
        assert arrived.status_code == 200, arrived.text
        await s.unsolicited()
        assert await s.stock(entry["seller"]["code"], item["sku"]) == stock
