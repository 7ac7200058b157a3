"""B2B 2.0.2 context rules, the family's selection by ``version``, and the edge's answers."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

import schemas
import schemas.b2b
from adapter.core.b2b.context import check_b2b_context, parse_b2b_duration
from adapter.core.clock import FixedClock
from adapter.core.context_rules import ContextError, EdgePolicy, StaleRequest
from adapter.core.contract_table import B2B_2_0_2, RETAIL_1_2_0, default_table
from tests.b2b.peers import b2b_body, b2b_context
from tests.network.peers import BUYER_ID, context, edge, signed

POLICY = EdgePolicy(
    subscriber_id="seller.odop.example",
    subscriber_url="http://seller.odop.example/ondc",
    domains=frozenset({"ONDC:RET10", "ONDC:RET12"}),
)


def _check(clock: FixedClock, action: str = "select", **overrides: Any) -> timedelta:
    raw = orjson.dumps({"context": b2b_context(action, clock, **overrides), "message": {}})
    contract, request = default_table().parse_request(action, raw)
    assert contract is B2B_2_0_2
    return check_b2b_context(
        request.context, action=action, sender_id=BUYER_ID, now=clock.now(), policy=POLICY
    )


def test_version_2_0_2_selects_the_b2b_family_and_its_models() -> None:
    raw = orjson.dumps({"context": {"action": "select", "version": "2.0.2"}, "message": {}})
    contract, request = default_table().parse_request("select", raw)
    assert contract is B2B_2_0_2
    assert isinstance(request, schemas.b2b.B2BSelectRequest)
    retail = orjson.dumps({"context": {"action": "select", "core_version": "1.2.0"}, "message": {}})
    assert default_table().parse_request("select", retail)[0] is RETAIL_1_2_0


def test_every_b2b_action_and_callback_is_registered() -> None:
    assert set(B2B_2_0_2.requests) == {
        "search", "select", "init", "confirm", "status", "track", "cancel", "update",
        "rating", "support",
    }  # fmt: skip
    assert set(B2B_2_0_2.callbacks) == {f"on_{action}" for action in B2B_2_0_2.requests}


def test_valid_b2b_context_passes_with_its_ttl(clock: FixedClock) -> None:
    assert _check(clock, "status") == timedelta(seconds=30)


def test_rfq_window_of_months_is_accepted_on_select_but_bounds_no_callback(
    clock: FixedClock,
) -> None:
    assert _check(clock, "select", ttl="P6M") == POLICY.max_ttl
    with pytest.raises(ContextError, match=re.escape("context.ttl P6M is longer")) as refused:
        _check(clock, "status", ttl="P6M")
    assert refused.value.path == "context.ttl"


@pytest.mark.parametrize(
    ("overrides", "path"),
    [
        ({"location": {"city": {"code": "Shimla"}, "country": {"code": "IND"}}},
         "context.location.city.code"),
        ({"location": {"city": {"code": "std:0177"}, "country": {"code": "SGP"}}},
         "context.location.country.code"),
        ({"location": {"country": {"code": "IND"}}}, "context.location.city.code"),
        ({"location": None}, "context.location"),
        ({"city": "std:0177"}, "context.location"),
        ({"domain": "ONDC:RET16"}, "context.domain"),
        ({"bpp_id": "someone.else"}, "context.bpp_id"),
        ({"ttl": "soon"}, "context.ttl"),
    ],
)  # fmt: skip
def test_broken_b2b_context_is_refused_naming_the_b2b_field(
    clock: FixedClock, overrides: dict[str, Any], path: str
) -> None:
    with pytest.raises(ContextError) as refused:
        _check(clock, **overrides)
    assert refused.value.path == path
    assert path in refused.value.message


def test_stale_b2b_request_is_30022(clock: FixedClock) -> None:
    old = schemas.format_timestamp(clock.now() - timedelta(minutes=5))
    with pytest.raises(StaleRequest):
        _check(clock, "status", timestamp=old)


@pytest.mark.parametrize(
    ("text", "days"),
    [("P2D", 2), ("P6M", 186), ("P1Y", 366), ("P1W", 7), ("PT30S", 30 / 86400)],
)
def test_b2b_durations(text: str, days: float) -> None:
    assert parse_b2b_duration(text) == timedelta(days=days)


async def test_b2b_request_with_retail_context_fields_is_nacked_at_the_edge(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock, ONDC_DOMAINS="ONDC:RET10,ONDC:RET16") as net:
        body = orjson.dumps(
            {
                "context": context(
                    "status", clock, domain="ONDC:RET10", core_version=None, version="2.0.2"
                ),
                "message": {"order_id": "O1"},
            }
        )
        response = await net.post("status", body, signed(body, clock))
        assert response.status_code == 400
        error = response.json()["error"]
        assert error["code"] == "30000"
        assert "context.location" in error["message"]


def test_every_b2b_action_has_a_reply_so_none_is_nacked_40001() -> None:
    assert set(B2B_2_0_2.replies) == set(B2B_2_0_2.requests)


@pytest.mark.parametrize(
    ("action", "message"),
    [("track", {"order_id": "O1"}), ("rating", {"ratings": []}),
     ("support", {"support": {"ref_id": "O1"}})],
)  # fmt: skip
async def test_b2b_track_rating_and_support_are_acked_and_answered(
    tmp_path: Path, clock: FixedClock, action: str, message: dict[str, Any]
) -> None:
    async with edge(tmp_path, clock, ONDC_DOMAINS="ONDC:RET10,ONDC:RET16") as net:
        body = b2b_body(action, clock, message)
        response = await net.post(action, body, signed(body, clock))
        assert isinstance(response, httpx.Response)
        assert response.json()["message"]["ack"]["status"] == "ACK", response.text
        assert await net.dispatch() == 1
        assert str(net.received[-1].url).endswith(f"/on_{action}")
