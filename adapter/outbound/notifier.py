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

Every attempt goes into the delivery log with its HTTP status, latency and a short,
sanitised reason; the answer's body is never copied there (it is the seller's system's,
and when a URL points somewhere it should not, the body is what an attacker wants to read).

Each attempt passes the outbound URL guard (``adapter/outbound/destination.py``), reads at
most a few kilobytes of answer under one overall deadline (``adapter/outbound/answer.py``),
and is isolated per seller (``adapter/outbound/peers.py``): a seller whose system is slow
or down delays only its own notifications, since a round settles the attempts that are done
and leaves a slow one running (its lease renewed) instead of waiting for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import socket
import uuid
from datetime import datetime, timedelta

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
from adapter.outbound.answer import OutboundError, exchange
from adapter.outbound.destination import Destinations, UnsafeDestination
from adapter.outbound.dispatcher import backoff_delay
from adapter.outbound.in_flight import InFlight
from adapter.outbound.peers import PeerBusy, PeerGate
from adapter.storage.notifications import (
    ClaimedNotification,
    DeliveryAttempt,
    NotificationSettlement,
    SellerNotifications,
)

__all__ = ["SellerNotifier"]

log = logging.getLogger(__name__)

# The answer's status is what counts; its body is read only this far, then dropped.
_ANSWER_MAX_BYTES = 16 * 1024
_ROUND_SECONDS = 0.5
_UNPRINTABLE = re.compile(r"[^\x20-\x7e]")


def _reason(text: str) -> str:
    """A bounded, printable line for the seller-visible delivery log."""
    return _UNPRINTABLE.sub("?", text)[:200]


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
        lease: timedelta = timedelta(seconds=10),
        idle_poll_seconds: float = 1.0,
        backoff_base_seconds: float = 5.0,
        backoff_cap_seconds: float = 3600.0,
        destinations: Destinations | None = None,
        deadline_seconds: float = 10.0,
        per_seller: int = 4,
    ) -> None:
        self._notifications = notifications
        self._http = http
        self._clock = clock
        self._max_attempts = max_attempts
        self._concurrency = concurrency
        self._slots = asyncio.Semaphore(concurrency)
        # A short lease, renewed every third of it while attempts run: a notifier that dies
        # leaves its notifications to another process one lease later.
        self._lease = lease
        self._destinations = destinations or Destinations()
        self._deadline = deadline_seconds
        self._gate = PeerGate(per_peer=per_seller)
        self._idle_poll = idle_poll_seconds
        self._base = backoff_base_seconds
        self._cap = backoff_cap_seconds
        self._timeout = httpx.Timeout(connect=3.0, read=10.0, write=5.0, pool=3.0)
        self.worker = f"{socket.gethostname()}:{uuid.uuid4().hex[:8]}"
        self._in_flight: InFlight[NotificationSettlement | PeerBusy] = InFlight(
            notifications,
            worker=self.worker,
            lease=lease,
            clock=clock,
            what="seller notifications",
        )

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until ``stop`` is set; a round in progress is finished first, so no
        database call is cut off halfway."""
        while not stop.is_set():
            try:
                handled = await self._round(wait_seconds=_ROUND_SECONDS)
            except Exception:  # must outlive a database hiccup; logged, retried
                log.exception("seller notification round failed; retrying")
                handled = 0
            if not handled:
                wait = _ROUND_SECONDS if self._in_flight else self._idle_poll
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), wait)
        with contextlib.suppress(SQLAlchemyError):
            await self._round(wait_seconds=None, claim=False)

    async def run_once(self) -> int:
        """Claim the due notifications, deliver them concurrently and settle every
        attempt; the number handled."""
        return await self._round(wait_seconds=None)

    async def _round(self, *, wait_seconds: float | None, claim: bool = True) -> int:
        await self._in_flight.renew()
        now = self._clock.now()
        free = self._concurrency - len(self._in_flight)
        claimed = []
        if claim and free > 0:
            claimed = await self._notifications.claim(
                self.worker, now=now, lease_until=now + self._lease, limit=free
            )
        for one in claimed:
            self._in_flight.start(one.id, self._deliver(one))
        await self._in_flight.wait(wait_seconds)
        done = self._in_flight.finished()
        settlements: list[NotificationSettlement] = []
        later: list[tuple[int, datetime]] = []
        for key, outcome in done:
            if isinstance(outcome, PeerBusy):
                later.append((key, self._clock.now() + timedelta(seconds=outcome.retry_in)))
            else:
                settlements.append(outcome)
        await self._notifications.queue.release(self.worker, later)
        if settlements:
            kept = await self._notifications.settle(self.worker, settlements)
            for settlement, held in zip(settlements, kept, strict=True):
                if not held:
                    log.warning(
                        "seller notification %d: lease lost before settling",
                        settlement.notification_id,
                    )
        return len(claimed) or len(done)

    async def _deliver(
        self, notification: ClaimedNotification
    ) -> NotificationSettlement | PeerBusy:
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
        try:
            await self._destinations.check(notification.url)
        except UnsafeDestination as exc:
            attempt = DeliveryAttempt(
                self._clock.now(), None, None, "refused", _reason(f"endpoint refused: {exc}")
            )
            return NotificationSettlement(notification.id, "failed", attempt)
        seller = notification.seller_code
        can_wait = (notification.deadline_at - self._clock.now()).total_seconds()
        try:
            async with (
                self._slots,
                self._gate.slot(seller, self._clock.monotonic(), can_wait=can_wait),
            ):
                return await self._post(notification, notification.url, notification.secret,
                                        body)  # fmt: skip
        except PeerBusy as busy:
            return busy

    async def _post(
        self, notification: ClaimedNotification, url: str, secret: str, body: bytes
    ) -> NotificationSettlement:
        seller = notification.seller_code
        timestamp = self._clock.timestamp()
        headers = {
            "Content-Type": "application/json",
            TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: sign_notification(secret, timestamp, body),
            EVENT_HEADER: notification.event,
            DELIVERY_HEADER: str(notification.id),
        }
        attempted_at = self._clock.now()
        started = self._clock.monotonic()
        try:
            answer = await exchange(
                self._http, "POST", url, content=body, headers=headers,
                max_bytes=_ANSWER_MAX_BYTES, deadline_seconds=self._deadline,
                phases=self._timeout,
            )  # fmt: skip
        except (httpx.HTTPError, OutboundError) as exc:
            self._gate.failed(seller, self._clock.monotonic())
            latency = (self._clock.monotonic() - started) * 1000
            error = _reason(f"{type(exc).__name__}: {exc}")
            attempt = DeliveryAttempt(attempted_at, None, latency, "error", error)
            return self._retry_or_fail(notification, attempt)
        except Exception as exc:  # the client's bug, not the seller's: logged, tried again
            # Raised out of the attempt's task, it would fail the round that collects it
            # and lose the outcomes of the attempts collected with it.
            log.exception("seller notification %d failed unexpectedly", notification.id)
            error = _reason(f"{type(exc).__name__}: {exc}")
            attempt = DeliveryAttempt(attempted_at, None, None, "error", error)
            return self._retry_or_fail(notification, attempt)
        latency = (self._clock.monotonic() - started) * 1000
        status = answer.status_code
        if 200 <= status < 300:
            self._gate.succeeded(seller)
            attempt = DeliveryAttempt(attempted_at, status, latency, "delivered")
            return NotificationSettlement(notification.id, "delivered", attempt)
        error = f"HTTP {status}"
        if 400 <= status < 500 and status not in (408, 429):
            self._gate.succeeded(seller)
            log.warning(
                "seller %s refused notification %d (%s): HTTP %d",
                seller, notification.id, notification.event, status,
            )  # fmt: skip
            attempt = DeliveryAttempt(attempted_at, status, latency, "refused", error)
            return NotificationSettlement(notification.id, "failed", attempt)
        self._gate.failed(seller, self._clock.monotonic())
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
