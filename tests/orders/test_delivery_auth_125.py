"""A delivery authorised by a code at the door (retail 1.2.5, ``on_update_delivery_auth``):
the seller sets it, the buyer app hears it in an unsolicited on_update, and the delivery is
recorded only with that code, before it expires."""

from __future__ import annotations

from pathlib import Path

from adapter.core.clock import FixedClock
from adapter.sandbox.conformance import check_callback
from tests.orders.shop import cart, confirm_message, demo_item, init_message, shop

_ORDER = "ODOPAUTH1"


async def test_a_delivery_with_a_code_is_recorded_only_with_that_code_before_it_expires(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        s.core_version = "1.2.5"
        entry, item = demo_item("Kangra", 1)  # a Kangra painting to Shimla: P2H2P
        domain = item["domain"]
        on_select = await s.call("select", cart(entry, item, 1), domain=domain)
        on_init = await s.call("init", init_message(on_select), domain=domain)
        await s.call("confirm", confirm_message(on_init, _ORDER), domain=domain)
        await s.timers()
        key = await s.seller_key(entry["seller"]["code"])
        orders = f"/seller/v1/orders/{_ORDER}"

        undelivered = await s.net.client.post(f"{orders}/delivery_auth", headers=key)
        assert undelivered.status_code == 200, undelivered.text
        first = undelivered.json()["delivery_code"]
        assert len(first) == 6
        assert first.isdigit()
        (told,) = await s.unsolicited()
        assert told["context"]["action"] == "on_update"
        assert told["message"]["update_target"] == "fulfillment"
        auth = told["message"]["order"]["fulfillments"][0]["end"]["authorization"]
        assert (auth["type"], auth["token"]) == ("OTP", first)
        assert check_callback("on_update_delivery_auth", told) == []

        await s.seller_moves(key, _ORDER, ("pack", "ship", "in_transit", "at_destination_hub"))
        await s.seller_moves(key, _ORDER, ("out_for_delivery",))
        clock.advance(24 * 3600 + 60)  # the first code, valid a day, has expired
        expired = await s.net.client.post(
            f"{orders}/deliver", json={"delivery_code": first}, headers=key
        )
        assert expired.status_code == 422
        assert "expired" in expired.json()["detail"]

        again = await s.net.client.post(
            f"{orders}/delivery_auth", json={"code": "4321", "valid_minutes": 30}, headers=key
        )
        assert again.status_code == 200, again.text
        (told,) = await s.unsolicited()
        assert told["message"]["order"]["fulfillments"][0]["end"]["authorization"]["token"] == (
            "4321"
        )
        for body in (None, {"delivery_code": first}):
            refused = await s.net.client.post(f"{orders}/deliver", json=body, headers=key)
            assert refused.status_code == 422, body
            assert "delivery_code" in refused.text
        delivered = await s.net.client.post(
            f"{orders}/deliver", json={"delivery_code": "4321"}, headers=key
        )
        assert delivered.status_code == 200, delivered.text
        (done,) = await s.unsolicited()
        fulfillment = done["message"]["order"]["fulfillments"][0]
        assert fulfillment["state"]["descriptor"]["code"] == "Order-delivered"

        late = await s.net.client.post(f"{orders}/delivery_auth", headers=key)
        assert late.status_code == 409, "delivered: nothing to authorise"
