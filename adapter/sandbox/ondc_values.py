"""Patterns and allowed values ONDC's retail 1.2.0 rules share, and the domains they name
(data for the rule tables of the conformance gate)."""

from __future__ import annotations

from typing import Final

from adapter.sandbox.field_rules import ALL_DOMAINS

__all__ = [
    "ALL_DOMAINS", "AMOUNT", "CALLBACKS", "COLOURS", "DIETS", "DURATION", "EMAIL",
    "FASHION_AND_HOME", "FULFILLMENT_TYPES", "GPS", "HHMM", "MATERIALS", "ORDER_CALLBACKS",
    "ORDER_ID", "PHONE", "PINCODE", "PRICE", "RET10", "RET10_CATEGORIES", "RET12", "RET16",
    "RET16_ID", "RET16_PRICE", "STATUS_ORDER_ID", "TIMESTAMP", "TITLE_TYPES", "UNITS", "URI",
    "UUID",
]  # fmt: skip

RET10: Final = frozenset({"ONDC:RET10"})
RET12: Final = frozenset({"ONDC:RET12"})
RET16: Final = frozenset({"ONDC:RET16"})
FASHION_AND_HOME: Final = RET12 | RET16

# Patterns the rules share.
DURATION: Final = r"^P(?=\d|T)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$"
TIMESTAMP: Final = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$"
UUID: Final = (
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$"
)
URI: Final = r"^(https?://)?([\w.-]+)(:[0-9]+)?(/.*)?$"
ORDER_ID: Final = r"^[0-9a-zA-Z_\-]{1,36}$"
# RET16's ids (catalogue and order): ONDC wrote "/-_" meaning three characters, which a regular
# expression reads as the range from "/" to "_": digits, capitals and a few signs, but no
# hyphen. It is what the workbench runs, so ids with a hyphen fail in RET16.
RET16_ID: Final = r"^[0-9a-zA-Z/-_]{1,36}$"
# on_status writes its order id rule differently again: hyphen and slash, no underscore.
STATUS_ORDER_ID: Final = r"^[a-zA-Z0-9\-/]{1,36}$"
PRICE: Final = r"^[0-9]+(\.[0-9]{2,})?$"
RET16_PRICE: Final = r"^[0-9]+(\.[0-9]{1,})?$"
AMOUNT: Final = r"^(\d*.?\d{1,2})$"
PINCODE: Final = r"^[0-9]{6}$"
PHONE: Final = r"^[0-9]{10}$"
EMAIL: Final = r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$"
GPS: Final = r"^[-+]?([1-8]?\d|90)\.\d{4,},\s*[-+]?(180|1[0-7]\d|[1-9]?\d)\.\d{4,}$"
HHMM: Final = r"^[0-9]{4}$"

ORDER_CALLBACKS: Final = (
    "on_select",
    "on_init",
    "on_confirm",
    "on_status",
    "on_cancel",
    "on_update",
)
CALLBACKS: Final = ("on_search", *ORDER_CALLBACKS, "on_track")

# Allowed values the rules share.
FULFILLMENT_TYPES: Final = ("Delivery", "Self-Pickup", "Buyer-Delivery")
# The diet marks of grocery's ``veg_nonveg`` tag group.
DIETS: Final = ("veg", "non_veg", "egg")
# ONDC's colour and material enumerations for item attributes (the retail specification's
# tag enumerations, ONDC-Official/ONDC-RET-Specifications, branch draft-1.x,
# api/components/tags/tags_enum/colour.yaml and material.yaml). An item's ``colour_name``
# names its colour family from this list (its exact shade is the ``colour`` hex code), so a
# buyer app's colour filter finds it. The material list is of textiles: it holds fashion's
# materials, not home and kitchen's (wood, brass, paper ... are not in it).
COLOURS: Final = (
    "black", "grey", "white", "off-white", "transparent", "blue", "red", "green", "yellow",
    "brown", "pink", "orange", "turquoise", "gold", "purple", "beige", "silver",
    "multicoloured", "active black", "fixed/alpha", "coral", "maroon", "lavender", "clear",
    "bronze",
)  # fmt: skip
MATERIALS: Final = (
    "cotton", "silk", "polyester", "wool", "jute", "leather", "pu", "vegan leather", "nylon",
    "viscose", "linen", "rayon", "modal", "elastane", "synthetic",
)  # fmt: skip
UNITS: Final = ("unit", "dozen", "gram", "kilogram", "tonne", "litre", "millilitre")
TITLE_TYPES: Final = ("item", "delivery", "packing", "tax", "misc", "discount", "offer")
RET10_CATEGORIES: Final = (
    "Fruits and Vegetables",
    "Masala & Seasoning",
    "Oil & Ghee",
    "Eggs, Meat & Fish",
    "Cleaning & Household",
    "Bakery, Cakes & Dairy",
    "Pet Care",
    "Stationery",
    "Detergents and Dishwash",
    "Dairy and Cheese",
    "Snacks, Dry Fruits, Nuts",
    "Pasta, Soup and Noodles",
    "Cereals and Breakfast",
    "Sauces, Spreads and Dips",
    "Chocolates and Biscuits",
    "Cooking and Baking Needs",
    "Tinned and Processed Food",
    "Atta, Flours and Sooji",
    "Rice and Rice Products",
    "Dals and Pulses",
    "Salt, Sugar and Jaggery",
    "Energy and Soft Drinks",
    "Water",
    "Tea and Coffee",
    "Fruit Juices and Fruit Drinks",
    "Snacks and Namkeen",
    "Ready to Cook and Eat",
    "Pickles and Chutney",
    "Indian Sweets",
    "Frozen Vegetables",
    "Frozen Snacks",
    "Gift Voucher",
)
