"""Building a round's callbacks: each reply once, from the stored request, kept as bytes.

A first attempt builds its reply (the request as its family's model, answered by the
family's reply function; in one process, the model the edge parsed, kept in
``adapter/outbound/parsed_requests.py``); its bytes are saved with the job, so every retry
sends the same message. They are saved before the attempt, except an ``on_search``'s
(unsplit): those are kept by the attempt's settlement, in the write the round makes anyway,
so a round of searches has no write of its own for them. A retry, a release or a replay
still sends the first attempt's bytes; only a process that dies (or fails to settle)
between the POST and the settlement leaves its on_search to be built again, which answers
the same search from the catalogue as it then is. Any other answer may depend on state
that has moved on since (an /on_issue rebuilt after ``kill -9`` answered PROCESSING, not
the RESOLVED first sent), so its bytes are saved first. A search's ``on_search`` past
``ONDC_ON_SEARCH_MAX_BYTES`` is split into parts, the rest queued as callbacks of our own
(with its bytes, in one transaction before its attempt: the parts are queued once).
Builds run a few at a time (a reply may read the catalogue, and the database pool is
small), and searches of one round that ask the same thing share one catalogue query
(``adapter/catalog/shared_answers.py``).

A job whose build fails is the only one it holds up: a request that cannot be answered
(no longer parses, a version no longer served) is parked; an order moved by someone else
between the reply's read and its write is built again at once from the order as it now
is, up to three times; anything else (an exception nobody expected, a database hiccup)
is logged and the job tried again after a backoff, within its request's ttl, then parked.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from datetime import datetime, timedelta
from typing import Any, Final

import orjson
import pydantic

import schemas
from adapter.catalog.shared_answers import RoundCatalog
from adapter.core.b2b.po_review import Deferred
from adapter.core.b2b.ports import B2BDesk
from adapter.core.catalog_link import CatalogueLinks
from adapter.core.catalog_split import split_on_search
from adapter.core.clock import Clock
from adapter.core.context_rules import ContextError
from adapter.core.contracts import ContractTable
from adapter.core.orders import OrderMoved
from adapter.core.replies import CatalogPort, Identity, OrderBook, OrderPolicy
from adapter.igm.book import IssueBook, IssueMoved
from adapter.outbound.delivery import backoff_delay
from adapter.outbound.parsed_requests import ParsedRequests
from adapter.settings import Settings
from adapter.storage.outbox import Attempt, ClaimedJob, Outbox, Settlement

__all__ = ["Builds", "CallbackBuilder"]

log = logging.getLogger(__name__)

# The answers whose bytes, when not split, are kept by their attempt's settlement rather
# than saved before it (see the module's docstring).
_SAVED_WITH_SETTLEMENT: Final = frozenset({"on_search"})
# Requests whose answers, in every family, write no part of them back but their context
# (whose order a parse remembers at once): an /on_search reads its search's intent and
# answers with the catalogue. The parse leaves the order of their other parts unread.
_ORDER_UNUSED: Final = frozenset({"search"})
# First attempts built at once (see CallbackBuilder._build_all).
_BUILDERS: Final = 4
# Builds of one job that may meet its order moved by someone else between the reply's read
# and its write (``OrderMoved``): each is built again at once from the order as it then
# is; after the last, the job is tried again after a backoff (a hot order, not a race).
_MOVED_TRIES: Final = 3
# Why a callback cannot be built, parking its job: a stored request that no longer parses,
# or whose version is no longer served; or an answer that waits for an event (Deferred).
_UNBUILDABLE: Final = (pydantic.ValidationError, KeyError, ValueError, ContextError, Deferred)


@dataclasses.dataclass(slots=True)
class Builds:
    """A round's jobs, built: what to send, what to save, what ended unbuilt."""

    # (job, bytes, message id) for every job to attempt now.
    ready: list[tuple[ClaimedJob, bytes, str | None]] = dataclasses.field(default_factory=list)
    # (job id, bytes, message id) of the callbacks built this round, to save with their jobs
    # before their attempts.
    built: list[tuple[int, bytes, str | None]] = dataclasses.field(default_factory=list)
    # The same, of the callbacks built this round whose bytes their settlement keeps.
    unsaved: list[tuple[int, bytes, str | None]] = dataclasses.field(default_factory=list)
    # Outbox rows of the further parts of split on_search callbacks.
    more: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    # Jobs parked because their callback could not be built.
    failed: list[Settlement] = dataclasses.field(default_factory=list)
    # Answers that wait for an event (a seller's decision): tried again at their time.
    deferred: list[Settlement] = dataclasses.field(default_factory=list)
    # Builds that failed for now (an exception nobody expected, an order or a complaint
    # that kept moving): tried again after a backoff within the ttl, parked once it is spent.
    later: list[Settlement] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True, slots=True)
class _Later:
    """A build that failed for now: why."""

    reason: Exception


class CallbackBuilder:
    """Builds the callbacks of claimed jobs from their stored requests."""

    def __init__(
        self,
        *,
        settings: Settings,
        contracts: ContractTable,
        clock: Clock,
        catalog: CatalogPort,
        orders: OrderBook,
        policy: OrderPolicy,
        issues: IssueBook | None,
        b2b: B2BDesk | None,
        links: CatalogueLinks | None = None,
        parsed: ParsedRequests | None = None,
    ) -> None:
        self._settings = settings
        self._parsed = parsed
        self._contracts = contracts
        self._clock = clock
        self._catalog = catalog
        self._orders = orders
        self._policy = policy
        self._issues = issues
        self._b2b = b2b
        self._links = links
        self._identity = Identity(settings.subscriber_id, str(settings.subscriber_url))

    async def build(self, jobs: list[ClaimedJob], now: datetime) -> Builds:
        """The callbacks of ``jobs``: those built before as they were, the others built now."""
        builds = Builds()
        fresh = [job for job in jobs if job.callback_body is None]
        outcomes = await self._build_all(fresh, RoundCatalog(self._catalog))
        for job in jobs:
            if job.callback_body is not None:
                builds.ready.append((job, job.callback_body, job.callback_message_id))
                continue
            outcome = outcomes[job.id]
            if isinstance(outcome, Deferred):
                # Not a failed try: the answer waits for an event (a seller's decision).
                later = Attempt(self._clock.now(), None, None, "deferred", outcome.reason)
                builds.deferred.append(
                    Settlement(job.id, later, "pending", next_attempt_at=outcome.until)
                )
                continue
            if isinstance(outcome, Exception):
                problem = f"could not build the callback: {outcome}"
                attempt = Attempt(self._clock.now(), None, None, "error", problem)
                builds.failed.append(Settlement(job.id, attempt, "failed"))
                continue
            if isinstance(outcome, _Later):
                builds.later.append(self._later(job, outcome.reason))
                continue
            body, message_id = outcome
            rest: list[bytes] = []
            if job.action == "on_search" and len(body) > self._settings.on_search_max_bytes:
                body, *rest = split_on_search(body, self._settings.on_search_max_bytes)
                builds.more.extend(
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
            settled_with = job.action in _SAVED_WITH_SETTLEMENT and not rest
            (builds.unsaved if settled_with else builds.built).append((job.id, body, message_id))
            builds.ready.append((job, body, message_id))
        return builds

    def _later(self, job: ClaimedJob, reason: Exception) -> Settlement:
        """``job`` tried again after a backoff, or parked when that would pass its ttl."""
        now = self._clock.now()
        attempt = Attempt(now, None, None, "error", f"could not build the callback: {reason}")
        again = now + timedelta(seconds=backoff_delay(job.attempts))
        if again >= job.deadline_at:
            return Settlement(job.id, attempt, "failed")
        return Settlement(job.id, attempt, "pending", next_attempt_at=again)

    async def _build_all(
        self, jobs: list[ClaimedJob], catalog: CatalogPort
    ) -> dict[int, tuple[bytes, str | None] | Exception | _Later]:
        """Each of ``jobs`` built (:meth:`_build`), or the reason its callback cannot be
        (the job is parked: :data:`_UNBUILDABLE`) or cannot be yet (:class:`_Later`), by
        job id. One job's failure is its own: the round's other jobs are built and sent.

        A few at a time, in their order: a reply may read the catalogue, and one query
        after another would make the whole batch wait on each in turn, while more at once
        would go beyond the database pool (a connection beyond it is opened and closed
        again for every query). A few builders take the jobs in turn, rather than a task
        per job waiting for a semaphore: the searches of a round that ask the same thing
        wait for one shared query, then each builder answers the rest as it comes to them.
        """
        outcomes: dict[int, tuple[bytes, str | None] | Exception | _Later] = {}
        waiting = iter(jobs)
        # A database gone away fails every build of the round alike: its traceback once.
        traced = False

        async def builder() -> None:
            nonlocal traced
            for job in waiting:
                try:
                    outcomes[job.id] = await self._build(job, catalog)
                except (OrderMoved, IssueMoved) as exc:  # kept moving: not a bad request
                    outcomes[job.id] = _Later(exc)
                except _UNBUILDABLE as exc:
                    outcomes[job.id] = exc
                except Exception as exc:  # a bug's or a hiccup's: logged, tried again
                    log.warning("could not build %s %s; trying again: %r", job.action, job.id,
                                exc, exc_info=not traced)  # fmt: skip
                    traced = True
                    outcomes[job.id] = _Later(exc)

        await asyncio.gather(*(builder() for _ in range(min(_BUILDERS, len(jobs)))))
        return outcomes

    async def _build(self, job: ClaimedJob, catalog: CatalogPort) -> tuple[bytes, str | None]:
        if job.kind == "unsolicited":
            body = orjson.dumps(job.payload)
            message_id = job.payload.get("context", {}).get("message_id")
            return body, message_id
        assert job.inbound_body is not None
        action, body = job.action.removeprefix("on_"), bytes(job.inbound_body)
        kept = self._parsed.take(action, body) if self._parsed is not None else None
        tries = _MOVED_TRIES
        while True:
            contract, request = kept or self._contracts.parse_request(
                action, body, defer_order=True
            )
            if action not in _ORDER_UNUSED:
                # The answer may write parts of the request back: in the order they came.
                schemas.complete_order(request)
            try:
                reply = await contract.replies[request.context.action](
                    request,
                    identity=self._identity,
                    now=self._clock.now(),
                    catalog=catalog,
                    orders=self._orders,
                    policy=self._policy,
                    issues=self._issues,
                    b2b=self._b2b,
                    links=self._links,
                )
            except OrderMoved as moved:
                tries -= 1
                if not tries:
                    raise
                # Answered from the order as it is now, from a fresh parse of the request
                # (a reply may have changed the model it was given).
                log.info("%s %s: %s; building it again", job.action, job.id, moved)
                kept = None
                continue
            return schemas.dump(reply), reply.context.message_id
