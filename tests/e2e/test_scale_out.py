"""Three adapter processes on one PostgreSQL and one Redis, as behind a load balancer."""

from __future__ import annotations

import asyncio
import secrets
import signal
from pathlib import Path

import pytest

from tests.e2e.network import network
from tests.e2e.processes import spawn_cli
from tests.fixtures import REDIS_URL

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.redis]
ACK = {"message": {"ack": {"status": "ACK"}}}


def _prefix() -> str:
    """Redis keys of this test's adapters alone: the suite's Redis server outlives each test,
    and its cached registry records (the sandbox buyer's URL moves with its port) must not
    reach the next test's adapters."""
    return f"ondc-test-{secrets.token_hex(4)}:"


async def test_three_processes_deliver_every_callback_exactly_once(
    tmp_path: Path, fresh_postgres_url: str
) -> None:
    async with network(
        tmp_path,
        processes=3,
        DATABASE_URL=fresh_postgres_url,
        REDIS_URL=REDIS_URL,
        ONDC_REDIS_KEY_PREFIX=_prefix(),
    ) as net:
        searches = [net.search() for _ in range(30)]
        answers = await asyncio.gather(
            *(net.send("search", s, via=i % 3) for i, s in enumerate(searches))
        )
        assert all(a.json() == ACK for a in answers)
        # The same message sent to every process: one callback in all.
        duplicate = searches[0]
        for via in range(3):
            assert (await net.send("search", duplicate, via=via)).json() == ACK
        for search in searches:
            await net.buyer.wait_for(search["context"]["message_id"])  # type: ignore[index]
        await asyncio.sleep(2.0)
        for search in searches:
            callbacks = await net.buyer.wait_for(search["context"]["message_id"])  # type: ignore[index]
            assert len(callbacks) == 1
        assert len(net.buyer.received) == 30
        assert all(r.problem is None for r in net.buyer.received)


async def test_a_dead_process_does_not_strand_its_callbacks(
    tmp_path: Path, fresh_postgres_url: str
) -> None:
    async with network(
        tmp_path,
        processes=2,
        buyer_up=False,
        DATABASE_URL=fresh_postgres_url,
        REDIS_URL=REDIS_URL,
        ONDC_REDIS_KEY_PREFIX=_prefix(),
    ) as net:
        search = net.search()
        assert (await net.send("search", search, via=0)).json() == ACK
        await asyncio.sleep(0.5)
        net.adapters[0].kill()  # the process that took the request dies
        await net.buyer_server.start()
        [callback] = await net.buyer.wait_for(
            search["context"]["message_id"],  # type: ignore[index]
            seconds=45.0,
        )
        assert callback.signer == "seller.odop.example"


async def test_edge_and_dispatcher_in_separate_processes_deliver_the_callback(
    tmp_path: Path, fresh_postgres_url: str
) -> None:
    async with network(
        tmp_path,
        serve_args=("--no-dispatcher",),
        DATABASE_URL=fresh_postgres_url,
        REDIS_URL=REDIS_URL,
        ONDC_REDIS_KEY_PREFIX=_prefix(),
    ) as net:
        search = net.search()
        message_id = search["context"]["message_id"]  # type: ignore[index]
        assert (await net.send("search", search)).json() == ACK
        await asyncio.sleep(1.5)
        assert net.buyer.received == []  # the edge process leaves callbacks alone
        log = tmp_path / "dispatcher.log"
        dispatcher = spawn_cli(
            "serve", "--dispatcher-only", env=net.adapter.env, cwd=tmp_path, log=log
        )
        try:
            [callback] = await net.buyer.wait_for(message_id, seconds=30.0)
            assert callback.signer == "seller.odop.example"
            assert callback.problem is None
        finally:
            dispatcher.send_signal(signal.SIGTERM)
            assert dispatcher.wait(timeout=20) == 0, log.read_text()
