"""Both callback clients against real hostile peers on loopback: an ACK is read, a gzip
bomb is refused at the cap without being inflated, a dribbling or silent peer is cut off
at the deadline (to the fraction of a second), a redirect is not followed, a peer that is
not there fails as an exchange; and aiohttp's connect-time guard refuses a host name that
resolves to a loopback address."""

from __future__ import annotations

import asyncio
import math
import time
import tracemalloc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest

from adapter.outbound.answer import AnswerTooLarge, AnswerTooSlow
from adapter.outbound.client import (
    AiohttpCallbacks,
    CallbackClient,
    ExchangeFailed,
    HttpxCallbacks,
)
from adapter.outbound.destination import UnsafeDestination
from tests.e2e.processes import free_port
from tests.outbound.hostile import HostilePeer

HEADERS = {"Content-Type": "application/json", "Authorization": "Signature keyId=..."}
BODY = '{"context":{"action":"on_search"},"message":{"catalog":{"name":"शॉल ₹"}}}'.encode()


@asynccontextmanager
async def _client(kind: str, *, allow_private: bool = True) -> AsyncIterator[CallbackClient]:
    if kind == "httpx":
        async with httpx.AsyncClient() as http:
            yield HttpxCallbacks(http)
        return
    client = AiohttpCallbacks(allow_private=allow_private)
    try:
        yield client
    finally:
        await client.aclose()


CLIENTS = pytest.mark.parametrize("kind", ["aiohttp", "httpx"])


@CLIENTS
async def test_an_ack_is_read_and_the_connection_reused(kind: str) -> None:
    async with HostilePeer("ack").running() as peer, _client(kind) as client:
        for _ in range(3):
            answer = await client.post(f"{peer.url}/on_search", BODY, HEADERS, max_bytes=65536,
                                       deadline_seconds=5.0)  # fmt: skip
            assert (answer.status_code, answer.content) == (
                200,
                b'{"message":{"ack":{"status":"ACK"}}}',
            )
        assert peer.paths == ["/on_search"] * 3


@CLIENTS
async def test_a_gzip_bomb_answer_is_refused_at_the_cap(kind: str) -> None:
    bomb = HostilePeer("bomb", inflated_bytes=256 << 20)
    async with bomb.running() as peer, _client(kind) as client:
        tracemalloc.start()
        try:
            with pytest.raises(AnswerTooLarge, match="65536 bytes when inflated"):
                await client.post(peer.url, BODY, HEADERS, max_bytes=65536, deadline_seconds=10.0)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < 24 << 20, f"peak {peak >> 20} MB while reading a bomb"


@CLIENTS
async def test_a_dribbling_peer_is_cut_off_at_the_deadline(kind: str) -> None:
    async with HostilePeer("dribble").running() as peer, _client(kind) as client:
        began = time.monotonic()
        with pytest.raises(AnswerTooSlow):
            await client.post(peer.url, BODY, HEADERS, max_bytes=65536, deadline_seconds=1.5)
        assert time.monotonic() - began < 4.0


@CLIENTS
async def test_a_peer_that_never_answers_is_cut_off_at_the_deadline_before_the_read_limit(
    kind: str,
) -> None:
    # The deadline covers the wait for the answer's head too, not only its body's reads.
    async with HostilePeer("hang").running() as peer, _client(kind) as client:
        began = time.monotonic()
        with pytest.raises(AnswerTooSlow):
            await client.post(peer.url, BODY, HEADERS, max_bytes=65536, deadline_seconds=1.5)
        assert time.monotonic() - began < 3.0  # the 5 s read limit did not end it


@CLIENTS
async def test_a_deadline_of_seconds_is_kept_to_the_fraction_not_rounded_up(kind: str) -> None:
    # aiohttp rounds its timers of 5 s or more up to the next whole second of the loop's
    # clock unless told not to: a deadline ending just past a whole second shows it.
    async with HostilePeer("dribble").running() as peer, _client(kind) as client:
        loop = asyncio.get_running_loop()
        deadline = 5.05 + (math.ceil(loop.time()) - loop.time())
        began = time.monotonic()
        with pytest.raises(AnswerTooSlow):
            await client.post(peer.url, BODY, HEADERS, max_bytes=65536,
                              deadline_seconds=deadline)  # fmt: skip
        assert time.monotonic() - began < deadline + 0.5


@CLIENTS
async def test_a_redirect_is_the_answer_and_the_callback_goes_nowhere_else(kind: str) -> None:
    elsewhere = HostilePeer("ack")
    async with elsewhere.running() as inner, _client(kind) as client:

        async def redirect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(b"HTTP/1.1 307 Temporary Redirect\r\nContent-Length: 0\r\n"
                         + f"Location: {inner.url}/internal\r\n\r\n".encode())  # fmt: skip
            await writer.drain()
            writer.close()

        server = await asyncio.start_server(redirect, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        try:
            answer = await client.post(f"http://127.0.0.1:{port}/on_search", BODY, HEADERS,
                                       max_bytes=65536, deadline_seconds=5.0)  # fmt: skip
        finally:
            server.close()
            await server.wait_closed()
    assert answer.status_code == 307
    assert elsewhere.paths == []


@CLIENTS
async def test_nobody_listening_is_an_exchange_failure(kind: str) -> None:
    async with _client(kind) as client:
        with pytest.raises(ExchangeFailed):
            await client.post(f"http://127.0.0.1:{free_port()}/on_search", BODY, HEADERS,
                              max_bytes=65536, deadline_seconds=5.0)  # fmt: skip


async def test_aiohttp_refuses_a_name_resolving_to_loopback_when_it_connects() -> None:
    async with HostilePeer("ack").running() as peer, _client("aiohttp", allow_private=False) as c:
        with pytest.raises(UnsafeDestination, match="not a public address"):
            await c.post(f"http://localhost:{peer.port}/on_search", BODY, HEADERS,
                         max_bytes=65536, deadline_seconds=5.0)  # fmt: skip
        with pytest.raises(UnsafeDestination, match="not a public address"):
            await c.post(f"{peer.url}/on_search", BODY, HEADERS, max_bytes=65536,
                         deadline_seconds=5.0)  # fmt: skip
        assert peer.paths == []


async def test_aiohttp_refuses_loopback_written_in_a_non_canonical_form() -> None:
    # Refused (so the dispatcher parks the callback), not an exchange failure to retry.
    async with HostilePeer("ack").running() as peer, _client("aiohttp", allow_private=False) as c:
        for host in ("127.1", "2130706433", "0177.0.0.1"):
            with pytest.raises(UnsafeDestination, match="not a public address"):
                await c.post(f"http://{host}:{peer.port}/on_search", BODY, HEADERS,
                             max_bytes=65536, deadline_seconds=5.0)  # fmt: skip
        # A literal address is refused on every attempt, not only the first.
        for _ in range(2):
            with pytest.raises(UnsafeDestination, match="not a public address"):
                await c.post(f"http://127.0.0.1:{peer.port}/on_search", BODY, HEADERS,
                             max_bytes=65536, deadline_seconds=5.0)  # fmt: skip
        assert peer.paths == []
