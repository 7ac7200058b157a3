"""A B2B buyer app's /track, /rating and /support of its purchase order, answered in the
B2B 2.0.2 shapes as retail answers them: the tracking link the seller gave with a delivery
stage (40005 before), ratings of 1 to 5 kept for the order's own parts (30015 otherwise),
the seller's phone and e-mail (50004 for no order of the buyer app). SQLite and
PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

import schemas
import schemas.b2b
from adapter.core.clock import FixedClock
from tests.b2b.peers import b2b_body
from tests.b2b.test_b2b_purchase_order import ACCEPT, TXN, _order, _quote_like, _step
from tests.b2b.test_b2b_rfq import OIL, _entry, _quote, _rfq, _seller
from tests.network.peers import Edge, edge

DOMAINS = {"ONDC_DOMAINS": "ONDC:RET10,ONDC:RET12"}
TRACK = "https://track.odop.example/PO-T1?lang=हिंदी"


async def _ordered(net: Edge, clock: FixedClock) -> dict[str, str]:
    seller = await _seller(net)
    quoted = (await _quote(net, clock, _rfq(clock, 120, transaction_id=TXN)))["message"]["order"]
    await _step(net, clock, "init", _order(quoted))
    po = await _step(net, clock, "confirm",
                     _order(quoted, id="PO-T1", quote=quoted["quote"], tags=ACCEPT))  # fmt: skip
    assert po["message"]["order"]["state"] == "Accepted", po
    return seller


async def _ask(net: Edge, clock: FixedClock, action: str, message: dict[str, Any],
               **context: Any) -> dict[str, Any]:  # fmt: skip
    body = b2b_body(action, clock, message, **{"transaction_id": TXN, **context})
    answer = await _quote_like(net, clock, action, body)
    # The callback is the contract's own shape: it parses as the B2B model and round-trips.
    model = schemas.b2b.B2B_PAYLOAD_MODELS[answer["context"]["action"]]
    assert orjson.loads(schemas.dump(schemas.parse(model, orjson.dumps(answer)))) == answer
    return answer


async def test_track_answers_the_stage_link_and_40005_before_the_seller_gave_one(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with edge(tmp_path, clock, database_url=database_url, **DOMAINS) as net:
        seller = await _ordered(net, clock)
        early = await _ask(net, clock, "track", {"order_id": "PO-T1"})
        assert early["error"]["code"] == "40005", early
        assert "message" not in early
        unknown = await _ask(net, clock, "track", {"order_id": "PO-NONE"})
        assert unknown["error"]["code"] == "30018"
        base = "/seller/v1/b2b/orders/PO-T1/stage"
        packed = {"stage": "Packed", "tracking_url": TRACK}
        assert (await net.client.post(base, json=packed, headers=seller)).status_code == 200
        assert await net.dispatch() == 1  # the unsolicited on_status of the stage
        waiting = await _ask(net, clock, "track", {"order_id": "PO-T1"})
        tracking = waiting["message"]["tracking"]
        assert tracking["url"].startswith("https://track.odop.example/PO-T1")
        assert tracking["status"] == "inactive"
        picked = {"stage": "Order-picked-up"}
        assert (await net.client.post(base, json=picked, headers=seller)).status_code == 200
        assert await net.dispatch() == 1
        moving = (await _ask(net, clock, "track", {"order_id": "PO-T1"}))["message"]["tracking"]
        assert (moving["status"], moving["url"]) == ("active", tracking["url"])
        assert moving["id"] == "1"
        bad = await net.client.post(base, json={"stage": "Packed", "tracking_url": "no"},
                                    headers=seller)  # fmt: skip
        assert bad.status_code == 422
        assert "tracking_url" in bad.text


async def test_rating_keeps_the_orders_own_parts_and_refuses_out_of_range(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with edge(tmp_path, clock, database_url=database_url, **DOMAINS) as net:
        await _ordered(net, clock)
        out = {"ratings": [{"rating_category": "Item", "id": OIL, "value": "6"}]}
        refused = await _ask(net, clock, "rating", out)
        assert refused["error"]["code"] == "30015"
        assert "message.ratings[0].value" in refused["error"]["message"]
        orders = net.app.state.runtime.orders
        assert await orders.rating_tallies(["odopkinnaur"]) == {}
        given = {"ratings": [
            {"rating_category": "Item", "id": OIL, "value": "4"},
            {"rating_category": "Provider", "id": "odopkinnaur", "value": "5"},
            {"rating_category": "Item", "id": "someone-elses-item", "value": "1"},
        ]}  # fmt: skip
        rated = await _ask(net, clock, "rating", given)
        assert rated["message"]["rating_ack"] is True
        assert "error" not in rated
        tallies = await orders.rating_tallies(["odopkinnaur"])
        kept = {(category, subject): tally.average
                for (_, category, subject), tally in tallies.items()}  # fmt: skip
        assert kept == {("Item", OIL): "4", ("Provider", "odopkinnaur"): "5"}


async def test_support_gives_the_sellers_contact_for_the_buyer_apps_order_only(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with edge(tmp_path, clock, database_url=database_url, **DOMAINS) as net:
        await _ordered(net, clock)
        seller = _entry("Kinnaur")["seller"]
        helped = await _ask(net, clock, "support", {"support": {"ref_id": "PO-T1"}})
        assert helped["message"]["support"] == {
            "ref_id": "PO-T1", "phone": seller["phone"], "email": seller["email"],
        }  # fmt: skip
        by_transaction = await _ask(net, clock, "support", {"support": {"ref_id": TXN}})
        assert by_transaction["message"]["support"]["phone"] == seller["phone"]
        unknown = await _ask(net, clock, "support", {"support": {"ref_id": "PO-NONE"}})
        assert unknown["error"]["code"] == "50004"
        assert "message" not in unknown
        blank = await _ask(net, clock, "support", {})
        assert blank["error"]["code"] == "50004"
