"""Requests sent too slowly are cut off (``adapter/network/slow_clients.py``): a real
``ondc-seller serve`` process closes a connection that sends nothing, or a request head or
body a few bytes at a time, within its deadline, and records nothing of such a request;
a client that sends at an honest pace, or idles between requests under the keep-alive, is
served as before."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from starlette.applications import Starlette

from adapter.network.slow_clients import RequestLimits
from adapter.sandbox.servers import LoopbackServer
from adapter.storage import Database
from adapter.storage.tables import messages
from tests.e2e.network import AdapterProcess
from tests.e2e.processes import free_port
from tests.fixtures import migrated_sqlite, settings_values, subprocess_env

pytestmark = pytest.mark.e2e

HEAD_SECONDS = 1
RATE = 2000  # bytes a second
SEARCH = b'{"context":{"action":"search","ttl":"PT30S"},"message":{"intent":{}}}'


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[tuple[int, str]]:
    """A real ``serve`` process with short deadlines: its port and database URL."""
    port = free_port()
    database_url = migrated_sqlite(tmp_path / "adapter.db")
    values = settings_values(
        database_url,
        ONDC_SUBSCRIBER_URL=f"http://127.0.0.1:{port}/ondc",
        ONDC_HTTP_REQUEST_HEAD_SECONDS=str(HEAD_SECONDS),
        ONDC_HTTP_BODY_MIN_BYTES_PER_SECOND=str(RATE),
    )
    adapter = AdapterProcess(subprocess_env(values), port, tmp_path, ("--no-dispatcher",))
    await adapter.start()
    try:
        yield port, database_url
    finally:
        adapter.stop()


def _head(port: int, length: int) -> bytes:
    return (
        b"POST /ondc/search HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
        b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % (port, length)
    )


async def _closed_after(reader: asyncio.StreamReader, started: float) -> float:
    """Seconds from ``started`` until the server closed the connection (it sends nothing)."""
    assert await asyncio.wait_for(reader.read(), 10) == b""
    return time.monotonic() - started


async def _answer(reader: asyncio.StreamReader) -> str:
    """The status of the answer to the request just sent, its body read."""
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
    status, *lines = head.decode("latin-1").split("\r\n")
    length = next(int(v) for n, _, v in (line.partition(":") for line in lines)
                  if n.lower() == "content-length")  # fmt: skip
    await reader.readexactly(length)
    return status.split(" ")[1]


async def _recorded(database_url: str) -> int:
    database = Database.connect(database_url)
    async with database.engine.connect() as connection:
        count = (await connection.execute(select(func.count()).select_from(messages))).scalar()
    await database.dispose()
    return int(count or 0)


async def test_a_connection_that_sends_nothing_is_closed(served: tuple[int, str]) -> None:
    port, _ = served
    started = time.monotonic()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    assert HEAD_SECONDS <= await _closed_after(reader, started) < HEAD_SECONDS * 3
    writer.close()


async def test_a_trickled_head_or_body_is_cut_off_and_nothing_recorded(
    served: tuple[int, str],
) -> None:
    port, database_url = served
    # The head a few bytes at a time: it never ends within its second.
    started = time.monotonic()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = _head(port, len(SEARCH))
    for at in range(0, len(head), 4):
        writer.write(head[at : at + 4])
        await asyncio.sleep(0.25)
        if reader.at_eof():
            break
    assert HEAD_SECONDS <= await _closed_after(reader, started) < HEAD_SECONDS * 3
    writer.close()
    # The body at 20 bytes a second, far under the rate: cut off after the grace.
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(_head(port, len(SEARCH)))
    started = time.monotonic()
    for at in range(0, len(SEARCH), 5):
        writer.write(SEARCH[at : at + 5])
        try:
            await writer.drain()
        except ConnectionError:
            break
        await asyncio.sleep(0.25)
        if reader.at_eof():
            break
    assert HEAD_SECONDS <= await _closed_after(reader, started) < HEAD_SECONDS * 3
    writer.close()
    assert await _recorded(database_url) == 0


async def test_an_honest_pace_and_an_idle_kept_connection_are_served(
    served: tuple[int, str],
) -> None:
    port, database_url = served
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    # A body of 3 kB at about 2.4 kB a second: longer than the grace, faster than the rate.
    body = SEARCH + b" " * (3000 - len(SEARCH))
    writer.write(_head(port, len(body)))
    for at in range(0, len(body), 600):
        writer.write(body[at : at + 600])
        await asyncio.sleep(0.25)
    # Unsigned: refused (401), but answered, and recorded as refused.
    assert await _answer(reader) == "401"
    # Idle under the keep-alive for longer than the head's deadline, then a new request.
    await asyncio.sleep(HEAD_SECONDS * 2.5)
    writer.write(_head(port, len(SEARCH)) + SEARCH)
    assert await _answer(reader) == "401"
    writer.close()
    assert await _recorded(database_url) == 2


async def test_the_demo_servers_hold_clients_to_the_same_deadlines() -> None:
    """In-process servers (the demo's adapter) take the limits as an argument."""

    server = LoopbackServer(
        Starlette(), free_port(), request_limits=RequestLimits(HEAD_SECONDS, RATE)
    )
    await server.start()
    try:
        started = time.monotonic()
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(b"POST /ondc/search HTTP/1.1\r\nHost: x\r\n")
        assert HEAD_SECONDS <= await _closed_after(reader, started) < HEAD_SECONDS * 3
        writer.close()
    finally:
        await server.stop()
