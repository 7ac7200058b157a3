"""Buyers' ratings, kept and shown back in the catalogue (ONDC retail 1.2.x ``/rating``).

A buyer app rates an order's parts with ``/rating``: ``ratings[]`` of ``rating_category``
(``Order``, ``Provider``, ``Item``, ``Fulfillment``, ``Agent``), the rated ``id`` and a
``value`` of ``"1"`` to ``"5"``. The seller app keeps them and publishes the aggregate in its
catalogue: ``bpp/providers[].rating`` and ``items[].rating`` (Beckn core ``Rating.value``,
a string; ONDC's 1.2.5 RET10 and RET16 full-catalogue examples carry both, ``"4"`` and
``"4.0"``; ONDC's log-validation-utility at c3d10fe requires them in a 1.2.5 catalogue and
its later commits allow only the whole stars ``"1"`` to ``"5"``, so the average is shown in
whole stars, which every one of them accepts).
Nothing is invented: a provider or item no buyer has rated carries no ``rating``.

Pure: :func:`order_ratings` picks what a ``/rating`` may rate of the order it names, and
:func:`rate_providers` writes the averages into catalogue providers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Final

from adapter.core.orders import OrderRow

__all__ = [
    "CATALOGUE_CATEGORIES",
    "BuyerRating",
    "RatingTally",
    "order_ratings",
    "rate_providers",
]

CATALOGUE_CATEGORIES: Final = ("Provider", "Item")
"""The rating categories a catalogue shows (ONDC retail 1.2.x: provider and item
``rating``); the others (Order, Fulfillment, Agent) are kept, not published."""

_CATEGORIES: Final = frozenset({"Order", "Provider", "Item", "Fulfillment", "Agent"})


@dataclass(frozen=True, slots=True)
class BuyerRating:
    """One rating a buyer app gave: what was rated (category and id) and the value, 1 to 5."""

    category: str
    subject_id: str
    value: int


@dataclass(frozen=True, slots=True)
class RatingTally:
    """The ratings of one provider or item so far: their sum and how many there are."""

    total: int
    count: int

    @property
    def average(self) -> str:
        """The mean as the catalogue shows it: whole stars, rounded half up (4.5 is ``"5"``,
        4.4 is ``"4"``), always ``"1"`` to ``"5"`` since every value is."""
        mean = Decimal(self.total) / Decimal(self.count)
        return str(mean.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def order_ratings(order: OrderRow, ratings: Sequence[tuple[str, str, str]]) -> list[BuyerRating]:
    """The ratings of ``(category, id, value)`` that rate ``order`` or its parts: the order
    itself, its provider, its items, its fulfilments (``Fulfillment`` and ``Agent``).
    Values are already checked to be 1 to 5. A rating naming another provider, or an item
    not in the order, rates nothing of this order and is left out (acknowledged, not kept),
    so a buyer app can only rate what it bought."""
    document = order.document
    provider = str((document.get("provider") or {}).get("id") or order.seller_code)
    items = {str(item.get("id")) for item in document.get("items") or []}
    fulfillments = {str(f.get("id")) for f in document.get("fulfillments") or []}
    owned: Mapping[str, set[str]] = {
        "Order": {str(order.order_id)},
        "Provider": {provider},
        "Item": items,
        "Fulfillment": fulfillments,
        "Agent": fulfillments,
    }
    kept: dict[tuple[str, str], BuyerRating] = {}
    for category, subject, value in ratings:
        if category in _CATEGORIES and subject in owned[category]:
            kept[(category, subject)] = BuyerRating(category, subject, int(value))
    return list(kept.values())


def rate_providers(
    providers: list[dict[str, Any]], tallies: Mapping[tuple[str, str, str], RatingTally]
) -> list[dict[str, Any]]:
    """``providers`` (catalogue ``bpp/providers``) with the ``rating`` of each provider and
    item that buyers have rated; ``tallies`` is keyed by (seller code, category, id)."""
    rated: list[dict[str, Any]] = []
    for provider in providers:
        code = str(provider.get("id"))
        provider = dict(provider)
        own = tallies.get((code, "Provider", code))
        if own is not None:
            provider["rating"] = own.average
        items = []
        for item in provider.get("items") or []:
            tally = tallies.get((code, "Item", str(item.get("id"))))
            items.append({**item, "rating": tally.average} if tally is not None else item)
        if "items" in provider:
            provider["items"] = items
        rated.append(provider)
    return rated
