"""Large on_search answers are split under a size budget, never truncated."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from adapter.catalog.importer import import_catalogue
from adapter.core.catalog_split import split_on_search
from adapter.core.clock import FixedClock
from adapter.storage.catalog import CatalogStore
from tests.catalog.test_import_and_search import DEMO
from tests.network.peers import edge, search_body, signed


def _answer(providers: list[dict[str, Any]]) -> bytes:
    return orjson.dumps(
        {"context": {"action": "on_search", "message_id": "m"},
         "message": {"catalog": {"bpp/descriptor": {"name": "x"}, "bpp/providers": providers}}}
    )  # fmt: skip


def _items(parts: list[bytes]) -> list[tuple[str, str]]:
    found = []
    for part in parts:
        for provider in orjson.loads(part)["message"]["catalog"]["bpp/providers"]:
            found.extend((provider["id"], item["id"]) for item in provider.get("items", []))
    return found


def test_an_answer_within_the_budget_is_sent_as_it_is() -> None:
    body = _answer([{"id": "p", "items": [{"id": "i"}]}])
    assert split_on_search(body, 10_000) == [body]


@settings(max_examples=60, deadline=None)
@given(
    shape=st.lists(st.lists(st.integers(min_value=10, max_value=900), max_size=12), max_size=8),
    budget=st.integers(min_value=1_200, max_value=6_000),
)
def test_every_item_is_in_exactly_one_part_and_parts_fit_the_budget(
    shape: list[list[int]], budget: int
) -> None:
    providers = [
        {"id": f"p{n}", "descriptor": {"name": "शॉल"}, "items": [
            {"id": f"p{n}-i{m}", "pad": "x" * size} for m, size in enumerate(sizes)]}
        for n, sizes in enumerate(shape)
    ]  # fmt: skip
    body = _answer(providers)
    parts = split_on_search(body, budget)
    assert _items(parts) == _items([body])
    for part in parts:
        assert len(part) <= budget
        document = orjson.loads(part)
        assert document["context"] == {"action": "on_search", "message_id": "m"}


def test_an_item_larger_than_the_budget_travels_alone() -> None:
    body = _answer([{"id": "p", "items": [{"id": "small"}, {"id": "big", "pad": "x" * 5000},
                                           {"id": "small2"}]}])  # fmt: skip
    parts = split_on_search(body, 1000)
    assert _items(parts) == [("p", "small"), ("p", "big"), ("p", "small2")]
    assert any(len(part) > 1000 and _items([part]) == [("p", "big")] for part in parts)


async def test_a_full_catalogue_over_the_budget_arrives_in_several_signed_callbacks(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock, ONDC_ON_SEARCH_MAX_BYTES="20000") as net:
        runtime = net.app.state.runtime
        await import_catalogue(DEMO, CatalogStore(runtime.store.database), now=clock.now())
        body = search_body(clock, domain="ONDC:RET10")
        body = body.replace("शॉल".encode(), b"")  # a full-catalogue search: no item name
        await net.post("search", body, signed(body, clock))
        while await net.dispatch():
            pass
        assert len(net.received) >= 2
        message_ids = {orjson.loads(r.content)["context"]["message_id"] for r in net.received}
        assert message_ids == {orjson.loads(body)["context"]["message_id"]}
        assert all(len(r.content) <= 20_000 for r in net.received)
        found = _items([r.content for r in net.received])
        demo = orjson.loads(DEMO)["sellers"]
        expected = {(s["seller"]["code"], i["sku"]) for s in demo for i in s["items"]
                    if i["domain"] == "ONDC:RET10"}  # fmt: skip
        assert len(found) == len(set(found))  # each item once
        assert set(found) == expected


def _group(code: str, group: str) -> dict[str, Any]:
    return {"code": code, "list": [{"code": "id", "value": group}]}


def test_a_customisation_travels_in_its_items_part() -> None:
    # Each rumal and its name to embroider (retail 1.2.5) would fall either side of a part's
    # edge if split item by item.
    items: list[dict[str, Any]] = []
    for n in range(6):
        items.append(
            {"id": f"rumal{n}", "pad": "x" * 300, "tags": [_group("custom_group", f"CG{n}")]}
        )
        items.append({"id": f"C{n}", "pad": "y" * 300, "tags": [_group("parent", f"CG{n}")]})
    body = _answer([{"id": "p", "items": items}])
    parts = split_on_search(body, 1_500)
    assert len(parts) > 1
    assert _items(parts) == _items([body]), "the order and every item kept"
    for part in parts:
        ids = [item for _, item in _items([part])]
        for n in range(6):
            assert (f"rumal{n}" in ids) == (f"C{n}" in ids), ids
