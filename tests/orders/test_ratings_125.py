"""Buyers' ratings (/rating) are kept and shown back as the provider's and item's
``rating`` in the retail 1.2.5 catalogue; nothing is shown for what nobody rated, nothing
is kept for what the rating buyer app did not buy, and the 1.2.0 catalogue is unchanged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from adapter.core.clock import FixedClock
from adapter.sandbox.conformance import check_callback
from tests.network.peers import context, signed
from tests.orders.shop import Shop, cart, confirm_message, demo_item, init_message, shop


async def _confirmed(s: Shop, order_id: str) -> tuple[str, str, str]:
    """A confirmed order of the Kangra painting in a new transaction: (domain, provider id,
    item id)."""
    s.new_transaction()
    entry, item = demo_item("Kangra", 1)
    domain = item["domain"]
    on_select = await s.call("select", cart(entry, item, 1), domain=domain)
    on_init = await s.call("init", init_message(on_select), domain=domain)
    await s.call("confirm", confirm_message(on_init, order_id), domain=domain)
    await s.timers()
    return domain, entry["seller"]["code"], item["sku"]


async def _catalogue(s: Shop, clock: FixedClock, version: str) -> list[dict[str, Any]]:
    on_search = await _on_search(s, clock, version)
    providers: list[dict[str, Any]] = on_search["message"]["catalog"]["bpp/providers"]
    return providers


async def _on_search(s: Shop, clock: FixedClock, version: str) -> dict[str, Any]:
    body = orjson.dumps(
        {
            "context": context("search", clock, core_version=version),
            "message": {"intent": {"item": {"descriptor": {"name": "painting"}}}},
        }
    )
    response = await s.net.post("search", body, signed(body, clock))
    assert response.status_code == 200, response.text
    (on_search,) = await s.unsolicited()
    answer: dict[str, Any] = on_search
    return answer


def _rating(category: str, subject: str, value: str) -> dict[str, str]:
    return {"rating_category": category, "id": subject, "value": value}


async def test_ratings_of_bought_goods_show_as_averages_in_the_1_2_5_catalogue_only(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        s.core_version = "1.2.5"
        providers = await _catalogue(s, clock, "1.2.5")
        assert providers, "the search finds the Kangra painting"
        # Nobody has rated anything yet: no rating is invented.
        assert all("rating" not in p for p in providers)
        assert all("rating" not in i for p in providers for i in p["items"])

        domain, provider, sku = await _confirmed(s, "ODOP-RATE-1")
        on_rating = await s.call(
            "rating",
            {
                "ratings": [
                    _rating("Provider", provider, "5"),
                    _rating("Item", sku, "4"),
                    # Neither bought in this order: acknowledged, not kept.
                    _rating("Item", "odopchamba01", "1"),
                    _rating("Provider", "odopchamba", "1"),
                ]
            },
            domain=domain,
        )
        assert on_rating["message"]["rating_ack"] is True
        # Rating the same item of the same order again replaces the first value.
        await s.call("rating", {"ratings": [_rating("Item", sku, "1")]}, domain=domain)
        await _confirmed(s, "ODOP-RATE-2")
        await s.call("rating", {"ratings": [_rating("Item", sku, "1")]}, domain=domain)

        providers = await _catalogue(s, clock, "1.2.5")
        rated = {p["id"]: p for p in providers}[provider]
        assert rated["rating"] == "5"
        items = {i["id"]: i for i in rated["items"]}
        # (1 + 1) / 2: the replaced 4 is gone (with it, 6 / 3 would show "2").
        assert items[sku]["rating"] == "1"
        assert all("rating" not in i for i in rated["items"] if i["id"] != sku)
        others = [p for p in providers if p["id"] != provider]
        assert all("rating" not in p for p in others)

        # The 1.2.0 catalogue is as it was.
        providers = await _catalogue(s, clock, "1.2.0")
        assert all("rating" not in p for p in providers)
        assert all("rating" not in i for p in providers for i in p["items"])


async def test_a_rating_out_of_range_keeps_nothing_and_says_why(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        s.core_version = "1.2.5"
        domain, provider, sku = await _confirmed(s, "ODOP-RATE-3")
        on_rating = await s.call(
            "rating",
            {"ratings": [_rating("Provider", provider, "5"), _rating("Item", sku, "6")]},
            domain=domain,
        )
        assert on_rating["error"]["code"] == "30015"
        assert "ratings[1].value" in on_rating["error"]["message"]
        providers = await _catalogue(s, clock, "1.2.5")
        assert all("rating" not in p for p in providers)


async def test_the_gate_holds_catalogue_ratings_to_whole_stars(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        s.core_version = "1.2.5"
        domain, provider, sku = await _confirmed(s, "ODOP-RATE-4")
        ratings = [_rating("Provider", provider, "4"), _rating("Item", sku, "5")]
        await s.call("rating", {"ratings": ratings}, domain=domain)
        await _confirmed(s, "ODOP-RATE-5")
        again = [ratings[0], _rating("Item", sku, "4")]
        await s.call("rating", {"ratings": again}, domain=domain)
        on_search = await _on_search(s, clock, "1.2.5")
        rated = {p["id"]: p for p in on_search["message"]["catalog"]["bpp/providers"]}[provider]
        assert rated["rating"] == "4"
        assert {i["id"]: i for i in rated["items"]}[sku]["rating"] == "5"  # 4.5, half up
        assert check_callback("on_search", on_search) == []
        rated["rating"] = "4.0"
        rated["items"][0]["rating"] = "4.5"
        rules = {v.rule for v in check_callback("on_search", on_search)}
        assert {"provider_rating_stars", "item_rating_stars"} <= rules
