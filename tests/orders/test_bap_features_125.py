"""A 1.2.5 search's ``bap_features``: a buyer app that says it has no self-pickup (002 no)
is not offered collection at the Kangra store, which other buyer apps are; codes and
values the contract does not know change nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from adapter.core.clock import FixedClock
from tests.network.peers import context, signed
from tests.orders.shop import Shop, shop


async def _kangra(s: Shop, features: list[dict[str, str]] | None) -> dict[str, Any]:
    tags = [{"code": "bap_features", "list": features}] if features is not None else []
    body = orjson.dumps(
        {
            "context": context(
                "search", s.clock, core_version="1.2.5", domain="ONDC:RET10", city="std:01892"
            ),
            "message": {"intent": {"tags": tags}},
        }
    )
    response = await s.net.post("search", body, signed(body, s.clock))
    assert response.json()["message"]["ack"]["status"] == "ACK", response.text
    (on_search,) = await s.unsolicited()
    providers = on_search["message"]["catalog"]["bpp/providers"]
    provider: dict[str, Any] = next(p for p in providers if p["id"] == "odopkangra")
    return provider


def _pickup(provider: dict[str, Any]) -> tuple[set[str], set[str]]:
    kinds = {f["type"] for f in provider["fulfillments"]}
    timings = {
        entry["value"]
        for tag in provider["tags"]
        if tag["code"] == "timing"
        for entry in tag["list"]
        if entry["code"] == "type"
    }
    return kinds, timings


async def test_a_buyer_app_without_self_pickup_is_not_offered_the_store(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        offered = _pickup(await _kangra(s, None))
        assert offered == ({"Delivery", "Self-Pickup"}, {"Order", "Delivery", "Self-Pickup"})
        unknown = [{"code": "002", "value": "maybe"}, {"code": "999", "value": "no"}]
        assert _pickup(await _kangra(s, unknown)) == offered
        said_yes = [{"code": "002", "value": "yes"}, {"code": "012", "value": "no"}]
        assert _pickup(await _kangra(s, said_yes)) == offered

        without = await _kangra(s, [{"code": "002", "value": "no"}])
        assert _pickup(without) == ({"Delivery"}, {"Order", "Delivery"})
        assert {i["fulfillment_id"] for i in without["items"]} <= {
            f["id"] for f in without["fulfillments"]
        }
