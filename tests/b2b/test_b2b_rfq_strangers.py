"""Another seller's key cannot see, decide or wait out a seller's held RFQ: every RFQ route
answers 404 naming ``rfq_id`` and nothing about the RFQ changes (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

from adapter.core.clock import FixedClock
from tests.b2b.test_b2b_rfq import OIL
from tests.b2b.test_b2b_rfq_review import DOMAINS, _held, _select
from tests.network.peers import edge
from tests.network.test_seller_api import _register


async def test_another_sellers_key_cannot_see_or_decide_a_held_rfq(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with edge(tmp_path, clock, database_url=database_url, **DOMAINS) as net:
        owner = await _held(net, clock)
        _, stranger = await _register(net, "Kangra")
        await _select(net, clock)
        assert await net.dispatch() == 1
        [held] = (await net.client.get("/seller/v1/b2b/rfqs", headers=owner)).json()
        base = f"/seller/v1/b2b/rfqs/{held['id']}"

        assert (await net.client.get("/seller/v1/b2b/rfqs", headers=stranger)).json() == []
        seen = await net.client.get(base, headers=stranger)
        assert seen.status_code == 404
        assert "rfq_id" in seen.json()["detail"]
        cheap = {"items": [{"sku": OIL, "unit_price": "1"}]}
        refusal = {"reason": "not for you"}
        tries = [
            await net.client.post(f"{base}/accept", headers=stranger),
            await net.client.post(f"{base}/counter", json=cheap, headers=stranger),
            await net.client.post(f"{base}/decline", json=refusal, headers=stranger),
        ]
        assert [t.status_code for t in tries] == [404, 404, 404], [t.text for t in tries]
        assert all("rfq_id" in t.json()["detail"] for t in tries)
        # Without any key at all: refused before the RFQ is looked up.
        anonymous = await net.client.post(f"{base}/accept")
        assert anonymous.status_code == 401

        after = (await net.client.get(base, headers=owner)).json()
        assert after["state"] == "pending"
        assert after == held
