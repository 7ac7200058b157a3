"""A buyer's text on an item (ONDC retail 1.2.5 customisation input text): the seller's
limits, and how the catalogue declares the text as the contract does (pure)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from adapter.catalog.rows import ItemRow
from adapter.sandbox.conformance import check_callback
from catalog_sync.customisation import TextInput, custom_group_id, customisation_id, text_problem
from catalog_sync.records import ItemRecord, LocationRecord, SellerRecord
from catalog_sync.transform import provider_payload, variant_group_id
from tests.orders.shop import demo_item

NOW = datetime(2026, 12, 7, 6, 0, tzinfo=UTC)
NAME = TextInput(label="Name to embroider", max_length=12, characters="letters", price="150")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Asha", None),
        ("  आशा  ", None),  # Devanagari, with its vowel sign; spaces around are not counted
        ("D'Souza-Rana", None),
        ("Asha Thakur Sharma", "is 18 characters long; at most 12 are allowed"),
        ("Asha 2026", "has characters outside letters: '0' '2' '6'"),
        ("", "is required"),
        (None, "is required"),
    ],
)
def test_a_text_is_judged_by_the_sellers_limits(text: str | None, problem: str | None) -> None:
    assert text_problem(NAME, text) == problem


def test_an_optional_text_may_be_left_out_and_digits_are_allowed_when_the_seller_says_so() -> None:
    message = dataclasses.replace(NAME, required=False, characters="letters_digits")
    assert text_problem(message, "   ") is None
    assert text_problem(message, "Asha 2026") is None
    assert text_problem(message, "Asha\n2026") == "has characters outside letters and digits: '\\n'"


def _rumal(text_input: TextInput | None) -> tuple[SellerRecord, LocationRecord, ItemRecord]:
    entry, item = demo_item("Chamba", 0)
    row = ItemRow.model_validate({**item, **({} if text_input is None else {"text_input": {
        "label": text_input.label, "max_length": text_input.max_length,
        "characters": text_input.characters, "price": text_input.price,
    }})})  # fmt: skip
    seller = SellerRecord(**entry["seller"])
    location = LocationRecord(**{k: tuple(v) if isinstance(v, list) else v
                                 for k, v in entry["location"].items()})  # fmt: skip
    return seller, location, row.record()


def test_the_catalogue_declares_the_text_as_a_custom_group_with_a_priced_customisation() -> None:
    seller, location, rumal = _rumal(NAME)
    assert rumal.text_input == dataclasses.replace(NAME, price="150.00")
    provider = provider_payload(seller, location, [rumal], now=NOW)
    group = custom_group_id(rumal.sku)
    [declared] = [c for c in provider["categories"] if c["id"] == group]
    assert declared["descriptor"]["name"] == "Name to embroider"
    assert declared["tags"] == [
        {"code": "type", "list": [{"code": "type", "value": "custom_group"}]},
        {
            "code": "config",
            "list": [
                {"code": "min", "value": "1"},
                {"code": "max", "value": "1"},
                {"code": "input", "value": "text"},
                {"code": "seq", "value": "1"},
            ],
        },
    ]
    item, customisation = provider["items"]
    assert item["id"] == rumal.sku
    assert {"code": "custom_group", "list": [{"code": "id", "value": group}]} in item["tags"]
    assert customisation["id"] == customisation_id(rumal.sku)
    assert customisation["price"] == {
        "currency": "INR", "value": "150.00", "maximum_value": "150.00",
    }  # fmt: skip
    assert customisation["related"] is True
    assert customisation["tags"][:2] == [
        {"code": "type", "list": [{"code": "type", "value": "customization"}]},
        {"code": "parent", "list": [{"code": "id", "value": group}]},
    ]
    # The item's own terms and tags hold for its customisation (ONDC's item rules), but it
    # neither names the custom group nor belongs to the variant group.
    assert customisation["tags"][2:] == [t for t in item["tags"] if t["code"] != "custom_group"]
    assert "parent_item_id" not in customisation
    for term in ("@ondc/org/returnable", "@ondc/org/time_to_ship", "fulfillment_id"):
        assert customisation[term] == item[term]
    assert customisation["descriptor"]["short_desc"] == (
        "Name to embroider: up to 12 letters (required)"
    )
    # The variant group the item names is still declared, as before.
    assert variant_group_id(rumal) in [c["id"] for c in provider["categories"]]


def test_an_item_without_a_text_input_is_catalogued_as_before() -> None:
    seller, location, rumal = _rumal(None)
    provider = provider_payload(seller, location, [rumal], now=NOW)
    assert [i["id"] for i in provider["items"]] == [rumal.sku]
    assert all(t["code"] != "custom_group" for t in provider["items"][0]["tags"])
    assert [c["id"] for c in provider["categories"]] == [variant_group_id(rumal)]


@pytest.mark.parametrize(
    ("limits", "field"),
    [
        ({"label": "Name", "max_length": 0}, "max_length"),
        ({"label": "Name", "max_length": 12, "characters": "emoji"}, "characters"),
        ({"label": "Name", "max_length": 12, "price": "-1"}, "price"),
        ({"max_length": 12}, "label"),
        ({"label": "Name", "max_length": 12, "colour": "red"}, "colour"),
    ],
)
def test_bad_limits_are_refused_naming_the_field(limits: dict[str, object], field: str) -> None:
    _, item = demo_item("Chamba", 0)
    with pytest.raises(ValueError, match=field):
        ItemRow.model_validate({**item, "text_input": limits})


def test_a_grocery_item_takes_no_text() -> None:
    _, tea = demo_item("Kangra", 0)
    with pytest.raises(ValueError, match="text_input: grocery"):
        ItemRow.model_validate({**tea, "text_input": {"label": "Name", "max_length": 12}})


def _on_search(provider: dict[str, object]) -> dict[str, object]:
    context = {
        "domain": "ONDC:RET16", "action": "on_search", "core_version": "1.2.5",
        "bap_id": "buyer.example", "bap_uri": "https://buyer.example/ondc",
        "bpp_id": "seller.example", "bpp_uri": "https://seller.example/ondc",
        "transaction_id": "T1", "message_id": "M1", "city": "std:01899", "country": "IND",
        "timestamp": "2026-12-07T06:00:00.000Z", "ttl": "PT30S",
    }  # fmt: skip
    return {
        "context": context,
        "message": {
            "catalog": {
                "bpp/descriptor": {"name": "ODOP Himachal"},
                "bpp/providers": [provider],
            }
        },
    }


def test_the_gate_finds_nothing_more_in_a_catalogue_with_a_text_input() -> None:
    seller, location, rumal = _rumal(None)
    plain = provider_payload(seller, location, [rumal], now=NOW)
    seller, location, rumal = _rumal(NAME)
    named = provider_payload(seller, location, [rumal], now=NOW)
    before = {(v.rule, v.message) for v in check_callback("on_search", _on_search(plain))}
    after = {(v.rule, v.message) for v in check_callback("on_search", _on_search(named))}
    assert after == before
    assert len(named["items"]) == 2  # type: ignore[arg-type]
