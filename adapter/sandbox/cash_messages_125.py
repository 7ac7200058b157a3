"""The sandbox buyer app's cash on delivery requests (ONDC retail 1.2.5,
``Cash_On_Delivery_Flow``): an ``init`` asking to pay at the door, and its ``confirm``,
NOT-PAID, with on_init's settlement details (ONDC's log-validation-utility wants the two the
same)."""

from __future__ import annotations

from typing import Any

from adapter.sandbox.flows import confirm_message, init_message

__all__ = ["cash_confirm_message", "cash_init_message"]


def cash_init_message(on_select: dict[str, Any]) -> dict[str, Any]:
    """The ``init`` after ``on_select``, asking to pay in cash at delivery."""
    message = init_message(on_select)
    message["order"]["payment"] = {"type": "ON-FULFILLMENT"}
    return message


def cash_confirm_message(on_init: dict[str, Any], order_id: str) -> dict[str, Any]:
    """The ``confirm`` of a cash order: on_init's terms, NOT-PAID (nothing paid before the
    goods arrive), with the amount to collect."""
    message = confirm_message(on_init, order_id)
    order = message["order"]
    params = {"amount": order["quote"]["price"]["value"], "currency": "INR"}
    order["payment"] = {
        **on_init["message"]["order"]["payment"],
        "status": "NOT-PAID",
        "params": params,
    }
    return message
