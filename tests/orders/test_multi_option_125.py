"""Multi-option fulfilment in retail 1.2.5 (Pramaan's Multi_Option_Fulfillment_Flow,
WORKBENCH and MANDATORY in RET10): a cart of Kangra tea that names no fulfilment type is
offered the delivery (quoted) and the pick-up at the Kangra store (its own TAT, no charge of
its own); the buyer app chooses one by id in its init. The conformance gate passes the flow,
and a broken copy fails each rule it adds for it."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from adapter.core.clock import FixedClock
from adapter.core.orders import parse_duration
from adapter.sandbox.conformance import check, check_callback
from tests.orders.shop import Shop, cart, confirm_message, demo_item, init_message, shop

_FLOW: Final = "Multi_Option_Fulfillment_Flow"


async def _offered(s: Shop) -> tuple[dict[str, Any], dict[str, Any], str, dict[str, Any]]:
    """The Kangra store offering delivery and pick-up, and its on_select for a cart of one
    Kangra tea naming no fulfilment type: (item, select, domain, on_select)."""
    s.core_version = "1.2.5"
    entry, item = demo_item("Kangra", 0)
    code, domain = entry["seller"]["code"], item["domain"]
    await s.reshape(
        code,
        seller={"delivery_charge": "60"},
        location={"fulfillment_types": ("Delivery", "Self-Pickup")},
    )
    on_select = await s.call("select", cart(entry, item, 1), domain=domain)
    return item, s.sent[-1], domain, on_select


def _charges(order: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [
        (line["@ondc/org/item_id"], line["@ondc/org/title_type"], line["price"]["value"])
        for line in order["quote"]["breakup"]
        if line["@ondc/org/title_type"] != "item"
    ]


async def test_a_cart_naming_no_type_is_offered_the_pickup_and_the_init_chooses_it(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        item, select, domain, answer = await _offered(s)
        steps: dict[str, Any] = {"select": select, "on_select_multi_fulfillment": answer}
        offered = answer["message"]["order"]
        delivery, pickup = offered["fulfillments"]
        assert (delivery["id"], delivery["type"]) == ("1", "Delivery")
        assert (pickup["id"], pickup["type"], pickup["@ondc/org/category"]) == (
            "2", "Self-Pickup", "Takeaway",
        )  # fmt: skip
        ready = parse_duration(item["time_to_ship"])
        # Its own TAT: ready to ship, then a day at the counter (ONDC's validator refuses a
        # fulfilment whose TAT equals the items' time_to_ship).
        assert parse_duration(pickup["@ondc/org/TAT"]) == ready + timedelta(days=1)
        (line,) = offered["items"]
        assert (line["fulfillment_id"], line["fulfillment_ids"]) == ("1", ["1", "2"])
        assert _charges(offered) == [("1", "delivery", "60.00")], "no line for the pick-up"

        init = init_message(answer)
        init["order"]["items"][0]["fulfillment_id"] = "2"
        init["order"]["fulfillments"][0] |= {"id": "2", "type": "Self-Pickup"}
        answer = await s.call("init", init, domain=domain)
        steps["init_multi_fulfillment"], steps["on_init_multi_fulfillment"] = s.sent[-1], answer
        assert "error" not in answer, answer
        order = answer["message"]["order"]
        (chosen,) = order["fulfillments"]
        assert (chosen["id"], chosen["type"]) == ("2", "Self-Pickup")
        assert chosen["@ondc/org/TAT"] == pickup["@ondc/org/TAT"]
        assert [i["fulfillment_id"] for i in order["items"]] == ["2"]
        assert _charges(order) == [("2", "delivery", "0.00")], "collected: no delivery charge"
        quoted = Decimal(offered["quote"]["price"]["value"])
        assert Decimal(order["quote"]["price"]["value"]) == quoted - Decimal(60)

        again = await s.call("init", init, domain=domain)
        assert again["message"]["order"]["fulfillments"] == order["fulfillments"]
        assert again["message"]["order"]["quote"] == order["quote"], "an init again: the same"

        answer = await s.call("confirm", confirm_message(answer, "ODOPMULTI1"), domain=domain)
        steps["confirm_multi_fulfillment"], steps["on_confirm"] = s.sent[-1], answer
        (collection,) = answer["message"]["order"]["fulfillments"]
        assert (collection["id"], collection["@ondc/org/TAT"]) == ("2", pickup["@ondc/org/TAT"])
        (steps["on_status_accepted"],) = await s.timers()
        key = await s.seller_key(answer["message"]["order"]["provider"]["id"])
        for action, name in [("pack", "on_status_self_pick_packed"),
                             ("hand_over", "on_status_self_pick_picked")]:  # fmt: skip
            clock.advance(60)
            moved = await s.net.client.post(f"/seller/v1/orders/ODOPMULTI1/{action}", headers=key)
            assert moved.status_code == 200, moved.text
            (steps[name],) = await s.unsolicited()
        final = steps["on_status_self_pick_picked"]["message"]["order"]
        assert final["state"] == "Completed"
        assert final["fulfillments"][0]["id"] == "2"
        assert final["fulfillments"][0]["state"]["descriptor"]["code"] == "Order-picked-up"

        assert check(_FLOW, steps) == []
        for step, rule, breaks in _BROKEN:
            broken = copy.deepcopy(steps)
            breaks(broken[step]["message"]["order"])
            found = {v.rule for v in check(_FLOW, broken)}
            found |= {v.rule for v in check_callback(step, broken[step])}
            assert rule in found, rule


async def test_choosing_the_quoted_delivery_keeps_on_selects_quote(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        _item, select, domain, on_select = await _offered(s)
        on_init = await s.call("init", init_message(on_select), domain=domain)
        steps = {
            "select": select,
            "on_select_multi_fulfillment": on_select,
            "init_multi_fulfillment": s.sent[-1],
            "on_init_multi_fulfillment": on_init,
        }
        order = on_init["message"]["order"]
        assert [(f["id"], f["type"]) for f in order["fulfillments"]] == [("1", "Delivery")]
        assert order["quote"]["price"] == on_select["message"]["order"]["quote"]["price"]
        assert _charges(order) == _charges(on_select["message"]["order"])
        assert check(_FLOW, steps) == []
        broken = copy.deepcopy(steps)
        broken["on_init_multi_fulfillment"]["message"]["order"]["quote"]["breakup"].pop()
        assert "option_quote_kept" in {v.rule for v in check(_FLOW, broken)}


async def test_an_init_choosing_an_option_on_select_did_not_offer_is_refused_naming_it(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        _item, _select, domain, on_select = await _offered(s)
        unknown = init_message(on_select)
        unknown["order"]["fulfillments"][0]["id"] = "7"
        refused = await s.call("init", unknown, domain=domain)
        assert refused["error"]["code"] == "30000"
        assert "message.order.fulfillments[0].id '7'" in refused["error"]["message"]
        mistyped = init_message(on_select)
        mistyped["order"]["fulfillments"][0] |= {"id": "2", "type": "Delivery"}
        refused = await s.call("init", mistyped, domain=domain)
        assert refused["error"]["code"] == "30000"
        assert "fulfillments[0].type 'Delivery'" in refused["error"]["message"]
        assert "Self-Pickup" in refused["error"]["message"]


async def test_a_1_2_0_cart_is_offered_the_delivery_only(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        entry, item = demo_item("Kangra", 0)
        await s.reshape(
            entry["seller"]["code"], location={"fulfillment_types": ("Delivery", "Self-Pickup")}
        )
        on_select = await s.call("select", cart(entry, item, 1), domain=item["domain"])
        order = on_select["message"]["order"]
        assert [f["type"] for f in order["fulfillments"]] == ["Delivery"]
        assert "fulfillment_ids" not in order["items"][0]


def _extra_charge(order: dict[str, Any]) -> None:
    order["quote"]["breakup"].append(
        {
            "@ondc/org/item_id": "2",
            "title": "Delivery charges",
            "@ondc/org/title_type": "delivery",
            "price": {"currency": "INR", "value": "0.00"},
        }
    )


_BROKEN: Final[tuple[tuple[str, str, Callable[[dict[str, Any]], None]], ...]] = (
    ("on_select_multi_fulfillment", "item_fulfillment_options",
     lambda o: o["items"][0].update({"fulfillment_ids": ["1", "9"]})),
    ("on_select_multi_fulfillment", "charge_fulfillment_named", _extra_charge),
    ("on_init_multi_fulfillment", "option_offered",
     lambda o: o["fulfillments"][0].update({"id": "3"})),
    ("on_init_multi_fulfillment", "option_offered",
     lambda o: o["fulfillments"][0].update({"type": "Delivery"})),
    ("on_confirm", "option_tat_kept",
     lambda o: o["fulfillments"][0].update({"@ondc/org/TAT": "PT1H"})),
)  # fmt: skip
"""(step, rule, how a copy of its order breaks the rule)."""
