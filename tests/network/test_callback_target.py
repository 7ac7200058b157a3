"""Callbacks go only where the registry says the sender lives: ``context.bap_uri`` is
checked against the signer's registry record at the edge."""

from __future__ import annotations

from pathlib import Path

import httpx
import orjson
import pytest

from adapter.core.clock import FixedClock
from tests.network.peers import BUYER_URI, REGISTRY, edge, lookup, search_body, signed

ACK = {"message": {"ack": {"status": "ACK"}}}


@pytest.mark.parametrize(
    "bap_uri",
    [
        "https://attacker.example/ondc",  # another host than the registered one
        "http://127.0.0.1:6379/ondc",  # an internal service
        "https://buyer.example/ondc/admin",  # another path on the buyer's host
        f"{BUYER_URI}?",  # a query that would swallow the appended /on_search
        f"{BUYER_URI}#",
        "http://[",  # no URL at all (an unclosed IPv6 address): not an internal error
    ],
)
async def test_a_bap_uri_other_than_the_registered_one_is_nacked_naming_the_field(
    tmp_path: Path, clock: FixedClock, bap_uri: str
) -> None:
    async with edge(tmp_path, clock) as net:
        body = search_body(clock, bap_uri=bap_uri)
        response = await net.post("search", body, signed(body, clock))
        assert response.status_code == 400
        error = response.json()["error"]
        assert (error["type"], error["code"], error["path"]) == (
            "CONTEXT-ERROR",
            "30000",
            "context.bap_uri",
        )
        assert "bap_uri" in error["message"]
        # Nothing was queued: no callback goes anywhere.
        assert await net.dispatch() == 0
        assert net.received == []
        assert await net.app.state.runtime.outbox.jobs() == []


async def test_the_registered_bap_uri_is_acked_with_or_without_a_trailing_slash(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock) as net:
        for bap_uri in (BUYER_URI, f"{BUYER_URI}/"):
            body = search_body(clock, bap_uri=bap_uri)
            assert (await net.post("search", body, signed(body, clock))).json() == ACK
        assert await net.dispatch() == 2
        assert [str(r.url) for r in net.received] == [f"{BUYER_URI}/on_search"] * 2


async def test_a_buyer_app_that_moved_is_looked_up_again_not_refused_for_a_day(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock) as net:
        body = search_body(clock)
        assert (await net.post("search", body, signed(body, clock))).json() == ACK  # cached
        moved = "https://buyer.example/ondc/v2"

        def lookup_after_the_move(request: httpx.Request) -> httpx.Response:
            found = orjson.loads(lookup(request).content)
            records = [{**record, "subscriber_url": moved} for record in found]
            return httpx.Response(200, json=records)

        net.router.post(f"{REGISTRY}/v2.0/lookup").mock(side_effect=lookup_after_the_move)
        body = search_body(clock, bap_uri=moved)
        assert (await net.post("search", body, signed(body, clock))).json() == ACK
        # The old URL is now the wrong one.
        body = search_body(clock)
        assert (await net.post("search", body, signed(body, clock))).status_code == 400
