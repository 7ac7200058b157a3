"""B2B self-pickup (ONDC B2B 2.0.2 flow ``B2B_Self_Pickup``): a seller offering collection
at its location quotes an RFQ whose fulfilment is a ``Self-Pickup`` with no delivery
charge, takes the purchase order, marks the goods ready (``Packed``) and handed over
(``Order-picked-up``, which completes the order as the contract's
``on_status_self_picked_up``); the letter realises the order's value. SQLite and
PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import orjson

from adapter.core.clock import FixedClock
from tests.b2b.peers import b2b_body
from tests.b2b.test_b2b_purchase_order import ACCEPT, TXN, _order, _quote_like, _step
from tests.b2b.test_b2b_rfq import _quote, _rfq, _seller, oil_letter
from tests.network.peers import Edge, edge
from tests.network.test_seller_api import ADMIN, _entry

DOMAINS = {"ONDC_DOMAINS": "ONDC:RET10,ONDC:RET12"}
PROOF = "https://odop.example/pickup/PO-SP-1.jpg"


async def _offers_pickup(net: Edge, *types: str) -> dict[str, str]:
    """The Kinnaur seller, its location open for ``types``, with its B2B price list."""
    key = await _seller(net)
    entry = _entry("Kinnaur")
    location = {**entry["location"], "fulfillment_types": list(types)}
    put = await net.client.put(
        f"/admin/v1/sellers/{entry['seller']['code']}",
        json={"seller": entry["seller"], "location": location},
        headers=ADMIN,
    )
    assert put.status_code == 200, put.text
    return key


def _pickup_rfq(clock: FixedClock) -> bytes:
    """The RFQ with the contract's Self-Pickup fulfilment: a type, no stops, and the id the
    catalogue gives it (the location's second type)."""
    body = orjson.loads(_rfq(clock, 120, transaction_id=TXN))
    body["message"]["order"]["fulfillments"] = [{"id": "2", "type": "Self-Pickup"}]
    body["message"]["order"]["items"][0]["fulfillment_ids"] = ["2"]
    return orjson.dumps(body)


async def test_a_self_pickup_is_quoted_ordered_made_ready_and_handed_over(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with edge(tmp_path, clock, database_url=database_url, **DOMAINS) as net:
        key = await _offers_pickup(net, "Delivery", "Self-Pickup")
        letter = oil_letter("HIM-SP-1")
        created = await net.client.post("/admin/v1/loi/letters", json=letter, headers=ADMIN)
        assert created.status_code == 201, created.text
        # The catalogue offers the pick-up beside the delivery, on the provider and its items.
        search = b2b_body("search", clock, {"intent": {"item": {"descriptor": {"name": "chulli"}}}},
                          bpp_id=None, bpp_uri=None)  # fmt: skip
        catalogue = (await _quote_like(net, clock, "search", search))["message"]["catalog"]
        [provider] = catalogue["providers"]
        offered = [(f["id"], f["type"]) for f in provider["fulfillments"]]
        assert offered == [("1", "Delivery"), ("2", "Self-Pickup")]
        assert provider["items"][0]["fulfillment_ids"] == ["1", "2"]
        quoted = (await _quote(net, clock, _pickup_rfq(clock)))["message"]["order"]
        [fulfilment] = quoted["fulfillments"]
        assert (fulfilment["type"], fulfilment["@ondc/org/category"]) == (
            "Self-Pickup", "Takeaway",
        )  # fmt: skip
        assert fulfilment["state"]["descriptor"]["code"] == "Serviceable"
        # The catalogue's id for the location's self-pickup, on the lines and charges too.
        assert fulfilment["id"] == "2"
        assert [item["fulfillment_ids"] for item in quoted["items"]] == [["2"]]
        delivery = [line for line in quoted["quote"]["breakup"]
                    if line["@ondc/org/title_type"] == "delivery"]  # fmt: skip
        assert [(line["@ondc/org/item_id"], line["price"]["value"]) for line in delivery] == [
            ("2", "0.00")
        ]
        pickup = [{"id": "2", "type": "Self-Pickup"}]
        init = await _step(net, clock, "init", _order(quoted, fulfillments=pickup))
        assert "error" not in init, init
        assert init["message"]["order"]["fulfillments"][0]["type"] == "Self-Pickup"
        po = _order(quoted, id="PO-SP-1", quote=quoted["quote"], tags=ACCEPT,
                    fulfillments=pickup)  # fmt: skip
        confirmed = (await _step(net, clock, "confirm", po))["message"]["order"]
        assert confirmed["state"] == "Accepted", confirmed
        [start] = confirmed["fulfillments"][0]["stops"]
        # Collected where the goods are: the seller's location, as on_confirm_self_pickup.
        assert (start["type"], start["location"]["id"]) == ("start", "odopkinnaurhq")
        seller = key
        base = "/seller/v1/b2b/orders/PO-SP-1"
        before = len(net.received)
        ready = await net.client.post(f"{base}/stage", json={"stage": "Packed"}, headers=seller)
        assert (ready.status_code, ready.json()["state"]) == (200, "Accepted"), ready.text
        road = await net.client.post(
            f"{base}/stage", json={"stage": "Out-for-delivery"}, headers=seller
        )
        assert road.status_code == 409
        assert "Order-picked-up" in road.json()["detail"]
        delivered = await net.client.post(f"{base}/deliveries", json={}, headers=seller)
        assert delivered.status_code == 409
        handed = await net.client.post(
            f"{base}/stage", json={"stage": "Order-picked-up", "proof_images": [PROOF]},
            headers=seller,
        )  # fmt: skip
        assert handed.status_code == 200, handed.text
        assert (handed.json()["state"], handed.json()["fulfillment_state"]) == (
            "Completed", "Order-picked-up",
        )  # fmt: skip
        again = await net.client.post(f"{base}/stage", json={"stage": "Packed"}, headers=seller)
        assert again.status_code == 409
        await net.dispatch()
        sent = [orjson.loads(r.content) for r in net.received[before:]]
        assert [s["context"]["action"] for s in sent] == ["on_status", "on_status"]
        last = sent[-1]["message"]["order"]
        assert last["state"] == "Completed"
        [picked] = last["fulfillments"]
        assert (picked["type"], picked["state"]["descriptor"]["code"]) == (
            "Self-Pickup", "Order-picked-up",
        )  # fmt: skip
        [stop] = picked["stops"]
        assert stop["type"] == "start"
        assert stop["time"]["timestamp"] == sent[-1]["context"]["timestamp"]
        assert {"start", "end"} <= set(stop["time"]["range"])
        assert (stop["instructions"]["name"], stop["instructions"]["images"]) == (
            "Proof of pickup", [PROOF],
        )  # fmt: skip
        shown = (
            await net.client.get(f"/admin/v1/loi/letters/{created.json()['id']}", headers=ADMIN)
        ).json()
        value = round(float(quoted["quote"]["price"]["value"]) * 100)
        assert (shown["stage"], shown["delivered_paise"]) == ("delivered", value)


async def test_a_self_pickup_is_refused_30008_where_the_seller_only_delivers(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with edge(tmp_path, clock, database_url=database_url, **DOMAINS) as net:
        await _offers_pickup(net, "Delivery")
        refused = await _quote_like(net, clock, "select", _pickup_rfq(clock))
        assert refused["error"]["code"] == "30008"
        assert "Self-Pickup" in refused["error"]["message"]
        assert await net.app.state.runtime.orders.by_transaction(TXN) is None
