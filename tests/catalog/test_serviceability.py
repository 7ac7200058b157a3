"""Intercity serviceability by a list of pincodes."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import orjson

from adapter.catalog.importer import read_document
from catalog_sync.records import LocationRecord
from catalog_sync.transform import provider_payload, serves
from tests.fixtures import REPO_ROOT

DEMO: dict[str, Any] = orjson.loads(
    (REPO_ROOT / "config" / "demo" / "odop-catalogue.json").read_bytes()
)
SOLAN = next(s for s in DEMO["sellers"] if s["seller"]["district"] == "Solan")


def test_an_intercity_seller_delivers_to_the_pincodes_it_lists_only() -> None:
    entry = copy.deepcopy(SOLAN)
    entry["location"] |= {"serviceability": "11", "pincodes": "171001; 160017;110001"}
    accepted, report = read_document({"sellers": [entry]})
    assert report.problems == []
    ((seller, location, _),) = accepted
    assert tuple(location.pincodes) == ("171001", "160017", "110001")
    assert serves(location, gps=None, pincode="160017")
    assert not serves(location, gps=None, pincode="173212")
    goods = accepted[0][2]
    provider = provider_payload(seller, location, goods, now=datetime(2026, 11, 23, tzinfo=UTC))
    (group,) = [g for g in provider["tags"] if g["code"] == "serviceability"][:1]
    values = {t["code"]: t["value"] for t in group["list"]}
    assert values["type"] == "11"
    assert values["val"] == "171001,160017,110001"
    assert values["unit"] == "pincode"
    location_only = LocationRecord(**{**SOLAN["location"], "serviceability": "11"})
    assert serves(location_only, gps=None, pincode="173999"), "no list: its pincode region"
    assert not serves(location_only, gps=None, pincode="171001")


def test_a_bad_pincode_in_the_list_is_reported_by_field() -> None:
    entry = copy.deepcopy(SOLAN)
    entry["location"] |= {"serviceability": "11", "pincodes": "171001;17100"}
    _, report = read_document({"sellers": [entry]})
    assert any(p.field.startswith("pincodes") for p in report.problems), report.problems
