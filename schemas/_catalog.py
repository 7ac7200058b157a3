"""The catalogue a seller publishes and the intent a buyer searches with.

``/on_search`` (ONDC retail 1.2.0) answers with ``message.catalog``: the seller app's
``bpp/descriptor`` (with ``bpp_terms`` tags), the fulfilment types it offers
(``bpp/fulfillments``) and its providers (``bpp/providers``), each with stores
(``locations``), items, custom ``categories`` (variants and customisation groups),
``offers``, ``creds`` and ``tags`` (serviceability, timing).
"""

from __future__ import annotations

from pydantic import Field

from schemas._base import Flag, WireModel
from schemas._descriptor import Descriptor, TagGroup
from schemas._fulfillment import Fulfillment
from schemas._item import Item
from schemas._location import Location
from schemas._payment import Payment
from schemas._time import Time


class Category(WireModel):
    """A provider's category (Beckn core 1.2.0 ``Category``).

    In ONDC retail 1.2.0 catalogues these group variants (``type`` ``variant_group``) and
    customisations (``custom_group``) through their ``tags``; in ``/search`` the intent's
    category ``id`` is a taxonomy category.
    """

    id: str | None = None
    parent_category_id: str | None = None
    descriptor: Descriptor | None = None
    time: Time | None = None
    tags: list[TagGroup] | None = None


class Credential(WireModel):
    """A provider's credential (ONDC retail 1.2.0 ``bpp/providers[].creds``), e.g. a licence
    or certificate with a ``url``."""

    id: str | None = None
    type: str | None = None
    descriptor: Descriptor | None = None
    url: str | None = None
    tags: list[TagGroup] | None = None


class Offer(WireModel):
    """An offer (Beckn core 1.2.0 ``Offer``; ONDC retail 1.2.0 offers).

    ``descriptor.code`` is the offer type (``discount``, ``buyXgetY``, ``freebie`` ...),
    ``tags`` its qualifier and benefit; in an order only ``id`` (and tags) are sent.
    """

    id: str | None = None
    descriptor: Descriptor | None = None
    location_ids: list[str] | None = None
    category_ids: list[str] | None = None
    item_ids: list[str] | None = None
    time: Time | None = None
    tags: list[TagGroup] | None = None


class Provider(WireModel):
    """A seller (Beckn core 1.2.0 ``Provider``), in a catalogue or named in an order.

    ONDC retail 1.2.0 catalogues need ``descriptor``, ``time``, ``locations``,
    ``fulfillments`` (with the store's contact), ``items`` and ``tags``; ``ttl`` is an ISO
    8601 duration. An order names the provider by ``id`` and its ``locations`` by id.
    ``fssai_license_no`` is ``@ondc/org/fssai_license_no`` (food sellers).
    """

    id: str | None = None
    descriptor: Descriptor | None = None
    category_id: str | None = None
    rateable: Flag | None = None
    time: Time | None = None
    ttl: str | None = None
    locations: list[Location] | None = None
    fulfillments: list[Fulfillment] | None = None
    categories: list[Category] | None = None
    offers: list[Offer] | None = None
    creds: list[Credential] | None = None
    items: list[Item] | None = None
    fssai_license_no: str | None = Field(default=None, alias="@ondc/org/fssai_license_no")
    tags: list[TagGroup] | None = None


class Catalog(WireModel):
    """A seller app's catalogue (ONDC retail 1.2.0 ``/on_search`` ``message.catalog``).

    Python names drop the ``bpp/`` prefix: ``descriptor`` is ``bpp/descriptor``,
    ``fulfillments`` is ``bpp/fulfillments``, ``providers`` is ``bpp/providers``. An
    incremental refresh sends only the changed providers, items or locations.
    """

    descriptor: Descriptor | None = Field(default=None, alias="bpp/descriptor")
    fulfillments: list[Fulfillment] | None = Field(default=None, alias="bpp/fulfillments")
    providers: list[Provider] | None = Field(default=None, alias="bpp/providers")
    exp: str | None = None
    ttl: str | None = None


class Intent(WireModel):
    """What a buyer searches for (Beckn core 1.2.0 ``Intent``, ONDC retail 1.2.0 ``/search``).

    ONDC full and incremental catalogue refresh send the ``payment`` finder fee and
    ``tags`` (``catalog_inc`` with ``mode``/``start_time``/``end_time``); city-wide search
    sends ``fulfillment.type`` and ``end.location.gps``/``area_code``.
    """

    descriptor: Descriptor | None = None
    provider: Provider | None = None
    fulfillment: Fulfillment | None = None
    payment: Payment | None = None
    category: Category | None = None
    offer: Offer | None = None
    item: Item | None = None
    tags: list[TagGroup] | None = None
