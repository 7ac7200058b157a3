"""Retail 1.2.0 category names as B2B 2.0.2 category codes.

A retail catalogue names its categories (``Tea and Coffee``); a B2B 2.0.2 catalogue names
them by code, in ``items[].category_ids`` and in the provider's ``serviceability`` tags
(``RET10-101F``), and ONDC's B2B verifier requires the serviceability category to be a
code of the search's domain. The contract publishes codes for grocery (RET10) only
(ONDC-RET-Specifications, release-2.0.2, ``api/components/enums/category.yaml``): each
retail grocery category is mapped here to the code whose description is its own, or the
closest where retail joins two (``Tea and Coffee`` is the contract's "Tea", as ONDC's
verifier reads it). Names without a code (other domains, and the few grocery categories the
contract has no code for) are sent as they are.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

__all__ = ["GROCERY_CODES", "b2b_category"]

GROCERY_CODES: Final = MappingProxyType({
    "Fruits and Vegetables": "RET10-1034",
    "Masala & Seasoning": "RET10-1040",
    "Oil & Ghee": "RET10-1042",
    "Eggs, Meat & Fish": "RET10-102B",
    "Bakery, Cakes & Dairy": "RET10-1004",
    "Dairy and Cheese": "RET10-1037",
    "Snacks, Dry Fruits, Nuts": "RET10-1038",
    "Pasta, Soup and Noodles": "RET10-1039",
    "Cereals and Breakfast": "RET10-103A",
    "Sauces, Spreads and Dips": "RET10-103B",
    "Chocolates and Biscuits": "RET10-1047",
    "Cooking and Baking Needs": "RET10-103C",
    "Tinned and Processed Food": "RET10-103D",
    "Atta, Flours and Sooji": "RET10-1030",
    "Rice and Rice Products": "RET10-1031",
    "Dals and Pulses": "RET10-1032",
    "Salt, Sugar and Jaggery": "RET10-1041",
    "Energy and Soft Drinks": "RET10-101B",
    "Water": "RET10-1017",
    "Tea and Coffee": "RET10-101F",
    "Fruit Juices and Fruit Drinks": "RET10-1018",
    "Snacks and Namkeen": "RET10-1046",
    "Ready to Cook and Eat": "RET10-104A",
    "Pickles and Chutney": "RET10-1048",
    "Indian Sweets": "RET10-1049",
    "Frozen Snacks": "RET10-1044",
})  # fmt: skip
"""Retail 1.2.0 grocery category -> B2B 2.0.2 category code."""


def b2b_category(name: str | None) -> str | None:
    """The B2B code of a retail category name where the contract has one, else the name."""
    return GROCERY_CODES.get(name, name) if name is not None else None
