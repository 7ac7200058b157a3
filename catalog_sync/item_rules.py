"""ONDC's rules for one item of a seller's catalogue, checked before it is published (pure).

The rules are the conformance gate's, not a second copy: the workbench field rules (and our
own few) in :mod:`adapter.sandbox.catalogue_rules`, the id rules of the order callbacks in
:mod:`adapter.sandbox.order_rules`, the allowed values in :mod:`adapter.sandbox.ondc_values`.
An item is turned into the catalogue entry the adapter would send for it
(:func:`catalog_sync.transform.provider_payload`), and every rule of a full ``on_search``
that looks at a provider or its items is run on that entry; the provider, location and item
ids are also held to the order callbacks' id rules, which a buyer app checks on every order.

Each failure is a :class:`RuleProblem` naming the field the seller gave (the import file's
column, the seller API's field), the rule (domain and name, as the workbench names it) and
what is wrong. ``refuses`` tells a value that is wrong (an import refuses the row, the
seller API answers 422) from a value that is missing (the item is stored and held back
from buyers until it is given).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, Final

from adapter.sandbox.catalogue_rules import CATALOGUE_RULES
from adapter.sandbox.field_rules import Check, FieldRule
from adapter.sandbox.ondc_values import DIETS, ORDER_ID, RET16_ID
from adapter.sandbox.order_rules import ORDER_RULES
from catalog_sync.records import ItemRecord, LocationRecord, SellerRecord
from catalog_sync.transform import provider_payload

__all__ = ["RuleProblem", "field_of", "item_rules", "rule_problems"]


@dataclass(frozen=True, slots=True)
class RuleProblem:
    """One rule an item breaks: the seller's field, the rule (``"RET16 ITEMS_ID"``), what is
    wrong, and whether the value given is wrong (``refuses``) or missing."""

    field: str
    rule: str
    reason: str
    refuses: bool

    def __str__(self) -> str:
        return f"{self.field}: {self.reason} (rule {self.rule})"


_PROVIDER: Final = "message.catalog.bpp/providers[]."
# The order callbacks' rules on ids the seller chooses (the buyer app echoes them back).
_ORDER_ID_PATHS: Final = {
    "message.order.provider.id": "seller_code",
    "message.order.provider.locations[].id": "location_code",
    "message.order.items[].id": "sku",
}
# The time an item is checked at: rules look at the form of timestamps, never their value.
_CHECKED_AT: Final = datetime(2026, 1, 1, tzinfo=UTC)

# A rule's path (after the provider) -> the seller's field it comes from, first match wins.
_FIELDS: Final[tuple[tuple[str, str], ...]] = (
    ("items[].id", "sku"),
    ("items[].parent_item_id", "variant_group"),
    ("items[].descriptor.name", "name"),
    ("items[].descriptor.symbol", "images"),
    ("items[].descriptor.images", "images"),
    ("items[].descriptor.short_desc", "short_desc"),
    ("items[].descriptor.long_desc", "long_desc"),
    ("items[].descriptor.code", "ean"),
    ("items[].quantity.unitized.measure.unit", "unit"),
    ("items[].quantity.unitized.measure.value", "unit_value"),
    ("items[].quantity.available", "available"),
    ("items[].quantity.maximum", "maximum"),
    ("items[].price.maximum_value", "mrp"),
    ("items[].price", "price"),
    ("items[].category_id", "category_id"),
    ("items[].time", "available"),
    ("items[].fulfillment_id", "fulfillment_types"),
    ("items[].location_id", "location_code"),
    ("items[].@ondc/org/contact_details_consumer_care", "phone"),
    ("items[].tags[code=veg_nonveg]", "attribute.veg_nonveg"),
    ("items[].tags[code=origin]", "origin_country"),
    ("items[].tags", "attributes"),
    ("id", "seller_code"),
    ("ttl", "seller_code"),
    ("time", "closed_from"),
    ("descriptor.name", "seller_name"),
    ("descriptor.short_desc", "seller_short_desc"),
    ("descriptor.long_desc", "seller_short_desc"),
    ("descriptor", "seller_symbol"),
    ("locations[].id", "location_code"),
    ("locations[].gps", "gps"),
    ("locations[].circle", "radius_km"),
    ("locations[].address.area_code", "pincode"),
    ("locations[].time.schedule.holidays", "holidays"),
    ("locations[].time", "opening_hours"),
    ("fulfillments[].contact.phone", "phone"),
    ("fulfillments[].contact.email", "email"),
    ("fulfillments", "fulfillment_types"),
    ("categories", "variant_group"),
    ("tags[code=timing]", "opening_hours"),
    ("tags", "serviceability"),
)
_STATUTORY: Final = re.compile(r"^items\[\]\.@ondc/org/statutory_reqs_\w+\.(?P<name>\w+)")
_ONDC_ORG: Final = re.compile(r"^items\[\]\.@ondc/org/(?P<name>\w+)")
_ATTRIBUTE: Final = re.compile(r"^items\[\]\.tags\[code=attribute\]\.list\[code=(?P<name>\w+)\]")
_ADDRESS: Final = re.compile(r"^locations\[\]\.address\.(?P<name>\w+)")

# What an id pattern allows, in words (RET16's rule reads "/-_" as a range: no hyphen).
_PATTERN_WORDS: Final = {
    RET16_ID: "letters, digits, '_' and '/' (no '-'), at most 36 characters",
    ORDER_ID: "letters, digits, '_' and '-', at most 36 characters",
}

# Rules on a value the transform makes, and what the seller must give for it.
_DERIVED: Final = {
    "ITEMS_DESCRIPTOR_CODE": (
        "ean",
        "is required: a grocery item's code is its EAN barcode (1:) or another code (5:), "
        "and ONDC's log validator takes only the EAN (the HSN heading is not enough)",
    ),
}


def field_of(path: str) -> str:
    """The seller's field (import column, seller API field) a gate rule's path comes from;
    the path itself when it is not the seller's to give."""
    if path in _ORDER_ID_PATHS:
        return _ORDER_ID_PATHS[path]
    rest = path.removeprefix(_PROVIDER)
    for pattern in (_STATUTORY, _ATTRIBUTE):
        match = pattern.match(rest)
        if match:
            return f"attribute.{match['name']}" if pattern is _ATTRIBUTE else match["name"]
    for prefix, name in _FIELDS:
        if rest == prefix or rest.startswith((f"{prefix}.", f"{prefix}[")):
            return name
    for pattern in (_ONDC_ORG, _ADDRESS):
        match = pattern.match(rest)
        if match:
            return match["name"]
    return path


@lru_cache(maxsize=32)
def item_rules(domain: str) -> tuple[tuple[str, FieldRule], ...]:
    """The gate's rules an item of ``domain`` is held to, with the action each is checked
    on: a full ``on_search``'s rules on providers and items, and ``on_confirm``'s id rules."""
    catalogue = tuple(
        ("on_search", rule)
        for rule in CATALOGUE_RULES
        if rule.path.startswith(_PROVIDER) and rule.applies("on_search", domain, "std:0177")
    )
    orders = tuple(
        ("on_confirm", rule)
        for rule in ORDER_RULES
        if rule.path in _ORDER_ID_PATHS and rule.applies("on_confirm", domain, "std:0177")
    )
    return catalogue + orders


def _bodies(
    seller: SellerRecord, location: LocationRecord, item: ItemRecord
) -> dict[str, dict[str, Any]]:
    """The catalogue entry and an order of the item, as the rules read them."""
    context = {"domain": item.domain, "city": f"std:{location.std_code}"}
    provider = provider_payload(seller, location, [item], now=_CHECKED_AT)
    order = {
        "provider": {"id": seller.code, "locations": [{"id": location.code}]},
        "items": [{"id": item.sku}],
    }
    return {
        "on_search": {
            "context": {**context, "action": "on_search"},
            "message": {"catalog": {"bpp/providers": [provider]}},
        },
        "on_confirm": {"context": {**context, "action": "on_confirm"}, "message": {"order": order}},
    }


def rule_problems(
    seller: SellerRecord, location: LocationRecord, item: ItemRecord
) -> list[RuleProblem]:
    """Every gate rule the item's catalogue entry (and its ids in an order) would break."""
    bodies = _bodies(seller, location, item)
    short = item.domain.removeprefix("ONDC:")
    provider_rules, own_rules = _scoped(item.domain)
    # The provider's part of the entry (descriptor, location, fulfilments, tags) is the same
    # for every item of a seller's location in a domain: checked once, not per row.
    # By their text: records read back from JSON hold lists, which do not hash.
    key = (repr(seller), repr(location), item.domain)
    if key not in _PROVIDER_PROBLEMS:
        if len(_PROVIDER_PROBLEMS) >= _PROVIDER_CACHE_SIZE:
            _PROVIDER_PROBLEMS.clear()
        _PROVIDER_PROBLEMS[key] = _check(provider_rules, bodies, short)
    found = [*_PROVIDER_PROBLEMS[key], *_check(own_rules, bodies, short)]
    found.extend(_diet_problems(item, short))
    return found


_PROVIDER_CACHE_SIZE: Final = 256
_PROVIDER_PROBLEMS: dict[tuple[str, str, str], list[RuleProblem]] = {}
# Rules on what belongs to one item: its entry, its variant group, its id in an order.
_ITEM_SCOPE: Final = (f"{_PROVIDER}items[]", f"{_PROVIDER}categories[]", "message.order.items[]")


@lru_cache(maxsize=32)
def _scoped(
    domain: str,
) -> tuple[tuple[tuple[str, FieldRule], ...], tuple[tuple[str, FieldRule], ...]]:
    """The domain's rules on the provider, and those on one item."""
    rules = item_rules(domain)
    own = tuple((action, rule) for action, rule in rules if rule.path.startswith(_ITEM_SCOPE))
    return tuple(pair for pair in rules if pair not in own), own


def _check(
    rules: Iterable[tuple[str, FieldRule]], bodies: dict[str, dict[str, Any]], short: str
) -> list[RuleProblem]:
    found: list[RuleProblem] = []
    seen: set[tuple[str, str]] = set()
    for action, rule in rules:
        for violation in rule.violations(action, bodies[action]):
            field = field_of(rule.path)
            if (field, rule.name) in seen:
                continue
            seen.add((field, rule.name))
            missing = violation.message.endswith(" is required")
            reason = _reason(rule, violation.message)
            if rule.name in _DERIVED:
                # The wire value is made from what the seller gave; what is missing is the
                # value the rule wants, so the item is held until it is given.
                field, reason, missing = *_DERIVED[rule.name], True
            found.append(RuleProblem(field, f"{short} {rule.name}", reason, not missing))
    return found


def _reason(rule: FieldRule, message: str) -> str:
    if message.endswith(" is required"):
        return "is required"
    if rule.check is Check.PATTERN and rule.values[0] in _PATTERN_WORDS:
        value = message.split(" does not match ")[0]
        return f"{value} is not allowed here: {_PATTERN_WORDS[rule.values[0]]}"
    return message


def _diet_problems(item: ItemRecord, short: str) -> Iterable[RuleProblem]:
    """A grocery item's diet mark is sent only when it is one ONDC knows
    (``TAGS_VEG_NONVEG_CODES``); a wrong one would be dropped unseen, so it is refused."""
    diet = item.attributes.get("veg_nonveg")
    if item.domain == "ONDC:RET10" and diet is not None and diet not in DIETS:
        yield RuleProblem(
            "attribute.veg_nonveg",
            f"{short} TAGS_VEG_NONVEG_CODES",
            f"{diet!r} is not one of {list(DIETS)}",
            True,
        )
