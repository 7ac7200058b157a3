"""Categories and attributes: ONDC's taxonomy per domain and each category's mandatory
attributes, checked before an item is published (pure)."""

from __future__ import annotations

import dataclasses

import orjson
import pytest

from adapter.catalog.importer import read_catalogue
from catalog_sync.preflight import preflight
from catalog_sync.taxonomy import attribute_problems, categories, category_problem, domain_of, rule
from tests.catalog.test_import_and_search import DEMO
from tests.catalog.test_preflight import LOCATION, TEA
from tests.catalog.test_transform import SHAWL, SHAWL_ATTRIBUTES

RUMAL_ATTRIBUTES = {
    "brand": "Chamba ODOP", "colour": "#F5F0E1", "colour_name": "off white", "material": "silk",
}  # fmt: skip


def test_a_shawl_with_every_fashion_attribute_passes() -> None:
    shawl = dataclasses.replace(SHAWL, attributes=SHAWL_ATTRIBUTES)
    assert preflight(LOCATION, shawl) == []


def test_a_shawl_without_attributes_is_held_naming_each_missing_one() -> None:
    [reason] = preflight(LOCATION, SHAWL)
    assert reason == (
        "a 'Dupattas & Shawls' item must state these attributes: gender, colour, colour_name, "
        "size, brand, size_chart, fabric"
    )


def test_only_the_missing_attribute_is_named() -> None:
    attributes = {k: v for k, v in SHAWL_ATTRIBUTES.items() if k != "fabric"}
    shawl = dataclasses.replace(SHAWL, attributes=attributes)
    assert preflight(LOCATION, shawl) == [
        "a 'Dupattas & Shawls' item must state these attributes: fabric"
    ]


def test_a_blank_attribute_counts_as_missing() -> None:
    shawl = dataclasses.replace(SHAWL, attributes={**SHAWL_ATTRIBUTES, "brand": " "})
    assert preflight(LOCATION, shawl) == [
        "a 'Dupattas & Shawls' item must state these attributes: brand"
    ]


def test_a_cap_needs_material_but_no_size_chart() -> None:
    cap_rule = rule("ONDC:RET12", "Caps & Hats")
    assert cap_rule is not None
    assert "material" in cap_rule.mandatory
    assert "size_chart" not in cap_rule.mandatory
    cap = {k: v for k, v in SHAWL_ATTRIBUTES.items() if k not in ("size_chart", "fabric")}
    assert attribute_problems("ONDC:RET12", "Caps & Hats", {**cap, "material": "wool"}) == []
    assert attribute_problems("ONDC:RET12", "Caps & Hats", cap) == [
        "a 'Caps & Hats' item must state these attributes: material"
    ]


def test_home_decor_needs_brand_colour_and_material() -> None:
    assert attribute_problems("ONDC:RET16", "Home Decor", RUMAL_ATTRIBUTES) == []
    assert attribute_problems("ONDC:RET16", "Home Decor", {"brand": "Chamba ODOP"}) == [
        "a 'Home Decor' item must state these attributes: colour, colour_name, material"
    ]
    # Pooja needs are one of the home categories whose colour ONDC does not require.
    assert (
        attribute_problems("ONDC:RET16", "Pooja Needs", {"brand": "b", "material": "brass"}) == []
    )


def test_grocery_needs_no_attributes_but_a_sent_group_names_the_brand() -> None:
    assert preflight(LOCATION, TEA) == []
    assert attribute_problems("ONDC:RET10", "Tea and Coffee", {}) == []
    assert attribute_problems("ONDC:RET10", "Tea and Coffee", {"brand": "Kangra ODOP"}) == []
    assert attribute_problems("ONDC:RET10", "Tea and Coffee", {"weight": "250"}) == [
        "a 'Tea and Coffee' item must state these attributes: brand",
        "ONDC does not know the attribute(s) weight for 'Tea and Coffee'",
    ]


def test_an_attribute_the_category_does_not_know_is_named() -> None:
    problems = attribute_problems(
        "ONDC:RET12", "Dupattas & Shawls", {**SHAWL_ATTRIBUTES, "gi_tag": "Kullu Shawl"}
    )
    assert problems == ["ONDC does not know the attribute(s) gi_tag for 'Dupattas & Shawls'"]


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("gender", "men", "gender must be one of male, female, boy, girl, infant, unisex"),
        ("colour", "red", "colour must be a hex colour code like #8B0000, not 'red'"),
        ("colour_name", "Slate Grey", "colour_name must be lower-case words"),
        ("size_chart", "size-chart.png", "size_chart must be a web address"),
    ],
)
def test_attribute_values_follow_the_validator_rules(name: str, value: str, said: str) -> None:
    [problem] = attribute_problems(
        "ONDC:RET12", "Dupattas & Shawls", {**SHAWL_ATTRIBUTES, name: value}
    )
    assert problem.startswith(said)


def test_a_category_outside_the_domain_taxonomy_is_held_with_a_suggestion() -> None:
    shawl = dataclasses.replace(SHAWL, category_id="Dupatta & Shawl", attributes=SHAWL_ATTRIBUTES)
    assert preflight(LOCATION, shawl) == [
        "category 'Dupatta & Shawl' is not in ONDC's fashion taxonomy (RET12) "
        "(did you mean 'Dupattas & Shawls'?)"
    ]
    # There is no handicraft category in ONDC retail 1.2: a rumal is Home Decor, not fashion.
    assert category_problem("ONDC:RET12", "Home Decor") is not None
    assert category_problem("ONDC:RET16", "Handicrafts") == (
        "category 'Handicrafts' is not in ONDC's home and kitchen taxonomy (RET16)"
    )


def test_every_demo_category_is_in_its_domain_taxonomy() -> None:
    for domain, category in [
        ("ONDC:RET12", "Dupattas & Shawls"), ("ONDC:RET12", "Caps & Hats"),
        ("ONDC:RET12", "Socks"), ("ONDC:RET16", "Home Decor"), ("ONDC:RET10", "Tea and Coffee"),
        ("ONDC:RET10", "Oil & Ghee"), ("ONDC:RET10", "Fruits and Vegetables"),
    ]:  # fmt: skip
        assert category in (categories(domain) or set())
        assert domain_of(category) == domain


def test_domains_without_a_table_are_not_checked() -> None:
    assert categories("ONDC:RET14") is None
    assert category_problem("ONDC:RET14", "Mobile Phone") is None
    assert attribute_problems("ONDC:RET14", "Mobile Phone", {}) == []
    # "Gift Voucher" is in more than one domain: its domain cannot be guessed.
    assert domain_of("Gift Voucher") is None


def test_a_json_import_reads_attributes_and_refuses_a_malformed_name() -> None:
    data = orjson.loads(DEMO)
    kullu = next(s for s in data["sellers"] if s["seller"]["district"] == "Kullu")
    kullu["items"][0]["attributes"].pop("size_chart")
    kullu["items"][1]["attributes"]["Colour Name"] = "olive"
    accepted, report = read_catalogue(orjson.dumps(data))
    [held] = report.held
    assert held.row == "odopkullu item odopkullu01"
    assert held.reason == ("a 'Dupattas & Shawls' item must state these attributes: size_chart")
    [problem] = report.problems
    assert problem.row == "odopkullu item odopkullu02"
    assert problem.field.startswith("attributes.Colour Name")
    [(_, _, goods)] = [entry for entry in accepted if entry[0].code == "odopkullu"]
    assert goods[0].attributes["fabric"] == "wool"
