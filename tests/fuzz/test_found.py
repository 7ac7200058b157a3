"""What the route fuzzer found, each held by a plain test of its own (every one was a 5xx
before its fix), in process on both stores."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapter.core.clock import FixedClock
from adapter.network.nul_text import nul_path
from tests.network.peers import edge, signed
from tests.network.test_seller_api import ADMIN, _entry, _register

PAST_64_BITS = 2**63  # one past SQLite's and PostgreSQL's bigint


@pytest.mark.parametrize(
    ("method", "path", "field"),
    [
        ("DELETE", f"/admin/v1/dashboard/credentials/{PAST_64_BITS}", "credential_id"),
        ("GET", f"/admin/v1/outbox/{PAST_64_BITS}/attempts", "job_id"),
        ("POST", f"/admin/v1/outbox/{PAST_64_BITS}/replay", "job_id"),
        ("GET", f"/admin/v1/loi/letters/{PAST_64_BITS}", "letter_id"),
    ],
)
async def test_a_row_id_past_64_bits_is_a_422_naming_it(
    tmp_path: Path, clock: FixedClock, database_url: str, method: str, path: str, field: str
) -> None:
    # It reached the database driver: OverflowError on SQLite, a 500.
    async with edge(tmp_path, clock, database_url=database_url) as net:
        answer = await net.client.request(method, path, headers=ADMIN)
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"].startswith(field)


async def test_a_notification_id_past_64_bits_is_a_422_naming_it(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with edge(tmp_path, clock, database_url=database_url) as net:
        _, key = await _register(net, "Kullu")
        answer = await net.client.post(
            f"/seller/v1/notifications/{PAST_64_BITS}/redeliver", headers=key
        )
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"].startswith("notification_id")


@pytest.mark.parametrize(
    ("method", "path", "field"),
    [
        ("GET", f"/seller/v1/issues/{PAST_64_BITS}", "pk"),
        ("POST", f"/seller/v1/issues/{PAST_64_BITS}/process", "pk"),
        ("GET", f"/seller/v1/loi/letters/{PAST_64_BITS}", "letter_id"),
    ],
)
async def test_a_sellers_row_id_past_64_bits_is_a_422_naming_it(
    tmp_path: Path, clock: FixedClock, database_url: str, method: str, path: str, field: str
) -> None:
    # Found by the fuzzer on the grievance and LOI routes once they were merged: a 500.
    async with edge(tmp_path, clock, database_url=database_url) as net:
        _, key = await _register(net, "Kullu")
        answer = await net.client.request(method, path, headers=key)
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"].startswith(field)


async def test_a_stock_count_past_the_column_is_a_422_naming_it(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    # PostgreSQL's integer column refused 2^31 with a 500; SQLite stored it (and a 2^63
    # was a 500 there).
    async with edge(tmp_path, clock, database_url=database_url) as net:
        _, key = await _register(net, "Kullu")
        item = _entry("Kullu")["items"][0]
        put = await net.client.put(f"/seller/v1/items/{item['sku']}", json=item, headers=key)
        assert put.status_code == 200, put.text
        answer = await net.client.patch(
            "/seller/v1/stock",
            json={"items": [{"sku": item["sku"], "available": 2**31}]},
            headers=key,
        )
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"].startswith("items.0.available")


@pytest.mark.parametrize(
    "path",
    ["/admin/v1/audit/t%00x", "/dashboard/api/audit/t%00x", "/admin/v1/outbox?status=%00"],
)
async def test_nul_in_a_path_or_query_value_is_a_422(
    tmp_path: Path, clock: FixedClock, database_url: str, path: str
) -> None:
    # PostgreSQL cannot compare text holding NUL: the audit lookup was a 500.
    async with edge(tmp_path, clock, database_url=database_url) as net:
        answer = await net.client.get(path, headers=ADMIN)
    assert answer.status_code == 422, answer.text
    assert "NUL" in answer.json()["detail"]


async def test_a_body_that_is_not_utf8_is_a_422_on_every_json_route(
    tmp_path: Path, clock: FixedClock
) -> None:
    # FastAPI's own 422 echoed the refused input and failed encoding these bytes: a 500
    # on the dashboard's admin routes (the seller API had its own handler).
    body = '{"buyer": "Himachal Emporium"}'.encode("utf-16")
    async with edge(tmp_path, clock) as net:
        for path in ("/admin/v1/dashboard/letters", "/admin/v1/dashboard/credentials"):
            answer = await net.client.post(
                path, content=body, headers={**ADMIN, "Content-Type": "application/json"}
            )
            assert answer.status_code == 422, (path, answer.text)
            assert isinstance(answer.json()["detail"], str)


def test_nul_deep_in_nested_json_is_found_without_recursing_past_pythons_limit() -> None:
    body = b'{"message":' + b'{"a":' * 990 + b'"x\\u0000"' + b"}" * 991
    assert nul_path(body) == "message" + ".a" * 990
    listed = b'{"message":' + b"[" * 1000 + b'"\\u0000"' + b"]" * 1000 + b"}"
    assert nul_path(listed) == "message" + ".0" * 1000


def test_nul_path_names_the_first_field_in_document_order() -> None:
    body = b'{"a": {"b": "ok", "c\\u0000": 1, "d": "x\\u0000"}, "e": "\\u0000"}'
    assert nul_path(body) == "a.c\\u0000"
    body = b'{"a": ["ok", {"b": "\\u0000"}], "c": "\\u0000"}'
    assert nul_path(body) == "a.1.b"


async def test_a_beckn_request_with_nul_nested_1000_deep_is_nacked_not_failed(
    tmp_path: Path, clock: FixedClock
) -> None:
    # It was a RecursionError: a 503 NACK "retry", so the sender would send it again.
    from tests.network.peers import search_body

    body = search_body(clock).replace(
        b'"message":{', b'"message":{"x":' + b"[" * 1000 + b'"\\u0000"' + b"]" * 1000 + b",", 1
    )
    async with edge(tmp_path, clock) as net:
        answer = await net.post("search", body, signed(body, clock))
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["code"] == "30000"
