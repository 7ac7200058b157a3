"""The conformance gate's rules for goods the buyer app's own courier carries (ONDC retail
1.2.5 ``Buyer-Delivery``; Pramaan's ``Buyer_Delivery_Flow``), restated (pure).

ONDC publishes no rule names for them, so they carry ours:

- ``buyer_delivery_package``: on_select's Buyer-Delivery names the package its courier is
  booked on: tags ``weight`` (kilogram), ``length``, ``breadth``, ``height`` (centimetre),
  each a positive number, and ``tracking`` false (the seller tracks nothing);
- ``buyer_delivery_no_charge``: no quote of the order charges for delivery (its delivery
  line, which ONDC's utility wants on on_select, says 0.00: the courier is the buyer app's);
- ``buyer_delivery_kept``: on_init, on_confirm and every later callback keep on_select's
  Buyer-Delivery (its id and type), without the package tags (on_select's only);
- ``ready_before_pickup``: the buyer app reports its courier's pick-up only after an
  on_status showing the fulfilment Packed and tagged ``state``/``ready_to_ship`` ``yes``;
- ``update_state_values``: a buyer's update reports ``Order-picked-up`` or
  ``Order-delivered`` (``update_state`` and ``update_fulfillment_time``, whose timestamp
  is RFC 3339 in UTC: ONDC's 1.2.5 field rules ``UPDATE_STATE_STATE``,
  ``UPDATE_FULFILLMENT_TIME_*``);
- ``buyer_update_answered``: the on_update answering it shows the fulfilment in that state
  (the order Completed once delivered) and the quote of on_confirm.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from adapter.sandbox.flowcheck import Violation

__all__ = ["check_buyer_delivery"]

_TYPE: Final = "Buyer-Delivery"
_PACKAGE: Final = {"weight": "kilogram", "length": "centimeter", "breadth": "centimeter",
                   "height": "centimeter"}  # fmt: skip
_REPORTED: Final = ("Order-picked-up", "Order-delivered")
_UTC: Final = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}.*Z$")
_PATH: Final = "$.message.order.fulfillments"

Step = tuple[str, Mapping[str, Any]]


def _order(body: Mapping[str, Any]) -> Mapping[str, Any]:
    order = (body.get("message") or {}).get("order")
    return order if isinstance(order, Mapping) else {}


def _entries(tags: Any, group: str) -> dict[str, Any]:
    for tag in tags or []:
        if isinstance(tag, Mapping) and tag.get("code") == group:
            return {e.get("code"): e.get("value") for e in tag.get("list") or []}
    return {}


def _carried(order: Mapping[str, Any]) -> Mapping[str, Any] | None:
    return next((f for f in order.get("fulfillments") or [] if f.get("type") == _TYPE), None)


def _state(fulfillment: Mapping[str, Any] | None) -> str | None:
    code = ((fulfillment or {}).get("state") or {}).get("descriptor", {}).get("code")
    return None if code is None else str(code)


def _package(key: str, offered: Mapping[str, Any]) -> Iterator[Violation]:
    for code, unit in _PACKAGE.items():
        entries = _entries(offered.get("tags"), code)
        try:
            positive = Decimal(str(entries.get("value"))) > 0
        except InvalidOperation:
            positive = False
        if entries.get("unit") != unit or not positive:
            yield Violation(
                "buyer_delivery_package", key, f"{_PATH}[type={_TYPE}].tags[code={code}]",
                f"{code} must be a positive number in {unit}, not {entries or 'absent'}",
            )  # fmt: skip
    if offered.get("tracking") is not False:
        yield Violation(
            "buyer_delivery_package", key, f"{_PATH}[type={_TYPE}].tracking",
            f"tracking must be false (the buyer app's courier), not {offered.get('tracking')!r}",
        )  # fmt: skip


def _no_charge(key: str, order: Mapping[str, Any]) -> Iterator[Violation]:
    for line in (order.get("quote") or {}).get("breakup") or []:
        value = str((line.get("price") or {}).get("value"))
        try:
            charged = Decimal(value) != 0
        except InvalidOperation:
            charged = True
        if line.get("@ondc/org/title_type") == "delivery" and charged:
            yield Violation(
                "buyer_delivery_no_charge", key, "$.message.order.quote.breakup",
                f"a delivery charge ({value}) on an order the buyer app's courier carries",
            )  # fmt: skip


def _update(key: str, body: Mapping[str, Any]) -> tuple[str | None, list[Violation]]:
    """The state a buyer's update reports, and what is wrong with its tags."""
    problems: list[Violation] = []
    tags = next(
        (f.get("tags") for f in _order(body).get("fulfillments") or []
         if _entries(f.get("tags"), "update_state")),
        None,
    )  # fmt: skip
    state = _entries(tags, "update_state").get("state")
    if state not in _REPORTED:
        problems.append(Violation(
            "update_state_values", key, f"{_PATH}[].tags[code=update_state]",
            f"state {state!r} is not {' or '.join(_REPORTED)}",
        ))  # fmt: skip
    times = _entries(tags, "update_fulfillment_time")
    if times and (
        times.get("state") not in _REPORTED or not _UTC.match(str(times.get("timestamp")))
    ):
        problems.append(Violation(
            "update_state_values", key, f"{_PATH}[].tags[code=update_fulfillment_time]",
            f"{times} must name {' or '.join(_REPORTED)} and an RFC 3339 UTC timestamp",
        ))  # fmt: skip
    return (str(state) if state in _REPORTED else None), problems


def check_buyer_delivery(steps: Sequence[Step]) -> list[Violation]:
    """Every Buyer-Delivery rule the ordered ``steps`` of one transaction break (none for
    a transaction whose on_select offers no Buyer-Delivery)."""
    found: list[Violation] = []
    offered: Mapping[str, Any] | None = None
    confirmed_quote: Any = None
    ready = False
    reported: dict[str, str] = {}  # update message id -> state reported
    for key, body in steps:
        context = body.get("context") or {}
        action, order = str(context.get("action")), _order(body)
        if action == "on_select":
            offered = _carried(order)
            if offered is not None:
                found += _package(key, offered)
            continue
        if offered is None:
            continue
        if action.startswith("on_") and order:
            found += _no_charge(key, order)
            carried = _carried(order)
            if carried is None or carried.get("id") != offered.get("id"):
                found.append(Violation(
                    "buyer_delivery_kept", key, _PATH,
                    f"on_select's Buyer-Delivery {offered.get('id')!r} is not the order's",
                ))  # fmt: skip
            elif any(_entries(carried.get("tags"), code) for code in _PACKAGE):
                found.append(Violation(
                    "buyer_delivery_kept", key, f"{_PATH}[type={_TYPE}].tags",
                    "the package tags belong to on_select only",
                ))  # fmt: skip
            if action == "on_confirm":
                confirmed_quote = order.get("quote")
            state = _state(carried)
            tagged = _entries((carried or {}).get("tags"), "state").get("ready_to_ship") == "yes"
            ready = ready or (action == "on_status" and state == "Packed" and tagged)
        if action == "update":
            state, problems = _update(key, body)
            found += problems
            if state == "Order-picked-up" and not ready:
                found.append(Violation(
                    "ready_before_pickup", key, f"{_PATH}[].tags[code=update_state]",
                    "picked up before any on_status said the goods were ready to ship",
                ))  # fmt: skip
            if state is not None:
                reported[str(context.get("message_id"))] = state
        elif action == "on_update" and str(context.get("message_id")) in reported:
            state = reported[str(context.get("message_id"))]
            shown = _state(_carried(order))
            done = state != "Order-delivered" or order.get("state") == "Completed"
            if shown != state or not done or order.get("quote") != confirmed_quote:
                found.append(Violation(
                    "buyer_update_answered", key, _PATH,
                    f"on_update shows {shown} (order {order.get('state')}) and "
                    f"{'the' if order.get('quote') == confirmed_quote else 'another'} quote "
                    f"for a reported {state}",
                ))  # fmt: skip
    return found
