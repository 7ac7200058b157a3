"""The B2B order and its parts (ONDC B2B 2.0.2, Beckn core 1.1 ``Order``).

Typed where the adapter reads a value (ids, quantities, prices, payment type and status,
terms in tags); everything else is kept as received by ``WireModel`` and written back
unchanged. The differences from retail 1.2.x that matter: ``payments`` is a list (each
with ``type`` PRE-FULFILLMENT / ON-FULFILLMENT / POST-FULFILLMENT and ``status`` NOT-PAID /
PAID), ``billing.address`` is one line of text with ``tax_id`` (the buyer's GSTIN),
``fulfillments[].stops`` replace ``start``/``end``, items name ``fulfillment_ids`` and
``location_ids``, and the provider may carry the RFQ window as ``ttl``.
"""

from __future__ import annotations

from pydantic import Field

from schemas._base import Count, DecimalValue, WireModel
from schemas._measure import Price as B2BPrice
from schemas.b2b._tags import B2BDescriptor, B2BTagGroup


class B2BCount(WireModel):
    """``{"count": n}``."""

    count: Count | None = None


class B2BItemQuantity(WireModel):
    """An item's quantity in an order: ``selected`` by the buyer; ``available`` /
    ``maximum`` / ``minimum`` where a seller states what can be had."""

    selected: B2BCount | None = None
    available: B2BCount | None = None
    maximum: B2BCount | None = None
    minimum: B2BCount | None = None


class B2BOrderItem(WireModel):
    """An item line of an order."""

    id: str | None = None
    fulfillment_ids: list[str] | None = None
    location_ids: list[str] | None = None
    quantity: B2BItemQuantity | None = None
    price: B2BPrice | None = None
    tags: list[B2BTagGroup] | None = None


class B2BLocationRef(WireModel):
    """``{"id": ...}`` of a provider location."""

    id: str | None = None


class B2BOrderProvider(WireModel):
    """The provider of an order; ``ttl`` is the buyer's RFQ window (ISO 8601)."""

    id: str | None = None
    locations: list[B2BLocationRef] | None = None
    ttl: str | None = None


class B2BBilling(WireModel):
    """Who is invoiced: ``address`` is one line of text; ``tax_id`` the buyer's GSTIN."""

    name: str | None = None
    address: str | None = None
    tax_id: str | None = None
    email: str | None = None
    phone: str | None = None


class B2BState(WireModel):
    """A fulfilment's state: ``{"descriptor": {"code": "Order-picked-up"}}``."""

    descriptor: B2BDescriptor | None = None


class B2BFulfillment(WireModel):
    """A fulfilment: ``type`` Delivery or Self-Pickup, its ``stops`` (start and end) and
    state; delivery terms travel in ``tags``."""

    id: str | None = None
    type: str | None = None
    state: B2BState | None = None
    tags: list[B2BTagGroup] | None = None


class B2BQuoteBreakup(WireModel):
    """A quote line: item, discount, packing, delivery, tax or misc."""

    item_id: str | None = Field(default=None, alias="@ondc/org/item_id")
    item_quantity: B2BCount | None = Field(default=None, alias="@ondc/org/item_quantity")
    title: str | None = None
    title_type: str | None = Field(default=None, alias="@ondc/org/title_type")
    price: B2BPrice | None = None


class B2BQuote(WireModel):
    """The quote: total, breakup, and ``ttl`` (how long the seller holds it)."""

    price: B2BPrice | None = None
    breakup: list[B2BQuoteBreakup] | None = None
    ttl: str | None = None


class B2BPaymentParams(WireModel):
    """What was paid: ``amount``, ``currency``, the payment's ``transaction_id``."""

    amount: DecimalValue | None = None
    currency: str | None = None
    transaction_id: str | None = None


class B2BPayment(WireModel):
    """One payment term of the order."""

    id: str | None = None
    type: str | None = None
    status: str | None = None
    collected_by: str | None = None
    params: B2BPaymentParams | None = None


class B2BDocument(WireModel):
    """A document of the order (``PROFORMA_INVOICE`` / tax invoice URL)."""

    url: str | None = None
    label: str | None = None


class B2BOrder(WireModel):
    """The order as B2B exchanges it, from the RFQ (``/select``) to delivery."""

    id: str | None = None
    state: str | None = None
    provider: B2BOrderProvider | None = None
    items: list[B2BOrderItem] | None = None
    billing: B2BBilling | None = None
    fulfillments: list[B2BFulfillment] | None = None
    quote: B2BQuote | None = None
    payments: list[B2BPayment] | None = None
    documents: list[B2BDocument] | None = None
    tags: list[B2BTagGroup] | None = None
    created_at: str | None = None
    updated_at: str | None = None
