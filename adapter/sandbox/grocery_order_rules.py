"""ONDC's workbench field rules for a grocery (RET10) seller's order callbacks, restated:
``on_select`` to ``on_update`` and ``on_track`` (retail 1.2.0). Part of the gate's rule
table (:mod:`adapter.sandbox.conformance_rules`); the rules RET10 shares with fashion and
home (context, quote, ``on_select``'s fulfilment) are in :mod:`adapter.sandbox.order_rules`.

Source: the ``x-validations`` of ONDC-Official/automation-specifications, branch
``draft-RET10-1.2.0``. RET10 names its quote rules ``BREAKUP_ITEM_*`` where the other
domains say ``BREAKUP_*``; the names are kept so a failure can be found in a workbench
report. Where the workbench asks for a field of "the breakup's items" (``item.price``,
``item.quantity.maximum``), it reads the lines that carry an item: here the lines whose
``@ondc/org/title_type`` is ``item``.

Not restated: the rules on tag groups the adapter never sends (offers, finance terms,
``bnp_*`` claims and differences, linked orders, agent details, labels, reverse QC output,
fulfilment delays, tracking ``config`` and ``path``), which only say what such a group may
hold when it is there.
"""

from __future__ import annotations

from typing import Final

from adapter.sandbox.field_rules import FieldRule, RuleGroup
from adapter.sandbox.ondc_values import RET10, TIMESTAMP, TITLE_TYPES

__all__ = ["GROCERY_ORDER_RULES"]

# RET10's order id: letters, digits and hyphens up to 32, or a UUID.
GROCERY_ORDER_ID: Final = (
    r"^[a-zA-Z0-9-]{1,32}$|^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
    r"[0-9a-fA-F]{12}$"
)
_ITEM_LINES: Final = "breakup[@ondc/org/title_type=item]"
_WITH_ORDER: Final = ("on_init", "on_confirm", "on_status", "on_cancel")
_CONFIRMED: Final = ("on_confirm", "on_status", "on_cancel")


def _quote() -> list[FieldRule]:
    """The quote of every order callback that carries one."""
    quoted = RuleGroup(
        ("on_select", "on_init", "on_confirm", "on_status", "on_cancel"),
        "message.order.quote",
        domains=RET10,
    )
    quoted.present("QUOTE_TTL", "ttl")
    quoted.present("BREAKUP_ITEM_ID", "breakup[].@ondc/org/item_id")
    quoted.one_of("BREAKUP_ITEM_TITLE_TYPE", "breakup[].@ondc/org/title_type", TITLE_TYPES)
    quoted.present("BREAKUP_ITEM_PRICE_CURRENCY", "breakup[].price.currency")
    quoted.present("BREAKUP_ITEM_PRICE_VALUE", "breakup[].price.value")
    quoted.one_of(
        "BREAKUP_ITEM_ITEM_TAGS_TAGS_QUOTE_TYPE",
        "breakup[].item.tags[code=quote].list[code=type].value",
        ("fulfillment", "order", "item"),
        optional=True,
    )
    quoted.one_of(
        "BREAKUP_ITEM_ITEM_TAGS_TAGS_QUOTE_SUBTYPE",
        "breakup[].item.tags[code=quote].list[code=subtype].value",
        ("delivery", "packaging", "misc"),
        optional=True,
    )
    titled = RuleGroup(
        ("on_select", "on_init", "on_confirm", "on_status"), "message.order.quote", domains=RET10
    )
    titled.present("BREAKUP_ITEM_TITLE", "breakup[].title")
    titled.present("BREAKUP_ITEM_ITEM_PRICE_CURRENCY", f"{_ITEM_LINES}.item.price.currency")
    titled.present("BREAKUP_ITEM_ITEM_PRICE_VALUE", f"{_ITEM_LINES}.item.price.value")
    select = RuleGroup("on_select", "message.order.quote", domains=RET10)
    select.present(
        "BREAKUP_ITEM_ITEM_QUANTITY_MAXIMUM_COUNT", f"{_ITEM_LINES}.item.quantity.maximum.count"
    )
    select.one_of(
        "BREAKUP_ITEM_ITEM_QUANTITY_AVAILABLE_COUNT",
        "breakup[].item.quantity.available.count",
        ("99", "0"),
        optional=True,
    )
    status = RuleGroup("on_status", "message.order.quote", domains=RET10)
    status.present("QUOTE_PRICE_CURRENCY", "price.currency")
    status.present("QUOTE_PRICE_VALUE", "price.value")
    return [*quoted.rules, *titled.rules, *select.rules, *status.rules]


def _order() -> list[FieldRule]:
    """Provider, items, billing, the buyer's end of the fulfilment and the order's ids,
    states and timestamps."""
    g = RuleGroup(_WITH_ORDER, "message.order", domains=RET10)
    g.present("ORDER_PROVIDER_ID", "provider.id")
    g.present("ORDER_PROVIDER_LOCATIONS_ID", "provider.locations[].id")
    for field in ("name", "building", "locality", "city", "state", "country", "area_code"):
        g.present(f"BILLING_ADDRESS_{field.upper()}", f"billing.address.{field}")
    for field in ("phone", "name", "created_at", "updated_at"):
        g.present(f"BILLING_{field.upper()}", f"billing.{field}")
    g.present("FULFILLMENTS_ID", "fulfillments[].id")
    g.present("FULFILLMENTS_TYPE", "fulfillments[].type")
    # on_cancel names its item rules ORDER_ITEM_*, the others ITEMS_*.
    items = RuleGroup(("on_init", "on_confirm", "on_status"), "message.order", domains=RET10)
    items.present("ITEMS_ID", "items[].id")
    items.present("ITEMS_FULFILLMENT_ID", "items[].fulfillment_id")
    items.present("ITEMS_QUANTITY_COUNT", "items[].quantity.count")
    cancel = RuleGroup("on_cancel", "message.order", domains=RET10)
    cancel.pattern("ORDER_ITEM_ID", "items[].id", GROCERY_ORDER_ID)
    cancel.present("ORDER_ITEM_FULFILLMENT_ID", "items[].fulfillment_id")
    cancel.present("ORDER_ITEM_QUANTITY_COUNT", "items[].quantity.count")
    cancel.one_of("ORDER_STATE", "state", ("Cancelled",))
    cancel.present("CANCELLED_BY", "cancellation.cancelled_by")
    cancel.present("CANCELLATION_REASON_ID", "cancellation.reason.id")
    cancel.one_of(
        "FULFILLMENTS_STATE_DESCRIPTOR_CODE",
        "fulfillments[type=Delivery].state.descriptor.code",
        ("Cancelled", "RTO-Initiated", "RTO-Disposed", "RTO-Delivered"),
    )
    cancel.one_of(
        "PRE_CANCEL_FULFILLMENT_STATE",
        "tags[code=pre_cancel_state].list[code=fulfillment_state].value",
        ("cancelled", "pending"),
        optional=True,
    )
    select = RuleGroup("on_select", "message.order", domains=RET10)
    select.present("ITEMS_ID", "items[].id")
    select.present("FULFILLMENTS_PROVIDER_NAME", "fulfillments[].@ondc/org/provider_name")
    select.present("FULFILLMENTS_CATEGORY", "fulfillments[].@ondc/org/category")
    select.one_of(
        "FULFILLMENTS_STATE_CODE",
        "fulfillments[].state.descriptor.code",
        ("Serviceable", "Non-serviceable"),
    )
    buyer_end = RuleGroup(
        ("on_init", "on_confirm"), "message.order.fulfillments[type=Delivery]", domains=RET10
    )
    buyer_end.present("FULFILLMENTS_END_LOCATION_GPS", "end.location.gps")
    for field in ("name", "building", "locality", "city", "state", "country", "area_code"):
        buyer_end.present(
            f"FULFILLMENTS_END_LOCATION_ADDRESS_{field.upper()}", f"end.location.address.{field}"
        )
    buyer_end.present("FULFILLMENTS_END_CONTACT_PHONE", "end.contact.phone")
    confirmed = RuleGroup(_CONFIRMED, "message.order", domains=RET10)
    confirmed.pattern("ORDER_ID", "id", GROCERY_ORDER_ID)
    confirmed.pattern("ORDER_CREATED_AT", "created_at", TIMESTAMP)
    confirmed.pattern("ORDER_UPDATED_AT", "updated_at", TIMESTAMP)
    confirm = RuleGroup("on_confirm", "message.order", domains=RET10)
    confirm.one_of("ORDER_STATE", "state", ("Created", "Accepted", "Cancelled"))
    confirm.one_of(
        "TAGS_BPP_TERMS_NP_TYPE",
        "tags[code=bpp_terms].list[code=np_type].value",
        ("MSN", "ISN"),
        optional=True,
    )
    status = RuleGroup("on_status", "message.order", domains=RET10)
    status.one_of(
        "ORDER_STATE", "state", ("Created", "Accepted", "In-progress", "Completed", "Cancelled")
    )
    status.one_of(
        "FULFILLMENTS_STATE_DESCRIPTOR_CODE",
        "fulfillments[].state.descriptor.code",
        (
            "Pending",
            "Packed",
            "Agent-assigned",
            "Order-picked-up",
            "Out-for-delivery",
            "Order-delivered",
            "Cancelled",
            "RTO-Initiated",
            "RTO-Disposed",
            "RTO-Delivered",
        ),
    )
    status.one_of(
        "FULFILLMENTS_START_INSTRUCTIONS_CODE",
        "fulfillments[].start.instructions.code",
        ("1", "2", "3", "4"),
        optional=True,
    )
    status.pattern(
        "TRACKING_URL",
        "fulfillments[].tags[code=tracking].list[code=url].value",
        r"^https?://.*$",
        optional=True,
    )
    groups = (g, items, cancel, select, buyer_end, confirmed, confirm, status)
    return [rule for group in groups for rule in group.rules]


def _seller_end() -> list[FieldRule]:
    """The seller's end of the delivery (where the goods leave from) once confirmed."""
    rules: list[FieldRule] = []
    for actions in (("on_confirm",), ("on_cancel",)):
        g = RuleGroup(actions, "message.order.fulfillments[type=Delivery]", domains=RET10)
        g.present("FULFILLMENTS_START_LOCATION_GPS", "start.location.gps")
        for field in ("locality", "city", "area_code", "state"):
            g.present(
                f"FULFILLMENTS_START_LOCATION_ADDRESS_{field.upper()}",
                f"start.location.address.{field}",
            )
        g.present("FULFILLMENTS_START_CONTACT_PHONE", "start.contact.phone")
        rules += g.rules
    confirm = RuleGroup("on_confirm", "message.order.fulfillments[]", domains=RET10)
    confirm.present("FULFILLMENTS_ONDC_ORG_PROVIDER_NAME", "@ondc/org/provider_name")
    confirm.present("FULFILLMENTS_STATE_DESCRIPTOR_CODE", "state.descriptor.code")
    confirm.present("FULFILLMENTS_LOCATION_ID", "start.location.id")
    confirm.present("FULFILLMENTS_START_LOCATION_DESCRIPTOR_NAME", "start.location.descriptor.name")
    confirm.present("FULFILLMENTS_START_CONTACT_EMAIL", "start.contact.email")
    cancel = RuleGroup("on_cancel", "message.order.fulfillments[type=Delivery]", domains=RET10)
    cancel.present("FULFILLMENTS_END_CONTACT_PHONE", "end.contact.phone")
    return [*rules, *confirm.rules, *cancel.rules]


def _payment() -> list[FieldRule]:
    """The payment block: the buyer app's finder fee, settlement and the paid amount."""
    g = RuleGroup(_WITH_ORDER, "message.order.payment", domains=RET10)
    g.one_of(
        "PAYMENT_ONDC_ORG_BUYER_APP_FINDER_FEE_TYPE",
        "@ondc/org/buyer_app_finder_fee_type",
        ("percent", "amount"),
    )
    g.pattern(
        "PAYMENT_ONDC_ORG_BUYER_APP_FINDER_FEE_AMOUNT",
        "@ondc/org/buyer_app_finder_fee_amount",
        r"^(\d*.?\d{1,2})$",
    )
    g.one_of(
        "PAYMENT_ONDC_ORG_SETTLEMENT_DETAILS_SETTLEMENT_TYPE",
        "@ondc/org/settlement_details[].settlement_type",
        ("upi", "neft", "rtgs"),
        optional=True,
    )
    paid = RuleGroup(_CONFIRMED, "message.order.payment", domains=RET10)
    paid.present("PAYMENT_CURRENCY", "params.currency")
    paid.present("PAYMENT_AMOUNT", "params.amount")
    paid.one_of("PAYMENT_STATUS", "status", ("NOT-PAID", "PAID"))
    paid.one_of("PAYMENT_TYPE", "type", ("ON-ORDER", "ON-FULFILLMENT"))
    paid.one_of("PAYMENT_COLLECTED_BY", "collected_by", ("BAP", "BPP"))
    confirm = RuleGroup("on_confirm", "message.order.payment", domains=RET10)
    confirm.pattern(
        "PAYMENT_TRANSACTION_ID", "params.transaction_id", r"^[0-9a-zA-Z_\-]{1,36}$", optional=True
    )
    status = RuleGroup("on_status", "message.order.payment", domains=RET10)
    status.one_of(
        "PAYMENT_ONDC_ORG_SETTLEMENT_BASIS",
        "@ondc/org/settlement_basis",
        ("shipment", "delivery", "return_Window_expiry"),
        optional=True,
    )
    return [*g.rules, *paid.rules, *confirm.rules, *status.rules]


def _update_and_track() -> list[FieldRule]:
    """on_update's order and return tags, and on_track's tracking block."""
    update = RuleGroup("on_update", "message.order", domains=RET10)
    update.present("ORDER_ID", "id")
    update.present("FULFILLMENTS_ID", "fulfillments[].id")
    returns = "fulfillments[].tags[code=return_request].list"
    update.pattern(
        "RETURN_REQUEST_REASON_ID", f"{returns}[code=reason_id].value", r"^\d{3}$", optional=True
    )
    update.pattern(
        "RETURN_REQUEST_TTL_APPROVAL",
        f"{returns}[code=ttl_approval].value",
        r"^PT[0-9]+H$",
        optional=True,
    )
    update.pattern(
        "RETURN_REQUEST_TTL_REVERSEQC",
        f"{returns}[code=ttl_reverseqc].value",
        r"^P[0-9]+D$",
        optional=True,
    )
    update.one_of(
        "UPDATE_STATE_STATE",
        "fulfillments[].tags[code=update_state].list[code=state].value",
        ("Order-picked-up", "Order-delivered"),
        optional=True,
    )
    update.one_of(
        "PAYMENT_ONDC_ORG_SETTLEMENT_DETAILS_SETTLEMENT_TYPE",
        "payment.@ondc/org/settlement_details[].settlement_type",
        ("upi", "neft", "rtgs", "wallet", "netbanking", "paylater", "card"),
        optional=True,
    )
    track = RuleGroup("on_track", "message.tracking", domains=RET10)
    track.present("TRACKING_ID", "id")
    track.pattern(
        "TRACKING_LOCATION_TIME_TIMESTAMP", "location.time.timestamp", TIMESTAMP, optional=True
    )
    track.pattern("TRACKING_LOCATION_UPDATED_AT", "location.updated_at", TIMESTAMP, optional=True)
    return [*update.rules, *track.rules]


GROCERY_ORDER_RULES: Final[tuple[FieldRule, ...]] = (
    *_quote(),
    *_order(),
    *_seller_end(),
    *_payment(),
    *_update_and_track(),
)
"""The RET10 rules for the order callbacks and ``on_track``."""
