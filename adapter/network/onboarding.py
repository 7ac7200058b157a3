"""Registry onboarding endpoints: ``/on_subscribe`` and ``ondc-site-verification.html``.

ONDC registry onboarding: the registry fetches
``https://{subscriber_id}/ondc-site-verification.html`` and then POSTs
``{"subscriber_id", "challenge"}`` to ``{subscriber_url}/on_subscribe``; we answer
synchronously with ``{"answer": <decrypted challenge>}``.
"""

from __future__ import annotations

import logging

import orjson
from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, JSONResponse, Response

import signing
from adapter.runtime import Runtime

__all__ = ["onboarding_router"]

log = logging.getLogger(__name__)


def _problem(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": {"message": message}}, status_code=status)


def onboarding_router(base_path: str) -> APIRouter:
    """Routes for the registry's onboarding calls, under our subscriber URL's path."""
    router = APIRouter()

    @router.post(f"{base_path}/on_subscribe", include_in_schema=False)
    async def on_subscribe(request: Request) -> Response:
        runtime: Runtime = request.app.state.runtime
        settings = runtime.settings
        try:
            payload = orjson.loads(await request.body())
        except orjson.JSONDecodeError:
            return _problem(400, "body is not JSON; expected {subscriber_id, challenge}")
        if not isinstance(payload, dict) or not isinstance(payload.get("challenge"), str):
            return _problem(400, "challenge is missing or not a string")
        if payload.get("subscriber_id") != settings.subscriber_id:
            return _problem(
                400,
                f"subscriber_id {payload.get('subscriber_id')!r} is not ours "
                f"({settings.subscriber_id!r})",
            )
        registry_key = settings.registry_encryption_key
        if registry_key is None:
            log.error("on_subscribe called but ONDC_REGISTRY_ENCRYPTION_PUBLIC_KEY is not set")
            return _problem(503, "ONDC_REGISTRY_ENCRYPTION_PUBLIC_KEY is not configured")
        try:
            answer = signing.decrypt_challenge(
                payload["challenge"], own=settings.encryption_key, registry=registry_key
            )
        except signing.ChallengeError as exc:
            log.warning("on_subscribe challenge refused: %s", exc)
            return _problem(400, str(exc))
        log.info("answered the registry's on_subscribe challenge")
        return JSONResponse({"answer": answer})

    @router.get("/ondc-site-verification.html", include_in_schema=False)
    async def site_verification(request: Request) -> Response:
        runtime: Runtime = request.app.state.runtime
        request_id = runtime.settings.request_id
        if request_id is None:
            return _problem(404, "ONDC_REQUEST_ID is not configured: no subscription pending")
        return HTMLResponse(
            signing.site_verification_html(request_id, runtime.settings.signing_key)
        )

    return router
