"""Requests the edge parsed, kept for the build of their callbacks in the same process.

When one process both answers requests and delivers callbacks, the edge parses each
request to check it, and moments later the dispatcher builds the callback from the bytes
it stored: parsing them again cost 0.21 M instructions per answered search, 4 % of the
whole path (bench/edge --instructions). The edge keeps what it parsed here under the exact bytes it
stored (after they are committed); the build takes it back by the stored bytes, so it gets
what parsing them again would give. A request not found (claimed by another process,
stored by an earlier run, or dropped past the bound) is parsed as before.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Final

import schemas
from adapter.core.contracts import Contract

__all__ = ["ParsedRequests"]

# Requests kept at most; past it the oldest go (a backlog this deep is answered, only
# parsed again). A parsed search takes a few kilobytes.
_KEPT: Final = 2048

_Parsed = tuple[Contract, schemas.Envelope]


class ParsedRequests:
    """Parsed requests by (action, stored bytes), each taken back at most once."""

    def __init__(self, limit: int = _KEPT) -> None:
        self._limit = limit
        self._kept: OrderedDict[tuple[str, bytes], _Parsed] = OrderedDict()

    def __len__(self) -> int:
        return len(self._kept)

    def keep(self, action: str, body: bytes, parsed: _Parsed) -> None:
        """Keep ``parsed``, the request ``body`` of ``action`` as its family's model."""
        self._kept[(action, body)] = parsed
        if len(self._kept) > self._limit:
            self._kept.popitem(last=False)

    def take(self, action: str, body: bytes) -> _Parsed | None:
        """The request ``body`` of ``action`` as kept, once; ``None`` when not kept."""
        return self._kept.pop((action, body), None)
