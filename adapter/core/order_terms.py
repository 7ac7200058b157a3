"""The order's terms and its confirmed document, without I/O: the payment and seller terms
of ``/on_init`` and the order as ``/on_confirm`` shows it (ONDC retail 1.2.0, with what
retail 1.2.5 adds), and wire models as JSON. The cart a select or init quotes is
:mod:`adapter.core.order_quotes`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Final

import schemas
from adapter.core.order_book import OrderPolicy
from adapter.core.orders import INTERNAL, OrderRow, parse_duration
from adapter.core.retail125.delivery_slots import slot_of
from adapter.core.retail125.purchase_finance import FINANCE_KEY
from adapter.core.retail125.seller_collects import kept_collection
from catalog_sync.records import LocationRecord, SellerRecord

__all__ = [
    "as_json",
    "as_json_list",
    "bpp_terms",
    "confirmed_document",
    "order_stamp",
    "payment_terms",
]


def payment_terms(seller: SellerRecord, policy: OrderPolicy, asked: Any) -> dict[str, Any]:
    """The ``/on_init`` payment terms: finder fee, settlement basis, window and account."""
    fee_type = policy.finder_fee_type
    fee_amount = policy.finder_fee_amount
    if isinstance(asked, schemas.Payment):
        fee_type = asked.buyer_app_finder_fee_type or fee_type
        if asked.buyer_app_finder_fee_amount is not None:
            fee_amount = str(asked.buyer_app_finder_fee_amount)
    own = bool(seller.settlement_account and seller.settlement_ifsc)
    upi = seller.settlement_upi or (None if own else policy.upi)
    account = {
        "settlement_bank_account_no": seller.settlement_account if own else policy.bank_account,
        "settlement_ifsc_code": seller.settlement_ifsc if own else policy.ifsc,
        "beneficiary_name": seller.name if own else policy.beneficiary,
        "bank_name": seller.settlement_bank_name if own else policy.bank_name,
        "branch_name": seller.settlement_branch if own else policy.branch,
    }
    details: dict[str, Any] = {
        "settlement_counterparty": "seller-app",
        "settlement_phase": "sale-amount",
        "settlement_type": "upi" if upi else "neft",
        **({"upi_address": upi} if upi else {}),
        **{key: value for key, value in account.items() if value},
    }
    return {
        "type": "ON-ORDER",
        "collected_by": "BAP",
        "@ondc/org/buyer_app_finder_fee_type": fee_type,
        "@ondc/org/buyer_app_finder_fee_amount": fee_amount,
        "@ondc/org/settlement_basis": policy.settlement_basis,
        "@ondc/org/settlement_window": policy.settlement_window,
        "@ondc/org/withholding_amount": policy.withholding_amount,
        "@ondc/org/settlement_details": [details],
    }


def bpp_terms(seller: SellerRecord, policy: OrderPolicy) -> list[dict[str, Any]]:
    # tax_number: the GSTIN of the seller app (the marketplace; a seller's own if the
    # marketplace has none); provider_tax_number: the seller's own PAN, which the log
    # validator wants to differ from the PAN inside tax_number.
    """The ``/on_init`` ``bpp_terms`` tags: tax numbers, liability, arbitration, jurisdiction."""
    gstin = policy.gstin or seller.gstin
    pan = seller.pan or (seller.gstin[2:12] if seller.gstin and seller.gstin != gstin else None)
    terms: list[dict[str, Any]] = [
        {"code": "max_liability", "value": policy.max_liability_percent},
        {"code": "mandatory_arbitration", "value": "false"},
        {"code": "court_jurisdiction", "value": "Shimla"},
        {"code": "delay_interest", "value": "7.5"},
        {"code": "np_type", "value": "MSN"},
    ]
    head = [{"code": "tax_number", "value": gstin}] if gstin else []
    head += [{"code": "provider_tax_number", "value": pan}] if pan else []
    return [{"code": "bpp_terms", "list": head + terms}]


def as_json(model: Any) -> Any:
    """A wire model as JSON (aliases, no empty fields), or None."""
    return (
        None if model is None else model.model_dump(mode="json", by_alias=True, exclude_none=True)
    )


def order_stamp(value: str | datetime | None, now: datetime) -> str:
    """A request's timestamp as ONDC writes it, or ``now``'s."""
    if isinstance(value, datetime):
        return schemas.format_timestamp(value)
    return value or schemas.format_timestamp(now)


def as_json_list(models: Any) -> list[Any] | None:
    """Wire models as a JSON list, or None when there are none."""
    return None if not models else [as_json(model) for model in models]


_KEPT_AT_CONFIRM: Final[frozenset[str]] = frozenset(
    {"customisations", "add_ons", "package", FINANCE_KEY}
)
"""What the adapter kept of the cart that the order keeps: the buyer's texts and their
add-ons' prices, the package a buyer app's courier was booked on, the buyer app's purchase
finance terms."""


def confirmed_document(
    draft: OrderRow,
    order: schemas.Order,
    seller: SellerRecord,
    location: LocationRecord,
    state: str,
    now: datetime,
    *,
    ship: timedelta,
    confirmed_at: str,
    core_version: str | None = None,
) -> dict[str, Any]:
    """The order document of ``/on_confirm``, from the draft and the buyer app's confirm
    (``core_version``: the contract version the transaction is served in, kept so that the
    seller's later events are announced in it)."""
    base = draft.document
    fulfillment = dict(base["fulfillments"][0])
    # A delivery slot the buyer chose stays the delivery's time (retail 1.2.5).
    slot_time = fulfillment["end"]["time"] if slot_of(fulfillment) is not None else None
    asked = order.fulfillments[0] if order.fulfillments else None
    if asked is not None and asked.end is not None:
        fulfillment["end"] = as_json(asked.end)
    fulfillment["state"] = {"descriptor": {"code": "Pending"}}
    ship_by = now + ship
    deliver_by = now + parse_duration(fulfillment["@ondc/org/TAT"])
    if "end" in fulfillment:
        fulfillment["end"] = {
            **fulfillment["end"],
            "time": slot_time
            or {
                "range": {
                    "start": schemas.format_timestamp(ship_by),
                    "end": schemas.format_timestamp(deliver_by),
                }
            },
        }
    fulfillment["start"] = {
        "time": {
            "range": {
                "start": schemas.format_timestamp(now),
                "end": schemas.format_timestamp(ship_by),
            }
        },
        "location": {
            "id": location.code,
            "descriptor": {"name": seller.name},
            "gps": location.gps,
            "address": {
                "locality": location.locality,
                "city": location.city,
                "area_code": location.pincode,
                "state": location.state,
            },
        },
        "contact": {"phone": seller.phone, "email": seller.email},
        "person": {"name": seller.name},
    }
    payment = dict(base.get("payment", {}))
    if order.payment is not None:
        payment |= as_json(order.payment)
    if base.get("payment", {}).get("status") == "NOT-PAID":
        # Cash on delivery: nothing is paid before the goods are handed over.
        payment["status"] = "NOT-PAID"
    payment = kept_collection(base.get("payment", {}), payment)
    # The order was created when the buyer app confirmed it: its created_at, else the
    # confirm's own timestamp (the log validator checks every later payload against it).
    stamp = confirmed_at
    created = order_stamp(order.created_at, now) if order.created_at is not None else stamp
    # Updated now: the seller side added the fulfilment's state (the validator wants the
    # on_confirm's own timestamp here).
    updated = schemas.format_timestamp(now)
    return {
        "id": order.id,
        "state": state,
        "provider": base["provider"],
        "items": [
            {"id": i["id"], "fulfillment_id": i["fulfillment_id"], "quantity": i["quantity"]}
            for i in base["items"]
        ],
        "billing": as_json(order.billing) or base.get("billing"),
        "fulfillments": [fulfillment],
        "quote": base["quote"],
        "payment": payment,
        "tags": as_json_list(order.tags) or base.get("tags", []),
        "created_at": created,
        "updated_at": updated,
        INTERNAL: {
            **{k: v for k, v in base.get(INTERNAL, {}).items() if k in _KEPT_AT_CONFIRM},
            "fulfillment_since": updated,
            **({"core_version": core_version} if core_version else {}),
        },
    }
