"""The edge's parsed request handed to its callback's build in one process."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import pytest

import schemas
from adapter.core.clock import FixedClock
from adapter.core.contract_table import default_table
from adapter.outbound.parsed_requests import ParsedRequests
from adapter.storage.group_commit import InboundWriter
from adapter.storage.store import InboundRecord, OutboxJob
from tests.network.peers import context, edge, search_body, signed

START = datetime(2026, 11, 23, 10, 0, 0, 123000, tzinfo=UTC)


def _parsed(body: bytes) -> tuple[object, schemas.Envelope]:
    return default_table().parse_request("search", body)


LATER = START + timedelta(seconds=30)


def test_a_kept_request_is_taken_back_once_by_action_and_bytes() -> None:
    body = search_body(FixedClock(START))
    parsed = _parsed(body)
    kept = ParsedRequests()
    assert kept.keep("search", body, parsed, deadline=LATER, now=START)  # type: ignore[arg-type]
    assert kept.take("select", body) is None
    assert kept.take("search", bytes(bytearray(body))) is parsed  # equal bytes, another object
    assert kept.take("search", body) is None
    assert len(kept) == 0


def test_a_dropped_request_is_not_taken() -> None:
    body = search_body(FixedClock(START))
    kept = ParsedRequests()
    kept.keep("search", body, _parsed(body), deadline=LATER, now=START)  # type: ignore[arg-type]
    kept.drop("search", body)
    kept.drop("search", body)  # twice: nothing to drop, nothing raised
    assert kept.take("search", body) is None


def test_the_same_bytes_kept_twice_stay_the_first_request_s() -> None:
    # A second request with the same bytes is one the database refuses as a duplicate:
    # it is not kept, so the drop that follows its refusal cannot take the first's away.
    body = search_body(FixedClock(START))
    first = _parsed(body)
    kept = ParsedRequests()
    assert kept.keep("search", body, first, deadline=LATER, now=START)  # type: ignore[arg-type]
    assert not kept.keep("search", body, _parsed(body), deadline=LATER, now=START)  # type: ignore[arg-type]
    assert kept.held_bytes == len(body)
    assert kept.take("search", body) is first


def test_when_full_the_newest_request_is_left_out_not_the_oldest() -> None:
    # The dispatcher builds the earliest deadline first: the oldest requests are the next
    # ones built, so they stay; a request that finds no room is parsed again when built.
    clock = FixedClock(START)
    kept = ParsedRequests(limit=2)
    bodies = [search_body(clock, message_id=f"m-{n}") for n in range(3)]
    stored = [
        kept.keep("search", body, _parsed(body), deadline=LATER, now=START)  # type: ignore[arg-type]
        for body in bodies
    ]
    assert stored == [True, True, False]
    assert kept.take("search", bodies[0]) is not None
    assert kept.take("search", bodies[1]) is not None
    assert kept.take("search", bodies[2]) is None
    # A take makes room again.
    assert kept.keep("search", bodies[2], _parsed(bodies[2]), deadline=LATER, now=START)  # type: ignore[arg-type]


def test_when_full_requests_past_their_deadline_make_room() -> None:
    clock = FixedClock(START)
    kept = ParsedRequests(limit=2)
    bodies = [search_body(clock, message_id=f"m-{n}") for n in range(3)]
    soon, later = START + timedelta(seconds=5), START + timedelta(seconds=60)
    kept.keep("search", bodies[0], _parsed(bodies[0]), deadline=soon, now=START)  # type: ignore[arg-type]
    kept.keep("search", bodies[1], _parsed(bodies[1]), deadline=later, now=START)  # type: ignore[arg-type]
    # Before the first one's deadline: no room.
    assert not kept.keep("search", bodies[2], _parsed(bodies[2]), deadline=later, now=soon)  # type: ignore[arg-type]
    # Past it: its callback is parked unsent, never built; the newcomer takes its place.
    after = soon + timedelta(microseconds=1)
    assert kept.keep("search", bodies[2], _parsed(bodies[2]), deadline=later, now=after)  # type: ignore[arg-type]
    assert kept.take("search", bodies[0]) is None
    assert kept.take("search", bodies[1]) is not None
    assert kept.take("search", bodies[2]) is not None


def test_the_bytes_held_are_bounded_as_well_as_the_count() -> None:
    # A parsed model and its JSON take many times a request's bytes, and a buyer app may
    # send large ones: the bound on bytes comes first for those.
    clock = FixedClock(START)
    bodies = [search_body(clock, message_id=f"m-{n}") for n in range(3)]
    size = len(bodies[0])
    assert all(len(body) == size for body in bodies)
    kept = ParsedRequests(limit=100, limit_bytes=2 * size)
    stored = [
        kept.keep("search", body, _parsed(body), deadline=LATER, now=START)  # type: ignore[arg-type]
        for body in bodies
    ]
    assert stored == [True, True, False]
    assert kept.held_bytes == 2 * size
    kept.take("search", bodies[0])
    kept.drop("search", bodies[1])
    assert kept.held_bytes == 0
    assert kept.keep("search", bodies[2], _parsed(bodies[2]), deadline=LATER, now=START)  # type: ignore[arg-type]
    assert kept.held_bytes == size
    # One larger than the whole bound is never kept.
    huge = ParsedRequests(limit=100, limit_bytes=size - 1)
    assert not huge.keep("search", bodies[0], _parsed(bodies[0]), deadline=LATER, now=START)  # type: ignore[arg-type]
    assert len(huge) == 0


async def _callback(tmp_path: Path, body: bytes, *, dispatch: bool) -> tuple[bytes, int]:
    """The on_search the buyer app received for the search ``body`` (the edge's files in
    ``tmp_path``, a new folder), and how many parsed requests the edge still kept once it
    was sent."""
    clock = FixedClock(START)
    async with edge(tmp_path, clock, dispatch=dispatch) as net:
        response = await net.post("search", body, signed(body, clock))
        assert response.json() == {"message": {"ack": {"status": "ACK"}}}
        if dispatch:
            for _ in range(500):
                if net.received:
                    break
                await asyncio.sleep(0.01)
        else:
            await net.dispatch()
        [callback] = net.received
        parsed = net.app.state.runtime.parsed
        return callback.content, 0 if parsed is None else len(parsed)


@pytest.fixture
def taken(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """What each build's take found (``None``: parsed again), in order."""
    found_by_take: list[object] = []
    take = ParsedRequests.take

    def spy(self: ParsedRequests, action: str, body: bytes) -> object:
        found_by_take.append(found := take(self, action, body))
        return found

    monkeypatch.setattr(ParsedRequests, "take", spy)
    return found_by_take


async def test_one_process_builds_the_callback_from_the_edge_parse_with_the_same_bytes(
    tmp_path: Path, taken: list[object]
) -> None:
    body = search_body(FixedClock(START))
    for folder in ("one", "edge-only"):
        (tmp_path / folder).mkdir()
    handed, left = await _callback(tmp_path / "one", body, dispatch=True)
    [took] = taken
    assert took is not None  # the build took the edge's parse
    assert left == 0
    taken.clear()
    parsed_again, _ = await _callback(tmp_path / "edge-only", body, dispatch=False)
    assert taken == []  # no dispatcher of its own: nothing kept, the build parsed
    assert handed == parsed_again
    assert orjson.loads(handed)["context"]["action"] == "on_search"


async def test_the_build_finds_the_edge_parse_when_it_runs_before_the_edge_comes_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, taken: list[object]
) -> None:
    # The commit wakes the dispatcher: under load it claims and builds the job before the
    # request's own coroutine is back from the commit. Here the commit returns only once
    # the callback has been built and sent.
    accept = InboundWriter.accept
    clock = FixedClock(START)
    async with edge(tmp_path, clock, dispatch=True) as net:

        async def slow_to_come_back(
            self: InboundWriter, message: InboundRecord, job: OutboxJob | None
        ) -> int | None:
            queued = await accept(self, message, job)
            for _ in range(500):
                if net.received:
                    break
                await asyncio.sleep(0.01)
            return queued

        monkeypatch.setattr(InboundWriter, "accept", slow_to_come_back)
        body = search_body(clock)
        response = await net.post("search", body, signed(body, clock))
        assert response.json() == {"message": {"ack": {"status": "ACK"}}}
        assert len(net.received) == 1  # built and sent while the edge was away
        [took] = taken
        assert took is not None  # from the edge's parse, kept before the commit
        assert len(net.app.state.runtime.parsed) == 0


@pytest.mark.parametrize("version", ["1.2.0", "1.2.5"])
async def test_an_on_search_from_a_parse_that_left_the_order_for_later_is_the_same_bytes(
    version: str,
) -> None:
    from adapter.core.callbacks import Identity
    from adapter.core.replies import EmptyCatalog

    clock = FixedClock(START)
    # The intent's keys out of field order, an extension among them, the context's too.
    body = orjson.dumps(
        {
            "message": {
                "intent": {
                    "x-note": {"b": 1, "a": "शॉल"},
                    "fulfillment": {"type": "Delivery"},
                    "item": {"descriptor": {"name": "शॉल"}},
                    "payment": {"@ondc/org/buyer_app_finder_fee_type": "percent"},
                }
            },
            "context": {
                **dict(reversed(context("search", clock).items())),
                "core_version": version,
            },
        }
    )
    table = default_table()
    answers = []
    for defer_order in (False, True):
        contract, request = table.parse_request("search", body, defer_order=defer_order)
        reply = await contract.replies["search"](
            request,
            identity=Identity("seller.example", "https://seller.example/ondc"),
            now=START,
            catalog=EmptyCatalog(),
            orders=None,
        )
        answers.append(schemas.dump(reply))
    assert answers[0] == answers[1]
    assert (
        list(orjson.loads(answers[1])["context"])[:3]
        == list(reversed(context("search", clock)))[:3]
    )
