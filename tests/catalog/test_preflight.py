"""Pre-flight checks: items that would be refused by buyer apps are held back, with reasons."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import orjson

from adapter.catalog import SqlCatalog
from adapter.catalog.importer import import_catalogue, read_catalogue
from adapter.core.clock import FixedClock
from adapter.storage import Store
from adapter.storage.catalog import CatalogStore
from catalog_sync.preflight import PACKAGED_COMMODITIES, PREPACKAGED_FOOD, preflight
from catalog_sync.records import ItemRecord, LocationRecord
from tests.catalog.test_import_and_search import DEMO, _search
from tests.catalog.test_transform import SHAWL_ATTRIBUTES

LOCATION = LocationRecord(
    code="hq", street="Mall Road", locality="Shimla", city="Shimla", state="Himachal Pradesh",
    pincode="171001", std_code="0177", gps="31.103300,77.172200",
)  # fmt: skip
TEA = ItemRecord(
    sku="tea-1", domain="ONDC:RET10", category_id="Tea and Coffee", name="Kangra Tea",
    name_hi="कांगड़ा चाय", short_desc="Orthodox black tea", long_desc="Kangra valley tea",
    images=("https://x.example/t.jpg",), price=Decimal("200.00"), mrp=Decimal("220.00"),
    available=10, maximum=5, unit="gram", unit_value="250", returnable=True, cancellable=True,
    return_window="P7D", time_to_ship="P2D",
    attributes={"brand": "Kangra ODOP", "veg_nonveg": "veg"},
    statutory={
        PACKAGED_COMMODITIES: {
            "manufacturer_or_packer_name": "Kangra Tea Cooperative",
            "manufacturer_or_packer_address": "Palampur, Himachal Pradesh 176061",
            "common_or_generic_name_of_commodity": "Tea",
            "month_year_of_manufacture_packing_import": "10/2026",
        },
        PREPACKAGED_FOOD: {"nutritional_info": "Energy 2 kcal per cup",
                           "brand_owner_FSSAI_license_no": "10026000000001"},
    },
)  # fmt: skip


def test_a_complete_packaged_food_item_passes() -> None:
    assert preflight(LOCATION, TEA) == []


def test_missing_legal_metrology_fields_are_named() -> None:
    item = dataclasses.replace(TEA, statutory={PREPACKAGED_FOOD: TEA.statutory[PREPACKAGED_FOOD]})
    [reason] = preflight(LOCATION, item)
    assert "manufacturer_or_packer_name" in reason
    assert "month_year_of_manufacture_packing_import" in reason


def test_packaged_food_needs_a_14_digit_fssai_licence() -> None:
    food = {**TEA.statutory[PREPACKAGED_FOOD], "brand_owner_FSSAI_license_no": "12345"}
    item = dataclasses.replace(TEA, statutory={**TEA.statutory, PREPACKAGED_FOOD: food})
    assert preflight(LOCATION, item) == [
        "packaged food needs the brand owner's 14-digit FSSAI licence"
    ]


def test_loose_produce_and_handicrafts_need_no_statutory_block() -> None:
    apples = dataclasses.replace(TEA, category_id="Fruits and Vegetables", statutory={})
    shawl = dataclasses.replace(TEA, domain="ONDC:RET12", category_id="Dupattas & Shawls",
                                statutory={}, attributes=SHAWL_ATTRIBUTES)  # fmt: skip
    assert preflight(LOCATION, apples) == []
    assert preflight(LOCATION, shawl) == []


def test_location_rules_catch_a_wrong_pincode_gps_and_radius() -> None:
    wrong = dataclasses.replace(
        LOCATION, pincode="110001", gps="51.500000,-0.120000", serviceability="10", radius_km=400
    )
    reasons = preflight(wrong, TEA)
    assert any("110001 is not a Himachal Pradesh pincode" in r for r in reasons)
    assert any("outside India" in r for r in reasons)
    assert any("1 to 50 km" in r for r in reasons)


async def test_a_held_item_is_stored_but_not_offered_to_buyers(
    store: Store, clock: FixedClock
) -> None:
    data = orjson.loads(DEMO)
    kangra = next(s for s in data["sellers"] if s["seller"]["district"] == "Kangra")
    del kangra["items"][0]["packaged_commodities"]  # the tea
    _, report = read_catalogue(orjson.dumps(data))
    [held] = report.held
    assert held.row == "odopkangra item odopkangra01"
    catalogue = CatalogStore(store.database)
    await import_catalogue(orjson.dumps(data), catalogue, now=clock.now())
    providers = await SqlCatalog(catalogue).providers_for(
        _search("tea", domain="ONDC:RET10"), now=clock.now()
    )
    assert providers == []
    [(item, reasons)] = [pair for pair in await catalogue.items_of("odopkangra")
                         if pair[0].sku == "odopkangra01"]  # fmt: skip
    assert item.name == "Kangra Tea"
    assert "Legal Metrology" in reasons[0]
