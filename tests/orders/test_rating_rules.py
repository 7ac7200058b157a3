"""The pure rules of buyers' ratings: what a /rating may rate of its order, and how the
catalogue shows the averages (adapter.core.ratings)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from adapter.core.orders import OrderRow
from adapter.core.ratings import BuyerRating, RatingTally, order_ratings, rate_providers

_NOW = datetime(2026, 12, 7, tzinfo=UTC)


def _order() -> OrderRow:
    return OrderRow(
        pk=1,
        transaction_id="t-1",
        bap_id="buyer.example",
        bap_uri="https://buyer.example/ondc",
        domain="ONDC:RET16",
        city="std:01892",
        seller_code="odopkangra",
        order_id="ODOP-1",
        stage="confirmed",
        state="Completed",
        fulfillment_state="Order-delivered",
        document={
            "provider": {"id": "odopkangra"},
            "items": [{"id": "odopkangra02"}],
            "fulfillments": [{"id": "1"}],
        },
        total=Decimal("4500.00"),
        accept_by=None,
        ship_by=None,
        created_at=_NOW,
        confirmed_at=_NOW,
        updated_at=_NOW,
    )


def test_only_the_order_and_its_own_parts_are_rated_the_last_value_counting() -> None:
    given = [
        ("Order", "ODOP-1", "4"),
        ("Provider", "odopkangra", "5"),
        ("Item", "odopkangra02", "2"),
        ("Item", "odopkangra02", "3"),  # the same item again: the later value
        ("Fulfillment", "1", "4"),
        ("Agent", "1", "5"),
        ("Item", "odopchamba01", "1"),  # not in the order
        ("Provider", "odopchamba", "1"),  # another seller
        ("Order", "ODOP-2", "1"),  # another order
        ("Seller", "odopkangra", "5"),  # not an ONDC rating category
    ]
    assert order_ratings(_order(), given) == [
        BuyerRating("Order", "ODOP-1", 4),
        BuyerRating("Provider", "odopkangra", 5),
        BuyerRating("Item", "odopkangra02", 3),
        BuyerRating("Fulfillment", "1", 4),
        BuyerRating("Agent", "1", 5),
    ]


def test_averages_are_whole_stars_rounded_half_up() -> None:
    assert RatingTally(9, 2).average == "5"  # 4.5
    assert RatingTally(5, 1).average == "5"
    assert RatingTally(14, 3).average == "5"  # 4.666...
    assert RatingTally(13, 3).average == "4"  # 4.333...
    assert RatingTally(13, 4).average == "3"  # 3.25
    assert RatingTally(7, 5).average == "1"  # 1.4
    # Every average of values 1 to 5 is one of the five whole stars.
    stars = {
        RatingTally(total, count).average
        for count in range(1, 8)
        for total in range(count, 5 * count + 1)
    }
    assert stars == {"1", "2", "3", "4", "5"}


def test_rated_providers_and_items_carry_their_average_the_others_nothing() -> None:
    providers = [
        {"id": "odopkangra", "items": [{"id": "odopkangra01"}, {"id": "odopkangra02"}]},
        {"id": "odopchamba", "items": [{"id": "odopkangra02"}]},
    ]
    tallies = {
        ("odopkangra", "Provider", "odopkangra"): RatingTally(9, 2),
        ("odopkangra", "Item", "odopkangra02"): RatingTally(4, 1),
    }
    rated = rate_providers(providers, tallies)
    assert rated == [
        {
            "id": "odopkangra",
            "rating": "5",
            "items": [{"id": "odopkangra01"}, {"id": "odopkangra02", "rating": "4"}],
        },
        # The same item id at another seller is another item.
        {"id": "odopchamba", "items": [{"id": "odopkangra02"}]},
    ]
    assert "rating" not in providers[0]  # the input is left as it was
