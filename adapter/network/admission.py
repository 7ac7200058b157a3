"""Admission control: ACK only what the dispatchers can answer within the request's ttl.

An ACK promises a signed callback before the request's ttl runs out. Before a request
with a callback is ACKed, the edge estimates how long its callback would wait: the
callbacks already promised and not yet settled (the *backlog*) over the rate at which the
deployment's dispatchers have been delivering them. A request whose estimated wait is
more than its share of the time it has left is refused with a NACK (ONDC 31001, HTTP 503)
and a ``Retry-After`` saying when the backlog will have drained far enough, so the buyer
app can retry here later or elsewhere now, instead of waiting for an answer that never
comes.

Order and post-order actions get the larger share of their ttl
(``ONDC_ADMISSION_ORDER_SHARE``), searches the smaller (``ONDC_ADMISSION_SEARCH_SHARE``):
when the two compete, searches are shed at a lower backlog, and the room between the two
thresholds is kept for checkouts and orders already placed.

The figures are shared by every process of a deployment through the shared state (Redis,
or in process without it):

- ``admission:backlog``: callbacks queued and not settled. Each edge adds what it ACKs,
  each dispatcher takes off what it settles (delivered or given up), both in batches every
  ``_FLUSH_SECONDS``; every ``_RECONCILE_SECONDS`` a process sets it to the outbox's own
  count of pending jobs, so jobs queued elsewhere (catalogue pushes, seller events, a
  split on_search) and counts lost with a killed process are corrected within a second.
- ``admission:delivered:<second>``: callbacks delivered in each second; the rate is their
  mean over those of the last ``_RATE_WINDOW_SECONDS`` whole seconds in which any was
  delivered, never taken below
  ``ONDC_ADMISSION_MIN_RATE`` (an idle deployment has delivered nothing lately, which says
  nothing of what it could).
- ``admission:capacity``: the pace the dispatchers kept when they were last *saturated*:
  the mean of the whole seconds in which the backlog held at least half a second's
  deliveries both when the second began and when it ended (they never ran short of work,
  so the count is what they can do, not what was asked of them). A quiet spell or a light
  load says nothing of it, and it is not forgotten then (it lives an hour past its last
  measurement): the rate is never taken below it while the dispatchers are seen working
  (a delivery in the rate window, in the current second, or by this process since the
  last refresh; or a delivery loop that reported itself running in the last few seconds,
  ``admission:dispatching``). Without it a burst after a quiet spell or a light load was
  measured against the pace of the demand before it, and shed though the dispatchers
  could have answered it: in the bench, the first seconds of every burst, at twenty to a
  few hundred a second against some 1,500.
- ``admission:drain``: the best saturated second of the last hour, the pace at which a
  backlog drains once the edge sheds and leaves the CPU to the dispatchers. A refusal's
  ``Retry-After`` is reckoned at it; the decision to refuse stays with the rate.

The floor is for a deployment with nothing to send, never for one that has work and does
not send it: when callbacks have been *due* (pending, their next attempt not in the
future) at every reconciliation for ``_RATE_WINDOW_SECONDS`` and none was delivered in
that time, the dispatchers are stalled (stopped, starved of CPU, cut off from the
database) and every request with a callback is refused until one is delivered again or
nothing is due; an edge that kept ACKing at the floor's rate would promise callbacks no
process is sending.

Every request with a callback is checked twice: as soon as its body is read (so that
under overload a request is shed before the cost of its signature and parsing), and with
its own ttl once verified and parsed. The first check judges the request as the second
will: by the ttl and timestamp its context claims, read from the bytes without parsing
them (the usual 30 s when they cannot be read), and counting the requests that passed it
and are not yet decided as if they were queued already. Nothing unverified is trusted to
ACK: a claim can only get its own request refused early, and the second check decides.

A check reads this process's latest snapshot of the figures, plus what it has queued
itself since, so it costs no round trip; :meth:`AdmissionControl.run` refreshes the
snapshot in the background.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import math
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Final

import schemas
from adapter.coordination.port import SharedState
from adapter.core.clock import Clock
from adapter.core.context_rules import parse_duration
from adapter.core.errors import Overloaded, SharedStateUnavailable

__all__ = [
    "AdmissionControl",
    "AdmissionPolicy",
    "claimed_time_left",
    "estimated_wait",
    "refusal_delay",
]

log = logging.getLogger(__name__)

_BACKLOG: Final = "admission:backlog"
_DELIVERED: Final = "admission:delivered:"
_CAPACITY: Final = "admission:capacity"
# The best saturated second's deliveries in the last hour: how fast a backlog drains once
# the edge sheds (the pace a Retry-After is reckoned at).
_DRAIN: Final = "admission:drain"
# The latest second (Unix time) in which a process saw its delivery loop running, set at
# every reconciliation; older than a few seconds, no loop is known to run.
_DISPATCHING: Final = "admission:dispatching"
_DISPATCHING_SECONDS: Final = 3
# How long a measured capacity is trusted after its last measurement.
_CAPACITY_TTL: Final = 3600.0
# How long the shared backlog outlives its last change (it is set again every second).
_BACKLOG_TTL: Final = 86_400.0
_RATE_WINDOW_SECONDS: Final = 5
_FLUSH_SECONDS: Final = 0.1
_RECONCILE_SECONDS: Final = 1.0
_LONGEST_RETRY_AFTER: Final = 120
# The ttl buyer apps send on almost every request (ONDC retail 1.2: PT30S).
_USUAL_TTL_SECONDS: Final = 30.0
# Searches, and the catalogue's incremental pulls, which arrive as searches.
_SEARCH_ACTIONS: Final = frozenset({"search"})
# The context's ttl and timestamp as the (unverified) bytes claim them: the first of each
# after the context's opening brace (the context's own fields are flat strings).
_CONTEXT: Final = re.compile(rb'"context"\s*:\s*\{')
_TTL: Final = re.compile(rb'"ttl"\s*:\s*"([^"\\]{1,32})"')
_TIMESTAMP: Final = re.compile(rb'"timestamp"\s*:\s*"([^"\\]{1,64})"')


@dataclass(frozen=True, slots=True)
class AdmissionPolicy:
    """How much of its ttl a request's callback may spend waiting, by kind of action."""

    search_share: float = 0.3
    order_share: float = 0.6
    min_rate: float = 20.0
    # The longest Retry-After a refusal advises: shorter than the HTTP server keeps an idle
    # connection open (ONDC_HTTP_KEEP_ALIVE_SECONDS), so a retry on the kept connection
    # never races its close.
    longest_retry_after: int = _LONGEST_RETRY_AFTER

    def share(self, action: str) -> float:
        """The fraction of its remaining ttl a request of ``action`` may wait."""
        return self.search_share if action in _SEARCH_ACTIONS else self.order_share


def claimed_time_left(body: bytes, now: datetime) -> float:
    """The seconds of ttl a request's body claims to have left at ``now``
    (``context.timestamp`` + ``context.ttl``), read from the bytes before they are verified
    or parsed; the usual ttl (30 s) when either cannot be read. A claim only guides the
    check made before verification: the one that decides uses the verified context."""
    context = _CONTEXT.search(body)
    if context is None:
        return _USUAL_TTL_SECONDS
    start = context.end()
    ttl = _TTL.search(body, start)
    timestamp = _TIMESTAMP.search(body, start)
    if ttl is None or timestamp is None:
        return _USUAL_TTL_SECONDS
    try:
        deadline = schemas.parse_timestamp(timestamp[1].decode()) + parse_duration(ttl[1].decode())
    except (ValueError, OverflowError, UnicodeDecodeError):
        return _USUAL_TTL_SECONDS
    return (deadline - now).total_seconds()


def estimated_wait(backlog: int, rate: float) -> float:
    """Seconds until a callback queued behind ``backlog`` others has been sent, at
    ``rate`` callbacks a second."""
    return (max(0, backlog) + 1) / rate


def refusal_delay(
    *, backlog: int, rate: float, time_left: float, share: float,
    longest: int = _LONGEST_RETRY_AFTER, drain: float = 0.0,
) -> int | None:  # fmt: skip
    """``None`` when a request with ``time_left`` seconds of ttl may be ACKed (its
    estimated wait at ``rate`` is within ``share`` of that time); otherwise the whole
    seconds after which the backlog, drained at ``drain`` callbacks a second (``rate``
    when that is higher), would admit a request like it (1 to ``longest``)."""
    wait = estimated_wait(backlog, rate)
    allowed = share * time_left
    if wait <= allowed:
        return None
    late = wait - max(0.0, allowed)
    if drain > rate:  # the callbacks to be sent first, at the faster pace
        late = late * rate / drain
    return max(1, min(longest, math.ceil(late)))


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The deployment's figures as last read: backlog and delivery rate (per second)."""

    backlog: int
    rate: float
    # Callbacks were due throughout the rate window and none was delivered.
    stalled: bool = False
    # The best pace the dispatchers were seen to keep lately (0: none seen).
    drain: float = 0.0


class AdmissionControl:
    """One process's view of the deployment's callback backlog, and its admission check.

    ``pending`` counts the outbox's pending jobs (the reconciliation, a database read).
    """

    def __init__(
        self,
        state: SharedState,
        clock: Clock,
        policy: AdmissionPolicy,
        *,
        pending: Callable[[], Awaitable[int]],
        due: Callable[[], Awaitable[int]] | None = None,
        dispatching: Callable[[], bool] | None = None,
        enabled: bool = True,
    ) -> None:
        self._state = state
        self._clock = clock
        self.policy = policy
        self._pending = pending
        self._due = due
        # Whether this process's delivery loop is running (a process without one: None).
        self._dispatching = dispatching
        # Since when (monotonic) callbacks have been due at every reconciliation.
        self._due_since: float | None = None
        # Reconciliations in a row that found callbacks due, none delivered meanwhile.
        self._due_rounds = 0
        self._enabled = enabled
        self._snapshot = Snapshot(0, policy.min_rate)
        # The dispatchers' pace when last saturated (``admission:capacity``), 0 when unknown;
        # the backlog this process saw first in each recent second, to judge which seconds
        # were saturated.
        self._capacity = 0.0
        self._backlog_at: dict[int, int] = {}
        # Counted here, not yet added to the shared figures.
        self._queued = 0
        self._settled = 0
        self._delivered = 0
        # Requests past the early check and not yet decided (ACKed, refused or queued).
        self._deciding = 0

    @property
    def snapshot(self) -> Snapshot:
        """The figures as this process sees them now (its own unflushed ACKs included)."""
        return dataclasses.replace(self._snapshot, backlog=self._snapshot.backlog + self._queued)

    def check(self, action: str, time_left: float) -> None:
        """Raise :class:`Overloaded` unless a request of ``action`` with ``time_left``
        seconds of ttl can be answered in time. No I/O: reads the latest snapshot."""
        self._check(action, time_left, 0)

    def _check(self, action: str, time_left: float, ahead: int) -> None:
        if not self._enabled:
            return
        # Read in place: no snapshot built on every request's path.
        seen = self._snapshot
        backlog = seen.backlog + self._queued + ahead
        if seen.stalled:
            retry = min(_RATE_WINDOW_SECONDS, self.policy.longest_retry_after)
            raise Overloaded(
                f"{backlog} callbacks are waiting and none has been sent for "
                f"{_RATE_WINDOW_SECONDS} s: this /{action} could not be answered within its "
                f"ttl; retry in {retry} s",
                retry_after=retry,
            )
        delay = refusal_delay(
            backlog=backlog,
            rate=seen.rate,
            time_left=time_left,
            share=self.policy.share(action),
            longest=self.policy.longest_retry_after,
            drain=seen.drain,
        )
        if delay is not None:
            raise Overloaded(
                f"{backlog} callbacks are waiting to be sent at about {seen.rate:.0f} a "
                f"second: this /{action} could not be answered within its ttl; retry in "
                f"{delay} s",
                retry_after=delay,
            )

    def check_early(self, action: str, body: bytes) -> None:
        """:meth:`check` made as soon as the body is read, so that under overload a request
        is shed before its signature is verified and its body parsed (most of what an ACK
        costs the edge): by the ttl left that the body claims (:func:`claimed_time_left`),
        with the requests that passed this check and are not yet decided counted as queued
        (under load many are between the two checks, and would fill the room this one
        saw). A request that passes holds its place until :meth:`decided` is called,
        whatever its outcome; it is checked again on its verified ttl once parsed."""
        seen = self._snapshot
        # With nothing queued or deciding and no stall, no request is refused whatever it
        # claims (a ttl long enough to be judged is long enough for an empty queue), so its
        # claim is left unread: 19,700 instructions of every request at a light load.
        if self._enabled and (seen.stalled or seen.backlog + self._queued + self._deciding > 0):
            left = claimed_time_left(body, self._clock.now())
            # A ttl too short even for an empty queue (spent, or nearly) is not an overload:
            # the verified checks say what is wrong with it (a stale request, ONDC 30022).
            if estimated_wait(0, seen.rate) <= self.policy.share(action) * left:
                self._check(action, left, self._deciding)
        self._deciding += 1

    def decided(self) -> None:
        """A request that passed :meth:`check_early` was ACKed, refused or queued."""
        self._deciding -= 1

    def queued(self, count: int = 1) -> None:
        """``count`` callbacks were promised (ACKed requests)."""
        self._queued += count

    def settled(self, settled: int, delivered: int) -> None:
        """``settled`` callbacks left the backlog, ``delivered`` of them sent and ACKed."""
        self._settled += settled
        self._delivered += delivered
        if delivered and self._snapshot.rate < self._capacity:
            # The dispatchers are working again after a quiet spell: the capacity they were
            # measured at applies now, not at the next refresh (up to 0.1 s of a burst shed
            # at the floor's rate).
            self._snapshot = dataclasses.replace(self._snapshot, rate=self._capacity)

    async def refresh(self) -> None:
        """Add this process's counts to the shared figures and read them back."""
        queued, settled, delivered = self._queued, self._settled, self._delivered
        self._queued = self._settled = self._delivered = 0
        second = int(self._clock.now().timestamp())
        try:
            backlog = await self._state.add(_BACKLOG, queued - settled, _BACKLOG_TTL)
            if delivered:
                await self._state.add(f"{_DELIVERED}{second}", delivered, _RATE_WINDOW_SECONDS + 2)
            # This second, the window's whole seconds (latest first), the shared capacity.
            keys = [f"{_DELIVERED}{second - n}" for n in range(_RATE_WINDOW_SECONDS + 1)]
            *counts, shared_capacity, drain, dispatching = await self._state.counts(
                [*keys, _CAPACITY, _DRAIN, _DISPATCHING]
            )
            now_count, counts = counts[0], counts[1:]
            saturated = self._saturated(second, max(0, backlog), counts)
            capacity = sum(saturated) / len(saturated) if saturated else None
            if capacity is not None and round(capacity) != shared_capacity:
                await self._state.put(_CAPACITY, str(round(capacity)).encode(), _CAPACITY_TTL)
            if saturated and max(saturated) > drain:
                drain = max(saturated)
                await self._state.put(_DRAIN, str(drain).encode(), _CAPACITY_TTL)
        except SharedStateUnavailable:
            # Counted again next time; meanwhile the last snapshot stands.
            self._queued += queued
            self._settled += settled
            self._delivered += delivered
            log.warning("admission figures not shared: shared state unreachable")
            return
        # The mean of the last few whole seconds in which callbacks were delivered: an
        # idle second says nothing of what the dispatchers can do (a mean over all of them
        # lagged every rise by the whole window, and shed requests that could have been
        # answered), while the best second alone overstated them whenever their pace
        # varied (a bench run on a loaded machine parked 1,297 ACKed callbacks with it).
        active = [count for count in counts if count > 0]
        rate = max(self.policy.min_rate, sum(active) / len(active) if active else 0.0)
        self._capacity = capacity if capacity is not None else float(shared_capacity)
        if second - dispatching <= _DISPATCHING_SECONDS or active or now_count or self._delivered:
            # The dispatchers are running (their loops come round, or they deliver): they
            # can keep their last saturated pace. Not otherwise: a deployment whose
            # dispatchers went down in a quiet spell admits only at the floor's rate.
            rate = max(rate, self._capacity)
        if active or delivered:
            # A delivery, by any process: whatever is due is being sent.
            self._due_since, self._due_rounds = None, 0
        self._snapshot = Snapshot(max(0, backlog), rate, self._stalled(), float(drain))

    def _saturated(self, second: int, backlog: int, counts: list[int]) -> list[int]:
        """The deliveries of the window's saturated seconds (``counts``, latest first);
        records ``backlog`` as this process's first sight of ``second``."""
        seen = self._backlog_at
        seen.setdefault(second, backlog)
        if len(seen) > _RATE_WINDOW_SECONDS + 2:
            for old in [s for s in seen if s < second - _RATE_WINDOW_SECONDS - 1]:
                del seen[old]
        saturated = []
        for n, count in enumerate(counts, start=1):
            began, ended = seen.get(second - n), seen.get(second - n + 1)
            # Half a second's work waiting at both ends: the dispatchers were never short
            # of it in between (a burst's first second begins with an empty backlog, its
            # last ends with one, and a light load keeps only what is in flight).
            if (
                count > 0
                and began is not None
                and ended is not None
                and min(began, ended) * 2 >= count
            ):
                saturated.append(count)
        return saturated

    def _stalled(self) -> bool:
        # Both a rate window of time and as many reconciliations (one a second): a clock
        # moved by hand (tests, replays) alone does not make a stall.
        due_since = self._due_since
        return (
            due_since is not None
            and self._due_rounds > _RATE_WINDOW_SECONDS
            and self._clock.monotonic() - due_since >= _RATE_WINDOW_SECONDS
        )

    async def reconcile(self) -> None:
        """Set the shared backlog to the outbox's count of pending jobs."""
        await self.refresh()
        pending = await self._pending()
        await self._state.put(_BACKLOG, str(pending).encode(), _BACKLOG_TTL)
        if self._dispatching is not None and self._dispatching():
            second = int(self._clock.now().timestamp())
            await self._state.put(_DISPATCHING, str(second).encode(), _DISPATCHING_SECONDS + 2)
        if self._due is not None:
            if await self._due() > 0:
                if self._due_since is None:
                    self._due_since = self._clock.monotonic()
                self._due_rounds += 1
            else:
                self._due_since, self._due_rounds = None, 0
        self._snapshot = dataclasses.replace(
            self._snapshot, backlog=pending, stalled=self._stalled()
        )

    async def run(self, stop: asyncio.Event) -> None:
        """Share the counts every ``_FLUSH_SECONDS`` and reconcile every second, until
        ``stop`` is set."""
        loop = asyncio.get_running_loop()
        reconciled = loop.time()
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), _FLUSH_SECONDS)
            try:
                if loop.time() - reconciled >= _RECONCILE_SECONDS:
                    reconciled = loop.time()
                    await self.reconcile()
                else:
                    await self.refresh()
            except Exception:  # the loop must outlive a database or Redis hiccup; logged
                log.exception("admission figures not refreshed; retrying")
        with contextlib.suppress(Exception):
            await self.refresh()
