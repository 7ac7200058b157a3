"""The field rules a seller's retail 1.2.5 callbacks must pass, restated as our data.

Retail 1.2.5 keeps 1.2.0's payloads, so its callbacks are held to every rule of
:data:`adapter.sandbox.conformance_rules.FIELD_RULES` (the workbench's 1.2.0 L1 rules), with
the version rule naming 1.2.5, and to the fields 1.2.5 adds (ONDC-Official/automation-
specifications, branches ``draft-RET10-1.2.5``, ``draft-RET12-1.2.5``, ``draft-RET16-1.2.5``,
``config/specs/openapi.yaml``, and the flow rules of Pramaan): the ``ttl`` of every order
callback, the routing of the delivery in ``/on_confirm``, the seller's credentials and the
marketplace's ``bpp_terms`` in ``/on_search``. The rules 1.2.5 adds carry our own (lower
case) names, as ONDC publishes none for them.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Final

from adapter.sandbox.conformance_rules import FIELD_RULES
from adapter.sandbox.field_rules import FieldRule, RuleGroup, Scope
from adapter.sandbox.ondc_values import ORDER_CALLBACKS

__all__ = ["FIELD_RULES_125"]

_VERSION_RULE: Final = "CONTEXT_ENUM_VERSION"


_STATE_RULE: Final = "FULFILLMENTS_STATE_DESCRIPTOR_CODE"
_COURIER_STATES: Final = (
    "Out-for-pickup", "Pickup-failed", "At-pickup", "In-transit", "At-destination-hub",
    "At-delivery", "Delivery-failed",
)  # fmt: skip
"""The delivery states 1.2.5 lets an order's callbacks show beside 1.2.0's, as its routing
allows (``adapter.core.retail125.routing``; that a state fits the routing is a flow rule)."""


_RETURN_STATES: Final = (
    "Return_Initiated", "Return_Approved", "Return_Rejected", "Return_Picked",
    "Return_Delivered", "Liquidated",
)  # fmt: skip
"""The states of a buyer's ``Return`` fulfilment, which a 1.2.5 ``/on_status`` about the
delivery replacing a returned piece shows beside it (the order is sent whole)."""

_RETURN_CODES_RULE: Final = "return_request_codes"


_DELIVERY: Final = "fulfillments[type=Delivery]"
_HANDED_OVER: Final = "fulfillments[type=Delivery|Self-Pickup|Buyer-Delivery]"
"""Retail 1.2.5 self-pickup (Pramaan's ``Self_Pickup_Flow``): the order's one fulfilment is
a ``Self-Pickup``, which carries what 1.2.0's RET10 rules ask of a delivery (the buyer's
``end`` in on_init and on_confirm, the store as its ``start`` in on_confirm and on_cancel),
so those rules hold whichever of the two the order has; so does a ``Buyer-Delivery`` (the
buyer app's courier collects at the store and takes the goods to the buyer's ``end``)."""

_CATEGORY_RULE: Final = "FULFILLMENTS_ONDC_ORG_CATEGORY"


def _inherited() -> list[FieldRule]:
    """1.2.0's rules, the version rule asking for 1.2.5, the later callbacks' delivery
    states taking 1.2.5's courier legs (and a replaced piece's return states) too, a
    return request taking 1.2.5's ``replace``, the delivery's rules holding a self-pickup
    too, and the delivery categories asked of a delivery only (a self-pickup's is
    ``Takeaway``, :func:`_self_pickup`)."""
    rules = []
    for rule in FIELD_RULES:
        if _DELIVERY in rule.path and rule.name != _STATE_RULE:
            rule = replace(rule, path=rule.path.replace(_DELIVERY, _HANDED_OVER))
        if rule.name == _CATEGORY_RULE:
            rule = replace(rule, path=rule.path.replace("fulfillments[]", _DELIVERY), optional=True)
        if rule.name == _VERSION_RULE:
            rule = replace(rule, values=("1.2.5",))
        elif rule.name == _STATE_RULE and "Agent-assigned" in rule.values:
            rule = replace(rule, values=(*rule.values, *_COURIER_STATES, *_RETURN_STATES))
        elif rule.name == _RETURN_CODES_RULE:
            rule = replace(rule, values=(*rule.values, "replace"))
        rules.append(rule)
    return rules


def _added() -> list[FieldRule]:
    context = RuleGroup((*ORDER_CALLBACKS, "on_track"), "context")
    # Pramaan: every retail 1.2.5 callback of an order says ttl PT30S.
    context.one_of("ttl_pt30s", "ttl", ("PT30S",))

    confirm = RuleGroup(("on_confirm", "on_status", "on_cancel", "on_update"), "message.order")
    delivery = "fulfillments[type=Delivery].tags[code=routing].list[code=type].value"
    # The routing a delivery names (that on_confirm names one is a flow rule,
    # adapter.sandbox.flowcheck_125: an order collected at the store has none).
    confirm.one_of("routing_type", delivery, ("P2P", "P2H2P"), optional=True)

    creds = RuleGroup(("on_confirm", "on_status", "on_cancel", "on_update"), "message.order")
    creds.present("creds_id", "provider.creds[].id", optional=True)
    creds.one_of("creds_type", "provider.creds[].descriptor.type", ("GI",), optional=True)
    creds.present("creds_code", "provider.creds[].descriptor.code", optional=True)

    terms = RuleGroup("on_search", "message.catalog", scope=Scope.FULL_CATALOGUE)
    base = "bpp/descriptor.tags[code=bpp_terms].list"
    terms.one_of("bpp_terms_np_type", f"{base}[code=np_type].value", ("MSN", "ISN"))
    terms.one_of(
        "bpp_terms_accept_bap_terms", f"{base}[code=accept_bap_terms].value", ("Y", "N"),
        optional=True,
    )  # fmt: skip
    terms.one_of(
        "bpp_terms_collect_payment", f"{base}[code=collect_payment].value", ("Y", "N"),
        optional=True,
    )  # fmt: skip
    # Buyers' ratings shown in the catalogue (provider and item ``rating``) are whole stars:
    # ONDC's log-validation-utility allows "1" to "5" from its commit cec7a6a on.
    stars = RuleGroup("on_search", "message.catalog")
    whole = ("1", "2", "3", "4", "5")
    stars.one_of("provider_rating_stars", "bpp/providers[].rating", whole, optional=True)
    stars.one_of("item_rating_stars", "bpp/providers[].items[].rating", whole, optional=True)
    return [
        *context.rules, *confirm.rules, *creds.rules, *terms.rules, *stars.rules,
        *_self_pickup(), *_options(),
    ]  # fmt: skip


_PICKUP_STATES: Final = ("Pending", "Packed", "Order-picked-up", "Cancelled")
"""The states of a self-pickup (ONDC retail 1.2.5 ``Self_Pickup_Flow``): accepted, packed
and ready at the store, collected by the buyer; or cancelled. Nothing travels."""


def _self_pickup() -> list[FieldRule]:
    """What 1.2.5 asks of a ``Self-Pickup`` fulfilment (Pramaan's ``Self_Pickup_Flow``)."""
    quote = RuleGroup("on_select", "message.order")
    # Every fulfilment offered names its category: a delivery's is one of the delivery
    # categories (FULFILLMENTS_ONDC_ORG_CATEGORY), a store pick-up's Takeaway.
    quote.present("fulfillment_category", "fulfillments[].@ondc/org/category")
    pickup = "fulfillments[type=Self-Pickup]"
    quote.one_of(
        "self_pickup_category", f"{pickup}.@ondc/org/category", ("Takeaway",), optional=True
    )
    later = RuleGroup(("on_confirm", "on_status", "on_cancel", "on_update"), "message.order")
    later.one_of(
        "self_pickup_state", f"{pickup}.state.descriptor.code", _PICKUP_STATES, optional=True
    )
    return [*quote.rules, *later.rules]


def _options() -> list[FieldRule]:
    """What 1.2.5 asks of an ``/on_select`` offering more than one fulfilment (Pramaan's
    ``Multi_Option_Fulfillment_Flow``) and of the quotes that follow: each item's
    ``fulfillment_ids`` are fulfilments offered, and a delivery, packing or misc line is
    charged to a fulfilment an item names (ONDC's log-validation-utility: "should be a
    valid fulfillment_id as provided in message.items for the items")."""
    offered = RuleGroup("on_select", "message.order")
    offered.refers(
        "item_fulfillment_options", "items[].fulfillment_ids[]", "fulfillments[].id",
        optional=True,
    )  # fmt: skip
    quoted = RuleGroup(("on_select", "on_init", "on_confirm"), "message.order")
    quoted.refers(
        "charge_fulfillment_named",
        "quote.breakup[@ondc/org/title_type=delivery|packing|misc].@ondc/org/item_id",
        "items[].fulfillment_id",
        optional=True,
    )
    return [*offered.rules, *quoted.rules]


FIELD_RULES_125: Final[tuple[FieldRule, ...]] = (*_inherited(), *_added())
"""Every field rule of the gate for a retail 1.2.5 callback, in the order they are checked."""
