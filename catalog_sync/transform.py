"""Seller records -> ONDC retail 1.2.0 catalogue entries, and the search match (pure).

``/on_search`` (ONDC retail 1.2.0): each provider carries its descriptor, time, locations,
fulfilments with contact, items and serviceability tags; each item its descriptor with
``code``, unitised quantity, price with ``maximum_value`` (MRP), category, fulfilment and
location ids, the ``@ondc/org`` return, cancel and shipping terms, consumer-care contact and
tags. Stock follows the display rule the validator enforces (``available.count`` is "99"
in stock, "0" out of stock, the item still ``enable``) while the true count stays with
the adapter; ``maximum.count`` never exceeds what is really there. In fashion and home
and kitchen the category's attributes (gender, colour, size, brand, fabric ...) go in the
``attribute`` tag group, ODOP and GI provenance in their own ``odop`` group (never in
``attribute``) and the Hindi name in a ``localised_name`` group. Grocery (RET10) allows
only ``origin``, ``veg_nonveg``, ``image``, ``timing`` and ``np_fees`` groups, so there the
Hindi name and the provenance end the item's long description.

What ONDC's log validator (log-validation-utility, ``utils/Retail/Search/on_search.ts``)
requires of a provider and its items, and how it is met truthfully (docs/catalogue.md):

- ``descriptor.code`` is ``<type>:<code>``; the validator wants ``1:<EAN-8 or EAN-13>`` in
  RET10, RET13, RET16 and RET18, ``4:<HSN>`` in RET12 and ``3:<GTIN>`` in RET14 and RET15.
  :func:`item_code` sends the code the domain wants when the seller has it, else the
  item's HSN heading, else its SKU (``5:``): a barcode is never made up.
- ``categories`` must not be empty ("support for variants is mandatory"): each provider
  declares a variant group per product family, with what its variants differ in (pack
  size in grocery, colour and size in fashion, colour elsewhere), and every item names its
  group as ``parent_item_id`` (an item sold in one form only is a group of its own).
- ``tags`` carry ``timing`` groups: orders are taken at any hour (``Order``), goods leave
  the location in its opening hours (``Delivery``, the fulfilment's type), and a store
  where buyers collect their goods is open for it in the same hours (``Self-Pickup``).
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime, timedelta, timezone
from typing import Any, Final

from catalog_sync.customisation import custom_group, custom_group_id, customisation_item
from catalog_sync.item_tags import item_tags, long_description
from catalog_sync.records import ItemRecord, LocationRecord, SellerRecord

__all__ = [
    "closed_on",
    "distance_km",
    "item_code",
    "item_payload",
    "location_change",
    "matches",
    "normalise",
    "provider_payload",
    "searchable_text",
    "serves",
    "store_day",
    "variant_attributes",
    "variant_group_id",
    "variant_key",
]

_SPACES: Final = re.compile(r"\s+")
_IN_STOCK_DISPLAY: Final = "99"
_CATALOGUE_TTL: Final = "P1D"


_INVISIBLE: Final = frozenset({"Mn", "Cf"})  # combining marks, format characters


def normalise(text: str) -> str:
    """Case- and accent-insensitive form for matching, in any script.

    Compatibility-decomposed, combining marks and invisible format characters removed,
    case folded, spaces collapsed: "Kullū SHAWL" and "kullu shawl" meet, and Devanagari is
    compared the same way on both sides. Format characters (Unicode category Cf: the
    zero-width joiner and non-joiner that Hindi keyboards insert, zero-width spaces, soft
    hyphens, byte-order marks, direction marks) change how text is drawn, never what it
    says, so "श\u200dॉल" is "शॉल".
    """
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if unicodedata.category(ch) not in _INVISIBLE)
    return _SPACES.sub(" ", bare.casefold()).strip()


def matches(item: ItemRecord, query: str, *, category: str | None = None) -> bool:
    """True when every word of ``query`` is part of the item's names, description or
    category (partial words count), and the category, if given, is the item's."""
    if category is not None and normalise(category) != normalise(item.category_id):
        return False
    words = normalise(query).split()
    if not words:
        return True
    haystack = searchable_text(item)
    return all(word in haystack for word in words)


def searchable_text(item: ItemRecord) -> str:
    """What a search by words looks in: names in both languages, description, category."""
    return normalise(
        " ".join(filter(None, (item.name, item.name_hi, item.short_desc, item.category_id)))
    )


# ONDC code types (retail 1.2.0 ``descriptor.code``) and the one the validator wants per
# domain; the rest use an EAN.
_EAN: Final = "1"
_GTIN: Final = "3"
_HSN: Final = "4"
_OTHER: Final = "5"
_WANTED_CODE: Final[dict[str, str]] = {
    "ONDC:RET12": _HSN, "ONDC:RET14": _GTIN, "ONDC:RET15": _GTIN,
}  # fmt: skip
# Which attribute a provider's variants differ in, per domain (ONDC retail 1.2.0 provider
# ``categories``, ``variant_group``): pack size in grocery, colour and size in fashion.
_VARIANT_ATTRIBUTES: Final[dict[str, tuple[str, ...]]] = {
    "ONDC:RET10": ("item.quantity.unitized.measure",),
    "ONDC:RET12": ("item.tags.attribute.colour", "item.tags.attribute.size"),
}
_DEFAULT_VARIANT_ATTRIBUTES: Final = ("item.tags.attribute.colour",)
_ALL_DAY: Final = ("0000", "2359")


def variant_attributes(domain: str) -> tuple[str, ...]:
    """What a domain's variants differ by, as ONDC names it (``item.tags.attribute.colour``)."""
    return _VARIANT_ATTRIBUTES.get(domain, _DEFAULT_VARIANT_ATTRIBUTES)


def variant_key(item: ItemRecord) -> tuple[str, ...]:
    """The values that tell an item from the other variants of its group."""
    values = []
    for path in variant_attributes(item.domain):
        if path == "item.quantity.unitized.measure":
            values.append(f"{item.unit_value} {item.unit}")
        else:
            values.append(item.attributes.get(path.rsplit(".", 1)[-1], ""))
    return tuple(values)


def item_code(item: ItemRecord) -> str:
    """The item's ``descriptor.code``: the kind of code its domain asks for when the seller
    has one (``4:`` HSN in fashion, ``3:`` GTIN in electronics and appliances, ``1:`` EAN
    elsewhere), otherwise its HSN heading, otherwise its SKU as ``5:`` (other)."""
    wanted = _WANTED_CODE.get(item.domain, _EAN)
    if wanted == _HSN and item.hsn:
        return f"{_HSN}:{item.hsn}"
    if wanted in (_EAN, _GTIN) and item.ean:
        return f"{wanted}:{item.ean}"
    if item.hsn:
        return f"{_HSN}:{item.hsn}"
    if item.ean:
        return f"{_EAN}:{item.ean}"
    return f"{_OTHER}:{item.sku}"


def _timestamp(now: datetime) -> str:
    return now.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _money(value: Any) -> str:
    return f"{value:.2f}"


def item_payload(
    seller: SellerRecord, location: LocationRecord, item: ItemRecord, *, now: datetime
) -> dict[str, Any]:
    """One catalogue item as ONDC retail 1.2.0 ``bpp/providers[].items[]`` wants it."""
    in_stock = item.available > 0
    payload: dict[str, Any] = {"id": item.sku, "parent_item_id": variant_group_id(item)}
    payload |= {
        # A sold-out item stays listed ("enable", count "0"): "disable" is the contract's
        # soft delete, and a buyer app drops the item until it is pushed again; it is sent
        # only for an item the seller has taken off sale.
        "time": {"label": "enable" if item.on_sale else "disable", "timestamp": _timestamp(now)},
        "descriptor": {
            "name": item.name,
            "code": item_code(item),
            "symbol": item.images[0] if item.images else seller.symbol,
            "short_desc": item.short_desc,
            "long_desc": long_description(item),
            "images": list(item.images) or [seller.symbol],
        },
        "quantity": {
            "unitized": {"measure": {"unit": item.unit, "value": item.unit_value}},
            "available": {"count": _IN_STOCK_DISPLAY if in_stock else "0"},
            "maximum": {"count": str(max(0, min(item.maximum, item.available)))},
        },
        "price": {
            "currency": "INR",
            "value": _money(item.price),
            "maximum_value": _money(item.mrp),
        },
        "category_id": item.category_id,
        "fulfillment_id": "1",
        "location_id": location.code,
        "@ondc/org/returnable": item.returnable,
        "@ondc/org/cancellable": item.cancellable,
        "@ondc/org/return_window": item.return_window,
        "@ondc/org/seller_pickup_return": False,
        "@ondc/org/time_to_ship": item.time_to_ship,
        # Cash on delivery is offered only by a seller who takes cash.
        "@ondc/org/available_on_cod": item.available_on_cod and seller.accepts_cash,
        "@ondc/org/contact_details_consumer_care": f"{seller.name},{seller.email},{seller.phone}",
        "tags": item_tags(item),
    }
    if item.text_input is not None:
        # ONDC retail 1.2.5: the item names the custom group of its text input.
        group = {
            "code": "custom_group",
            "list": [{"code": "id", "value": custom_group_id(item.sku)}],
        }
        payload["tags"] = [*payload["tags"], group]
    payload.update(item.statutory)
    return payload


def _customisations(
    items: list[ItemRecord], entries: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The custom groups and customisation items of the items a buyer may write on
    (``entries``: the items' catalogue entries, in the same order)."""
    groups: list[dict[str, Any]] = []
    extras: list[dict[str, Any]] = []
    for item, entry in zip(items, entries, strict=True):
        if item.text_input is None:
            continue
        groups.append(custom_group(item.sku, item.text_input, seq=len(groups) + 1))
        extras.append(customisation_item(entry, item.text_input))
    return groups, extras


def variant_group_id(item: ItemRecord) -> str:
    """The provider ``categories`` id of the item's variant group (its ``parent_item_id``):
    the seller's group, or, for an item sold in one form only, a group of its own whose id
    is made from the SKU (letters and digits, at most 12: the strictest domain's rule)."""
    if item.variant_group:
        return item.variant_group
    digest = hashlib.blake2b(item.sku.encode(), digest_size=5).hexdigest()
    return f"V{digest}"


_STORE_TIME: Final = timezone(timedelta(hours=5, minutes=30), "IST")


def store_day(now: datetime) -> date:
    """The day it is at the store (India Standard Time): a holiday or closure begins and
    ends at the store's midnight, not at midnight UTC, 05:30 there."""
    return now.astimezone(_STORE_TIME).date()


def closed_on(location: LocationRecord, day: date) -> bool:
    """Whether the store is shut on ``day``: a holiday or inside its seasonal closure."""
    if day.isoformat() in location.holidays:
        return True
    if location.closed_from and location.closed_until:
        return bool(location.closed_from <= day.isoformat() <= location.closed_until)
    return False


def _shut_days(location: LocationRecord, now: datetime) -> list[str]:
    """The holidays still to come, for ``schedule.holidays`` (ONDC lists dates)."""
    today = now.date().isoformat()
    return sorted(day for day in location.holidays if day >= today)


def provider_payload(
    seller: SellerRecord,
    location: LocationRecord,
    items: Iterable[ItemRecord],
    *,
    now: datetime,
) -> dict[str, Any]:
    """A provider with its location, fulfilment, serviceability and the given items."""
    items = list(items)
    start, end = location.opening_hours.split("-")
    # A store shut today (holiday, winter closure) is shown disabled: buyer apps keep it
    # listed but take no orders.
    label = "disable" if closed_on(location, store_day(now)) else "enable"
    location_payload: dict[str, Any] = {
        "id": location.code,
        "time": {
            "label": label,
            "timestamp": _timestamp(now),
            "days": "1,2,3,4,5,6,7",
            "schedule": {"holidays": _shut_days(location, now)},
            "range": {"start": start, "end": end},
        },
        "gps": location.gps,
        "address": {
            "locality": location.locality,
            "street": location.street,
            "city": location.city,
            "area_code": location.pincode,
            "state": location.state,
        },
    }
    if location.radius_km:
        # A circle is a radius around the location (hyperlocal); a seller shipping pan-India
        # or by pincode has none, and ONDC's schema refuses a circle without its radius.
        location_payload["circle"] = {
            "gps": location.gps,
            "radius": {"unit": "km", "value": str(location.radius_km)},
        }
    serviceability = [
        {
            "code": "serviceability",
            "list": [
                {"code": "location", "value": location.code},
                {"code": "category", "value": category},
                {"code": "type", "value": location.serviceability},
                {"code": "val", "value": _serviceable_value(location)},
                {"code": "unit", "value": _serviceable_unit(location)},
            ],
        }
        for category in sorted({item.category_id for item in items})
    ]
    timing = [
        _timing("Order", location.code, _ALL_DAY),
        _timing("Delivery", location.code, (start, end)),
    ]
    if "Self-Pickup" in location.fulfillment_types:
        # A store where buyers collect their goods says when: its opening hours.
        timing.append(_timing("Self-Pickup", location.code, (start, end)))
    domain = items[0].domain if items else ""
    attributes = variant_attributes(domain)
    # One variant group per product family the seller sells in variants, and one for each
    # item sold in one form only: every group declared has items naming it as parent.
    groups: dict[str, str] = {}
    for item in items:
        groups.setdefault(variant_group_id(item), item.variant_group or item.name)
    categories = [
        {
            "id": group,
            "descriptor": {"name": name},
            "tags": [
                {"code": "type", "list": [{"code": "type", "value": "variant_group"}]},
                *(
                    {
                        "code": "attr",
                        "list": [
                            {"code": "name", "value": name},
                            {"code": "seq", "value": str(seq)},
                        ],
                    }
                    for seq, name in enumerate(attributes, start=1)
                ),
            ],
        }
        for group, name in sorted(groups.items())
    ]
    entries = [item_payload(seller, location, item, now=now) for item in items]
    text_groups, text_items = _customisations(items, entries)
    provider: dict[str, Any] = {
        "id": seller.code,
        # How long a buyer app may keep the catalogue before asking again (ONDC retail
        # 1.2.0 provider ttl; certified sellers send a day).
        "ttl": _CATALOGUE_TTL,
        "descriptor": {
            "name": seller.name,
            "symbol": seller.symbol,
            "short_desc": seller.short_desc,
            "long_desc": seller.short_desc,
            "images": [seller.symbol],
        },
        "time": {"label": label, "timestamp": _timestamp(now)},
        "locations": [location_payload],
        "fulfillments": [
            {
                "id": str(number),
                "type": kind,
                "contact": {"phone": seller.phone, "email": seller.email},
            }
            for number, kind in enumerate(_advertised(location), start=1)
        ],
        "categories": [*categories, *text_groups],
        "items": [*entries, *text_items],
        "tags": [*serviceability, *timing],
    }
    if seller.fssai:
        provider["@ondc/org/fssai_license_no"] = seller.fssai
    return provider


def location_change(location: dict[str, Any]) -> dict[str, Any]:
    """A location of :func:`provider_payload` as an incremental ``on_search`` sends it when
    the store changes (a closure, a reopening, new hours): its id and ``time`` with the
    label, days and holidays, the opening hours as split timings (``schedule.times`` the
    opening, ``schedule.frequency`` how long it stays open). ONDC's workbench reads a
    ``time.range`` in an incremental catalogue as timestamps (ONDC retail 1.2.0 store
    closure: the closure window), while its log validator wants fixed or split hours there;
    split timings satisfy both."""
    time = location["time"]
    start, end = time["range"]["start"], time["range"]["end"]
    minutes = (int(end[:2]) * 60 + int(end[2:])) - (int(start[:2]) * 60 + int(start[2:]))
    hours, rest = divmod(max(minutes, 1), 60)
    frequency = "PT" + (f"{hours}H" if hours else "") + (f"{rest}M" if rest else "")
    schedule = {**time.get("schedule", {}), "frequency": frequency, "times": [start]}
    changed = {key: value for key, value in time.items() if key not in ("range", "schedule")}
    return {"id": location["id"], "time": {**changed, "schedule": schedule}}


def _serviceable_value(location: LocationRecord) -> str:
    if location.serviceability == "12":
        return "IND"
    if location.serviceability == "11":
        return ",".join(location.pincodes) or f"{location.pincode[:3]}xxx"
    return str(location.radius_km)


def _serviceable_unit(location: LocationRecord) -> str:
    return {"12": "country", "11": "pincode"}.get(location.serviceability, "km")


def _advertised(location: LocationRecord) -> tuple[str, ...]:
    """The fulfilment types the catalogue lists for ``location``: not ``Buyer-Delivery``
    (retail 1.2.5), which a buyer app asks for in its select. Listed, it would need a
    ``timing`` tag of its type, which ONDC's log-validation-utility refuses (only Order,
    Delivery, Self-Pickup and All count as the provider's timings there)."""
    kinds = tuple(k for k in location.fulfillment_types if k != "Buyer-Delivery")
    return kinds or ("Delivery",)


def _timing(kind: str, location: str, hours: tuple[str, str]) -> dict[str, Any]:
    """A provider ``timing`` tag group (ONDC retail 1.2.0): every day, ``hours`` as HHMM."""
    return {
        "code": "timing",
        "list": [
            {"code": "type", "value": kind},
            {"code": "location", "value": location},
            {"code": "day_from", "value": "1"},
            {"code": "day_to", "value": "7"},
            {"code": "time_from", "value": hours[0]},
            {"code": "time_to", "value": hours[1]},
        ],
    }


def distance_km(a: str, b: str) -> float:
    """Great-circle distance between two ``"lat,lon"`` points, in kilometres."""
    (lat1, lon1), (lat2, lon2) = ((float(x) for x in p.split(",")) for p in (a, b))
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def serves(location: LocationRecord, *, gps: str | None, pincode: str | None) -> bool:
    """Whether a location delivers to a buyer's end location (ONDC serviceability).

    Pan-India ("12") serves everywhere; hyperlocal ("10") serves within its radius of the
    buyer's GPS, or, without GPS, the buyer's own pincode only; intercity ("11") serves
    the pincodes it lists, or without a list its pincode region (same first three digits).
    """
    if location.serviceability == "12":
        return True
    if location.serviceability == "10":
        if gps:
            return distance_km(location.gps, gps) <= location.radius_km
        return pincode is None or pincode == location.pincode
    if location.pincodes:
        return pincode is None or pincode in location.pincodes
    return pincode is None or pincode[:3] == location.pincode[:3]
