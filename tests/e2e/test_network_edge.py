"""The edge end to end: real processes, real HTTP, signatures checked on bytes received."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import orjson
import pytest

from tests.e2e.network import network
from tests.official_sdk import sdk_verifies

pytestmark = pytest.mark.e2e
ACK = {"message": {"ack": {"status": "ACK"}}}


async def test_search_is_acked_and_a_verified_on_search_arrives(tmp_path: Path) -> None:
    async with network(tmp_path) as net:
        search = net.search()
        response = await net.send("search", search)
        assert (response.status_code, response.json()) == (200, ACK)
        message_id = search["context"]["message_id"]  # type: ignore[index]
        [callback] = await net.buyer.wait_for(message_id)
        assert callback.action == "on_search"
        assert callback.signer == "seller.odop.example"
        assert callback.payload["context"]["bpp_id"] == "seller.odop.example"
        # ONDC's official SDK agrees, on the bytes that came over the wire.
        verdict = sdk_verifies([(callback.authorization, callback.body)], net.seller_public_key)
        assert verdict == [True]


async def test_bad_signature_gets_401_nack_and_no_callback(tmp_path: Path) -> None:
    async with network(tmp_path) as net:
        search = net.search()
        body = orjson.dumps(search)
        now = net.buyer.clock.timestamp()
        header = net.buyer.signer.sign(body, created=now, expires=now + 30)
        response = await net.http.post(
            f"{net.adapter.url}/search",
            content=body.replace("शॉल".encode(), "शाल".encode()),
            headers={"Authorization": header, "Content-Type": "application/json"},
        )
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "30016"
        expired = net.buyer.signer.sign(body, created=now - 120, expires=now - 60)
        response = await net.http.post(
            f"{net.adapter.url}/search", content=body, headers={"Authorization": expired}
        )
        assert response.status_code == 401
        assert "expired" in response.json()["error"]["message"]
        await asyncio.sleep(1.0)
        assert net.buyer.received == []


async def test_duplicate_message_id_gets_ack_and_one_callback(tmp_path: Path) -> None:
    async with network(tmp_path) as net:
        search = net.search()
        for _ in range(3):
            assert (await net.send("search", search)).json() == ACK
        message_id = search["context"]["message_id"]  # type: ignore[index]
        await net.buyer.wait_for(message_id)
        await asyncio.sleep(1.5)
        assert len(await net.buyer.wait_for(message_id)) == 1


async def test_buyer_down_then_back_gets_the_callback_within_the_ttl(tmp_path: Path) -> None:
    async with network(tmp_path, buyer_up=False) as net:
        search = net.search()
        sent_at = time.monotonic()
        assert (await net.send("search", search)).json() == ACK
        await asyncio.sleep(3.0)  # the adapter's first tries find nobody listening
        await net.buyer_server.start()
        message_id = search["context"]["message_id"]  # type: ignore[index]
        await net.buyer.wait_for(message_id, seconds=30.0)
        assert time.monotonic() - sent_at < 30.0


async def test_adapter_killed_between_ack_and_callback_still_delivers_once(
    tmp_path: Path,
) -> None:
    async with network(tmp_path, buyer_up=False) as net:
        search = net.search()
        assert (await net.send("search", search)).json() == ACK
        await asyncio.sleep(0.5)
        net.adapter.kill()
        await net.buyer_server.start()
        await net.adapter.start()  # same SQLite file: the outbox survived the kill
        message_id = search["context"]["message_id"]  # type: ignore[index]
        await net.buyer.wait_for(message_id, seconds=45.0)
        await asyncio.sleep(2.0)
        assert len(await net.buyer.wait_for(message_id)) == 1
