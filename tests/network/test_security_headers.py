"""Browser-facing answers carry the headers a VAPT looks for: no sniffing, no framing, no
referrer, and a script-free Content Security Policy on the dashboard and home page."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapter.core.clock import FixedClock
from adapter.network.security_headers import PAGE_POLICY
from tests.network.peers import edge, search_body, signed

ADMIN = {"Authorization": "Bearer admin-key-for-tests-0123456789"}


@pytest.mark.parametrize(
    ("path", "page"),
    [
        ("/", True),
        ("/dashboard/login", True),
        ("/dashboard", True),
        ("/dashboard/api/tables", True),
        ("/healthz", False),
        ("/docs", False),
        ("/admin/v1/outbox", False),
        ("/seller/v1/items", False),
        ("/no/such/page", False),
    ],
)
async def test_every_browser_facing_answer_refuses_framing_and_sniffing(
    tmp_path: Path, clock: FixedClock, path: str, page: bool
) -> None:
    async with edge(tmp_path, clock) as net:
        answer = await net.client.get(path, headers=ADMIN)
    assert answer.headers["x-frame-options"] == "DENY"
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["referrer-policy"] == "same-origin"
    assert (answer.headers.get("content-security-policy") == PAGE_POLICY) is page


async def test_beckn_answers_are_left_as_they_were(tmp_path: Path, clock: FixedClock) -> None:
    body = search_body(clock)
    async with edge(tmp_path, clock) as net:
        answer = await net.post("search", body, signed(body, clock))
    assert answer.status_code == 200
    assert "x-frame-options" not in answer.headers
