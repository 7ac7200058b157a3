"""Building a round's callbacks: a few at a time in their order, each with its own bytes,
an unbuildable one parked without holding up the rest (no database: a catalogue in
memory)."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import Any

import orjson
import pytest

import schemas
from adapter.core.clock import FixedClock
from adapter.core.contract_table import default_table
from adapter.core.replies import OrderPolicy
from adapter.outbound.builder import CallbackBuilder
from adapter.outbound.parsed_requests import ParsedRequests
from adapter.settings import load_settings
from adapter.storage.outbox import ClaimedJob
from tests.fixtures import settings_values
from tests.network.peers import search_body


class SlowCatalog:
    """An empty catalogue whose queries wait for the test to let them answer (unless
    ``answering``), noting which ran at once and in what order they came."""

    def __init__(self, *, answering: bool = True) -> None:
        self.storefront = load_settings(env_file=None, **settings_values("sqlite://")).storefront
        self.asked: list[str] = []
        self.running = 0
        self.most_at_once = 0
        self.answer = asyncio.Event()
        if answering:
            self.answer.set()

    async def providers_for(
        self, search: schemas.SearchRequest, *, now: datetime
    ) -> list[dict[str, Any]]:
        assert search.message is not None
        assert search.message.intent is not None
        self.asked.append(str(search.message.intent.item.descriptor.name))  # type: ignore[union-attr]
        self.running += 1
        self.most_at_once = max(self.most_at_once, self.running)
        await self.answer.wait()
        self.running -= 1
        return []


def _builder(catalog: Any, clock: FixedClock, parsed: ParsedRequests | None) -> CallbackBuilder:
    settings = load_settings(env_file=None, **settings_values("sqlite://"))
    return CallbackBuilder(
        settings=settings, contracts=default_table(), clock=clock, catalog=catalog,
        orders=None, policy=OrderPolicy(), issues=None, b2b=None, parsed=parsed,  # type: ignore[arg-type]
    )  # fmt: skip


def _search(clock: FixedClock, number: int, words: str = "शॉल") -> bytes:
    body = orjson.loads(search_body(clock, message_id=f"m-{number}"))
    body["message"]["intent"]["item"]["descriptor"]["name"] = words
    return orjson.dumps(body)


def _job(clock: FixedClock, number: int, inbound: bytes) -> ClaimedJob:
    return ClaimedJob(
        id=number, kind="response", action="on_search", target_url="https://buyer.example/on_search",
        transaction_id=f"t-{number}", payload={}, callback_body=None, callback_message_id=None,
        attempts=0, created_at=clock.now(), deadline_at=clock.now() + timedelta(seconds=30),
        inbound_body=inbound,
    )  # fmt: skip


async def test_a_round_builds_four_callbacks_at_a_time_in_their_order(clock: FixedClock) -> None:
    catalog = SlowCatalog(answering=False)
    # Ten different searches: ten queries, none shared.
    jobs = [_job(clock, n, _search(clock, n, words=f"shawl {n}")) for n in range(10)]
    building = asyncio.create_task(_builder(catalog, clock, None).build(jobs, clock.now()))
    for _ in range(20):
        await asyncio.sleep(0)
    assert catalog.asked == [f"shawl {n}" for n in range(4)]  # the next wait for one to end
    catalog.answer.set()
    builds = await building
    assert catalog.asked == [f"shawl {n}" for n in range(10)]
    assert catalog.most_at_once == 4
    assert [job.id for job, _, _ in builds.ready] == list(range(10))
    assert [orjson.loads(body)["context"]["message_id"] for _, body, _ in builds.ready] == [
        f"m-{n}" for n in range(10)
    ]


@pytest.mark.parametrize("kept", [True, False], ids=["edge parse kept", "parsed again"])
async def test_identical_searches_share_one_query_and_each_gets_the_bytes_built_alone(
    clock: FixedClock, kept: bool
) -> None:
    catalog = SlowCatalog()
    parsed = ParsedRequests() if kept else None
    bodies = [_search(clock, n) for n in range(7)]
    if parsed is not None:
        for body in bodies:
            parsed.keep(
                "search", body, default_table().parse_request("search", body, defer_order=True),
                deadline=clock.now() + timedelta(seconds=30), now=clock.now(),
            )  # fmt: skip
    jobs = [_job(clock, n, body) for n, body in enumerate(bodies)]

    builds = await _builder(catalog, clock, parsed).build(jobs, clock.now())

    assert catalog.asked == ["शॉल"]
    alone = [
        (await _builder(SlowCatalog(), clock, None).build([job], clock.now())).unsaved[0]
        for job in jobs
    ]
    assert builds.unsaved == alone
    assert [body for _, body, _ in builds.ready] == [body for _, body, _ in alone]
    assert len({body for _, body, _ in alone}) == 7  # each its own context


async def test_an_unbuildable_job_is_parked_and_the_rest_of_its_round_built(
    clock: FixedClock,
) -> None:
    catalog = SlowCatalog()
    jobs = [_job(clock, n, _search(clock, n)) for n in range(6)]
    jobs[2] = _job(clock, 2, b'{"context": {"action": "search"')  # cut short: not JSON

    builds = await _builder(catalog, clock, None).build(jobs, clock.now())

    [failed] = builds.failed
    assert (failed.job_id, failed.status) == (2, "failed")
    assert failed.attempt.error is not None
    assert failed.attempt.error.startswith("could not build the callback:")
    assert [job.id for job, _, _ in builds.ready] == [0, 1, 3, 4, 5]


async def test_an_error_that_is_not_about_the_job_has_each_job_tried_again_later(
    clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    # The catalogue's database went away: no job of the round can be built now. Each is
    # tried again after a backoff within its ttl (one too close to its deadline for that
    # is parked), and the traceback is logged once for the round, not once a job.
    class Broken(SlowCatalog):
        async def providers_for(
            self, search: schemas.SearchRequest, *, now: datetime
        ) -> list[dict[str, Any]]:
            raise ConnectionError("the database went away")

    jobs = [_job(clock, n, _search(clock, n, words=f"shawl {n}")) for n in range(3)]
    jobs[2] = jobs[2]._replace(deadline_at=clock.now())
    with caplog.at_level(logging.WARNING, logger="adapter.outbound.builder"):
        builds = await _builder(Broken(), clock, None).build(jobs, clock.now())
    assert builds.ready == builds.failed == []
    assert [(s.job_id, s.status) for s in builds.later] == [
        (0, "pending"), (1, "pending"), (2, "failed")
    ]  # fmt: skip
    for settlement in builds.later[:2]:
        assert settlement.next_attempt_at is not None
        assert clock.now() <= settlement.next_attempt_at <= clock.now() + timedelta(seconds=0.25)
        assert settlement.attempt.error == ("could not build the callback: the database went away")
    assert [bool(record.exc_info) for record in caplog.records] == [True, False, False]
