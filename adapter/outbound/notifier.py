"""The seller notifier: delivers queued notifications to sellers' own systems.

Each round claims the due notifications (see ``adapter/storage/notifications.py``), POSTs
each body to its seller's endpoint with a fresh ``X-ODOP-Timestamp`` and
``X-ODOP-Signature`` (``adapter/core/seller_events.py`` says what is signed) and explicit
timeouts, then settles them all in one write:

- HTTP 2xx: delivered;
- HTTP 4xx other than 408 and 429: failed at once (the seller's system refused it; the
  same bytes would be refused again);
- anything else (no answer, a timeout, 408, 429, 3xx, 5xx): retried after an exponential
  delay with full jitter, until the notification has had its attempts
  (``ONDC_SELLER_WEBHOOK_MAX_ATTEMPTS``) or its deadline has passed
  (``ONDC_SELLER_WEBHOOK_DEADLINE_HOURS`` after it was queued), then failed.

Every attempt goes into the delivery log with its HTTP status, latency and error.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import uuid
from datetime import timedelta

import httpx
from sqlalchemy.exc import SQLAlchemyError

from adapter.core.clock import Clock
from adapter.core.seller_events import (
    DELIVERY_HEADER,
    EVENT_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    notification_body,
    sign_notification,
)
from adapter.outbound.dispatcher import backoff_delay
from adapter.storage.notifications import (
    ClaimedNotification,
    DeliveryAttempt,
    NotificationSettlement,
    SellerNotifications,
)

__all__ = ["SellerNotifier"]

log = logging.getLogger(__name__)


class SellerNotifier:
    """One process's delivery loop over the shared notification queue."""

    def __init__(
        self,
        *,
        notifications: SellerNotifications,
        http: httpx.AsyncClient,
        clock: Clock,
        max_attempts: int,
        concurrency: int = 16,
        lease: timedelta = timedelta(seconds=60),
        idle_poll_seconds: float = 1.0,
        backoff_base_seconds: float = 5.0,
        backoff_cap_seconds: float = 3600.0,
    ) -> None:
        self._notifications = notifications
        self._http = http
        self._clock = clock
        self._max_attempts = max_attempts
        self._concurrency = concurrency
        self._slots = asyncio.Semaphore(concurrency)
        # The lease outlasts the longest attempt (every timeout below, added up).
        self._lease = lease
        self._idle_poll = idle_poll_seconds
        self._base = backoff_base_seconds
        self._cap = backoff_cap_seconds
        self._timeout = httpx.Timeout(connect=3.0, read=10.0, write=5.0, pool=3.0)
        self.worker = f"{socket.gethostname()}:{uuid.uuid4().hex[:8]}"

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until ``stop`` is set; a round in progress is finished first, so no
        database call is cut off halfway."""
        while not stop.is_set():
            try:
                handled = await self.run_once()
            except SQLAlchemyError:
                log.exception("seller notification round failed; retrying")
                handled = 0
            if not handled:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self._idle_poll)

    async def run_once(self) -> int:
        """Claim the due notifications and deliver them concurrently; the number handled."""
        now = self._clock.now()
        claimed = await self._notifications.claim(
            self.worker, now=now, lease_until=now + self._lease, limit=self._concurrency
        )
        if not claimed:
            return 0
        settlements = await asyncio.gather(*(self._deliver(one) for one in claimed))
        kept = await self._notifications.settle(self.worker, settlements)
        for settlement, held in zip(settlements, kept, strict=True):
            if not held:
                log.warning(
                    "seller notification %d: lease lost before settling",
                    settlement.notification_id,
                )
        return len(claimed)

    async def _deliver(self, notification: ClaimedNotification) -> NotificationSettlement:
        """One attempt: sign the body at this instant, POST it, judge the answer."""
        if notification.url is None or notification.secret is None:
            return NotificationSettlement(
                notification.id,
                "skipped",
                None,
                error="the seller has no enabled notification endpoint",
            )
        body = notification_body(
            notification.event, notification.order_id, notification.created_at,
            notification.payload,
        )  # fmt: skip
        async with self._slots:
            timestamp = self._clock.timestamp()
            headers = {
                "Content-Type": "application/json",
                TIMESTAMP_HEADER: str(timestamp),
                SIGNATURE_HEADER: sign_notification(notification.secret, timestamp, body),
                EVENT_HEADER: notification.event,
                DELIVERY_HEADER: str(notification.id),
            }
            attempted_at = self._clock.now()
            started = self._clock.monotonic()
            try:
                response = await self._http.post(
                    notification.url, content=body, headers=headers, timeout=self._timeout
                )
            except httpx.HTTPError as exc:
                latency = (self._clock.monotonic() - started) * 1000
                error = f"{type(exc).__name__}: {exc}"
                attempt = DeliveryAttempt(attempted_at, None, latency, "error", error)
                return self._retry_or_fail(notification, attempt)
        latency = (self._clock.monotonic() - started) * 1000
        status = response.status_code
        if 200 <= status < 300:
            attempt = DeliveryAttempt(attempted_at, status, latency, "delivered")
            return NotificationSettlement(notification.id, "delivered", attempt)
        error = f"HTTP {status}: {response.text[:300]}".rstrip(": ")
        if 400 <= status < 500 and status not in (408, 429):
            log.warning(
                "seller %s refused notification %d (%s): HTTP %d",
                notification.seller_code, notification.id, notification.event, status,
            )  # fmt: skip
            attempt = DeliveryAttempt(attempted_at, status, latency, "refused", error)
            return NotificationSettlement(notification.id, "failed", attempt)
        attempt = DeliveryAttempt(attempted_at, status, latency, "error", error)
        return self._retry_or_fail(notification, attempt)

    def _retry_or_fail(
        self, notification: ClaimedNotification, attempt: DeliveryAttempt
    ) -> NotificationSettlement:
        made = notification.attempts + 1
        delay = backoff_delay(notification.attempts, base=self._base, cap=self._cap)
        next_at = self._clock.now() + timedelta(seconds=delay)
        if made < self._max_attempts and next_at < notification.deadline_at:
            return NotificationSettlement(notification.id, "pending", attempt, next_at)
        why = "attempts" if made >= self._max_attempts else "time (deadline passed)"
        log.warning(
            "seller %s notification %d (%s) failed after %d attempts: %s",
            notification.seller_code, notification.id, notification.event, made, attempt.error,
        )  # fmt: skip
        return NotificationSettlement(
            notification.id,
            "failed",
            attempt,
            error=f"gave up: out of {why} after {made} attempt(s); last: {attempt.error}",
        )
