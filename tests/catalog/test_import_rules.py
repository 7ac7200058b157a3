"""Catalogue files held to ONDC's rules: a value a rule refuses is a row error naming the
row, the column and the rule; what a rule misses holds the item back from buyers, said in
the report, until a later import gives it."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select, update

from adapter.catalog import SqlCatalog
from adapter.catalog.importer import RowProblem, import_catalogue, read_catalogue_file
from adapter.catalog.spreadsheet import COMMODITY_COLUMNS, template_csv
from adapter.core.clock import FixedClock
from adapter.storage import Store
from adapter.storage.catalog import CatalogStore
from adapter.storage.held_items import HeldItems
from adapter.storage.tables import items
from tests.catalog.test_import_and_search import _search


def _sheet(category: str, domain: str, **cells: str) -> bytes:
    """The category's template with its example row changed by ``cells`` (column: value)."""
    header, example = list(csv.reader(io.StringIO(template_csv(category, domain).decode())))
    row = dict(zip(header, example, strict=True)) | cells
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerow([row[column] for column in header])
    return out.getvalue().encode()


def test_values_the_rules_refuse_are_row_errors_naming_the_rule() -> None:
    raw = _sheet(
        "Home Decor",
        "ONDC:RET16",
        sku="rumal-01",
        **{"attribute.colour_name": "dark red"},
    )
    accepted, report = read_catalogue_file("catalogue.csv", raw)
    assert report.landed == []
    assert accepted == [(accepted[0][0], accepted[0][1], [])]
    assert report.problems == [
        RowProblem(
            "row 2 (odopkullu rumal-01)",
            "sku",
            "'rumal-01' is not allowed here: letters, digits, '_' and '/' (no '-'), at most "
            "36 characters (rule RET16 ITEMS_ID)",
        ),
        RowProblem(
            "row 2 (odopkullu rumal-01)",
            "attribute.colour_name",
            "'dark red' is not one of ['black', 'grey', 'white', 'off-white', 'transparent', "
            "'blue', 'red', 'green', 'yellow', 'brown', 'pink', 'orange', 'turquoise', 'gold', "
            "'purple', 'beige', 'silver', 'multicoloured', 'active black', 'fixed/alpha', "
            "'coral', 'maroon', 'lavender', 'clear', 'bronze'] (rule RET16 item_colour_name)",
        ),
    ]


def test_a_hyphenated_id_lands_where_the_domains_rule_takes_it() -> None:
    _, report = read_catalogue_file(
        "catalogue.csv", _sheet("Dupattas & Shawls", "ONDC:RET12", sku="kullu-shawl-01")
    )
    assert report.problems == []
    assert report.landed == ["row 2 (odopkullu kullu-shawl-01)"]


async def test_a_missing_statutory_block_holds_the_item_until_a_later_import_gives_it(
    store: Store, clock: FixedClock
) -> None:
    blank = {column: "" for column in COMMODITY_COLUMNS}
    raw = _sheet("Home Decor", "ONDC:RET16", **blank)
    _, report = read_catalogue_file("catalogue.csv", raw)
    assert report.problems == []
    [held] = report.held
    assert held.row == "row 2 (odopkullu ks001)"
    assert "manufacturer_or_packer_name: is required (rule RET16 MANUFACTURER_OR_PACKER_NAME)" in (
        held.reason
    )

    catalogue = CatalogStore(store.database)
    finder = SqlCatalog(catalogue)
    await import_catalogue(raw, catalogue, now=clock.now(), name="catalogue.csv")
    search = _search("shawl", domain="ONDC:RET16", city="std:01902")
    assert await finder.providers_for(search, now=clock.now()) == []
    [listed] = await HeldItems(store.database).of("odopkullu")
    assert listed.sku == "ks001"
    assert any("RET16 MONTH_YEAR_OF_MANUFACTURE_PACKING_IMPORT" in r for r in listed.reasons)

    fixed = _sheet("Home Decor", "ONDC:RET16")
    report = await import_catalogue(fixed, catalogue, now=clock.now(), name="catalogue.csv")
    assert report.held == []
    assert await HeldItems(store.database).of("odopkullu") == []
    [provider] = await finder.providers_for(search, now=clock.now())
    assert [item["id"] for item in provider["items"]] == ["ks001"]


async def test_a_recheck_publishes_what_passes_now_and_holds_what_does_not(
    store: Store, clock: FixedClock
) -> None:
    catalogue = CatalogStore(store.database)
    await import_catalogue(
        _sheet("Home Decor", "ONDC:RET16"), catalogue, now=clock.now(), name="catalogue.csv"
    )
    held = HeldItems(store.database)
    assert (await held.recheck(now=clock.now())).held == []
    # An item stored by an older release, whose pre-flight said something the rules no
    # longer say, is published by the recheck; one whose record breaks a rule is held.
    async with store.database.transaction() as connection:
        await connection.execute(update(items).values(held=["an old reason"], published=False))
    result = await held.recheck("odopkullu", now=clock.now())
    assert (result.checked, result.held, result.released) == (1, [], [("odopkullu", "ks001")])
    [(_, reasons)] = await catalogue.items_of("odopkullu")
    assert reasons == []

    async with store.database.transaction() as connection:
        [record] = (await connection.execute(select(items.c.record))).scalars()
        record["attributes"]["colour_name"] = "dark red"
        await connection.execute(update(items).values(record=record))
    result = await held.recheck(now=clock.now())
    [still] = result.held
    assert (still.seller_code, still.sku, result.released) == ("odopkullu", "ks001", [])
    assert still.reasons[0].startswith("attribute.colour_name: 'dark red' is not one of")
    [(_, reasons)] = await catalogue.items_of("odopkullu")
    assert reasons == list(still.reasons)
