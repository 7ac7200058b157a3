"""Cash on delivery (ONDC retail 1.2.5, the OPTIONAL ``Cash_On_Delivery_Flow``). Pure.

A buyer app asks for it in ``/init``: ``payment.type`` ON-FULFILLMENT. Only a seller who takes
cash (``accepts_cash`` in its record, off by default) is offered it, and only for an order no
dearer than its ``cash_limit``; any other ask is answered with 40004 (payment type not
supported), naming the field. The terms of ``/on_init`` then say the seller app collects
(``collected_by`` BPP) and the order is NOT-PAID. Cash on delivery is offered for items the
catalogue marks ``@ondc/org/available_on_cod`` (shown true only for a seller who takes
cash). The settlement details are settled by ``/confirm``: on_init gives the seller app's
account as for a prepaid order (ONDC's log-validation-utility wants it there, and the same in
confirm), and the order keeps what the buyer app's confirm says (Pramaan's example has the
buyer app give its own account for its finder fee there). The order stays NOT-PAID until it
is delivered (or handed over at the store): the seller, or its courier, reports the cash
collected with the delivery, the order says PAID (with the time) from that ``on_status``
on, and the seller's settlement shows the cash collected and the finder fee it owes the
buyer app.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from decimal import Decimal, InvalidOperation
from typing import Any, Final

import schemas
from adapter.core.orders import money
from catalog_sync.records import SellerRecord

__all__ = [
    "CASH_KEY",
    "CASH_TYPE",
    "cash_refusal",
    "cash_terms",
    "collected",
    "collection_refusal",
    "is_cash",
]

CASH_TYPE: Final = "ON-FULFILLMENT"
"""The ``payment.type`` of an order paid in cash at delivery."""

CASH_KEY: Final = "cash_collected"
"""Where an order's internal notes keep the cash the seller reported collected."""


def is_cash(payment: Mapping[str, Any] | schemas.Payment | None) -> bool:
    """Whether a payment (wire model or stored JSON) is cash on delivery."""
    if isinstance(payment, schemas.Payment):
        return payment.type == CASH_TYPE
    return bool(payment) and payment is not None and payment.get("type") == CASH_TYPE


def cash_refusal(
    seller: SellerRecord, total: Decimal, skus: Sequence[str], cash_skus: Set[str]
) -> str | None:
    """Why ``seller`` does not take cash for an order of ``total`` for the items ``skus``,
    of which ``cash_skus`` are sold cash on delivery (the message of a 40004), or None when
    it does."""
    field = f"message.order.payment.type {CASH_TYPE}"
    if not seller.accepts_cash:
        return f"{field}: seller {seller.code} does not take cash on delivery"
    others = [sku for sku in skus if sku not in cash_skus]
    if others:
        return f"{field}: not available on cash on delivery: {', '.join(others)}"
    limit = Decimal(seller.cash_limit)
    if total > limit:
        return (
            f"{field}: seller {seller.code} takes cash on delivery for orders up to "
            f"{money(limit)}, this one is {money(total)}"
        )
    return None


def cash_terms(prepaid: Mapping[str, Any]) -> dict[str, Any]:
    """The ``/on_init`` payment of a cash order, from the prepaid terms: the seller app
    collects and nothing is paid yet. The settlement account stays (ONDC's
    log-validation-utility wants it in on_init and the same in confirm)."""
    return {**prepaid, "type": CASH_TYPE, "collected_by": "BPP", "status": "NOT-PAID"}


def collection_refusal(document: Mapping[str, Any], cash: str | None) -> str | None:
    """Why a delivery (or hand-over) of the order ``document`` reporting ``cash`` collected
    is refused (the message of a 422, naming the field), or None when it may go ahead: a
    cash order needs the cash collected, the order's total; another order takes none."""
    total = Decimal(str(document.get("quote", {}).get("price", {}).get("value", "0")))
    if not is_cash(document.get("payment")):
        if cash is not None:
            return "cash_collected: the order is not paid in cash on delivery"
        return None
    if cash is None:
        return (
            "cash_collected: a cash on delivery order is delivered with the cash collected, "
            f"{money(total)}"
        )
    try:
        amount = Decimal(cash)
    except InvalidOperation:
        return f"cash_collected: {cash!r} is not an amount"
    if amount != total:
        return f"cash_collected: {money(amount)} is not the order total {money(total)}"
    return None


def collected(document: dict[str, Any], internal: dict[str, Any], stamp: str) -> None:
    """Mark a cash order paid at its delivery (``stamp``): ``payment.status`` PAID, and the
    cash collected kept in its internal notes; another order is left as it is."""
    if not is_cash(document.get("payment")):
        return
    total = str(document.get("quote", {}).get("price", {}).get("value", "0"))
    document["payment"] = {**document["payment"], "status": "PAID", "time": {"timestamp": stamp}}
    internal[CASH_KEY] = {"amount": money(Decimal(total)), "at": stamp}
