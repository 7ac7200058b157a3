"""Senders' public keys: cache first, registry on a miss, until ``valid_until``.

Keys are cached in the shared state (Redis across processes, or memory) under
``(subscriber_id, unique_key_id)``, each key id separately, so a subscriber rotating keys
has both verify during the overlap. A cached key is used until its record's ``valid_until``
(capped by ``max_cache_seconds``), whether or not the registry is up. A sender the registry
does not know is remembered briefly, so a flood of bad keyIds does not become a flood of
lookups. Concurrent misses for the same key share one lookup.

The cache keeps the record's ``subscriber_url`` beside its key, so the network edge can
check a request's ``context.bap_uri`` against where the registry says the sender lives
without another lookup (:meth:`KeyDirectory.key_and_url` gives both at once;
:meth:`KeyDirectory.subscriber_url` asks again when the URL differs).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from functools import lru_cache

import signing
from adapter.coordination.port import SharedState
from adapter.core.clock import Clock
from adapter.core.errors import KeyLookupUnavailable, RegistryError, UnknownSigningKey
from adapter.registry.client import RegistryClient, RegistryUnavailable
from adapter.registry.records import SubscriberRecord

__all__ = ["KeyDirectory"]

_UNKNOWN = b"-"

log = logging.getLogger(__name__)


@lru_cache(maxsize=4096)
def _public_key(encoded: str) -> signing.PublicKey:
    return signing.PublicKey.from_base64(encoded)


def _cached_entry(value: bytes | None) -> tuple[signing.PublicKey, float, str] | None:
    """A shared-cache value ``key|until|subscriber_url``; anything else (another version's
    format, a damaged value) is a miss, never an error."""
    if value is None or value == _UNKNOWN:
        return None
    parts = value.decode("utf-8", errors="replace").split("|", 2)
    if len(parts) != 3:
        return None  # written before the URL was kept: look the record up again
    encoded, until, url = parts
    try:
        return _public_key(encoded), float(until), url
    except (ValueError, signing.KeyFormatError):
        return None


class KeyDirectory:
    """Resolves a signature's keyId to the signer's Ed25519 public key."""

    def __init__(
        self,
        registry: RegistryClient,
        state: SharedState,
        clock: Clock,
        *,
        max_cache_seconds: int = 86_400,
        unknown_cache_seconds: int = 30,
    ) -> None:
        self._registry = registry
        self._state = state
        self._clock = clock
        self._max_cache = max_cache_seconds
        self._unknown_cache = unknown_cache_seconds
        self._in_flight: dict[str, asyncio.Future[signing.PublicKey]] = {}
        self._refreshing: dict[str, asyncio.Future[None]] = {}
        # A small per-process layer over the shared cache: most requests come from a few
        # buyer apps, so their keys are served without a Redis round trip. Entries live at
        # most a minute, so a key dropped from the shared cache is dropped here soon too.
        self._local: dict[str, tuple[signing.PublicKey, float, str]] = {}
        self._local_seconds = 60.0

    @staticmethod
    def _cache_key(subscriber_id: str, unique_key_id: str) -> str:
        return f"regkey:{subscriber_id}|{unique_key_id}"

    def _held(
        self, cache_key: str, now: float | None = None
    ) -> tuple[signing.PublicKey, float, str] | None:
        """This process's entry for the key (key, live until, subscriber_url) while it is
        live at ``now`` (a timestamp; the clock's when not given)."""
        local = self._local.get(cache_key)
        if local is None or local[1] <= (self._clock.now().timestamp() if now is None else now):
            return None
        return local

    async def public_key(self, subscriber_id: str, unique_key_id: str) -> signing.PublicKey:
        """The signer's key, or :class:`UnknownSigningKey` / :class:`KeyLookupUnavailable`."""
        cache_key = self._cache_key(subscriber_id, unique_key_id)
        now = self._clock.now().timestamp()
        held = self._held(cache_key, now)
        if held is not None:
            return held[0]
        cached = await self._state.get(cache_key)
        if cached == _UNKNOWN:
            raise UnknownSigningKey(
                f"no live key {unique_key_id!r} for subscriber {subscriber_id!r} in the registry"
            )
        entry = _cached_entry(cached)
        if entry is not None:
            key, until, url = entry
            self._remember_locally(cache_key, key, min(now + self._local_seconds, until), url)
            return key
        pending = self._in_flight.get(cache_key)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[signing.PublicKey] = asyncio.get_running_loop().create_future()
        self._in_flight[cache_key] = future
        try:
            key = await self._look_up(subscriber_id, unique_key_id)
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # mark retrieved: waiters re-raise it themselves
            raise
        else:
            future.set_result(key)
            return key
        finally:
            del self._in_flight[cache_key]

    async def key_and_url(
        self, subscriber_id: str, unique_key_id: str
    ) -> tuple[signing.PublicKey, str | None]:
        """:meth:`public_key`, with the ``subscriber_url`` of the key's record when this
        process holds the key (most requests: their buyer app's key is held here), so
        the edge checks ``context.bap_uri`` without a second lookup; ``None`` when the
        key came from further away (then :meth:`subscriber_url` answers)."""
        held = self._held(self._cache_key(subscriber_id, unique_key_id))
        if held is not None:
            return held[0], held[2]
        return await self.public_key(subscriber_id, unique_key_id), None

    async def subscriber_url(
        self, subscriber_id: str, unique_key_id: str, *, expected: str | None = None
    ) -> str:
        """The ``subscriber_url`` of the registry record that holds this key (looked up
        like :meth:`public_key`, whose errors it raises).

        When the cached URL is not ``expected``, the record may have changed since it was
        cached: the registry is asked again, at most a few times a minute per subscriber
        (a flood of wrong URLs must not become a flood of lookups).
        """
        held = self._held(self._cache_key(subscriber_id, unique_key_id))
        if held is not None and (expected is None or held[2].rstrip("/") == expected.rstrip("/")):
            # The request's own key was just found here (every request's, from a buyer app
            # this process has heard lately): what public_key and the cached URL would give.
            return held[2]
        await self.public_key(subscriber_id, unique_key_id)
        url = await self._cached_url(subscriber_id, unique_key_id)
        if expected is None or url.rstrip("/") == expected.rstrip("/"):
            return url
        cache_key = self._cache_key(subscriber_id, unique_key_id)
        pending = self._refreshing.get(cache_key)
        if pending is None:
            if await self._state.hit(f"regurl:{subscriber_id}", 60) > 5:
                return url
            # Requests arriving meanwhile wait for this one refresh instead of starting more.
            pending = asyncio.ensure_future(self._refresh(subscriber_id, unique_key_id))
            self._refreshing[cache_key] = pending
            pending.add_done_callback(lambda _: self._refreshing.pop(cache_key, None))
        await asyncio.shield(pending)
        return await self._cached_url(subscriber_id, unique_key_id)

    async def _refresh(self, subscriber_id: str, unique_key_id: str) -> None:
        self._local.pop(self._cache_key(subscriber_id, unique_key_id), None)
        # A registry that cannot answer, or no longer lists the key: the cached record stands.
        with contextlib.suppress(KeyLookupUnavailable, UnknownSigningKey):
            await self._look_up(subscriber_id, unique_key_id)

    async def _cached_url(self, subscriber_id: str, unique_key_id: str) -> str:
        cache_key = self._cache_key(subscriber_id, unique_key_id)
        local = self._local.get(cache_key)
        if local is not None:
            return local[2]
        entry = _cached_entry(await self._state.get(cache_key))
        if entry is None:
            raise KeyLookupUnavailable(
                f"the registry record of {subscriber_id!r} is not cached; retry later"
            )
        return entry[2]

    def _remember_locally(
        self, cache_key: str, key: signing.PublicKey, until: float, url: str
    ) -> None:
        if len(self._local) >= 4096:
            self._local.clear()
        self._local[cache_key] = (key, until, url)

    async def _look_up(self, subscriber_id: str, unique_key_id: str) -> signing.PublicKey:
        try:
            records = await self._registry.lookup(subscriber_id=subscriber_id, ukId=unique_key_id)
        except (RegistryUnavailable, RegistryError) as exc:
            # The peer learns what it needs; the registry's URL and answer go to our log.
            log.warning("key lookup for %s|%s failed: %s", subscriber_id, unique_key_id, exc)
            raise KeyLookupUnavailable(
                f"key {unique_key_id!r} of {subscriber_id!r} is not cached and the registry "
                "cannot be asked right now; retry later"
            ) from exc
        now = self._clock.now()
        match: signing.PublicKey | None = None
        for record in records:
            if record.subscriber_id != subscriber_id or not record.is_live(now):
                continue
            key = await self._remember(record)
            if key is not None and record.unique_key_id == unique_key_id:
                match = key
        if match is None:
            await self._state.put(
                self._cache_key(subscriber_id, unique_key_id), _UNKNOWN, self._unknown_cache
            )
            raise UnknownSigningKey(
                f"no live key {unique_key_id!r} for subscriber {subscriber_id!r} in the registry"
            )
        return match

    async def _remember(self, record: SubscriberRecord) -> signing.PublicKey | None:
        try:
            key = _public_key(record.signing_public_key)
        except signing.KeyFormatError:
            return None
        if record.unique_key_id is None:
            return key
        ttl = float(self._max_cache)
        if record.valid_until is not None:
            ttl = min(ttl, (record.valid_until - self._clock.now()).total_seconds())
        if ttl > 0:
            # The value carries its own end, so the per-process layer never outlives it.
            until = self._clock.now().timestamp() + ttl
            cache_key = self._cache_key(record.subscriber_id, record.unique_key_id)
            value = f"{record.signing_public_key}|{until}|{record.subscriber_url or ''}"
            await self._state.put(cache_key, value.encode(), ttl)
            self._remember_locally(
                cache_key,
                key,
                min(until, self._clock.now().timestamp() + self._local_seconds),
                record.subscriber_url or "",
            )
        return key
