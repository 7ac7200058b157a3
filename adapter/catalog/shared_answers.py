"""One catalogue query per distinct search in a dispatcher round, its providers serialised once.

Buyer apps repeat searches: a gateway broadcasts the same intent from many buyers, and a
buyer app asks again for the same words in the same city. The dispatcher claims a batch
of jobs per round; before this, each ``/search`` in the batch queried the catalogue, built
its providers' payload and serialised it on its own, even when ten of them asked the same
thing (the catalogue query alone was about an eighth of the CPU of an answered search).

:class:`RoundCatalog` wraps the catalogue for one round. Searches with the same domain,
city and intent share one query, and the providers it found are serialised once into an
``orjson.Fragment`` that every answer embeds as it is. Nothing outlives the round, so an
answer is never staler than it was: every search of the round was received before the
round claimed it, and the shared query starts after the claim, so it reads the catalogue
as it was after each request arrived, which is what answering them one by one did. A
catalogue write from any process (import, seller API, stock taken by an order) is seen by
the next round without any counter to keep in step. The number of distinct searches it
holds is bounded by the round's claim (``concurrency`` jobs at most).

Only the providers are shared: each answer still has its own context (its request's
transaction and message ids, its own timestamp). Answers that rewrite the providers (the
B2B catalogue, catalogue links) take them decoded (:meth:`RoundCatalog.provider_rows_for`,
read-only), not by decoding the serialised fragment again; the fragment is made only when
a retail answer embeds it.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import orjson

import schemas
from adapter.core.callbacks import Storefront
from adapter.core.replies import CatalogPort

__all__ = ["RoundCatalog", "search_key"]


def search_key(search: schemas.SearchRequest) -> bytes:
    """What a search's answer depends on: its domain, city and intent (the words, category,
    provider, delivery location and incremental range), as bytes. Two searches with the
    same key get the same providers from the same catalogue."""
    head = orjson.dumps([search.context.domain, search.context.city])
    received = schemas.received_json(search)
    if isinstance(received, dict):
        # The intent as the buyer app sent it (a search as parsed keeps its JSON), written
        # again by orjson with its keys sorted at every level: equal JSON values parse to
        # equal intents, whatever the order of their keys, and this costs a sixth of
        # pydantic's JSON of the parsed intent. "=" starts no JSON value, so such a key
        # never equals one of the kind below (a search built in Python).
        message = received.get("message")
        intent_json = message.get("intent") if isinstance(message, dict) else None
        return head + b"=" + orjson.dumps(intent_json, option=orjson.OPT_SORT_KEYS)
    intent = search.message.intent if search.message else None
    if intent is None:
        return head + b"null"
    # pydantic's own JSON of the intent, in field order: every key the buyer app set is in
    # it, so equal keys still mean equal intents, without the walk that puts a dump back
    # in the order received (``schemas.dump``), which only the bytes we send need.
    return head + type(intent).__pydantic_serializer__.to_json(
        intent, by_alias=True, exclude_unset=True
    )


class _Shared:
    """One distinct search's providers: as found, and serialised on first use."""

    __slots__ = ("_fragment", "rows")

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows
        self._fragment: orjson.Fragment | None = None

    @property
    def fragment(self) -> orjson.Fragment:
        if self._fragment is None:
            self._fragment = orjson.Fragment(orjson.dumps(self.rows))
        return self._fragment


class RoundCatalog:
    """The :class:`~adapter.core.replies.CatalogPort` of one dispatcher round: the inner
    catalogue queried once per distinct search, its providers serialised once."""

    def __init__(self, inner: CatalogPort) -> None:
        self._inner = inner
        self.storefront: Storefront = inner.storefront
        self._answers: dict[bytes, asyncio.Future[_Shared]] = {}
        self.queries = 0
        """How many queries reached the inner catalogue (the rest were shared)."""

    async def providers_for(
        self, search: schemas.SearchRequest, *, now: datetime
    ) -> orjson.Fragment:
        """The providers for ``search`` as one ``orjson.Fragment`` (a JSON array), the
        same object for every search of the round with the same key."""
        return (await self._shared(search, now)).fragment

    async def provider_rows_for(
        self, search: schemas.SearchRequest, *, now: datetime
    ) -> list[dict[str, Any]]:
        """The providers for ``search`` as found, shared by every search of the round with
        the same key: read them, never change them."""
        return (await self._shared(search, now)).rows

    async def _shared(self, search: schemas.SearchRequest, now: datetime) -> _Shared:
        key = search_key(search)
        answer = self._answers.get(key)
        if answer is None:
            answer = asyncio.ensure_future(self._query(search, now))
            self._answers[key] = answer
        # shield: one waiter cancelled (its build abandoned) does not cancel the others'.
        return await asyncio.shield(answer)

    async def _query(self, search: schemas.SearchRequest, now: datetime) -> _Shared:
        self.queries += 1
        providers = await self._inner.providers_for(search, now=now)
        if isinstance(providers, orjson.Fragment):
            # A catalogue that serialises its own answers: decoded once, for rewriters.
            providers = orjson.loads(orjson.dumps(providers))
        return _Shared(providers)
