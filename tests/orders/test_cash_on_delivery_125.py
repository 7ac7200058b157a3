"""Cash on delivery (retail 1.2.5, the OPTIONAL Cash_On_Delivery_Flow): offered only by a
seller who takes cash, up to its limit; the seller app collects, the order is NOT-PAID until
the seller reports the cash collected with the delivery, then PAID, and the seller's
settlement shows the finder fee it owes the buyer app; the gate passes the callbacks, and a
broken copy fails each cash on delivery rule."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from adapter.core.clock import FixedClock
from adapter.sandbox.cash_messages_125 import cash_confirm_message, cash_init_message
from adapter.sandbox.conformance import check_callback
from adapter.sandbox.flowcheck_cash_125 import check_cash_on_delivery
from tests.orders.shop import Shop, cart, demo_item, shop

_ORDER = "ODOPCASH1"


async def _cash_init(
    s: Shop, *, accepts: bool, limit: str = "5000", cash_items: bool = True
) -> dict[str, Any]:
    entry, item = demo_item("Kangra", 0)  # Kangra tea
    code, domain = entry["seller"]["code"], item["domain"]
    await s.reshape(code, seller={"accepts_cash": accepts, "cash_limit": limit})
    if not cash_items:
        goods = [
            dataclasses.replace(record, available_on_cod=False)
            for record, _ in await s.runtime.catalogue.items_of(code)
        ]
        found = await s.runtime.orders.seller(code)
        assert found is not None
        await s.runtime.catalogue.upsert(*found, goods, now=s.clock.now())
    on_select = await s.call("select", cart(entry, item, 1), domain=domain)
    return await s.call("init", cash_init_message(on_select), domain=domain)


async def test_a_seller_that_takes_no_cash_is_not_asked_to(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        s.core_version = "1.2.5"
        refused = await _cash_init(s, accepts=False)
        assert refused["error"]["code"] == "40004"
        assert "message.order.payment.type ON-FULFILLMENT" in refused["error"]["message"]
        assert "does not take cash" in refused["error"]["message"]
        s.new_transaction()
        dear = await _cash_init(s, accepts=True, limit="1")
        assert dear["error"]["code"] == "40004"
        assert "up to 1.00" in dear["error"]["message"]
        s.new_transaction()
        not_on_cod = await _cash_init(s, accepts=True, cash_items=False)
        assert not_on_cod["error"]["code"] == "40004"
        assert "not available on cash on delivery: odopkangra01" in not_on_cod["error"]["message"]


async def test_a_cash_order_is_not_paid_until_the_seller_reports_the_cash_at_delivery(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        s.core_version = "1.2.5"
        on_init = await _cash_init(s, accepts=True)
        assert "error" not in on_init, on_init
        terms = on_init["message"]["order"]["payment"]
        assert (terms["type"], terms["collected_by"], terms["status"]) == (
            "ON-FULFILLMENT",
            "BPP",
            "NOT-PAID",
        )
        assert terms["@ondc/org/settlement_details"][0]["settlement_counterparty"] == "seller-app"
        domain = s.sent[-1]["context"]["domain"]

        prepaid = cash_confirm_message(on_init, _ORDER)
        prepaid["order"]["payment"]["type"] = "ON-ORDER"
        switched = await s.call("confirm", prepaid, domain=domain)
        assert switched["error"]["code"] == "40004", "on_init's type holds"

        # Pramaan's example: the buyer app gives its own account for its finder fee.
        confirm = cash_confirm_message(on_init, _ORDER)
        (account,) = confirm["order"]["payment"]["@ondc/org/settlement_details"]
        assert account["settlement_counterparty"] == "buyer-app"
        on_confirm = await s.call("confirm", confirm, domain=domain)
        paid = on_confirm["message"]["order"]["payment"]
        assert (paid["type"], paid["collected_by"], paid["status"]) == (
            "ON-FULFILLMENT",
            "BPP",
            "NOT-PAID",
        )
        assert paid["@ondc/org/settlement_details"] == [account], "confirm's, kept"
        (accepted,) = await s.timers()
        entry, _ = demo_item("Kangra", 0)
        key = await s.seller_key(entry["seller"]["code"])
        moved = await s.seller_moves(key, _ORDER, ("pack", "ship", "out_for_delivery"))
        assert {m["message"]["order"]["payment"]["status"] for m in moved} == {"NOT-PAID"}

        total = on_confirm["message"]["order"]["quote"]["price"]["value"]
        url = f"/seller/v1/orders/{_ORDER}/deliver"
        unreported = await s.net.client.post(url, headers=key)
        assert unreported.status_code == 422
        assert "cash_collected" in unreported.text
        short = await s.net.client.post(url, json={"cash_collected": "1"}, headers=key)
        assert short.status_code == 422
        assert total in short.text
        delivered = await s.net.client.post(url, json={"cash_collected": total}, headers=key)
        assert delivered.status_code == 200, delivered.text
        (on_status,) = await s.unsolicited()
        order = on_status["message"]["order"]
        assert order["fulfillments"][0]["state"]["descriptor"]["code"] == "Order-delivered"
        assert order["payment"]["status"] == "PAID"
        assert order["payment"]["time"]["timestamp"] == on_status["context"]["timestamp"]

        callbacks = [("on_init_cod", on_init), ("on_confirm_cod", on_confirm),
                     ("on_status_accepted", accepted),
                     *((f"on_status_{n}", m) for n, m in enumerate(moved)),
                     ("on_status_order_delivered_cod", on_status)]  # fmt: skip
        assert list(check_cash_on_delivery(callbacks)) == []
        assert [v for key, body in callbacks for v in check_callback(key, body)] == []
        for index, rule, breaks in _BROKEN:
            broken = copy.deepcopy(callbacks)
            breaks(broken[index][1]["message"]["order"]["payment"])
            assert rule in {v.rule for v in check_cash_on_delivery(broken)}, rule

        seen = await s.net.client.get(f"/seller/v1/orders/{_ORDER}", headers=key)
        settled = seen.json()["settlement"]
        assert settled["collected_by"] == "BPP"
        assert settled["cash_collected"] == total
        assert settled["status"] == "cash collected: finder fee due to the buyer app"
        assert settled["payable_to_buyer_app"] == settled["buyer_app_finder_fee"] != "0.00"


_BROKEN: Final[tuple[tuple[int, str, Callable[[dict[str, Any]], None]], ...]] = (
    (1, "cod_collected_by", lambda p: p.update({"collected_by": "BAP"})),
    (1, "cod_type_kept", lambda p: p.update({"type": "ON-ORDER"})),
    (3, "cod_not_paid", lambda p: p.update({"status": "PAID"})),
    (-1, "cod_paid", lambda p: p.update({"status": "NOT-PAID"})),
    (-1, "cod_paid", lambda p: p.pop("time")),
)
"""(callback index, rule, how a copy of its payment breaks the rule)."""
