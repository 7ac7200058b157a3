"""A buyer app takes an ODOP product from select to delivered, or cancels it: the real app
in process on each store, the buyer app's callbacks read as it receives them."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import pytest

from adapter.core.clock import FixedClock
from adapter.core.orders import Change, OrderRow
from adapter.sandbox.conformance import check_callback
from adapter.sandbox.flows import return_message
from tests.network.peers import context, signed
from tests.orders.shop import (
    FirstMove,
    Shop,
    Write,
    cart,
    confirm_message,
    demo_item,
    init_message,
    moved_first,
    noted,
    same_write,
    shop,
)


def _total(callback: dict[str, Any]) -> Decimal:
    quote = callback["message"]["order"]["quote"]
    lines = sum(Decimal(line["price"]["value"]) for line in quote["breakup"])
    assert lines == Decimal(quote["price"]["value"]), "the breakup must sum to the quote"
    return lines


async def _order(s: Shop, district: str, count: int, order_id: str) -> dict[str, Any]:
    entry, item = demo_item(district)
    domain = item["domain"]
    on_select = await s.call("select", cart(entry, item, count), domain=domain)
    on_init = await s.call("init", init_message(on_select), domain=domain)
    on_confirm = await s.call("confirm", confirm_message(on_init, order_id), domain=domain)
    await s.timers()
    return on_confirm


async def _delivered(s: Shop, order_id: str) -> dict[str, Any]:
    """A Kangra item ordered and delivered; the item."""
    entry, item = demo_item("Kangra")
    await _order(s, "Kangra", 1, order_id)
    key = await s.seller_key(entry["seller"]["code"])
    await s.seller_moves(key, order_id, ("pack", "ship", "out_for_delivery", "deliver"))
    return item


async def test_select_init_confirm_quote_the_same_and_take_the_stock_once(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        entry, item = demo_item("Kinnaur")
        code, domain = entry["seller"]["code"], item["domain"]
        before = await s.stock(code, item["sku"])

        on_select = await s.call("select", cart(entry, item, 2), domain=domain)
        assert "error" not in on_select
        order = on_select["message"]["order"]
        line = next(b for b in order["quote"]["breakup"] if b["@ondc/org/title_type"] == "item")
        assert line["@ondc/org/item_quantity"]["count"] == 2
        assert Decimal(line["price"]["value"]) == 2 * Decimal(item["price"])
        assert line["item"]["quantity"]["available"]["count"] == "99"
        assert order["fulfillments"][0]["state"]["descriptor"]["code"] == "Serviceable"
        quoted = _total(on_select)
        # Held, not taken: the true count is unchanged until confirm.
        assert await s.stock(code, item["sku"]) == before

        on_init = await s.call("init", init_message(on_select), domain=domain)
        assert "error" not in on_init
        assert _total(on_init) == quoted
        payment = on_init["message"]["order"]["payment"]
        assert payment["@ondc/org/buyer_app_finder_fee_amount"] == "3"
        assert payment["collected_by"] == "BAP"
        assert on_init["message"]["order"]["billing"]["name"] == "Asha Verma"

        confirm = confirm_message(on_init, "ODOP-1001")
        on_confirm = await s.call("confirm", confirm, domain=domain)
        confirmed = on_confirm["message"]["order"]
        assert confirmed["id"] == "ODOP-1001"
        assert confirmed["state"] == "Created"
        assert confirmed["fulfillments"][0]["state"]["descriptor"]["code"] == "Pending"
        # The seller accepts automatically: an on_status right after the on_confirm.
        accepted = await s.timers()
        assert [c["context"]["action"] for c in accepted] == ["on_status"]
        assert accepted[0]["message"]["order"]["state"] == "Accepted"
        assert accepted[0]["context"]["message_id"] != on_confirm["context"]["message_id"]
        assert _total(on_confirm) == quoted
        assert confirmed["quote"] == on_init["message"]["order"]["quote"]
        assert await s.stock(code, item["sku"]) == before - 2

        # The buyer app retries its confirm (same order id, new message id): same order,
        # stock taken once.
        again = await s.call("confirm", confirm, domain=domain)
        assert again["message"]["order"]["id"] == "ODOP-1001"
        assert await s.stock(code, item["sku"]) == before - 2
        rows = await s.runtime.orders.orders_of(code)
        assert [row.order_id for row in rows] == ["ODOP-1001"]


async def test_the_seller_moves_the_order_to_delivered_and_each_step_reaches_the_buyer_app(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        on_confirm = await _order(s, "Kangra", 1, "ODOP-2001")
        domain = on_confirm["context"]["domain"]
        entry, _ = demo_item("Kangra")
        key = await s.seller_key(entry["seller"]["code"])

        # Asking for the status never moves it.
        status = await s.call("status", {"order_id": "ODOP-2001"}, domain=domain)
        assert status["message"]["order"]["state"] == "Accepted"
        assert status["message"]["order"]["quote"] == on_confirm["message"]["order"]["quote"]

        steps = [
            ("pack", {}, "In-progress", "Packed"),
            (
                "ship",
                {
                    "tracking_url": "https://track.example/AWB123",
                    "invoice_url": "https://odop.example/invoice/2001.pdf",
                },
                "In-progress",
                "Order-picked-up",
            ),
            ("out_for_delivery", {}, "In-progress", "Out-for-delivery"),
            ("deliver", {}, "Completed", "Order-delivered"),
        ]
        message_ids = set()
        for action, body, state, fulfillment in steps:
            clock.advance(60)
            response = await s.net.client.post(
                f"/seller/v1/orders/ODOP-2001/{action}", json=body, headers=key
            )
            assert response.status_code == 200, response.text
            assert response.json()["state"] == state
            sent = await s.unsolicited()
            assert [c["context"]["action"] for c in sent] == ["on_status"]
            order = sent[0]["message"]["order"]
            assert order["state"] == state
            assert order["fulfillments"][0]["state"]["descriptor"]["code"] == fulfillment
            assert order["quote"] == on_confirm["message"]["order"]["quote"]
            assert sent[0]["context"]["transaction_id"] == s.transaction_id
            message_ids.add(sent[0]["context"]["message_id"])
            if action == "ship":
                assert order["documents"] == [
                    {"url": "https://odop.example/invoice/2001.pdf", "label": "Invoice"}
                ]
                assert "_internal" not in order
                track = await s.call("track", {"order_id": "ODOP-2001"}, domain=domain)
                assert track["message"]["tracking"] == {
                    "id": "1",  # the delivery fulfilment's (RET10 rule TRACKING_ID)
                    "url": "https://track.example/AWB123",
                    "status": "active",
                }
        assert len(message_ids) == len(steps), "each unsolicited callback has a fresh message id"

        # Delivered is final: the seller cannot pack it again, and is told what is allowed.
        again = await s.net.client.post("/seller/v1/orders/ODOP-2001/pack", headers=key)
        assert again.status_code == 409
        assert "Completed" in again.json()["detail"]

        detail = (await s.net.client.get("/seller/v1/orders/ODOP-2001", headers=key)).json()
        assert [e["event"] for e in detail["history"]] == [
            "confirm",
            "accept",
            "pack",
            "ship",
            "out_for_delivery",
            "deliver",
        ]
        money = detail["settlement"]
        total = Decimal(money["order_value"])
        assert Decimal(money["buyer_app_finder_fee"]) == (total * 3 / 100).quantize(Decimal("0.01"))
        assert Decimal(money["net_payout"]) < total
        assert money["expected_by"] is not None


async def test_a_buyer_cancel_returns_the_stock_and_a_second_cancel_changes_nothing(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        entry, item = demo_item("Chamba")
        code = entry["seller"]["code"]
        before = await s.stock(code, item["sku"])
        await _order(s, "Chamba", 1, "ODOP-3001")
        assert await s.stock(code, item["sku"]) == before - 1

        refused = await s.call(
            "cancel",
            {"order_id": "ODOP-3001", "cancellation_reason_id": "777"},
            domain=item["domain"],
        )
        assert refused["error"]["code"] == "30012"
        early = await s.call(
            "cancel",
            {"order_id": "ODOP-3001", "cancellation_reason_id": "006"},
            domain=item["domain"],
        )
        assert early["error"]["code"] == "30014", "006 means late delivery: not yet late"

        on_cancel = await s.call(
            "cancel",
            {"order_id": "ODOP-3001", "cancellation_reason_id": "003"},
            domain=item["domain"],
        )
        order = on_cancel["message"]["order"]
        assert order["state"] == "Cancelled"
        assert order["cancellation"]["reason"]["id"] == "003"
        assert order["fulfillments"][0]["state"]["descriptor"]["code"] == "Cancelled"
        assert await s.stock(code, item["sku"]) == before

        retried = await s.call(
            "cancel",
            {"order_id": "ODOP-3001", "cancellation_reason_id": "003"},
            domain=item["domain"],
        )
        assert retried["message"]["order"]["state"] == "Cancelled"
        assert await s.stock(code, item["sku"]) == before


async def _cancel(s: Shop, order_id: str) -> None:
    """A Chamba rumal ordered and cancelled; the cancel is answered with the cancelled
    order and the stock is back once."""
    entry, item = demo_item("Chamba")
    code = entry["seller"]["code"]
    before = await s.stock(code, item["sku"])
    await _order(s, "Chamba", 1, order_id)
    on_cancel = await s.call(
        "cancel", {"order_id": order_id, "cancellation_reason_id": "003"}, domain=item["domain"]
    )
    assert "error" not in on_cancel, on_cancel
    assert on_cancel["message"]["order"]["state"] == "Cancelled"
    assert await s.stock(code, item["sku"]) == before


def _packing(clock: FixedClock) -> FirstMove:
    """The seller packs the order."""

    async def pack(order: OrderRow, write: Write, _: dict[str, Any]) -> None:
        change = Change("In-progress", "Packed", order.document)
        await write(order, actor="seller", event="pack", change=change, now=clock.now())

    return pack


@pytest.mark.parametrize(
    "first",
    [lambda _: same_write, _packing],
    ids=["the same cancel built twice at once", "the seller packs it first"],
)
async def test_a_cancel_that_meets_its_order_moved_is_built_again_from_the_moved_order(
    tmp_path: Path,
    clock: FixedClock,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    first: Callable[[FixedClock], FirstMove],
) -> None:
    # Between the cancel's read and its write the order moves: by the same cancel's other
    # build (a job claimed again after its lease lapsed under load), or by the seller
    # packing it (a buyer may cancel a packed order). The cancel is built again from the
    # order as it now is and answers with the cancelled order, not 50001 as if the order
    # were closed.
    met = moved_first(monkeypatch, "cancel", first(clock))
    async with shop(tmp_path, clock, database_url) as s:
        await _cancel(s, "ODOP-3101")
        assert met == ["ODOP-3101"]


async def test_a_return_that_meets_another_change_is_built_again_not_refused_as_closed(
    tmp_path: Path, clock: FixedClock, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another change to the delivered order (same states, a later time) lands between the
    # return request's read and its write: the request is built again from the order as
    # it now is and the return opens, instead of "update not possible ... the order is
    # closed" (50002), which was not true.
    async with shop(tmp_path, clock, database_url) as s:
        item = await _delivered(s, "ODOP-3103")
        met = moved_first(monkeypatch, "return_requested", noted(clock))
        on_update = await s.call(
            "update", return_message("ODOP-3103", "R-1", item["sku"], 1), domain=item["domain"]
        )
        assert met == ["ODOP-3103"]
        assert "error" not in on_update, on_update
        (returned,) = [f for f in on_update["message"]["order"]["fulfillments"] if f["id"] == "R-1"]
        assert returned["type"] == "Return"


async def test_out_of_stock_comes_back_with_what_can_be_had_then_the_reselect_works(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        entry, item = demo_item("Kullu", 2)
        code = entry["seller"]["code"]
        await s.runtime.catalogue.set_stock(code, [(item["sku"], 2)], now=clock.now())
        on_select = await s.call("select", cart(entry, item, 5), domain=item["domain"])
        assert on_select["error"]["code"] == "40002"
        assert item["sku"] in on_select["error"]["message"]
        line = next(
            b
            for b in on_select["message"]["order"]["quote"]["breakup"]
            if b["@ondc/org/title_type"] == "item"
        )
        assert line["@ondc/org/item_quantity"]["count"] == 2
        assert line["item"]["quantity"]["maximum"]["count"] == "2"
        _total(on_select)

        # Another buyer app's cart finds the two held for the first.
        other = Shop(s.net, clock)
        held = await other.call("select", cart(entry, item, 1), domain=item["domain"])
        assert held["error"]["code"] == "40002"
        # When the hold expires they are free again.
        clock.advance(s.net.settings.stock_hold_seconds + 1)
        freed = await other.call("select", cart(entry, item, 1), domain=item["domain"])
        assert "error" not in freed

        s.new_transaction()
        reselect = await s.call("select", cart(entry, item, 1), domain=item["domain"])
        assert "error" not in reselect


async def test_unknown_provider_item_and_unserviceable_address_are_answered_in_the_callback(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        entry, item = demo_item("Mandi")
        message = cart(entry, item, 1)
        message["order"]["provider"]["id"] = "nobody"
        unknown = await s.call("select", message, domain=item["domain"])
        assert unknown["error"]["code"] == "30001"

        message = cart(entry, item, 1)
        message["order"]["items"][0]["id"] = "no-such-sku"
        missing = await s.call("select", message, domain=item["domain"])
        assert missing["error"]["code"] == "30004"

        message = cart(entry, item, 1)
        message["order"]["items"][0]["quantity"]["count"] = 0
        zero = await s.call("select", message, domain=item["domain"])
        assert zero["error"]["code"] == "30000"
        assert "quantity.count" in zero["error"]["message"]

        status = await s.call("status", {"order_id": "NOPE"}, domain=item["domain"])
        assert status["error"]["code"] == "30018"


async def test_a_seller_sees_and_moves_only_its_own_orders(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        await _order(s, "Kangra", 1, "ODOP-4001")
        other_key = await s.seller_key(demo_item("Una")[0]["seller"]["code"])
        assert (await s.net.client.get("/seller/v1/orders", headers=other_key)).json() == []
        peek = await s.net.client.get("/seller/v1/orders/ODOP-4001", headers=other_key)
        assert peek.status_code == 404
        move = await s.net.client.post("/seller/v1/orders/ODOP-4001/pack", headers=other_key)
        assert move.status_code == 404

        key = await s.seller_key(demo_item("Kangra")[0]["seller"]["code"])
        no_reason = await s.net.client.post("/seller/v1/orders/ODOP-4001/cancel", headers=key)
        assert no_reason.status_code == 422
        assert no_reason.json()["detail"].startswith("reason:")
        cancel = await s.net.client.post(
            "/seller/v1/orders/ODOP-4001/cancel", json={"reason": "002"}, headers=key
        )
        assert cancel.status_code == 200
        sent = await s.unsolicited()
        assert [c["context"]["action"] for c in sent] == ["on_cancel"]
        assert sent[0]["message"]["order"]["cancellation"]["cancelled_by"] == "seller.odop.example"


@pytest.mark.parametrize("auto_accept", [False])
async def test_an_order_the_seller_does_not_accept_in_time_is_cancelled(
    tmp_path: Path, clock: FixedClock, database_url: str, auto_accept: bool
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        entry, _ = demo_item("Shimla")
        code = entry["seller"]["code"]
        await s.reshape(code, seller={"auto_accept": auto_accept, "accept_minutes": 30})
        on_confirm = await _order(s, "Shimla", 1, "ODOP-5001")
        assert on_confirm["message"]["order"]["state"] == "Created"
        assert await s.timers() == [], "not accepted yet, but not late either"
        clock.advance(31 * 60)
        sent = await s.timers()
        assert [c["context"]["action"] for c in sent] == ["on_cancel"]
        assert sent[0]["message"]["order"]["cancellation"]["reason"]["id"] == "998"


async def test_the_seller_system_is_told_of_a_new_order_and_of_the_buyer_cancelling_it(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        entry, item = demo_item("Bilaspur")
        code = entry["seller"]["code"]
        await _order(s, "Bilaspur", 2, "ODOP-6001")
        await s.call(
            "cancel",
            {"order_id": "ODOP-6001", "cancellation_reason_id": "010"},
            domain=item["domain"],
        )
        log = await s.runtime.notifications.log(code)
        events = sorted((n["event"], n["order_id"]) for n in log)
        assert events == [("order.cancelled", "ODOP-6001"), ("order.created", "ODOP-6001")]
        created = next(n for n in log if n["event"] == "order.created")
        assert created["payload"]["order"]["items"][0]["quantity"]["count"] == 2


async def test_rating_is_acknowledged_and_support_names_the_seller(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        entry, item = demo_item("Sirmaur")
        await _order(s, "Sirmaur", 1, "ODOP-7001")
        domain = item["domain"]
        good = {"ratings": [{"rating_category": "Order", "id": "ODOP-7001", "value": "5"}]}
        rated = await s.call("rating", good, domain=domain)
        assert rated["message"]["rating_ack"] is True
        bad = {"ratings": [{"rating_category": "Order", "id": "ODOP-7001", "value": "9"}]}
        refused = await s.call("rating", bad, domain=domain)
        assert refused["error"]["code"] == "30015"

        support = await s.call("support", {"ref_id": "ODOP-7001"}, domain=domain)
        assert support["message"]["phone"] == entry["seller"]["phone"]
        unknown = await s.call("support", {"ref_id": "nothing"}, domain=domain)
        assert unknown["error"]["code"] == "50004"


async def test_a_seller_missing_its_time_to_ship_lets_the_buyer_cancel_as_late(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        entry, item = demo_item("Hamirpur")
        await _order(s, "Hamirpur", 1, "ODOP-8001")
        row = await s.runtime.orders.by_order_id("ODOP-8001")
        assert row is not None
        assert row.ship_by is not None
        ask = {"order_id": "ODOP-8001", "cancellation_reason_id": "006"}
        early = await s.call("cancel", ask, domain=item["domain"])
        assert early["error"]["code"] == "30014"
        clock.advance((row.ship_by - clock.now()).total_seconds() + 60)
        late = await s.call("cancel", ask, domain=item["domain"])
        assert late["message"]["order"]["state"] == "Cancelled"
        log = await s.runtime.notifications.log(entry["seller"]["code"])
        assert "order.cancelled" in {n["event"] for n in log}


async def test_a_sellers_packing_charge_is_its_own_line_and_the_quote_still_sums(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:

    async with shop(tmp_path, clock, database_url) as s:
        entry, item = demo_item("Sirmaur")
        code = entry["seller"]["code"]
        await s.reshape(code, seller={"delivery_charge": "60", "packing_charge": "15.50"})
        on_select = await s.call("select", cart(entry, item, 2), domain=item["domain"])
        lines = {
            b["@ondc/org/title_type"]: b["price"]["value"]
            for b in on_select["message"]["order"]["quote"]["breakup"]
        }
        assert lines["delivery"] == "60.00"
        assert lines["packing"] == "15.50"
        assert _total(on_select) == 2 * Decimal(item["price"]) + Decimal("75.50")


async def test_a_store_closed_for_winter_shows_disabled_and_takes_no_orders(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:

    async with shop(tmp_path, clock, database_url) as s:
        entry, item = demo_item("Lahaul and Spiti")
        code = entry["seller"]["code"]
        today = clock.now().date()
        winter = {
            "closed_from": today.isoformat(),
            "closed_until": today.replace(year=today.year + 1).isoformat(),
        }
        await s.reshape(code, location=winter)
        refused = await s.call("select", cart(entry, item, 1), domain=item["domain"])
        assert refused["error"]["code"] == "30017"
        assert "seasonal closure" in refused["error"]["message"]
        search = {"intent": {"provider": {"id": code}, "fulfillment": {"type": "Delivery"}}}
        found_search = await s.call("search", search, domain=item["domain"])
        (provider,) = found_search["message"]["catalog"]["bpp/providers"]
        assert provider["time"]["label"] == "disable"
        assert provider["locations"][0]["time"]["label"] == "disable"


async def test_closing_a_store_is_pushed_to_subscribed_buyer_apps(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    from tests.orders.shop import ADMIN

    async with shop(tmp_path, clock, database_url) as s:
        entry, item = demo_item("Kinnaur", 1)
        start = {
            "intent": {
                "tags": [{"code": "catalog_inc", "list": [{"code": "mode", "value": "start"}]}]
            }
        }
        body = {
            "context": {**context("search", s.clock, domain=item["domain"], city="*")},
            "message": start,
        }
        raw = orjson.dumps(body)
        assert (await s.net.post("search", raw, signed(raw, s.clock))).status_code == 200
        await s.net.dispatch()
        today = clock.now().date().isoformat()
        closed = {
            "seller": entry["seller"],
            "location": {**entry["location"], "closed_from": today, "closed_until": "2099-03-31"},
        }
        code = entry["seller"]["code"]
        put = await s.net.client.put(f"/admin/v1/sellers/{code}", json=closed, headers=ADMIN)
        assert put.status_code == 200, put.text
        pushed = await s.unsolicited()
        assert pushed, "the closure reached the subscribed buyer app"
        (provider,) = pushed[0]["message"]["catalog"]["bpp/providers"]
        assert provider["id"] == code
        assert provider["time"]["label"] == "disable"
        assert provider["locations"][0]["time"]["label"] == "disable"
        # An incremental catalogue is held to its own rules: a location's time range there
        # is read as timestamps, so opening hours travel as split timings.
        assert check_callback("on_search", pushed[0]) == []
        assert provider["locations"][0]["time"]["schedule"]["times"] == ["0900"]
        assert provider["locations"][0]["time"]["schedule"]["frequency"] == "PT10H"


async def test_a_closure_starting_by_the_calendar_is_pushed_once_that_day(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    from datetime import timedelta

    from adapter.catalog.closures import ClosureWatcher

    async with shop(tmp_path, clock, database_url) as s:
        entry, item = demo_item("Kinnaur", 1)
        start = {
            "intent": {
                "tags": [{"code": "catalog_inc", "list": [{"code": "mode", "value": "start"}]}]
            }
        }
        raw = orjson.dumps(
            {
                "context": context("search", s.clock, domain=item["domain"], city="*"),
                "message": start,
            }
        )
        assert (await s.net.post("search", raw, signed(raw, s.clock))).status_code == 200
        await s.net.dispatch()
        code = entry["seller"]["code"]
        tomorrow = (clock.now() + timedelta(days=1)).date().isoformat()
        await s.reshape(code, location={"closed_from": tomorrow, "closed_until": "2099-03-31"})
        runtime = s.runtime
        watcher = ClosureWatcher(runtime.catalogue, runtime.push, runtime.state, clock)
        assert await watcher.run_once() == 0, "still open today"
        clock.advance(86_400)
        assert await watcher.run_once() == 1
        assert await watcher.run_once() == 0, "once that day"
        pushed = [c for c in await s.unsolicited() if c["context"]["action"] == "on_search"]
        providers = [p for c in pushed for p in c["message"]["catalog"]["bpp/providers"]]
        assert [p["time"]["label"] for p in providers if p["id"] == code] == ["disable"]


async def test_a_buyer_collects_at_the_store_with_no_delivery_charge(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:

    async with shop(tmp_path, clock, database_url) as s:
        entry, item = demo_item("Mandi")
        code, domain = entry["seller"]["code"], item["domain"]
        ask = cart(entry, item, 1)
        ask["order"]["fulfillments"] = [{"type": "Self-Pickup"}]
        refused = await s.call("select", ask, domain=domain)
        assert refused["error"]["code"] == "30008", "this store does not offer collection yet"

        await s.reshape(
            code,
            seller={"delivery_charge": "60"},
            location={"fulfillment_types": ("Delivery", "Self-Pickup")},
        )
        search = {"intent": {"provider": {"id": code}, "fulfillment": {"type": "Delivery"}}}
        listed = await s.call("search", search, domain=domain)
        (provider,) = listed["message"]["catalog"]["bpp/providers"]
        assert [f["type"] for f in provider["fulfillments"]] == ["Delivery", "Self-Pickup"]

        s.new_transaction()
        on_select = await s.call("select", ask, domain=domain)
        assert "error" not in on_select
        (fulfillment,) = on_select["message"]["order"]["fulfillments"]
        assert fulfillment["type"] == "Self-Pickup"
        assert fulfillment["@ondc/org/category"] == "Takeaway"
        delivery = [
            b
            for b in on_select["message"]["order"]["quote"]["breakup"]
            if b["@ondc/org/title_type"] == "delivery"
        ]
        assert [b["price"]["value"] for b in delivery] == ["0.00"]
        init = init_message(on_select)
        init["order"]["fulfillments"][0]["type"] = "Self-Pickup"
        on_init = await s.call("init", init, domain=domain)
        assert on_init["message"]["order"]["fulfillments"][0]["type"] == "Self-Pickup"
        await s.call("confirm", confirm_message(on_init, "ODOP-9001"), domain=domain)
        await s.timers()
        key = await s.seller_key(code)
        orders = "/seller/v1/orders/ODOP-9001"
        assert (await s.net.client.post(f"{orders}/pack", headers=key)).status_code == 200
        shipped = await s.net.client.post(
            f"{orders}/ship", json={"invoice_url": "https://odop.example/i.pdf"}, headers=key
        )
        assert shipped.status_code == 409
        assert "hand_over" in shipped.json()["detail"]
        collected = await s.net.client.post(f"{orders}/hand_over", headers=key)
        assert collected.status_code == 200, collected.text
        assert collected.json()["state"] == "Completed"
        sent = await s.unsolicited()
        final = sent[-1]["message"]["order"]
        assert final["fulfillments"][0]["state"]["descriptor"]["code"] == "Order-picked-up"
