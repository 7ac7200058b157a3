"""Variants: one product in several colours or sizes, shown as one family to buyer apps."""

from __future__ import annotations

import copy
import re
from datetime import UTC, datetime
from typing import Any

import orjson

from adapter.catalog.importer import read_document
from catalog_sync.transform import provider_payload
from tests.fixtures import REPO_ROOT

DEMO: dict[str, Any] = orjson.loads(
    (REPO_ROOT / "config" / "demo" / "odop-catalogue.json").read_bytes()
)


def _kullu_shawls(*colours: tuple[str, str]) -> dict[str, Any]:
    """The Kullu cooperative's shawl in the given (sku, colour) variants."""
    entry = copy.deepcopy(next(s for s in DEMO["sellers"] if s["seller"]["district"] == "Kullu"))
    shawl = next(i for i in entry["items"] if i["category_id"] == "Dupattas & Shawls")
    entry["items"] = []
    for sku, colour in colours:
        variant = copy.deepcopy(shawl)
        variant["sku"] = sku
        variant["variant_group"] = "kullu-shawl-classic"
        variant["attributes"] = {**variant["attributes"], "colour_name": colour}
        variant["attributes"]["colour"] = {"red": "#B22222", "blue": "#1E3A8A"}.get(
            colour, "#777777"
        )
        entry["items"].append(variant)
    return {"sellers": [entry]}


def test_variants_share_a_group_that_the_provider_declares() -> None:
    accepted, report = read_document(_kullu_shawls(("shawl-red", "red"), ("shawl-blue", "blue")))
    assert report.problems == []
    ((seller, location, goods),) = accepted
    provider = provider_payload(seller, location, goods, now=datetime(2026, 11, 23, tzinfo=UTC))
    (group,) = provider["categories"]
    assert group["id"] == "kullu-shawl-classic"
    names = [t["list"][0]["value"] for t in group["tags"] if t["code"] == "attr"]
    assert names == ["item.tags.attribute.colour", "item.tags.attribute.size"]
    assert {item["parent_item_id"] for item in provider["items"]} == {"kullu-shawl-classic"}
    assert [item["id"] for item in provider["items"]] == ["shawl-red", "shawl-blue"]


def test_two_variants_alike_in_every_varying_attribute_are_refused_by_name() -> None:
    document = _kullu_shawls(("shawl-red", "red"), ("shawl-red-2", "red"))
    accepted, report = read_document(document)
    (problem,) = report.problems
    assert problem.field == "variant_group"
    assert "shawl-red is already the variant with this colour, size" in problem.reason
    assert [item.sku for item in accepted[0][2]] == ["shawl-red"], "the first one still lands"


def test_an_item_without_a_group_is_a_group_of_its_own_that_it_names() -> None:
    # A variant group no item names as parent leaves buyer apps with an empty group; the
    # strictest rule on group ids (RET10) wants letters and digits, at most 12.
    entry = copy.deepcopy(next(s for s in DEMO["sellers"] if s["seller"]["district"] == "Kullu"))
    accepted, _ = read_document({"sellers": [entry]})
    ((seller, location, goods),) = accepted
    provider = provider_payload(seller, location, goods, now=datetime(2026, 11, 23, tzinfo=UTC))
    groups = [group["id"] for group in provider["categories"]]
    parents = [item["parent_item_id"] for item in provider["items"]]
    assert sorted(groups) == sorted(parents)
    assert len(set(parents)) == len(goods) == 3
    assert all(re.fullmatch(r"[a-zA-Z0-9]{1,12}", group) for group in groups)
    again = provider_payload(seller, location, goods, now=datetime(2026, 12, 1, tzinfo=UTC))
    assert [item["parent_item_id"] for item in again["items"]] == parents, "stable ids"
    names = {group["descriptor"]["name"] for group in provider["categories"]}
    assert names == {item.name for item in goods}
