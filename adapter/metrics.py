"""Prometheus metrics: requests and NACKs by code, callback outcomes and latency, orders by
state. Served at ``/metrics`` in Prometheus' text format, to loopback clients or to those
presenting ``ONDC_METRICS_TOKEN`` as a bearer token.

Each app has its own registry (several apps live in one test process); the orders gauge is
read from the store when scraped, so every adapter process reports the same figures.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any, Final

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import generate_latest
from prometheus_client.metrics import MetricWrapperBase
from pydantic import SecretStr

from adapter.storage.outbox import ClaimedJob, Settlement

__all__ = ["Metrics", "metrics_router"]


class Metrics:
    """This process's counters and histograms."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "ondc_requests",
            "Beckn requests received, by action",
            ["action"],
            registry=self.registry,
        )
        self.nacks = Counter(
            "ondc_nacks",
            "Requests answered with a NACK, by action and ONDC error code",
            ["action", "code"],
            registry=self.registry,
        )
        self.shed = Counter(
            "ondc_requests_shed",
            "Requests refused before their ACK because their callback could not be sent "
            "within their ttl (admission control), by action",
            ["action"],
            registry=self.registry,
        )
        self.callbacks = Counter(
            "ondc_callback_attempts",
            "Callback delivery attempts, by action and outcome (ACK, NACK, error)",
            ["action", "outcome"],
            registry=self.registry,
        )
        self.callback_latency = Histogram(
            "ondc_callback_latency_seconds",
            "Time for a buyer app to answer a callback",
            ["action"],
            registry=self.registry,
            buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
        )
        self.orders = Gauge(
            "ondc_orders", "Orders by ONDC order state", ["state"], registry=self.registry
        )
        # Each metric's child per label values, looked up once: ``labels`` takes a lock and
        # checks its values on every call, and an answered search counts three times.
        # The label values are closed sets (actions, outcomes).
        self._children: dict[tuple[Any, ...], Any] = {}

    def _labelled(self, metric: MetricWrapperBase, *values: str) -> Any:
        key = (id(metric), *values)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = metric.labels(*values)
        return child

    def received(self, action: str) -> None:
        """Count one Beckn request of ``action``."""
        self._labelled(self.requests, action).inc()

    def settled(self, jobs: Iterable[ClaimedJob], settlements: Iterable[Settlement]) -> None:
        """Count one dispatcher round's delivery attempts."""
        actions = {job.id: job.action for job in jobs}
        for settlement in settlements:
            action = actions.get(settlement.job_id, "unknown")
            attempt = settlement.attempt
            self._labelled(self.callbacks, action, attempt.outcome).inc()
            if attempt.latency_ms is not None:
                self._labelled(self.callback_latency, action).observe(attempt.latency_ms / 1000)


# Addresses that may scrape without a token when ONDC_METRICS_TOKEN is not set.
_LOOPBACK: Final = frozenset({"127.0.0.1", "::1"})


def _scraper_allowed(request: Request, token: SecretStr | None) -> bool:
    """With ``ONDC_METRICS_TOKEN``, a matching bearer token from anywhere; without it,
    loopback clients only (a Prometheus agent on the same host or a sidecar)."""
    if token is None:
        return request.client is not None and request.client.host in _LOOPBACK
    given = request.headers.get("authorization", "")
    expected = f"Bearer {token.get_secret_value()}"
    # Compared as bytes: Starlette decodes headers as Latin-1.
    return secrets.compare_digest(given.encode("latin-1"), expected.encode())


def metrics_router() -> APIRouter:
    """``GET /metrics``: to loopback clients, or to those with ``ONDC_METRICS_TOKEN``."""
    router = APIRouter(tags=["operations"])

    @router.get("/metrics", response_class=Response)
    async def metrics(request: Request) -> Response:
        """Prometheus text format."""
        runtime = request.app.state.runtime
        if not _scraper_allowed(request, runtime.settings.metrics_token):
            return JSONResponse(
                {"detail": "Authorization: Bearer <ONDC_METRICS_TOKEN> is required "
                 "(without the setting, /metrics answers loopback clients only)"},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )  # fmt: skip
        seen: Metrics = runtime.metrics
        seen.orders.clear()
        for state, count in await runtime.reports.orders_by_state():
            seen.orders.labels(state).set(count)
        return Response(generate_latest(seen.registry), media_type=CONTENT_TYPE_LATEST)

    return router
