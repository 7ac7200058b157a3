"""What a seller is paid for an order: the settlement arithmetic a seller can read. Pure."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import schemas
from adapter.core.orders import (
    INTERNAL,
    OrderRow,
    money,
    parse_duration,
)
from adapter.core.retail125.cash_on_delivery import CASH_KEY, is_cash
from adapter.core.retail125.seller_collects import collected_by_seller, seller_app_settlement

__all__ = [
    "settlement",
]


def settlement(row: OrderRow, *, delivered_at: datetime | None) -> dict[str, Any]:
    """What the seller will be paid for an order, line by line, and when.

    From the order's own quote and payment terms: the goods and the charges the buyer paid,
    less the buyer app's finder fee (a percentage of the order value or an amount, as agreed
    in ``on_init``), the amount withheld for returns, and the statutory deductions the
    collecting app makes on an e-commerce sale (1% TCS under section 52 of the CGST Act and
    1% TDS under section 194-O of the Income-tax Act, both on the order value, shown as
    estimates). Paid ``settlement_window`` after delivery when the basis is delivery.
    """
    quote = row.document.get("quote", {})
    by_type: dict[str, Decimal] = {}
    for line in quote.get("breakup", []):
        kind = line.get("@ondc/org/title_type", "misc")
        by_type[kind] = by_type.get(kind, Decimal(0)) + Decimal(line["price"]["value"])
    total = Decimal(quote.get("price", {}).get("value", "0"))
    payment = row.document.get("payment", {})
    fee_type = payment.get("@ondc/org/buyer_app_finder_fee_type", "percent")
    fee_amount = Decimal(str(payment.get("@ondc/org/buyer_app_finder_fee_amount", "0")))
    finder_fee = total * fee_amount / 100 if fee_type == "percent" else fee_amount
    withheld = Decimal(str(payment.get("@ondc/org/withholding_amount", "0")))
    tcs = total / 100
    tds = total / 100
    if row.state == "Cancelled":
        # Nothing was sold: no fee, no deductions, nothing to pay out.
        finder_fee = withheld = tcs = tds = Decimal(0)
        total = Decimal(0)
    net = total - finder_fee - withheld - tcs - tds
    window = payment.get("@ondc/org/settlement_window", "P1D")
    expected = None
    if delivered_at is not None:
        expected = schemas.format_timestamp(delivered_at + parse_duration(window))
    terms = {
        "order_id": row.order_id,
        "items": money(by_type.get("item", Decimal(0))),
        "delivery_charges": money(by_type.get("delivery", Decimal(0))),
        "packing_charges": money(by_type.get("packing", Decimal(0))),
        "taxes": money(by_type.get("tax", Decimal(0))),
        "discounts": money(by_type.get("discount", Decimal(0))),
        "order_value": money(total),
        "buyer_app_finder_fee": money(finder_fee),
        "finder_fee_terms": f"{fee_amount}%" if fee_type == "percent" else f"INR {fee_amount}",
        "withholding_for_returns": money(withheld),
        "tcs_gst_1_percent_estimate": money(tcs),
        "tds_194o_1_percent_estimate": money(tds),
        "net_payout": money(net),
        "settlement_basis": payment.get("@ondc/org/settlement_basis", "delivery"),
        "settlement_window": window,
        "expected_by": expected,
        "status": "cancelled: nothing to settle"
        if row.state == "Cancelled"
        else "awaiting delivery"
        if expected is None
        else "due",
    }
    if collected_by_seller(payment):
        return terms | seller_app_settlement(row.document, finder_fee)
    return terms | _cash_terms(row, finder_fee) if is_cash(payment) else terms


def _cash_terms(row: OrderRow, finder_fee: Decimal) -> dict[str, Any]:
    """What changes when the seller collects the cash at the door (retail 1.2.5 cash on
    delivery): the buyer app is paid nothing, so the seller owes it its finder fee, from the
    cash the seller or its courier reported collected."""
    cash = row.document.get(INTERNAL, {}).get(CASH_KEY)
    if row.state == "Cancelled":
        status = "cancelled: nothing to settle"
    elif cash is None:
        status = "awaiting delivery: cash to collect"
    else:
        status = "cash collected: finder fee due to the buyer app"
    return {
        "collected_by": "BPP",
        "cash_collected": cash["amount"] if cash else None,
        "cash_collected_at": cash["at"] if cash else None,
        "payable_to_buyer_app": money(finder_fee),
        "status": status,
    }
