"""Every inbound request body bounded while it is read, by route.

One ASGI layer in front of the whole app (the Beckn endpoints' fast path included). For
each request it finds the route's limit (:class:`BodyLimits`), then:

- refuses a compressed body (any ``Content-Encoding`` but ``identity``) with 415: nothing
  inflates a small upload into a large one behind the limit's back;
- refuses a declared ``Content-Length`` over the limit with 413 before reading a byte;
- counts the body as it arrives (chunked bodies too) and, at the first chunk past the
  limit, answers 413 and tells the app the client went away: the app never sees more than
  the limit, and nothing past it is buffered.

Beckn routes are answered with a NACK (``PayloadTooLarge``, ONDC 30000); every other route
with ``{"detail": ...}`` as the seller API's other refusals. A Beckn refusal is also passed
to ``on_refused`` (the app audits a bounded summary of it:
``adapter.network.refusal_audit``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Final

import orjson
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from adapter.core.errors import PayloadTooLarge
from adapter.network.nack import nack_body

__all__ = ["FORM_MAX_BYTES", "BodyLimit", "BodyLimits", "Refused"]

# Sign-in forms, the registry's /on_subscribe challenge, logout, and any path the app does
# not route: a few hundred bytes are real, 16 KiB is plenty.
FORM_MAX_BYTES: Final = 16 * 1024

# Routes whose bodies are JSON documents of the seller API, the admin API and the
# dashboard's operator API (stock lists of thousands of lines, items with their images).
_API_PREFIXES: Final = ("/seller/v1/", "/admin/v1/", "/dashboard/")
# Forms under those prefixes keep the small limit.
_FORMS: Final = frozenset({"/dashboard/login", "/dashboard/logout"})


@dataclass(frozen=True, slots=True)
class Route:
    """The body limit of one route, and whether it is answered as a Beckn endpoint."""

    limit: int
    beckn: bool = False


@dataclass(frozen=True, slots=True)
class BodyLimits:
    """The per-route table: Beckn action paths by exact path, API prefixes, the rest."""

    beckn: dict[str, int]
    api: int
    other: int = FORM_MAX_BYTES

    @classmethod
    def for_actions(
        cls, base_path: str, actions: tuple[str, ...], *, search: int, action: int, api: int
    ) -> BodyLimits:
        """``search`` for ``{base_path}/search``, ``action`` for every other action."""
        table = {f"{base_path}/{name}": search if name == "search" else action for name in actions}
        return cls(beckn=table, api=api)

    def route(self, path: str) -> Route:
        """The limit that applies to ``path``."""
        limit = self.beckn.get(path)
        if limit is not None:
            return Route(limit, beckn=True)
        if path.startswith(_API_PREFIXES) and path not in _FORMS:
            return Route(self.api)
        return Route(self.other)


async def _refuse(send: Send, route: Route, status: int, message: str) -> None:
    """Answer the request here: a NACK on Beckn routes, ``{"detail"}`` elsewhere."""
    body = nack_body(PayloadTooLarge(message)) if route.beckn else orjson.dumps({"detail": message})
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                # The rest of the body is never read: the connection cannot be reused.
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


_DISCONNECT: Final[Message] = {"type": "http.disconnect"}
_PLAIN: Final = (b"", b"identity")


Refused = Callable[[Scope, int, str], Awaitable[None]]
"""Told of each refused Beckn request: its scope, the HTTP status and the reason."""


class BodyLimit:
    """ASGI middleware: the request body of every HTTP request bounded by its route."""

    def __init__(self, app: ASGIApp, limits: BodyLimits, on_refused: Refused | None = None) -> None:
        self._app = app
        self._limits = limits
        self._on_refused = on_refused
        # The Beckn paths' routes made once: most requests are Beckn requests, and making
        # the route again for each cost 6,300 instructions.
        self._beckn = {path: limits.route(path) for path in limits.beckn}

    async def _refused(self, scope: Scope, route: Route, status: int, message: str) -> None:
        if route.beckn and self._on_refused is not None:
            await self._on_refused(scope, status, message)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        path: str = scope["path"]
        root = scope.get("root_path", "")
        if root and path.startswith(root):
            path = path[len(root) :]
        route = self._beckn.get(path) or self._limits.route(path)
        limit = route.limit
        declared: bytes | None = None
        for name, value in scope["headers"]:
            if name == b"content-length":
                declared = value
            elif name == b"content-encoding" and value.strip().lower() not in _PLAIN:
                message = "compressed request bodies are refused: send it without Content-Encoding"
                await _refuse(send, route, 415, message)
                await self._refused(scope, route, 415, message)
                return
        if declared is not None and declared.isdigit() and int(declared) > limit:
            message = f"body of {int(declared)} bytes is over the limit of {limit} bytes for {path}"
            await _refuse(send, route, 413, message)
            await self._refused(scope, route, 413, message)
            return
        received = 0
        refused = False  # the body went past the limit: the app reads no more of it
        answered = False  # and this layer answered the request itself
        started = False

        async def bounded_receive() -> Message:
            nonlocal received, refused, answered
            if refused:
                return _DISCONNECT
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    refused = True
                    if not started:
                        answered = True
                        over = f"body is over the limit of {limit} bytes for {path}"
                        await _refuse(send, route, 413, over)
                        await self._refused(scope, route, 413, over)
                    # The app stops reading as if the client had gone; its own answer to
                    # a body it never had whole is dropped (guarded_send).
                    return _DISCONNECT
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if answered:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self._app(scope, bounded_receive, guarded_send)
        except ClientDisconnect:
            # A route that reads its body with Starlette's request raises this at the
            # refusal; the request is answered already, there is nothing to report.
            if not refused:
                raise
