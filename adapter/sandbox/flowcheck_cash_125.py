"""The flow rules of a retail 1.2.5 cash on delivery order (Pramaan's
``Cash_On_Delivery_Flow``; ONDC's log-validation-utility, flow 012), restated (pure).

An order whose ``/on_init`` payment is ``ON-FULFILLMENT`` is paid in cash at the door. Our
callbacks of it are held to (each rule with our own name, as ONDC publishes none):

- ``cod_collected_by``: the seller app collects (``collected_by`` BPP) from on_init on;
- ``cod_type_kept``: every later payment is still ``ON-FULFILLMENT``;
- ``cod_not_paid``: NOT-PAID in every callback before the delivery is ``Order-delivered``;
- ``cod_paid``: PAID, with ``payment.time.timestamp``, from the delivery on.

A prepaid order is not judged by them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Final

from adapter.sandbox.flowcheck import Violation

__all__ = ["check_cash_on_delivery"]

_CASH: Final = "ON-FULFILLMENT"
_ORDER_CALLBACKS: Final = frozenset(
    {"on_init", "on_confirm", "on_status", "on_update", "on_cancel"}
)


def _delivered(order: Mapping[str, Any]) -> bool:
    return any(
        fulfillment.get("type") == "Delivery"
        and fulfillment.get("state", {}).get("descriptor", {}).get("code") == "Order-delivered"
        for fulfillment in order.get("fulfillments") or []
    )


def check_cash_on_delivery(steps: Sequence[tuple[str, Mapping[str, Any]]]) -> Iterator[Violation]:
    """The cash on delivery rules the ordered ``steps`` of one transaction break (none for
    a prepaid order)."""
    cash = False
    for key, body in steps:
        action = str((body.get("context") or {}).get("action", ""))
        order = (body.get("message") or {}).get("order") or {}
        payment = order.get("payment") or {}
        if action == "on_init" and payment.get("type") == _CASH:
            cash = True
        if not cash or action not in _ORDER_CALLBACKS or not payment:
            continue
        where = "$.message.order.payment"
        if payment.get("type") != _CASH:
            yield Violation("cod_type_kept", key, f"{where}.type", f"{payment.get('type')!r}")
        if payment.get("collected_by") != "BPP":
            yield Violation(
                "cod_collected_by", key, f"{where}.collected_by",
                f"{payment.get('collected_by')!r}: the seller app collects the cash",
            )  # fmt: skip
        if _delivered(order):
            if payment.get("status") != "PAID":
                yield Violation("cod_paid", key, f"{where}.status", "delivered: PAID")
            if not (payment.get("time") or {}).get("timestamp"):
                yield Violation("cod_paid", key, f"{where}.time.timestamp", "is required")
        elif payment.get("status") != "NOT-PAID":
            yield Violation(
                "cod_not_paid", key, f"{where}.status",
                f"{payment.get('status')!r}: nothing is paid before the delivery",
            )  # fmt: skip
