"""``/metrics`` answers loopback clients, or those with ``ONDC_METRICS_TOKEN``."""

from __future__ import annotations

from pathlib import Path

import httpx

from adapter.core.clock import FixedClock
from tests.network.peers import edge

TOKEN = "metrics-token-0123456789"


def _from(app: object, address: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 40000))  # type: ignore[arg-type]
    return httpx.AsyncClient(transport=transport, base_url="http://seller.odop.example")


async def test_without_a_token_only_loopback_clients_read_metrics(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock) as net:
        async with _from(net.app, "127.0.0.1") as local:
            assert (await local.get("/metrics")).status_code == 200
        async with _from(net.app, "203.0.113.9") as remote:
            refused = await remote.get("/metrics")
            assert refused.status_code == 401
            assert "ONDC_METRICS_TOKEN" in refused.json()["detail"]
            assert "ondc_requests" not in refused.text


async def test_with_a_token_every_client_must_present_it(tmp_path: Path, clock: FixedClock) -> None:
    async with edge(tmp_path, clock, ONDC_METRICS_TOKEN=TOKEN) as net:
        async with _from(net.app, "203.0.113.9") as remote:
            assert (await remote.get("/metrics")).status_code == 401
            wrong = {"Authorization": "Bearer not-the-token-at-all"}
            assert (await remote.get("/metrics", headers=wrong)).status_code == 401
            odd = {"Authorization": "Bearer é".encode()}
            assert (await remote.get("/metrics", headers=odd)).status_code == 401
            right = await remote.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
            assert right.status_code == 200
            assert "ondc_requests" in right.text
        async with _from(net.app, "127.0.0.1") as local:
            assert (await local.get("/metrics")).status_code == 401
