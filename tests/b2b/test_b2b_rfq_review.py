"""RFQs a seller decides by hand: held within the /select's ttl (the solicited /on_select
waits for the decision), listed to the seller, accepted, countered (validated) or declined;
no decision in time gets the seller's default and the seller is told. SQLite and
PostgreSQL at the edge; the quotation maths pure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import select

from adapter.core.b2b.rfq_review import RfqRules, counter_quote, decide_by, held_reason
from adapter.core.clock import FixedClock
from adapter.storage.tables import seller_notifications
from tests.b2b.peers import b2b_body
from tests.b2b.test_b2b_purchase_order import _order, _quote_like
from tests.b2b.test_b2b_rfq import OIL, _rfq, _seller, oil_letter
from tests.network.peers import Edge, edge, signed
from tests.network.test_seller_api import ADMIN

DOMAINS = {"ONDC_DOMAINS": "ONDC:RET10,ONDC:RET12"}
TXN = "b2b-rfq-held-1"
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def test_only_the_sellers_rules_hold_an_rfq_and_the_window_ends_before_the_ttl() -> None:
    terms = RfqRules("s", review="terms", decision_seconds=3600)
    assert held_reason(None, buyer_terms=True, beyond=[]) is None
    assert held_reason(RfqRules("s"), buyer_terms=True, beyond=["a"]) is None  # off
    assert held_reason(terms, buyer_terms=False, beyond=[]) is None
    assert "BUYER_TERMS" in (held_reason(terms, buyer_terms=True, beyond=[]) or "")
    assert "beyond the price list of a" in (
        held_reason(terms, buyer_terms=False, beyond=["a"]) or ""
    )
    assert held_reason(RfqRules("s", review="all"), buyer_terms=False, beyond=[])
    assert decide_by(terms, now=NOW, answer_deadline=NOW + timedelta(days=2)) == NOW + timedelta(
        hours=1
    )
    short = decide_by(terms, now=NOW, answer_deadline=NOW + timedelta(minutes=10))
    assert short == NOW + timedelta(minutes=10) - timedelta(seconds=5)
    assert decide_by(terms, now=NOW, answer_deadline=NOW + timedelta(seconds=9)) is None


def _proposed() -> dict[str, Any]:
    money = lambda v: {"currency": "INR", "value": v}  # noqa: E731
    order = {
        "items": [{"id": "A"}, {"id": "B"}],
        "quote": {
            "price": money("1165.00"),
            "ttl": "P1D",
            "breakup": [
                {"@ondc/org/item_id": "A", "@ondc/org/title_type": "item",
                 "@ondc/org/item_quantity": {"count": 2}, "price": money("800.00"),
                 "item": {"price": money("400.00")}},
                {"@ondc/org/item_id": "A", "@ondc/org/title_type": "tax", "price": money("40.00")},
                {"@ondc/org/item_id": "B", "@ondc/org/title_type": "item",
                 "@ondc/org/item_quantity": {"count": 1}, "price": money("300.00")},
                {"@ondc/org/item_id": "B", "@ondc/org/title_type": "tax", "price": money("0.00")},
                {"@ondc/org/item_id": "1", "@ondc/org/title_type": "delivery",
                 "price": money("25.00")},
            ],
        },
    }  # fmt: skip
    lines = {"A": {"list_price": "400.00", "tax_rate": "5"},
             "B": {"list_price": "300.00", "tax_rate": "0"}}  # fmt: skip
    return {"order": order, "lines": lines}


def test_a_counter_offer_reprices_its_lines_and_tax_and_the_total_is_the_breakup() -> None:
    order = counter_quote(_proposed(), {"A": Decimal("350")}, above_list=False, quote_ttl="P7D")
    breakup = order["quote"]["breakup"]
    assert breakup[0]["price"]["value"] == "700.00"
    assert breakup[0]["item"]["price"]["value"] == "350.00"
    assert breakup[1]["price"]["value"] == "35.00"
    assert breakup[2]["price"]["value"] == "300.00"  # B untouched
    assert order["quote"]["price"]["value"] == "1060.00"
    assert order["quote"]["ttl"] == "P7D"
    with pytest.raises(ValueError, match=r"items\[A\].unit_price 450: above the list price"):
        counter_quote(_proposed(), {"A": Decimal("450")}, above_list=False)
    above = counter_quote(_proposed(), {"A": Decimal("450")}, above_list=True)
    assert above["quote"]["price"]["value"] == "1270.00"
    with pytest.raises(ValueError, match="'C' is not in this RFQ"):
        counter_quote(_proposed(), {"C": Decimal("1")}, above_list=False)
    with pytest.raises(ValueError, match="above 0"):
        counter_quote(_proposed(), {"A": Decimal("0")}, above_list=False)


async def _held(net: Edge, clock: FixedClock, *, default: str = "quote") -> dict[str, str]:
    key = await _seller(net)
    rules = {"review": "terms", "decision_seconds": 600, "default": default}
    put = await net.client.put("/seller/v1/b2b/rfq-rules", json=rules, headers=key)
    assert put.status_code == 200, put.text
    return key


async def _select(net: Edge, clock: FixedClock) -> dict[str, Any]:
    body = _rfq(clock, 120, transaction_id=TXN)  # BUYER_TERMS on its item, ttl P2D
    response = await net.post("select", body, signed(body, clock))
    assert response.status_code == 200, response.text
    request: dict[str, Any] = orjson.loads(body)
    return request


def _answers(net: Edge, before: int) -> list[dict[str, Any]]:
    return [orjson.loads(r.content) for r in net.received[before:]]


async def _events(net: Edge) -> list[tuple[str, dict[str, Any]]]:
    database = net.app.state.runtime.store.database
    async with database.engine.connect() as connection:
        rows = await connection.execute(
            select(seller_notifications.c.event, seller_notifications.c.payload).order_by(
                seller_notifications.c.id
            )
        )
        return [(row.event, row.payload) for row in rows if row.event.startswith("rfq.")]


async def test_a_held_rfq_is_countered_by_the_seller_and_its_on_select_carries_it(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with edge(tmp_path, clock, database_url=database_url, **DOMAINS) as net:
        key = await _held(net, clock)
        letter = oil_letter("HIM-RFQ-1")
        created = await net.client.post("/admin/v1/loi/letters", json=letter, headers=ADMIN)
        assert created.status_code == 201, created.text
        shown = f"/admin/v1/loi/letters/{created.json()['id']}"
        request = await _select(net, clock)
        before = len(net.received)
        assert await net.dispatch() == 1
        assert _answers(net, before) == []  # the on_select waits for the seller
        assert (await net.client.get(shown, headers=ADMIN)).json()["stage"] == "rfq_received"
        [(event, told)] = await _events(net)
        assert event == "rfq.received"
        assert "BUYER_TERMS" in told["rfq"]["reason"]
        pending = await net.client.get("/seller/v1/b2b/rfqs?state=pending", headers=key)
        [rfq] = pending.json()
        assert rfq["list_prices"] == {OIL: "350.00"}
        assert rfq["decide_by"] == "2026-11-23T10:10:00.123Z"
        base = f"/seller/v1/b2b/rfqs/{rfq['id']}"

        dear = {"items": [{"sku": OIL, "unit_price": "360"}]}
        refused = await net.client.post(f"{base}/counter", json=dear, headers=key)
        assert refused.status_code == 422
        assert f"items[{OIL}].unit_price 360" in refused.text
        stranger = {"items": [{"sku": "odopkinnaur99", "unit_price": "300"}]}
        refused = await net.client.post(f"{base}/counter", json=stranger, headers=key)
        assert refused.status_code == 422
        assert "not in this RFQ" in refused.text
        negative = {"items": [{"sku": OIL, "unit_price": "-1"}]}
        refused = await net.client.post(f"{base}/counter", json=negative, headers=key)
        assert refused.status_code == 422
        assert "unit_price" in refused.text

        clock.advance(120)
        offer = {"items": [{"sku": OIL, "unit_price": "320"}], "quote_ttl": "P7D"}
        countered = await net.client.post(f"{base}/counter", json=offer, headers=key)
        assert countered.status_code == 200, countered.text
        assert countered.json()["state"] == "countered"
        again = await net.client.post(f"{base}/accept", headers=key)
        assert again.status_code == 409
        assert await net.dispatch() == 1  # made due at once
        [answer] = _answers(net, before)
        assert answer["context"]["action"] == "on_select"
        assert answer["context"]["message_id"] == request["context"]["message_id"]
        assert answer["context"]["timestamp"] == "2026-11-23T10:02:00.123Z"
        quote = answer["message"]["order"]["quote"]
        item, tax = quote["breakup"][0], quote["breakup"][1]
        assert (item["price"]["value"], item["item"]["price"]["value"]) == ("38400.00", "320.00")
        assert tax["price"]["value"] == "1920.00"
        assert quote["ttl"] == "P7D"
        parts = sum(Decimal(line["price"]["value"]) for line in quote["breakup"])
        assert Decimal(quote["price"]["value"]) == parts
        assert "error" not in answer
        letter_now = (await net.client.get(shown, headers=ADMIN)).json()
        assert letter_now["stage"] == "quoted"
        assert letter_now["quoted_paise"] == round(float(quote["price"]["value"]) * 100)
        # The counter-offer is the quotation the buyer can now /init.
        body = b2b_body("init", clock, {"order": _order(answer["message"]["order"])},
                        transaction_id=TXN)  # fmt: skip
        init = await _quote_like(net, clock, "init", body)
        assert init["message"]["order"]["quote"]["price"] == quote["price"]


async def test_a_declined_rfq_answers_50005_with_the_reason_and_keeps_no_quotation(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with edge(tmp_path, clock, database_url=database_url, **DOMAINS) as net:
        key = await _held(net, clock)
        await _select(net, clock)
        assert await net.dispatch() == 1
        [rfq] = (await net.client.get("/seller/v1/b2b/rfqs", headers=key)).json()
        base = f"/seller/v1/b2b/rfqs/{rfq['id']}"
        short = await net.client.post(f"{base}/decline", json={"reason": ""}, headers=key)
        assert short.status_code == 422
        assert "reason" in short.text
        # An id past PostgreSQL's bigint is the caller's mistake, named, never a 500.
        for path in ("/seller/v1/b2b/rfqs/9223372036854775808", f"{base[: -len(str(rfq['id']))]}0"):
            wide = await net.client.get(path, headers=key)
            assert wide.status_code == 422, wide.text
            assert "rfq_id" in wide.text
        declined = await net.client.post(
            f"{base}/decline", json={"reason": "no 5 l tins this season"}, headers=key
        )
        assert declined.status_code == 200, declined.text
        before = len(net.received)
        assert await net.dispatch() == 1
        [answer] = _answers(net, before)
        assert answer["error"] == {
            "type": "DOMAIN-ERROR",
            "code": "50005",
            "message": "no 5 l tins this season",
        }
        assert answer["message"]["order"]["items"][0]["id"] == OIL
        assert await net.app.state.runtime.orders.by_transaction(TXN) is None
        # Its stock is let go: another transaction can hold all of it.
        held = await net.app.state.runtime.orders.hold(
            transaction_id="other", seller_code="odopkinnaur", wants={OIL: 1000},
            now=clock.now(), until=clock.now(), caps={OIL: None},
        )  # fmt: skip
        assert held[0].held == 1000


async def test_no_decision_in_the_window_quotes_from_the_price_list_and_tells_the_seller(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with edge(tmp_path, clock, database_url=database_url, **DOMAINS) as net:
        key = await _held(net, clock)
        request = await _select(net, clock)
        assert await net.dispatch() == 1
        before = len(net.received)
        clock.advance(599)
        assert await net.dispatch() == 0  # not yet due
        assert _answers(net, before) == []
        clock.advance(1)
        assert await net.dispatch() == 1
        [answer] = _answers(net, before)
        assert answer["context"]["message_id"] == request["context"]["message_id"]
        assert answer["message"]["order"]["quote"]["breakup"][0]["item"]["price"]["value"] == (
            "350.00"
        )
        assert "error" not in answer
        events = await _events(net)
        assert [event for event, _ in events] == ["rfq.received", "rfq.decided"]
        assert events[1][1]["rfq"]["state"] == "quoted"
        [rfq] = (await net.client.get("/seller/v1/b2b/rfqs", headers=key)).json()
        late = await net.client.post(f"/seller/v1/b2b/rfqs/{rfq['id']}/accept", headers=key)
        assert late.status_code == 409
        assert (await net.app.state.runtime.orders.by_transaction(TXN)).stage == "selected"


async def test_an_rfq_with_the_usual_pt30s_ttl_is_not_held_and_answers_at_once(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock, **DOMAINS) as net:
        key = await _held(net, clock, default="decline")
        body = orjson.loads(_rfq(clock, 120, transaction_id=TXN))
        body["context"]["ttl"] = "PT30S"
        raw = orjson.dumps(body)
        assert (await net.post("select", raw, signed(raw, clock))).status_code == 200
        before = len(net.received)
        assert await net.dispatch() == 1
        [answer] = _answers(net, before)
        assert "error" not in answer
        assert (await net.client.get("/seller/v1/b2b/rfqs", headers=key)).json() == []
