"""Fulfilments: how an order reaches the buyer (Beckn core 1.2.0 ``Fulfillment``).

ONDC retail 1.2.0 uses the Beckn 1.0 shape: a fulfilment with ``start`` (the store) and
``end`` (the buyer), a ``state`` whose ``descriptor.code`` moves from ``Pending`` through
``Packed``, ``Order-picked-up``, ``Out-for-delivery`` to ``Order-delivered`` (or
``Cancelled``, ``RTO-*``), and ONDC extensions ``@ondc/org/provider_name``,
``@ondc/org/category`` and ``@ondc/org/TAT``. Types: ``Delivery``, ``Self-Pickup``,
``Buyer-Delivery``, and ``Cancel``, ``Return``, ``RTO`` for the fulfilments an order grows
when it is cancelled or returned.
"""

from __future__ import annotations

from pydantic import Field

from schemas._base import Count, Flag, WireModel
from schemas._descriptor import Descriptor, TagGroup
from schemas._location import Location, TrackingLocation
from schemas._person import Agent, Contact, Person
from schemas._time import Time, Timestamp


class State(WireModel):
    """A state (Beckn core 1.2.0 ``State``); ``descriptor.code`` names it.

    Fulfilment states (ONDC retail 1.2.0): ``Pending``, ``Packed``, ``Agent-assigned``,
    ``Order-picked-up``, ``Out-for-delivery``, ``Order-delivered``, ``Cancelled``,
    ``RTO-Initiated``, ``RTO-Delivered``, ``RTO-Disposed``; ``Serviceable``/
    ``Non-serviceable`` in ``/on_select``; ``Return_Initiated`` ... for returns.
    """

    descriptor: Descriptor | None = None
    updated_at: Timestamp | None = None
    updated_by: str | None = None


class Authorization(WireModel):
    """A pickup or delivery code (Beckn core 1.2.0 ``Authorization``), e.g. an OTP.

    ONDC retail 1.2.0 ``start``/``end.authorization``: ``type`` ``"OTP"``, ``token``,
    ``valid_from``, ``valid_to``.
    """

    type: str | None = None
    token: str | None = None
    valid_from: Timestamp | None = None
    valid_to: Timestamp | None = None
    status: str | None = None


class Vehicle(WireModel):
    """The vehicle carrying a shipment (Beckn core 1.2.0 ``Vehicle``); ONDC sends
    ``registration``."""

    category: str | None = None
    capacity: Count | None = None
    make: str | None = None
    model: str | None = None
    size: str | None = None
    variant: str | None = None
    color: str | None = None
    energy_type: str | None = None
    registration: str | None = None


class FulfillmentStop(WireModel):
    """The ``start`` or ``end`` of a fulfilment (Beckn core 1.0 shape, used by ONDC 1.2.0).

    ``location`` with address and gps, ``time`` (``range`` is the pickup or delivery
    window, ``timestamp`` when it happened), ``contact``, ``person``, ``instructions``
    (a descriptor) and an ``authorization`` code.
    """

    location: Location | None = None
    time: Time | None = None
    instructions: Descriptor | None = None
    contact: Contact | None = None
    person: Person | None = None
    authorization: Authorization | None = None
    tags: list[TagGroup] | None = None


class Fulfillment(WireModel):
    """A fulfilment (Beckn core 1.2.0 ``Fulfillment`` with ONDC retail 1.2.0 extensions).

    ``provider_name`` (``@ondc/org/provider_name``) is the logistics provider, ``category``
    (``@ondc/org/category``) the delivery category (``Immediate Delivery``, ``Standard
    Delivery`` ...), ``tat`` (``@ondc/org/TAT``) the promised turnaround as an ISO 8601
    duration, which must be the same in ``/on_select`` and ``/on_confirm``.
    """

    id: str | None = None
    type: str | None = None
    provider_name: str | None = Field(default=None, alias="@ondc/org/provider_name")
    category: str | None = Field(default=None, alias="@ondc/org/category")
    tat: str | None = Field(default=None, alias="@ondc/org/TAT")
    tracking: Flag | None = None
    state: State | None = None
    start: FulfillmentStop | None = None
    end: FulfillmentStop | None = None
    agent: Agent | None = None
    person: Person | None = None
    contact: Contact | None = None
    vehicle: Vehicle | None = None
    rateable: Flag | None = None
    tags: list[TagGroup] | None = None


class Tracking(WireModel):
    """Where an order is (ONDC retail 1.2.0 ``/on_track`` ``message.tracking``).

    ``status`` ``"active"`` or ``"inactive"``, a tracking ``url`` or a ``location``.
    """

    id: str | None = None
    url: str | None = None
    location: TrackingLocation | None = None
    status: str | None = None
    tags: list[TagGroup] | None = None
