"""Search the catalogue for ``/search`` (ONDC retail 1.2.0).

A full catalogue request (no item name) returns every item of the domain; a search by item
name matches English and Hindi names, case- and accent-insensitively, on partial words; a
category or provider in the intent narrows it. Providers are returned with only their
matching items. Sellers here ship pan-India or within a radius; a radius seller is offered
only when the buyer's city is its own.

Providers are answered as the wire JSON the catalogue transform writes, not as models: an
answer of a few hundred items would otherwise spend most of its time building, validating
and dumping a model per provider, item and tag (``schemas.Prebuilt``; a test holds the two
ways to the same bytes).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

import schemas
from adapter.core.callbacks import Storefront
from adapter.core.catalog_inc import incremental_request
from adapter.storage.catalog import CatalogStore, Listing
from catalog_sync.transform import normalise, provider_payload, serves

__all__ = ["SqlCatalog"]


def _serves(listing: Listing, city: str | None, gps: str | None, pincode: str | None) -> bool:
    _, location, _ = listing
    if location.serviceability != "12" and city not in (None, "*", f"std:{location.std_code}"):
        return False
    return serves(location, gps=gps, pincode=pincode)


def _gps(text: str | None) -> str | None:
    """A buyer's ``"lat, lon"`` as ``"lat,lon"``, or ``None`` if it is not one."""
    if not text:
        return None
    parts = [part.strip() for part in text.split(",")]
    try:
        latitude, longitude = (float(part) for part in parts)
    except ValueError:
        return None
    return f"{latitude},{longitude}"


class SqlCatalog:
    """The :class:`~adapter.core.replies.CatalogPort` over the SQL store."""

    def __init__(self, store: CatalogStore, storefront: Storefront | None = None) -> None:
        self._store = store
        self.storefront = storefront or Storefront()

    async def providers_for(
        self, search: schemas.SearchRequest, *, now: datetime
    ) -> list[dict[str, Any]]:
        """Providers with their matching items for this search, as ``bpp/providers``
        entries."""
        intent = search.message.intent if search.message else None
        name = ""
        category: str | None = None
        provider_id: str | None = None
        gps: str | None = None
        pincode: str | None = None
        if intent is not None:
            if intent.item and intent.item.descriptor and intent.item.descriptor.name:
                name = intent.item.descriptor.name
            if intent.category and intent.category.id:
                category = intent.category.id
            if intent.provider and intent.provider.id:
                provider_id = intent.provider.id
            end = intent.fulfillment.end if intent.fulfillment else None
            if end is not None and end.location is not None:
                gps = _gps(end.location.gps)
                if end.location.address is not None and not isinstance(end.location.address, list):
                    pincode = end.location.address.area_code
        grouped: dict[str, list[Listing]] = defaultdict(list)
        incremental = incremental_request(search)
        if incremental is not None and incremental.start and incremental.end:
            # An incremental pull: everything that changed in the range, whatever its name.
            name = ""
            candidates = await self._store.listings(
                domain=search.context.domain,
                changed_between=(incremental.start, incremental.end),
            )
        else:
            # The store matches every word of the name against the items' searchable text
            # (catalog_sync.transform.matches, in SQL), so only the category is left to check.
            candidates = await self._store.listings(
                domain=search.context.domain, words=normalise(name).split()
            )
        wanted_category = normalise(category) if category is not None else None
        for listing in candidates:
            seller, _, item = listing
            if provider_id is not None and seller.code != provider_id:
                continue
            if wanted_category is not None and normalise(item.category_id) != wanted_category:
                continue
            if _serves(listing, search.context.city, gps, pincode):
                grouped[seller.code].append(listing)
        return [
            provider_payload(group[0][0], group[0][1], [item for _, _, item in group], now=now)
            for group in grouped.values()
        ]
