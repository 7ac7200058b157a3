"""A transaction belongs to the buyer app that opened it, and a confirmed order's stock is
the order's: two signed buyer apps against the real app in process, on each store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from adapter.core.clock import FixedClock
from adapter.sandbox.flows import return_message
from tests.orders.shop import (
    BUYER_ID,
    Shop,
    cart,
    confirm_message,
    demo_item,
    init_message,
    shop,
)

# What the buyer app A's buyer gave in /init: none of it may reach another buyer app.
PERSONAL = (b"Asha Verma", b"9876543210", b"asha@example.in", b"12 Mall Road")


def _leaks_nothing(answer: dict[str, Any]) -> None:
    raw = orjson.dumps(answer)
    for secret in PERSONAL:
        assert secret not in raw, f"{secret!r} leaked in {answer}"
    assert "order" not in answer.get("message", {}), answer


async def _stock(s: Shop, code: str, sku: str) -> tuple[int, int]:
    """The item's true count and what live holds keep from other buyers."""
    held = await s.runtime.orders.held_quantity(code, sku, now=s.clock.now())
    return await s.stock(code, sku), held


async def test_another_buyer_app_can_neither_read_nor_change_a_transaction_it_did_not_open(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as a:
        entry, item = demo_item("Kinnaur")
        code, sku, domain = entry["seller"]["code"], item["sku"], item["domain"]
        before = await a.stock(code, sku)
        on_select = await a.call("select", cart(entry, item, 2), domain=domain)
        on_init = await a.call("init", init_message(on_select), domain=domain)
        assert "error" not in on_init
        b = a.other_buyer_app()

        # B knows A's transaction id and tries A's checkout before A confirms.
        for action, message in (
            ("select", cart(entry, item, 1)),
            ("init", init_message(on_select)),
        ):
            answer = await b.call(action, message, domain=domain)
            assert answer["error"]["code"] == "30000", answer
            _leaks_nothing(answer)
        refused = await b.call("confirm", confirm_message(on_init, "B-1"), domain=domain)
        assert refused["error"]["code"] == "30019"
        _leaks_nothing(refused)
        draft = await a.runtime.orders.by_transaction(a.transaction_id)
        assert draft is not None
        assert (draft.bap_id, draft.stage, draft.order_id) == (BUYER_ID, "initialized", None)
        assert draft.document["items"][0]["quantity"]["count"] == 2
        assert await _stock(a, code, sku) == (before, 2), "B's select moved A's hold"

        # A's checkout goes on untouched.
        on_confirm = await a.call("confirm", confirm_message(on_init, "ODOP-7001"), domain=domain)
        assert "error" not in on_confirm, on_confirm
        assert on_confirm["message"]["order"]["id"] == "ODOP-7001"
        assert await a.stock(code, sku) == before - 2

        # After the confirm, nothing B sends in A's transaction reads or moves A's order.
        attempts: list[tuple[str, dict[str, Any], str]] = [
            ("select", cart(entry, item, 1), "30000"),
            ("init", init_message(on_select), "30000"),
            ("confirm", confirm_message(on_init, "ODOP-7001"), "30019"),
            ("status", {"order_id": "ODOP-7001"}, "30018"),
            ("track", {"order_id": "ODOP-7001"}, "30018"),
            ("cancel", {"order_id": "ODOP-7001", "cancellation_reason_id": "003"}, "30018"),
            ("update", return_message("ODOP-7001", "R-1", sku, 1), "30018"),
            (
                "rating",
                {"ratings": [{"rating_category": "Order", "id": "ODOP-7001", "value": "1"}]},
                "30000",
            ),
            ("support", {"ref_id": a.transaction_id}, "50004"),
        ]
        for action, message, code_expected in attempts:
            answer = await b.call(action, message, domain=domain)
            assert answer.get("error", {}).get("code") == code_expected, (action, answer)
            _leaks_nothing(answer)
        order = await a.runtime.orders.by_order_id("ODOP-7001", bap_id=BUYER_ID)
        assert order is not None
        assert (order.state, order.bap_id) == ("Created", BUYER_ID)
        assert [e["event"] for e in await a.runtime.orders.events(order.pk)] == ["confirm"]
        assert await a.stock(code, sku) == before - 2

        # Support by transaction id: A gets its seller, B (above) got nothing.
        support = await a.call("support", {"ref_id": a.transaction_id}, domain=domain)
        assert support["message"]["phone"]
        status = await a.call("status", {"order_id": "ODOP-7001"}, domain=domain)
        assert status["message"]["order"]["id"] == "ODOP-7001"


async def test_a_select_after_confirm_leaves_the_order_and_a_cancel_returns_all_it_took(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        entry, item = demo_item("Chamba")
        code, sku, domain = entry["seller"]["code"], item["sku"], item["domain"]
        before = await s.stock(code, sku)
        on_select = await s.call("select", cart(entry, item, 2), domain=domain)
        on_init = await s.call("init", init_message(on_select), domain=domain)
        await s.call("confirm", confirm_message(on_init, "ODOP-7101"), domain=domain)
        assert await s.stock(code, sku) == before - 2

        # The same buyer app quotes again in the confirmed transaction: out of sequence.
        again = await s.call("select", cart(entry, item, 1), domain=domain)
        assert again["error"]["code"] == "30000", again
        assert "already confirmed" in again["error"]["message"]
        reinit = await s.call("init", init_message(on_select), domain=domain)
        assert reinit["error"]["code"] == "30000"
        order = await s.runtime.orders.by_order_id("ODOP-7101", bap_id=BUYER_ID)
        assert order is not None
        assert order.stage == "confirmed"
        assert order.document["items"][0]["quantity"]["count"] == 2

        on_cancel = await s.call(
            "cancel", {"order_id": "ODOP-7101", "cancellation_reason_id": "003"}, domain=domain
        )
        assert on_cancel["message"]["order"]["state"] == "Cancelled"
        assert await s.stock(code, sku) == before, "the cancel must return both pieces"


async def test_two_buyer_apps_with_the_same_order_id_each_reach_their_own_order(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as a:
        entry, item = demo_item("Kullu")
        code, domain = entry["seller"]["code"], item["domain"]
        b = a.other_buyer_app()
        b.new_transaction()
        for app, count in ((a, 1), (b, 2)):
            on_select = await app.call("select", cart(entry, item, count), domain=domain)
            on_init = await app.call("init", init_message(on_select), domain=domain)
            await app.call("confirm", confirm_message(on_init, "ORD-1"), domain=domain)
        # The buyer apps each see their own order.
        for app, count in ((a, 1), (b, 2)):
            status = await app.call("status", {"order_id": "ORD-1"}, domain=domain)
            assert status["message"]["order"]["items"][0]["quantity"]["count"] == count

        key = await a.seller_key(code)
        http = a.net.client
        ambiguous = await http.get("/seller/v1/orders/ORD-1", headers=key)
        assert ambiguous.status_code == 409, ambiguous.text
        assert ambiguous.json()["detail"].startswith("buyer_app:")
        moved = await http.post("/seller/v1/orders/ORD-1/accept", headers=key)
        assert moved.status_code == 409, "an ambiguous action must move no order"
        listed = await http.get("/seller/v1/orders", headers=key)
        assert sorted(o["buyer_app"] for o in listed.json()) == sorted([BUYER_ID, b.bap_id])

        theirs = await http.get(
            "/seller/v1/orders/ORD-1", params={"buyer_app": b.bap_id}, headers=key
        )
        assert theirs.status_code == 200, theirs.text
        assert theirs.json()["items"] == [{"sku": item["sku"], "quantity": 2}]
        accepted = await http.post(
            "/seller/v1/orders/ORD-1/accept", params={"buyer_app": b.bap_id}, headers=key
        )
        assert accepted.status_code == 200, accepted.text
        told = await a.unsolicited()
        assert [(str(r["context"]["bap_id"]), r["message"]["order"]["state"]) for r in told] == [
            (b.bap_id, "Accepted")
        ]
        mine = await a.runtime.orders.by_order_id("ORD-1", bap_id=BUYER_ID)
        other = await a.runtime.orders.by_order_id("ORD-1", bap_id=b.bap_id)
        assert mine is not None
        assert other is not None
        assert (mine.state, other.state) == ("Created", "Accepted")
        unknown = await http.get(
            "/seller/v1/orders/ORD-1", params={"buyer_app": "nobody.example"}, headers=key
        )
        assert unknown.status_code == 404
