"""Orders, quotes and cancellation (Beckn core 1.2.0 ``Order``, ``Quotation``,
``Cancellation``, with ONDC retail 1.2.0 extensions).

One ``Order`` model carries every stage: the cart of ``/select``, the billing and
fulfilment details of ``/init``, the confirmed order of ``/confirm`` and the states of
``/on_status``, ``/on_cancel`` and ``/on_update``. The ``quote`` must equal the sum of its
``breakup`` and must not change between ``/on_select``, ``/on_init``, ``/confirm`` and
``/on_confirm`` (ONDC retail 1.2.0); checking that is the core's job, not the schema's.
"""

from __future__ import annotations

from pydantic import Field

from schemas._base import DecimalValue, Flag, WireModel
from schemas._catalog import Offer, Provider
from schemas._descriptor import Descriptor, TagGroup
from schemas._fulfillment import Fulfillment, State
from schemas._item import Item
from schemas._location import Address, Location
from schemas._measure import Price, Quantity
from schemas._payment import Payment
from schemas._time import Time, Timestamp


class Billing(WireModel):
    """Who pays (Beckn core 1.2.0 ``Billing``): name, address, phone, email, and the
    buyer's GSTIN as ``tax_number`` (ONDC retail 1.2.0 ``/init``)."""

    name: str | None = None
    address: Address | None = None
    email: str | None = None
    phone: str | None = None
    tax_number: str | None = None
    time: Time | None = None
    created_at: Timestamp | None = None
    updated_at: Timestamp | None = None


class QuoteBreakup(WireModel):
    """One line of a quote (Beckn core 1.2.0 ``Quotation.breakup`` with ONDC fields).

    ``title_type`` (``@ondc/org/title_type``) is ``item``, ``delivery``, ``packing``,
    ``tax``, ``misc``, ``discount`` (ONDC retail 1.2.0; also ``offer``), ``item_id``
    (``@ondc/org/item_id``) the item or fulfilment it applies to, ``item_quantity``
    (``@ondc/org/item_quantity``) the count. In ``/on_select`` ``item.quantity`` reports
    ``available`` and ``maximum`` stock.
    """

    item_id: str | None = Field(default=None, alias="@ondc/org/item_id")
    item_quantity: Quantity | None = Field(default=None, alias="@ondc/org/item_quantity")
    title: str | None = None
    title_type: str | None = Field(default=None, alias="@ondc/org/title_type")
    price: Price | None = None
    item: Item | None = None


class Quote(WireModel):
    """A priced offer for an order (Beckn core 1.2.0 ``Quotation``).

    ``price`` is the total, ``breakup`` its lines, ``ttl`` how long it holds (ISO 8601).
    """

    price: Price | None = None
    breakup: list[QuoteBreakup] | None = None
    ttl: str | None = None


class CancellationReason(WireModel):
    """Why an order was cancelled (ONDC retail 1.2.0 ``cancellation.reason``): ``id`` is a
    cancellation reason code such as ``"002"`` (items not available)."""

    id: str | None = None
    descriptor: Descriptor | None = None


class Cancellation(WireModel):
    """Who cancelled and why (ONDC retail 1.2.0 ``order.cancellation``).

    ``cancelled_by`` is the subscriber id of the app that cancelled.
    """

    cancelled_by: str | None = None
    reason: CancellationReason | None = None
    time: Time | None = None


class CancellationFee(WireModel):
    """The fee for cancelling in a given state (ONDC retail 1.2.0 ``cancellation_fee``):
    a ``percentage`` of the order or an ``amount``."""

    percentage: DecimalValue | None = None
    amount: Price | None = None


class CancellationTerm(WireModel):
    """What cancelling costs at a fulfilment state (Beckn core 1.2.0
    ``CancellationTerm``; ONDC retail 1.2.0 ``order.cancellation_terms``)."""

    fulfillment_state: State | None = None
    reason_required: Flag | None = None
    cancel_by: Time | None = None
    cancellation_fee: CancellationFee | None = None
    refund_eligible: Flag | None = None
    tags: list[TagGroup] | None = None


class Document(WireModel):
    """A document of the order (ONDC retail 1.2.0 ``order.documents``), e.g. the invoice
    (``label`` ``"Invoice"``) sent from ``Order-picked-up`` on."""

    url: str | None = None
    label: str | None = None


class Order(WireModel):
    """An order at any stage (Beckn core 1.2.0 ``Order``, ONDC retail 1.2.0).

    ``state`` is ``Created``, ``Accepted``, ``In-progress``, ``Completed`` or
    ``Cancelled``. ``provider`` names the seller and store, ``items`` the lines,
    ``fulfillments`` delivery (and ``Cancel``/``Return``/``RTO`` fulfilments later),
    ``tags`` carry ``bpp_terms``/``bap_terms`` (GSTIN, PAN, liability caps).
    """

    id: str | None = None
    state: str | None = None
    provider: Provider | None = None
    items: list[Item] | None = None
    offers: list[Offer] | None = None
    billing: Billing | None = None
    fulfillments: list[Fulfillment] | None = None
    quote: Quote | None = None
    payment: Payment | None = None
    cancellation: Cancellation | None = None
    cancellation_terms: list[CancellationTerm] | None = None
    documents: list[Document] | None = None
    locations: list[Location] | None = None
    tags: list[TagGroup] | None = None
    created_at: Timestamp | None = None
    updated_at: Timestamp | None = None
