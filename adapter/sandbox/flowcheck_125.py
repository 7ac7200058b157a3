"""Pramaan's flow rules for a retail 1.2.5 transaction, restated (pure).

A 1.2.5 flow is judged as a whole, in the order its messages were sent (the flow folders of
ONDC's automation framework, ``NN_<action_id>.json``), by the rules Pramaan applies
(ONDC-Official/automation-specifications, ``draft-RET1x-1.2.5``: ``config/actions`` and the
flow rules of the specification):

- **sequence**: each action may only follow the actions ``config/actions`` allows after the
  one before it, and only once its transaction partners have been seen (a ``confirm`` needs
  an ``init`` and ``on_init`` before it);
- **pairing**: ``on_X`` answers the latest ``X`` and repeats its ``message_id``; no request
  reuses a message id, and an unasked callback has a fresh one (so has each ``on_search``
  pushed to an incremental refresh subscription);
- **timing**: ``on_select``, ``on_init`` and ``on_confirm`` are stamped within 5 s of their
  request and before the request's timestamp plus its ``ttl``; callbacks say ``ttl`` PT30S;
- **contract**: one transaction and version throughout; on_confirm's delivery names its
  routing (P2P or P2H2P), later callbacks keep it and show only the delivery states it
  allows, each move one ONDC's validator allows; the seller's credentials of on_confirm
  come back unchanged; the GST number of
  on_init's ``bpp_terms`` is the one confirm and on_confirm carry; a cash on delivery order
  is collected by the seller app and NOT-PAID until delivered, then PAID
  (:mod:`adapter.sandbox.flowcheck_cash_125`); the fulfilment an init chose among
  on_select's options keeps its type and TAT, and on_select's quote when it is the quoted
  one (:mod:`adapter.sandbox.flowcheck_options_125`); a delivery slot the init chose is
  one on_select offered and keeps its time range (:mod:`adapter.sandbox.flowcheck_slots_125`);
  a withdrawn return request shows its
  Return fulfilment Cancelled with the state it was withdrawn from
  (:mod:`adapter.sandbox.flowcheck_withdrawal_125`); a buyer's text on an item is echoed
  unchanged by on_select, on_init and on_confirm (:mod:`adapter.sandbox.flowcheck_text_125`);
  a buyer app's own courier is booked on the package on_select names, charged nothing, and
  reports pick-up only once the goods are ready to ship
  (:mod:`adapter.sandbox.flowcheck_buyer_delivery_125`).
  a payment the seller app collects is linked NOT-PAID, PAID before the confirm and after,
  and a buyer app's finance terms are echoed and kept
  (:mod:`adapter.sandbox.flowcheck_payment_125`).

:func:`check_flow_125` returns every :class:`~adapter.sandbox.flowcheck.Violation`, naming
the rule, the payload key and the JSON path.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any, Final

import schemas
from adapter.core.context_rules import parse_duration
from adapter.core.retail125.routing import ROUTING_STATES, Routing, routing_of
from adapter.sandbox.flowcheck import Violation
from adapter.sandbox.flowcheck_buyer_delivery_125 import check_buyer_delivery
from adapter.sandbox.flowcheck_cash_125 import check_cash_on_delivery
from adapter.sandbox.flowcheck_options_125 import check_fulfillment_options
from adapter.sandbox.flowcheck_payment_125 import check_purchase_finance, check_seller_collection
from adapter.sandbox.flowcheck_slots_125 import check_delivery_slots
from adapter.sandbox.flowcheck_text_125 import check_input_text
from adapter.sandbox.flowcheck_withdrawal_125 import check_return_withdrawal

__all__ = [
    "NEXT_ACTIONS",
    "PARTNERS",
    "STAMP_WITHIN",
    "TIMED_CALLBACKS",
    "Step",
    "check_flow_125",
    "next_actions",
]

Step = tuple[str, Mapping[str, Any]]
"""One message of a flow: its payload key (``on_status_packed``) and its body."""

_ORDER_LATER: Final = ("confirm", "status", "cancel", "on_status", "track", "update", "on_update")
NEXT_ACTIONS: Final[Mapping[str, frozenset[str]]] = MappingProxyType(
    {
        "": frozenset({"search", "select"}),
        "search": frozenset({"on_search"}),
        "on_search": frozenset({"search", "select", "init", "on_search"}),
        "select": frozenset({"on_select", "select"}),
        "on_select": frozenset({"init", "select"}),
        "init": frozenset({"on_init"}),
        "on_init": frozenset({"init", "confirm"}),
        "confirm": frozenset({"on_confirm", "status"}),
        "on_confirm": frozenset({*_ORDER_LATER, "cancel"}),
        "update": frozenset({"on_update", "update", "on_confirm", "on_status", "on_cancel"}),
        "on_update": frozenset({"status", "on_status", "track", "cancel", "update", "on_update"}),
        "status": frozenset({"on_status"}),
        "track": frozenset({"on_track"}),
        "on_track": frozenset({"on_track", "status", "on_status"}),
        "on_status": frozenset({"status", "cancel", "track", "on_status", "on_cancel"})
        | {"on_track", "update", "on_update"},
        "cancel": frozenset({"on_cancel", "status", "cancel"}),
        "on_cancel": frozenset({"cancel", "status", "on_status", "update"}),
    }
)
"""Action -> the actions that may follow it (``config/actions/index.yaml``
``supportedActions`` of RET10 1.2.5; IGM's actions left out)."""

_DOMAIN_NEXT: Final[Mapping[str, Mapping[str, frozenset[str]]]] = MappingProxyType(
    {
        # RET12 and RET16 allow on_confirm after on_update (a replacement's new order) and
        # on_init after on_init (RET16); a repeated select is answered first.
        "ONDC:RET12": {
            "on_update": NEXT_ACTIONS["on_update"] | {"on_confirm"},
            "select": frozenset({"on_select"}),
        },
        "ONDC:RET16": {
            "on_update": NEXT_ACTIONS["on_update"] | {"on_confirm"},
            "on_init": NEXT_ACTIONS["on_init"] | {"on_init"},
            "select": frozenset({"on_select"}),
        },
    }
)

_AFTER_CONFIRM: Final = ("init", "on_init", "confirm", "on_confirm")
PARTNERS: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "on_search": ("search",),
        "on_select": ("select",),
        "on_init": ("init",),
        "confirm": ("init", "on_init"),
        "on_confirm": ("init", "on_init", "confirm"),
        **dict.fromkeys(
            ("status", "on_status", "update", "on_update", "cancel", "on_cancel", "track"),
            _AFTER_CONFIRM,
        ),
        "on_track": (*_AFTER_CONFIRM, "track"),
    }
)
"""Action -> what must have happened before it in the transaction (``apiProperties``
``transaction_partner``)."""

_NEXT_STATES: Final[Mapping[str, frozenset[str]]] = MappingProxyType(
    {
        "Pending": frozenset({"Packed"}),
        "Packed": frozenset({"Agent-assigned", "At-pickup", "Out-for-pickup", "Order-picked-up"}),
        "Agent-assigned": frozenset({"At-pickup", "Out-for-pickup", "Order-picked-up"}),
        "At-pickup": frozenset({"Order-picked-up"}),
        "Out-for-pickup": frozenset({"Pickup-failed", "Order-picked-up"}),
        "Pickup-failed": frozenset({"Out-for-pickup", "Order-picked-up"}),
        "Order-picked-up": frozenset(
            {"At-delivery", "In-transit", "Out-for-delivery", "Order-delivered"}
        ),
        "At-delivery": frozenset({"Order-delivered"}),
        "In-transit": frozenset({"At-destination-hub"}),
        "At-destination-hub": frozenset({"Out-for-delivery"}),
        "Out-for-delivery": frozenset({"Delivery-failed", "Order-delivered"}),
        "Delivery-failed": frozenset({"Out-for-delivery", "Order-delivered"}),
    }
)
"""Delivery state -> the states it may move to next (besides staying, and Cancelled), as
ONDC's log validator holds them for retail 1.2.5."""

TIMED_CALLBACKS: Final = frozenset({"on_select", "on_init", "on_confirm"})
STAMP_WITHIN: Final = timedelta(seconds=5)
"""How long after its request a timed callback may be stamped (Pramaan)."""

_CALLBACK_TTL: Final = "PT30S"


def next_actions(domain: str, action: str) -> frozenset[str]:
    """The actions that may follow ``action`` in ``domain`` (``""``: the first)."""
    return _DOMAIN_NEXT.get(domain, {}).get(action, NEXT_ACTIONS.get(action, frozenset()))


def _context(body: Mapping[str, Any]) -> Mapping[str, Any]:
    context = body.get("context")
    return context if isinstance(context, Mapping) else {}


def _stamp(body: Mapping[str, Any]) -> datetime | None:
    try:
        return schemas.parse_timestamp(str(_context(body).get("timestamp", "")))
    except ValueError:
        return None


def _order(body: Mapping[str, Any]) -> Mapping[str, Any]:
    message = body.get("message")
    order = message.get("order") if isinstance(message, Mapping) else None
    return order if isinstance(order, Mapping) else {}


def _is_body(body: Any) -> bool:
    return isinstance(body, Mapping) and bool(_context(body).get("action"))


def _sequence(steps: Sequence[Step]) -> Iterator[Violation]:
    previous = ""
    seen: set[str] = set()
    for key, body in steps:
        context = _context(body)
        action = str(context.get("action"))
        allowed = next_actions(str(context.get("domain", "")), previous)
        if action not in allowed:
            yield Violation(
                "sequence", key, "$.context.action",
                f"{action} may not follow {previous or 'the start'}; allowed: "
                f"{', '.join(sorted(allowed)) or 'nothing'}",
            )  # fmt: skip
        missing = [partner for partner in PARTNERS.get(action, ()) if partner not in seen]
        if missing:
            yield Violation(
                "transaction_partners", key, "$.context.action",
                f"{action} without {', '.join(missing)} before it in the transaction",
            )  # fmt: skip
        seen.add(action)
        previous = action


def _subscribes(search: Mapping[str, Any]) -> bool:
    """Whether ``search`` starts an incremental refresh subscription (``catalog_inc``
    ``mode`` ``start``): its catalogue changes come as pushes, each with a message id of its
    own (ONDC's incremental refresh; the utility refuses a push repeating an earlier id)."""
    intent = (search.get("message") or {}).get("intent") or {}
    for group in intent.get("tags") or ():
        if isinstance(group, dict) and group.get("code") == "catalog_inc":
            pairs = {entry.get("code"): entry.get("value") for entry in group.get("list") or ()}
            return pairs.get("mode") == "start"
    return False


def _pairing(steps: Sequence[Step]) -> Iterator[Violation]:
    asked: dict[str, str] = {}  # message id -> request action
    latest: dict[str, Mapping[str, Any]] = {}  # request action -> its latest body
    unasked: set[str] = set()
    for key, body in steps:
        context = _context(body)
        action, message_id = str(context.get("action")), str(context.get("message_id"))
        if not action.startswith("on_"):
            if message_id in asked or message_id in unasked:
                yield Violation(
                    "message_id_reused", key, "$.context.message_id",
                    f"{message_id} was used before in this transaction",
                )  # fmt: skip
            asked[message_id] = action
            latest[action] = body
            continue
        request = action.removeprefix("on_")
        if asked.get(message_id) == request:
            continue  # the answer to that request
        pushed = action == "on_search" and _subscribes(latest.get("search", {}))
        if not pushed and (action in TIMED_CALLBACKS or action in ("on_search", "on_track")):
            asked_id = _context(latest.get(request, {})).get("message_id")
            yield Violation(
                "message_id_pairing", key, "$.context.message_id",
                f"{action}.message_id {message_id} is not that of its {request} ({asked_id})",
            )  # fmt: skip
        elif message_id in asked or message_id in unasked:
            yield Violation(
                "message_id_reused", key, "$.context.message_id",
                f"unasked {action} reuses message id {message_id}",
            )  # fmt: skip
        unasked.add(message_id)


def _timing(steps: Sequence[Step]) -> Iterator[Violation]:
    requests: dict[str, Mapping[str, Any]] = {}
    answered: set[tuple[str, str]] = set()
    for key, body in steps:
        context = _context(body)
        action = str(context.get("action"))
        if not action.startswith("on_"):
            requests[str(context.get("message_id"))] = body
            continue
        if context.get("ttl") != _CALLBACK_TTL and action != "on_search":
            yield Violation(
                "callback_ttl", key, "$.context.ttl",
                f"{action} ttl is {context.get('ttl')!r}, not {_CALLBACK_TTL}",
            )  # fmt: skip
        request = requests.get(str(context.get("message_id")))
        if action not in TIMED_CALLBACKS or request is None:
            continue
        if (action, str(context.get("message_id"))) in answered:
            continue  # a later word on an answered request (the payment an on_init awaited)
        answered.add((action, str(context.get("message_id"))))
        sent, stamped = _stamp(request), _stamp(body)
        if sent is None or stamped is None:
            yield Violation("timestamp", key, "$.context.timestamp", "not an RFC 3339 time")
            continue
        delay = stamped - sent
        if not timedelta(0) <= delay <= STAMP_WITHIN:
            yield Violation(
                "callback_stamp", key, "$.context.timestamp",
                f"{action} stamped {delay.total_seconds():.3f} s after its request "
                f"(allowed 0 to {STAMP_WITHIN.total_seconds():.0f} s)",
            )  # fmt: skip
        try:
            ttl = parse_duration(str(_context(request).get("ttl", "")))
        except ValueError:
            continue
        if stamped > sent + ttl:
            yield Violation(
                "callback_after_ttl", key, "$.context.timestamp",
                f"{action} stamped after its request's ttl ran out",
            )  # fmt: skip


def _tax_number(order: Mapping[str, Any]) -> str | None:
    for tag in order.get("tags") or []:
        if tag.get("code") == "bpp_terms":
            for entry in tag.get("list") or []:
                if entry.get("code") == "tax_number":
                    return str(entry.get("value"))
    return None


def _delivery(order: Mapping[str, Any]) -> Mapping[str, Any] | None:
    for fulfillment in order.get("fulfillments") or []:
        if fulfillment.get("type") == "Delivery":
            found: Mapping[str, Any] = fulfillment
            return found
    return None


def _state(fulfillment: Mapping[str, Any] | None) -> str | None:
    if fulfillment is None:
        return None
    code = fulfillment.get("state", {}).get("descriptor", {}).get("code")
    return None if code is None else str(code)


def _contract(steps: Sequence[Step]) -> Iterator[Violation]:
    first = _context(steps[0][1]) if steps else {}
    routing: Routing | None = None
    creds: Any = None
    gst: str | None = None
    was: dict[str, str | None] = {}  # each delivery's last state, by fulfilment id
    for key, body in steps:
        context, order = _context(body), _order(body)
        action = str(context.get("action"))
        for field in ("transaction_id", "core_version"):
            if context.get(field) != first.get(field) or (
                field == "core_version" and context.get(field) != "1.2.5"
            ):
                yield Violation(
                    field, key, f"$.context.{field}",
                    f"{context.get(field)!r}; the flow is {first.get(field)!r} (1.2.5)",
                )  # fmt: skip
        if action == "on_init":
            gst = _tax_number(order)
        elif action in ("confirm", "on_confirm") and gst is not None:
            shown = _tax_number(order)
            if (shown is not None and shown != gst) or (action == "on_confirm" and shown is None):
                yield Violation(
                    "gst_consistent", key, "$.message.order.tags[?(@.code=='bpp_terms')]",
                    f"tax_number {shown!r} is not on_init's {gst!r}",
                )  # fmt: skip
        delivery = _delivery(order)
        if action == "on_confirm":
            creds = order.get("provider", {}).get("creds")
            routing = routing_of(delivery) if delivery is not None else None
            was = {str(delivery.get("id")): _state(delivery)} if delivery is not None else {}
            if delivery is not None and routing is None:
                yield Violation(
                    "routing_required", key, "$.message.order.fulfillments",
                    "on_confirm's Delivery fulfilment names no routing (P2P or P2H2P)",
                )  # fmt: skip
            continue
        if not action.startswith("on_") or not order or routing is None:
            continue
        echoes = action in ("on_status", "on_cancel", "on_update")
        if creds is not None and echoes and order.get("provider", {}).get("creds") != creds:
            yield Violation(
                "creds_echoed", key, "$.message.order.provider.creds",
                "the seller's credentials differ from on_confirm's",
            )  # fmt: skip
        cancelled = order.get("state") == "Cancelled"
        for found in _deliveries(order):
            yield from _delivery_moves(key, cancelled, found, routing, was)


def _deliveries(order: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The order's Delivery fulfilments: the first, and any sent to replace a returned piece
    (ONDC retail 1.2.5 replacement)."""
    return [f for f in order.get("fulfillments") or [] if f.get("type") == "Delivery"]


def _delivery_moves(
    key: str,
    cancelled: bool,
    delivery: Mapping[str, Any],
    routing: Routing,
    was: dict[str, str | None],
) -> Iterator[Violation]:
    """A Delivery fulfilment keeps the order's routing (a cancelled order's callbacks may
    name none, as Pramaan's on_cancel examples do), takes only the states it allows and
    moves as ONDC's validator allows from its last state (``was``, by fulfilment id,
    updated here); a delivery first seen after on_confirm (a replacement) starts Pending."""
    fulfilment_id = str(delivery.get("id"))
    found = routing_of(delivery)
    if found != routing and not (cancelled and found is None):
        yield Violation(
            "routing_kept", key, "$.message.order.fulfillments",
            f"routing {found} is not on_confirm's {routing}",
        )  # fmt: skip
    state = _state(delivery)
    if fulfilment_id not in was:
        was[fulfilment_id] = state
        if state != "Pending":
            yield Violation(
                "replacement_starts_pending", key, "$.message.order.fulfillments",
                f"delivery {fulfilment_id} first shown {state}, not Pending",
            )  # fmt: skip
        return
    if state is not None and state not in ROUTING_STATES[routing]:
        yield Violation(
            "routing_states", key, "$.message.order.fulfillments",
            f"delivery state {state} is not one {routing} allows",
        )  # fmt: skip
        return  # judged by the routing; the next move is judged from the last good state
    before = was[fulfilment_id]
    onward = _NEXT_STATES.get(before or "")
    if onward is not None and state not in (None, before, "Cancelled", *onward):
        yield Violation(
            "state_transition", key, "$.message.order.fulfillments",
            f"delivery state {before} -> {state}; next may be "
            f"{', '.join(sorted(onward))} or Cancelled",
        )  # fmt: skip
    was[fulfilment_id] = state or before


def check_flow_125(steps: Sequence[Step]) -> list[Violation]:
    """Every flow rule of retail 1.2.5 the ordered ``steps`` of one transaction break."""
    bodies = [(key, body) for key, body in steps if _is_body(body)]
    return [
        *_sequence(bodies),
        *_pairing(bodies),
        *_timing(bodies),
        *_contract(bodies),
        *check_cash_on_delivery(bodies),
        *check_fulfillment_options(bodies),
        *check_delivery_slots(bodies),
        *check_return_withdrawal(bodies),
        *check_input_text(bodies),
        *check_buyer_delivery(bodies),
        *check_seller_collection(bodies),
        *check_purchase_finance(bodies),
    ]
