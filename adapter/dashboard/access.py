"""Who is looking at the dashboard: the operator (``ONDC_ADMIN_API_KEY``), a department
viewer or a seller (tokens operators issue).

Programs send the token as ``Authorization: Bearer``. People sign in through the form:
the token is checked once, and the browser gets a cookie with a random session id kept
server-side (:mod:`adapter.storage.sessions`), never the token or the operator's key. The
cookie is HttpOnly, SameSite=Strict, limited to ``/dashboard``, expires with the session,
and is Secure over https (or always, by a setting). Signing out deletes the session.

Sign-in is throttled: after ``ONDC_DASHBOARD_LOGIN_FAILURES`` failures from one address
within ``ONDC_DASHBOARD_LOGIN_WINDOW_SECONDS`` that address is refused with 429 and
Retry-After until the window has passed, and ten times as many failures from all addresses
together refuse every sign-in likewise (a sign-in names no account, only a token, so the
whole sign-in form is the one account a distributed guesser can aim at). The counts live in
the shared state, so every process counts together.

Forms posted with the session cookie (sign out, replay) must carry the session's ``csrf``
token as well as coming from a same-site page (SameSite=Strict); a sign-in posted from
another site's page (its ``Origin`` is not ours) is refused.
"""

from __future__ import annotations

import math
import secrets
from datetime import timedelta
from typing import Final, cast
from urllib.parse import parse_qs, urlsplit

from fastapi import HTTPException, Request, Response

from adapter.dashboard.views import Role, Viewer
from adapter.runtime import Runtime
from adapter.storage.sessions import DashboardSessions

__all__ = [
    "COOKIE",
    "Throttled",
    "check_origin",
    "end_session",
    "record_failed_sign_in",
    "require_operator_view",
    "require_viewer",
    "sign_in",
    "sign_in_wait",
    "viewer_for",
    "viewer_of",
]

COOKIE: Final = "ondc_dashboard"
_GLOBAL_FACTOR: Final = 10


class Throttled(Exception):
    """Sign-in refused for now: too many failures; retry after ``seconds``."""

    def __init__(self, seconds: int) -> None:
        super().__init__(f"too many failed sign-ins; retry after {seconds} s")
        self.seconds = seconds


def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def _sessions(runtime: Runtime) -> DashboardSessions:
    return DashboardSessions(runtime.store.database)


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


async def _credential(runtime: Runtime, token: str) -> tuple[Viewer, int | None] | None:
    admin = runtime.settings.admin_api_key.get_secret_value()
    if secrets.compare_digest(token.encode(), admin.encode()):
        return Viewer("operator", label="operator"), None
    credential = await runtime.credentials.find(token)
    if credential is None:
        return None
    if credential.role == "seller":
        return Viewer("seller", credential.seller_code, credential.label), credential.id
    return Viewer("viewer", None, credential.label), credential.id


async def viewer_for(runtime: Runtime, token: str) -> Viewer | None:
    """The viewer a bearer ``token`` belongs to, or None."""
    found = await _credential(runtime, token)
    return None if found is None else found[0]


async def viewer_of(request: Request) -> Viewer | None:
    """The viewer of the request's bearer token or session cookie, or None."""
    runtime = _runtime(request)
    token = _bearer(request)
    if token is not None:
        return await viewer_for(runtime, token)
    session_id = request.cookies.get(COOKIE)
    if not session_id:
        return None
    session = await _sessions(runtime).find(session_id, now=runtime.clock.now())
    if session is None:
        return None
    role = cast(Role, session.role)
    return Viewer(role, session.seller_code, session.label, csrf=session.csrf)


def _address(request: Request) -> str:
    # uvicorn runs with proxy headers: behind a trusted proxy this is the client's address.
    return request.client.host if request.client is not None else "unknown"


async def sign_in_wait(runtime: Runtime, request: Request) -> None:
    """Raise :class:`Throttled` while sign-ins from this address (or all) are refused."""
    now = runtime.clock.now().timestamp()
    for key in (f"dashboard:sign-in-refused:{_address(request)}", "dashboard:sign-in-refused"):
        until = await runtime.state.get(key)
        if until is not None:
            raise Throttled(max(1, math.ceil(float(until) - now)))


async def record_failed_sign_in(runtime: Runtime, request: Request) -> None:
    """Count a failed sign-in; refuse the address (or everyone) once over the limit."""
    settings = runtime.settings
    window = settings.dashboard_login_window_seconds
    limits = (
        (f":{_address(request)}", settings.dashboard_login_failures),
        ("", settings.dashboard_login_failures * _GLOBAL_FACTOR),
    )
    now = runtime.clock.now().timestamp()
    for suffix, limit in limits:
        failures = await runtime.state.hit(f"dashboard:sign-in-failures{suffix}", window)
        if failures >= limit:
            until = str(now + window).encode()
            await runtime.state.put(f"dashboard:sign-in-refused{suffix}", until, window)


def check_origin(request: Request) -> None:
    """403 for a form posted from another site's page.

    Ours are the host the request was sent to, the host a proxy says it was sent to
    (``X-Forwarded-Host``: a page of another site cannot set that header on a form it
    posts) and the host of ``ONDC_SUBSCRIBER_URL``, the adapter's public address, as a
    proxy may pass its own name upstream in ``Host``."""
    origin = request.headers.get("origin")
    if origin is None:  # not sent by every browser for a same-origin form
        return
    ours = {
        request.headers.get("host", request.url.netloc),
        _runtime(request).settings.subscriber_url.host or "",
    }
    forwarded = request.headers.get("x-forwarded-host")
    if forwarded:
        ours.add(forwarded.split(",")[0].strip())
    try:
        sent_from = urlsplit(origin)
        host = sent_from.hostname
    except ValueError:  # no URL at all ("http://[", an unclosed IPv6 address)
        raise HTTPException(status_code=403, detail="Origin: not a URL") from None
    if sent_from.netloc not in ours and host not in ours:
        raise HTTPException(status_code=403, detail="Origin: not this dashboard")


async def sign_in(runtime: Runtime, request: Request, token: str, response: Response) -> bool:
    """Open a session for ``token`` and set its cookie on ``response``; False if the token
    is no one's."""
    found = await _credential(runtime, token)
    if found is None:
        return False
    viewer, credential_id = found
    lifetime = timedelta(hours=runtime.settings.dashboard_session_hours)
    session_id, _ = await _sessions(runtime).open(
        role=viewer.role,
        credential_id=credential_id,
        seller_code=viewer.seller_code,
        label=viewer.label,
        now=runtime.clock.now(),
        lifetime=lifetime,
    )
    response.set_cookie(
        COOKIE,
        session_id,
        httponly=True,
        samesite="strict",
        path="/dashboard",
        secure=runtime.settings.dashboard_secure_cookie or request.url.scheme == "https",
        max_age=int(lifetime.total_seconds()),
    )
    return True


async def end_session(runtime: Runtime, request: Request, response: Response) -> None:
    """Delete the request's session server-side and its cookie in the browser."""
    session_id = request.cookies.get(COOKIE)
    if session_id:
        await _sessions(runtime).close(session_id)
    response.delete_cookie(COOKIE, path="/dashboard", httponly=True, samesite="strict")


async def _check_form_token(request: Request, viewer: Viewer) -> None:
    """A form posted with the session cookie must carry the session's csrf token."""
    if request.method != "POST" or viewer.csrf is None:
        return
    check_origin(request)
    form = parse_qs((await request.body()).decode("utf-8", "replace"))
    given = (form.get("csrf") or [""])[0]
    if not secrets.compare_digest(given.encode(), viewer.csrf.encode()):
        raise HTTPException(status_code=403, detail="csrf: missing or not this session's")


async def require_viewer(request: Request) -> Viewer:
    """Any signed-in viewer, or 401 (403 for a session form without its csrf token)."""
    viewer = await viewer_of(request)
    if viewer is None:
        raise HTTPException(
            status_code=401,
            detail="Authorization: Bearer <dashboard token or ONDC_ADMIN_API_KEY> is required",
            headers={"WWW-Authenticate": "Bearer"},
        )
    await _check_form_token(request, viewer)
    return viewer


async def require_operator_view(request: Request) -> Viewer:
    """The operator, or 401/403: replays and the audit log are theirs alone."""
    viewer = await require_viewer(request)
    if viewer.role != "operator":
        raise HTTPException(status_code=403, detail="only an operator may do this")
    return viewer
