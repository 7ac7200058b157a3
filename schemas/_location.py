"""Places (Beckn core 1.2.0 ``Location``, ``Address``, ``Circle``).

ONDC retail 1.2.0 stores are locations with ``gps`` (``"lat,long"``, six decimals),
``address`` (``area_code`` is the PIN code), store ``time`` and a serviceability ``circle``;
fulfilment ends are locations with the buyer's or store's address.
"""

from __future__ import annotations

from schemas._base import WireModel
from schemas._descriptor import Descriptor
from schemas._measure import Scalar
from schemas._time import Time, Timestamp


class Address(WireModel):
    """A postal address (Beckn core 1.2.0 ``Address``; ``area_code`` is the PIN code).

    ONDC retail 1.2.0 store addresses need ``locality``, ``street``, ``city``,
    ``area_code`` and ``state``; buyer addresses add ``name``, ``building``, ``country``.
    """

    name: str | None = None
    door: str | None = None
    building: str | None = None
    street: str | None = None
    locality: str | None = None
    ward: str | None = None
    city: str | None = None
    state: str | None = None
    country: str | None = None
    area_code: str | None = None


class Circle(WireModel):
    """A circle around a point (Beckn core 1.2.0 ``Circle``), the ONDC serviceability area.

    ``gps`` is the centre, ``radius`` a ``Scalar`` such as ``{"unit": "km", "value": "3"}``.
    """

    gps: str | None = None
    radius: Scalar | None = None


class Location(WireModel):
    """A place (Beckn core 1.2.0 ``Location``): a store, a pickup or a drop point.

    ``address`` is an ``Address``; one retail 1.2.0 search example sends a list of them,
    which is accepted as is.
    """

    id: str | None = None
    descriptor: Descriptor | None = None
    gps: str | None = None
    address: Address | list[Address] | None = None
    circle: Circle | None = None
    time: Time | None = None


class TrackingLocation(Location):
    """Where a shipment is now (ONDC retail 1.2.0 ``/on_track`` ``tracking.location``).

    Adds ``updated_at`` (RFC 3339) to ``Location``; ``time.timestamp`` is the fix time.
    """

    updated_at: Timestamp | None = None
