"""``/healthz``: is the adapter able to do its work (database, Redis when configured)."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from starlette.responses import JSONResponse

from adapter.core.errors import SharedStateUnavailable
from adapter.runtime import Runtime

__all__ = ["health_router"]

log = logging.getLogger(__name__)


def health_router() -> APIRouter:
    """The health endpoint load balancers and operators poll."""
    router = APIRouter()

    @router.get("/healthz", tags=["operations"])
    async def healthz(request: Request) -> JSONResponse:
        runtime: Runtime = request.app.state.runtime
        checks: dict[str, str] = {}
        try:
            async with runtime.store.database.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
            checks["database"] = "ok"
        except (SQLAlchemyError, OSError) as exc:
            log.warning("health check: database failed: %s", exc)
            checks["database"] = "unavailable"
        if runtime.settings.redis_url is None:
            checks["redis"] = "not configured"
        else:
            try:
                await runtime.state.get("healthz")
                checks["redis"] = "ok"
            except SharedStateUnavailable as exc:
                log.warning("health check: redis failed: %s", exc)
                checks["redis"] = "unavailable"
        healthy = all(value in ("ok", "not configured") for value in checks.values())
        return JSONResponse(
            {"status": "ok" if healthy else "degraded", **checks},
            status_code=200 if healthy else 503,
        )

    return router
