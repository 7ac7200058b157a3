"""``/admin/v1``: what operators need when a callback is parked or a peer complains.

Authenticated with ``ONDC_ADMIN_API_KEY`` as a bearer token. Lists outbox jobs (``failed``
are the parked callbacks) with their delivery attempts, replays a parked one, and shows
every audited message of a transaction with its raw body.
"""

from __future__ import annotations

import base64
import secrets
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from adapter.runtime import Runtime
from adapter.storage.bounds import MAX_ROW_ID

__all__ = ["RowId", "admin_router", "require_operator"]

_bearer = HTTPBearer(auto_error=False)

RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="a row id (1 to 2^63 - 1)")]
"""A job, notification or credential id in a path: a number past the database's integer
is a 422 naming it, not a driver's overflow (a 500)."""


def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def require_operator(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    expected = _runtime(request).settings.admin_api_key.get_secret_value()
    if credentials is None or not secrets.compare_digest(
        credentials.credentials.encode(), expected.encode()
    ):
        raise HTTPException(
            status_code=401,
            detail="Authorization: Bearer <ONDC_ADMIN_API_KEY> is required",
            headers={"WWW-Authenticate": "Bearer"},
        )


def _json_row(row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in row.items():
        if isinstance(value, bytes):
            try:
                out[name] = value.decode("utf-8")
            except UnicodeDecodeError:
                out[f"{name}_base64"] = base64.b64encode(value).decode("ascii")
        elif isinstance(value, datetime):
            out[name] = value.isoformat()
        else:
            out[name] = value
    return out


def admin_router() -> APIRouter:
    """Operator endpoints under ``/admin/v1``."""
    router = APIRouter(
        prefix="/admin/v1", tags=["operations"], dependencies=[Depends(require_operator)]
    )

    @router.get("/outbox")
    async def list_jobs(
        request: Request,
        status: Annotated[
            Literal["pending", "delivered", "failed"] | None,
            Query(description="`failed` lists parked callbacks."),
        ] = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ) -> list[dict[str, Any]]:
        """Outbox jobs, newest first."""
        jobs = await _runtime(request).outbox.jobs(status=status, limit=limit)
        return [_json_row(job) for job in jobs]

    @router.get("/outbox/{job_id}/attempts")
    async def attempts(request: Request, job_id: RowId) -> list[dict[str, Any]]:
        """Every delivery attempt of one job: when, HTTP status, latency, the peer's answer."""
        return [_json_row(a) for a in await _runtime(request).outbox.attempts(job_id)]

    @router.post("/outbox/{job_id}/replay")
    async def replay(
        request: Request,
        job_id: RowId,
        window_seconds: Annotated[int, Query(ge=10, le=86_400)] = 300,
    ) -> dict[str, Any]:
        """Queue a parked callback again, to be tried for ``window_seconds``."""
        runtime = _runtime(request)
        now = runtime.clock.now()
        replayed = await runtime.outbox.replay(
            job_id, now=now, deadline_at=now + timedelta(seconds=window_seconds)
        )
        if not replayed:
            raise HTTPException(status_code=409, detail=f"job {job_id} is not parked (failed)")
        await runtime.wakeup.notify()
        return {"job_id": job_id, "status": "pending"}

    @router.get("/audit/{transaction_id}")
    async def audit(request: Request, transaction_id: str) -> list[dict[str, Any]]:
        """Every message of a transaction, in and out, with raw bodies and headers."""
        rows = await _runtime(request).store.messages_for_transaction(transaction_id)
        return [_json_row(row) for row in rows]

    return router
