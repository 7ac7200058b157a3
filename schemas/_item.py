"""Items: what a seller sells (Beckn core 1.2.0 ``Item`` with ONDC retail 1.2.0 fields).

The same model serves a catalogue entry (``/on_search``: descriptor, price, quantity,
category, the ``@ondc/org/...`` policy flags and statutory declarations), an order line
(``/select`` ... ``/on_status``: ``id``, ``quantity.count``, ``fulfillment_id``,
``parent_item_id``, customisation ``tags``) and a quote line's ``item``.
"""

from __future__ import annotations

from pydantic import Field

from schemas._base import Flag, WireModel
from schemas._descriptor import Descriptor, TagGroup
from schemas._measure import ItemQuantity, Price
from schemas._time import Time


class PackagedCommodities(WireModel):
    """Legal Metrology declarations for packaged goods
    (ONDC retail 1.2.0 ``@ondc/org/statutory_reqs_packaged_commodities``)."""

    manufacturer_or_packer_name: str | None = None
    manufacturer_or_packer_address: str | None = None
    common_or_generic_name_of_commodity: str | None = None
    net_quantity_or_measure_of_commodity_in_pkg: str | None = None
    month_year_of_manufacture_packing_import: str | None = None
    imported_product_country_of_origin: str | None = None
    multiple_products_name_number_or_qty: str | None = None
    expiry_date: str | None = None
    mfg_license_no: str | None = None


class PrepackagedFood(WireModel):
    """FSSAI declarations for pre-packaged food
    (ONDC retail 1.2.0 ``@ondc/org/statutory_reqs_prepackaged_food``)."""

    nutritional_info: str | None = None
    additives_info: str | None = None
    ingredients_info: str | None = None
    brand_owner_name: str | None = None
    brand_owner_address: str | None = None
    brand_owner_fssai_license_no: str | None = Field(
        default=None, alias="brand_owner_FSSAI_license_no"
    )
    other_fssai_license_no: str | None = Field(default=None, alias="other_FSSAI_license_no")
    importer_fssai_license_no: str | None = Field(default=None, alias="importer_FSSAI_license_no")
    imported_product_country_of_origin: str | None = None


class Item(WireModel):
    """An item (Beckn core 1.2.0 ``Item``, ONDC retail 1.2.0 catalogue and order fields).

    ONDC extensions, all under ``@ondc/org/``: ``returnable``, ``cancellable``,
    ``return_window`` (ISO 8601), ``seller_pickup_return``, ``time_to_ship`` (ISO 8601),
    ``available_on_cod``, ``contact_details_consumer_care`` (``"name,email,phone"``) and
    the statutory declarations. ``related``/``parent_item_id`` and ``tags``
    (``type``/``parent``/``child``) describe customisations.
    """

    id: str | None = None
    parent_item_id: str | None = None
    descriptor: Descriptor | None = None
    price: Price | None = None
    quantity: ItemQuantity | None = None
    category_id: str | None = None
    category_ids: list[str] | None = None
    fulfillment_id: str | None = None
    location_id: str | None = None
    related: Flag | None = None
    recommended: Flag | None = None
    rateable: Flag | None = None
    time: Time | None = None
    returnable: Flag | None = Field(default=None, alias="@ondc/org/returnable")
    cancellable: Flag | None = Field(default=None, alias="@ondc/org/cancellable")
    return_window: str | None = Field(default=None, alias="@ondc/org/return_window")
    seller_pickup_return: Flag | None = Field(default=None, alias="@ondc/org/seller_pickup_return")
    time_to_ship: str | None = Field(default=None, alias="@ondc/org/time_to_ship")
    available_on_cod: Flag | None = Field(default=None, alias="@ondc/org/available_on_cod")
    contact_details_consumer_care: str | None = Field(
        default=None, alias="@ondc/org/contact_details_consumer_care"
    )
    statutory_reqs_packaged_commodities: PackagedCommodities | None = Field(
        default=None, alias="@ondc/org/statutory_reqs_packaged_commodities"
    )
    statutory_reqs_prepackaged_food: PrepackagedFood | None = Field(
        default=None, alias="@ondc/org/statutory_reqs_prepackaged_food"
    )
    tags: list[TagGroup] | None = None
