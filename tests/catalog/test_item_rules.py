"""An item held to the conformance gate's rules before it is published: each problem names
the seller's field and the rule, and tells a wrong value (refused) from a missing one
(held back)."""

from __future__ import annotations

import dataclasses
from typing import Any

import orjson
import pytest

from adapter.catalog.rows import ItemRow, LocationRow, SellerRow
from catalog_sync.item_rules import RuleProblem, field_of, item_rules, rule_problems
from catalog_sync.preflight import PACKAGED_COMMODITIES, preflight
from catalog_sync.records import ItemRecord, LocationRecord, SellerRecord
from tests.fixtures import REPO_ROOT

DEMO = orjson.loads((REPO_ROOT / "config" / "demo" / "odop-catalogue.json").read_bytes())


def _listing(domain: str) -> tuple[SellerRecord, LocationRecord, ItemRecord]:
    """The demo's first seller with an item of ``domain``, its location and that item."""
    entry: dict[str, Any] = next(
        s for s in DEMO["sellers"] if any(i["domain"] == domain for i in s["items"])
    )
    raw = next(i for i in entry["items"] if i["domain"] == domain)
    return (
        SellerRecord(**SellerRow.model_validate(entry["seller"]).model_dump()),
        LocationRecord(**LocationRow.model_validate(entry["location"]).model_dump()),
        ItemRow.model_validate(raw).record(),
    )


def _only(problems: list[RuleProblem], rule: str) -> RuleProblem:
    [found] = [p for p in problems if p.rule == rule]
    return found


@pytest.mark.parametrize("domain", ["ONDC:RET10", "ONDC:RET12", "ONDC:RET16"])
def test_every_rule_an_item_is_held_to_names_a_field_the_seller_gives(domain: str) -> None:
    rules = item_rules(domain)
    assert len(rules) > 50
    unnamed = sorted({rule.path for _, rule in rules if field_of(rule.path) == rule.path})
    assert unnamed == []


def test_every_demo_item_passes_the_rules() -> None:
    for entry in DEMO["sellers"]:
        seller = SellerRecord(**SellerRow.model_validate(entry["seller"]).model_dump())
        location = LocationRecord(**LocationRow.model_validate(entry["location"]).model_dump())
        for raw in entry["items"]:
            item = ItemRow.model_validate(raw).record()
            assert rule_problems(seller, location, item) == [], item.sku
            assert preflight(location, item, seller) == [], item.sku


def test_a_hyphen_in_an_id_is_refused_in_home_and_kitchen_only() -> None:
    seller, location, painting = _listing("ONDC:RET16")
    problem = _only(
        rule_problems(seller, location, dataclasses.replace(painting, sku="kangra-01")),
        "RET16 ITEMS_ID",
    )
    assert problem.field == "sku"
    assert problem.refuses
    assert str(problem) == (
        "sku: 'kangra-01' is not allowed here: letters, digits, '_' and '/' (no '-'), "
        "at most 36 characters (rule RET16 ITEMS_ID)"
    )
    seller, location, shawl = _listing("ONDC:RET12")
    assert rule_problems(seller, location, dataclasses.replace(shawl, sku="kullu-01")) == []


def test_a_hyphen_in_the_seller_or_location_code_is_refused_in_home_and_kitchen() -> None:
    seller, location, painting = _listing("ONDC:RET16")
    problems = rule_problems(
        dataclasses.replace(seller, code="odop-kangra"),
        dataclasses.replace(location, code="odop-kangra-hq"),
        painting,
    )
    assert _only(problems, "RET16 PROVIDERS_ID").field == "seller_code"
    assert _only(problems, "RET16 ORDER_PROVIDER_LOCATIONS_ID").field == "location_code"
    assert all(p.refuses for p in problems)


def test_a_colour_name_outside_ondcs_list_is_refused_and_a_listed_one_passes() -> None:
    seller, location, shawl = _listing("ONDC:RET12")
    dark_red = dataclasses.replace(
        shawl, attributes={**shawl.attributes, "colour_name": "dark red"}
    )
    problem = _only(rule_problems(seller, location, dark_red), "RET12 item_colour_name")
    assert (problem.field, problem.refuses) == ("attribute.colour_name", True)
    assert problem.reason.startswith("'dark red' is not one of ['black', 'grey'")
    red = dataclasses.replace(shawl, attributes={**shawl.attributes, "colour_name": "red"})
    assert rule_problems(seller, location, red) == []


def test_fashion_materials_come_from_ondcs_list_home_materials_do_not() -> None:
    seller, location, shawl = _listing("ONDC:RET12")
    paper = dataclasses.replace(
        shawl, attributes={**shawl.attributes, "material": "handmade paper"}
    )
    problem = _only(rule_problems(seller, location, paper), "RET12 item_material")
    assert problem.field == "attribute.material"
    seller, location, painting = _listing("ONDC:RET16")
    wooden = dataclasses.replace(painting, attributes={**painting.attributes, "material": "wooden"})
    assert rule_problems(seller, location, wooden) == []


def test_missing_statutory_fields_hold_the_item_naming_each_rule() -> None:
    seller, location, shawl = _listing("ONDC:RET12")
    bare = dataclasses.replace(shawl, statutory={})
    problems = rule_problems(seller, location, bare)
    assert {p.rule for p in problems} == {
        "RET12 MANUFACTURER_OR_PACKER_NAME",
        "RET12 MANUFACTURER_OR_PACKER_ADDRESS",
        "RET12 COMMON_OR_GENERIC_NAME_OF_COMMODITY",
        "RET12 MONTH_YEAR_OF_MANUFACTURE_PACKING_IMPORT",
    }
    assert not any(p.refuses for p in problems)
    assert "manufacturer_or_packer_name: is required (rule RET12 MANUFACTURER_OR_PACKER_NAME)" in (
        preflight(location, bare, seller)
    )
    wrong_date = dataclasses.replace(
        shawl,
        statutory={
            PACKAGED_COMMODITIES: {
                **shawl.statutory[PACKAGED_COMMODITIES],
                "month_year_of_manufacture_packing_import": "October 2026",
            }
        },
    )
    problem = _only(
        rule_problems(seller, location, wrong_date),
        "RET12 MONTH_YEAR_OF_MANUFACTURE_PACKING_IMPORT",
    )
    assert (problem.field, problem.refuses) == ("month_year_of_manufacture_packing_import", True)


def test_grocery_without_an_ean_is_held_until_the_barcode_is_given() -> None:
    seller, location, tea = _listing("ONDC:RET10")
    no_ean = dataclasses.replace(tea, ean=None)
    problem = _only(rule_problems(seller, location, no_ean), "RET10 ITEMS_DESCRIPTOR_CODE")
    assert (problem.field, problem.refuses) == ("ean", False)


def test_a_diet_mark_ondc_does_not_know_is_refused_and_a_missing_one_holds_food() -> None:
    seller, location, food = _listing("ONDC:RET10")
    assert food.category_id == "Pickles and Chutney"
    wrong = dataclasses.replace(food, attributes={**food.attributes, "veg_nonveg": "vegetarian"})
    problem = _only(rule_problems(seller, location, wrong), "RET10 TAGS_VEG_NONVEG_CODES")
    assert (problem.field, problem.refuses) == ("attribute.veg_nonveg", True)
    unmarked = dataclasses.replace(food, attributes={"brand": food.attributes["brand"]})
    assert rule_problems(seller, location, unmarked) == []
    assert preflight(location, unmarked, seller) == [
        "attribute.veg_nonveg: packaged food must say veg, non_veg, egg "
        "(rule RET10 veg_nonveg_food)"
    ]
