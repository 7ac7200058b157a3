"""The catalogue answers of certification flows 8 and 1 (full and incremental ``on_search``),
held to the rules ONDC's log validator applies to them (log-validation-utility,
``utils/Retail/Search/on_search.ts`` and ``SearchInc/onSearchIncremental.ts``), re-stated
here so the suite catches a regression without the validator. docs/catalogue.md says
what each rule is and how we meet it."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any, Final

import orjson
import pytest

from adapter.catalog.importer import ItemRow, import_catalogue
from adapter.catalog.spreadsheet import rows_to_document
from adapter.core.clock import FixedClock
from adapter.sandbox.conformance import check
from adapter.sandbox.flowcheck import write_flow_logs
from catalog_sync.transform import item_code, item_payload, provider_payload
from tests.catalog.test_transform import LOCATION, NOW, SELLER, SHAWL
from tests.network.peers import context, edge, signed
from tests.orders.shop import ADMIN, DEMO

# Each district headquarters' PIN and its true STD code (BSNL). ONDC's validator maps the
# PINs of four districts to towns of the same name in other states (Bilaspur 07752
# Chhattisgarh, Chamba 01376, Hamirpur 05282 Uttar Pradesh, Una 02875 Gujarat), so an
# on_search from those four fails its area-code check whatever we send; we keep the truth.
DISTRICTS: Final = {
    "Bilaspur": ("174001", "01978"), "Chamba": ("176310", "01899"),
    "Hamirpur": ("177001", "01972"), "Kangra": ("176215", "01892"),
    "Kinnaur": ("172107", "01786"), "Kullu": ("175101", "01902"),
    "Lahaul and Spiti": ("175132", "01900"), "Mandi": ("175001", "01905"),
    "Shimla": ("171001", "0177"), "Sirmaur": ("173001", "01702"),
    "Solan": ("173212", "01792"), "Una": ("174303", "01975"),
}  # fmt: skip
STD_OF_PIN: Final = {pin: std for pin, std in DISTRICTS.values()}

_CODE_FORMS: Final = {
    "1": re.compile(r"^\d{8}$|^\d{13}$"),  # EAN
    "3": re.compile(r"^\d{8}$|^\d{12,14}$"),  # GTIN
    "4": re.compile(r"^\d{4}$|^\d{6}$|^\d{8}$|^\d{10}$"),  # HSN
}
# The code type the validator wants per domain; in grocery and home and kitchen we send the
# HSN heading when the seller has no EAN (a barcode is never made up).
_CODE_TYPES: Final = {"ONDC:RET10": {"1", "4"}, "ONDC:RET12": {"4"}, "ONDC:RET16": {"1", "4"}}
_HHMM: Final = re.compile(r"^([01]\d|2[0-3])[0-5]\d$")
_FOOD: Final = ("nutritional_info", "additives_info", "brand_owner_FSSAI_license_no",
                "other_FSSAI_license_no", "importer_FSSAI_license_no")  # fmt: skip
SEARCH: Final = {
    "intent": {
        "fulfillment": {"type": "Delivery"},
        "payment": {
            "@ondc/org/buyer_app_finder_fee_type": "percent",
            "@ondc/org/buyer_app_finder_fee_amount": "3",
        },
    }
}


def _values(group: dict[str, Any]) -> dict[str, str]:
    return {entry["code"]: entry["value"] for entry in group["list"]}


def _item_problems(domain: str, item: dict[str, Any]) -> list[str]:
    problems = []
    kind, _, code = item["descriptor"]["code"].partition(":")
    if kind not in _CODE_TYPES[domain] or not _CODE_FORMS[kind].match(code):
        problems.append(f"item {item['id']}: descriptor.code {item['descriptor']['code']}")
    food = item.get("@ondc/org/statutory_reqs_prepackaged_food")
    if food is not None and not all(isinstance(food.get(k), str) and food[k] for k in _FOOD):
        problems.append(f"item {item['id']}: prepackaged food declaration incomplete")
    return problems


def _provider_problems(provider: dict[str, Any]) -> list[str]:
    problems = []
    categories = provider.get("categories") or []
    if not categories:
        problems.append("no categories (variant support)")
    for category in categories:
        for tag in category["tags"]:
            values = _values(tag)
            if tag["code"] == "type" and values["type"] not in (
                "custom_menu", "custom_group", "variant_group",
            ):  # fmt: skip
                problems.append(f"category type {values['type']}")
            if tag["code"] == "attr" and not (
                values["name"] == "item.quantity.unitized.measure"
                or values["name"].startswith("item.tags.attribute.")
            ):
                problems.append(f"category attr {values['name']}")
    location_ids = {location["id"] for location in provider["locations"]}
    for location in provider["locations"]:
        if "circle" in location and "radius" not in location["circle"]:
            problems.append(f"location {location['id']}: circle without radius")
    timings = [_values(tag) for tag in provider["tags"] if tag["code"] == "timing"]
    kinds = {timing["type"] for timing in timings}
    if "Order" not in kinds:
        problems.append("no Order timing")
    fulfilment_types = {f["type"] for f in provider["fulfillments"]}
    if not fulfilment_types <= kinds:
        problems.append(f"no timing for {fulfilment_types - kinds}")
    for timing in timings:
        if timing["location"] not in location_ids:
            problems.append(f"timing at unknown location {timing['location']}")
        if not 1 <= int(timing["day_from"]) <= int(timing["day_to"]) <= 7:
            problems.append(f"timing days {timing['day_from']}-{timing['day_to']}")
        if not (_HHMM.match(timing["time_from"]) and _HHMM.match(timing["time_to"])):
            problems.append(f"timing hours {timing['time_from']}-{timing['time_to']}")
        elif int(timing["time_to"]) <= int(timing["time_from"]):
            problems.append(f"timing ends before it starts {timing}")
    serviceable = {
        _values(t)["category"] for t in provider["tags"] if t["code"] == "serviceability"
    }
    if serviceable != {item["category_id"] for item in provider["items"]}:
        problems.append("one serviceability group per category")
    return problems


def catalogue_problems(on_search: dict[str, Any]) -> list[str]:
    """What ONDC's validator would refuse in a full catalogue ``on_search`` (our re-statement)."""
    context_ = on_search["context"]
    domain, std = context_["domain"], context_["city"].removeprefix("std:")
    problems = []
    for provider in on_search["message"]["catalog"]["bpp/providers"]:
        problems += _provider_problems(provider)
        area_code = provider["locations"][0]["address"]["area_code"]
        if STD_OF_PIN.get(area_code) != std:
            problems.append(f"provider {provider['id']}: PIN {area_code} is not in std:{std}")
        for item in provider["items"]:
            problems += _item_problems(domain, item)
    return problems


def increment_problems(on_search: dict[str, Any]) -> list[str]:
    """What the validator would refuse in an incremental push of changed items."""
    problems = []
    catalog = on_search["message"]["catalog"]
    if on_search["context"]["city"] != "*":
        problems.append("an incremental on_search is for city *")
    if catalog.get("bpp/descriptor"):
        problems.append("bpp/descriptor in an increment")
    for provider in catalog["bpp/providers"]:
        if set(provider) != {"id", "items"}:
            problems.append(f"provider carries more than the changed items: {sorted(provider)}")
        for item in provider["items"]:
            problems += _item_problems(on_search["context"]["domain"], item)
    return problems


@pytest.mark.parametrize(
    ("domain", "hsn", "ean", "code"),
    [
        ("ONDC:RET12", "621420", None, "4:621420"),
        ("ONDC:RET12", "621420", "4006381333931", "4:621420"),
        ("ONDC:RET16", "9701", "4006381333931", "1:4006381333931"),
        ("ONDC:RET10", "0902", "96385074", "1:96385074"),
        ("ONDC:RET10", "0902", None, "4:0902"),
        ("ONDC:RET16", None, None, "5:ks-01"),
        ("ONDC:RET14", "8517", "4006381333931", "3:4006381333931"),
    ],
)
def test_descriptor_code_is_the_kind_the_domain_wants_when_the_seller_has_it(
    domain: str, hsn: str | None, ean: str | None, code: str
) -> None:
    item = dataclasses.replace(SHAWL, domain=domain, hsn=hsn, ean=ean)
    assert item_code(item) == code
    assert item_payload(SELLER, LOCATION, item, now=NOW)["descriptor"]["code"] == code


def test_an_ean_with_a_wrong_check_digit_or_a_short_hsn_is_refused() -> None:
    row = dict(DEMO["sellers"][0]["items"][0])
    assert ItemRow.model_validate({**row, "ean": "4006381333931"}).ean == "4006381333931"
    for field, value in (("ean", "4006381333932"), ("hsn", "090"), ("ean", "123")):
        with pytest.raises(ValueError, match=field):
            ItemRow.model_validate({**row, field: value})


def test_a_spreadsheet_keeps_the_leading_zeros_of_hsn_and_ean() -> None:
    document = rows_to_document(
        [(2, {"seller_code": "s", "sku": "t", "hsn": 902.0, "ean": 12345670})], problems=[]
    )
    item = document["sellers"][0]["items"][0]
    assert (item["hsn"], item["ean"]) == ("0902", "12345670")


def test_food_licences_left_blank_are_sent_as_not_applicable() -> None:
    kangra = next(s for s in DEMO["sellers"] if s["seller"]["district"] == "Kangra")
    row = dict(kangra["items"][0])
    row["prepackaged_food"] = {"nutritional_info": "n", "additives_info": "a",
                               "brand_owner_FSSAI_license_no": "10020117621500"}  # fmt: skip
    food = (
        ItemRow.model_validate(row).record().statutory["@ondc/org/statutory_reqs_prepackaged_food"]
    )
    assert food["importer_FSSAI_license_no"] == food["other_FSSAI_license_no"] == "NA"
    assert food["brand_owner_FSSAI_license_no"] == "10020117621500"


@pytest.mark.parametrize(
    ("domain", "attributes"),
    [
        ("ONDC:RET10", ["item.quantity.unitized.measure"]),
        ("ONDC:RET12", ["item.tags.attribute.colour", "item.tags.attribute.size"]),
        ("ONDC:RET16", ["item.tags.attribute.colour"]),
    ],
)
def test_a_provider_declares_the_variant_group_of_its_domain(
    domain: str, attributes: list[str]
) -> None:
    item = dataclasses.replace(SHAWL, domain=domain, hsn="621420")
    provider = provider_payload(SELLER, LOCATION, [item], now=NOW)
    [group] = provider["categories"]
    tags = {tag["code"]: tag for tag in group["tags"]}
    assert _values(tags["type"]) == {"type": "variant_group"}
    declared = [_values(t) for t in group["tags"] if t["code"] == "attr"]
    assert declared == [{"name": n, "seq": str(i)} for i, n in enumerate(attributes, 1)]
    assert _provider_problems(provider) == []


def test_a_provider_takes_orders_all_day_and_ships_in_its_opening_hours() -> None:
    provider = provider_payload(SELLER, LOCATION, [SHAWL], now=NOW)
    timings = [_values(tag) for tag in provider["tags"] if tag["code"] == "timing"]
    common = {"location": "odopkulluhq", "day_from": "1", "day_to": "7"}
    assert timings == [
        {"type": "Order", **common, "time_from": "0000", "time_to": "2359"},
        {"type": "Delivery", **common, "time_from": "0900", "time_to": "1900"},
    ]


def test_only_a_hyperlocal_location_has_a_circle_and_it_has_its_radius() -> None:
    pan_india = provider_payload(SELLER, LOCATION, [SHAWL], now=NOW)["locations"][0]
    assert "circle" not in pan_india
    local = dataclasses.replace(LOCATION, serviceability="10", radius_km=15)
    circle = provider_payload(SELLER, local, [SHAWL], now=NOW)["locations"][0]["circle"]
    assert circle == {"gps": LOCATION.gps, "radius": {"unit": "km", "value": "15"}}


def test_every_demo_seller_is_at_its_districts_pin_and_std_code() -> None:
    found = {
        s["seller"]["district"]: (s["location"]["pincode"], s["location"]["std_code"])
        for s in DEMO["sellers"]
    }
    assert found == DISTRICTS


def test_every_demo_item_has_an_hsn_heading_and_only_in_store_barcodes() -> None:
    """No demo item claims a maker's barcode: grocery and home items carry numbers from
    GS1's restricted-circulation range (prefix 2), which a business assigns to its own
    goods; fashion items have none (their buyer apps want the HSN code)."""
    for entry in DEMO["sellers"]:
        for item in entry["items"]:
            assert _CODE_FORMS["4"].match(item["hsn"]), item["sku"]
            if item["domain"] in ("ONDC:RET10", "ONDC:RET16"):
                assert item["ean"].startswith("2"), item["sku"]
                assert len(item["ean"]) == 13
            else:
                assert "ean" not in item, item["sku"]


# One seller per domain, searched from its own city: Kangra tea (RET10) and painting
# (RET16), Kullu shawl and cap (RET12).
SHOPS = [("Kangra", "ONDC:RET10"), ("Kullu", "ONDC:RET12"), ("Kangra", "ONDC:RET16")]


@pytest.mark.parametrize(("district", "domain"), SHOPS)
async def test_flows_8_and_1_catalogue_answers_keep_the_validator_rules(
    tmp_path: Path, clock: FixedClock, district: str, domain: str
) -> None:
    entry = next(s for s in DEMO["sellers"] if s["seller"]["district"] == district)
    async with edge(tmp_path, clock) as net:
        catalogue = net.app.state.runtime.catalogue
        report = await import_catalogue(
            orjson.dumps({"sellers": [entry]}), catalogue, now=clock.now()
        )
        assert not report.problems
        assert not report.held
        city = f"std:{entry['location']['std_code']}"
        full = {"context": context("search", clock, domain=domain, city=city), "message": SEARCH}
        raw = orjson.dumps(full)
        assert (await net.post("search", raw, signed(raw, clock))).status_code == 200
        clock.advance(0.25)
        await net.dispatch()
        [answer] = [orjson.loads(request.content) for request in net.received]
        logs = {"search_full_catalog_refresh": full, "on_search_full_catalog_refresh": answer}
        assert check(8, logs) == []
        assert catalogue_problems(answer) == []
        assert answer["message"]["catalog"]["bpp/providers"][0]["items"]

        clock.advance(5)
        start = [{"code": "catalog_inc", "list": [{"code": "mode", "value": "start"}]}]
        inc = {
            "context": context("search", clock, domain=domain, city="*"),
            "message": {"intent": {"payment": SEARCH["intent"]["payment"], "tags": start}},
        }
        raw = orjson.dumps(inc)
        assert (await net.post("search", raw, signed(raw, clock))).status_code == 200
        assert await net.dispatch() == 0
        clock.advance(60)
        code = entry["seller"]["code"]
        key = await net.client.post(f"/admin/v1/sellers/{code}/keys", json={}, headers=ADMIN)
        bearer = {"Authorization": f"Bearer {key.json()['api_key']}"}
        sku = next(item["sku"] for item in entry["items"] if item["domain"] == domain)
        stock = {"items": [{"sku": sku, "available": 0}]}
        assert (await net.client.patch("/seller/v1/stock", json=stock, headers=bearer)).is_success
        assert await net.dispatch() == 1
        pushed = orjson.loads(net.received[-1].content)
        logs |= {"search_inc_refresh": inc, "on_search_inc_refresh": pushed}
        assert check(1, logs) == []
        assert increment_problems(pushed) == []
        write_flow_logs(tmp_path / "logs" / "flow1", logs)


def test_the_rules_above_can_fail() -> None:
    """A Kangra provider answered to a Shimla search, an EAN-less code typed as EAN, and a
    pan-India circle without radius are all caught."""
    provider = provider_payload(
        SELLER, LOCATION, [dataclasses.replace(SHAWL, hsn="621420")], now=NOW
    )
    provider["items"][0]["descriptor"]["code"] = "1:621420"
    provider["locations"][0]["circle"] = {"gps": LOCATION.gps}
    answer = {
        "context": {"domain": "ONDC:RET12", "city": "std:0177"},
        "message": {"catalog": {"bpp/providers": [provider]}},
    }
    problems = catalogue_problems(answer)
    assert any("circle without radius" in p for p in problems)
    assert any("descriptor.code 1:621420" in p for p in problems)
    assert any("PIN 175101 is not in std:0177" in p for p in problems)
