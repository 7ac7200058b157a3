"""A forced cancel (retail 1.2.5, Pramaan's Force_Cancellation_Flow): a buyer app whose
order is late insists with ``force`` yes once its first ask's ``ttl_response`` has lapsed,
and the seller's order is cancelled even out for delivery; asked without force, a late order
on the road is still the seller's to refuse, and forced before the ask or its time to answer
is over, it is refused."""

from __future__ import annotations

from pathlib import Path

from adapter.core.clock import FixedClock
from adapter.sandbox.buyer_messages_125 import force_cancel_message
from tests.orders.shop import Shop, cart, confirm_message, demo_item, init_message, shop

_ORDER = "ODOPFORCE1"


async def _out_for_delivery(s: Shop) -> tuple[str, str, str]:
    entry, item = demo_item("Kangra", 1)  # a Kangra painting to Shimla: P2H2P
    domain, code = item["domain"], entry["seller"]["code"]
    on_select = await s.call("select", cart(entry, item, 1), domain=domain)
    on_init = await s.call("init", init_message(on_select), domain=domain)
    await s.call("confirm", confirm_message(on_init, _ORDER), domain=domain)
    await s.timers()
    key = await s.seller_key(code)
    legs = ("pack", "ship", "in_transit", "at_destination_hub", "out_for_delivery")
    await s.seller_moves(key, _ORDER, legs)
    return code, item["sku"], domain


async def test_a_forced_cancel_of_a_late_order_out_for_delivery_is_taken(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        s.core_version = "1.2.5"
        code, sku, domain = await _out_for_delivery(s)
        stock = await s.stock(code, sku)

        asked = await s.call("cancel", force_cancel_message(_ORDER, force=False), domain=domain)
        assert asked["error"]["code"] == "30014", "asked, not forced: not late yet"
        wrong = await s.call(
            "cancel", force_cancel_message(_ORDER, force=True, reason="053"), domain=domain
        )
        assert wrong["error"]["code"] == "30012", "force is for a late order"
        assert "052" in wrong["error"]["message"]

        early = await s.call("cancel", force_cancel_message(_ORDER, force=True), domain=domain)
        assert early["error"]["code"] == "30014", "the seller's time to answer is not over"
        assert "ttl_response" in early["error"]["message"]
        clock.advance(3600)  # the ask's ttl_response, PT1H, lapses unanswered
        forced = await s.call("cancel", force_cancel_message(_ORDER, force=True), domain=domain)
        assert "error" not in forced, forced
        order = forced["message"]["order"]
        assert order["state"] == "Cancelled"
        delivery = order["fulfillments"][0]
        assert delivery["state"]["descriptor"]["code"] == "Cancelled"
        tags = {t["code"]: {e["code"]: e["value"] for e in t["list"]} for t in delivery["tags"]}
        assert tags["precancel_state"]["fulfillment_state"] == "Out-for-delivery"
        assert tags["cancel_request"]["reason_id"] == "052"
        assert "routing" not in tags, "on_cancel names no routing (ONDC's validator refuses it)"
        assert order["cancellation"]["reason"]["id"] == "052"
        assert await s.stock(code, sku) == stock, "the painting is still with the courier"


async def test_a_1_2_0_order_on_the_road_is_not_force_cancelled(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        entry, item = demo_item("Kangra", 1)
        domain = item["domain"]
        on_select = await s.call("select", cart(entry, item, 1), domain=domain)
        on_init = await s.call("init", init_message(on_select), domain=domain)
        await s.call("confirm", confirm_message(on_init, _ORDER), domain=domain)
        await s.timers()
        key = await s.seller_key(entry["seller"]["code"])
        await s.seller_moves(key, _ORDER, ("pack", "ship"))
        refused = await s.call("cancel", force_cancel_message(_ORDER, force=True), domain=domain)
        assert refused["error"]["code"] == "30014", "1.2.0 knows no forced cancel"


async def test_a_forced_cancel_with_no_ask_before_it_is_refused(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        s.core_version = "1.2.5"
        await _out_for_delivery(s)
        domain = demo_item("Kangra", 1)[1]["domain"]
        clock.advance(7 * 24 * 3600)
        refused = await s.call("cancel", force_cancel_message(_ORDER, force=True), domain=domain)
        assert refused["error"]["code"] == "30014"
        assert "no cancel of order" in refused["error"]["message"]
        asked = force_cancel_message(_ORDER, force=False, ttl_response="PT10S")
        first = await s.call("cancel", asked, domain=domain)
        assert first["error"]["code"] == "30014", "on the road: the seller may refuse"
        clock.advance(5)
        again = force_cancel_message(_ORDER, force=False, ttl_response="PT1H")
        await s.call("cancel", again, domain=domain)
        clock.advance(6)  # the first ask's PT10S is over; the second's PT1H does not count
        forced = await s.call("cancel", force_cancel_message(_ORDER, force=True), domain=domain)
        assert forced["message"]["order"]["state"] == "Cancelled", forced
