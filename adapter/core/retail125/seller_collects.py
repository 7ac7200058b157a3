"""The seller app collects a prepaid order's payment (ONDC retail 1.2.5, feature 007
"SNP collecting payment", Pramaan's ``SNP_Collecting_Payment_Flow``). Pure.

A seller whose record says ``collects_payment`` has its prepaid orders paid on the seller
app's payment gateway (``ONDC_PAYMENT_GATEWAY_URL``): ``/on_init`` says the seller app
collects (``collected_by`` BPP, ``type`` ON-ORDER), gives the buyer app the gateway link to
show its buyer (``uri``) and the amount (``params``), NOT-PAID. A buyer app that names
``collected_by`` BAP in its init keeps collecting itself; one that names BPP from a seller
who does not collect (or a seller app with no gateway) is refused 40004, naming the field.

When the gateway reports the payment, the seller app records it on the draft (the amount
must be the quoted total) and tells the buyer app with an unsolicited ``/on_init``:

- captured: PAID, ``params`` with the gateway's ``transaction_id``, ``tags`` ``bpp_collect``
  ``success`` Y, after which the buyer app confirms;
- failed: still NOT-PAID, ``bpp_collect`` ``success`` N with the gateway's ``error``, after
  which the buyer app abandons the cart (or asks ``/init`` again for a new attempt).

A ``/confirm`` before the payment is in is refused 30019 (the seller app cannot confirm an
order it has not been paid for); once PAID, the order keeps the seller app's record of the
payment whatever the confirm says. The seller app holds the money, so the settlement turns
round: the seller app owes the buyer app its finder fee (:func:`collection_terms`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Final
from urllib.parse import urlencode

from adapter.core.orders import money
from catalog_sync.records import SellerRecord

__all__ = [
    "COLLECT_TAG",
    "GatewayReport",
    "already_recorded",
    "collected_by_seller",
    "collected_terms",
    "collection_refusal",
    "collection_terms",
    "confirm_refusal",
    "kept_collection",
    "report_refusal",
    "reported",
    "seller_app_settlement",
    "seller_collects",
]

COLLECT_TAG: Final = "bpp_collect"
"""The payment tag group in which the seller app says whether it collected (ONDC 007)."""

_PAID_KEYS: Final = ("status", "params", "tags", "uri", "collected_by", "type", "time")


@dataclass(frozen=True, slots=True)
class GatewayReport:
    """What the payment gateway reports of one attempt to pay a transaction's order:
    ``captured`` or ``failed``, the gateway's own payment id (the UTR the buyer app is
    given), the amount and currency paid, and the gateway's reason for a failure."""

    transaction_id: str
    payment_id: str
    status: str
    amount: str
    currency: str = "INR"
    error: str | None = None


def collected_by_seller(payment: Mapping[str, Any] | None) -> bool:
    """Whether an order's stored payment terms say the seller app collects a prepaid
    payment (cash on delivery, also collected by the seller app, is not this)."""
    return bool(
        payment and payment.get("collected_by") == "BPP" and payment.get("type") == "ON-ORDER"
    )


def collection_refusal(seller: SellerRecord, gateway: str | None, asked: str | None) -> str | None:
    """Why the init's ask that the seller app collect (``asked``, its
    ``payment.collected_by``) cannot be met (the message of a 40004), or None."""
    if asked != "BPP":
        return None
    field = "message.order.payment.collected_by BPP"
    if gateway is None:
        return f"{field}: this seller app does not collect payments; the buyer app collects"
    if not seller.collects_payment:
        return f"{field}: seller {seller.code} is paid through the buyer app, which collects"
    return None


def seller_collects(seller: SellerRecord, gateway: str | None, asked: str | None) -> bool:
    """Whether the seller app collects this order's payment: its seller has it collected,
    the seller app has a gateway, and the buyer app did not keep collecting (BAP)."""
    return gateway is not None and seller.collects_payment and asked != "BAP"


def collection_terms(
    prepaid: Mapping[str, Any],
    *,
    gateway: str,
    transaction_id: str,
    total: Decimal,
    earlier: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The ``/on_init`` payment of an order the seller app collects, from the prepaid
    terms: collected by BPP, the gateway link for this transaction and amount, NOT-PAID;
    or, when the cart's ``earlier`` terms record a payment of this very amount (an init
    asked again after the buyer paid), that payment, kept."""
    amount = money(total)
    if (
        earlier is not None
        and collected_by_seller(earlier)
        and earlier.get("status") == "PAID"
        and (earlier.get("params") or {}).get("amount") == amount
    ):
        return {**prepaid, **{key: earlier[key] for key in _PAID_KEYS if key in earlier}}
    link = f"{gateway}{'&' if '?' in gateway else '?'}" + urlencode(
        {"transaction_id": transaction_id, "amount": amount, "currency": "INR"}
    )
    return {
        **prepaid,
        "type": "ON-ORDER",
        "collected_by": "BPP",
        "uri": link,
        "status": "NOT-PAID",
        "params": {"currency": "INR", "amount": amount},
    }


def collected_terms(
    prepaid: dict[str, Any],
    *,
    seller: SellerRecord,
    gateway: str | None,
    asked: str | None,
    transaction_id: str,
    total: Decimal,
    earlier: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """The prepaid terms of ``/on_init``: the buyer app collects (``prepaid`` as they are),
    or the seller app on its ``gateway`` (:func:`collection_terms`) when the seller has it
    collect and the buyer app did not keep collecting (``asked`` BAP), or when the cart's
    ``earlier`` terms record a payment the seller app took (kept if the amount holds)."""
    paid_before = collected_by_seller(earlier) and (earlier or {}).get("status") == "PAID"
    if gateway is None or not (paid_before or seller_collects(seller, gateway, asked)):
        return prepaid
    return collection_terms(
        prepaid, gateway=gateway, transaction_id=transaction_id, total=total, earlier=earlier
    )


def report_refusal(document: Mapping[str, Any], report: GatewayReport) -> tuple[int, str] | None:
    """Why a gateway report cannot be recorded on the draft ``document`` (HTTP status and a
    message naming the field), or None. A repeat of the payment already recorded is not
    refused (the caller answers it without recording it twice)."""
    payment = document.get("payment") or {}
    if not collected_by_seller(payment):
        return 409, f"transaction_id: {report.transaction_id} is not paid through this seller app"
    total = Decimal(str(document.get("quote", {}).get("price", {}).get("value", "0")))
    try:
        amount = Decimal(report.amount)
    except InvalidOperation:
        return 422, f"amount: {report.amount!r} is not an amount"
    if report.currency != "INR":
        return 422, f"currency: {report.currency} is not INR, the quote's currency"
    if report.status == "captured" and amount != total:
        return 422, f"amount: {money(amount)} is not the order total {money(total)}"
    if report.status == "failed" and not (report.error or "").strip():
        return 422, "error: a failed payment needs the gateway's reason"
    if payment.get("status") == "PAID":
        paid_with = (payment.get("params") or {}).get("transaction_id")
        if paid_with != report.payment_id:
            return 409, (
                f"payment_id: the order is already paid with {paid_with}; refund "
                f"{report.payment_id} at the gateway"
            )
    return None


def already_recorded(document: Mapping[str, Any], report: GatewayReport) -> bool:
    """Whether ``report`` is the captured payment the draft already records (a gateway's
    retry of its webhook): answered, not recorded or announced twice."""
    payment = document.get("payment") or {}
    return (
        report.status == "captured"
        and payment.get("status") == "PAID"
        and (payment.get("params") or {}).get("transaction_id") == report.payment_id
    )


def reported(document: Mapping[str, Any], report: GatewayReport, stamp: str) -> dict[str, Any]:
    """The draft ``document`` with the gateway's report recorded in its payment (the terms
    the unsolicited ``/on_init`` carries)."""
    payment = dict(document.get("payment") or {})
    params = {**(payment.get("params") or {}), "currency": report.currency}
    params["amount"] = money(Decimal(report.amount))
    if report.status == "captured":
        payment |= {
            "status": "PAID",
            "params": params | {"transaction_id": report.payment_id},
            "time": {"timestamp": stamp},
            "tags": [{"code": COLLECT_TAG, "list": [{"code": "success", "value": "Y"}]}],
        }
    else:
        payment |= {
            "status": "NOT-PAID",
            "params": params,
            "tags": [
                {
                    "code": COLLECT_TAG,
                    "list": [
                        {"code": "success", "value": "N"},
                        {"code": "error", "value": str(report.error)},
                    ],
                }
            ],
        }
    return {**document, "payment": payment}


def confirm_refusal(document: Mapping[str, Any]) -> str | None:
    """Why a confirm of the draft ``document`` is refused (the message of a 30019): the
    seller app collects and has not been paid; None otherwise."""
    payment = document.get("payment") or {}
    if not collected_by_seller(payment) or payment.get("status") == "PAID":
        return None
    return (
        "message.order.payment.status: the seller app has not been paid for this order yet; "
        f"the buyer pays at {payment.get('uri')} and the seller app says PAID in an "
        "unsolicited on_init"
    )


def kept_collection(base: Mapping[str, Any], payment: dict[str, Any]) -> dict[str, Any]:
    """The confirmed order's payment: the seller app's record of a payment it collected
    (status, amount, gateway id, link) over whatever the confirm says; other terms as the
    confirm gives them."""
    if not collected_by_seller(base):
        return payment
    return payment | {key: base[key] for key in _PAID_KEYS if key in base}


def seller_app_settlement(document: Mapping[str, Any], finder_fee: Decimal) -> dict[str, Any]:
    """What changes in a seller's settlement when the seller app collected the payment: the
    buyer app was paid nothing, so the seller app owes it its finder fee."""
    payment = document.get("payment") or {}
    params = payment.get("params") or {}
    paid = payment.get("status") == "PAID"
    return {
        "collected_by": "BPP",
        "collected": params.get("amount") if paid else None,
        "gateway_payment_id": params.get("transaction_id") if paid else None,
        "collected_at": (payment.get("time") or {}).get("timestamp") if paid else None,
        "payable_to_buyer_app": money(finder_fee),
    }
