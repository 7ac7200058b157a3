"""The sandbox buyer app's cash on delivery requests (ONDC retail 1.2.5,
``Cash_On_Delivery_Flow``): an ``init`` asking to pay at the door, and its ``confirm``,
NOT-PAID, giving where the buyer app's finder fee is settled (``settlement_counterparty``
buyer-app, as Pramaan's example and the log-validation-utility's flow 012 want; the
utility's generic rule that confirm repeat on_init's seller-app account contradicts it)."""

from __future__ import annotations

from typing import Any, Final

from adapter.sandbox.flows import confirm_message, init_message

__all__ = ["BUYER_APP_ACCOUNT", "cash_confirm_message", "cash_init_message"]

BUYER_APP_ACCOUNT: Final = {
    "settlement_counterparty": "buyer-app",
    "settlement_phase": "sale-amount",
    "settlement_type": "upi",
    "upi_address": "sandbox-buyer@okhdfc",
    "beneficiary_name": "ODOP Sandbox Buyer App",
}
"""Where the demo's buyer app has its finder fee for a cash order settled."""


def cash_init_message(on_select: dict[str, Any]) -> dict[str, Any]:
    """The ``init`` after ``on_select``, asking to pay in cash at delivery."""
    message = init_message(on_select)
    message["order"]["payment"] = {"type": "ON-FULFILLMENT"}
    return message


def cash_confirm_message(on_init: dict[str, Any], order_id: str) -> dict[str, Any]:
    """The ``confirm`` of a cash order: on_init's terms, NOT-PAID (nothing paid before the
    goods arrive), with the amount to collect and the buyer app's own settlement account."""
    message = confirm_message(on_init, order_id)
    order = message["order"]
    params = {"amount": order["quote"]["price"]["value"], "currency": "INR"}
    order["payment"] = {
        **on_init["message"]["order"]["payment"],
        "status": "NOT-PAID",
        "params": params,
        "@ondc/org/settlement_details": [dict(BUYER_APP_ACCOUNT)],
    }
    return message
