"""Replacement (retail 1.2.5, Pramaan's Replacement_Flow, mandatory for RET10 and RET16): a
delivered Kangra painting comes back through reverse QC and another is sent in its place on a
second delivery, moved by the seller API to delivered; nobody is refunded."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

from adapter.core.clock import FixedClock
from adapter.sandbox.conformance import check
from adapter.sandbox.flows import return_message
from tests.orders.shop import Shop, cart, confirm_message, demo_item, init_message, shop

_ORDER = "ODOPRPL1"


_P2H2P_LEGS: Final = ("pack", "agent_assigned", "ship", "in_transit", "at_destination_hub",
                      "out_for_delivery", "deliver")  # fmt: skip


async def _delivered(
    s: Shop,
    key: dict[str, str],
    steps: dict[str, Any],
    *,
    district: str = "Kangra",
    index: int = 1,  # a Kangra painting, shipped to Shimla: P2H2P
    legs: tuple[str, ...] = _P2H2P_LEGS,
) -> dict[str, Any]:
    entry, item = demo_item(district, index)
    domain = item["domain"]
    for action, message in [
        ("select", lambda: cart(entry, item, 1)),
        ("init", lambda: init_message(steps["on_select"])),
        ("confirm", lambda: confirm_message(steps["on_init"], _ORDER)),
    ]:
        answer = await s.call(action, message(), domain=domain)
        steps[action], steps[f"on_{action}"] = s.sent[-1], answer
    (steps["on_status_pending"],) = await s.timers()  # accepted at once
    for action, told in zip(legs, await s.seller_moves(key, _ORDER, legs), strict=True):
        steps[f"on_status_{action}"] = told
    return item


def _fulfilment(callback: dict[str, Any], fulfilment_id: str) -> dict[str, Any]:
    (found,) = [f for f in callback["message"]["order"]["fulfillments"] if f["id"] == fulfilment_id]
    return found


def _code(fulfilment: dict[str, Any]) -> str:
    return str(fulfilment["state"]["descriptor"]["code"])


async def test_a_replacement_goes_back_through_reverse_qc_and_a_second_delivery_arrives(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        s.core_version = "1.2.5"
        entry, _ = demo_item("Kangra", 1)
        code = entry["seller"]["code"]
        key = await s.seller_key(code)
        steps: dict[str, Any] = {}
        item = await _delivered(s, key, steps)
        sku, domain = item["sku"], item["domain"]
        stock = await s.stock(code, sku)
        paid = steps["on_confirm"]["message"]["order"]["quote"]

        answer = await s.call(
            "update", return_message(_ORDER, "R-1", sku, 1, replace=True), domain=domain
        )
        steps["update_reverse_qc_rep"], steps["on_update_interim_reverseQc"] = s.sent[-1], answer
        back = _fulfilment(steps["on_update_interim_reverseQc"], "R-1")
        assert _code(back) == "Return_Initiated"
        asked = {e["code"]: e["value"] for e in back["tags"][0]["list"]}
        assert asked["replace"] == "yes", "1.2.5 echoes the buyer's replace"

        returns = f"/seller/v1/orders/{_ORDER}/returns/R-1"
        early = await s.net.client.post(f"{returns}/replacement/pack", headers=key)
        assert early.status_code == 404, "nothing to replace before the pick-up"
        assert "return_id" in early.json()["detail"]

        for action, name in [("approve", "on_update_return_approved"),
                             ("pick", "on_update_return_picked_rep")]:  # fmt: skip
            clock.advance(60)
            moved = await s.net.client.post(f"{returns}/{action}", headers=key)
            assert moved.status_code == 200, moved.text
            (steps[name],) = await s.unsolicited()
        picked = steps["on_update_return_picked_rep"]
        assert picked["context"]["action"] == "on_update"
        order = picked["message"]["order"]
        assert order["state"] == "Completed"
        assert order["quote"] == paid, "a replacement refunds nothing"
        back = _fulfilment(picked, "R-1")
        assert _code(back) == "Return_Picked"
        assert not [t for t in back["tags"] if t["code"] == "quote_trail"]
        (request,) = [t for t in back["tags"] if t["code"] == "replace_request"]
        new_id = request["list"][0]["value"]
        sent = _fulfilment(picked, new_id)
        first = order["fulfillments"][0]
        assert sent["type"] == "Delivery"
        assert _code(sent) == "Pending"
        assert sent["@ondc/org/TAT"] == first["@ondc/org/TAT"]
        assert sent["end"]["location"] == first["end"]["location"], "to the order's address"
        assert sent["start"]["location"]["gps"] == first["start"]["location"]["gps"]
        assert [t for t in sent["tags"] if t["code"] == "routing"] == [
            t for t in first["tags"] if t["code"] == "routing"
        ]
        assert {"id": sku, "fulfillment_id": new_id}.items() <= next(
            i for i in order["items"] if i["fulfillment_id"] == new_id
        ).items()

        clock.advance(60)
        arrived = await s.net.client.post(f"{returns}/deliver", headers=key)
        assert arrived.status_code == 200, arrived.text
        (steps["on_update_return_delivered_rep"],) = await s.unsolicited()

        # A P2P leg is refused for this P2H2P order, naming what is allowed.
        clock.advance(60)
        assert (await s.net.client.post(f"{returns}/replacement/pack", headers=key)).is_success
        (steps["on_status_packed_rep"],) = await s.unsolicited()
        wrong = await s.net.client.post(f"{returns}/replacement/at_pickup", headers=key)
        assert wrong.status_code == 409
        assert "agent_assigned" in wrong.json()["detail"]
        for action, state in [("ship", "Order-picked-up"), ("in_transit", "In-transit"),
                              ("at_destination_hub", "At-destination-hub"),
                              ("out_for_delivery", "Out-for-delivery"),
                              ("deliver", "Order-delivered")]:  # fmt: skip
            clock.advance(60)
            moved = await s.net.client.post(f"{returns}/replacement/{action}", headers=key)
            assert moved.status_code == 200, (action, moved.text)
            (told,) = await s.unsolicited()
            steps[f"on_status_{action}_rep"] = told
            assert told["context"]["action"] == "on_status"
            assert told["message"]["order"]["state"] == "Completed"
            assert _code(_fulfilment(told, new_id)) == state
            assert _code(_fulfilment(told, "1")) == "Order-delivered", "the first stays"
        delivered = _fulfilment(steps["on_status_deliver_rep"], new_id)
        assert (
            delivered["end"]["time"]["timestamp"]
            == (steps["on_status_deliver_rep"]["context"]["timestamp"])
        )
        again = await s.net.client.post(f"{returns}/replacement/deliver", headers=key)
        assert again.status_code == 409
        assert await s.stock(code, sku) == stock, "the piece back takes the sent one's place"

        problems = check("Replacement_Flow", steps)
        assert not problems, "\n".join(f"{p.rule} {p.key} {p.path}: {p.message}" for p in problems)


async def test_a_return_without_replace_is_refunded_and_a_bad_replace_value_is_refused(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        s.core_version = "1.2.5"
        entry, _ = demo_item("Kangra", 1)
        key = await s.seller_key(entry["seller"]["code"])
        item = await _delivered(s, key, {})
        sku, domain = item["sku"], item["domain"]
        bad = return_message(_ORDER, "R-2", sku, 1)
        bad["order"]["fulfillments"][0]["tags"][0]["list"].append(
            {"code": "replace", "value": "maybe"}
        )
        refused = await s.call("update", bad, domain=domain)
        assert refused["error"]["code"] == "30005"
        assert "replace" in refused["error"]["message"]

        await s.call("update", return_message(_ORDER, "R-3", sku, 1, replace=False), domain=domain)
        returns = f"/seller/v1/orders/{_ORDER}/returns/R-3"
        for action in ("approve", "pick"):
            clock.advance(60)
            assert (await s.net.client.post(f"{returns}/{action}", headers=key)).is_success
            (picked,) = await s.unsolicited()
        back = _fulfilment(picked, "R-3")
        assert [t for t in back["tags"] if t["code"] == "quote_trail"], "refunded"
        assert not [t for t in back["tags"] if t["code"] == "replace_request"]
        none = await s.net.client.post(f"{returns}/replacement/pack", headers=key)
        assert none.status_code == 404


async def test_a_same_city_replacement_travels_p2p_picked_up_then_delivered(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        s.core_version = "1.2.5"
        entry, item = demo_item("Shimla", 0)  # Shimla to Shimla: P2P
        key = await s.seller_key(entry["seller"]["code"])
        legs = ("pack", "agent_assigned", "ship", "at_delivery", "deliver")
        await _delivered(s, key, {}, district="Shimla", index=0, legs=legs)
        await s.call(
            "update",
            return_message(_ORDER, "R-4", item["sku"], 1, replace=True),
            domain=item["domain"],
        )
        returns = f"/seller/v1/orders/{_ORDER}/returns/R-4"
        for action in ("approve", "pick"):
            clock.advance(60)
            assert (await s.net.client.post(f"{returns}/{action}", headers=key)).is_success
            (picked,) = await s.unsolicited()
        sent = _fulfilment(picked, "R-4-RP")
        assert [t["list"] for t in sent["tags"] if t["code"] == "routing"] == [
            [{"code": "type", "value": "P2P"}]
        ]
        for action in ("pack", "ship"):
            clock.advance(60)
            moved = await s.net.client.post(f"{returns}/replacement/{action}", headers=key)
            assert moved.status_code == 200, (action, moved.text)
            await s.unsolicited()
        hub = await s.net.client.post(f"{returns}/replacement/out_for_delivery", headers=key)
        assert hub.status_code == 409, "a hyperlocal courier is never out for delivery"
        assert "deliver" in hub.json()["detail"]
        clock.advance(60)
        done = await s.net.client.post(f"{returns}/replacement/deliver", headers=key)
        assert done.status_code == 200, done.text
        (told,) = await s.unsolicited()
        assert _code(_fulfilment(told, "R-4-RP")) == "Order-delivered"
