"""Outbound faults against a real ``ondc-seller serve`` process: buyer apps answering with
gzip bombs, a buyer app dribbling a byte a second beside an honest one, and a SIGKILL
between the ACK and the callback."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest

import signing
from adapter.core.clock import SystemClock
from adapter.sandbox.buyer import SandboxBuyer
from tests.e2e.network import Network, network
from tests.outbound.hostile import HostilePeer, gzip_bomb

pytestmark = [pytest.mark.e2e]
ACK = {"message": {"ack": {"status": "ACK"}}}


def _peak_rss_mb(net: Network) -> float:
    """The adapter process's peak resident memory so far (VmHWM), in MB."""
    assert net.adapter.process is not None
    status = Path(f"/proc/{net.adapter.process.pid}/status").read_text()
    [line] = [line for line in status.splitlines() if line.startswith("VmHWM:")]
    return int(line.split()[1]) / 1024


def _other_buyer(net: Network, name: str, callback_url: str) -> SandboxBuyer:
    """A second buyer app on the network, whose registered callback URL is ``callback_url``."""
    buyer = SandboxBuyer(
        subscriber_id=f"{name}.loopback.example",
        unique_key_id=f"{name}-k1",
        key=signing.PrivateKey.generate(),
        registry_url=net.buyer.registry_url,
        clock=SystemClock(),
    )
    net.registry.add(buyer.registry_record(callback_url))
    return buyer


def _search(buyer: SandboxBuyer, bap_uri: str) -> dict[str, Any]:
    return {
        "context": buyer.context("search", bap_uri=bap_uri),
        "message": {"intent": {"item": {"descriptor": {"name": "शॉल"}}}},
    }


async def test_gzip_bomb_answers_to_callbacks_leave_the_adapter_small(tmp_path: Path) -> None:
    gzip_bomb(1 << 30)  # made before the clock starts: ~1 MB of gzip, 1 GB inflated
    async with network(tmp_path) as net:
        before = _peak_rss_mb(net)
        async with HostilePeer("bomb", inflated_bytes=1 << 30).running() as bomb:
            hostile = _other_buyer(net, "bomb", bomb.url)
            for _ in range(3):
                search = _search(hostile, bomb.url)
                response = await hostile.send(net.http, f"{net.adapter.url}/search", search)
                assert response.json() == ACK
            # Three bombs answered at once, then the adapter still serves an honest buyer.
            await bomb.wait_for_requests(3, 15.0)
            honest = net.search()
            assert (await net.send("search", honest)).json() == ACK
            await net.buyer.wait_for(honest["context"]["message_id"], seconds=15.0)  # type: ignore[index]
            peak = _peak_rss_mb(net)
    assert peak < 400, f"adapter peaked at {peak:.0f} MB (started at {before:.0f} MB)"


async def test_a_dribbling_buyer_app_delays_only_its_own_callbacks(tmp_path: Path) -> None:
    async with network(tmp_path) as net, HostilePeer("dribble").running() as slow:
        hostile = _other_buyer(net, "slow", slow.url)
        for _ in range(10):
            search = _search(hostile, slow.url)
            response = await hostile.send(net.http, f"{net.adapter.url}/search", search)
            assert response.json() == ACK
        await slow.wait_for_requests(1, 10.0)
        await asyncio.sleep(1.0)  # the slow buyer app's callbacks are being dribbled
        honest = [net.search() for _ in range(10)]
        sent = time.monotonic()
        for search in honest:
            assert (await net.send("search", search)).json() == ACK
        for search in honest:
            await net.buyer.wait_for(search["context"]["message_id"], seconds=10.0)  # type: ignore[index]
        took = time.monotonic() - sent
    assert took < 5.0, f"the honest buyer app's 10 callbacks took {took:.1f} s"


async def test_a_sigkill_between_ack_and_callback_loses_no_callback(tmp_path: Path) -> None:
    # All ten callbacks in flight at once (the default of 8 per buyer app would keep two
    # waiting for a slot until the first attempts time out, racing the wait below).
    async with network(tmp_path, buyer_up=False, ONDC_CALLBACKS_PER_PEER="16") as net:
        searches = [net.search() for _ in range(10)]
        # The buyer app accepts the callbacks' connections but does not answer yet, so the
        # adapter holds every job's lease when it is killed.
        async with HostilePeer("hang", port=net.buyer_server.port).running() as hang:
            acked = time.monotonic()
            for search in searches:
                assert (await net.send("search", search)).json() == ACK
            await hang.wait_for_requests(10, 10.0)
            net.adapter.kill()
        await net.buyer_server.start()
        await net.adapter.start()
        for search in searches:
            left = 30.0 - (time.monotonic() - acked)  # the requests' ttl is PT30S
            [callback] = await net.buyer.wait_for(
                search["context"]["message_id"],  # type: ignore[index]
                seconds=max(left, 0.1),
            )
            assert callback.signer == "seller.odop.example"
