"""The callbacks' HTTP client: one small interface, so the library behind it can change.

A callback is one signed POST whose answer (a Beckn ACK or NACK) is read streaming, capped
and inflated here (``adapter.outbound.answer.read_capped``), all under one deadline. A
redirect is an answer like any other (not a Beckn ACK): neither client follows it. Two
clients implement it:

- :class:`AiohttpCallbacks`, the default: measured with ``bench/outbound`` against the
  same loopback sink, aiohttp costs several times less CPU per signed POST than httpx
  (figures in bench/README.md). It keeps a keep-alive pool per buyer app, leaves the
  answer's content coding to our bounded inflater, and checks every address a buyer
  app's host name resolves to *when it connects* (the resolver refuses private and
  loopback addresses unless allowed), so a DNS answer that changes after the
  pre-call check (``adapter.outbound.destination``) cannot reach an internal address.
- :class:`HttpxCallbacks`: through :func:`adapter.outbound.answer.exchange` on the
  adapter's httpx client; used where a test injects an httpx transport (a respx router),
  and with ``ONDC_CALLBACK_CLIENT=httpx``.

Either raises :class:`ExchangeFailed` (no connection, a phase timed out, a broken answer)
or the errors of ``adapter.outbound.answer``.
"""

from __future__ import annotations

import ipaddress
import math
import socket
from collections.abc import Mapping
from functools import lru_cache
from typing import Any, Final, Protocol
from urllib.parse import urlsplit

import aiohttp
import httpx
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from adapter.outbound.answer import (
    ACCEPT_ENCODING,
    Answer,
    AnswerTooSlow,
    OutboundError,
    exchange,
    read_capped,
)
from adapter.outbound.destination import UnsafeDestination, is_public

__all__ = ["AiohttpCallbacks", "CallbackClient", "ExchangeFailed", "HttpxCallbacks"]

# Per-phase limits inside the overall deadline: a buyer app gets 2 s to accept the
# connection and 5 s between reads.
_CONNECT_SECONDS: Final = 2.0
_READ_SECONDS: Final = 5.0


class ExchangeFailed(OutboundError):
    """No usable exchange: the connection failed, a phase timed out, the answer broke off.
    The message starts with the client's own name for the failure (``ConnectError: ...``)."""


class CallbackClient(Protocol):
    """Sends one callback and reads its answer."""

    # True when the client itself refuses non-public addresses as it connects (then the
    # caller checks only the URL's form, with no DNS look-up of its own).
    checks_addresses: bool

    async def post(
        self,
        url: str,
        body: bytes,
        headers: Mapping[str, str],
        *,
        max_bytes: int,
        deadline_seconds: float,
    ) -> Answer:
        """POST ``body`` to ``url``; the answer decoded up to ``max_bytes``, all within
        ``deadline_seconds``."""
        ...

    async def aclose(self) -> None:
        """Close the connections."""
        ...


class HttpxCallbacks:
    """:class:`CallbackClient` over an httpx client (closed by whoever opened it)."""

    checks_addresses = False

    def __init__(self, http: httpx.AsyncClient) -> None:
        self._http = http
        self._phases = httpx.Timeout(
            connect=_CONNECT_SECONDS, read=_READ_SECONDS, write=_READ_SECONDS, pool=2.0
        )

    async def post(
        self,
        url: str,
        body: bytes,
        headers: Mapping[str, str],
        *,
        max_bytes: int,
        deadline_seconds: float,
    ) -> Answer:
        """See :class:`CallbackClient`."""
        try:
            return await exchange(
                self._http, "POST", url, content=body, headers=dict(headers),
                max_bytes=max_bytes, deadline_seconds=deadline_seconds, phases=self._phases,
            )  # fmt: skip
        except httpx.HTTPError as exc:
            raise ExchangeFailed(f"{type(exc).__name__}: {exc}") from exc

    async def aclose(self) -> None:
        """The httpx client belongs to the caller."""


class _GuardedResolver(AbstractResolver):
    """Resolves as aiohttp does, then refuses a host any of whose addresses is not public:
    the check is made on the addresses the connection will use."""

    def __init__(self) -> None:
        self._resolver = DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found = await self._resolver.resolve(host, port, family)
        for entry in found:
            if not is_public(entry["host"]):
                raise UnsafeDestination(
                    f"{host} resolves to {entry['host']}, which is not a public address"
                )
        return found

    async def close(self) -> None:
        await self._resolver.close()


@lru_cache(maxsize=4096)
def _refuse_private_literal(url: str) -> None:
    """A host written as an IP address is connected to without a look-up (aiohttp skips
    the resolver): it is checked here. A pure function of the URL: a URL that passed is
    not checked again (a refusal is not cached, it raises every time)."""
    host = urlsplit(url).hostname or ""
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return  # a name: the resolver checks what it resolves to
    if not is_public(host):
        raise UnsafeDestination(f"{host} is not a public address")


@lru_cache(maxsize=16)
def _timeout(deadline: float, connect: float, read: float) -> aiohttp.ClientTimeout:
    """aiohttp's limits for one callback: ``deadline`` for the whole exchange (connect,
    send, every read, until the answer is read), ``connect`` to get a connection, ``read``
    between reads. The deadline is aiohttp's own timer (measured under callgrind: 0.005 to
    0.008 M instructions a callback less than ``asyncio.timeout`` around the call), never
    rounded up to a whole second (aiohttp rounds limits of 5 s or more unless told not to)."""
    return aiohttp.ClientTimeout(
        total=deadline, sock_connect=connect, sock_read=read, ceil_threshold=math.inf
    )


class AiohttpCallbacks:
    """:class:`CallbackClient` over an aiohttp session of its own (create it inside the
    running event loop; :meth:`aclose` it)."""

    checks_addresses = True

    def __init__(self, *, allow_private: bool, max_connections: int = 200) -> None:
        self._allow_private = allow_private
        resolver: AbstractResolver | None = None if allow_private else _GuardedResolver()
        options: dict[str, Any] = {"limit": max_connections, "limit_per_host": 0}
        if resolver is not None:
            options["resolver"] = resolver
        # Read here, not at import: bench/edge widens them for valgrind's pace.
        self._phases = (_CONNECT_SECONDS, _READ_SECONDS)
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(**options),
            # Answers are inflated by read_capped, a bounded step at a time.
            auto_decompress=False,
            skip_auto_headers=("User-Agent",),
        )

    async def post(
        self,
        url: str,
        body: bytes,
        headers: Mapping[str, str],
        *,
        max_bytes: int,
        deadline_seconds: float,
    ) -> Answer:
        """See :class:`CallbackClient`."""
        if not self._allow_private:
            _refuse_private_literal(url)
        sent = {**headers, "Accept-Encoding": ACCEPT_ENCODING}
        limits = _timeout(deadline_seconds, *self._phases)
        try:
            # A redirect is an answer, not followed: aiohttp would send the signed body on
            # to wherever it points (an address literal there skips every check above).
            async with self._session.post(
                url, data=body, headers=sent, timeout=limits, allow_redirects=False
            ) as response:
                coding = response.headers.get("Content-Encoding", "identity")
                content = await read_capped(response.content.iter_any(), coding, max_bytes)
                return Answer(response.status, response.headers, content)
        except aiohttp.InvalidURL as exc:
            # A host aiohttp will not call as written (127.1, 2130706433, 0177.0.0.1: an
            # address in a non-canonical form) is refused, not retried until the ttl.
            raise UnsafeDestination(f"not a public address in its plain form: {exc}") from exc
        except aiohttp.ClientError as exc:  # a phase's timeout too (ServerTimeoutError)
            refused = exc.__cause__ or exc.__context__
            if isinstance(refused, UnsafeDestination):  # the resolver's check, wrapped
                raise refused from None
            raise ExchangeFailed(f"{type(exc).__name__}: {exc}") from exc
        except TimeoutError:
            raise AnswerTooSlow(f"no complete answer within {deadline_seconds:g} s") from None

    async def aclose(self) -> None:
        """Close the session and its connections."""
        await self._session.close()
