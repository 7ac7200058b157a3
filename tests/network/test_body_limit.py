"""Every route's request body is bounded while it is read: declared, chunked, compressed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from adapter.core.clock import FixedClock
from adapter.network.body_limit import FORM_MAX_BYTES
from tests.fixtures import FIXTURES
from tests.network.peers import edge

ADMIN = {"Authorization": "Bearer admin-key-for-tests-0123456789"}
CHUNK = 4096
EXAMPLES = FIXTURES / "ondc-examples" / "spec-1.2.0"


class Stream:
    """A chunked request body of ``total`` bytes that counts what was pulled from it."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.sent = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while self.sent < self.total:
            self.sent += CHUNK
            yield b"a" * CHUNK


# (method, path, limit): one route of each kind; the Beckn ones NACK.
ROUTES = [
    ("POST", "/dashboard/login", FORM_MAX_BYTES),
    ("POST", "/ondc/on_subscribe", FORM_MAX_BYTES),
    ("POST", "/seller/v1/webhooks/stock/odop-kullu", 1024 * 1024),
    ("PUT", "/seller/v1/items/KS-1", 1024 * 1024),
    ("PUT", "/admin/v1/sellers/odop-kullu", 1024 * 1024),
    ("POST", "/admin/v1/dashboard/letters", 1024 * 1024),
    ("POST", "/no/such/route", FORM_MAX_BYTES),
    ("POST", "/ondc/search", 16 * 1024),
    ("POST", "/ondc/confirm", 64 * 1024),
]


@pytest.mark.parametrize(("method", "path", "limit"), ROUTES)
async def test_a_declared_body_over_the_routes_limit_is_refused_unread(
    tmp_path: Path, clock: FixedClock, method: str, path: str, limit: int
) -> None:
    async with edge(tmp_path, clock) as net:
        over = await net.client.request(method, path, content=b"a" * (limit + 1), headers=ADMIN)
        assert over.status_code == 413
        assert f"limit of {limit} bytes" in over.text
        if path.startswith("/ondc/search") or path.startswith("/ondc/confirm"):
            error = over.json()["error"]
            assert (over.json()["message"]["ack"]["status"], error["code"]) == ("NACK", "30000")
        else:
            assert path in over.json()["detail"]
        within = await net.client.request(method, path, content=b"a" * limit, headers=ADMIN)
        assert within.status_code != 413


@pytest.mark.parametrize(("method", "path", "limit"), ROUTES)
async def test_a_chunked_body_is_cut_off_at_the_limit_not_read_whole(
    tmp_path: Path, clock: FixedClock, method: str, path: str, limit: int
) -> None:
    # A gigabyte without a Content-Length: the app stops pulling chunks at the limit.
    async with edge(tmp_path, clock) as net:
        body = Stream(1024 * 1024 * 1024)
        response = await net.client.request(method, path, content=body, headers=ADMIN)
        # A path nothing serves is answered before its body is read.
        assert response.status_code == (404 if path == "/no/such/route" else 413)
        assert body.sent <= limit + CHUNK


async def test_a_compressed_body_is_refused(tmp_path: Path, clock: FixedClock) -> None:
    async with edge(tmp_path, clock) as net:
        headers = {**ADMIN, "Content-Encoding": "gzip"}
        response = await net.client.post("/ondc/search", content=b"\x1f\x8b", headers=headers)
        assert response.status_code == 415
        assert response.json()["message"]["ack"]["status"] == "NACK"
        response = await net.client.post("/dashboard/login", content=b"x", headers=headers)
        assert response.status_code == 415
        assert "Content-Encoding" in response.json()["detail"]


async def test_the_limits_are_settings(tmp_path: Path, clock: FixedClock) -> None:
    async with edge(
        tmp_path, clock, ONDC_MAX_ACTION_BYTES=20_000, ONDC_MAX_BODY_BYTES=70_000
    ) as net:
        confirm = await net.client.post("/ondc/confirm", content=b"a" * 20_001)
        assert confirm.status_code == 413
        item = await net.client.put("/seller/v1/items/x", content=b"a" * 70_001, headers=ADMIN)
        assert item.status_code == 413


def test_httpx_sends_a_stream_without_content_length() -> None:
    # What the chunked test relies on.
    request = httpx.Request("POST", "http://x/", content=Stream(10))
    assert "content-length" not in request.headers
    assert request.headers["transfer-encoding"] == "chunked"
