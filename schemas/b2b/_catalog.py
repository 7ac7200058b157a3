"""The B2B catalogue (ONDC B2B 2.0.2 ``/on_search`` ``message.catalog``).

B2B writes ``descriptor``, ``fulfillments``, ``payments`` and ``providers`` without
retail's ``bpp/`` prefix. Items carry the B2B price list in tags: ``price_slab``
(min_pack_size, max_pack_size, unit_sale_price), ``g2`` (time_to_ship, tax_rate,
cancellable), ``g3`` (brand, pack_size, num_price_slabs), ``origin`` (country, ISO
alpha-3); minimum order quantity is ``quantity.minimum.count``. Providers carry
``seller_terms`` (gst_credit_invoice), ``seller_id`` and ``serviceability`` tags.
"""

from __future__ import annotations

from schemas._base import Count, WireModel
from schemas._measure import Price
from schemas.b2b._tags import B2BDescriptor, B2BTagGroup


class B2BCatalogQuantity(WireModel):
    """``{"count": n}`` beside a measure, as the catalogue writes stock and limits."""

    count: Count | None = None


class B2BItemLimits(WireModel):
    """An item's ``available``, ``maximum`` and ``minimum`` (the MOQ) quantities."""

    available: B2BCatalogQuantity | None = None
    maximum: B2BCatalogQuantity | None = None
    minimum: B2BCatalogQuantity | None = None


class B2BItem(WireModel):
    """A catalogue item."""

    id: str | None = None
    descriptor: B2BDescriptor | None = None
    price: Price | None = None
    quantity: B2BItemLimits | None = None
    category_ids: list[str] | None = None
    fulfillment_ids: list[str] | None = None
    location_ids: list[str] | None = None
    payment_ids: list[str] | None = None
    tags: list[B2BTagGroup] | None = None


class B2BProvider(WireModel):
    """A seller: its locations, items and terms."""

    id: str | None = None
    descriptor: B2BDescriptor | None = None
    ttl: str | None = None
    items: list[B2BItem] | None = None
    tags: list[B2BTagGroup] | None = None


class B2BCatalogEntry(WireModel):
    """A catalogue-level fulfilment or payment type: ``{"id": "1", "type": ...}``."""

    id: str | None = None
    type: str | None = None


class B2BCatalog(WireModel):
    """The catalogue of one ``/on_search``."""

    descriptor: B2BDescriptor | None = None
    fulfillments: list[B2BCatalogEntry] | None = None
    payments: list[B2BCatalogEntry] | None = None
    providers: list[B2BProvider] | None = None
