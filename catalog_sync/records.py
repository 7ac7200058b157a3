"""What a seller tells us about itself and its goods, before it becomes an ONDC catalogue.

Plain data, no I/O: the store reads these from SQL, the bulk importer from files, and the
transform turns them into ``/on_search`` providers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from catalog_sync.customisation import TextInput

__all__ = ["ItemRecord", "LocationRecord", "Package", "SellerRecord"]


@dataclass(frozen=True, slots=True)
class SellerRecord:
    """A seller (ONDC provider): an artisan, cooperative or MSME."""

    code: str
    name: str
    name_hi: str | None
    district: str
    short_desc: str
    symbol: str
    phone: str
    email: str
    gstin: str | None = None
    udyam: str | None = None
    fssai: str | None = None
    pan: str | None = None
    # How the seller takes orders: accepted at once, or by the seller within
    # ``accept_minutes`` (else cancelled for it); a flat delivery charge per order; days in
    # transit after shipping; where the buyer app settles the sale amount.
    auto_accept: bool = True
    accept_minutes: int = 120
    delivery_charge: str = "0"
    packing_charge: str = "0"
    transit_days: int = 5
    settlement_upi: str | None = None
    settlement_account: str | None = None
    settlement_ifsc: str | None = None
    settlement_bank_name: str | None = None
    settlement_branch: str | None = None
    # Cash on delivery (retail 1.2.5): offered only by a seller who takes cash, for orders
    # up to ``cash_limit`` rupees.
    accepts_cash: bool = False
    cash_limit: str = "5000"
    # The seller app collects its prepaid orders' payments on its own gateway (retail
    # 1.2.5, ONDC_PAYMENT_GATEWAY_URL) instead of the buyer app.
    collects_payment: bool = False


@dataclass(frozen=True, slots=True)
class LocationRecord:
    """Where a seller's goods leave from, and where it will deliver."""

    code: str
    street: str
    locality: str
    city: str
    state: str
    pincode: str
    std_code: str
    gps: str
    # ONDC serviceability: "12" pan-India (the default for ODOP goods shipped by courier),
    # "11" intercity to listed pincodes,
    # "10" hyperlocal within radius_km of the location.
    serviceability: str = "12"
    radius_km: int = 0
    # Intercity ("11"): the pincodes delivered to (an empty list: the location's own
    # pincode region, its first three digits).
    pincodes: tuple[str, ...] = ()
    # How buyers get their goods: "Delivery" (by courier or the seller's own), and/or
    # "Self-Pickup" (collected at the store), and/or "Buyer-Delivery" (the buyer app's own
    # logistics collects the packed goods at the store; retail 1.2.5).
    fulfillment_types: tuple[str, ...] = ("Delivery",)
    opening_hours: str = "0900-1900"
    # Days the store is shut (ISO dates), and a seasonal closure (first and last day shut,
    # ISO dates): Lahaul and Spiti or Kinnaur across the winter, say.
    holidays: tuple[str, ...] = ()
    closed_from: str | None = None
    closed_until: str | None = None
    # Slotted delivery (retail 1.2.5) within the store's city: slots of slot_minutes
    # (0: no slots) tiling slot_hours ("HHMM-HHMM", IST); on_select offers the next
    # slots_offered of them that have fewer than slot_orders orders (0: no limit).
    slot_minutes: int = 0
    slot_hours: str = "0900-1900"
    slots_offered: int = 4
    slot_orders: int = 0


@dataclass(frozen=True, slots=True)
class Package:
    """One piece of an item as it is packed for carriage: its weight in kilograms and its
    length, breadth and height in centimetres (decimal strings, as ONDC writes them). A
    buyer app that carries the goods itself books its courier on these (retail 1.2.5
    ``Buyer-Delivery``)."""

    weight_kg: str
    length_cm: str
    breadth_cm: str
    height_cm: str


@dataclass(frozen=True, slots=True)
class ItemRecord:
    """One item on sale, with what ONDC retail 1.2.0 requires of a catalogue item."""

    sku: str
    domain: str
    category_id: str
    name: str
    name_hi: str | None
    short_desc: str
    long_desc: str
    images: tuple[str, ...]
    price: Decimal
    mrp: Decimal
    available: int
    maximum: int
    unit: str
    unit_value: str
    returnable: bool
    cancellable: bool
    return_window: str
    time_to_ship: str
    available_on_cod: bool = False
    origin_country: str = "IND"
    gi_tag: str | None = None
    odop_district: str | None = None
    statutory: dict[str, Any] = field(default_factory=dict)
    # Variants: items of one product that differ only in colour, size or pack (ONDC
    # ``parent_item_id``) share a group id, unique within the seller.
    variant_group: str | None = None
    # ONDC item attributes of the category (gender, colour, size, brand, fabric ...), sent
    # in the item's ``attribute`` tag group; see catalog_sync.taxonomy for what is required.
    attributes: dict[str, str] = field(default_factory=dict)
    # The product's codes, sent as the item's ``descriptor.code`` (ONDC retail 1.2.0 code
    # types: 1 EAN, 3 GTIN, 4 HSN, 5 other): the Harmonised System heading every good has
    # (4, 6 or 8 digits, as on the GST invoice), and the EAN-8/EAN-13 barcode of a seller
    # registered with GS1, if the pack carries one. Handmade ODOP goods rarely have an EAN.
    hsn: str | None = None
    ean: str | None = None
    # A text the buyer writes for the item (a name embroidered on a rumal), with the
    # seller's limits; ONDC retail 1.2.5 customisation input text.
    text_input: TextInput | None = None
    # False while the seller has taken the item off sale: buyer apps are told to drop it
    # (``time.label`` "disable"), no new order takes it; put back on sale, it is "enable".
    on_sale: bool = True
    # One piece as packed for carriage (weight and size), if the seller gave it.
    package: Package | None = None
