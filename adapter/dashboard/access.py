"""Who is looking at the dashboard: the operator (``ONDC_ADMIN_API_KEY``), a department
viewer or a seller (tokens operators issue). The token comes as ``Authorization: Bearer``
or in the HttpOnly cookie the sign-in form sets."""

from __future__ import annotations

import secrets
from typing import Final

from fastapi import HTTPException, Request

from adapter.dashboard.views import Viewer
from adapter.runtime import Runtime

__all__ = ["COOKIE", "require_operator_view", "require_viewer", "viewer_for", "viewer_of"]

COOKIE: Final = "ondc_dashboard"


def _token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.cookies.get(COOKIE) or None


async def viewer_of(request: Request) -> Viewer | None:
    """The viewer the request's token belongs to, or None."""
    token = _token(request)
    if token is None:
        return None
    return await viewer_for(request.app.state.runtime, token)


async def viewer_for(runtime: Runtime, token: str) -> Viewer | None:
    """The viewer ``token`` belongs to, or None."""
    admin = runtime.settings.admin_api_key.get_secret_value()
    if secrets.compare_digest(token.encode(), admin.encode()):
        return Viewer("operator", label="operator")
    credential = await runtime.credentials.find(token)
    if credential is None:
        return None
    if credential.role == "seller":
        return Viewer("seller", credential.seller_code, credential.label)
    return Viewer("viewer", None, credential.label)


async def require_viewer(request: Request) -> Viewer:
    """Any signed-in viewer, or 401."""
    viewer = await viewer_of(request)
    if viewer is None:
        raise HTTPException(
            status_code=401,
            detail="Authorization: Bearer <dashboard token or ONDC_ADMIN_API_KEY> is required",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return viewer


async def require_operator_view(request: Request) -> Viewer:
    """The operator, or 401/403: replays and the audit log are theirs alone."""
    viewer = await require_viewer(request)
    if viewer.role != "operator":
        raise HTTPException(status_code=403, detail="only an operator may do this")
    return viewer
