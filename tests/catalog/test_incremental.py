"""Incremental catalogue refresh: pull by time range, push subscriptions (ONDC flows 1, 9)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

import schemas
import signing
from adapter.catalog.importer import import_catalogue
from adapter.catalog.push import CatalogPush
from adapter.coordination.wakeup import LocalWakeup
from adapter.core.catalog_inc import incremental_request
from adapter.core.clock import FixedClock
from adapter.core.replies import Identity
from adapter.storage import Store
from adapter.storage.catalog import CatalogStore
from adapter.storage.outbox import Outbox
from tests.catalog.test_import_and_search import DEMO
from tests.network.peers import Edge, context, edge, signed
from tests.network.test_seller_api import _entry, _register
from tests.schemas.examples import EXAMPLES_DIR


def _search(clock: FixedClock, tags: list[dict[str, Any]], domain: str = "ONDC:RET12") -> bytes:
    return orjson.dumps(
        {
            "context": context("search", clock, city="*", domain=domain),
            "message": {"intent": {"tags": tags}},
        }
    )


def test_the_official_incremental_searches_ask_to_start_a_subscription() -> None:
    for domain in ("RET10", "RET12", "RET16"):
        raw = (EXAMPLES_DIR / domain / "flow1" / "search_inc_refresh.json").read_bytes()
        request = incremental_request(schemas.parse(schemas.SearchRequest, raw))
        assert request is not None
        assert request.mode == "start"


def test_a_time_range_asks_for_a_pull_and_a_bad_one_names_the_tag() -> None:
    tags = [{"code": "catalog_inc", "list": [
        {"code": "start_time", "value": "2026-11-23T09:00:00.000Z"},
        {"code": "end_time", "value": "2026-11-23T10:00:00.000Z"}]}]  # fmt: skip
    body = {"context": {"action": "search"}, "message": {"intent": {"tags": tags}}}
    request = incremental_request(schemas.parse(schemas.SearchRequest, orjson.dumps(body)))
    assert request is not None
    assert request.mode == "pull"
    tags[0]["list"] = [{"code": "mode", "value": "sometimes"}]
    with pytest.raises(ValueError, match="mode"):
        incremental_request(schemas.parse(schemas.SearchRequest, orjson.dumps(body)))


def _mode(mode: str) -> list[dict[str, Any]]:
    return [{"code": "catalog_inc", "list": [{"code": "mode", "value": mode}]}]


async def _publish(net: Edge, clock: FixedClock) -> tuple[dict[str, str], dict[str, Any]]:
    _, key = await _register(net, "Kullu")
    item = _entry("Kullu")["items"][0]
    await net.client.put(f"/seller/v1/items/{item['sku']}", json=item, headers=key)
    return key, item


async def test_a_subscription_gets_each_stock_change_pushed_until_it_stops(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock) as net:
        key, item = await _publish(net, clock)
        start = _search(
            clock, [{"code": "catalog_inc", "list": [{"code": "mode", "value": "start"}]}]
        )
        assert (await net.post("search", start, signed(start, clock))).status_code == 200
        assert await net.dispatch() == 0  # a subscription is answered by pushes, not a reply
        clock.advance(5)
        update = {"items": [{"sku": item["sku"], "available": 0}]}
        assert (
            await net.client.patch("/seller/v1/stock", json=update, headers=key)
        ).status_code == 200
        assert await net.dispatch() == 1
        [push] = net.received
        body = orjson.loads(push.content)
        subscription = orjson.loads(start)["context"]
        assert body["context"]["transaction_id"] == subscription["transaction_id"]
        assert body["context"]["message_id"] != subscription["message_id"]
        assert body["context"]["city"] == "*"
        [provider] = body["message"]["catalog"]["bpp/providers"]
        assert provider["items"][0]["quantity"]["available"] == {"count": "0"}
        signing.verify(push.content, push.headers["Authorization"],
                       net.settings.signing_key.public_key, now=clock.timestamp())  # fmt: skip
        stop = _search(
            clock, [{"code": "catalog_inc", "list": [{"code": "mode", "value": "stop"}]}]
        )
        await net.post("search", stop, signed(stop, clock))
        await net.client.patch("/seller/v1/stock", json=update, headers=key)
        assert await net.dispatch() == 0


async def test_a_push_speaks_the_core_version_its_subscription_was_started_in(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock) as net:
        key, item = await _publish(net, clock)
        for version in ("1.2.5", "1.2.0"):
            start = orjson.dumps(
                {
                    "context": context(
                        "search", clock, city="*", domain="ONDC:RET12", core_version=version
                    ),
                    "message": {"intent": {"tags": _mode("start")}},
                }
            )
            assert (await net.post("search", start, signed(start, clock))).status_code == 200
            clock.advance(5)
            update = {"items": [{"sku": item["sku"], "available": 3}]}
            assert (
                await net.client.patch("/seller/v1/stock", json=update, headers=key)
            ).status_code == 200
            assert await net.dispatch() == 1
            push = orjson.loads(net.received[-1].content)
            assert push["context"]["core_version"] == version
            assert (
                push["context"]["transaction_id"]
                == orjson.loads(start)["context"]["transaction_id"]
            )


async def test_a_pull_returns_only_what_changed_in_the_range(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock) as net:
        await _publish(net, clock)
        before = schemas.format_timestamp(clock.now())
        clock.advance(3600)
        after = schemas.format_timestamp(clock.now())
        for begin, end, expected in ((before, before, 1), (after, after, 0)):
            window = [{"code": "start_time", "value": begin}, {"code": "end_time", "value": end}]
            tags = [{"code": "catalog_inc", "list": window}]
            pull = _search(clock, tags)
            assert (await net.post("search", pull, signed(pull, clock))).status_code == 200
            await net.dispatch()
            catalog = orjson.loads(net.received[-1].content)["message"]["catalog"]
            found = [i for p in catalog["bpp/providers"] for i in p["items"]]
            assert len(found) == expected


async def test_a_malformed_incremental_search_is_nacked_naming_the_tags(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock) as net:
        bad = _search(clock, _mode("now"))
        response = await net.post("search", bad, signed(bad, clock))
        assert response.status_code == 400
        assert response.json()["error"]["path"] == "message.intent.tags"


async def test_a_file_import_pushes_its_changes_and_reports_progress(
    store: Store, clock: FixedClock
) -> None:
    catalogue = CatalogStore(store.database)
    outbox = Outbox(store.database)
    await catalogue.subscribe(
        bap_id="buyer.example", bap_uri="https://buyer.example/ondc", domain="ONDC:RET12",
        transaction_id="t-sub", now=clock.now(),
    )  # fmt: skip
    push = CatalogPush(catalogue, outbox, LocalWakeup(), Identity("s", "https://s"), clock)
    seen: list[tuple[int, int]] = []
    report = await import_catalogue(
        DEMO, catalogue, now=clock.now(), push=push, progress=lambda d, t: seen.append((d, t))
    )
    assert seen[-1] == (len(report.landed), len(report.landed))
    jobs = await outbox.jobs(status="pending")
    demo = orjson.loads(DEMO)["sellers"]
    sellers_with_fashion = {s["seller"]["code"] for s in demo
                            if any(i["domain"] == "ONDC:RET12" for i in s["items"])}  # fmt: skip
    assert len(jobs) == len(sellers_with_fashion)
    assert all(job["transaction_id"] == "t-sub" for job in jobs)
    pushed = {job["payload"]["message"]["catalog"]["bpp/providers"][0]["id"] for job in jobs}
    assert pushed == sellers_with_fashion
