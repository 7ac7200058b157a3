"""Searches of one dispatcher round that ask the same thing share one catalogue query, and
the next round sees every catalogue change (real SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import orjson

import schemas
from adapter.catalog import SqlCatalog
from adapter.catalog.importer import import_catalogue
from adapter.catalog.shared_answers import RoundCatalog, search_key
from adapter.core.callbacks import Identity
from adapter.core.clock import FixedClock
from adapter.core.replies import OrderPolicy, provider_rows, reply_to
from adapter.storage import Database, Store
from adapter.storage.catalog import CatalogStore
from tests.fixtures import REPO_ROOT

DEMO = (REPO_ROOT / "config" / "demo" / "odop-catalogue.json").read_bytes()
IDENTITY = Identity("seller.example", "https://seller.example/ondc")


def _search(
    words: str, *, domain: str = "ONDC:RET12", city: str = "std:0177", message_id: str = "m1"
) -> schemas.SearchRequest:
    body = {
        "context": {"domain": domain, "action": "search", "city": city,
                    "transaction_id": f"t-{message_id}", "message_id": message_id},
        "message": {"intent": {"item": {"descriptor": {"name": words}}}},
    }  # fmt: skip
    return schemas.parse(schemas.SearchRequest, orjson.dumps(body))


class CountingCatalog(SqlCatalog):
    """The SQL catalogue, counting the queries that reach it."""

    def __init__(self, store: CatalogStore) -> None:
        super().__init__(store)
        self.queries = 0

    async def providers_for(
        self, search: schemas.SearchRequest, *, now: datetime
    ) -> list[dict[str, Any]]:
        self.queries += 1
        await asyncio.sleep(0)  # let the other searches of the round arrive meanwhile
        return await super().providers_for(search, now=now)


async def _answer(catalog: Any, search: schemas.SearchRequest, now: datetime) -> bytes:
    reply = await reply_to(
        search, identity=IDENTITY, now=now, catalog=catalog, orders=None,  # type: ignore[arg-type]
        policy=OrderPolicy(),
    )  # fmt: skip
    return schemas.dump(reply)


def _names(body: bytes) -> dict[str, str]:
    """Item name -> available count in an on_search body."""
    providers = orjson.loads(body)["message"]["catalog"]["bpp/providers"]
    return {
        item["descriptor"]["name"]: item["quantity"]["available"]["count"]
        for provider in providers
        for item in provider["items"]
    }


async def test_identical_searches_of_a_round_share_one_query_and_answer_the_same_bytes(
    store: Store, clock: FixedClock
) -> None:
    catalogue = CatalogStore(store.database)
    await import_catalogue(DEMO, catalogue, now=clock.now())
    inner = CountingCatalog(catalogue)
    round_catalog = RoundCatalog(inner)
    searches = [_search("shawl", message_id=f"m{n}") for n in range(6)]
    searches.append(_search("shawl", city="std:011", message_id="delhi"))
    searches.append(_search("tea", domain="ONDC:RET10", message_id="tea"))
    bodies = await asyncio.gather(*(_answer(round_catalog, s, clock.now()) for s in searches))
    assert inner.queries == round_catalog.queries == 3  # shawl in Shimla, in Delhi, and tea
    # Each answer is the one the catalogue gives unshared, its own context included.
    for search, body in zip(searches, bodies, strict=True):
        alone = await _answer(SqlCatalog(catalogue), search, clock.now())
        assert body == alone
        assert orjson.loads(body)["context"]["message_id"] == search.context.message_id
    assert set(_names(bodies[0])) == {"Kinnauri Shawl", "Kullu Shawl"}
    assert set(_names(bodies[-1])) == {"Kangra Tea"}


async def test_the_next_round_sees_a_catalogue_change(store: Store, clock: FixedClock) -> None:
    catalogue = CatalogStore(store.database)
    await import_catalogue(DEMO, catalogue, now=clock.now())
    inner = CountingCatalog(catalogue)
    before = await _answer(RoundCatalog(inner), _search("kullu shawl"), clock.now())
    [(_, _, item)] = await catalogue.listings(domain="ONDC:RET12", words=["kullu", "shawl"])
    seller = next(s for s, _, i in await catalogue.listings() if i.sku == item.sku)
    assert _names(before)["Kullu Shawl"] == "99"  # in stock
    assert await catalogue.set_stock(seller.code, [(item.sku, 0)], now=clock.now()) == []
    after = await _answer(RoundCatalog(inner), _search("kullu shawl", message_id="m2"), clock.now())
    assert _names(after)["Kullu Shawl"] == "0"  # sold out, still listed
    assert inner.queries == 2


async def test_a_catalogue_write_through_another_connection_shows_in_the_next_search(
    database_url: str, clock: FixedClock
) -> None:
    # Two databases on the same store: the dispatcher's reads and, as another process
    # would, a seller's write on connections of their own.
    reader, writer = Database.connect(database_url), Database.connect(database_url)
    try:
        catalogue, elsewhere = CatalogStore(reader), CatalogStore(writer)
        await import_catalogue(DEMO, elsewhere, now=clock.now())
        inner = CountingCatalog(catalogue)
        before = await _answer(RoundCatalog(inner), _search("kullu shawl"), clock.now())
        assert _names(before)["Kullu Shawl"] == "99"
        [(seller, _, item)] = await elsewhere.listings(
            domain="ONDC:RET12", words=["kullu", "shawl"]
        )
        assert await elsewhere.set_stock(seller.code, [(item.sku, 0)], now=clock.now()) == []
        again = _search("kullu shawl", message_id="m2")
        after = await _answer(RoundCatalog(inner), again, clock.now())
        assert _names(after)["Kullu Shawl"] == "0"
        assert inner.queries == 2
    finally:
        await reader.dispose()
        await writer.dispose()


async def test_a_failed_query_fails_every_search_that_shared_it_and_not_the_next_round(
    store: Store, clock: FixedClock
) -> None:
    catalogue = CatalogStore(store.database)
    await import_catalogue(DEMO, catalogue, now=clock.now())

    class Flaky(CountingCatalog):
        async def providers_for(
            self, search: schemas.SearchRequest, *, now: datetime
        ) -> list[dict[str, Any]]:
            if self.queries == 0:
                self.queries += 1
                await asyncio.sleep(0)
                raise ValueError("database hiccup")
            return await super().providers_for(search, now=now)

    inner = Flaky(catalogue)
    first = RoundCatalog(inner)
    outcomes = await asyncio.gather(
        *(first.providers_for(_search("shawl", message_id=f"m{n}"), now=clock.now())
          for n in range(3)),
        return_exceptions=True,
    )  # fmt: skip
    assert [type(o) for o in outcomes] == [ValueError] * 3
    again = await RoundCatalog(inner).providers_for(_search("shawl"), now=clock.now())
    assert b"Kullu Shawl" in orjson.dumps(again)


def test_the_key_is_domain_city_and_intent_not_the_ids() -> None:
    one, other = _search("shawl", message_id="a"), _search("shawl", message_id="b")
    assert search_key(one) == search_key(other)
    assert search_key(_search("shawl")) != search_key(_search("shawl", city="std:011"))
    assert search_key(_search("shawl")) != search_key(_search("shawl", domain="ONDC:RET16"))
    assert search_key(_search("shawl")) != search_key(_search("shawls"))


def _intent_search(intent: bytes) -> schemas.SearchRequest:
    context = (b'{"domain":"ONDC:RET12","action":"search","city":"std:0177",'
               b'"transaction_id":"t1","message_id":"m1"}')  # fmt: skip
    body = b'{"context":' + context + b',"message":{"intent":' + intent + b"}}"
    return schemas.parse(schemas.SearchRequest, body)


def test_the_key_holds_every_key_of_the_intent_whatever_its_order() -> None:
    item = b'"item":{"descriptor":{"name":"shawl"}}'
    fulfillment = b'"fulfillment":{"type":"Delivery"}'
    one = _intent_search(b"{" + item + b"," + fulfillment + b"}")
    # The same intent, its keys in another order: the same answer, so one query.
    assert search_key(one) == search_key(_intent_search(b"{" + fulfillment + b"," + item + b"}"))
    # A key the model does not know (kept as an extra) still tells intents apart.
    extra = _intent_search(b"{" + item + b"," + fulfillment + b',"x-note":"gift"}')
    assert search_key(one) != search_key(extra)
    assert search_key(one) != search_key(_intent_search(b"{" + item + b"}"))


def test_a_search_built_in_python_is_keyed_by_its_model_and_never_shares_wrongly() -> None:
    item = b'"item":{"descriptor":{"name":"shawl"}}'
    parsed = _intent_search(b"{" + item + b"}")
    built = schemas.SearchRequest.model_validate(orjson.loads(schemas.dump(parsed)))
    other = schemas.SearchRequest.model_validate(
        orjson.loads(schemas.dump(_intent_search(b'{"item":{"descriptor":{"name":"rumal"}}}')))
    )

    # No JSON as received: pydantic's JSON of the intent, equal for equal intents.
    assert schemas.received_json(built) is None
    assert search_key(built) == search_key(built.model_copy())
    assert search_key(built) != search_key(other)
    # The two kinds of key never meet: a parsed and a built search only miss a share.
    assert search_key(built) != search_key(parsed)
    assert search_key(parsed) == search_key(_intent_search(b"{" + item + b"}"))


async def test_rewriting_answers_share_the_rounds_decoded_providers(
    store: Store, clock: FixedClock
) -> None:
    catalogue = CatalogStore(store.database)
    await import_catalogue(DEMO, catalogue, now=clock.now())
    inner = CountingCatalog(catalogue)
    round_catalog = RoundCatalog(inner)
    first, second = await asyncio.gather(
        provider_rows(round_catalog, _search("shawl", message_id="a"), now=clock.now()),
        provider_rows(round_catalog, _search("shawl", message_id="b"), now=clock.now()),
    )
    # One query, and the B2B and catalogue-link answers read the same objects: nothing is
    # serialised and decoded again per search.
    assert inner.queries == 1
    assert first is second
    alone = await SqlCatalog(catalogue).providers_for(_search("shawl"), now=clock.now())
    assert first == alone
    # The retail answers of the same round embed those providers serialised.
    fragment = await round_catalog.providers_for(_search("shawl", message_id="c"), now=clock.now())
    assert orjson.loads(orjson.dumps(fragment)) == alone
    assert inner.queries == 1
