"""The edge's parse: a search leaves the key order of its parts but the context unread
(its answer writes none of them back); every other request keeps its whole order at once,
since the edge may store or forward parts of it before any answer is built."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

import orjson

import schemas
from adapter.core.clock import FixedClock
from adapter.core.contract_table import default_table
from adapter.network.request_body import parse_body
from adapter.runtime import Runtime
from tests.network.peers import context


def _runtime() -> Runtime:
    return cast(Runtime, SimpleNamespace(contracts=default_table(), parser=None))


def _body(action: str, clock: FixedClock, message: dict[str, Any]) -> bytes:
    return orjson.dumps({"message": message, "context": context(action, clock)})


async def test_a_select_parsed_at_the_edge_dumps_its_parts_in_the_order_received(
    clock: FixedClock,
) -> None:
    order = {
        "provider": {"locations": [{"id": "L1"}], "id": "P1"},
        "items": [{"quantity": {"count": 1}, "location_id": "L1", "id": "I1"}],
        "fulfillments": [{"end": {"location": {"gps": "31.1,77.1"}}}],
    }
    _, request = await parse_body(_runtime(), "select", _body("select", clock, {"order": order}))
    # No complete_order: the parse remembered the whole order already.
    dumped = orjson.loads(schemas.dump(request.message))  # type: ignore[attr-defined]
    assert list(dumped["order"]["provider"]) == ["locations", "id"]
    assert list(dumped["order"]["items"][0]) == ["quantity", "location_id", "id"]


async def test_a_search_parsed_at_the_edge_keeps_its_context_order_and_defers_the_rest(
    clock: FixedClock,
) -> None:
    intent = {"payment": {"@ondc/org/buyer_app_finder_fee_type": "percent"},
              "item": {"descriptor": {"name": "शॉल"}}}  # fmt: skip
    body = orjson.dumps(
        {"message": {"intent": intent}, "context": dict(reversed(context("search", clock).items()))}
    )
    _, request = await parse_body(_runtime(), "search", body)
    assert list(orjson.loads(schemas.dump(request.context))) == list(
        reversed(context("search", clock))
    )
    schemas.complete_order(request)
    dumped = orjson.loads(schemas.dump(request.message))  # type: ignore[attr-defined]
    assert list(dumped["intent"]) == ["payment", "item"]
