"""The seller API holds items to ONDC's rules: a value a rule refuses is a 422 naming the
field and the rule; a missing one stores the item held back, listed with its reasons at
``/seller/v1/items/held`` until it is fixed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from adapter.core.clock import FixedClock
from tests.network.peers import edge
from tests.network.test_seller_api import ADMIN, _entry, _register


def _painting() -> dict[str, Any]:
    item: dict[str, Any] = next(i for i in _entry("Kangra")["items"] if i["domain"] == "ONDC:RET16")
    return item


async def test_a_value_a_rule_refuses_is_a_422_naming_the_field_and_the_rule(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock) as net:
        _, key = await _register(net, "Kangra")
        item = {
            **_painting(),
            "sku": "kangra-painting-1",
            "attributes": {**_painting()["attributes"], "colour_name": "goldenrod"},
        }
        put = await net.client.put(f"/seller/v1/items/{item['sku']}", json=item, headers=key)
        assert put.status_code == 422
        sku, colour = put.json()["detail"].split("; ")
        assert sku.startswith("sku: 'kangra-painting-1' is not allowed here")
        assert sku.endswith("(rule RET16 ITEMS_ID)")
        assert colour.startswith("attribute.colour_name: 'goldenrod' is not one of")
        assert colour.endswith("(rule RET16 item_colour_name)")
        assert (await net.client.get("/seller/v1/items", headers=key)).json() == []


async def test_a_missing_block_holds_the_item_listed_with_reasons_until_it_is_fixed(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock) as net:
        _, key = await _register(net, "Kangra")
        painting = _painting()
        bare = {k: v for k, v in painting.items() if k != "packaged_commodities"}
        put = await net.client.put(f"/seller/v1/items/{painting['sku']}", json=bare, headers=key)
        assert put.status_code == 200, put.text
        assert (
            "manufacturer_or_packer_name: is required (rule RET16 MANUFACTURER_OR_PACKER_NAME)"
            in (put.json()["held_back"])
        )
        [held] = (await net.client.get("/seller/v1/items/held", headers=key)).json()
        assert held["sku"] == painting["sku"]
        assert held["name"] == painting["name"]
        assert len(held["reasons"]) == 4
        assert all("(rule RET16 " in reason for reason in held["reasons"])

        fixed = await net.client.put(
            f"/seller/v1/items/{painting['sku']}", json=painting, headers=key
        )
        assert fixed.json()["held_back"] == []
        assert (await net.client.get("/seller/v1/items/held", headers=key)).json() == []


async def test_fixing_the_sellers_own_record_publishes_its_held_items(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock) as net:
        code, key = await _register(net, "Kangra")
        painting = _painting()
        put = await net.client.put(
            f"/seller/v1/items/{painting['sku']}", json=painting, headers=key
        )
        assert put.json()["held_back"] == []
        entry = _entry("Kangra")
        # A pincode outside Himachal holds every item of the seller; putting it right
        # publishes them again.
        moved = {**entry["location"], "pincode": "110001"}
        wrong = await net.client.put(
            f"/admin/v1/sellers/{code}",
            json={"seller": entry["seller"], "location": moved},
            headers=ADMIN,
        )
        assert wrong.json() == {"seller": code, "items_held": 1}
        [held] = (await net.client.get("/seller/v1/items/held", headers=key)).json()
        assert held["reasons"] == [
            "pincode 110001 is not a Himachal Pradesh pincode (17xxxx) but the city code "
            f"std:{entry['location']['std_code']} is"
        ]
        right = await net.client.put(
            f"/admin/v1/sellers/{code}",
            json={"seller": entry["seller"], "location": entry["location"]},
            headers=ADMIN,
        )
        assert right.json() == {"seller": code, "items_held": 0}
        assert (await net.client.get("/seller/v1/items/held", headers=key)).json() == []
