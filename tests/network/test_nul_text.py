"""Text PostgreSQL refuses (NUL) is refused at the edge, naming the field: a NACK for
network peers, 422 for sellers; never a 500, never another sender's failure."""

from __future__ import annotations

from pathlib import Path

import orjson

from adapter.core.clock import FixedClock
from adapter.network.nul_text import nul_path
from tests.network.peers import edge, search_body, signed
from tests.network.test_seller_api import _entry, _register


def test_nul_path_names_the_field_and_ignores_an_escaped_backslash() -> None:
    assert nul_path(b'{"context":{"message_id":"m\\u0000"}}') == "context.message_id"
    assert nul_path(b'{"a":[1,{"b":"\\u0000"}]}') == "a.1.b"
    assert nul_path(b'{"a\\u0000":1}') == "a\\u0000"
    assert nul_path(b'{"a":"\\\\u0000"}') is None  # a backslash, then "u0000"
    assert nul_path(b'{"a":"x"}') is None


async def test_a_signed_request_with_nul_gets_a_nack_naming_the_field(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with edge(tmp_path, clock, database_url=database_url) as net:
        body = search_body(clock).replace("शॉल".encode(), b"sh\\u0000awl")
        response = await net.post("search", body, signed(body, clock))
        assert response.status_code == 400
        error = response.json()["error"]
        assert (error["code"], error["path"]) == ("30000", "message.intent.item.descriptor.name")
        # The message id itself holding NUL: refused, and its audit row still written.
        body = search_body(clock, message_id="m-\x00-1")
        response = await net.post("search", body, signed(body, clock))
        assert (response.status_code, response.json()["error"]["path"]) == (
            400,
            "context.message_id",
        )
        transaction_id = orjson.loads(body)["context"]["transaction_id"]
        [audit] = await net.app.state.runtime.store.messages_for_transaction(transaction_id)
        assert (audit["direction"], audit["message_id"]) == ("rejected", "m-\\u0000-1")
        assert await net.dispatch() == 0


async def test_a_seller_item_with_nul_gets_422_naming_the_field(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with edge(tmp_path, clock, database_url=database_url) as net:
        _, key = await _register(net, "Kullu")
        item = _entry("Kullu")["items"][0]
        bad = {**item, "name": "Kullu\x00Shawl"}
        put = await net.client.put(f"/seller/v1/items/{item['sku']}", json=bad, headers=key)
        assert put.status_code == 422
        assert put.json()["detail"].startswith("name: ")
        stock = await net.client.patch(
            "/seller/v1/stock", json={"items": [{"sku": "\x00", "available": 1}]}, headers=key
        )
        assert (stock.status_code, stock.json()["detail"][:12]) == (422, "items.0.sku:")
        assert (await net.client.get("/seller/v1/items", headers=key)).json() == []
