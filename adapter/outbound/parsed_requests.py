"""Requests the edge parsed, kept for the build of their callbacks in the same process.

When one process both answers requests and delivers callbacks, the edge parses each
request to check it, and moments later the dispatcher builds the callback from the bytes
it stored: parsing them again cost 0.21 M instructions per answered search, 4 % of the
whole path (bench/edge --instructions). The edge keeps what it parsed here under the exact
bytes it stores; the build takes it back by the stored bytes, so it gets what parsing them
again would give. A request not found (claimed by another process, stored by an earlier
run, or not kept for want of room) is parsed as before.

Two things decide how often the build finds its request, and both were measured on
bench/edge's closed loop, where they made half of all builds parse again:

- the edge keeps the request before its row is committed, not after: the commit wakes the
  dispatcher, which could claim and build the job before the edge's own coroutine came
  back to keep it (a tenth of the builds missed for that alone);
- when the store is full, the newest request is the one left out, not the oldest evicted:
  the dispatcher takes the earliest deadline first, so evicting the oldest dropped exactly
  the requests built next, and with a backlog longer than the bound every build missed.
  Room is made first by dropping requests whose deadline has passed (their jobs are parked
  unsent, never built).

The store is bounded by count and by the bytes of the requests it holds, whichever comes
first: a parsed model and the JSON value it keeps take about twenty times a small
request's bytes (9 kB for a 400-byte search, tracemalloc), and a buyer app may send
requests up to ``ONDC_MAX_ACTION_BYTES`` each.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime
from typing import Final, NamedTuple

import schemas
from adapter.core.contracts import Contract

__all__ = ["ParsedRequests"]

# Requests kept at most, and their bytes at most; past either, new ones are not kept (they
# are parsed again when built). 4,096 small searches hold about 37 MB.
_KEPT: Final = 4096
_KEPT_BYTES: Final = 4 * 1024 * 1024

_Parsed = tuple[Contract, schemas.Envelope]


class _Kept(NamedTuple):
    parsed: _Parsed
    deadline: datetime


class ParsedRequests:
    """Parsed requests by (action, stored bytes), each taken back at most once."""

    def __init__(self, limit: int = _KEPT, limit_bytes: int = _KEPT_BYTES) -> None:
        self._limit = limit
        self._limit_bytes = limit_bytes
        self._bytes = 0
        # In the order kept, which is the order of arrival: the oldest deadlines first, as
        # far as the requests' ttls agree.
        self._kept: OrderedDict[tuple[str, bytes], _Kept] = OrderedDict()

    def __len__(self) -> int:
        return len(self._kept)

    @property
    def held_bytes(self) -> int:
        """The bytes of the requests kept."""
        return self._bytes

    def keep(
        self, action: str, body: bytes, parsed: _Parsed, *, deadline: datetime, now: datetime
    ) -> bool:
        """Keep ``parsed``, the request ``body`` of ``action`` as its family's model, until
        it is taken or ``deadline`` (its callback's) passes; whether it was kept (not when
        full of requests still awaiting their callbacks)."""
        kept = self._kept
        key = (action, body)
        if key in kept:
            # The same bytes again, from a request the database will refuse as a duplicate:
            # kept for the first (whose job the build takes), not for this one to drop.
            return False
        size = len(body)
        if not self._room(size):
            while kept and next(iter(kept.values())).deadline < now:
                self._forget(*kept.popitem(last=False))
            if not self._room(size):
                return False
        kept[key] = _Kept(parsed, deadline)
        self._bytes += size
        return True

    def take(self, action: str, body: bytes) -> _Parsed | None:
        """The request ``body`` of ``action`` as kept, once; ``None`` when not kept."""
        key = (action, body)
        found = self._kept.pop(key, None)
        if found is None:
            return None
        self._bytes -= len(body)
        return found.parsed

    def drop(self, action: str, body: bytes) -> None:
        """Forget the request ``body`` of ``action`` (its job was not queued after all)."""
        self.take(action, body)

    def _room(self, size: int) -> bool:
        return len(self._kept) < self._limit and self._bytes + size <= self._limit_bytes

    def _forget(self, key: tuple[str, bytes], _kept: _Kept) -> None:
        self._bytes -= len(key[1])
