"""The response headers a browser needs to keep the adapter's pages safe to open.

Every answer outside the Beckn endpoints carries ``X-Content-Type-Options: nosniff`` (a
JSON or CSV answer is never run as a script), ``X-Frame-Options: DENY`` (no page of ours
inside another site's frame: clickjacking) and ``Referrer-Policy: same-origin`` (no
address of ours sent to another site; ``no-referrer`` would make browsers send ``Origin:
null`` with our own forms, which the dashboard refuses). The dashboard and the home page,
which run no script at all, also get a Content Security Policy that allows none, only
their own inline styles, and forms posted to themselves. ``/docs`` and ``/redoc`` keep
Swagger UI's and ReDoc's inline start-up scripts, so they get the frame and type headers
only.
"""

from __future__ import annotations

from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["PAGE_POLICY", "SecurityHeaders"]

_ALWAYS: Final = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
)
PAGE_POLICY: Final = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
_PAGES: Final = ("/dashboard",)


class SecurityHeaders:
    """ASGI middleware adding the headers above to every HTTP response of ``app``."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        path: str = scope["path"]
        page = path == "/" or path.startswith(_PAGES)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                added = [(n, v) for n, v in _ALWAYS if n not in present]
                if page and b"content-security-policy" not in present:
                    added.append((b"content-security-policy", PAGE_POLICY.encode()))
                message = {**message, "headers": headers + added}
            await send(message)

        await self._app(scope, receive, with_headers)
