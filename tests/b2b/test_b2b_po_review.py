"""Purchase orders outside the seller's rules wait for its decision: within the /confirm's
ttl the on_confirm carries it; a window longer than the ttl answers "Created" at once and
the decision follows as an unsolicited on_confirm; no decision gets the seller's default.
A PO confirmed twice is one order."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import func, select

from adapter.core.clock import FixedClock
from adapter.outbound.order_desk import OrderTimers
from adapter.storage.tables import orders, seller_notifications
from tests.b2b.peers import b2b_body
from tests.b2b.test_b2b_purchase_order import ACCEPT, TXN, _order, _step
from tests.b2b.test_b2b_rfq import _quote, _rfq, _seller
from tests.network.peers import Edge, edge, signed

DOMAINS = {"ONDC_DOMAINS": "ONDC:RET10,ONDC:RET12"}


async def _held_po(
    net: Edge, clock: FixedClock, *, seconds: int, default: str = "reject"
) -> tuple[dict[str, str], dict[str, Any]]:
    """A seller deciding POs above Rs 1,000 by hand, a quoted RFQ of 120 and its /init;
    the seller's key and the PO to confirm."""
    key = await _seller(net)
    terms = {
        "payment_types": ["PRE-FULFILLMENT", "POST-FULFILLMENT"],
        "po_review_above": "1000",
        "po_decision_seconds": seconds,
        "po_default": default,
    }
    put = await net.client.put("/seller/v1/b2b/terms", json=terms, headers=key)
    assert put.status_code == 200, put.text
    assert put.json()["po_review_above"] == "1000.00"
    quoted = (await _quote(net, clock, _rfq(clock, 120, transaction_id=TXN)))["message"]["order"]
    init = await _step(net, clock, "init", _order(quoted))
    assert "error" not in init, init
    return key, _order(quoted, id="PO-H1", quote=quoted["quote"], tags=ACCEPT)


async def _confirm(net: Edge, clock: FixedClock, po: dict[str, Any]) -> bytes:
    body = b2b_body("confirm", clock, {"order": po}, transaction_id=TXN)
    response = await net.post("confirm", body, signed(body, clock))
    assert response.status_code == 200, response.text
    return body


def _sent(net: Edge, before: int) -> list[dict[str, Any]]:
    return [orjson.loads(request.content) for request in net.received[before:]]


def _timers(net: Edge, clock: FixedClock) -> OrderTimers:
    """The order timers as the app runs them, held POs given their seller's default."""
    runtime = net.app.state.runtime
    return OrderTimers(runtime.orders, runtime.desk, clock, held=runtime.b2b_po.apply_default)


async def _available(net: Edge) -> int:
    items = await net.app.state.runtime.catalogue.items_of("odopkinnaur")
    [oil] = [item for item, _ in items if item.sku == "odopkinnaur01"]
    available: int = oil.available
    return available


async def test_a_po_above_the_limit_waits_and_the_sellers_accept_answers_within_the_ttl(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock, **DOMAINS) as net:
        key, po = await _held_po(net, clock, seconds=10)
        body = await _confirm(net, clock, po)
        before = len(net.received)
        assert await net.dispatch() == 1
        assert _sent(net, before) == []  # the answer waits for the decision
        assert await _available(net) == 1000 - 120  # its stock is taken meanwhile
        shown = await net.client.get("/seller/v1/b2b/orders/PO-H1", headers=key)
        assert shown.json()["state"] == "Created"
        database = net.app.state.runtime.store.database
        async with database.engine.connect() as connection:
            told = (
                await connection.execute(
                    select(seller_notifications.c.payload).where(
                        seller_notifications.c.order_id == "PO-H1"
                    )
                )
            ).scalar_one()
        assert "above the seller's automatic acceptance limit" in told["po_review"]["reason"]

        clock.advance(3)
        accepted = await net.client.post("/seller/v1/b2b/orders/PO-H1/accept", headers=key)
        assert accepted.status_code == 200, accepted.text
        again = await net.client.post("/seller/v1/b2b/orders/PO-H1/accept", headers=key)
        assert again.status_code == 409
        assert await net.dispatch() == 1  # made due at once, not at the window's end
        [answer] = _sent(net, before)
        assert answer["context"]["action"] == "on_confirm"
        assert answer["context"]["message_id"] == orjson.loads(body)["context"]["message_id"]
        assert answer["message"]["order"]["state"] == "Accepted"
        assert "error" not in answer


async def test_no_decision_within_the_window_gets_the_default_rejection_30019(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock, **DOMAINS) as net:
        _, po = await _held_po(net, clock, seconds=10, default="reject")
        await _confirm(net, clock, po)
        before = len(net.received)
        assert await net.dispatch() == 1
        assert _sent(net, before) == []
        timers = _timers(net, clock)
        assert await timers.run_once() == 0  # the window is still open
        clock.advance(11)
        assert await timers.run_once() == 1
        assert await _available(net) == 1000  # the stock is back
        assert await net.dispatch() == 1
        [answer] = _sent(net, before)
        assert answer["message"]["order"]["state"] == "Cancelled"
        assert answer["error"]["code"] == "30019"
        assert "no decision within the seller's window" in answer["error"]["message"]


async def test_a_window_longer_than_the_ttl_answers_created_then_an_unsolicited_decision(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock, **DOMAINS) as net:
        key, po = await _held_po(net, clock, seconds=7200)
        body = await _confirm(net, clock, po)
        before = len(net.received)
        assert await net.dispatch() == 1
        [created] = _sent(net, before)
        assert created["context"]["message_id"] == orjson.loads(body)["context"]["message_id"]
        assert created["message"]["order"]["state"] == "Created"

        clock.advance(3600)
        refused = await net.client.post(
            "/seller/v1/b2b/orders/PO-H1/reject", json={"reason": ""}, headers=key
        )
        assert refused.status_code == 422
        assert "reason" in refused.text
        rejected = await net.client.post(
            "/seller/v1/b2b/orders/PO-H1/reject",
            json={"reason": "credit limit for this buyer reached"},
            headers=key,
        )
        assert rejected.status_code == 200, rejected.text
        assert await net.dispatch() == 1
        [decision] = _sent(net, before + 1)
        assert str(net.received[-1].url).endswith("/on_confirm")
        assert decision["context"]["message_id"] != created["context"]["message_id"]
        assert decision["context"]["transaction_id"] == TXN
        assert decision["message"]["order"]["state"] == "Cancelled"
        assert decision["error"] == {
            "type": "DOMAIN-ERROR",
            "code": "30019",
            "message": "purchase order rejected: credit limit for this buyer reached",
        }
        assert await _available(net) == 1000
        # The timers leave a decided PO alone, and a retried PO hears the decision.
        timers = _timers(net, clock)
        clock.advance(7200)
        assert await timers.run_once() == 0
        retried = await _step(net, clock, "confirm", po)
        assert retried["error"]["code"] == "30019"


async def test_a_po_confirmed_twice_at_once_is_one_order_taking_its_stock_once(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with edge(tmp_path, clock, database_url=database_url, **DOMAINS) as net:
        key = await _seller(net)
        quoted = (await _quote(net, clock, _rfq(clock, 120, transaction_id=TXN)))["message"][
            "order"
        ]
        await _step(net, clock, "init", _order(quoted))
        po = _order(quoted, id="PO-T1", quote=quoted["quote"], tags=ACCEPT)
        # Two /confirm of one PO (fresh message ids), answered in the same dispatcher round.
        await _confirm(net, clock, po)
        await _confirm(net, clock, po)
        before = len(net.received)
        assert await net.dispatch() == 2
        answers = _sent(net, before)
        assert [a["message"]["order"]["state"] for a in answers] == ["Accepted", "Accepted"]
        assert answers[0]["message"]["order"] == answers[1]["message"]["order"]
        # And once more later, through another round.
        await asyncio.sleep(0)
        again = await _step(net, clock, "confirm", po)
        assert again["message"]["order"] == answers[0]["message"]["order"]
        database = net.app.state.runtime.store.database
        async with database.engine.connect() as connection:
            count = (
                await connection.execute(
                    select(func.count()).select_from(orders).where(orders.c.order_id == "PO-T1")
                )
            ).scalar_one()
        assert count == 1
        assert await _available(net) == 1000 - 120
        shown = await net.client.get("/seller/v1/b2b/orders/PO-T1", headers=key)
        assert shown.json()["state"] == "Accepted"
