"""A held PO's decision reaches the buyer app even when its solicited /on_confirm could not
be delivered: the decision is sent again unsolicited (fresh message id, same transaction)
once the buyer app is back. SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import httpx
import orjson

from adapter.core.clock import FixedClock
from adapter.storage.tables import outbox
from tests.b2b.test_b2b_po_review import DOMAINS, _confirm, _held_po, _sent
from tests.network.peers import Edge, edge


def _buyer_down(net: Edge) -> list[httpx.Request]:
    """The buyer app answers 503 to everything; the requests it refused."""
    refused: list[httpx.Request] = []

    def down(request: httpx.Request) -> httpx.Response:
        refused.append(request)
        return httpx.Response(503, text="down for maintenance")

    net.router.route(host="buyer.example").mock(side_effect=down)
    return refused


def _buyer_up(net: Edge) -> None:
    def up(request: httpx.Request) -> httpx.Response:
        net.received.append(request)
        return httpx.Response(200, json={"message": {"ack": {"status": "ACK"}}})

    net.router.route(host="buyer.example").mock(side_effect=up)


async def _statuses(net: Edge) -> list[tuple[str, str, str]]:
    database = net.app.state.runtime.store.database
    async with database.engine.connect() as connection:
        rows = await connection.execute(
            outbox.select().where(outbox.c.action == "on_confirm").order_by(outbox.c.id)
        )
        return [(row.kind, row.status, row.action) for row in rows]


async def test_a_decision_whose_solicited_on_confirm_failed_is_resent_unsolicited(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with edge(tmp_path, clock, database_url=database_url, **DOMAINS) as net:
        key, po = await _held_po(net, clock, seconds=10)
        body = await _confirm(net, clock, po)
        refused = _buyer_down(net)
        assert await net.dispatch() == 1  # deferred: the answer waits for the decision
        clock.advance(3)
        accepted = await net.client.post("/seller/v1/b2b/orders/PO-H1/accept", headers=key)
        assert accepted.status_code == 200, accepted.text
        # The decision's solicited answer meets a buyer app that is down, until the ttl ends.
        for _ in range(40):
            await net.dispatch()
            clock.advance(1)
        assert refused, "the solicited on_confirm was tried"
        tried = orjson.loads(refused[0].content)
        assert tried["message"]["order"]["state"] == "Accepted"
        assert ("solicited", "failed", "on_confirm") in [
            (kind if kind == "unsolicited" else "solicited", status, action)
            for kind, status, action in await _statuses(net)
        ]
        # Back up: the decision, queued again unsolicited when the answer was parked,
        # arrives at its next retry, once.
        _buyer_up(net)
        before = len(net.received)
        for _ in range(30):
            clock.advance(60)
            await net.dispatch()
        [resent] = _sent(net, before)
        assert str(net.received[-1].url).endswith("/on_confirm")
        assert resent["message"]["order"]["state"] == "Accepted"
        assert resent["context"]["message_id"] != orjson.loads(body)["context"]["message_id"]
        assert (
            resent["context"]["transaction_id"] == orjson.loads(body)["context"]["transaction_id"]
        )
        statuses = await _statuses(net)
        assert [s for s in statuses if s[0] == "unsolicited"] == [
            ("unsolicited", "delivered", "on_confirm")
        ]


async def test_a_decision_taken_after_the_solicited_answer_was_parked_goes_unsolicited(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock, **DOMAINS) as net:
        key, po = await _held_po(net, clock, seconds=20, default="reject")
        await _confirm(net, clock, po)
        _buyer_down(net)
        assert await net.dispatch() == 1  # deferred until the window closes
        # An operator gives up on the solicited answer before the decision (parked).
        database = net.app.state.runtime.store.database
        async with database.transaction() as connection:
            await connection.execute(
                outbox.update()
                .where(outbox.c.action == "on_confirm")
                .values(status="failed", next_attempt_at=clock.now())
            )
        _buyer_up(net)
        before = len(net.received)
        clock.advance(2)
        rejected = await net.client.post(
            "/seller/v1/b2b/orders/PO-H1/reject",
            json={"reason": "this buyer's credit limit is reached"},
            headers=key,
        )
        assert rejected.status_code == 200, rejected.text
        assert await net.dispatch() == 1
        [decision] = _sent(net, before)
        assert decision["message"]["order"]["state"] == "Cancelled"
        assert decision["error"]["code"] == "30019"
        assert "credit limit" in decision["error"]["message"]


async def test_a_resend_lost_with_the_process_after_the_park_is_queued_at_the_next_start(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with edge(tmp_path, clock, database_url=database_url, **DOMAINS) as net:
        key, po = await _held_po(net, clock, seconds=10)
        await _confirm(net, clock, po)
        _buyer_down(net)
        assert await net.dispatch() == 1  # deferred: the answer waits for the decision
        clock.advance(3)
        accepted = await net.client.post("/seller/v1/b2b/orders/PO-H1/accept", headers=key)
        assert accepted.status_code == 200, accepted.text
        # The answer is parked and the process dies before the resend is queued: the
        # dispatcher's hook for parked jobs never runs.
        net.app.state.dispatcher._settler._on_failed = None
        for _ in range(40):
            await net.dispatch()
            clock.advance(1)
        kinds = [(kind, status) for kind, status, _ in await _statuses(net)]
        assert "failed" in {status for kind, status in kinds if kind != "unsolicited"}
        assert "unsolicited" not in {kind for kind, _ in kinds}
    # The next start queues the decision and sends it; a start after that, nothing more.
    sent: list[int] = []
    for _ in range(2):
        async with edge(tmp_path, clock, database_url=database_url, **DOMAINS) as net:
            clock.advance(60)
            await net.dispatch()
            sent.append(len(net.received))
            if len(sent) == 1:
                [resent] = _sent(net, 0)
                assert resent["message"]["order"]["state"] == "Accepted"
                assert str(net.received[0].url).endswith("/on_confirm")
            statuses = await _statuses(net)
    assert sent == [1, 0]
    assert [s for s in statuses if s[0] == "unsolicited"] == [
        ("unsolicited", "delivered", "on_confirm")
    ]
