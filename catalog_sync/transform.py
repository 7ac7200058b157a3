"""Seller records -> ONDC retail 1.2.0 catalogue entries, and the search match (pure).

``/on_search`` (ONDC retail 1.2.0): each provider carries its descriptor, time, locations,
fulfilments with contact, items and serviceability tags; each item its descriptor with
``code``, unitised quantity, price with ``maximum_value`` (MRP), category, fulfilment and
location ids, the ``@ondc/org`` return, cancel and shipping terms, consumer-care contact and
tags. Stock follows the display rule the validator enforces (``available.count`` is "99"
in stock, "0" out of stock) while the true count stays with the adapter; ``maximum.count``
never exceeds what is really there. The category's attributes (gender, colour, size,
brand, fabric ...) go in the ``attribute`` tag group; ODOP and GI provenance in their own
``odop`` group, never in ``attribute``; the Hindi name in a ``localised_name`` group.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from datetime import datetime
from typing import Any, Final

from catalog_sync.records import ItemRecord, LocationRecord, SellerRecord

__all__ = [
    "distance_km",
    "item_payload",
    "matches",
    "normalise",
    "provider_payload",
    "searchable_text",
    "serves",
]

_SPACES: Final = re.compile(r"\s+")
_IN_STOCK_DISPLAY: Final = "99"


def normalise(text: str) -> str:
    """Case- and accent-insensitive form for matching, in any script.

    Compatibility-decomposed, combining marks removed, case folded, spaces collapsed: "Kullū
    SHAWL" and "kullu shawl" meet, and Devanagari is compared the same way on both sides.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
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


def _timestamp(now: datetime) -> str:
    return now.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _money(value: Any) -> str:
    return f"{value:.2f}"


def item_payload(
    seller: SellerRecord, location: LocationRecord, item: ItemRecord, *, now: datetime
) -> dict[str, Any]:
    """One catalogue item as ONDC retail 1.2.0 ``bpp/providers[].items[]`` wants it."""
    in_stock = item.available > 0
    tags: list[dict[str, Any]] = [
        {"code": "origin", "list": [{"code": "country", "value": item.origin_country}]},
    ]
    if item.attributes:
        # ONDC retail 1.2.0 item attributes (fashion, home and kitchen; a brand in grocery).
        attribute_list = [{"code": name, "value": value} for name, value in item.attributes.items()]
        tags.append({"code": "attribute", "list": attribute_list})
    if item.odop_district or item.gi_tag:
        provenance = [{"code": "scheme", "value": "ODOP Himachal Pradesh"}]
        if item.odop_district:
            provenance.append({"code": "district", "value": item.odop_district})
        if item.gi_tag:
            provenance.append({"code": "gi_tag", "value": item.gi_tag})
        tags.append({"code": "odop", "list": provenance})
    if item.name_hi:
        tags.append({"code": "localised_name", "list": [{"code": "hi", "value": item.name_hi}]})
    payload: dict[str, Any] = {
        "id": item.sku,
        "time": {"label": "enable" if in_stock else "disable", "timestamp": _timestamp(now)},
        "descriptor": {
            "name": item.name,
            "code": f"5:{item.sku}",
            "symbol": item.images[0] if item.images else seller.symbol,
            "short_desc": item.short_desc,
            "long_desc": item.long_desc,
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
        "@ondc/org/available_on_cod": item.available_on_cod,
        "@ondc/org/contact_details_consumer_care": f"{seller.name},{seller.email},{seller.phone}",
        "tags": tags,
    }
    payload.update(item.statutory)
    return payload


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
    circle: dict[str, Any] = {"gps": location.gps}
    if location.radius_km:
        circle["radius"] = {"unit": "km", "value": str(location.radius_km)}
    location_payload = {
        "id": location.code,
        "time": {
            "label": "enable",
            "timestamp": _timestamp(now),
            "days": "1,2,3,4,5,6,7",
            "schedule": {"holidays": []},
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
        "circle": circle,
    }
    serviceability = [
        {
            "code": "serviceability",
            "list": [
                {"code": "location", "value": location.code},
                {"code": "category", "value": category},
                {"code": "type", "value": location.serviceability},
                {
                    "code": "val",
                    "value": "IND" if location.serviceability == "12" else str(location.radius_km),
                },
                {"code": "unit", "value": "country" if location.serviceability == "12" else "km"},
            ],
        }
        for category in sorted({item.category_id for item in items})
    ]
    provider: dict[str, Any] = {
        "id": seller.code,
        "descriptor": {
            "name": seller.name,
            "symbol": seller.symbol,
            "short_desc": seller.short_desc,
            "long_desc": seller.short_desc,
            "images": [seller.symbol],
        },
        "time": {"label": "enable", "timestamp": _timestamp(now)},
        "locations": [location_payload],
        "fulfillments": [
            {
                "id": "1",
                "type": "Delivery",
                "contact": {"phone": seller.phone, "email": seller.email},
            }
        ],
        "items": [item_payload(seller, location, item, now=now) for item in items],
        "tags": serviceability,
    }
    if seller.fssai:
        provider["@ondc/org/fssai_license_no"] = seller.fssai
    return provider


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
    its pincode region (same first three digits).
    """
    if location.serviceability == "12":
        return True
    if location.serviceability == "10":
        if gps:
            return distance_km(location.gps, gps) <= location.radius_km
        return pincode is None or pincode == location.pincode
    return pincode is None or pincode[:3] == location.pincode[:3]
