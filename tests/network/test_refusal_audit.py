"""A Beckn request refused for its size or its encoding is audited like every other NACK,
as a bounded summary: no body, headers cut short, at most the unverified rate of rows."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, select

from adapter.core.clock import FixedClock
from adapter.storage import tables
from adapter.storage.database import sync_url
from tests.network.peers import edge, search_body, signed


def _refusals(database_url: str) -> list[dict[str, Any]]:
    engine = create_engine(sync_url(database_url))
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(tables.messages).where(tables.messages.c.direction == "rejected")
            ).mappings()
            return [dict(row) for row in rows]
    finally:
        engine.dispose()


async def test_an_oversized_search_leaves_a_summary_without_its_body(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    body = search_body(clock) + b" " * 40_000  # past the 16 KiB of /search
    headers = signed(body, clock)
    async with edge(tmp_path, clock, database_url=database_url) as net:
        answer = await net.post("search", body, headers)
        compressed = await net.post(
            "select", gzip.compress(body), {**headers, "Content-Encoding": "gzip"}
        )
    assert (answer.status_code, compressed.status_code) == (413, 415)
    first, second = _refusals(database_url)
    assert (first["action"], first["http_status"], first["peer_id"]) == (
        "search",
        413,
        "unverified",
    )
    assert first["body"] == b""
    assert "over the limit of 16384 bytes" in first["error"]
    assert "claimed signer buyer.example" in first["error"]
    assert first["headers"]["content-length"] == str(len(body))
    assert (second["action"], second["http_status"]) == ("select", 415)


async def test_a_flood_of_oversized_requests_writes_at_most_the_unverified_rate(
    tmp_path: Path, clock: FixedClock
) -> None:
    database_url = f"sqlite:///{tmp_path}/edge.db"
    body = b"x" * 70_000
    async with edge(tmp_path, clock, database_url=database_url) as net:
        statuses = {
            (await net.post("confirm", body, {"Authorization": "x" * 5000})).status_code
            for _ in range(40)
        }
        rate = net.settings.unverified_rate_per_second
    rows = _refusals(database_url)
    assert statuses == {413}
    assert 1 <= len(rows) <= rate
    assert all(len(row["headers"]["authorization"]) == 512 for row in rows)
