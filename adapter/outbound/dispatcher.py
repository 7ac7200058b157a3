"""The outbox dispatcher: claims jobs, builds each callback once, signs and delivers it.

A round claims what capacity allows, builds the claimed jobs' callbacks
(``adapter/outbound/builder.py``: first attempts only; their bytes are kept, saved before
the attempt or, an on_search's, by its settlement, so every retry sends the same message),
starts one attempt per job (``adapter/outbound/delivery.py``:
sign, POST, judge the answer, retry with backoff within the ttl) and settles the attempts
that are done. Every attempt is recorded with its status, latency and the peer's answer,
and every sent message goes into the audit log.

Jobs are held on short leases renewed while they are being sent (``ONDC_JOB_LEASE_SECONDS``),
so a process killed mid-send loses nothing: its jobs are claimable again one lease later.
Each buyer app is isolated (``adapter/outbound/peers.py``): a few attempts at a time, a
breaker when it keeps failing, and a round does not wait for a slow peer's attempts: they
are settled by a later round while other peers' callbacks keep going out.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import uuid
from collections.abc import Callable, Coroutine
from datetime import datetime, timedelta
from typing import Any

import httpx

from adapter.coordination.wakeup import Wakeup
from adapter.core.b2b.ports import B2BDesk
from adapter.core.catalog_link import CatalogueLinks
from adapter.core.clock import Clock
from adapter.core.contract_table import default_table
from adapter.core.contracts import ContractTable
from adapter.core.replies import CatalogPort, OrderBook, OrderPolicy
from adapter.igm.book import IssueBook
from adapter.metrics import Metrics
from adapter.outbound.builder import CallbackBuilder
from adapter.outbound.client import CallbackClient, HttpxCallbacks
from adapter.outbound.delivery import Delivery, Release, backoff_delay
from adapter.outbound.in_flight import InFlight
from adapter.outbound.parsed_requests import ParsedRequests
from adapter.outbound.settling import Settler
from adapter.settings import Settings
from adapter.storage.outbox import Attempt, ClaimedJob, Outbox, Settlement
from adapter.storage.store import Store

__all__ = ["Dispatcher", "backoff_delay"]

log = logging.getLogger(__name__)

# How long a round waits for its attempts before settling those done and claiming more;
# the rest are settled by later rounds.
_ROUND_SECONDS = 0.5


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
        behind_seconds: float = 1.0,
        metrics: Metrics | None = None,
        contracts: ContractTable | None = None,
        on_settled: Callable[[int, int], None] | None = None,
        issues: IssueBook | None = None,
        b2b: B2BDesk | None = None,
        catalogue_links: CatalogueLinks | None = None,
        on_failed: Callable[[list[ClaimedJob]], Coroutine[Any, Any, None]] | None = None,
        parsed: ParsedRequests | None = None,
    ) -> None:
        self._outbox = outbox
        self._store = store
        if client is None:
            assert http is not None, "a callback client or an httpx client"
            client = HttpxCallbacks(http)
        self._clock = clock
        self._wakeup = wakeup
        self._lease = lease or timedelta(seconds=settings.job_lease_seconds)
        self._idle_poll = idle_poll_seconds
        self._poll_first = poll_first
        self._edge_load = edge_load
        self._busy_edge = busy_edge
        self._busy_pause = busy_pause_seconds
        self._behind_seconds = behind_seconds
        # The last round claimed a callback queued at least ``behind_seconds`` before.
        self._behind = False
        self._concurrency = concurrency
        self._builder = CallbackBuilder(
            settings=settings, contracts=contracts or default_table(), clock=clock,
            catalog=catalog, orders=orders, policy=policy, issues=issues, b2b=b2b,
            links=catalogue_links, parsed=parsed,
        )  # fmt: skip
        self._delivery = Delivery(
            settings=settings, client=client, clock=clock, concurrency=concurrency
        )
        self.worker = f"{socket.gethostname()}:{uuid.uuid4().hex[:8]}"
        # Told how many jobs left the queue and how many of them were delivered, for the
        # edge's admission control (adapter/network/admission.py); told of the jobs parked
        # unsent or undelivered (a held PO's decision is then sent again unsolicited:
        # adapter/b2b/po_decisions.py).
        self._settler = Settler(
            outbox, self.worker, metrics=metrics, on_settled=on_settled, on_failed=on_failed
        )
        self._in_flight: InFlight[Settlement | Release] = InFlight(
            outbox, worker=self.worker, lease=self._lease, clock=clock, what="outbox jobs"
        )
        # When the delivery loop last came round (the clock's monotonic seconds).
        self._came_round: float | None = None

    def running(self, within: float) -> bool:
        """Whether the delivery loop has come round in the last ``within`` seconds: it is
        running, not stopped or stuck in a call (an idle loop looks every second)."""
        came = self._came_round
        return came is not None and self._clock.monotonic() - came <= within

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until ``stop`` is set; a round in progress is finished first, so no
        database call is cut off halfway."""
        while not stop.is_set():
            self._came_round = self._clock.monotonic()
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
                        self._came_round = self._clock.monotonic()
                        await _first_of(self._wakeup.wait(self._idle_poll), stop.wait())
            elif (
                not self._behind
                and self._edge_load is not None
                and self._edge_load() >= self._busy_edge
            ):
                # This process's edge is saturated: requests are waiting for their ACK,
                # which buyer apps wait for on the spot, while a callback has the request's
                # ttl. Pause between rounds so the edge gets the CPU; a batch still goes
                # out every pause, and the backlog is worked off as soon as the edge eases.
                # Not once the callbacks fall behind (one queued a second ago or more): a
                # paused dispatcher sent 160 a second while its edge ACKed ten times as
                # many, until admission control shed every buyer app at once for seconds.
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
        (``None``: until every attempt is done), then settle the attempts that are done:
        in the background while the next round claims (``None``: before returning).

        Three writes per round at most, whatever its size: the claim, the built callbacks'
        bytes (none in a round of on_search answers only: their settlement keeps them), and
        the settlement of every finished attempt (with the audit rows of what was sent).
        """
        await self._in_flight.renew()
        now = self._clock.now()
        free = self._concurrency - len(self._in_flight)
        jobs = []
        if claim and free > 0:
            jobs = await self._outbox.claim(
                self.worker, now=now, lease_until=now + self._lease, limit=free
            )
        self._behind = bool(jobs) and (now - jobs[0].created_at).total_seconds() >= (
            self._behind_seconds
        )
        settlements = await self._start(jobs, now) if jobs else []
        await self._in_flight.wait(wait_seconds)
        done = self._in_flight.finished()
        releases: list[tuple[int, datetime]] = []
        for job_id, outcome in done:
            if isinstance(outcome, Release):
                at = self._clock.now() + timedelta(seconds=outcome.retry_in)
                releases.append((job_id, at))
            else:
                settlements.append(outcome)
        await self._settler.finished()
        if wait_seconds is None:
            await self._settler.settle(releases, settlements)
        elif releases or settlements:
            # Settled while the next round claims (adapter/outbound/settling.py).
            self._settler.start(releases, settlements)
        return len(jobs) or len(done)

    async def _start(self, jobs: list[ClaimedJob], now: datetime) -> list[Settlement]:
        """Build the claimed jobs' callbacks and start their attempts; the settlements of
        jobs that end without an attempt (expired, not buildable)."""
        for job in jobs:
            self._settler.jobs[job.id] = job
        settlements: list[Settlement] = []
        # A callback whose request's ttl has passed is parked unsent: the buyer app has
        # stopped waiting for it, and sending it would delay the ones still awaited (an
        # operator can still replay it).
        expired = [job for job in jobs if job.deadline_at < now]
        if expired:
            late = Attempt(now, None, None, "error", "the request's ttl passed before it was sent")
            settlements.extend(Settlement(job.id, late, "failed") for job in expired)
            jobs = [job for job in jobs if job.deadline_at >= now]
        builds = await self._builder.build(jobs, now)
        settlements.extend(builds.failed)
        settlements.extend(builds.deferred)
        settlements.extend(builds.later)
        await self._outbox.save_callbacks(builds.built, builds.more)
        self._settler.keep(builds.unsaved)
        for job, body, message_id in builds.ready:
            self._in_flight.start(job.id, self._delivery.send(job, body, message_id))
        return settlements


async def _first_of(*waits: Coroutine[Any, Any, Any]) -> None:
    """Wait until the first of ``waits`` is done; cancel the others."""
    tasks = [asyncio.ensure_future(wait) for wait in waits]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
