"""Every request read within a time bound: the HTTP server's protocol, with deadlines.

uvicorn bounds only the idle time between a connection's requests (its keep-alive). A
connection that is opened and sends nothing, or sends a request's head or body a byte at
a time, it keeps open for as long as the client likes: each holds a socket and the
request's task, and enough of them exhaust the process's descriptors for every buyer app
(the "slowloris" attack). This protocol, uvicorn's httptools protocol otherwise, closes:

- a connection whose request head (request line and headers) is not whole within
  ``head_seconds`` of its first byte, or of the connection's opening when nothing came yet;
- a request whose body falls behind ``body_bytes_per_second`` on average, after a grace of
  ``head_seconds`` from the end of its head (a 1 kB search has a little over the grace; a
  10 MB catalogue upload at the default rate, 40 minutes).

A request cut off this way never reached the app whole, so nothing of it was recorded or
ACKed: the app sees its client gone (``adapter.network.request_body.read_body``). The
deadlines are checked by one timer per connection, re-armed when it fires, so a request
costs the hot path a clock read and two assignments, no timer of its own. While the server
itself has paused reading (its buffer full: the app not reading yet), the client is not
held to the rate.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

__all__ = ["RequestLimits", "SettingsGuardedProtocol", "guarded_protocol"]

log = logging.getLogger(__name__)

# Where a connection is in reading its current request.
_HEAD: Final = 0  # waiting for (the rest of) a request head
_BODY: Final = 1  # head read, body arriving
_READ: Final = 2  # request read whole (being answered, or idle under the keep-alive)


@dataclass(frozen=True, slots=True)
class RequestLimits:
    """How fast a client must send its request (see the module's docstring)."""

    head_seconds: float
    body_bytes_per_second: int


class _Guarded(HttpToolsProtocol):
    limits: RequestLimits

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._limits = self._current_limits()
        self._stage = _HEAD
        self._since = self.loop.time()
        self._received = 0
        self._guard: asyncio.TimerHandle | None = self.loop.call_later(
            self._limits.head_seconds, self._check
        )

    def _current_limits(self) -> RequestLimits:
        return self.limits

    def connection_lost(self, exc: Exception | None) -> None:
        if self._guard is not None:
            self._guard.cancel()
            self._guard = None
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._stage = _HEAD
        self._since = self.loop.time()

    def on_headers_complete(self) -> None:
        super().on_headers_complete()
        self._stage = _BODY
        self._since = self.loop.time()
        self._received = 0

    def on_body(self, body: bytes) -> None:
        self._received += len(body)
        super().on_body(body)

    def on_message_complete(self) -> None:
        self._stage = _READ
        super().on_message_complete()

    def _check(self) -> None:
        """The timer: close the connection past its deadline, or look again at it."""
        self._guard = None
        if self.transport.is_closing():
            return
        limits = self._limits
        now = self.loop.time()
        if self._stage == _READ:
            deadline = now + limits.head_seconds  # nothing to hold the client to now
        elif self.flow.read_paused:
            # The server stopped reading, not the client sending: start its clock again.
            self._since, self._received = now, 0
            deadline = now + limits.head_seconds
        elif self._stage == _HEAD:
            deadline = self._since + limits.head_seconds
        else:
            deadline = (
                self._since + limits.head_seconds + self._received / limits.body_bytes_per_second
            )
        if now < deadline:
            self._guard = self.loop.call_later(deadline - now, self._check)
            return
        what = "request head" if self._stage == _HEAD else "request body"
        log.info("closed a connection from %s: its %s came too slowly", _peer(self), what)
        self.transport.close()


def _peer(protocol: Any) -> str:
    client = protocol.client
    return f"{client[0]}:{client[1]}" if client else "an unknown address"


def guarded_protocol(limits: RequestLimits) -> type[asyncio.Protocol]:
    """uvicorn's HTTP protocol (``uvicorn.Config(http=...)``) holding clients to
    ``limits``, for a server in this process."""
    return type("GuardedProtocol", (_Guarded,), {"limits": limits})


@cache
def _limits_from_settings() -> RequestLimits:
    from adapter.settings import load_settings

    settings = load_settings()
    return RequestLimits(
        head_seconds=settings.http_request_head_seconds,
        body_bytes_per_second=settings.http_body_min_bytes_per_second,
    )


class SettingsGuardedProtocol(_Guarded):
    """The guarded protocol with the limits of this process's settings, read once: named
    by its import path (``adapter.network.slow_clients:SettingsGuardedProtocol``) so that
    ``ondc-seller serve --workers N`` starts it in each worker."""

    def _current_limits(self) -> RequestLimits:
        return _limits_from_settings()
