"""Push catalogue changes to subscribed buyer apps (ONDC retail 1.2.0 and 1.2.5 incremental
refresh).

When a seller changes items (price, stock, availability, a new item, an item taken off sale
or put back), each buyer app with a live ``catalog_inc`` subscription for the items' domain
gets an unsolicited ``on_search`` with only those items, a fresh message id, its
subscription's transaction id, the ``core_version`` the subscription was started in and city
``*``, through the outbox like every callback (retried, parked, audited). The provider
carries only its id and the changed items: its descriptor, locations and fulfilments did not
change, and ONDC's validator refuses them in an item delta (a location repeated with the
same ``time.label`` reads as a location change that changes nothing).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import schemas
from adapter.coordination.wakeup import Wakeup
from adapter.core.clock import Clock
from adapter.core.replies import Identity
from adapter.storage.catalog import CatalogStore, Listing
from adapter.storage.outbox import Outbox
from catalog_sync.transform import item_payload, location_change, provider_payload

__all__ = ["CatalogPush"]

_PUSH_WINDOW = timedelta(minutes=5)


class CatalogPush:
    """Turns "these SKUs of this seller changed" into queued on_search pushes."""

    def __init__(
        self,
        store: CatalogStore,
        outbox: Outbox,
        wakeup: Wakeup,
        identity: Identity,
        clock: Clock,
    ) -> None:
        self._store = store
        self._outbox = outbox
        self._wakeup = wakeup
        self._identity = identity
        self._clock = clock

    async def changed(self, seller_code: str, skus: Sequence[str], *, store: bool = False) -> int:
        """Queue a push of these items to every live subscriber; the number queued.
        ``store``: the store itself changed (opening hours, holidays, a closure), so its
        location goes too, with its ``time.label`` (``enable`` or ``disable``) and its hours
        as split timings (:func:`catalog_sync.transform.location_change`)."""
        # Published items go as they are; an item the seller took off sale goes as
        # "disable" (buyer apps drop it); one held back by pre-flight is not sent. The
        # store's published flag says which is which: the unpublished are read only
        # when some SKU was not among the published.
        listings = await self._store.listings(seller_code=seller_code, skus=skus)
        unpublished = set(skus) - {listing[2].sku for listing in listings}
        if unpublished:
            listings += [
                listing
                for listing in await self._store.listings(
                    seller_code=seller_code, skus=sorted(unpublished), published_only=False
                )
                if not listing[2].on_sale
            ]
        by_domain: dict[str, list[Listing]] = defaultdict(list)
        for listing in listings:
            by_domain[listing[2].domain].append(listing)
        queued = 0
        now = self._clock.now()
        for domain, changed in by_domain.items():
            subscriptions = await self._store.subscriptions(domain)
            if not subscriptions:
                continue
            seller, location, _ = changed[0]
            provider: dict[str, Any] = {
                "id": seller.code,
                "items": [item_payload(seller, location, i, now=now) for _, _, i in changed],
            }
            if store:
                whole = provider_payload(seller, location, [], now=now)
                provider = {
                    "id": seller.code,
                    "time": whole["time"],
                    "locations": [location_change(where) for where in whole["locations"]],
                    "items": provider["items"],
                }
            for subscription in subscriptions:
                message_id = str(uuid.uuid4())
                payload = {
                    "context": {
                        "domain": domain,
                        "country": "IND",
                        "city": "*",
                        "action": "on_search",
                        "core_version": subscription["core_version"],
                        "bap_id": subscription["bap_id"],
                        "bap_uri": subscription["bap_uri"],
                        "bpp_id": self._identity.subscriber_id,
                        "bpp_uri": self._identity.subscriber_url,
                        "transaction_id": subscription["transaction_id"],
                        "message_id": message_id,
                        "timestamp": schemas.format_timestamp(now),
                        "ttl": "PT30S",
                    },
                    "message": {"catalog": {"bpp/providers": [provider]}},
                }
                await self._outbox.enqueue_unsolicited(
                    action="on_search",
                    target_url=f"{subscription['bap_uri'].rstrip('/')}/on_search",
                    transaction_id=subscription["transaction_id"],
                    payload=payload,
                    now=now,
                    deadline_at=now + _PUSH_WINDOW,
                )
                queued += 1
        if queued:
            await self._wakeup.notify()
        return queued
