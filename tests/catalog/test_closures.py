"""Holidays and seasonal closures: stated in the catalogue file, shown to buyer apps."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from typing import Any

import orjson

from adapter.catalog.importer import read_document
from catalog_sync.records import LocationRecord, SellerRecord
from catalog_sync.transform import closed_on, provider_payload
from tests.fixtures import REPO_ROOT

DEMO: dict[str, Any] = orjson.loads(
    (REPO_ROOT / "config" / "demo" / "odop-catalogue.json").read_bytes()
)


def _lahaul(**location: Any) -> dict[str, Any]:
    entry = copy.deepcopy(
        next(s for s in DEMO["sellers"] if s["seller"]["district"] == "Lahaul and Spiti")
    )
    entry["location"].update(location)
    return {"sellers": [entry]}


def test_a_winter_closure_and_holidays_are_read_from_a_file_cell_or_a_list() -> None:
    accepted, report = read_document(
        _lahaul(
            holidays="2026-12-25; 2027-01-26", closed_from="2026-12-01", closed_until="2027-03-31"
        )
    )
    assert report.problems == []
    ((_, location, _),) = accepted
    assert tuple(location.holidays) == ("2026-12-25", "2027-01-26")


def test_a_closure_needs_both_ends_in_order_and_real_dates() -> None:
    for bad, words in [
        ({"closed_from": "2026-12-01"}, "go together"),
        ({"closed_from": "2027-03-31", "closed_until": "2026-12-01"}, "is after"),
        ({"holidays": "25/12/2026"}, "holidays"),
    ]:
        _, report = read_document(_lahaul(**bad))
        assert report.problems, bad
        assert any(words in f"{p.field} {p.reason}" for p in report.problems), report.problems


def test_a_closed_store_is_disabled_and_lists_only_holidays_to_come() -> None:
    base = next(s for s in DEMO["sellers"] if s["seller"]["district"] == "Lahaul and Spiti")
    location = LocationRecord(
        **{
            **base["location"],
            "holidays": ("2026-11-01", "2026-12-25"),
            "closed_from": "2027-01-01",
            "closed_until": "2027-03-31",
        }
    )
    assert closed_on(location, date(2026, 12, 25))
    assert closed_on(location, date(2027, 2, 10))
    assert not closed_on(location, date(2027, 4, 1))
    seller = SellerRecord(**base["seller"])
    open_day = provider_payload(seller, location, [], now=datetime(2026, 11, 23, tzinfo=UTC))
    assert open_day["time"]["label"] == "enable"
    assert open_day["locations"][0]["time"]["schedule"]["holidays"] == ["2026-12-25"]
    winter = provider_payload(seller, location, [], now=datetime(2027, 2, 1, tzinfo=UTC))
    assert winter["time"]["label"] == "disable"


def test_a_holiday_begins_at_the_stores_midnight_not_utcs() -> None:
    base = next(s for s in DEMO["sellers"] if s["seller"]["district"] == "Lahaul and Spiti")
    location = LocationRecord(**{**base["location"], "holidays": ("2026-12-25",)})
    seller = SellerRecord(**base["seller"])
    # 00:30 in Himachal on the 25th is still the 24th in UTC.
    night = provider_payload(seller, location, [], now=datetime(2026, 12, 24, 19, 0, tzinfo=UTC))
    assert night["time"]["label"] == "disable"
    before = provider_payload(seller, location, [], now=datetime(2026, 12, 24, 18, 0, tzinfo=UTC))
    assert before["time"]["label"] == "enable"
