"""Retail 1.2.5's answers: retail 1.2.0's builders, with what 1.2.5 changed (pure).

ONDC retail 1.2.5 keeps 1.2.0's actions and payloads and adds to a few of them:

- ``/on_search``: the marketplace's ``bpp_terms`` say it is a marketplace (``np_type``
  MSN) and that the buyer app collects the payment (``collect_payment`` N); providers and
  items buyers have rated carry the average ``rating`` (:mod:`adapter.core.ratings`); a
  buyer app whose ``bap_features`` say it has no self-pickup gets no ``Self-Pickup``
  fulfilments (:mod:`adapter.core.retail125.bap_features`);
- ``/on_select``: a cart that names no fulfilment type is offered every way the store
  hands goods over: the delivery (fulfilment 1, the quote's) and, where the store offers
  it, collection at the store (fulfilment 2, its own TAT: ready to ship plus the collection
  window), each item naming both in ``fulfillment_ids``; the init chooses one by id
  (Pramaan's ``Multi_Option_Fulfillment_Flow``, RET10), a pick-up quoted without delivery;
- ``/on_confirm``: the delivery fulfilment names its routing (``tags[code=routing]``, P2P or
  P2H2P, see :mod:`adapter.core.retail125.routing`), and the provider carries the seller's
  credentials (``provider.creds``: its goods' Geographical Indications, ``type`` GI), which
  the order keeps, so ``/on_cancel`` and ``/on_status`` echo them unchanged; its
  ``bpp_terms`` are on_init's, unchanged (the same GST number; a confirm naming another is
  refused), beside the buyer app's ``bap_terms``.

``accept_bap_terms`` (optional in the contract) is sent nowhere: ONDC's log-validation-utility
refuses it in ``/on_search`` ``bpp/descriptor`` ("accept_bap_terms is not required in
bpp/descriptor/tags for now") and in ``/on_confirm`` ("accept_bap_terms is not required for
now!", and every ``bpp_terms`` code of on_confirm must be one of on_init's).

Everything else is answered by the 1.2.0 builder, whose replies repeat the request's
context, so they name 1.2.5; every 1.2.5 callback says ``ttl`` PT30S (Pramaan).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, Final

import orjson

import schemas
from adapter.core.order_book import OrderBook, Refusal
from adapter.core.order_quotes import order_of
from adapter.core.order_replies import confirm_reply, select_reply
from adapter.core.order_terms import as_json_list
from adapter.core.orders import INTERNAL, OrderRow
from adapter.core.ratings import rate_providers
from adapter.core.replies import REPLIES, ReplyBuilder
from adapter.core.retail125.bap_features import SELF_PICKUP, features_of, without_self_pickup
from adapter.core.retail125.purchase_finance import FINANCE_KEY, finance_change
from adapter.core.retail125.routing import route_for, routing_tag
from catalog_sync.records import LocationRecord, SellerRecord

__all__ = ["CALLBACK_TTL", "ON_SEARCH_TERMS", "REPLIES_125", "gi_credentials", "order_terms"]

ON_SEARCH_TERMS: Final = (
    {"code": "np_type", "value": "MSN"},
    {"code": "collect_payment", "value": "N"},
)
"""The ``bpp_terms`` of a 1.2.5 ``/on_search`` catalogue (ONDC retail 1.2.5): a marketplace
whose buyer apps collect the payment."""


async def _on_search(request: schemas.Envelope, **ports: Any) -> schemas.Prebuilt:
    reply = await REPLIES["search"](request, **ports)
    assert isinstance(reply, schemas.Prebuilt)
    catalog = dict(reply.message["catalog"])
    descriptor = dict(catalog["bpp/descriptor"])
    others = [tag for tag in descriptor.get("tags", []) if tag.get("code") != "bpp_terms"]
    descriptor["tags"] = [{"code": "bpp_terms", "list": [dict(t) for t in ON_SEARCH_TERMS]}]
    descriptor["tags"] += others
    catalog["bpp/descriptor"] = descriptor
    assert isinstance(request, schemas.SearchRequest)
    if features_of(request).get(SELF_PICKUP) is False:
        # The buyer app cannot offer collection at the store (bap_features 002 no).
        providers = catalog.get("bpp/providers", [])
        if isinstance(providers, orjson.Fragment):  # shared by the round's equal searches
            providers = orjson.loads(orjson.dumps(providers))
        catalog["bpp/providers"] = [without_self_pickup(provider) for provider in providers]
    orders: OrderBook | None = ports.get("orders")
    providers = catalog["bpp/providers"]
    if orders is not None and providers:
        if isinstance(providers, orjson.Fragment):
            providers = orjson.loads(orjson.dumps(providers))
        tallies = await orders.rating_tallies([str(p.get("id")) for p in providers])
        if tallies:
            catalog["bpp/providers"] = rate_providers(providers, tallies)
    return schemas.Prebuilt(context=reply.context, message={**reply.message, "catalog": catalog})


def gi_credentials(gi_tags: list[str]) -> list[dict[str, Any]]:
    """``provider.creds`` for the Geographical Indications of the ordered goods (ONDC retail
    1.2.5, seller credentials): one credential of ``type`` GI per indication, with a stable
    id made from its name."""
    return [
        {
            "id": "GI-" + re.sub(r"[^A-Za-z0-9]+", "-", tag).strip("-").upper(),
            "descriptor": {"code": tag, "type": "GI"},
        }
        for tag in gi_tags
    ]


def _terms(tags: Any, group: str) -> dict[str, Any]:
    """The entries of one tag group (``bpp_terms``...) of an order's tags, by code."""
    for tag in tags or []:
        if tag.get("code") == group:
            return {entry.get("code"): entry.get("value") for entry in tag.get("list") or []}
    return {}


def order_terms(draft: OrderRow, confirm_tags: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The ``/on_confirm`` order tags (ONDC retail 1.2.5): our ``bpp_terms`` exactly as
    ``/on_init`` gave them, then the buyer app's own groups (``bap_terms``...) as its
    confirm sent them. A confirm whose ``bpp_terms`` carry another GST number than
    on_init's is refused (30000, naming the field): the GST number must be the same across
    on_init, confirm and on_confirm."""
    ours = next(
        (dict(t) for t in draft.document.get("tags", []) if t.get("code") == "bpp_terms"), None
    )
    quoted = _terms(draft.document.get("tags"), "bpp_terms").get("tax_number")
    echoed = _terms(confirm_tags, "bpp_terms").get("tax_number")
    if echoed is not None and echoed != quoted:
        raise Refusal(
            "30000",
            f"message.order.tags[bpp_terms].tax_number {echoed!r} is not the GST number "
            f"on_init gave ({quoted!r})",
        )
    theirs = [dict(t) for t in confirm_tags if t.get("code") != "bpp_terms"]
    if ours is None:
        return theirs
    return [ours, *theirs]


async def _dress(
    request: schemas.Envelope,
    draft: OrderRow,
    seller: SellerRecord,
    location: LocationRecord,
    orders: OrderBook,
) -> Callable[[dict[str, Any]], dict[str, Any]]:
    confirm_tags = as_json_list(order_of(request).tags) or []
    tags = order_terms(draft, confirm_tags)
    changed = finance_change(draft.document.get(INTERNAL, {}).get(FINANCE_KEY), confirm_tags)
    if changed is not None:
        raise Refusal("30000", changed)
    skus = [str(item["id"]) for item in draft.document.get("items", [])]
    creds = gi_credentials(await orders.gi_tags(seller.code, skus))
    first = draft.document.get("fulfillments", [{}])[0]
    routing = route_for(
        kind=str(first.get("type", "Delivery")),
        buyer_city=request.context.city,
        seller_std_code=location.std_code,
    )

    def dress(document: dict[str, Any]) -> dict[str, Any]:
        fulfillments = [dict(f) for f in document["fulfillments"]]
        if routing is not None:
            delivery = fulfillments[0]
            kept = [t for t in delivery.get("tags", []) if t.get("code") != "routing"]
            delivery["tags"] = [routing_tag(routing), *kept]
        provider = dict(document["provider"])
        if creds:
            provider["creds"] = creds
        return {**document, "provider": provider, "fulfillments": fulfillments, "tags": tags}

    return dress


CALLBACK_TTL: Final = "PT30S"
"""The ``ttl`` of every retail 1.2.5 callback (Pramaan), whatever the request said."""


def _with_ttl(builder: ReplyBuilder) -> ReplyBuilder:
    """``builder``, its callback's context saying ``ttl`` PT30S."""

    @functools.wraps(builder)
    async def answer(
        request: schemas.Envelope, **ports: Any
    ) -> schemas.Envelope | schemas.Prebuilt:
        reply = await builder(request, **ports)
        context = reply.context.model_copy(update={"ttl": CALLBACK_TTL})
        if isinstance(reply, schemas.Prebuilt):
            return schemas.Prebuilt(context=context, message=reply.message)
        return reply.model_copy(update={"context": context})

    return answer


REPLIES_125: Final[Mapping[str, ReplyBuilder]] = MappingProxyType(
    {
        action: _with_ttl(builder)
        for action, builder in {
            **REPLIES,
            "search": _on_search,
            "select": select_reply(options=True),
            "confirm": confirm_reply(_dress),
        }.items()
    }
)
"""Inbound action -> reply builder, for retail 1.2.5."""
