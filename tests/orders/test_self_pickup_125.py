"""Self-pickup in retail 1.2.5 (Pramaan's Self_Pickup_Flow, mandatory for RET10): a buyer
collecting Kangra tea at the store; the order names no routing (nothing travels), passes
Pending and Packed, and is Completed, the goods out of the store then, when the seller hands
it over. The conformance gate's 1.2.5 rules pass the flow (a self-pickup answers the RET10
rules of a delivery, and its category is Takeaway), and a broken copy fails each rule 1.2.5
adds for it."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from adapter.core.clock import FixedClock
from adapter.sandbox.conformance import check, check_callback
from tests.orders.shop import cart, confirm_message, demo_item, init_message, shop


async def test_a_1_2_5_self_pickup_order_is_collected_without_routing(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        s.core_version = "1.2.5"
        entry, item = demo_item("Kangra", 0)
        code, domain = entry["seller"]["code"], item["domain"]
        await s.reshape(code, location={"fulfillment_types": ("Delivery", "Self-Pickup")})
        steps: dict[str, Any] = {}
        ask = cart(entry, item, 1)
        ask["order"]["fulfillments"] = [{"type": "Self-Pickup"}]
        answer = await s.call("select", ask, domain=domain)
        steps["select"], steps["on_select_self_pickup"] = s.sent[-1], answer
        init = init_message(answer)
        init["order"]["fulfillments"][0]["type"] = "Self-Pickup"
        answer = await s.call("init", init, domain=domain)
        steps["init_self_pickup"], steps["on_init_self_pickup"] = s.sent[-1], answer
        answer = await s.call("confirm", confirm_message(answer, "ODOPPICK1"), domain=domain)
        steps["confirm"], steps["on_confirm"] = s.sent[-1], answer
        (collection,) = answer["message"]["order"]["fulfillments"]
        assert collection["type"] == "Self-Pickup"
        assert not [t for t in collection.get("tags", []) if t["code"] == "routing"]
        (steps["on_status_accepted"],) = await s.timers()
        key = await s.seller_key(code)
        orders = "/seller/v1/orders/ODOPPICK1"
        for action, name in [("pack", "on_status_self_pick_packed"),
                             ("hand_over", "on_status_self_pick_picked")]:  # fmt: skip
            clock.advance(60)
            moved = await s.net.client.post(f"{orders}/{action}", headers=key)
            assert moved.status_code == 200, moved.text
            (steps[name],) = await s.unsolicited()
        final = steps["on_status_self_pick_picked"]["message"]["order"]
        assert final["state"] == "Completed"
        assert final["fulfillments"][0]["state"]["descriptor"]["code"] == "Order-picked-up"
        assert final["fulfillments"][0]["start"]["time"]["timestamp"]
        travel = await s.net.client.post(f"{orders}/in_transit", headers=key)
        assert travel.status_code == 409, "nothing travels"
        assert steps["on_status_accepted"]["context"]["core_version"] == "1.2.5"
        assert check("Self_Pickup_Flow", steps) == []
        for key, rule, breaks in _BROKEN:
            body = copy.deepcopy(steps[key])
            breaks(body["message"]["order"]["fulfillments"][0])
            assert rule in {v.rule for v in check_callback(key, body)}, rule


def _drop_store_gps(collection: dict[str, Any]) -> None:
    del collection["start"]["location"]["gps"]


_BROKEN: Final[tuple[tuple[str, str, Callable[[dict[str, Any]], None]], ...]] = (
    ("on_select_self_pickup", "self_pickup_category",
     lambda f: f.update({"@ondc/org/category": "Standard Delivery"})),
    ("on_select_self_pickup", "FULFILLMENTS_ONDC_ORG_CATEGORY",
     lambda f: f.update({"type": "Delivery"})),  # a delivery cannot be Takeaway
    ("on_select_self_pickup", "fulfillment_category",
     lambda f: f.pop("@ondc/org/category")),
    ("on_confirm", "FULFILLMENTS_START_LOCATION_GPS", _drop_store_gps),
    ("on_status_self_pick_picked", "self_pickup_state",
     lambda f: f.update({"state": {"descriptor": {"code": "Out-for-delivery"}}})),
)  # fmt: skip
"""(step, rule, how a copy of its fulfilment breaks the rule)."""
