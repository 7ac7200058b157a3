"""The flow rules of a return request the buyer withdraws (ONDC retail 1.2.5, Pramaan's
``Cancel_Return_Request_Flow``; ONDC's log-validation-utility, flow 00D), restated (pure).

A ``/cancel`` whose ``descriptor.name`` is ``fulfillment`` withdraws the return whose id
its ``descriptor.short_desc`` gives (one naming a delivery, as a forced cancel does, is about
the order). Our ``/on_cancel`` answering it is held to (each rule
with our own name, as ONDC publishes none; the first three are the utility's flow-00D
checks):

- ``withdrawn_return_shown``: the order shows that ``Return`` fulfilment;
- ``withdrawn_precancel_state``: with a ``precancel_state`` tag group whose
  ``fulfillment_state`` is the state the return was withdrawn from, ``Return_Initiated`` or
  ``Return_Approved`` (nothing picked up yet);
- ``withdrawn_return_cancelled``: its state is ``Cancelled``, with a ``cancel_request``
  group giving the cancel's reason;
- ``withdrawn_delivery_kept``: the delivery keeps its state (the goods stay with the buyer;
  the on_cancel's order ``state`` is ``Cancelled``, as ONDC's rule of every on_cancel
  wants, and a later on_status shows the order as it was).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Final

from adapter.sandbox.flowcheck import Violation

__all__ = ["check_return_withdrawal"]

_BEFORE: Final = frozenset({"Return_Initiated", "Return_Approved"})
_FORWARD: Final = frozenset({"Delivery", "Self-Pickup"})


def _group(fulfillment: Mapping[str, Any], code: str) -> dict[str, Any] | None:
    for tag in fulfillment.get("tags") or []:
        if tag.get("code") == code:
            return {e.get("code"): e.get("value") for e in tag.get("list") or []}
    return None


def _delivery_state(order: Mapping[str, Any]) -> Any:
    for fulfillment in order.get("fulfillments") or []:
        if fulfillment.get("type") == "Delivery":
            return (fulfillment.get("state") or {}).get("descriptor", {}).get("code")
    return None


def check_return_withdrawal(
    steps: Sequence[tuple[str, Mapping[str, Any]]],
) -> Iterator[Violation]:
    """The return-withdrawal rules the ordered ``steps`` of one transaction break."""
    asked: Mapping[str, Any] | None = None
    delivered: Any = None
    forward: set[Any] = set()
    for key, body in steps:
        action = str((body.get("context") or {}).get("action", ""))
        message = body.get("message") or {}
        order = message.get("order") or {}
        forward |= {
            f.get("id") for f in order.get("fulfillments") or [] if f.get("type") in _FORWARD
        }
        if action == "cancel":
            # A cancel naming a delivery (a forced cancel does) is about the order.
            descriptor = message.get("descriptor") or {}
            named = descriptor.get("name") == "fulfillment" and descriptor.get("short_desc")
            asked = message if named and descriptor["short_desc"] not in forward else None
            continue
        if action != "on_cancel" or asked is None:
            delivered = _delivery_state(order) or delivered
            continue
        return_id = asked["descriptor"].get("short_desc")
        fulfillments = order.get("fulfillments") or []
        index, shown = next(
            ((i, f) for i, f in enumerate(fulfillments) if f.get("id") == return_id),
            (None, None),
        )
        if shown is None or shown.get("type") != "Return":
            yield Violation(
                "withdrawn_return_shown", key, "$.message.order.fulfillments",
                f"no Return fulfilment {return_id!r}",
            )  # fmt: skip
            continue
        where = f"$.message.order.fulfillments[{index}]"
        before = (_group(shown, "precancel_state") or {}).get("fulfillment_state")
        if before not in _BEFORE:
            yield Violation(
                "withdrawn_precancel_state", key, f"{where}.tags[code=precancel_state]",
                f"fulfillment_state {before!r}: one of {sorted(_BEFORE)} is required",
            )  # fmt: skip
        state = (shown.get("state") or {}).get("descriptor", {}).get("code")
        request = _group(shown, "cancel_request") or {}
        if state != "Cancelled" or request.get("reason_id") != asked.get("cancellation_reason_id"):
            yield Violation(
                "withdrawn_return_cancelled", key, f"{where}.state.descriptor.code",
                f"{state!r} with cancel_request reason {request.get('reason_id')!r}: Cancelled "
                f"for reason {asked.get('cancellation_reason_id')!r} is required",
            )  # fmt: skip
        if delivered is not None and _delivery_state(order) != delivered:
            yield Violation(
                "withdrawn_delivery_kept", key, "$.message.order.fulfillments[type=Delivery]",
                f"{_delivery_state(order)!r}: the delivery was {delivered!r}",
            )  # fmt: skip
        asked = None
