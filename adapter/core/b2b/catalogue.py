"""The B2B 2.0.2 catalogue (pure): ``/search`` -> ``/on_search``.

The seller's catalogue is the one retail buyers see (the same items, stock, locations and
serviceability, found by the same search), written the B2B way:

- ``descriptor``, ``fulfillments``, ``payments`` and ``providers`` without ``bpp/``;
- tag groups as ``{"descriptor": {"code"}, "list": [{"descriptor": {"code"}, "value"}]}``;
- each item with ``fulfillment_ids``, ``location_ids``, ``category_ids``, ``payment_ids``,
  its ``quantity`` (``available``, ``maximum``, and ``minimum`` = the minimum order
  quantity) and, when the seller has a B2B price list for it, its ``price_slab``, ``g2``,
  ``g3`` and ``origin`` tags (``adapter.core.b2b.price_list``);
- each provider with ``seller_terms`` (gst_credit_invoice) and the catalogue's ``payments``
  the payment types its sellers offer.

The buyer's search is read into the retail search it amounts to (item name, category,
provider, delivery location), so both contracts find the same things.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

import orjson

import schemas
import schemas.b2b
from adapter.core.b2b.cancellation import cancellation_terms
from adapter.core.b2b.categories import b2b_category
from adapter.core.b2b.ports import B2BDesk
from adapter.core.b2b.price_list import (
    PAYMENT_TYPES,
    SellerTerms,
    b2b_tag,
    export_creds,
    item_tags,
    payment_id,
)
from adapter.core.b2b.replies import b2b_reply
from adapter.core.b2b.rfq_order import FULFILMENT_TYPES, fulfilment_id
from adapter.core.callbacks import Identity
from adapter.core.order_book import OrderBook
from adapter.core.replies import CatalogPort, provider_rows
from catalog_sync.records import SellerRecord

__all__ = ["b2b_provider", "on_search", "retail_search", "seller_id_tags"]


def retail_search(request: schemas.b2b.B2BSearchRequest) -> schemas.SearchRequest:
    """The retail search a B2B search amounts to (what the shared catalogue search reads)."""
    intent = request.message.intent
    extra = (intent.model_extra or {}) if intent is not None else {}
    retail: dict[str, Any] = {}
    item = extra.get("item")
    if isinstance(item, dict) and isinstance(item.get("descriptor"), dict):
        name = item["descriptor"].get("name")
        if isinstance(name, str):
            retail["item"] = {"descriptor": {"name": name}}
    for key in ("category", "provider"):
        value = extra.get(key)
        if isinstance(value, dict) and isinstance(value.get("id"), str):
            retail[key] = {"id": value["id"]}
    fulfilment = extra.get("fulfillment")
    if isinstance(fulfilment, dict):
        stops = fulfilment.get("stops") or []
        end = next((s for s in stops if isinstance(s, dict) and s.get("type") == "end"), None)
        location = end.get("location") if isinstance(end, dict) else None
        if isinstance(location, dict):
            where: dict[str, Any] = {}
            if isinstance(location.get("gps"), str):
                where["gps"] = location["gps"]
            if isinstance(location.get("area_code"), str):
                where["address"] = {"area_code": location["area_code"]}
            retail["fulfillment"] = {"end": {"location": where}}
    context = request.context
    body = {
        "context": {
            "domain": context.domain,
            "country": context.country_code,
            "city": context.city_code,
            "action": "search",
            "core_version": "1.2.0",
            "bap_id": context.bap_id,
            "bap_uri": context.bap_uri,
            "transaction_id": context.transaction_id,
            "message_id": context.message_id,
            "timestamp": context.timestamp,
            "ttl": "PT30S",
        },
        "message": {"intent": retail},
    }
    return schemas.parse(schemas.SearchRequest, orjson.dumps(body))


def _tags(groups: Any, codes: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Retail tag groups (``{"code", "list": [{"code", "value"}]}``) the B2B way; the
    serviceability category by its B2B code: the one the seller entered for items of that
    category (``codes``, retail name -> code), else the contract's grocery code."""
    known = codes or {}
    converted = []
    for group in groups or []:
        code = str(group.get("code"))
        entries = [(str(e.get("code")), str(e.get("value", ""))) for e in group.get("list") or []]
        if code == "serviceability":
            entries = [
                (k, known.get(v) or str(b2b_category(v)) if k == "category" else v)
                for k, v in entries
            ]
        converted.append(b2b_tag(code, entries))
    return converted


def _images_as_objects(descriptor: dict[str, Any] | None) -> dict[str, Any]:
    """A retail descriptor with its images as B2B writes them (``[{"url": ...}]``)."""
    shown = dict(descriptor or {})
    if "images" in shown:
        shown["images"] = [
            image if isinstance(image, dict) else {"url": image} for image in shown["images"]
        ]
    return shown


def _address(provider: dict[str, Any]) -> str:
    location = (provider.get("locations") or [{}])[0]
    address = location.get("address") or {}
    parts = ("street", "locality", "city", "state", "area_code")
    return ", ".join(str(address[key]) for key in parts if address.get(key))


# ISO 3166-2:IN codes of the states sellers here are in (ODOP: Himachal Pradesh).
_STATE_CODES: Final = {"Himachal Pradesh": "HP"}


def _location(location: dict[str, Any], city_code: str | None) -> dict[str, Any]:
    address = location.get("address") or {}
    shown: dict[str, Any] = {
        "id": location["id"],
        "gps": location.get("gps"),
        "address": ", ".join(
            str(address[key]) for key in ("street", "locality") if address.get(key)
        ),
        "city": {"name": address.get("city")},
        "state": {"name": address.get("state")},
        "country": {"code": "IND"},
        "area_code": address.get("area_code"),
    }
    if city_code:
        shown["city"]["code"] = city_code
    state_code = _STATE_CODES.get(str(address.get("state")))
    if state_code:
        shown["state"]["code"] = state_code
    return shown


def seller_id_tags(seller: SellerRecord | None) -> list[dict[str, Any]]:
    """The provider's ``seller_id`` (its GSTIN, else its PAN) and, for a food business,
    ``FSSAI_LICENSE_NO`` tag groups (ONDC B2B 2.0.2 on_search provider tags)."""
    if seller is None:
        return []
    groups = []
    if seller.gstin or seller.pan:
        kind, number = ("gst", seller.gstin) if seller.gstin else ("pan", seller.pan)
        groups.append(
            b2b_tag("seller_id", [("seller_id_code", kind), ("seller_id_no", str(number))])
        )
    if seller.fssai:
        groups.append(b2b_tag("FSSAI_LICENSE_NO", [("BRAND_OWNER", seller.fssai)]))
    return groups


def b2b_provider(
    provider: dict[str, Any],
    *,
    price_lists: dict[str, Any],
    terms: SellerTerms,
    city_code: str | None,
    seller: SellerRecord | None = None,
) -> dict[str, Any]:
    """A retail provider payload (``catalog_sync.transform.provider_payload``) as a B2B
    2.0.2 provider, with the seller's B2B price lists, terms and identity. Retail's
    ``timing`` groups stay out: B2B 2.0.2 has none, and names each provider tag once."""
    payment_ids = [payment_id(kind) for kind in terms.payment_types]
    credit = "Y" if terms.gst_credit_invoice else "N"
    added = {"origin", "g2", "g3", "price_slab"}
    descriptor = provider.get("descriptor") or {}
    contact = next((f.get("contact") for f in provider.get("fulfillments") or []), None) or {}
    creator = {
        "descriptor": {
            "name": descriptor.get("name"),
            "contact": {
                "name": descriptor.get("name"),
                "address": {"full": _address(provider)},
                "phone": contact.get("phone"),
                "email": contact.get("email"),
            },
        }
    }
    # Numbered by type, as in the catalogue's own list and the quotations (rfq_order).
    fulfilments = [
        {**{k: v for k, v in f.items() if k in ("type", "contact")}, "id": fulfilment_id(f["type"])}
        for f in provider.get("fulfillments") or []
        if f.get("type") in FULFILMENT_TYPES
    ]
    offered = [f["id"] for f in fulfilments]
    items = []
    # The seller's own B2B category code of each retail category it entered one for.
    codes: dict[str, str] = {}
    for item in provider.get("items") or []:
        price_list = price_lists.get(item["id"])
        entered = price_list.category_code if price_list is not None else None
        if entered:
            codes.setdefault(str(item.get("category_id")), entered)
        quantity = item.get("quantity") or {}
        retail_tags = [
            tag
            for tag in item.get("tags") or []
            if price_list is None or tag.get("code") not in added
        ]
        shown: dict[str, Any] = {
            "id": item["id"],
            "descriptor": _images_as_objects(item.get("descriptor")),
            "creator": creator,
            "price": item.get("price"),
            "quantity": {
                "available": {"count": int((quantity.get("available") or {}).get("count", 0))},
                "maximum": {"count": int((quantity.get("maximum") or {}).get("count", 0))},
                "minimum": {"count": price_list.min_order_quantity if price_list else 1},
            },
            "category_ids": [entered or b2b_category(item.get("category_id"))],
            # Every way the seller's location hands goods over (delivery, self-pickup).
            "fulfillment_ids": offered or [item.get("fulfillment_id")],
            "location_ids": [item.get("location_id")],
            "payment_ids": payment_ids,
            "cancellation_terms": cancellation_terms(),
            # B2B returns are not handled here (docs/b2b.md): said, not implied.
            "return_terms": [
                {
                    "fulfillment_state": {"descriptor": {"code": "Order-delivered"}},
                    "return_eligible": False,
                    "return_time": {"duration": "P0D"},
                    "fulfillment_managed_by": "seller",
                }
            ],
            # Nor replacements: a window of no days.
            "replacement_terms": [{"replace_within": "P0D"}],
            "matched": True,
            "recommended": False,
            "tags": _tags(retail_tags) + (item_tags(price_list) if price_list else []),
        }
        if quantity.get("unitized"):
            shown["quantity"]["unitized"] = quantity["unitized"]
        items.append(shown)
    creds = export_creds(terms)
    return {
        "id": provider["id"],
        "descriptor": {"code": provider["id"], **_images_as_objects(descriptor)},
        **({"creds": creds} if creds else {}),
        "ttl": "P1D",
        "fulfillments": fulfilments,
        "locations": [_location(loc, city_code) for loc in provider.get("locations") or []],
        "items": items,
        "tags": [
            *_tags([g for g in provider.get("tags") or [] if g.get("code") != "timing"], codes),
            b2b_tag("seller_terms", [("gst_credit_invoice", credit)]),
            *seller_id_tags(seller),
        ],
    }


async def on_search(
    request: schemas.Envelope,
    *,
    identity: Identity,
    now: datetime,
    catalog: CatalogPort,
    b2b: B2BDesk,
    orders: OrderBook,
    **_: Any,
) -> schemas.Envelope:
    """The B2B catalogue matching a B2B search."""
    assert isinstance(request, schemas.b2b.B2BSearchRequest)
    # Read, not changed: a dispatcher round shares them between identical searches.
    providers = await provider_rows(catalog, retail_search(request), now=now)
    shown = []
    offered: set[str] = set()
    for provider in providers:
        terms = await b2b.seller_terms(provider["id"]) or SellerTerms(provider["id"])
        offered.update(terms.payment_types)
        price_lists = await b2b.price_lists(provider["id"])
        found_seller = await orders.seller(provider["id"])
        shown.append(
            b2b_provider(
                provider, price_lists=price_lists, terms=terms,
                city_code=request.context.city_code,
                seller=found_seller[0] if found_seller else None,
            )
        )  # fmt: skip
    front = catalog.storefront
    catalogue = {
        "descriptor": {
            "name": identity.name,
            "symbol": front.symbol,
            "short_desc": front.short_desc,
            "long_desc": front.long_desc,
            "images": [{"url": url} for url in front.images],
        },
        # Every way of handing goods over any provider shown offers (ONDC's B2B verifier
        # holds a select's fulfilment to this list).
        "fulfillments": [
            {"id": fulfilment_id(kind), "type": kind}
            for kind in FULFILMENT_TYPES
            if kind in front.fulfillment_types
            or any(f["type"] == kind for p in shown for f in p["fulfillments"])
        ],
        "payments": [
            {"id": str(n), "type": kind}
            for n, kind in enumerate(PAYMENT_TYPES, 1)
            if kind in offered
        ],
        "providers": shown,
    }
    return b2b_reply(request, identity=identity, now=now, message={"catalog": catalogue})
