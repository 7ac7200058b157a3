"""A buyer app told to come back after ``Retry-After`` seconds may do so on the connection
it kept: a real ``ondc-seller serve`` process keeps an idle connection open longer than
the longest Retry-After its edge sends (ONDC_HTTP_KEEP_ALIVE_SECONDS against
ONDC_ADMISSION_LONGEST_RETRY_AFTER). Under uvicorn's default (5 s idle) a retry sent on
the kept connection after a Retry-After of 5 s raced the server closing it."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest

from adapter.core.clock import SystemClock
from adapter.storage import Database
from adapter.storage.outbox import Outbox
from tests.e2e.network import AdapterProcess
from tests.e2e.processes import free_port
from tests.fixtures import migrated_sqlite, settings_values, subprocess_env

pytestmark = pytest.mark.e2e

LONGEST_RETRY_AFTER = 5
KEEP_ALIVE = 7
# Shed before its signature is looked at: the request needs no valid signature.
SEARCH = b'{"context":{"action":"search","ttl":"PT30S"},"message":{}}'
# Callbacks queued that no dispatcher sends: at the assumed floor of one a second, a
# search (which may wait 0.3 of its 30 s) waits far longer than it may.
BACKLOG = 40


async def _queue_backlog(database_url: str) -> None:
    database = Database.connect(database_url)
    outbox = Outbox(database)
    now = SystemClock().now()
    for n in range(BACKLOG):
        await outbox.enqueue_unsolicited(
            action="on_status", target_url="http://buyer.invalid/on_status",
            transaction_id=f"t{n}", payload={}, now=now, deadline_at=now + timedelta(hours=1),
        )  # fmt: skip
    await database.dispose()


async def _shed_search(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, port: int
) -> dict[str, str]:
    """POST a search on the open connection and read the whole answer: its headers."""
    writer.write(
        b"POST /ondc/search HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
        b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
        % (port, len(SEARCH), SEARCH)
    )
    await writer.drain()
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
    status, *lines = head.decode("latin-1").split("\r\n")
    headers = {
        name.strip().lower(): value.strip()
        for name, _, value in (line.partition(":") for line in lines if line)
    }
    headers[":status"] = status.split(" ")[1]
    await reader.readexactly(int(headers["content-length"]))
    return headers


async def test_a_connection_idle_for_the_retry_after_still_answers(tmp_path: Path) -> None:
    port = free_port()
    database_url = migrated_sqlite(tmp_path / "adapter.db")
    await _queue_backlog(database_url)
    values = settings_values(
        database_url,
        ONDC_SUBSCRIBER_URL=f"http://127.0.0.1:{port}/ondc",
        ONDC_ADMISSION_MIN_RATE="1",
        ONDC_ADMISSION_LONGEST_RETRY_AFTER=str(LONGEST_RETRY_AFTER),
        ONDC_HTTP_KEEP_ALIVE_SECONDS=str(KEEP_ALIVE),
    )
    adapter = AdapterProcess(subprocess_env(values), port, tmp_path, ("--no-dispatcher",))
    await adapter.start()
    try:
        # The edge counts the backlog within a second of starting.
        for _ in range(50):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            first = await _shed_search(reader, writer, port)
            if first[":status"] == "503":
                break
            writer.close()
            await asyncio.sleep(0.1)
        assert first[":status"] == "503"
        assert first["retry-after"] == str(LONGEST_RETRY_AFTER)
        # The buyer app waits what it was told (and a little more: its own scheduling),
        # then retries on the same connection.
        await asyncio.sleep(LONGEST_RETRY_AFTER + 0.5)
        again = await _shed_search(reader, writer, port)
        assert again[":status"] == "503"
        assert again["retry-after"] == str(LONGEST_RETRY_AFTER)
        writer.close()
        await writer.wait_closed()
    finally:
        adapter.stop()
