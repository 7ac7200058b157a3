"""One delivery attempt of a built callback: check its URL, sign its bytes, POST, judge.

An attempt checks the URL with the outbound guard (``adapter/outbound/destination.py``),
waits for a slot of its buyer app (``adapter/outbound/peers.py``), signs exactly the
bytes built for the job and POSTs them through the callback client
(``adapter/outbound/client.py``), reading the answer streaming, capped and under one
deadline. An ACK settles the job; a NACK parks it (the peer refused the message, resending
it would not help); a network failure, timeout, 5xx or 429 is retried with exponential
backoff and full jitter until the request's ttl is spent, then parked, as is an attempt
that failed in a way the client never should (a library's bug: logged with its
traceback). An attempt that reached its peer carries the audit-log row of what was sent.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import random
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import pydantic

import schemas
from adapter.core.clock import Clock
from adapter.outbound.answer import OutboundError
from adapter.outbound.client import CallbackClient
from adapter.outbound.destination import Destinations, UnsafeDestination
from adapter.outbound.peers import PeerBusy, PeerGate
from adapter.settings import Settings
from adapter.storage.outbox import Attempt, ClaimedJob, Settlement

__all__ = ["Delivery", "Release", "backoff_delay"]

log = logging.getLogger(__name__)

# A Beckn ACK/NACK is a few hundred bytes; a larger answer is not one (and is not read).
_ACK_MAX_BYTES = 64 * 1024
# The compact Beckn ACK, byte for byte (what this adapter's own edge answers, and many
# buyer apps): judged without a parse. Any other answer is parsed.
_COMPACT_ACK = b'{"message":{"ack":{"status":"ACK"}}}'
# At most this many callback URLs are remembered as well formed (then forgotten at once).
_FORMS_KEPT = 4096


@dataclasses.dataclass(frozen=True, slots=True)
class Release:
    """A job handed back unsent: its peer was busy or failing."""

    job_id: int
    retry_in: float


def backoff_delay(attempts: int, *, base: float = 0.25, cap: float = 8.0) -> float:
    """Seconds to wait before try ``attempts + 1``: exponential with full jitter."""
    return random.uniform(0, min(cap, base * 2**attempts))  # noqa: S311 - jitter, not secrecy


class Delivery:
    """Sends one attempt of a job at a time, within the process's and each peer's limits."""

    def __init__(
        self, *, settings: Settings, client: CallbackClient, clock: Clock, concurrency: int
    ) -> None:
        self._settings = settings
        self._client = client
        self._clock = clock
        self._destinations = Destinations(
            allow_http=settings.outbound_allow_http, allow_private=settings.outbound_allow_private
        )
        self._deadline = settings.outbound_deadline_seconds
        # The dispatcher claims no more jobs than it has attempts free, so this seldom
        # waits. It is the bound that holds when that count misses an attempt: a job
        # whose lease ran out while its attempt was still running can be claimed again,
        # and the dispatcher then tracks only the new attempt.
        self._slots = asyncio.Semaphore(concurrency)
        # Per buyer app (scheme, host and port): httpx's pool looks over every connection
        # and every waiting request on each request, so its CPU per callback grows with the
        # number in flight to one peer (a bare signed POST on loopback, measured: 0.74 ms
        # four at a time, 1.07 ms eight, 2.67 ms thirty-two). The gate also keeps a slow
        # or failing buyer app from holding capacity the others need.
        self._gate = PeerGate(per_peer=settings.callbacks_per_peer)
        # The callback URLs whose form passed the guard. The form is the URL's alone (no
        # DNS: the client checks addresses as it connects), and a buyer app's callbacks go
        # to a few URLs, so each is checked once, not on every attempt; a URL refused is
        # refused every time.
        self._form_passed: set[str] = set()

    def _check_form(self, url: str) -> None:
        if url in self._form_passed:
            return
        self._destinations.check_form(url, query_allowed=False)
        if len(self._form_passed) >= _FORMS_KEPT:
            self._form_passed.clear()
        self._form_passed.add(url)

    async def send(
        self, job: ClaimedJob, body: bytes, message_id: str | None
    ) -> Settlement | Release:
        """One attempt: check the URL, sign these exact bytes, POST them, judge the answer."""
        try:
            if self._client.checks_addresses:
                self._check_form(job.target_url)
            else:
                await self._destinations.check(job.target_url, query_allowed=False)
        except UnsafeDestination as exc:
            log.warning("callback %s to %s refused: %s", job.action, job.target_url, exc)
            problem = f"callback URL refused: {exc}"
            return Settlement(job.id, Attempt(self._clock.now(), None, None, "error", problem),
                              "failed")  # fmt: skip
        peer = peer_of(job.target_url)
        can_wait = (job.deadline_at - self._clock.now()).total_seconds()
        async with self._slots:
            try:
                leave = await self._gate.enter(peer, self._clock.monotonic(), can_wait=can_wait)
            except PeerBusy as busy:
                return Release(job.id, busy.retry_in)
            try:
                return await self._post(job, body, message_id, peer)
            except Exception as exc:  # a client's bug, not the peer's: logged, tried again
                # Raised out of the attempt's task, it would fail the round that collects
                # it and lose the outcomes of the attempts collected with it.
                log.exception("callback %s to %s failed unexpectedly", job.action,
                              job.target_url)  # fmt: skip
                problem = f"{type(exc).__name__}: {exc}"[:300]
                failed = Attempt(self._clock.now(), None, None, "error", problem)
                return self._retry_or_park(job, failed)
            finally:
                leave()

    async def _post(
        self, job: ClaimedJob, body: bytes, message_id: str | None, peer: str
    ) -> Settlement:
        created = self._clock.timestamp()
        header = self._settings.signer.sign(
            body, created=created, expires=created + self._settings.signature_validity_seconds
        )
        headers = {"Content-Type": "application/json", "Authorization": header}
        attempted_at = self._clock.now()
        started = self._clock.monotonic()
        try:
            answer = await self._client.post(
                job.target_url, body, headers,
                max_bytes=_ACK_MAX_BYTES, deadline_seconds=self._deadline,
            )  # fmt: skip
        except UnsafeDestination as exc:
            # Refused by the client's own address check (an IP literal, or what the name
            # resolved to at connect time): parked like the check before the call.
            log.warning("callback %s to %s refused: %s", job.action, job.target_url, exc)
            problem = f"callback URL refused: {exc}"[:300]
            return Settlement(job.id, Attempt(attempted_at, None, None, "error", problem),
                              "failed")  # fmt: skip
        except OutboundError as exc:
            self._gate.failed(peer, self._clock.monotonic())
            latency = (self._clock.monotonic() - started) * 1000
            error = f"{type(exc).__name__}: {exc}"[:300]
            return self._retry_or_park(job, Attempt(attempted_at, None, latency, "error", error))
        latency = (self._clock.monotonic() - started) * 1000
        status = answer.status_code
        sent = _sent_row(job, body, headers, message_id, status, latency, self._clock.now())
        outcome, reason = _read_ack(status, answer.content)
        attempt = Attempt(attempted_at, status, latency, outcome, reason)
        if status >= 500 or status == 429:
            self._gate.failed(peer, self._clock.monotonic())
            return dataclasses.replace(self._retry_or_park(job, attempt), sent=sent)
        self._gate.succeeded(peer)
        if outcome == "ACK":
            return Settlement(job.id, attempt, "delivered", sent=sent)
        log.warning("callback %s to %s refused: %s", job.action, job.target_url, reason)
        return Settlement(job.id, attempt, "failed", sent=sent)

    def _retry_or_park(self, job: ClaimedJob, attempt: Attempt) -> Settlement:
        next_at = self._clock.now() + timedelta(seconds=backoff_delay(job.attempts))
        if next_at >= job.deadline_at:
            log.warning(
                "callback %s to %s parked after %d attempts: %s",
                job.action, job.target_url, job.attempts + 1, attempt.error,
            )  # fmt: skip
            return Settlement(job.id, attempt, "failed")
        return Settlement(job.id, attempt, "pending", next_attempt_at=next_at)


@lru_cache(maxsize=_FORMS_KEPT)
def peer_of(url: str) -> str:
    """A buyer app, as its callbacks' scheme, host and port."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@lru_cache(maxsize=_FORMS_KEPT)
def _host_of(url: str) -> str:
    return urlsplit(url).hostname or ""


def _sent_row(
    job: ClaimedJob,
    body: bytes,
    headers: dict[str, str],
    message_id: str | None,
    status: int,
    latency: float,
    now: datetime,
) -> dict[str, Any]:
    """The audit-log row of a callback that reached its peer."""
    return {
        "direction": "out",
        "action": job.action,
        "peer_id": _host_of(job.target_url),
        "transaction_id": job.transaction_id,
        "message_id": message_id,
        "received_at": now,
        "headers": headers,
        "body": body,
        "verification": "signed",
        "http_status": status,
        "duration_ms": latency,
        "error": None,
    }


def _read_ack(status: int, content: bytes) -> tuple[str, str | None]:
    """``("ACK", None)``, ``("NACK", reason)`` or ``("error", reason)`` from a peer's answer."""
    if status < 300 and content == _COMPACT_ACK:
        return "ACK", None
    try:
        answer = schemas.parse(schemas.AckResponse, content)
    except (pydantic.ValidationError, ValueError):
        return "error", f"HTTP {status}, body is not a Beckn ACK/NACK"
    if answer.is_ack and status < 300:
        return "ACK", None
    error = answer.error
    reason = f"{error.code}: {error.message}"[:300] if error is not None else "no error object"
    return "NACK", f"HTTP {status}, NACK {reason}"
