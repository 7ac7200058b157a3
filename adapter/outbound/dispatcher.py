"""The outbox dispatcher: takes jobs, builds each callback once, signs and delivers it.

A round takes what capacity allows: first the jobs this process's edge handed over at
their commit, already leased to it (``adapter/outbound/handoff.py``; earliest deadline
first), then, for the capacity left, due jobs claimed from the store. It builds their
callbacks (``adapter/outbound/builder.py``: first attempts only), starts one attempt per
job (``adapter/outbound/delivery.py``: sign, POST, judge the answer, retry with backoff
within the ttl) and settles the attempts that are done. A callback's bytes are kept, so
every later try sends exactly them: a search's on_search (and an unsolicited callback)
with its job's settlement (the attempt, status, audit row and bytes in one transaction),
every other answer before it is sent (its build moved an order or a complaint on, and a
build again would answer from the new state); within the process a job handed back
unsent keeps its bytes too. Every attempt is recorded with its status, latency and the
peer's answer, and every sent message goes into the audit log.

When the edge hands its jobs over, a claim is made only when one may find something: when
a job is queued otherwise (a wake-up: a seller's event, a catalogue push, another
process's edge; looked for between busy rounds too), when one of this dispatcher's own
retries is due, and at least once per idle poll (``idle_poll_seconds``) for other
processes' retries and lapsed leases. On SQLite a claim that finds nothing is still a
write transaction.

Jobs are held on short leases renewed while they are being sent (``ONDC_JOB_LEASE_SECONDS``),
so a process killed mid-send loses nothing: its jobs are claimable again one lease later
(a search's on_search is then built again: its bytes were not saved before the attempt).
Each buyer app is isolated (``adapter/outbound/peers.py``): a few attempts at a time, a
breaker when it keeps failing, and a round does not wait for a slow peer's attempts: they
are settled by a later round while other peers' callbacks keep going out.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import heapq
import logging
import math
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
from adapter.outbound.handoff import Handoff, worker_name
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
# Callbacks built here and not saved yet (jobs handed back unsent keep theirs) kept at most.
_UNSAVED_KEPT = 4096


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
        catalogue_links: CatalogueLinks | None = None,
        on_failed: Callable[[list[ClaimedJob]], Coroutine[Any, Any, None]] | None = None,
        parsed: ParsedRequests | None = None,
        handoff: Handoff | None = None,
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
        self._concurrency = concurrency
        self._builder = CallbackBuilder(
            settings=settings, contracts=contracts or default_table(), clock=clock,
            catalog=catalog, orders=orders, policy=policy, issues=issues, b2b=b2b,
            links=catalogue_links, parsed=parsed,
        )  # fmt: skip
        self._delivery = Delivery(
            settings=settings, client=client, clock=clock, concurrency=concurrency
        )
        self.worker = handoff.worker if handoff is not None else worker_name()
        self._handoff = handoff
        # When to claim (with a hand-off): a wake-up asked for it, one of this dispatcher's
        # own retries is due (``_retries``, a heap of their times), or an idle poll has
        # passed since the last claim.
        self._claim_wanted = True
        self._claimed_at = -math.inf
        self._retries: list[datetime] = []
        # Callbacks built here whose bytes are saved with their settlement, by job id.
        self._unsaved: dict[int, tuple[bytes, str | None]] = {}
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

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until ``stop`` is set; a round in progress is finished first, so no
        database call is cut off halfway."""
        if self._handoff is not None:
            await self._run_handed(stop, self._handoff)
            return
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
            elif self._busy():
                await self._pause(stop)
        await self._last_round()

    async def _run_handed(self, stop: asyncio.Event, handoff: Handoff) -> None:
        """:meth:`run` beside this process's edge: rounds start with the jobs it hands over
        and claim only when a claim may find something."""
        claim = True
        while not stop.is_set():
            try:
                handled = await self._round(wait_seconds=_ROUND_SECONDS, claim=claim)
            except Exception:  # the loop must outlive a database hiccup; logged, retried
                log.exception("outbox dispatcher iteration failed; retrying")
                handled = 0
            if handled and self._busy():
                await self._pause(stop)
            if handled:
                claim = await self._wants_claim()
            else:
                # Idle, or attempts still running (a slow peer): then come back within a
                # round's time to settle them and renew their leases.
                once = bool(self._in_flight)
                claim = await self._next_work(stop, handoff, once=once)
        await self._last_round()

    def _busy(self) -> bool:
        return self._edge_load is not None and self._edge_load() >= self._busy_edge

    async def _pause(self, stop: asyncio.Event) -> None:
        # This process's edge is saturated: requests are waiting for their ACK, which
        # buyer apps wait for on the spot, while a callback has the request's ttl. Pause
        # between rounds so the edge gets the CPU; a batch still goes out every pause, and
        # the backlog is worked off as soon as the edge eases.
        await _first_of(asyncio.sleep(self._busy_pause), stop.wait())

    async def _last_round(self) -> None:
        """Settle the attempts still running (they end within their deadline) and let go
        of handed jobs not started, so another process can claim them at once."""
        with contextlib.suppress(Exception):
            await self._round(wait_seconds=None, claim=False)
        if self._handoff is not None:
            left = self._handoff.drop()
            with contextlib.suppress(Exception):
                now = self._clock.now()
                await self._outbox.queue.release(self.worker, [(job, now) for job in left])

    async def _wants_claim(self) -> bool:
        """Whether a round beside the edge should claim: a wake-up asked for it, one of
        this dispatcher's retries is due, or an idle poll has passed since the last claim
        (with ``poll_first``, only if the store has a job due: a read, no write lock)."""
        if self._retries and self._retries[0] <= self._clock.now():
            return True
        if self._wakeup.take():
            self._claim_wanted = True  # a job queued otherwise, while rounds kept busy
        if not self._claim_wanted and self._clock.monotonic() - self._claimed_at < self._idle_poll:
            return False
        if self._poll_first and not await self._due():
            self._claim_wanted, self._claimed_at = False, self._clock.monotonic()
            return False
        return True

    async def _next_work(self, stop: asyncio.Event, handoff: Handoff, *, once: bool) -> bool:
        """Wait for handed jobs or a claim worth making (``once``: for a round's time at
        most); whether the next round claims."""
        while not stop.is_set():
            claim = await self._wants_claim()
            if claim or handoff:
                return claim
            seconds = _ROUND_SECONDS if once else self._idle_poll
            if self._retries:
                until_retry = (self._retries[0] - self._clock.now()).total_seconds()
                seconds = max(0.0, min(seconds, until_retry))
            done = await _first_of(self._wakeup.wait(seconds), stop.wait(), handoff.wait())
            if 0 in done:
                self._claim_wanted = True  # a wake-up (or an idle poll's time)
            if once:
                return await self._wants_claim()
        return False

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
        """Take the handed jobs and claim what capacity allows, start their attempts, wait
        up to ``wait_seconds`` (``None``: until every attempt is done), then settle the
        attempts that are done: in the background while the next round claims
        (``None``: before returning).

        At most two writes per round, whatever its size: the claim (none when the handed
        jobs fill the round, or when no claim is called for), and the settlement of every
        finished attempt (with the audit rows of what was sent and the callbacks' bytes).
        """
        await self._in_flight.renew()
        now = self._clock.now()
        free = self._concurrency - len(self._in_flight)
        jobs: list[ClaimedJob] = []
        if self._handoff is not None:
            stale = self._handoff.stale()
            if stale:
                # Waited a third of their lease for capacity: their leases end now, and a
                # claim takes them in their turn (earliest deadline first).
                await self._outbox.queue.release(self.worker, [(job, now) for job in stale])
                self._claim_wanted = True
            if free > 0:
                jobs = self._handoff.take(free)
        if claim and free > len(jobs):
            limit = free - len(jobs)
            claimed = await self._outbox.claim(
                self.worker, now=now, lease_until=now + self._lease, limit=limit
            )
            # A full claim may have left due jobs behind: the next round claims again.
            self._claim_wanted = len(claimed) >= limit
            self._claimed_at = self._clock.monotonic()
            while not self._claim_wanted and self._retries and self._retries[0] <= now:
                heapq.heappop(self._retries)  # due, so this claim took it
            jobs.extend(self._built_before(job) for job in claimed)
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
        self._note_retries(releases, settlements)
        settlements = [self._with_bytes(settlement) for settlement in settlements]
        await self._settler.finished()
        if wait_seconds is None:
            await self._settler.settle(releases, settlements)
        elif releases or settlements:
            # Settled while the next round claims (adapter/outbound/settling.py).
            self._settler.start(releases, settlements)
        return len(jobs) or len(done)

    def _built_before(self, job: ClaimedJob) -> ClaimedJob:
        """A claimed job with the bytes this process built for it before, if it did (it
        was handed back unsent): every try sends the same message."""
        kept = self._unsaved.get(job.id) if job.callback_body is None else None
        if kept is None:
            return job
        return dataclasses.replace(job, callback_body=kept[0], callback_message_id=kept[1])

    def _with_bytes(self, settlement: Settlement) -> Settlement:
        """The settlement with its callback's bytes, if they were built here and not saved."""
        kept = self._unsaved.pop(settlement.job_id, None)
        return settlement if kept is None else dataclasses.replace(settlement, callback=kept)

    def _note_retries(
        self, releases: list[tuple[int, datetime]], settlements: list[Settlement]
    ) -> None:
        """Remember when this round's retries are due: a claim then."""
        if self._handoff is None:
            return  # every round claims
        for _, at in releases:
            heapq.heappush(self._retries, at)
        for settlement in settlements:
            if settlement.status == "pending" and settlement.next_attempt_at is not None:
                heapq.heappush(self._retries, settlement.next_attempt_at)

    async def _start(self, jobs: list[ClaimedJob], now: datetime) -> list[Settlement]:
        """Build the jobs' callbacks and start their attempts; the settlements of jobs
        that end without an attempt (expired, not buildable)."""
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
        # Saved with their settlement (same transaction): callbacks whose build changed
        # nothing, so that a process killed mid-send builds them again harmlessly (a
        # search's on_search, an unsolicited callback's stored payload). Saved now,
        # before they are sent: answers whose build moved an order or a complaint on (a
        # build again would answer from the new state), and a split on_search's first
        # part with the further parts it queues (a build again would queue them twice).
        later = {job.id for job, _, _ in builds.ready if _built_freely(job)}
        now_saved = builds.built
        if not builds.more:
            now_saved = [built for built in builds.built if built[0] not in later]
            if len(self._unsaved) + len(builds.built) > _UNSAVED_KEPT:
                self._unsaved.clear()  # jobs handed back and claimed elsewhere: rebuilt
            for job_id, body, message_id in builds.built:
                if job_id in later:
                    self._unsaved[job_id] = (body, message_id)
        if now_saved or builds.more:
            await self._outbox.save_callbacks(now_saved, builds.more)
            if builds.more:
                self._claim_wanted = True
        for job, body, message_id in builds.ready:
            self._in_flight.start(job.id, self._delivery.send(job, body, message_id))
        return settlements


def _built_freely(job: ClaimedJob) -> bool:
    """Whether building the job's callback changed nothing in the store: built again
    after a crash, it is the same answer (a search's on_search: from the catalogue as it
    is then) or the same bytes (an unsolicited callback's stored payload)."""
    return job.kind == "unsolicited" or job.action == "on_search"


async def _first_of(*waits: Coroutine[Any, Any, Any]) -> set[int]:
    """Wait until the first of ``waits`` is done; cancel the others. The positions of
    those done."""
    tasks = [asyncio.ensure_future(wait) for wait in waits]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return {n for n, task in enumerate(tasks) if task.done() and not task.cancelled()}
