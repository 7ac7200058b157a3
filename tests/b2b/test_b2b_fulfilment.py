"""Split deliveries and payments of a B2B order (pure)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from adapter.core.b2b.fulfilment import deliver, pay, ship
from adapter.core.order_book import Refusal

NOW = datetime(2026, 11, 20, 10, tzinfo=UTC)


def _wire() -> dict[str, Any]:
    def money(value: str) -> dict[str, str]:
        return {"currency": "INR", "value": value}

    return {
        "id": "PO-1",
        "state": "Accepted",
        "items": [
            {"id": "A", "quantity": {"selected": {"count": 3}}},
            {"id": "B", "quantity": {"selected": {"count": 1}}},
        ],
        "fulfillments": [{"id": "1", "state": {"descriptor": {"code": "Pending"}}}],
        "quote": {
            "price": money("1155.00"),
            "breakup": [
                {
                    "@ondc/org/item_id": "A",
                    "@ondc/org/item_quantity": {"count": 3},
                    "@ondc/org/title_type": "item",
                    "price": money("300.00"),
                },
                {"@ondc/org/item_id": "A", "@ondc/org/title_type": "tax", "price": money("15.00")},
                {
                    "@ondc/org/item_id": "B",
                    "@ondc/org/item_quantity": {"count": 1},
                    "@ondc/org/title_type": "item",
                    "price": money("700.00"),
                },
                {"@ondc/org/item_id": "B", "@ondc/org/title_type": "tax", "price": money("35.00")},
                {
                    "@ondc/org/item_id": "1",
                    "@ondc/org/title_type": "delivery",
                    "price": money("105.00"),
                },
            ],
        },
        "payments": [{"type": "POST-FULFILLMENT", "status": "NOT-PAID"}],
    }


def test_split_deliveries_realise_per_piece_and_the_last_completes_the_total() -> None:
    first = deliver(_wire(), {}, {"A": 2}, now=NOW)
    assert (first.state, first.realised_paise) == ("In-progress", 21_000)  # 2 x (100 + 5)
    assert first.wire["fulfillments"][-1]["tags"] == [
        {
            "descriptor": {"code": "ITEM_DETAILS"},
            "list": [
                {"descriptor": {"code": "ITEM_ID"}, "value": "A"},
                {"descriptor": {"code": "COUNT"}, "value": "2"},
            ],
        }
    ]
    last = deliver(first.wire, first.internal, None, now=NOW)
    assert (last.state, last.fulfillment_state) == ("Completed", "Order-delivered")
    assert first.realised_paise + last.realised_paise == 115_500  # delivery charge included
    with pytest.raises(Refusal):
        deliver(last.wire, last.internal, {"A": 1}, now=NOW)


def test_more_than_was_ordered_is_refused() -> None:
    with pytest.raises(Refusal, match="left to deliver"):
        deliver(_wire(), {}, {"A": 4}, now=NOW)


def test_payments_add_up_to_paid_and_never_beyond_the_total() -> None:
    part = pay(_wire(), {}, Decimal("500"), "UTR-1", now=NOW)
    assert part.wire["payments"][0]["status"] == "NOT-PAID"
    full = pay(part.wire, part.internal, Decimal("655"), "UTR-2", now=NOW)
    assert full.wire["payments"][0]["status"] == "PAID"
    assert full.realised_paise == 65_500
    with pytest.raises(Refusal, match="more than the total"):
        pay(full.wire, full.internal, Decimal("1"), "UTR-3", now=NOW)


def test_stages_move_the_delivery_and_refuse_after_completion() -> None:
    packed = ship(_wire(), {}, "Packed", now=NOW)
    assert (packed.state, packed.fulfillment_state) == ("Accepted", "Packed")
    picked = ship(packed.wire, {}, "Order-picked-up", now=NOW)
    assert picked.state == "In-progress"
    done = deliver(picked.wire, {}, None, now=NOW)
    with pytest.raises(Refusal):
        ship(done.wire, done.internal, "Packed", now=NOW)


def test_a_payment_reference_is_recorded_once() -> None:
    first = pay(_wire(), {}, Decimal("100"), "UTR-9", now=NOW)
    with pytest.raises(Refusal, match="recorded already"):
        pay(first.wire, first.internal, Decimal("100"), "UTR-9", now=NOW)


def test_proof_of_delivery_images_go_on_the_end_stop() -> None:
    wire = _wire()
    wire["fulfillments"][0]["stops"] = [{"type": "end", "location": {"area_code": "171001"}}]
    done = deliver(wire, {"tat": "P2D"}, None, now=NOW, proof=["https://x.example/pod.jpg"])
    [end] = done.wire["fulfillments"][0]["stops"]
    assert end["instructions"]["images"] == ["https://x.example/pod.jpg"]
    assert end["time"]["timestamp"] == "2026-11-20T10:00:00.000Z"
    assert end["time"]["range"]["end"] == "2026-11-22T10:00:00.000Z"


def _pickup() -> dict[str, Any]:
    wire = _wire()
    wire["fulfillments"][0] |= {"type": "Self-Pickup", "stops": [{"type": "start"}]}
    return wire


def test_a_self_pickup_handed_over_completes_the_order_with_its_whole_value() -> None:
    ready = ship(_pickup(), {"tat": "P3D"}, "Packed", now=NOW)
    assert (ready.state, ready.realised_paise) == ("Accepted", 0)
    handed = ship(ready.wire, ready.internal, "Order-picked-up", now=NOW,
                  proof=["https://x.example/pickup.jpg"])  # fmt: skip
    assert (handed.state, handed.fulfillment_state) == ("Completed", "Order-picked-up")
    assert handed.realised_paise == 115_500
    [stop] = handed.wire["fulfillments"][0]["stops"]
    assert stop["time"]["timestamp"] == "2026-11-20T10:00:00.000Z"
    assert stop["instructions"]["name"] == "Proof of pickup"


def test_a_self_pickup_is_never_on_the_road_nor_delivered() -> None:
    with pytest.raises(Refusal, match="Order-picked-up"):
        ship(_pickup(), {}, "Out-for-delivery", now=NOW)
    with pytest.raises(Refusal, match="self-pickup"):
        deliver(_pickup(), {}, None, now=NOW)
