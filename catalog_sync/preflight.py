"""Pre-flight checks: the buyer-side rules an item must pass before it is published (pure).

Rules ONDC retail 1.2.0 buyer apps and the log validator apply, beyond the shape of the row:
packaged goods in grocery (RET10) declare ``@ondc/org/statutory_reqs_packaged_commodities``
(Legal Metrology); packaged food also ``@ondc/org/statutory_reqs_prepackaged_food`` with a
14-digit FSSAI licence; the category is one of the domain's taxonomy and the item states
the attributes its category requires (``catalog_sync.taxonomy``, after the validator's
``checkMandatoryTags``); a Himachal location has a Himachal pincode (17xxxx) and GPS inside
India; a hyperlocal radius is between 1 and 50 km; packaged food says whether it is veg,
non-veg or egg. With the seller given, the item's catalogue entry is also held to the
conformance gate's rules (``catalog_sync.item_rules``), each reason naming the field and
the rule. An item that fails is stored but held back from ``on_search``, and each reason is
said in words the seller can act on.
"""

from __future__ import annotations

import re
from typing import Any, Final

from adapter.sandbox.ondc_values import DIETS
from catalog_sync.item_rules import rule_problems
from catalog_sync.records import ItemRecord, LocationRecord, SellerRecord
from catalog_sync.taxonomy import attribute_problems, category_problem

__all__ = ["HIMACHAL_STD_CODES", "PACKAGED_COMMODITIES", "PREPACKAGED_FOOD", "preflight"]

PACKAGED_COMMODITIES: Final = "@ondc/org/statutory_reqs_packaged_commodities"
PREPACKAGED_FOOD: Final = "@ondc/org/statutory_reqs_prepackaged_food"
_COMMODITY_FIELDS: Final = (
    "manufacturer_or_packer_name",
    "manufacturer_or_packer_address",
    "common_or_generic_name_of_commodity",
    "month_year_of_manufacture_packing_import",
)
# Grocery sold loose is not a pre-packed commodity.
_LOOSE: Final = frozenset({"Fruits and Vegetables"})
_FOOD: Final = frozenset(
    {
        "Pickles and Chutney", "Tea and Coffee", "Oil & Ghee", "Masala & Seasoning",
        "Fruit Juices and Fruit Drinks", "Snacks, Dry Fruits, Nuts", "Bakery, Cakes & Dairy",
    }
)  # fmt: skip
HIMACHAL_STD_CODES: Final = frozenset(
    {"01978", "01899", "01972", "01892", "01786", "01902", "01900", "01905", "0177", "01702",
     "01792", "01975"}
)  # fmt: skip
_FSSAI: Final = re.compile(r"\d{14}")


def _blank(block: dict[str, Any], name: str) -> bool:
    value = block.get(name)
    return not (isinstance(value, str) and value.strip())


def preflight(
    location: LocationRecord, item: ItemRecord, seller: SellerRecord | None = None
) -> list[str]:
    """Why ``item`` may not be published yet; empty when it may. Given the ``seller``, the
    gate's rules on the item's catalogue entry are checked too."""
    reasons: list[str] = []
    unknown_category = category_problem(item.domain, item.category_id)
    if unknown_category:
        reasons.append(unknown_category)
    reasons.extend(attribute_problems(item.domain, item.category_id, item.attributes))
    if item.domain == "ONDC:RET10" and item.category_id not in _LOOSE:
        block = item.statutory.get(PACKAGED_COMMODITIES) or {}
        missing = [name for name in _COMMODITY_FIELDS if _blank(block, name)]
        if missing:
            reasons.append("packaged goods must declare (Legal Metrology): " + ", ".join(missing))
        if item.category_id in _FOOD:
            food = item.statutory.get(PREPACKAGED_FOOD) or {}
            licence = food.get("brand_owner_FSSAI_license_no")
            if not (isinstance(licence, str) and _FSSAI.fullmatch(licence)):
                reasons.append("packaged food needs the brand owner's 14-digit FSSAI licence")
            if _blank(food, "nutritional_info"):
                reasons.append("packaged food needs its nutritional information")
            if item.attributes.get("veg_nonveg") not in DIETS:
                # Ours: a buyer app shows the green or brown mark on food, and cannot
                # without it (ONDC's veg_nonveg tag group, retail 1.2.0 grocery).
                reasons.append(
                    f"attribute.veg_nonveg: packaged food must say {', '.join(DIETS)} "
                    "(rule RET10 veg_nonveg_food)"
                )
    if location.std_code in HIMACHAL_STD_CODES and not location.pincode.startswith("17"):
        reasons.append(
            f"pincode {location.pincode} is not a Himachal Pradesh pincode (17xxxx) but the "
            f"city code std:{location.std_code} is"
        )
    latitude, longitude = (float(part) for part in location.gps.split(","))
    if not (6.0 <= latitude <= 37.5 and 68.0 <= longitude <= 97.5):
        reasons.append(f"GPS {location.gps} is outside India")
    if location.serviceability == "10" and not 1 <= location.radius_km <= 50:
        reasons.append(
            f"a hyperlocal delivery radius must be 1 to 50 km, not {location.radius_km} km"
        )
    if seller is not None:
        reasons.extend(str(problem) for problem in rule_problems(seller, location, item))
    return reasons
