"""Bulk import with a row-level report, and search over the SQL catalogue (every backend)."""

from __future__ import annotations

import copy
from typing import Any

import orjson
import pytest
from alembic import command
from sqlalchemy import text

import schemas
from adapter.catalog import SqlCatalog
from adapter.catalog.importer import import_catalogue, read_catalogue
from adapter.core.clock import FixedClock
from adapter.storage import Database, Store, upgrade
from adapter.storage.catalog import CatalogStore
from adapter.storage.migrate import alembic_config
from tests.fixtures import REPO_ROOT, odop_districts

DEMO = (REPO_ROOT / "config" / "demo" / "odop-catalogue.json").read_bytes()


def _demo() -> dict[str, Any]:
    data: dict[str, Any] = orjson.loads(DEMO)
    return data


def _search(
    words: str, *, domain: str, city: str = "std:0177", **intent: Any
) -> schemas.SearchRequest:
    body = {
        "context": {"domain": domain, "action": "search", "city": city},
        "message": {"intent": {"item": {"descriptor": {"name": words}}, **intent}},
    }
    return schemas.parse(schemas.SearchRequest, orjson.dumps(body))


def test_demo_catalogue_has_every_district_and_product_of_the_odop_list() -> None:
    sellers = _demo()["sellers"]
    assert {s["seller"]["district"] for s in sellers} == {d["district"] for d in odop_districts()}
    expected = sum(len(d["odop_products"]) for d in odop_districts())
    assert sum(len(s["items"]) for s in sellers) == expected
    _, report = read_catalogue(DEMO)
    assert report.problems == []
    assert len(report.landed) == expected


def test_bad_rows_are_reported_with_their_field_and_good_rows_still_land() -> None:
    data = _demo()
    kullu = next(s for s in data["sellers"] if s["seller"]["district"] == "Kullu")
    kullu["items"][0]["price"] = "99999.00"  # above the MRP
    kullu["items"][1]["time_to_ship"] = "two days"
    kullu["items"].append(copy.deepcopy(kullu["items"][2]))  # duplicate SKU
    kullu["location"]["gps"] = "31.95,77.11"  # not six decimals
    chamba = next(s for s in data["sellers"] if s["seller"]["district"] == "Chamba")
    chamba["items"][0]["colour"] = "red"  # unknown field
    accepted, report = read_catalogue(orjson.dumps(data))
    reasons = {(p.row, p.field): p.reason for p in report.problems}
    assert ("seller odopkullu", "gps") in reasons
    assert any("chamba" in row and field == "colour" for row, field in reasons)
    assert not any("odopkullu item" in p.row for p in report.problems)  # the seller was refused
    landed_sellers = {seller.code for seller, _, _ in accepted}
    assert "odopkullu" not in landed_sellers
    assert "odopkangra" in landed_sellers
    kullu["location"]["gps"] = "31.950000,77.110000"
    _, report = read_catalogue(orjson.dumps(data))
    reasons = {p.row: f"{p.field}: {p.reason}" for p in report.problems}
    assert "above the MRP" in reasons["odopkullu item odopkullu01"]
    assert "ISO 8601 duration" in reasons["odopkullu item odopkullu02"]
    assert "appears twice" in reasons["odopkullu item odopkullu03"]


@pytest.mark.parametrize("raw", [b"not json", b"[]", b'{"sellers": 3}'])
def test_a_file_that_is_not_a_catalogue_is_one_clear_problem(raw: bytes) -> None:
    accepted, report = read_catalogue(raw)
    assert accepted == []
    [problem] = report.problems
    assert problem.row == "file"


async def test_import_is_idempotent_by_sku_and_updates_prices(
    store: Store, clock: FixedClock
) -> None:
    catalogue = CatalogStore(store.database)
    first = await import_catalogue(DEMO, catalogue, now=clock.now())
    again = await import_catalogue(DEMO, catalogue, now=clock.now())
    assert len(first.landed) == len(again.landed) == 19
    assert len(await catalogue.listings()) == 19
    data = _demo()
    data["sellers"][0]["items"][0]["price"] = "150.00"
    await import_catalogue(orjson.dumps(data), catalogue, now=clock.now())
    listings = await catalogue.listings()
    assert len(listings) == 19
    assert {str(i.price) for s, _, i in listings if i.sku == "odopbilaspur01"} == {"150.00"}


@pytest.mark.parametrize(
    ("words", "domain", "expected"),
    [
        ("shawl", "ONDC:RET12", {"Kinnauri Shawl", "Kullu Shawl"}),
        ("शॉल", "ONDC:RET12", {"Kinnauri Shawl", "Kullu Shawl"}),
        # Typed with a zero-width joiner, a non-joiner, a zero-width space or a BOM.
        ("श\u200dॉल", "ONDC:RET12", {"Kinnauri Shawl", "Kullu Shawl"}),
        ("शॉ\u200cल", "ONDC:RET12", {"Kinnauri Shawl", "Kullu Shawl"}),
        ("\u200bशॉल\ufeff", "ONDC:RET12", {"Kinnauri Shawl", "Kullu Shawl"}),
        ("कुल्लू\u200d शॉल", "ONDC:RET12", {"Kullu Shawl"}),
        ("SHAW", "ONDC:RET12", {"Kinnauri Shawl", "Kullu Shawl"}),
        ("tea", "ONDC:RET10", {"Kangra Tea"}),
        ("चाय", "ONDC:RET10", {"Kangra Tea"}),
        ("rumal", "ONDC:RET16", {"Chamba Rumal"}),
        ("shawl", "ONDC:RET10", set()),
    ],
)
async def test_search_by_name_in_shimla_finds_the_odop_products(
    store: Store, clock: FixedClock, words: str, domain: str, expected: set[str]
) -> None:
    catalogue = CatalogStore(store.database)
    await import_catalogue(DEMO, catalogue, now=clock.now())
    providers = await SqlCatalog(catalogue).providers_for(
        _search(words, domain=domain), now=clock.now()
    )
    found = {item["descriptor"]["name"] for p in providers for item in p["items"]}
    assert found == expected


async def test_a_hindi_name_stored_with_invisible_characters_is_found_by_plain_words(
    store: Store, clock: FixedClock
) -> None:
    data = _demo()
    entry = next(s for s in data["sellers"] if s["seller"]["district"] == "Kullu")
    shawl = next(i for i in entry["items"] if i["name"] == "Kullu Shawl")
    shawl["name_hi"] = "कु\u200dल्लू श\u200cॉ\u00adल"
    catalogue = CatalogStore(store.database)
    report = await import_catalogue(orjson.dumps(data), catalogue, now=clock.now())
    assert not report.problems
    for words in ("कुल्लू शॉल", "श\u200dॉल"):
        providers = await SqlCatalog(catalogue).providers_for(
            _search(words, domain="ONDC:RET12"), now=clock.now()
        )
        found = {item["descriptor"]["name"] for p in providers for item in p["items"]}
        assert "Kullu Shawl" in found, words


async def test_full_catalogue_search_returns_every_item_of_the_domain_grouped_by_seller(
    store: Store, clock: FixedClock
) -> None:
    catalogue = CatalogStore(store.database)
    await import_catalogue(DEMO, catalogue, now=clock.now())
    providers = await SqlCatalog(catalogue).providers_for(
        _search("", domain="ONDC:RET16"), now=clock.now()
    )
    assert {p["id"] for p in providers} == {"odopchamba", "odopkangra"}
    assert all(len(p["items"]) == 1 for p in providers)


async def test_a_hyperlocal_seller_is_offered_only_near_the_buyers_end_location(
    store: Store, clock: FixedClock
) -> None:
    data = _demo()
    kullu = next(s for s in data["sellers"] if s["seller"]["district"] == "Kullu")
    kullu["location"].update({"serviceability": "10", "radius_km": 25})
    catalogue = CatalogStore(store.database)
    await import_catalogue(orjson.dumps(data), catalogue, now=clock.now())
    near = {"fulfillment": {"end": {"location": {"gps": "31.9579, 77.1095"}}}}
    far = {"fulfillment": {"end": {"location": {"gps": "31.1033, 77.1722"}}}}
    found = {}
    for label, intent in (("near", near), ("far", far)):
        providers = await SqlCatalog(catalogue).providers_for(
            _search("shawl", domain="ONDC:RET12", city="*", **intent), now=clock.now()
        )
        found[label] = {p["id"] for p in providers}
    assert found["near"] == {"odopkinnaur", "odopkullu"}
    assert found["far"] == {"odopkinnaur"}


async def test_listings_of_one_seller_by_sku_and_filters_reused_with_other_values(
    store: Store, clock: FixedClock
) -> None:
    catalogue = CatalogStore(store.database)
    await import_catalogue(DEMO, catalogue, now=clock.now())
    everything = await catalogue.listings()
    seller, _, item = everything[0]
    stranger_seller, _, stranger = next(row for row in everything if row[0].code != seller.code)
    # The same filters twice with other values: each call binds its own.
    for skus in ([item.sku], [item.sku, stranger.sku]):
        found = await catalogue.listings(seller_code=seller.code, skus=skus)
        assert [(s.code, i.sku) for s, _, i in found] == [(seller.code, item.sku)]
    found = await catalogue.listings(seller_code=stranger_seller.code, skus=[stranger.sku])
    assert [(s.code, i.sku) for s, _, i in found] == [(stranger_seller.code, stranger.sku)]
    found = await catalogue.listings(skus=[item.sku, stranger.sku])
    assert {i.sku for _, _, i in found} == {item.sku, stranger.sku}
    assert await catalogue.listings(seller_code=seller.code, skus=[]) == []
    kullu = await catalogue.listings(domain="ONDC:RET12", words=["kullu", "shawl"])
    assert [i.name for _, _, i in kullu] == ["Kullu Shawl"]
    kinnaur = await catalogue.listings(domain="ONDC:RET12", words=["kinnauri", "shawl"])
    assert [i.name for _, _, i in kinnaur] == ["Kinnauri Shawl"]


async def test_the_migration_cleans_search_text_stored_with_invisible_characters(
    database_url: str, clock: FixedClock
) -> None:
    """Items imported before invisible characters were ignored are found after upgrading."""
    command.downgrade(alembic_config(database_url), "0011")
    database = Database.connect(database_url)
    try:
        catalogue = CatalogStore(database)
        await import_catalogue(DEMO, catalogue, now=clock.now())
        # As the older code stored it: the joiner kept in the searchable text.
        async with database.transaction() as connection:
            await connection.execute(
                text(
                    "UPDATE items SET search_text = REPLACE(search_text, 'शॉल', :old) "
                    "WHERE search_text LIKE :like"
                ),
                {"old": "श\u200dॉल", "like": "%शॉल%"},
            )

        async def found() -> set[str]:
            providers = await SqlCatalog(catalogue).providers_for(
                _search("शॉल", domain="ONDC:RET12"), now=clock.now()
            )
            return {item["descriptor"]["name"] for p in providers for item in p["items"]}

        assert await found() == set()
        upgrade(database_url)
        assert await found() == {"Kinnauri Shawl", "Kullu Shawl"}
    finally:
        await database.dispose()


@pytest.mark.parametrize(
    ("domain", "words", "some"),
    [
        ("ONDC:RET12", ["shawl"], True),
        ("ONDC:RET12", ["kullu", "shawl"], True),
        ("ONDC:RET10", ["te"], True),  # too short for the trigram index: LIKE alone
        ("ONDC:RET16", ["शॉल"], False),
        ("ONDC:RET10", [], True),
        (None, ["100%_"], False),  # LIKE's wildcards, escaped
    ],
)
async def test_a_search_read_as_driver_sql_finds_what_sqlalchemy_finds(
    store: Store, clock: FixedClock, domain: str | None, words: list[str], some: bool
) -> None:
    from adapter.storage.catalog import _like, _listings_query
    from catalog_sync.transform import normalise

    catalogue = CatalogStore(store.database)
    await import_catalogue(DEMO, catalogue, now=clock.now())
    sqlite = store.database.dialect == "sqlite"
    wanted = [normalise(word) for word in words if normalise(word)]
    indexed = [word for word in wanted if len(word) >= 3]
    query = _listings_query(
        fts=bool(indexed) and sqlite, domain=domain is not None, published_only=True,
        changed=False, seller=False, skus=False, words=len(wanted), sqlite=sqlite,
    )  # fmt: skip
    values: dict[str, Any] = {f"word_{n}": _like(word) for n, word in enumerate(wanted)}
    values["phrase"] = " AND ".join(f'"{word}"' for word in indexed)
    if domain is not None:
        values["domain"] = domain
    rows = await store.database.read(lambda connection: connection.execute(query, values).all())

    found = await catalogue.listings(domain=domain, words=words)

    assert [(s.code, item.sku, item.available) for s, _, item in found] == [
        (orjson.loads(seller)["code"], orjson.loads(item)["sku"], available)
        for _, seller, _, _, item, available in rows
    ]
    assert bool(found) == some
