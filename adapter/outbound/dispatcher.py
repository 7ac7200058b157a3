"""The outbox dispatcher: claims jobs, builds each callback once, signs and delivers it.

For a job: build the reply (first attempt only; its bytes are kept, so every retry sends
the same message), sign exactly those bytes, POST them to ``{bap_uri}/on_{action}`` once
the URL passes the outbound guard (``adapter/outbound/destination.py``), and read the
answer streaming, capped and under one deadline, through the callback client
(``adapter/outbound/client.py``). An ACK
settles the job; a NACK parks it (the peer refused the message, resending it would not
help); a network failure, timeout, 5xx or 429 is retried with exponential backoff and full
jitter until the request's ttl is spent, then parked. Every attempt is recorded with its
status, latency and the peer's answer, and every sent message goes into the audit log.

Jobs are held on short leases renewed while they are being sent (``ONDC_JOB_LEASE_SECONDS``),
so a process killed mid-send loses nothing: its jobs are claimable again one lease later.
Each buyer app is isolated (``adapter/outbound/peers.py``): a few attempts at a time, a
breaker when it keeps failing, and a round does not wait for a slow peer's attempts: they
are settled by a later round while other peers' callbacks keep going out.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import random
import socket
import uuid
from collections.abc import Callable, Coroutine
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson
import pydantic

import schemas
from adapter.catalog.shared_answers import RoundCatalog
from adapter.coordination.wakeup import Wakeup
from adapter.core.b2b.po_review import Deferred
from adapter.core.b2b.ports import B2BDesk
from adapter.core.catalog_split import split_on_search
from adapter.core.clock import Clock
from adapter.core.context_rules import ContextError
from adapter.core.contract_table import default_table
from adapter.core.contracts import ContractTable
from adapter.core.replies import CatalogPort, Identity, OrderBook, OrderPolicy
from adapter.igm.book import IssueBook
from adapter.metrics import Metrics
from adapter.outbound.answer import OutboundError
from adapter.outbound.client import CallbackClient, HttpxCallbacks
from adapter.outbound.destination import Destinations, UnsafeDestination
from adapter.outbound.in_flight import InFlight
from adapter.outbound.peers import PeerBusy, PeerGate
from adapter.settings import Settings
from adapter.storage.outbox import Attempt, ClaimedJob, Outbox, Settlement
from adapter.storage.store import Store

__all__ = ["Dispatcher", "backoff_delay"]

log = logging.getLogger(__name__)

# A Beckn ACK/NACK is a few hundred bytes; a larger answer is not one (and is not read).
_ACK_MAX_BYTES = 64 * 1024
# How long a round waits for its attempts before settling those done and claiming more;
# the rest are settled by later rounds.
_ROUND_SECONDS = 0.5


@dataclasses.dataclass(frozen=True, slots=True)
class _Release:
    """A job handed back unsent: its peer was busy or failing."""

    job_id: int
    retry_in: float


def backoff_delay(attempts: int, *, base: float = 0.25, cap: float = 8.0) -> float:
    """Seconds to wait before try ``attempts + 1``: exponential with full jitter."""
    return random.uniform(0, min(cap, base * 2**attempts))  # noqa: S311 - jitter, not secrecy


class Dispatcher:
    """One process's delivery loop over the shared outbox."""

    def __init__(
        self,
        *,
        settings: Settings,
        outbox: Outbox,
        store: Store,
        http: httpx.AsyncClient | None = None,
        client: CallbackClient | None = None,
        clock: Clock,
        wakeup: Wakeup,
        catalog: CatalogPort,
        orders: OrderBook,
        policy: OrderPolicy,
        concurrency: int = 32,
        lease: timedelta | None = None,
        idle_poll_seconds: float = 1.0,
        poll_first: bool = False,
        edge_load: Callable[[], int] | None = None,
        busy_edge: int = 8,
        busy_pause_seconds: float = 0.2,
        metrics: Metrics | None = None,
        contracts: ContractTable | None = None,
        on_settled: Callable[[int, int], None] | None = None,
        issues: IssueBook | None = None,
        b2b: B2BDesk | None = None,
    ) -> None:
        self._settings = settings
        self._b2b = b2b
        self._contracts = contracts or default_table()
        self._outbox = outbox
        self._store = store
        if client is None:
            assert http is not None, "a callback client or an httpx client"
            client = HttpxCallbacks(http)
        self._client = client
        self._clock = clock
        self._wakeup = wakeup
        self._catalog = catalog
        self._orders = orders
        self._policy = policy
        self._issues = issues
        self._metrics = metrics
        # Told how many jobs left the queue and how many of them were delivered, for the
        # edge's admission control (adapter/network/admission.py).
        self._on_settled = on_settled
        self._lease = lease or timedelta(seconds=settings.job_lease_seconds)
        self._jobs: dict[int, ClaimedJob] = {}
        self._destinations = Destinations(
            allow_http=settings.outbound_allow_http, allow_private=settings.outbound_allow_private
        )
        self._deadline = settings.outbound_deadline_seconds
        self._idle_poll = idle_poll_seconds
        self._poll_first = poll_first
        self._edge_load = edge_load
        self._busy_edge = busy_edge
        self._busy_pause = busy_pause_seconds
        self._slots = asyncio.Semaphore(concurrency)
        # Per buyer app (scheme, host and port): httpx's pool looks over every connection
        # and every waiting request on each request, so its CPU per callback grows with the
        # number in flight to one peer (a bare signed POST on loopback, measured: 0.74 ms
        # four at a time, 1.07 ms eight, 2.67 ms thirty-two). The gate also keeps a slow
        # or failing buyer app from holding capacity the others need.
        self._gate = PeerGate(per_peer=settings.callbacks_per_peer)
        # Builds may query the catalogue: a few at a time stay within the database pool
        # (a connection beyond it is opened and closed again for every query).
        self._building = asyncio.Semaphore(4)
        self._concurrency = concurrency
        self._identity = Identity(settings.subscriber_id, str(settings.subscriber_url))
        self.worker = f"{socket.gethostname()}:{uuid.uuid4().hex[:8]}"
        self._in_flight: InFlight[Settlement | _Release] = InFlight(
            outbox, worker=self.worker, lease=self._lease, clock=clock, what="outbox jobs"
        )

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until ``stop`` is set; a round in progress is finished first, so no
        database call is cut off halfway."""
        while not stop.is_set():
            try:
                handled = await self._round(wait_seconds=_ROUND_SECONDS)
            except Exception:  # the loop must outlive a database hiccup; logged, retried
                log.exception("outbox dispatcher iteration failed; retrying")
                handled = 0
            if not handled and self._in_flight:
                # Attempts still running (a slow peer): settle them soon, renew their leases.
                await _first_of(asyncio.sleep(_ROUND_SECONDS), stop.wait())
            elif not handled:
                await _first_of(self._wakeup.wait(self._idle_poll), stop.wait())
                if self._poll_first:
                    # Nothing wakes this process when another one queues a job: look before
                    # claiming, so an idle poll takes no write lock.
                    while not stop.is_set() and not await self._due():
                        await _first_of(self._wakeup.wait(self._idle_poll), stop.wait())
            elif self._edge_load is not None and self._edge_load() >= self._busy_edge:
                # This process's edge is saturated: requests are waiting for their ACK,
                # which buyer apps wait for on the spot, while a callback has the request's
                # ttl. Pause between rounds so the edge gets the CPU; a batch still goes
                # out every pause, and the backlog is worked off as soon as the edge eases.
                await _first_of(asyncio.sleep(self._busy_pause), stop.wait())
        # Attempts still running end within their deadline; settle them before leaving.
        with contextlib.suppress(Exception):
            await self._round(wait_seconds=None, claim=False)

    async def _due(self) -> bool:
        try:
            return await self._outbox.any_due(self._clock.now())
        except Exception:  # a database hiccup: claim anyway, which reports it
            log.exception("could not look for due outbox jobs")
            return True

    async def run_once(self) -> int:
        """Claim the due jobs, deliver them concurrently and settle every attempt; the
        number of jobs handled."""
        return await self._round(wait_seconds=None)

    async def _round(self, *, wait_seconds: float | None, claim: bool = True) -> int:
        """Claim what capacity allows, start its attempts, wait up to ``wait_seconds``
        (``None``: until every attempt is done), then settle the attempts that are done.

        Three writes per round, whatever its size: the claim, the built callbacks' bytes,
        and the settlement of every finished attempt (with the audit rows of what was sent).
        """
        await self._in_flight.renew()
        now = self._clock.now()
        free = self._concurrency - len(self._in_flight)
        jobs = []
        if claim and free > 0:
            jobs = await self._outbox.claim(
                self.worker, now=now, lease_until=now + self._lease, limit=free
            )
        settlements = await self._start(jobs, now) if jobs else []
        await self._in_flight.wait(wait_seconds)
        done = self._in_flight.finished()
        releases: list[tuple[int, datetime]] = []
        for job_id, outcome in done:
            if isinstance(outcome, _Release):
                at = self._clock.now() + timedelta(seconds=outcome.retry_in)
                releases.append((job_id, at))
            else:
                settlements.append(outcome)
        await self._outbox.queue.release(self.worker, releases)
        if not settlements:
            return len(jobs)
        kept = await self._outbox.settle_many(self.worker, settlements)
        if self._metrics is not None:
            self._metrics.settled(self._jobs.values(), settlements)
        if self._on_settled is not None:
            ended = [s.status for s in settlements if s.status != "pending"]
            self._on_settled(len(ended), ended.count("delivered"))
        for settlement, held in zip(settlements, kept, strict=True):
            self._jobs.pop(settlement.job_id, None)
            if not held:
                log.warning("outbox job %d: lease lost before settling", settlement.job_id)
        for job_id, _ in releases:
            self._jobs.pop(job_id, None)
        return len(jobs) or len(done)

    async def _start(self, jobs: list[ClaimedJob], now: datetime) -> list[Settlement]:
        """Build the claimed jobs' callbacks and start their attempts; the settlements of
        jobs that end without an attempt (expired, not buildable)."""
        for job in jobs:
            self._jobs[job.id] = job
        ready: list[tuple[ClaimedJob, bytes, str | None]] = []
        built: list[tuple[int, bytes, str | None]] = []
        more: list[dict[str, Any]] = []
        settlements: list[Settlement] = []
        # A callback whose request's ttl has passed is parked unsent: the buyer app has
        # stopped waiting for it, and sending it would delay the ones still awaited (an
        # operator can still replay it).
        expired = [job for job in jobs if job.deadline_at < now]
        if expired:
            late = Attempt(now, None, None, "error", "the request's ttl passed before it was sent")
            settlements.extend(Settlement(job.id, late, "failed") for job in expired)
            jobs = [job for job in jobs if job.deadline_at >= now]
        # First attempts are built a few at a time: a reply may read the catalogue, and one
        # query after another would make the whole batch wait on each in turn. Searches of
        # this round that ask the same thing share one catalogue query (RoundCatalog).
        fresh = [job for job in jobs if job.callback_body is None]
        catalog = RoundCatalog(self._catalog)
        built_now = await asyncio.gather(*(self._try_build(job, catalog) for job in fresh))
        builds = {job.id: outcome for job, outcome in zip(fresh, built_now, strict=True)}
        for job in jobs:
            if job.callback_body is not None:
                ready.append((job, job.callback_body, job.callback_message_id))
                continue
            outcome = builds[job.id]
            if isinstance(outcome, Deferred):
                # Not a failed try: the answer waits for an event (a seller's decision).
                later = Attempt(self._clock.now(), None, None, "deferred", outcome.reason)
                settlements.append(
                    Settlement(job.id, later, "pending", next_attempt_at=outcome.until)
                )
                continue
            if isinstance(outcome, Exception):
                problem = f"could not build the callback: {outcome}"
                attempt = Attempt(self._clock.now(), None, None, "error", problem)
                settlements.append(Settlement(job.id, attempt, "failed"))
                continue
            body, message_id = outcome
            if job.action == "on_search":
                body, *rest = split_on_search(body, self._settings.on_search_max_bytes)
                more.extend(
                    Outbox.unsolicited_row(
                        action=job.action,
                        target_url=job.target_url,
                        transaction_id=job.transaction_id,
                        payload=orjson.loads(part),
                        now=now,
                        deadline_at=job.deadline_at,
                    )
                    for part in rest
                )
            built.append((job.id, body, message_id))
            ready.append((job, body, message_id))
        await self._outbox.save_callbacks(built, more)
        for job, body, message_id in ready:
            self._in_flight.start(job.id, self._send(job, body, message_id))
        return settlements

    async def _try_build(
        self, job: ClaimedJob, catalog: CatalogPort
    ) -> tuple[bytes, str | None] | Exception:
        """:meth:`_build`, or the reason the callback cannot be built (the job is parked):
        a stored request that no longer parses, or whose version is no longer served."""
        try:
            async with self._building:
                return await self._build(job, catalog)
        except (pydantic.ValidationError, KeyError, ValueError, ContextError, Deferred) as exc:
            return exc

    async def _build(self, job: ClaimedJob, catalog: CatalogPort) -> tuple[bytes, str | None]:
        if job.kind == "unsolicited":
            body = orjson.dumps(job.payload)
            message_id = job.payload.get("context", {}).get("message_id")
            return body, message_id
        assert job.inbound_body is not None
        contract, request = self._contracts.parse_request(
            job.action.removeprefix("on_"), job.inbound_body
        )
        reply = await contract.replies[request.context.action](
            request,
            identity=self._identity,
            now=self._clock.now(),
            catalog=catalog,
            orders=self._orders,
            policy=self._policy,
            issues=self._issues,
            b2b=self._b2b,
        )
        return schemas.dump(reply), reply.context.message_id

    async def _send(
        self, job: ClaimedJob, body: bytes, message_id: str | None
    ) -> Settlement | _Release:
        """One attempt: check the URL, sign these exact bytes, POST them, judge the answer."""
        try:
            if self._client.checks_addresses:
                self._destinations.check_form(job.target_url, query_allowed=False)
            else:
                await self._destinations.check(job.target_url, query_allowed=False)
        except UnsafeDestination as exc:
            log.warning("callback %s to %s refused: %s", job.action, job.target_url, exc)
            problem = f"callback URL refused: {exc}"
            return Settlement(job.id, Attempt(self._clock.now(), None, None, "error", problem),
                              "failed")  # fmt: skip
        peer = _peer(job.target_url)
        can_wait = (job.deadline_at - self._clock.now()).total_seconds()
        try:
            async with (
                self._slots,
                self._gate.slot(peer, self._clock.monotonic(), can_wait=can_wait),
            ):
                return await self._post(job, body, message_id, peer)
        except PeerBusy as busy:
            return _Release(job.id, busy.retry_in)

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


def _peer(url: str) -> str:
    """A buyer app, as its callbacks' scheme, host and port."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


async def _first_of(*waits: Coroutine[Any, Any, Any]) -> None:
    """Wait until the first of ``waits`` is done; cancel the others."""
    tasks = [asyncio.ensure_future(wait) for wait in waits]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


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
        "peer_id": urlsplit(job.target_url).hostname or "",
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
    try:
        answer = schemas.parse(schemas.AckResponse, content)
    except (pydantic.ValidationError, ValueError):
        return "error", f"HTTP {status}, body is not a Beckn ACK/NACK"
    if answer.is_ack and status < 300:
        return "ACK", None
    error = answer.error
    reason = f"{error.code}: {error.message}"[:300] if error is not None else "no error object"
    return "NACK", f"HTTP {status}, NACK {reason}"
