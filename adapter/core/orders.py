"""Orders without I/O: quotes that sum to the paisa, and the order state machine.

ONDC retail 1.2.0 rules kept here:

- A quote's ``price`` equals the sum of its ``breakup``; an item line's price is its unit
  price times its count. Money is ``Decimal`` rounded to the paisa and written with two
  decimals, so nothing drifts between ``/on_select``, ``/on_init`` and ``/on_confirm``.
- When a line cannot be had in full, the quote offers what can be had (``count`` and
  ``available.count``) and the callback carries error 40002 (or 40009 above the per-order
  maximum) naming each item, as the certification flow 3 fixtures do.
- Order states ``Created -> Accepted -> In-progress -> Completed`` (or ``Cancelled``) move
  only on the seller's events (accept, pack, ship, deliver, cancel) or the buyer's cancel,
  never because a buyer app asked for the status. The delivery fulfilment's state code
  follows the table of the contract (``Pending``, ``Packed``, ``Order-picked-up``,
  ``Out-for-delivery``, ``Order-delivered``, ``Cancelled``; RTO after pick-up).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import Any, Final

import orjson
import pydantic

from catalog_sync.records import ItemRecord

__all__ = [
    "BUYER_CANCEL_REASONS",
    "CLASSIC_STATES",
    "INTERNAL",
    "SELLER_CANCEL_REASONS",
    "SELLER_EVENTS",
    "Change",
    "IllegalTransition",
    "Line",
    "OrderMoved",
    "OrderRow",
    "Quote",
    "Shortfall",
    "Stock",
    "Transition",
    "build_quote",
    "forward_id",
    "keep_return",
    "money",
    "next_state",
    "parse_duration",
    "problems_message",
]

PAISA: Final = Decimal("0.01")
INTERNAL: Final = "_internal"
"""The key of what the adapter keeps in an order document and never sends."""
_DURATION: Final = pydantic.TypeAdapter(timedelta)


def parse_duration(text: str) -> timedelta:
    """An ISO 8601 duration (``P2D``, ``PT48H``) as a timedelta; ``ValueError`` if not one."""
    try:
        return _DURATION.validate_python(text)
    except pydantic.ValidationError as exc:
        raise ValueError(f"not an ISO 8601 duration: {text!r}") from exc


DELIVERY_FULFILLMENT_ID: Final = "1"
"""The id of an order's forward fulfilment unless the buyer app chose another option."""


def forward_id(document: Mapping[str, Any]) -> str:
    """The id of the fulfilment that takes the order's goods to the buyer (the first of the
    order document's; fulfilment 1, or the option the buyer app chose in its init)."""
    fulfillments = document.get("fulfillments") or [{}]
    return str(fulfillments[0].get("id", DELIVERY_FULFILLMENT_ID))


def keep_return(
    document: dict[str, Any], return_id: str, entry: Mapping[str, Any], *, stamp: str
) -> None:
    """Keep ``entry`` as what the adapter knows of return ``return_id`` (never sent), the
    order ``document`` updated at ``stamp``."""
    internal = dict(document.get(INTERNAL, {}))
    internal["returns"] = {**internal.get("returns", {}), return_id: dict(entry)}
    document[INTERNAL] = internal
    document["updated_at"] = stamp


def money(value: Decimal) -> str:
    """``value`` rounded to the paisa, as ONDC writes prices: ``"1080.00"``."""
    return str(value.quantize(PAISA, rounding=ROUND_HALF_UP))


@dataclass(frozen=True, slots=True)
class Line:
    """One item of a cart: what was asked for and what can be had."""

    sku: str
    title: str
    unit_price: Decimal
    wanted: int
    can_have: int
    maximum: int  # the most one order may have now: per-order cap and free stock
    problem: str | None = None  # an ONDC error code (40002, 40009, 30004) or None

    @property
    def price(self) -> Decimal:
        """The line's price: unit price times the count offered."""
        return self.unit_price * self.can_have


@dataclass(frozen=True, slots=True)
class Quote:
    """A quote as ONDC writes it, and its total."""

    total: Decimal
    payload: dict[str, Any]


def build_quote(
    lines: Sequence[Line],
    *,
    delivery: Decimal,
    packing: Decimal = Decimal(0),
    with_stock: bool = False,
    ttl: str = "P1D",
    fulfillment_id: str = DELIVERY_FULFILLMENT_ID,
) -> Quote:
    """The quote for ``lines`` plus delivery and packing (charged to ``fulfillment_id``);
    ``with_stock`` adds each item's available and maximum counts (``/on_select`` only)."""
    breakup: list[dict[str, Any]] = []
    total = Decimal(0)
    for line in lines:
        item: dict[str, Any] = {"price": {"currency": "INR", "value": money(line.unit_price)}}
        if with_stock:
            item = {
                "quantity": {
                    # ONDC's display rule: "99" while any can be had, else "0".
                    "available": {"count": "99" if line.maximum > 0 else "0"},
                    "maximum": {"count": str(line.maximum)},
                },
                **item,
            }
        price = line.price.quantize(PAISA, rounding=ROUND_HALF_UP)
        total += price
        breakup.append(
            {
                "@ondc/org/item_id": line.sku,
                "@ondc/org/item_quantity": {"count": line.can_have},
                "title": line.title,
                "@ondc/org/title_type": "item",
                "price": {"currency": "INR", "value": money(price)},
                "item": item,
            }
        )
    for title, title_type, amount in (
        ("Delivery charges", "delivery", delivery),
        ("Packing charges", "packing", packing),
    ):
        if title_type == "packing" and not amount:
            continue
        amount = amount.quantize(PAISA, rounding=ROUND_HALF_UP)
        total += amount
        breakup.append(
            {
                "@ondc/org/item_id": fulfillment_id,
                "title": title,
                "@ondc/org/title_type": title_type,
                "price": {"currency": "INR", "value": money(amount)},
            }
        )
    payload = {"price": {"currency": "INR", "value": money(total)}, "breakup": breakup, "ttl": ttl}
    return Quote(total=total, payload=payload)


def problems_message(lines: Sequence[Line]) -> tuple[str, str] | None:
    """The callback's error (code, message) for the lines that cannot be had in full:
    ONDC's JSON list ``[{"item_id": ..., "error": ...}]``; ``None`` when all can."""
    problems = [(line.sku, line.problem) for line in lines if line.problem]
    if not problems:
        return None
    codes = {code for _, code in problems}
    code = "40002" if "40002" in codes else sorted(codes)[0]
    message = orjson.dumps([{"item_id": sku, "error": error} for sku, error in problems])
    return code, message.decode()


# -- What the store hands back -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Stock:
    """One wanted item as the store found it, and what this transaction now holds."""

    sku: str
    item: ItemRecord | None  # None: no such published item of this seller
    free: int  # available to this transaction (true count minus others' live holds)
    held: int  # held for this transaction after the call


@dataclass(frozen=True, slots=True)
class OrderRow:
    """An order (or the draft of one) as stored."""

    pk: int
    transaction_id: str
    bap_id: str
    bap_uri: str
    domain: str
    city: str
    seller_code: str
    order_id: str | None
    stage: str
    state: str | None
    fulfillment_state: str | None
    document: dict[str, Any]
    total: Decimal
    accept_by: datetime | None
    ship_by: datetime | None
    created_at: datetime
    confirmed_at: datetime | None
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Shortfall:
    """A confirm that could not take its stock: SKU -> what could be had."""

    free: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class Change:
    """What an event does to an order: its new states and document, and the callback that
    tells the buyer app (an outbox row), if any."""

    state: str
    fulfillment_state: str
    document: dict[str, Any]
    callback: dict[str, Any] | None = None
    restock: bool = False  # every piece of the order goes back to stock
    # Only these pieces go back (SKU -> count): a part cancel, a returned item.
    restock_items: Mapping[str, int] | None = None
    detail: Mapping[str, Any] | None = None


# -- The order state machine ------------------------------------------------------------


class IllegalTransition(ValueError):
    """A seller or buyer event that the order's current state does not allow."""

    def __init__(self, event: str, state: str, fulfillment: str, allowed: Sequence[str]):
        self.event = event
        self.state = state
        self.fulfillment = fulfillment
        self.allowed = tuple(allowed)
        hint = ", ".join(allowed) if allowed else "nothing: the order is closed"
        super().__init__(
            f"cannot {event.replace('_', ' ')} an order that is {state} "
            f"(fulfilment {fulfillment}); allowed now: {hint}"
        )


class OrderMoved(IllegalTransition):
    """The order changed between the read a change was made from and its write (another
    build, process or the seller moved it first). Not a refusal: the work that read it is
    done again from the order as it is now (``adapter.outbound.builder``)."""

    def __init__(self, event: str, state: str, fulfillment: str):
        super().__init__(event, state, fulfillment, ())
        ValueError.__init__(
            self,
            f"cannot {event.replace('_', ' ')}: the order changed meanwhile (it is now "
            f"{state}, fulfilment {fulfillment})",
        )


@dataclass(frozen=True, slots=True)
class Transition:
    """Where an event takes an order, and which callback tells the buyer app."""

    state: str
    fulfillment: str
    callback: str  # on_status | on_cancel


_AWAITING_PICKUP: Final = tuple(
    ("In-progress", leg) for leg in ("Agent-assigned", "Out-for-pickup", "At-pickup",
                                     "Pickup-failed")
)  # fmt: skip
_ACTIVE_BEFORE_PICKUP: Final = (("Created", "Pending"), ("Accepted", "Pending"),
                                ("In-progress", "Packed"), *_AWAITING_PICKUP)  # fmt: skip
_IN_TRANSIT: Final = tuple(
    ("In-progress", leg) for leg in ("Order-picked-up", "Out-for-delivery", "In-transit",
                                     "At-destination-hub", "At-delivery", "Delivery-failed")
)  # fmt: skip

_RULES: Final[Mapping[str, tuple[tuple[tuple[str, str], ...], Transition]]] = MappingProxyType(
    {
        "accept": ((("Created", "Pending"),), Transition("Accepted", "Pending", "on_status")),
        "pack": (
            (("Accepted", "Pending"),),
            Transition("In-progress", "Packed", "on_status"),
        ),
        # Retail 1.2.5 Buyer-Delivery: packed and ready for the buyer app's courier (the
        # fulfilment stays Packed, tagged ready_to_ship).
        "ready_to_ship": (
            (("In-progress", "Packed"),),
            Transition("In-progress", "Packed", "on_status"),
        ),
        "agent_assigned": (
            (("In-progress", "Packed"),),
            Transition("In-progress", "Agent-assigned", "on_status"),
        ),
        "out_for_pickup": (
            (
                ("In-progress", "Packed"),
                ("In-progress", "Agent-assigned"),
                ("In-progress", "Pickup-failed"),
            ),
            Transition("In-progress", "Out-for-pickup", "on_status"),
        ),
        "at_pickup": (
            (("In-progress", "Packed"), ("In-progress", "Agent-assigned")),
            Transition("In-progress", "At-pickup", "on_status"),
        ),
        "pickup_failed": (
            (("In-progress", "Out-for-pickup"),),
            Transition("In-progress", "Pickup-failed", "on_status"),
        ),
        "ship": (
            (("In-progress", "Packed"), *_AWAITING_PICKUP),
            Transition("In-progress", "Order-picked-up", "on_status"),
        ),
        "in_transit": (
            (("In-progress", "Order-picked-up"),),
            Transition("In-progress", "In-transit", "on_status"),
        ),
        "at_destination_hub": (
            (("In-progress", "In-transit"),),
            Transition("In-progress", "At-destination-hub", "on_status"),
        ),
        "out_for_delivery": (
            (
                ("In-progress", "Order-picked-up"),
                ("In-progress", "At-destination-hub"),
                ("In-progress", "Delivery-failed"),
            ),
            Transition("In-progress", "Out-for-delivery", "on_status"),
        ),
        "at_delivery": (
            (("In-progress", "Order-picked-up"),),
            Transition("In-progress", "At-delivery", "on_status"),
        ),
        "delivery_failed": (
            (("In-progress", "Out-for-delivery"),),
            Transition("In-progress", "Delivery-failed", "on_status"),
        ),
        "hand_over": (
            (("In-progress", "Packed"),),
            Transition("Completed", "Order-picked-up", "on_status"),
        ),
        "deliver": (
            (
                ("In-progress", "Order-picked-up"),
                ("In-progress", "Out-for-delivery"),
                ("In-progress", "At-delivery"),
                ("In-progress", "Delivery-failed"),
            ),
            Transition("Completed", "Order-delivered", "on_status"),
        ),
        "reject": ((("Created", "Pending"),), Transition("Cancelled", "Cancelled", "on_cancel")),
        "cancel": (_ACTIVE_BEFORE_PICKUP, Transition("Cancelled", "Cancelled", "on_cancel")),
        "buyer_cancel": (
            _ACTIVE_BEFORE_PICKUP,
            Transition("Cancelled", "Cancelled", "on_cancel"),
        ),
        # Retail 1.2.5: a buyer app's forced cancel of an order not delivered in time
        # (``force`` yes) is taken before delivery, on the road too.
        "force_cancel": (
            (*_ACTIVE_BEFORE_PICKUP, *_IN_TRANSIT),
            Transition("Cancelled", "Cancelled", "on_cancel"),
        ),
        "rto": (_IN_TRANSIT, Transition("Cancelled", "RTO-Initiated", "on_cancel")),
        "rto_delivered": (
            (("Cancelled", "RTO-Initiated"),),
            Transition("Cancelled", "RTO-Delivered", "on_status"),
        ),
        "rto_disposed": (
            (("Cancelled", "RTO-Initiated"),),
            Transition("Cancelled", "RTO-Disposed", "on_status"),
        ),
    }
)

SELLER_EVENTS: Final = ("accept", "reject", "pack", "ready_to_ship", "agent_assigned",
                        "out_for_pickup", "at_pickup", "pickup_failed", "ship", "in_transit",
                        "at_destination_hub", "out_for_delivery", "at_delivery",
                        "delivery_failed", "deliver", "hand_over", "cancel", "rto",
                        "rto_delivered", "rto_disposed")  # fmt: skip
"""What a seller (or its courier, through the seller) may do to an order through the seller
API, in the order it usually happens."""

CLASSIC_STATES: Final = frozenset(
    {"Pending", "Packed", "Order-picked-up", "Out-for-delivery", "Order-delivered",
     "Cancelled", "RTO-Initiated", "RTO-Delivered", "RTO-Disposed"}
)  # fmt: skip
"""The delivery states the adapter announces for an order served in retail 1.2.0: the
courier's own legs (agent assigned, in transit...) are announced from 1.2.5 on, where the
order's routing says which of them it passes (``adapter.core.retail125.routing``)."""


_BUYER_EVENTS: Final = frozenset({"buyer_cancel", "force_cancel"})


def next_state(
    event: str, state: str, fulfillment: str, *, states: frozenset[str] = CLASSIC_STATES
) -> Transition:
    """Where ``event`` takes an order that is ``state`` with its delivery ``fulfillment``,
    among the delivery ``states`` its contract and routing allow; raises
    :class:`IllegalTransition` naming what is allowed instead."""
    sources, transition = _RULES[event]
    if (state, fulfillment) in sources and transition.fulfillment in states:
        return transition
    allowed = [name for name, (froms, to) in _RULES.items()
               if (state, fulfillment) in froms and to.fulfillment in states
               and name not in _BUYER_EVENTS]  # fmt: skip
    raise IllegalTransition(event, state, fulfillment, allowed)


BUYER_CANCEL_REASONS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "001": "price of one or more items has changed",
        "003": "product available at lower price",
        "006": "order not received as per buyer app TAT SLA",
        "009": "wrong product delivered",
        "010": "buyer wants to modify address or other order details",
        "051": "store is not accepting order",
        "052": "order not received as per TAT",
        "053": "buyer wants to modify details",
        "999": "order confirmation failure",
    }
)
"""Cancellation reasons a buyer app may give (ONDC retail 1.2.0, and the 1.2.5 codes the
newest log validator checks for every version)."""

TAT_BREACH_REASONS: Final = frozenset({"006", "052"})

SELLER_CANCEL_REASONS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "002": "one or more items in the order are not available",
        "005": "merchant rejected the order",
        "011": "buyer not reachable",
        "013": "buyer refused to accept delivery",
        "014": "address not found",
        "016": "order could not be delivered due to accident, rain or strike",
        "018": "delivery pin code not serviceable",
        "019": "pickup pin code not serviceable",
        "022": "payment failed",
        "998": "order confirmation failure",
    }
)
"""Cancellation reasons a seller may give (ONDC retail 1.2.0, seller side)."""

RTO_REASONS: Final = frozenset({"011", "012", "013", "014", "015", "016", "017"})
