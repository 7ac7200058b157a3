"""ONDC retail 1.2.0 taxonomy: the category ids a domain accepts, and the item attributes
each category requires (pure data and the checks made with it).

A buyer app reads an item's attributes from its ``tags`` group ``attribute`` (``{"code":
"attribute", "list": [{"code": "colour", "value": "#8B0000"}, ...]}``); ONDC's log
validator (ONDC-Official/log-validation-utility, ``checkMandatoryTags`` in
``utils/index.ts``, called from ``utils/Retail/Search/on_search.ts`` and
``SearchInc/onSearchIncremental.ts`` for 1.2.0 and 1.2.5) refuses an ``on_search`` when:

- a fashion (RET12) or home and kitchen (RET16) item has no ``attribute`` group at all;
- a mandatory attribute of the item's category is missing: the per-category tables in
  ``constants/fashion.ts`` (RET12) and ``homeJSON`` in ``constants/category.ts`` (RET16);
  grocery (RET10, ``groceryJSON``) needs no group, but one that is sent must name the brand;
- an attribute is not one the category knows (``invalid_attribute``);
- a value breaks its rule: ``gender`` from a closed list, ``colour`` a ``#RRGGBB`` hex code,
  fashion's ``colour_name`` lower-case words, ``size_chart`` a web address.

The category ids are the keys of those tables; for grocery the keys of
``groceryCategoryMappingWithStatutory``, whose unknown ids the validator reports as "not a
valid one". The retail specification (ONDC-Official/ONDC-RET-Specifications, branch
draft-1.x) lists the newer ``RET10-1000``-style codes in ``api/components/enums/category.yaml``
and the attribute values under ``api/components/tags/tags_enum/``; 1.2.0 catalogues and the
validator use the names below. Read from the validator at commit 4d1336214435 (2025-11-07).
Domains without a table here (RET11, RET13 ...) are not checked.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

__all__ = [
    "CategoryRule",
    "attribute_problems",
    "categories",
    "category_problem",
    "domain_of",
    "rule",
]


@dataclass(frozen=True, slots=True)
class CategoryRule:
    """The attributes of one category: which must be given, which may be, and whether an
    item must carry the ``attribute`` tag group at all."""

    mandatory: tuple[str, ...]
    optional: tuple[str, ...]
    group_required: bool = True

    @property
    def known(self) -> frozenset[str]:
        """Every attribute name the category accepts."""
        return frozenset(self.mandatory) | frozenset(self.optional)


# Grocery (RET10): the validator's groceryCategoryMappingWithStatutory keys; an attribute
# group is optional, and when sent it names the brand. ``veg_nonveg`` ("veg", "non_veg",
# "egg") is the diet mark, sent as ONDC's ``veg_nonveg`` tag group (catalog_sync.transform).
_GROCERY: Final = frozenset(
    {
        "Bakery, Cakes & Dairy", "Dairy and Cheese", "Snacks, Dry Fruits, Nuts",
        "Cereals and Breakfast", "Sauces, Spreads and Dips", "Chocolates and Biscuits",
        "Tinned and Processed Food", "Energy and Soft Drinks", "Fruit Juices and Fruit Drinks",
        "Snacks and Namkeen", "Ready to Cook and Eat", "Pickles and Chutney", "Indian Sweets",
        "Frozen Snacks", "Masala & Seasoning", "Oil & Ghee", "Eggs, Meat & Fish", "Pet Care",
        "Pasta, Soup and Noodles", "Cooking and Baking Needs", "Atta, Flours and Sooji",
        "Rice and Rice Products", "Dals and Pulses", "Salt, Sugar and Jaggery", "Tea and Coffee",
        "Fruits and Vegetables", "Water", "Frozen Vegetables", "Gift Voucher",
    }
)  # fmt: skip
_GROCERY_RULE: Final = CategoryRule(
    mandatory=("brand",), optional=("veg_nonveg",), group_required=False
)

# Fashion (RET12): every category accepts the same attribute names; what is mandatory varies.
_FASHION_OPTIONAL: Final = (
    "care_instructions", "wash_type", "weight", "length", "breadth", "height", "features",
    "fabric_finish", "material_finish", "pattern", "occasion", "season", "trend", "fit",
    "collar", "neck", "bundles", "max_sale_quantity", "hemline", "lining", "num_pockets",
    "bottom_type", "top_type", "front_styling", "sleeve_length", "sweatshirt_type", "fragile",
    "liquid", "hazardous", "power_type", "battery_life", "bluetooth", "call_function",
    "heart_rate_monitor", "pedometer", "sleep_monitor", "spo2_monitor", "warranty",
    "buckle_material", "buckle_type", "waist_rise", "socks_length", "footwear_type", "insole",
    "sole_material", "toe_shape", "outsole", "fasten_type", "midsole", "backpack_style",
    "closure_type", "stone_type", "gem_type", "dial_shape", "frame_type", "frame_shape",
    "frame_colour", "frame_size", "frame_material", "frame_style", "face_shape",
    "lens_material", "lens_colour", "laptop_compartment", "strap_type", "volume", "lock_type",
    "ornamentation", "coverage", "padding", "seam", "waist_band", "sustainability",
    "handcrafted", "craftmark", "size_chart", "fabric", "material", "reversible",
    "strap_material", "water_resistant", "display", "glass_material", "sport_type",
    "base_metal", "plating",
)  # fmt: skip
_WORN: Final = ("gender", "colour", "colour_name", "size", "brand")
# Mandatory attributes beyond _WORN, by group of categories.
_GARMENTS: Final = (
    "Shirts", "T Shirts", "Sweatshirts", "Kurtas & Kurta Sets", "Jackets & Coats", "Sweaters",
    "Stoles and Scarves", "Mufflers", "Suits", "Sherwanis", "Track Shirts", "Track Suits",
    "Dresses", "Tops", "Trousers", "Capris", "Coordinates", "Playsuits", "Jumpsuits",
    "Shrugs & Blouses", "Blazers & Waistcoats", "Tights, Leggings & Jeggings", "Track Pants",
    "Jeans", "Shorts", "Joggers", "Dhotis & Dhoti Pants", "Churidars", "Salwars",
    "Dungarees & Jumpsuits", "Skirts", "Clothing Sets", "Kurtis, Tunics", "Sarees",
    "Ethnic Wear", "Palazzos", "Dress Materials", "Lehenga Cholis", "Dupattas & Shawls",
    "Burqas & Hijabs", "Blouses", "Blouse Pieces", "Briefs", "Boxers", "Vests", "Robes",
    "Night Suits", "Thermal Wear", "Swim Bottoms", "Swimwear", "Bra", "Shapewear",
    "Sleepwear & Loungewear", "Camisoles", "Lingerie Sets & Accessories", "Bath Robes",
    "Pyjamas", "Party Wear", "Innerwear & Sleepwear", "Nightwear & Loungewear", "Socks",
    "Flip-Flops & Flats", "Sandals & Floaters", "Formal Shoes", "Casual Shoes", "Ethnic Shoes",
    "Heels",
)  # fmt: skip
_FABRIC_GOODS: Final = (
    "Backpacks", "Stockings", "Trolley, Luggage & Suitcases", "Unstitched Fabrics",
)  # fmt: skip
_SIZED_SHOES: Final = ("Boots", "Outdoor Shoes", "Work & Safety Shoes")
_JEWELLERY: Final = (
    "Anklets", "Bracelets", "Brooch", "Chains", "Earrings", "Gold Coins", "Jewellery Sets",
    "Mangalsutra", "Necklaces", "Nosepins & Noserings", "Pendants", "Rings", "Toe Rings",
)  # fmt: skip
_ACCESSORIES: Final = (
    "Gloves", "Handbags", "Towels", "Bangles & Bracelets", "Sunglasses", "Eye Glasses",
    "Eye Glass Frames", "Contact Lenses", "Contact Lens Cases", "Contact Lens Solutions",
    "Contact Lens Tweezers", "Eyeglasses Pouches & Cases", "Eyewear Slings",
    "Microfiber Wipes", "Shoe Care - Accessories", "Shoe Racks & Organisers", "Soles & Charms",
)  # fmt: skip
_FASHION_EXTRA: Final[Mapping[str, tuple[str, ...]]] = {
    **dict.fromkeys(_GARMENTS, ("size_chart", "fabric")),
    **dict.fromkeys(_FABRIC_GOODS, ("fabric",)),
    **dict.fromkeys(_SIZED_SHOES, ("size_chart",)),
    **dict.fromkeys(_JEWELLERY, ("base_metal", "plating")),
    **dict.fromkeys(_ACCESSORIES, ()),
    "Sports Shoes": ("size_chart", "fabric", "sport_type"),
    "Belts": ("size_chart", "material", "reversible"),
    "Caps & Hats": ("material",),
    "Watches": ("strap_material", "water_resistant", "display", "glass_material"),
}


def _fashion(category: str) -> CategoryRule:
    # Laces are the one fashion category whose brand is optional.
    worn = tuple(name for name in _WORN if not (category == "Laces" and name == "brand"))
    extra = ("fabric",) if category == "Laces" else _FASHION_EXTRA[category]
    mandatory = worn + extra
    optional = tuple(name for name in ("brand", *_FASHION_OPTIONAL) if name not in mandatory)
    return CategoryRule(mandatory=mandatory, optional=optional)


# Home and kitchen (RET16): brand and material always; colour (hex and name) too except for
# a few consumables; sizes and care are optional.
_HOME_OPTIONAL: Final = (
    "size", "weight", "length", "breadth", "height", "model", "assembly_required",
    "care_instructions", "special_features",
)  # fmt: skip
_HOME: Final = CategoryRule(
    mandatory=("brand", "colour", "colour_name", "material"), optional=_HOME_OPTIONAL
)
_HOME_UNCOLOURED: Final = CategoryRule(
    mandatory=("brand", "material"), optional=("colour", "colour_name", *_HOME_OPTIONAL)
)
_HOME_COLOURED: Final = (
    "Home Decor", "Furniture", "Home Furnishing - Bedding and Linen", "Cleaning Supplies",
    "Electricals", "Bathroom and Kitchen fixtures", "Garden & Outdoor",
    "Sports and Fitness Equipment", "Cookware", "Serveware", "Kitchen Storage and Containers",
    "Kitchen Tools", "Closet/Laundry/Shoe Organization", "Toys and Games", "Stationery",
    "Disposables and Garbage Bags", "Flowers",
)  # fmt: skip
_HOME_CONSUMABLES: Final = (
    "Fresheners and Repellents", "Mops, Brushes and Scrubs", "Party and Festive Needs",
    "Pooja Needs", "Car and Shoe Care",
)  # fmt: skip
_HOME_RULES: Final[Mapping[str, CategoryRule]] = {
    **dict.fromkeys(_HOME_COLOURED, _HOME),
    **dict.fromkeys(_HOME_CONSUMABLES, _HOME_UNCOLOURED),
    "Gift Voucher": CategoryRule(mandatory=(), optional=()),
}

_RULES: Final[Mapping[str, Mapping[str, CategoryRule]]] = {
    "ONDC:RET10": dict.fromkeys(_GROCERY, _GROCERY_RULE),
    "ONDC:RET12": {name: _fashion(name) for name in (*_FASHION_EXTRA, "Laces")},
    "ONDC:RET16": _HOME_RULES,
}
_DOMAIN_NAMES: Final = {
    "ONDC:RET10": "grocery", "ONDC:RET12": "fashion", "ONDC:RET16": "home and kitchen",
}  # fmt: skip

_GENDERS: Final = ("male", "female", "boy", "girl", "infant", "unisex")
_HEX_COLOUR: Final = re.compile(r"#[0-9A-Fa-f]{6}")
_COLOUR_NAME: Final = re.compile(r"[a-z ]+")
_WEB_ADDRESS: Final = re.compile(r"https?://\S+")


def categories(domain: str) -> frozenset[str] | None:
    """The category ids ONDC accepts in ``domain``; ``None`` for a domain not checked here."""
    table = _RULES.get(domain)
    return frozenset(table) if table is not None else None


def rule(domain: str, category_id: str) -> CategoryRule | None:
    """The attribute rule of a category; ``None`` when the domain or category is unknown."""
    return _RULES.get(domain, {}).get(category_id)


def domain_of(category_id: str) -> str | None:
    """The domain a category id belongs to, when exactly one domain has it."""
    owners = [domain for domain, table in _RULES.items() if category_id in table]
    return owners[0] if len(owners) == 1 else None


def category_problem(domain: str, category_id: str) -> str | None:
    """Why ``category_id`` is not accepted in ``domain``, in words a seller can act on."""
    table = _RULES.get(domain)
    if table is None or category_id in table:
        return None
    near = difflib.get_close_matches(category_id, list(table), n=1, cutoff=0.6)
    hint = f" (did you mean {near[0]!r}?)" if near else ""
    return (
        f"category {category_id!r} is not in ONDC's {_DOMAIN_NAMES[domain]} taxonomy "
        f"({domain.removeprefix('ONDC:')}){hint}"
    )


def attribute_problems(domain: str, category_id: str, attributes: Mapping[str, str]) -> list[str]:
    """What is missing or wrong in an item's attributes for its category, in plain words;
    empty when buyer apps will take them (or the category is not known here)."""
    found = rule(domain, category_id)
    if found is None:
        return []
    given = {name: value for name, value in attributes.items() if value.strip()}
    if not given and not found.group_required:
        return []
    problems: list[str] = []
    missing = [name for name in found.mandatory if name not in given]
    if missing:
        problems.append(f"a {category_id!r} item must state these attributes: {', '.join(missing)}")
    unknown = sorted(set(given) - found.known)
    if unknown:
        problems.append(
            f"ONDC does not know the attribute(s) {', '.join(unknown)} for {category_id!r}"
        )
    problems.extend(_value_problems(domain, given))
    return problems


def _value_problems(domain: str, given: Mapping[str, str]) -> list[str]:
    problems = []
    gender = given.get("gender")
    if gender is not None and gender not in _GENDERS:
        problems.append(f"gender must be one of {', '.join(_GENDERS)}, not {gender!r}")
    colour = given.get("colour")
    if colour is not None and not _HEX_COLOUR.fullmatch(colour):
        problems.append(f"colour must be a hex colour code like #8B0000, not {colour!r}")
    name = given.get("colour_name")
    if domain == "ONDC:RET12" and name is not None and not _COLOUR_NAME.fullmatch(name):
        problems.append(f"colour_name must be lower-case words like 'dark red', not {name!r}")
    chart = given.get("size_chart")
    if chart is not None and not _WEB_ADDRESS.fullmatch(chart):
        problems.append(f"size_chart must be a web address (https://...), not {chart!r}")
    return problems
