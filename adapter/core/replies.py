"""What we answer to each request: the callback's body, built without I/O (pure).

One table maps an inbound action to its reply builder. A builder takes the parsed request,
the time and the ports it reads (the catalogue, the order book), and returns the callback
model (or, for ``/on_search``, a ``schemas.Prebuilt`` whose catalogue is already wire JSON);
the dispatcher serialises it once with ``schemas.dump``, signs those bytes and sends them.
The callback's context repeats the request's ``transaction_id`` and ``message_id`` (ONDC
retail 1.2.0 context rules) and names us as ``bpp_id``/``bpp_uri``.

Actions whose business logic is not in the table are refused at the edge with NACK 40001
(feature not supported) rather than ACKed and left unanswered.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any, Final, Protocol, runtime_checkable

import orjson

import schemas
from adapter.core.callbacks import Identity, Storefront, callback_context
from adapter.core.catalog_link import CatalogueLinks, linked_providers, payload_type
from adapter.core.order_replies import ORDER_REPLIES, OrderBook, OrderPolicy

__all__ = [
    "REPLIES",
    "CatalogPort",
    "DecodedProviders",
    "Identity",
    "OrderBook",
    "OrderPolicy",
    "Storefront",
    "callback_context",
    "on_search_catalog",
    "provider_rows",
    "reply_to",
]


class CatalogPort(Protocol):
    """Read access to the published catalogue (providers matching a search) and the
    storefront heading it."""

    storefront: Storefront

    async def providers_for(
        self, search: schemas.SearchRequest, *, now: datetime
    ) -> list[dict[str, Any]] | orjson.Fragment:
        """Providers, with only their matching items, for this search: ``bpp/providers``
        entries as wire JSON (``catalog_sync.transform.provider_payload``), or that list
        already serialised."""
        ...


@runtime_checkable
class DecodedProviders(Protocol):
    """A catalogue that also hands out its providers decoded (a dispatcher round's, whose
    answers are otherwise serialised once): what answers that rewrite them read."""

    async def provider_rows_for(
        self, search: schemas.SearchRequest, *, now: datetime
    ) -> list[dict[str, Any]]:
        """The providers for ``search`` as wire JSON objects, possibly shared: read-only."""
        ...


async def provider_rows(
    catalog: CatalogPort, search: schemas.SearchRequest, *, now: datetime
) -> list[dict[str, Any]]:
    """The providers for ``search`` as wire JSON objects to read and rewrite into new ones
    (the B2B catalogue, catalogue links), never to change in place: a catalogue that keeps
    them decoded hands them over without decoding its serialised answer again."""
    if isinstance(catalog, DecodedProviders):
        return await catalog.provider_rows_for(search, now=now)
    found = await catalog.providers_for(search, now=now)
    return orjson.loads(orjson.dumps(found)) if isinstance(found, orjson.Fragment) else found


class EmptyCatalog:
    """A catalogue with no sellers yet."""

    def __init__(self, storefront: Storefront | None = None) -> None:
        self.storefront = storefront or Storefront()

    async def providers_for(
        self, search: schemas.SearchRequest, *, now: datetime
    ) -> list[dict[str, Any]]:
        """Nothing matches an empty catalogue."""
        return []


def on_search_catalog(
    identity: Identity,
    providers: list[dict[str, Any]] | orjson.Fragment,
    storefront: Storefront | None = None,
) -> dict[str, Any]:
    """The ``/on_search`` ``message.catalog`` (ONDC retail 1.2.0) as wire JSON: our
    descriptor, as a marketplace (MSN) fronting many sellers (on_confirm says the same),
    with the symbol, descriptions and images the contract requires, the fulfilment types
    offered across the catalogue, and the providers (already serialised, as an
    ``orjson.Fragment``, when several answers share them: ``adapter.catalog.shared_answers``)."""
    front = storefront or Storefront()
    descriptor = {
        "name": identity.name,
        "symbol": front.symbol,
        "short_desc": front.short_desc,
        "long_desc": front.long_desc,
        "images": list(front.images),
        "tags": [{"code": "bpp_terms", "list": [{"code": "np_type", "value": "MSN"}]}],
    }
    fulfillments = [
        {"id": str(number), "type": kind}
        for number, kind in enumerate(front.fulfillment_types, start=1)
    ]
    return {
        "bpp/descriptor": descriptor,
        "bpp/fulfillments": fulfillments,
        "bpp/providers": providers,
    }


async def _on_search(
    request: schemas.Envelope,
    *,
    identity: Identity,
    now: datetime,
    catalog: CatalogPort,
    links: CatalogueLinks | None = None,
    **_: Any,
) -> schemas.Prebuilt:
    assert isinstance(request, schemas.SearchRequest)
    providers: list[dict[str, Any]] | orjson.Fragment
    if links is not None and payload_type(request) == "link":
        # The full catalogue as files: each provider points at its items (catalog_link).
        assert request.context.domain is not None  # the context rules require it
        rows = await provider_rows(catalog, request, now=now)
        providers = linked_providers(rows, request.context.domain, links, now=now)
    else:
        providers = await catalog.providers_for(request, now=now)
    # Built as JSON, not models: see schemas.Prebuilt. The catalogue's providers come from
    # the catalogue transform, whose output tests validate against schemas.Provider.
    return schemas.Prebuilt(
        context=callback_context(request.context, action="on_search", identity=identity, now=now),
        message={"catalog": on_search_catalog(identity, providers, catalog.storefront)},
    )


ReplyBuilder = Callable[..., Awaitable[schemas.Envelope | schemas.Prebuilt]]

REPLIES: Final[Mapping[str, ReplyBuilder]] = MappingProxyType(
    {"search": _on_search, **ORDER_REPLIES}
)
"""Inbound action -> reply builder, for the actions whose business logic exists."""


async def reply_to(
    request: schemas.Envelope,
    *,
    identity: Identity,
    now: datetime,
    catalog: CatalogPort,
    orders: OrderBook,
    policy: OrderPolicy,
) -> schemas.Envelope | schemas.Prebuilt:
    """The callback answering ``request``."""
    builder = REPLIES[request.context.action]
    return await builder(
        request, identity=identity, now=now, catalog=catalog, orders=orders, policy=policy
    )
