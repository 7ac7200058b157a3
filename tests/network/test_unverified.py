"""Unverified requests: nothing kept beyond a bounded summary, and rate-limited by source."""

from __future__ import annotations

import hashlib
from base64 import b64encode
from pathlib import Path

import orjson
from sqlalchemy import func, select

from adapter.core.clock import FixedClock
from adapter.storage.tables import messages
from tests.network.peers import edge, search_body, signed


async def test_an_unsigned_body_leaves_only_a_bounded_summary_in_the_audit(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    # 20 unsigned 15 MB POSTs used to write 315 MB to the audit log.
    async with edge(
        tmp_path, clock, database_url=database_url, ONDC_MAX_SEARCH_BYTES=1024 * 1024
    ) as net:
        body = search_body(clock).replace(b'"Delivery"', b'"' + b"x" * 900_000 + b'"')
        forged = signed(body, clock)
        forged["Authorization"] = forged["Authorization"].replace('signature="', 'signature="A')
        response = await net.post("search", body, forged)
        assert response.status_code == 401
        transaction_id = orjson.loads(body)["context"]["transaction_id"]
        [row] = await net.app.state.runtime.store.messages_for_transaction(transaction_id)
        assert row["peer_id"] == "unverified"
        assert row["body"] == body[:512]
        digest = b64encode(hashlib.blake2b(body).digest()).decode()
        assert f"body {len(body)} bytes, BLAKE-512={digest}, first 512 kept" in row["error"]
        assert "claimed signer buyer.example" in row["error"]
        assert all(len(value) <= 512 for value in row["headers"].values())


async def test_unverified_requests_over_the_rate_of_their_address_get_429_unrecorded(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock, ONDC_UNVERIFIED_RATE_PER_SECOND=3) as net:
        statuses = []
        for _ in range(6):
            body = search_body(clock)
            statuses.append((await net.post("search", body, {})).status_code)
        assert statuses == [401, 401, 401, 429, 429, 429]
        async with net.app.state.runtime.store.database.engine.connect() as connection:
            audited = await connection.scalar(select(func.count()).select_from(messages))
        assert audited == 3
        # A signed request from the same address is still served.
        body = search_body(clock)
        assert (await net.post("search", body, signed(body, clock))).status_code == 200
        clock.advance(1)
        assert (await net.post("search", search_body(clock), {})).status_code == 401
