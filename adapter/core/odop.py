"""Himachal Pradesh's One District One Product list: the 12 districts and their products.

Data from the Industries Department's ODOP list (``odop_districts.json``, made from
``tests/fixtures/odop-himachal.json``), each product mapped to the ONDC retail domain and category
its items are listed under. An item is counted as a district's ODOP product when it is
listed in that district (its ``odop_district``, else its seller's) under the product's
domain and category.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import orjson

__all__ = ["District", "OdopProduct", "districts", "odop_product"]


@dataclass(frozen=True, slots=True)
class OdopProduct:
    """One ODOP product of a district, with its Hindi name and where ONDC lists it."""

    name: str
    name_hi: str
    domain: str
    category_id: str
    gi_tag: str | None


@dataclass(frozen=True, slots=True)
class District:
    """One of Himachal Pradesh's 12 districts and its ODOP products."""

    name: str
    name_hi: str
    products: tuple[OdopProduct, ...]


@cache
def districts() -> tuple[District, ...]:
    """The 12 districts, in the department's order (alphabetical)."""
    raw = resources.files(__package__).joinpath("odop_districts.json").read_bytes()
    return tuple(
        District(
            name=entry["district"],
            name_hi=entry["district_hi"],
            products=tuple(OdopProduct(**product) for product in entry["products"]),
        )
        for entry in orjson.loads(raw)
    )


def odop_product(district: str | None, domain: str, category_id: str) -> OdopProduct | None:
    """The ODOP product an item listed in ``district`` under this category is, if any."""
    for entry in districts():
        if entry.name == district:
            for product in entry.products:
                if (product.domain, product.category_id) == (domain, category_id):
                    return product
    return None
