"""Buyer instructions and a new delivery address (retail 1.2.5, Pramaan's
Buyer_Instructions_And_Delivery_Update_Flow, mandatory for RET12): taken on the order's
delivery and shown in on_update as sent, the address only before pick-up and only where
the seller delivers."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from adapter.core.clock import FixedClock
from adapter.sandbox.buyer_messages_125 import INSTRUCTIONS, NEW_ADDRESS, delivery_update_message
from tests.orders.shop import cart, confirm_message, demo_item, init_message, shop

_ORDER = "ODOPADDR1"


async def test_instructions_and_a_new_address_are_taken_before_pick_up_only(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        s.core_version = "1.2.5"
        entry, item = demo_item("Kullu")  # a Kullu shawl (RET12) to Shimla
        domain, code = item["domain"], entry["seller"]["code"]
        on_select = await s.call("select", cart(entry, item, 1), domain=domain)
        on_init = await s.call("init", init_message(on_select), domain=domain)
        on_confirm = await s.call("confirm", confirm_message(on_init, _ORDER), domain=domain)
        await s.timers()
        window = on_confirm["message"]["order"]["fulfillments"][0]["end"]["time"]

        told = await s.call("update", delivery_update_message(_ORDER, INSTRUCTIONS), domain=domain)
        assert told["message"]["update_target"] == "fulfillment"
        end = told["message"]["order"]["fulfillments"][0]["end"]
        assert end["instructions"] == INSTRUCTIONS["instructions"]
        assert end["time"] == window, "what the buyer did not send stays"

        moved = await s.call("update", delivery_update_message(_ORDER, NEW_ADDRESS), domain=domain)
        end = moved["message"]["order"]["fulfillments"][0]["end"]
        assert end["location"] == NEW_ADDRESS["location"]
        assert end["instructions"] == INSTRUCTIONS["instructions"], "instructions kept"
        assert moved["message"]["order"]["state"] == "Accepted"

        # Where the seller does not deliver: refused as at select.
        found = await s.runtime.orders.seller(code)
        assert found is not None
        await s.reshape(code, location={"serviceability": "11", "pincodes": ("171001",)})
        far = delivery_update_message(_ORDER, NEW_ADDRESS)
        refused = await s.call("update", far, domain=domain)
        assert refused["error"]["code"] == "30009"
        await s.reshape(code, location=dataclasses.asdict(found[1]))

        key = await s.seller_key(code)
        await s.seller_moves(key, _ORDER, ("pack", "ship"))
        late = await s.call("update", delivery_update_message(_ORDER, NEW_ADDRESS), domain=domain)
        assert late["error"]["code"] == "50002"
        assert "end.location" in late["error"]["message"]
        still = await s.call("update", delivery_update_message(_ORDER, INSTRUCTIONS), domain=domain)
        assert "error" not in still, "instructions until delivery"

        wrong = delivery_update_message(_ORDER, INSTRUCTIONS)
        wrong["order"]["fulfillments"][0]["id"] = "9"
        refused = await s.call("update", wrong, domain=domain)
        assert refused["error"]["code"] == "30000"


async def test_a_1_2_0_order_does_not_take_a_fulfillment_update(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        entry, item = demo_item("Kullu")
        domain = item["domain"]
        on_select = await s.call("select", cart(entry, item, 1), domain=domain)
        on_init = await s.call("init", init_message(on_select), domain=domain)
        await s.call("confirm", confirm_message(on_init, _ORDER), domain=domain)
        refused = await s.call(
            "update", delivery_update_message(_ORDER, INSTRUCTIONS), domain=domain
        )
        assert refused["error"]["code"] == "50002"
