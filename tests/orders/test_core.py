"""The pure order core: quotes, problems, the state machine, durations, settlement."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapter.core.order_replies import iso_duration, settlement
from adapter.core.orders import (
    IllegalTransition,
    Line,
    OrderRow,
    build_quote,
    next_state,
    parse_duration,
    problems_message,
)

prices = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2)


@given(st.lists(st.tuples(prices, st.integers(0, 50)), min_size=1, max_size=8), prices, prices)
def test_a_quote_is_the_sum_of_its_breakup_to_the_paisa(
    lines: list[tuple[Decimal, int]], delivery: Decimal, packing: Decimal
) -> None:
    cart = [Line(f"sku-{n}", "x", unit, count, count, 20) for n, (unit, count) in enumerate(lines)]
    quote = build_quote(cart, delivery=delivery, packing=packing)
    breakup = quote.payload["breakup"]
    assert sum(Decimal(b["price"]["value"]) for b in breakup) == quote.total
    assert Decimal(quote.payload["price"]["value"]) == quote.total
    for line, entry in zip(cart, breakup, strict=False):
        assert Decimal(entry["price"]["value"]) == line.unit_price * line.can_have


def test_a_short_line_offers_what_can_be_had_and_names_the_item() -> None:
    short = Line("tea", "Kangra Tea", Decimal("350"), 5, 2, 2, "40002")
    quote = build_quote([short], delivery=Decimal(0), with_stock=True)
    (line, _) = quote.payload["breakup"]
    assert line["@ondc/org/item_quantity"] == {"count": 2}
    assert line["item"]["quantity"] == {"available": {"count": "99"}, "maximum": {"count": "2"}}
    code, message = problems_message([short]) or ("", "")
    assert code == "40002"
    assert orjson.loads(message) == [{"item_id": "tea", "error": "40002"}]
    assert problems_message([Line("tea", "t", Decimal(1), 1, 1, 1)]) is None


def test_illegal_moves_are_refused_with_what_is_allowed() -> None:
    assert next_state("pack", "Accepted", "Pending").fulfillment == "Packed"
    with pytest.raises(IllegalTransition) as refused:
        next_state("deliver", "Accepted", "Pending")
    assert set(refused.value.allowed) == {"pack", "cancel"}
    with pytest.raises(IllegalTransition) as closed:
        next_state("cancel", "Completed", "Order-delivered")
    assert closed.value.allowed == ()
    assert "nothing" in str(closed.value)
    assert next_state("rto", "In-progress", "Out-for-delivery").callback == "on_cancel"


@given(st.integers(0, 60 * 24 * 90))
def test_durations_written_read_back(minutes: int) -> None:
    span = timedelta(minutes=minutes)
    assert parse_duration(iso_duration(span)) == span


def test_a_cancelled_order_settles_nothing_and_a_delivered_one_says_when() -> None:
    now = datetime(2026, 11, 23, 10, tzinfo=UTC)
    document = {
        "quote": {
            "price": {"value": "1000.00"},
            "breakup": [
                {"@ondc/org/title_type": "item", "price": {"value": "940.00"}},
                {"@ondc/org/title_type": "delivery", "price": {"value": "60.00"}},
            ],
        },
        "payment": {
            "@ondc/org/buyer_app_finder_fee_type": "percent",
            "@ondc/org/buyer_app_finder_fee_amount": "3",
            "@ondc/org/withholding_amount": "10.00",
            "@ondc/org/settlement_window": "PT24H",
        },
    }
    row = OrderRow(
        1,
        "tx",
        "bap",
        "uri",
        "ONDC:RET10",
        "std:0177",
        "s",
        "O-1",
        "confirmed",
        "Completed",
        "Order-delivered",
        document,
        Decimal(1000),
        None,
        None,
        now,
        now,
        now,
    )
    paid = settlement(row, delivered_at=now)
    assert paid["buyer_app_finder_fee"] == "30.00"
    assert paid["net_payout"] == "940.00"  # 1000 - 30 fee - 10 withheld - 10 TCS - 10 TDS
    assert paid["expected_by"] == "2026-11-24T10:00:00.000Z"
    cancelled = settlement(dataclasses.replace(row, state="Cancelled"), delivered_at=None)
    assert cancelled["net_payout"] == "0.00"
    assert cancelled["status"].startswith("cancelled")
