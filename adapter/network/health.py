"""``/healthz``: is the adapter able to do its work: the database there and writable, room
on the disk of an embedded (SQLite) store, Redis when configured.

Each check names what is wrong; any failure is a 503, so a load balancer stops sending
requests that would be ACKed and then fail to be recorded.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
from pathlib import Path
from typing import Final

from fastapi import APIRouter, Request
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from starlette.responses import JSONResponse

from adapter.core.errors import SharedStateUnavailable
from adapter.runtime import Runtime

__all__ = ["disk_check", "health_router"]

log = logging.getLogger(__name__)

_MB: Final = 1024 * 1024
# Answers that do not make the adapter unhealthy.
_FINE: Final = frozenset({"ok", "not configured", "not local"})


def disk_check(database_url: str, min_free_mb: int) -> str:
    """``ok``, ``not local`` (the store is a server), or what is wrong with the disk of
    the SQLite file: too little free space, or a directory the adapter cannot write (SQLite
    writes its WAL and lock files beside the database)."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return "not local"
    directory = Path(url.database).resolve().parent
    free = shutil.disk_usage(directory).free
    if free < min_free_mb * _MB:
        return (
            f"{free // _MB} MB free in {directory}, under the {min_free_mb} MB required "
            "(ONDC_HEALTH_MIN_FREE_DISK_MB)"
        )
    if not os.access(directory, os.W_OK):
        return f"{directory} is not writable"
    return "ok"


async def _database(runtime: Runtime) -> str:
    try:
        async with runtime.store.database.engine.connect() as connection:
            if runtime.store.database.dialect == "postgresql":
                # A standby, or a database set read-only: every write would fail.
                read_only = await connection.scalar(
                    text("SELECT current_setting('transaction_read_only')")
                )
                if read_only == "on":
                    return "read-only (transaction_read_only is on)"
            else:
                await connection.execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError) as exc:
        log.warning("health check: database failed: %s", exc)
        return "unavailable"
    return "ok"


def health_router() -> APIRouter:
    """The health endpoint load balancers and operators poll."""
    router = APIRouter()

    @router.get("/healthz", tags=["operations"])
    async def healthz(request: Request) -> JSONResponse:
        runtime: Runtime = request.app.state.runtime
        settings = runtime.settings
        checks: dict[str, str] = {"database": await _database(runtime)}
        try:
            checks["disk"] = await asyncio.to_thread(
                disk_check, settings.database_url, settings.health_min_free_disk_mb
            )
        except OSError as exc:
            checks["disk"] = f"cannot be checked: {exc.strerror or exc}"
        if settings.redis_url is None:
            checks["redis"] = "not configured"
        else:
            try:
                await runtime.state.get("healthz")
                checks["redis"] = "ok"
            except SharedStateUnavailable as exc:
                log.warning("health check: redis failed: %s", exc)
                checks["redis"] = "unavailable"
        healthy = all(value in _FINE for value in checks.values())
        if not healthy:
            log.warning("health check failed: %s", checks)
        return JSONResponse(
            {"status": "ok" if healthy else "degraded", **checks},
            status_code=200 if healthy else 503,
        )

    return router
