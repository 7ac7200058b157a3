"""An item taken off sale and put back, a store shut for some days and opened again, from
the seller API: what subscribed buyer apps are pushed, what search and carts then see
(SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from adapter.core.clock import FixedClock
from catalog_sync.transform import store_day
from tests.catalog.test_incremental import _mode, _publish, _search
from tests.network.peers import Edge, edge, signed
from tests.orders.shop import cart, demo_item, shop


async def _subscribe(net: Edge, clock: FixedClock) -> None:
    start = _search(clock, _mode("start"))
    assert (await net.post("search", start, signed(start, clock))).status_code == 200
    assert await net.dispatch() == 0
    clock.advance(5)


def _pushed(net: Edge) -> dict[str, Any]:
    [provider] = orjson.loads(net.received[-1].content)["message"]["catalog"]["bpp/providers"]
    return dict(provider)


async def _full_catalogue_skus(net: Edge, clock: FixedClock) -> list[str]:
    search = _search(clock, [])
    assert (await net.post("search", search, signed(search, clock))).status_code == 200
    assert await net.dispatch() == 1
    body = orjson.loads(net.received[-1].content)
    return [
        item["id"]
        for provider in body["message"]["catalog"]["bpp/providers"]
        for item in provider["items"]
    ]


async def test_an_item_off_sale_is_pushed_disabled_left_out_and_back_on_sale_enabled(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with edge(tmp_path, clock, database_url=database_url) as net:
        key, item = await _publish(net, clock)
        sku = item["sku"]
        assert sku in await _full_catalogue_skus(net, clock)
        await _subscribe(net, clock)

        off = await net.client.post(f"/seller/v1/items/{sku}/off_sale", headers=key)
        assert off.status_code == 200, off.text
        assert off.json()["on_sale"] is False
        assert await net.dispatch() == 1
        [pushed] = _pushed(net)["items"]
        assert (pushed["id"], pushed["time"]["label"]) == (sku, "disable")
        # Kept in the seller's list (not "held": nothing is wrong with it), gone for buyers.
        listed = (await net.client.get("/seller/v1/items", headers=key)).json()
        assert [(i["sku"], i["on_sale"], i["held_back"]) for i in listed] == [(sku, False, [])]
        assert (await net.client.get("/seller/v1/items/held", headers=key)).json() == []
        assert sku not in await _full_catalogue_skus(net, clock)

        # Asking again changes nothing and pushes nothing.
        again = await net.client.post(f"/seller/v1/items/{sku}/off_sale", headers=key)
        assert again.status_code == 200
        assert await net.dispatch() == 0

        back = await net.client.post(f"/seller/v1/items/{sku}/on_sale", headers=key)
        assert back.json()["on_sale"] is True
        assert await net.dispatch() == 1
        [pushed] = _pushed(net)["items"]
        assert pushed["time"]["label"] == "enable"
        assert sku in await _full_catalogue_skus(net, clock)


async def test_an_unknown_sku_is_a_404_naming_it(tmp_path: Path, clock: FixedClock) -> None:
    async with edge(tmp_path, clock) as net:
        key, _ = await _publish(net, clock)
        answer = await net.client.post("/seller/v1/items/NOPE-1/off_sale", headers=key)
        assert answer.status_code == 404
        assert "NOPE-1" in answer.text


async def test_a_store_shut_today_is_pushed_disabled_and_opened_again_enabled(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with edge(tmp_path, clock, database_url=database_url) as net:
        key, item = await _publish(net, clock)
        await _subscribe(net, clock)
        today = store_day(clock.now()).isoformat()

        shut = await net.client.put(
            "/seller/v1/store/closure", json={"from": today, "until": today}, headers=key
        )
        assert shut.status_code == 200, shut.text
        assert shut.json() == {"from": today, "until": today, "closed_today": True}
        assert await net.dispatch() == 1
        provider = _pushed(net)
        assert provider["time"]["label"] == "disable"
        assert [loc["time"]["label"] for loc in provider["locations"]] == ["disable"]
        assert [i["id"] for i in provider["items"]] == [item["sku"]]
        state = (await net.client.get("/seller/v1/store/closure", headers=key)).json()
        assert state["closed_today"] is True

        opened = await net.client.delete("/seller/v1/store/closure", headers=key)
        assert opened.json() == {"from": None, "until": None, "closed_today": False}
        assert await net.dispatch() == 1
        assert _pushed(net)["time"]["label"] == "enable"


async def test_a_closure_starting_later_is_kept_and_pushed_on_its_day(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock) as net:
        key, _ = await _publish(net, clock)
        await _subscribe(net, clock)
        answer = await net.client.put(
            "/seller/v1/store/closure",
            json={"from": "2099-01-01", "until": "2099-01-02"},
            headers=key,
        )
        assert answer.json()["closed_today"] is False
        assert await net.dispatch() == 0  # nothing changes for buyers today


async def test_a_bad_closure_names_its_field(tmp_path: Path, clock: FixedClock) -> None:
    async with edge(tmp_path, clock) as net:
        key, _ = await _publish(net, clock)
        for body, words in [
            ({"from": "2027-02-10", "until": "2027-02-01"}, "until"),
            ({"from": "2027-02-31", "until": "2027-03-01"}, "from"),
            ({"from": "10/02/2027", "until": "2027-03-01"}, "from"),
            ({"until": "2027-03-01"}, "from"),
            ({"from": "2027-02-10", "until": "2027-02-11", "why": "x"}, "why"),
        ]:
            answer = await net.client.put("/seller/v1/store/closure", json=body, headers=key)
            assert answer.status_code == 422, body
            assert words in answer.text, (body, answer.text)


async def test_a_cart_with_an_item_off_sale_is_refused_until_it_is_back(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        entry, item = demo_item("Mandi")
        key = await s.seller_key(entry["seller"]["code"])
        off = await s.net.client.post(f"/seller/v1/items/{item['sku']}/off_sale", headers=key)
        assert off.status_code == 200, off.text
        refused = await s.call("select", cart(entry, item, 1), domain=item["domain"])
        assert refused["error"]["code"] == "30004"
        await s.net.client.post(f"/seller/v1/items/{item['sku']}/on_sale", headers=key)
        s.new_transaction()
        quoted = await s.call("select", cart(entry, item, 1), domain=item["domain"])
        assert "error" not in quoted
        assert quoted["message"]["order"]["items"][0]["id"] == item["sku"]
