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
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime
from typing import Final, NamedTuple

import schemas
from adapter.core.contracts import Contract

__all__ = ["ParsedRequests"]

# Requests kept at most; past it new ones are not kept (they are parsed again when built).
# A parsed search takes about 9 kB (tracemalloc, a 400-byte search): some 18 MB at most.
_KEPT: Final = 2048

_Parsed = tuple[Contract, schemas.Envelope]


class _Kept(NamedTuple):
    parsed: _Parsed
    deadline: datetime


class ParsedRequests:
    """Parsed requests by (action, stored bytes), each taken back at most once."""

    def __init__(self, limit: int = _KEPT) -> None:
        self._limit = limit
        # In the order kept, which is the order of arrival: the oldest deadlines first, as
        # far as the requests' ttls agree.
        self._kept: OrderedDict[tuple[str, bytes], _Kept] = OrderedDict()

    def __len__(self) -> int:
        return len(self._kept)

    def keep(
        self, action: str, body: bytes, parsed: _Parsed, *, deadline: datetime, now: datetime
    ) -> bool:
        """Keep ``parsed``, the request ``body`` of ``action`` as its family's model, until
        it is taken or ``deadline`` (its callback's) passes; whether it was kept (not when
        full of requests still awaiting their callbacks)."""
        kept = self._kept
        if len(kept) >= self._limit:
            while kept and next(iter(kept.values())).deadline < now:
                kept.popitem(last=False)
            if len(kept) >= self._limit:
                return False
        kept[(action, body)] = _Kept(parsed, deadline)
        return True

    def take(self, action: str, body: bytes) -> _Parsed | None:
        """The request ``body`` of ``action`` as kept, once; ``None`` when not kept."""
        found = self._kept.pop((action, body), None)
        return None if found is None else found.parsed

    def drop(self, action: str, body: bytes) -> None:
        """Forget the request ``body`` of ``action`` (its job was not queued after all)."""
        self._kept.pop((action, body), None)
