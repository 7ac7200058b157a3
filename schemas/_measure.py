"""Prices, measures and quantities (Beckn core 1.2.0 ``Price``, ``Scalar``, ``ItemQuantity``).

Amounts and measure values stay as the peer wrote them (usually decimal strings such as
``"6062.00"``); see ``DecimalValue``.
"""

from __future__ import annotations

from schemas._base import Count, DecimalValue, WireModel
from schemas._descriptor import TagGroup


class Price(WireModel):
    """A price (Beckn core 1.2.0 ``Price``).

    ONDC retail 1.2.0: catalogue items carry ``value`` and ``maximum_value`` (MRP; the
    value must not exceed it); quote lines carry ``value``; offers add ``offered_value``.
    ``currency`` is ``"INR"``.
    """

    currency: str | None = None
    value: DecimalValue | None = None
    estimated_value: DecimalValue | None = None
    computed_value: DecimalValue | None = None
    listed_value: DecimalValue | None = None
    offered_value: DecimalValue | None = None
    minimum_value: DecimalValue | None = None
    maximum_value: DecimalValue | None = None
    tags: list[TagGroup] | None = None


class ScalarRange(WireModel):
    """The ``range`` of a ``Scalar`` (Beckn core 1.2.0)."""

    min: DecimalValue | None = None
    max: DecimalValue | None = None


class Scalar(WireModel):
    """A value with a unit (Beckn core 1.2.0 ``Scalar``): ``{"unit": "km", "value": "3"}``.

    ONDC retail 1.2.0 uses it for ``unitized.measure`` (``{"unit": "gram", "value":
    "500"}``) and the serviceability ``circle.radius``.
    """

    type: str | None = None
    value: DecimalValue | None = None
    estimated_value: DecimalValue | None = None
    computed_value: DecimalValue | None = None
    range: ScalarRange | None = None
    unit: str | None = None


class Quantity(WireModel):
    """A count and/or measure (Beckn core 1.2.0 ``Quantity``), e.g. ``{"count": 2}``.

    Used for order item quantities and the quote's ``@ondc/org/item_quantity``.
    """

    count: Count | None = None
    measure: Scalar | None = None


class ItemQuantity(WireModel):
    """The quantity of an item (Beckn core 1.2.0 ``ItemQuantity``).

    In an ONDC retail 1.2.0 catalogue: ``unitized.measure`` (pack size),
    ``available.count`` (``"99"`` in stock, ``"0"`` out of stock) and ``maximum.count``.
    In an order the item's quantity is just ``{"count": n}``, which is why ``count`` and
    ``measure`` sit here too. In ``on_select`` quote lines ``available``/``maximum`` report
    stock.
    """

    count: Count | None = None
    measure: Scalar | None = None
    allocated: Quantity | None = None
    available: Quantity | None = None
    maximum: Quantity | None = None
    minimum: Quantity | None = None
    selected: Quantity | None = None
    unitized: Quantity | None = None
