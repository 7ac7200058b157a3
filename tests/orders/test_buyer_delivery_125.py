"""Buyer-app delivery in retail 1.2.5 (Pramaan's Buyer_Delivery_Flow, WORKBENCH and MANDATORY
in RET10): the Kangra store lets buyer apps' own couriers collect its packed tea. The cart
asking for a ``Buyer-Delivery`` is quoted with the package (from the catalogue items) and no
delivery charge; the seller packs and says the goods are ready to ship; the buyer app reports
its courier's pick-up (with the package it measured) and delivery by ``/update``. Checked on
SQLite and PostgreSQL; the conformance gate passes the flow and a broken copy fails each rule
it adds for it."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

import orjson
import pytest
from pydantic import ValidationError

from adapter.catalog.rows import ItemRow, LocationRow
from adapter.core.clock import FixedClock
from adapter.sandbox.conformance import check, check_callback
from adapter.sandbox.flows_buyer_delivery_125 import MEASURED, buyer_update_message
from adapter.storage.catalog import item_record
from adapter.storage.scope import Scope
from catalog_sync.records import Package
from tests.orders.shop import Shop, cart, confirm_message, demo_item, init_message, shop

_FLOW: Final = "Buyer_Delivery_Flow"
_ORDER: Final = "ODOPBUYERDEL1"


def _tags(fulfillment: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        t["code"]: {e["code"]: e["value"] for e in t.get("list", [])}
        for t in fulfillment.get("tags", [])
    }


async def _confirmed(
    s: Shop, steps: dict[str, Any], kind: str = "Buyer-Delivery"
) -> tuple[str, dict[str, str]]:
    """A Kangra tea carried by the buyer app (or as ``kind`` says), confirmed and accepted:
    (domain, seller key)."""
    s.core_version = "1.2.5"
    entry, item = demo_item("Kangra", 0)
    domain = item["domain"]
    await s.reshape(entry["seller"]["code"], seller={"delivery_charge": "60"})
    ask = cart(entry, item, 2)
    ask["order"]["fulfillments"][0]["type"] = kind
    steps["on_select_buyer_delivery"] = await s.call("select", ask, domain=domain)
    steps["select"] = s.sent[-1]
    init = init_message(steps["on_select_buyer_delivery"])
    init["order"]["fulfillments"][0]["type"] = kind
    steps["on_init_buyer_delivery"] = await s.call("init", init, domain=domain)
    steps["init_buyer_delivery"] = s.sent[-1]
    steps["on_confirm"] = await s.call(
        "confirm", confirm_message(steps["on_init_buyer_delivery"], _ORDER), domain=domain
    )
    steps["confirm"] = s.sent[-1]
    (steps["on_status_accepted"],) = await s.timers()
    return domain, await s.seller_key(entry["seller"]["code"])


def _in_order(steps: dict[str, Any]) -> dict[str, Any]:
    order = ["select", "on_select_buyer_delivery", "init_buyer_delivery",
             "on_init_buyer_delivery", "confirm", "on_confirm", "on_status_accepted",
             "on_status_packed", "on_status_ready_to_ship", "update_picked_up",
             "on_update_picked_up", "update_delivered", "on_update_delivered"]  # fmt: skip
    return {key: steps[key] for key in order if key in steps}


async def test_the_buyer_apps_courier_carries_the_order_from_ready_to_ship_to_delivered(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        steps: dict[str, Any] = {}
        domain, key = await _confirmed(s, steps)
        offered = steps["on_select_buyer_delivery"]["message"]["order"]
        (carried,) = offered["fulfillments"]
        assert (carried["type"], carried["tracking"]) == ("Buyer-Delivery", False)
        # Two packs of tea of 0.55 kg, 20 x 12 x 8 cm each (the catalogue's package):
        # the weights added, the heights stacked.
        assert _tags(carried) == {
            "weight": {"unit": "kilogram", "value": "1.1"},
            "length": {"unit": "centimeter", "value": "20"},
            "breadth": {"unit": "centimeter", "value": "12"},
            "height": {"unit": "centimeter", "value": "16"},
        }
        charges = [
            (line["@ondc/org/item_id"], line["price"]["value"])
            for line in offered["quote"]["breakup"]
            if line["@ondc/org/title_type"] == "delivery"
        ]
        # The seller charges no delivery it does not make (the seller's own is 60).
        assert charges == [(carried["id"], "0.00")]
        items = sum(
            Decimal(line["price"]["value"])
            for line in offered["quote"]["breakup"]
            if line["@ondc/org/title_type"] == "item"
        )
        assert Decimal(offered["quote"]["price"]["value"]) == items
        confirmed = steps["on_confirm"]["message"]["order"]
        assert confirmed["quote"] == steps["on_init_buyer_delivery"]["message"]["order"]["quote"]
        (delivery,) = confirmed["fulfillments"]
        assert delivery["type"] == "Buyer-Delivery"
        assert "routing" not in _tags(delivery), "the seller ships nothing: no route"
        assert "weight" not in _tags(delivery), "the package is on_select's only"

        # The seller cannot ship what the buyer app's courier carries.
        refused = await s.net.client.post(
            f"/seller/v1/orders/{_ORDER}/ship",
            json={"invoice_url": "https://odop.example/i.pdf"},
            headers=key,
        )
        assert refused.status_code == 409
        assert "ready_to_ship" in refused.text
        refused = await s.net.client.post(f"/seller/v1/orders/{_ORDER}/ready_to_ship", headers=key)
        assert refused.status_code == 409, "not packed yet"
        steps["on_status_packed"], steps["on_status_ready_to_ship"] = await s.seller_moves(
            key, _ORDER, ("pack", "ready_to_ship")
        )
        ready = steps["on_status_ready_to_ship"]["message"]["order"]["fulfillments"][0]
        assert ready["state"]["descriptor"]["code"] == "Packed"
        assert _tags(ready)["state"] == {"ready_to_ship": "yes"}

        picked = buyer_update_message(_ORDER, delivery["id"], "Order-picked-up", clock.now(),
                                      measured=MEASURED)  # fmt: skip
        steps["on_update_picked_up"] = await s.call("update", picked, domain=domain)
        steps["update_picked_up"] = s.sent[-1]
        shown = steps["on_update_picked_up"]["message"]["order"]
        assert shown["fulfillments"][0]["state"]["descriptor"]["code"] == "Order-picked-up"
        assert shown["fulfillments"][0]["agent"]["name"] == "Ramesh Kumar"
        assert _tags(shown["fulfillments"][0])["bnp_diff_weight"]["value"] == "0.6"
        seen = await s.net.client.get(f"/seller/v1/orders/{_ORDER}", headers=key)
        assert seen.status_code == 200, seen.text
        carrier = seen.json()["delivery"]
        assert carrier["carried_by"] == "buyer_app"
        # Quoted 1.1 kg and 16 cm high; the courier weighed one pack at 0.6 kg, 8.5 cm high.
        assert carrier["difference"] == {"weight_kg": "-0.5", "length_cm": "0",
                                         "breadth_cm": "0", "height_cm": "-7.5"}  # fmt: skip

        code = confirmed["provider"]["id"]
        told = [n for n in await s.runtime.notifications.log(code)
                if n["event"] == "order.buyer_app_delivery"]  # fmt: skip
        assert len(told) == 1, "the seller is told of the pick-up"
        assert told[0]["payload"]["delivery"]["measured"]["weight_kg"] == "0.6"

        again = await s.call("update", picked, domain=domain)  # a resend: nothing moves
        assert "error" not in again
        assert again["message"]["order"]["fulfillments"] == shown["fulfillments"]

        delivered = buyer_update_message(_ORDER, delivery["id"], "Order-delivered", clock.now())
        steps["on_update_delivered"] = await s.call("update", delivered, domain=domain)
        steps["update_delivered"] = s.sent[-1]
        final = steps["on_update_delivered"]["message"]["order"]
        assert final["state"] == "Completed"
        assert final["fulfillments"][0]["state"]["descriptor"]["code"] == "Order-delivered"
        assert final["quote"] == confirmed["quote"]
        kept = _tags(final["fulfillments"][0])
        assert kept["bnp_diff_height"] == {"unit": "centimeter", "value": "8.5"}, "as measured"
        assert kept["update_fulfillment_time"]["state"] == "Order-delivered"
        seen = await s.net.client.get(f"/seller/v1/orders/{_ORDER}", headers=key)
        settled = seen.json()["settlement"]
        assert settled["delivery_charges"] == "0.00"
        assert settled["status"] == "due", "the buyer app's delivery starts the window"
        late = await s.call("update", picked, domain=domain)
        assert late["error"]["code"] == "50008", "delivered: nothing moves it back"

        steps = _in_order(steps)
        assert check(_FLOW, steps) == []
        for step, rule, breaks in _BROKEN:
            broken = copy.deepcopy(steps)
            breaks(broken[step])
            found = {v.rule for v in check(_FLOW, broken)}
            found |= {v.rule for v in check_callback(step, broken[step])}
            assert rule in found, rule


async def test_updates_out_of_turn_or_from_another_buyer_app_are_refused(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        steps: dict[str, Any] = {}
        domain, key = await _confirmed(s, steps)
        fid = steps["on_confirm"]["message"]["order"]["fulfillments"][0]["id"]
        picked = buyer_update_message(_ORDER, fid, "Order-picked-up", clock.now())
        early = await s.call("update", picked, domain=domain)
        assert early["error"]["code"] == "50002", "not ready to ship yet"
        await s.seller_moves(key, _ORDER, ("pack",))
        early = await s.call("update", picked, domain=domain)
        assert early["error"]["code"] == "50002", "packed, but not said ready"
        await s.seller_moves(key, _ORDER, ("ready_to_ship",))
        delivered = buyer_update_message(_ORDER, fid, "Order-delivered", clock.now())
        skipped = await s.call("update", delivered, domain=domain)
        assert skipped["error"]["code"] == "50002", "delivered before picked up"
        elsewhere = buyer_update_message(_ORDER, "F9", "Order-picked-up", clock.now())
        wrong = await s.call("update", elsewhere, domain=domain)
        assert wrong["error"]["code"] == "50007"
        odd = buyer_update_message(_ORDER, fid, "In-transit", clock.now())
        bad = await s.call("update", odd, domain=domain)
        assert bad["error"]["code"] == "30000"
        assert "update_state" in bad["error"]["message"]
        other = s.other_buyer_app()
        other.core_version = "1.2.5"
        stranger = await other.call("update", picked, domain=domain)
        assert stranger["error"]["code"] == "30018", "not that buyer app's order"
        order = await s.runtime.orders.by_order_id(_ORDER, bap_id=s.bap_id)
        assert order is not None
        assert order.fulfillment_state == "Packed"
        ok = await s.call("update", picked, domain=domain)
        assert "error" not in ok
        before = clock.now() - timedelta(hours=1)
        backdated = buyer_update_message(_ORDER, fid, "Order-delivered", before)
        refused = await s.call("update", backdated, domain=domain)
        assert refused["error"]["code"] == "30000", "delivered before it was picked up"
        future = buyer_update_message(_ORDER, fid, "Order-delivered", clock.now() + timedelta(1))
        refused = await s.call("update", future, domain=domain)
        assert refused["error"]["code"] == "30000", "a delivery time in the future"


async def test_a_store_without_buyer_delivery_or_an_item_without_a_package_is_not_offered_it(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        s.core_version = "1.2.5"
        entry, item = demo_item("Kangra", 0)
        code, domain = entry["seller"]["code"], item["domain"]
        ask = _typed(entry, item)
        await s.reshape(code, location={"fulfillment_types": ("Delivery", "Self-Pickup")})
        answer = await s.call("select", ask, domain=domain)
        assert answer["error"]["code"] == "30008"
        s.new_transaction()
        entry, item = demo_item("Kinnaur", 0)  # Kinnauri shawls: no package in the catalogue
        await s.reshape(
            entry["seller"]["code"], location={"fulfillment_types": ("Buyer-Delivery",)}
        )
        answer = await s.call("select", _typed(entry, item), domain=item["domain"])
        assert answer["error"]["code"] == "30008"
        assert item["sku"] in answer["error"]["message"]
        s.new_transaction()
        s.core_version = "1.2.0"
        entry, item = demo_item("Kangra", 0)
        await s.reshape(code, location={"fulfillment_types": ("Delivery", "Buyer-Delivery")})
        answer = await s.call("select", _typed(entry, item), domain=domain)
        assert answer["error"]["code"] == "30008", "served in retail 1.2.5 only"


def _typed(entry: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    ask = cart(entry, item, 1)
    ask["order"]["fulfillments"][0]["type"] = "Buyer-Delivery"
    return ask


def _order(body: dict[str, Any]) -> dict[str, Any]:
    order: dict[str, Any] = body["message"]["order"]
    return order


def _drop_weight(body: dict[str, Any]) -> None:
    fulfillment = _order(body)["fulfillments"][0]
    fulfillment["tags"] = [t for t in fulfillment["tags"] if t["code"] != "weight"]


def _charge_delivery(body: dict[str, Any]) -> None:
    for line in _order(body)["quote"]["breakup"]:
        if line["@ondc/org/title_type"] == "delivery":
            line["price"]["value"] = "60.00"


def _as_delivery(body: dict[str, Any]) -> None:
    _order(body)["fulfillments"][0]["type"] = "Delivery"


def _not_ready(body: dict[str, Any]) -> None:
    _order(body)["fulfillments"][0]["tags"] = []


def _report_transit(body: dict[str, Any]) -> None:
    tags = _order(body)["fulfillments"][0]["tags"]
    tags[0]["list"][0]["value"] = "In-transit"


def _still_packed(body: dict[str, Any]) -> None:
    _order(body)["fulfillments"][0]["state"]["descriptor"]["code"] = "Packed"


_BROKEN: Final[list[tuple[str, str, Callable[[dict[str, Any]], None]]]] = [
    ("on_select_buyer_delivery", "buyer_delivery_package", _drop_weight),
    ("on_init_buyer_delivery", "buyer_delivery_no_charge", _charge_delivery),
    ("on_confirm", "buyer_delivery_kept", _as_delivery),
    ("on_status_ready_to_ship", "ready_before_pickup", _not_ready),
    ("update_picked_up", "update_state_values", _report_transit),
    ("on_update_delivered", "buyer_update_answered", _still_packed),
]
"""(step, the rule its breaking must trip, how to break it)."""


def test_the_catalogue_keeps_each_items_package_and_a_store_needs_another_way_besides() -> None:
    entry, item = demo_item("Kangra", 0)
    record = ItemRow.model_validate(item).record()
    assert record.package == Package(weight_kg="0.55", length_cm="20", breadth_cm="12",
                                     height_cm="8")  # fmt: skip
    stored = {
        k: str(v) if isinstance(v, Decimal) else v for k, v in dataclasses.asdict(record).items()
    }
    assert item_record(orjson.loads(orjson.dumps(stored))) == record
    with pytest.raises(ValidationError, match="Buyer-Delivery goes with"):
        LocationRow.model_validate(entry["location"] | {"fulfillment_types": ["Buyer-Delivery"]})
    store = LocationRow.model_validate(entry["location"])
    assert "Buyer-Delivery" in store.fulfillment_types


async def test_goods_ready_for_the_buyer_apps_courier_are_not_late_for_the_seller(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        steps: dict[str, Any] = {}
        domain, key = await _confirmed(s, steps)
        await s.seller_moves(key, _ORDER, ("pack", "ready_to_ship"))
        clock.advance(60 * 60 * 60)  # past the time to ship (P2D), within the TAT (P3D)
        late = {"order_id": _ORDER, "cancellation_reason_id": "052"}
        answer = await s.call("cancel", late, domain=domain)
        assert answer["error"]["code"] == "30014", "the courier is late, not the seller"
        order = await s.runtime.orders.by_order_id(_ORDER, bap_id=s.bap_id)
        assert order is not None
        assert order.state == "In-progress"


async def test_the_dashboard_counts_goods_ready_for_the_buyer_apps_courier_as_not_late(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    """Sellers missing their time to ship: packed is not enough (the buyer app's courier
    was not told), said ready is the seller's part done."""
    async with shop(tmp_path, clock, database_url) as s:
        steps: dict[str, Any] = {}
        _, key = await _confirmed(s, steps)
        since = clock.now()
        await s.seller_moves(key, _ORDER, ("pack",))
        clock.advance(60 * 60 * 60)  # past the time to ship (P2D)
        year = Scope(since - timedelta(days=365), since + timedelta(days=365))
        (late,) = await s.runtime.reports.late_to_ship(year, now=clock.now())
        assert (late["seller_code"], late["late_orders"]) == ("odopkangra", 1)

        await s.seller_moves(key, _ORDER, ("ready_to_ship",))
        assert await s.runtime.reports.late_to_ship(year, now=clock.now()) == []
        order = await s.runtime.orders.by_order_id(_ORDER, bap_id=s.bap_id)
        assert order is not None
        assert (order.state, order.fulfillment_state) == ("In-progress", "Packed")
        assert order.ship_by is not None
        assert order.ship_by < clock.now()


async def test_the_sellers_own_delivery_neither_waits_for_a_courier_nor_takes_its_reports(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        steps: dict[str, Any] = {}
        domain, key = await _confirmed(s, steps, kind="Delivery")
        await s.seller_moves(key, _ORDER, ("pack",))
        ready = await s.net.client.post(f"/seller/v1/orders/{_ORDER}/ready_to_ship", headers=key)
        assert ready.status_code == 409, "the seller's own courier needs no ready_to_ship"
        fid = steps["on_confirm"]["message"]["order"]["fulfillments"][0]["id"]
        picked = buyer_update_message(_ORDER, fid, "Order-picked-up", clock.now())
        answer = await s.call("update", picked, domain=domain)
        assert answer["error"]["code"] == "50002", "the buyer app does not carry it"
