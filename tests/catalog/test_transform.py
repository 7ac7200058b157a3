"""The catalogue transform and search match: pure, no store, no network."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from decimal import Decimal

import pytest

import schemas
from catalog_sync.records import ItemRecord, LocationRecord, SellerRecord
from catalog_sync.transform import (
    distance_km,
    item_payload,
    matches,
    normalise,
    provider_payload,
    serves,
)

NOW = datetime(2026, 11, 23, 10, 0, 0, 123000, tzinfo=UTC)
SELLER = SellerRecord(
    code="odopkullu", name="Kullu ODOP Producers' Cooperative", name_hi="कुल्लू सहकारी",
    district="Kullu", short_desc="Handloom of Kullu", symbol="https://x.example/s.png",
    phone="9800000000", email="kullu@odop.example", fssai=None,
)  # fmt: skip
LOCATION = LocationRecord(
    code="odopkulluhq", street="Akhara Bazar", locality="Kullu", city="Kullu",
    state="Himachal Pradesh", pincode="175101", std_code="01902", gps="31.950000,77.110000",
)  # fmt: skip
SHAWL_ATTRIBUTES = {
    "gender": "unisex", "colour": "#2F4F4F", "colour_name": "slate grey", "size": "Free Size",
    "brand": "Kullu ODOP", "size_chart": "https://x.example/size-chart.png", "fabric": "wool",
}  # fmt: skip
SHAWL = ItemRecord(
    sku="ks-01", domain="ONDC:RET12", category_id="Dupattas & Shawls", name="Kullu Shawl",
    name_hi="कुल्लू शॉल", short_desc="Handloom wool shawl", long_desc="Kullu shawl, GI tagged",
    images=("https://x.example/ks.jpg",), price=Decimal("7725.00"), mrp=Decimal("8498.00"),
    available=3, maximum=2, unit="unit", unit_value="1", returnable=True, cancellable=True,
    return_window="P7D", time_to_ship="P5D", gi_tag="Kullu Shawl", odop_district="Kullu",
)  # fmt: skip


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("shawl", True), ("SHAWL", True), ("shaw", True), ("kullu shawl", True),
        ("Kullū", True), ("शॉल", True), ("कुल्लू", True), ("tea", False), ("shawl tea", False),
        ("", True),
    ],
)  # fmt: skip
def test_search_matches_names_in_english_and_hindi_partially_and_without_accents(
    query: str, found: bool
) -> None:
    assert matches(SHAWL, query) is found


def test_category_narrows_the_match() -> None:
    assert matches(SHAWL, "shawl", category="dupattas & shawls")
    assert not matches(SHAWL, "shawl", category="Home Decor")


def test_normalise_folds_case_accents_and_spaces() -> None:
    assert normalise("  Kullū   SHAWL ") == "kullu shawl"


def test_item_shows_99_in_stock_and_never_more_than_there_is() -> None:
    payload = item_payload(SELLER, LOCATION, SHAWL, now=NOW)
    assert payload["quantity"]["available"] == {"count": "99"}
    assert payload["quantity"]["maximum"] == {"count": "2"}
    one_left = item_payload(SELLER, LOCATION, _with(available=1), now=NOW)
    assert one_left["quantity"]["maximum"] == {"count": "1"}
    sold_out = item_payload(SELLER, LOCATION, _with(available=0), now=NOW)
    assert sold_out["quantity"]["available"] == {"count": "0"}
    # Still listed: "disable" is the soft delete, and buyer apps drop the item.
    assert sold_out["time"]["label"] == "enable"


def _with(**changes: object) -> ItemRecord:
    return dataclasses.replace(SHAWL, **changes)  # type: ignore[arg-type]


def test_item_carries_the_ondc_fields_and_provenance_in_its_own_group() -> None:
    payload = item_payload(SELLER, LOCATION, SHAWL, now=NOW)
    assert payload["price"] == {"currency": "INR", "value": "7725.00", "maximum_value": "8498.00"}
    assert payload["descriptor"]["code"] == "5:ks-01"
    assert payload["@ondc/org/time_to_ship"] == "P5D"
    assert payload["@ondc/org/contact_details_consumer_care"].count(",") == 2
    groups = {group["code"]: group["list"] for group in payload["tags"]}
    assert {"code": "gi_tag", "value": "Kullu Shawl"} in groups["odop"]
    assert groups["localised_name"] == [{"code": "hi", "value": "कुल्लू शॉल"}]
    assert "attribute" not in groups
    assert payload["time"]["timestamp"] == "2026-11-23T10:00:00.123Z"


def test_provider_payload_is_a_valid_wire_provider_that_round_trips() -> None:
    payload = provider_payload(SELLER, LOCATION, [SHAWL], now=NOW)
    provider = schemas.Provider.model_validate(payload)
    assert provider.id == "odopkullu"
    assert payload["locations"][0]["gps"] == "31.950000,77.110000"
    assert payload["locations"][0]["address"]["area_code"] == "175101"
    [serviceability] = [tag for tag in payload["tags"] if tag["code"] == "serviceability"]
    assert {"code": "type", "value": "12"} in serviceability["list"]
    assert schemas.dump(provider).count(b"\\u") == 0  # Hindi stays raw UTF-8


def test_distance_between_shimla_and_kullu_is_about_ninety_km() -> None:
    assert 80 < distance_km("31.103300,77.172200", "31.950000,77.110000") < 100


def test_serviceability_pan_india_hyperlocal_and_intercity() -> None:
    shimla = "31.103300,77.172200"
    hyperlocal = dataclasses.replace(LOCATION, serviceability="10", radius_km=20)
    intercity = dataclasses.replace(LOCATION, serviceability="11")
    assert serves(LOCATION, gps=shimla, pincode="171001")  # pan-India
    assert serves(hyperlocal, gps="31.960000,77.100000", pincode=None)  # a few km away
    assert not serves(hyperlocal, gps=shimla, pincode=None)  # ninety km away
    assert serves(hyperlocal, gps=None, pincode="175101")
    assert not serves(hyperlocal, gps=None, pincode="171001")
    assert serves(intercity, gps=None, pincode="175125")
    assert not serves(intercity, gps=None, pincode="171001")


def test_attributes_travel_in_the_attribute_group_and_provenance_stays_apart() -> None:
    shawl = dataclasses.replace(SHAWL, attributes=SHAWL_ATTRIBUTES)
    tags = {
        tag["code"]: tag["list"] for tag in item_payload(SELLER, LOCATION, shawl, now=NOW)["tags"]
    }
    assert tags["attribute"] == [{"code": k, "value": v} for k, v in SHAWL_ATTRIBUTES.items()]
    assert {"code": "gi_tag", "value": "Kullu Shawl"} in tags["odop"]
    assert not any(entry["code"] in ("gi_tag", "district", "scheme") for entry in tags["attribute"])


def test_an_item_without_attributes_sends_no_attribute_group() -> None:
    tags = item_payload(SELLER, LOCATION, SHAWL, now=NOW)["tags"]
    assert "attribute" not in {tag["code"] for tag in tags}


TEA = dataclasses.replace(
    SHAWL, sku="kt01", domain="ONDC:RET10", category_id="Tea and Coffee", name="Kangra Tea",
    name_hi="कांगड़ा चाय", long_desc="Kangra Tea", gi_tag="Kangra Tea", odop_district="Kangra",
    attributes={"brand": "Kangra ODOP", "veg_nonveg": "veg"},
)  # fmt: skip


def test_grocery_sends_only_the_tag_groups_ret10_allows_and_marks_the_diet() -> None:
    payload = item_payload(SELLER, LOCATION, TEA, now=NOW)
    assert payload["tags"] == [
        {"code": "origin", "list": [{"code": "country", "value": "IND"}]},
        {"code": "veg_nonveg", "list": [{"code": "veg", "value": "yes"}]},
    ]


def test_grocery_keeps_its_hindi_name_and_provenance_in_the_long_description() -> None:
    long_desc = item_payload(SELLER, LOCATION, TEA, now=NOW)["descriptor"]["long_desc"]
    assert long_desc == (
        "Kangra Tea कांगड़ा चाय. One District One Product of Kangra district, Himachal Pradesh. "
        "Geographical Indication: Kangra Tea."
    )
    assert item_payload(SELLER, LOCATION, SHAWL, now=NOW)["descriptor"]["long_desc"] == (
        "Kullu shawl, GI tagged"
    ), "fashion keeps provenance in its odop group, the text as the seller wrote it"


def test_a_provider_lets_buyer_apps_keep_its_catalogue_for_a_day() -> None:
    assert provider_payload(SELLER, LOCATION, [SHAWL], now=NOW)["ttl"] == "P1D"
