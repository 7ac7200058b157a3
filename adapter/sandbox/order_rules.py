"""ONDC's workbench field rules for a seller's order callbacks (retail 1.2.0, RET10, RET12,
RET16), restated: ``on_select`` to ``on_update`` (provider, items, fulfilments, quote,
billing, payment, timestamps, ids), the return tags of ``on_update`` and ``on_track``.
Part of the gate's rule table (:mod:`adapter.sandbox.conformance_rules`)."""

from __future__ import annotations

from typing import Final

from adapter.sandbox.field_rules import FieldRule, RuleGroup
from adapter.sandbox.ondc_values import (
    AMOUNT,
    DURATION,
    FASHION_AND_HOME,
    FULFILLMENT_TYPES,
    GPS,
    ORDER_CALLBACKS,
    ORDER_ID,
    PHONE,
    PINCODE,
    PRICE,
    RET12,
    RET16,
    RET16_ID,
    STATUS_ORDER_ID,
    TIMESTAMP,
    TITLE_TYPES,
)

__all__ = ["ORDER_RULES"]


def _order() -> list[FieldRule]:
    """The order of on_select ... on_update: provider, items, fulfilments, quote, billing,
    payment and timestamps, as far as each callback carries them."""
    rules: list[FieldRule] = []
    # RET12 ids allow letters, digits, "_" and "-"; RET16 holds the ids of its order
    # callbacks to its catalogue rule (no hyphen), the order id and the payment's
    # transaction id included.
    for domains, regex in ((RET12, ORDER_ID), (RET16, RET16_ID)):
        g = RuleGroup(ORDER_CALLBACKS, "message.order", domains=domains)
        g.pattern("ORDER_PROVIDER_ID", "provider.id", regex)
        g.pattern("ORDER_PROVIDER_LOCATIONS_ID", "provider.locations[].id", regex, optional=True)
        g.pattern("ITEMS_ID", "items[].id", regex)
        ids = RuleGroup(("on_confirm", "on_cancel", "on_update"), "message.order", domains=domains)
        ids.pattern("ORDER_ID", "id", regex)
        paid = RuleGroup(
            ("on_confirm", "on_status", "on_cancel", "on_update"), "message.order", domains=domains
        )
        paid.pattern(
            "PAYMENT_PARAMS_TRANSACTION_ID", "payment.params.transaction_id", regex, optional=True
        )
        rules += [*g.rules, *ids.rules, *paid.rules]
    ret16 = RuleGroup(("on_cancel", "on_update"), "message.order", domains=RET16)
    ret16.pattern(
        "FULFILLMENTS_START_LOCATION_ID",
        "fulfillments[].start.location.id",
        RET16_ID,
        optional=True,
    )
    ret16.pattern(
        "QUOTE_TRAIL_ID", "tags[code=quote_trail].list[code=id].value", RET16_ID, optional=True
    )
    tracked = RuleGroup("on_track", "message.tracking", domains=RET16)
    tracked.pattern("ORDER_ID", "tags[code=order].list[code=id].value", RET16_ID, optional=True)
    g = RuleGroup(ORDER_CALLBACKS, "message.order", domains=FASHION_AND_HOME)
    g.pattern("ITEMS_FULFILLMENT_ID", "items[].fulfillment_id", ORDER_ID, optional=True)
    g.refers(
        "ITEMS_FULFILLMENT_ID_MAP_SPF", "items[].fulfillment_id", "fulfillments[].id", optional=True
    )
    rules += [*ret16.rules, *tracked.rules, *g.rules]

    quoted = RuleGroup(
        ("on_select", "on_init", "on_confirm", "on_cancel", "on_update"), "message.order.quote"
    )
    quoted.present("QUOTE_PRICE_CURRENCY", "price.currency")
    quoted.present("QUOTE_PRICE_VALUE", "price.value")
    quoted.present("BREAKUP_ONDC_ORG_ITEM_ID", "breakup[].@ondc/org/item_id")
    quoted.present("BREAKUP_TITLE", "breakup[].title")
    quoted.one_of("BREAKUP_TITLE_TYPE", "breakup[].@ondc/org/title_type", TITLE_TYPES)
    quoted.present("BREAKUP_PRICE_CURRENCY", "breakup[].price.currency")
    quoted.pattern(
        "BREAKUP_ONDC_ORG_ITEM_QUANTITY_COUNT",
        "breakup[].@ondc/org/item_quantity.count",
        r"^[0-9]+$",
        optional=True,
    )
    quoted.one_of(
        "BREAKUP_ITEM_TAGS_QUOTE_TYPE",
        "breakup[].item.tags[code=quote].list[code=type].value",
        ("fulfillment", "order", "item"),
        optional=True,
    )
    rules += quoted.rules
    strict = RuleGroup(
        ("on_select", "on_init", "on_confirm", "on_cancel", "on_update"),
        "message.order.quote",
        domains=FASHION_AND_HOME,
    )
    strict.pattern("QUOTE_PRICE_VALUE", "price.value", PRICE)
    strict.pattern("BREAKUP_PRICE_VALUE", "breakup[].price.value", PRICE)
    strict.pattern("QUOTE_TTL", "ttl", DURATION)
    strict.pattern(
        "BREAKUP_ITEM_QUANTITY_AVAILABLE_COUNT",
        "breakup[].item.quantity.available.count",
        r"^[0-9]{1,2}$",
        optional=True,
    )
    strict.pattern(
        "BREAKUP_ITEM_QUANTITY_MAXIMUM_COUNT",
        "breakup[].item.quantity.maximum.count",
        r"^[0-9]{1,2}$",
        optional=True,
    )
    rules += strict.rules

    select = RuleGroup("on_select", "message.order")
    select.present("ORDER_PROVIDER", "provider.id")
    select.present("FULFILLMENTS_ID", "fulfillments[].id")
    select.one_of("FULFILLMENTS_TYPE", "fulfillments[].type", FULFILLMENT_TYPES)
    select.present("FULFILLMENTS_ONDC_ORG_PROVIDER_NAME", "fulfillments[].@ondc/org/provider_name")
    select.present("FULFILLMENTS_TRACKING", "fulfillments[].tracking")
    select.one_of(
        "FULFILLMENTS_ONDC_ORG_CATEGORY",
        "fulfillments[].@ondc/org/category",
        (
            "Standard Delivery",
            "Immediate Delivery",
            "Same Day Delivery",
            "Next Day Delivery",
            "Express Delivery",
        ),
    )
    select.one_of(
        "FULFILLMENTS_STATE_DESCRIPTOR_CODE",
        "fulfillments[].state.descriptor.code",
        ("Serviceable", "Non-serviceable"),
    )
    select.pattern("FULFILLMENTS_ONDC_ORG_TAT", "fulfillments[].@ondc/org/TAT", DURATION)
    select.present("QUOTE_TTL", "quote.ttl")
    rules += select.rules

    billed = RuleGroup(
        ("on_init", "on_confirm", "on_status", "on_cancel", "on_update"),
        "message.order.billing",
        domains=FASHION_AND_HOME,
    )
    billed.present("BILLING_NAME", "name")
    for field in ("name", "locality", "city", "state", "country"):
        billed.present(f"BILLING_ADDRESS_{field.upper()}", f"address.{field}")
    billed.pattern("BILLING_ADDRESS_AREA_CODE", "address.area_code", PINCODE)
    billed.pattern("BILLING_PHONE", "phone", PHONE)
    billed.pattern("BILLING_CREATED_AT", "created_at", TIMESTAMP)
    billed.pattern("BILLING_UPDATED_AT", "updated_at", TIMESTAMP)
    billed.equals("BILLING_CREATED_AT_UPDATED_AT_EQUALITY_SPF", "created_at", "updated_at")
    rules += billed.rules

    paid = RuleGroup(
        ("on_init", "on_confirm", "on_cancel", "on_update"),
        "message.order.payment",
        domains=FASHION_AND_HOME,
    )
    paid.one_of(
        "PAYMENT_ONDC_ORG_BUYER_APP_FINDER_FEE_TYPE",
        "@ondc/org/buyer_app_finder_fee_type",
        ("percent", "amount"),
    )
    paid.pattern(
        "PAYMENT_ONDC_ORG_BUYER_APP_FINDER_FEE_AMOUNT",
        "@ondc/org/buyer_app_finder_fee_amount",
        AMOUNT,
    )
    paid.one_of(
        "PAYMENT_ONDC_ORG_SETTLEMENT_DETAILS_SETTLEMENT_TYPE",
        "@ondc/org/settlement_details[].settlement_type",
        ("upi", "neft", "rtgs", "netbanking"),
        optional=True,
    )
    rules += paid.rules
    settled = RuleGroup(
        ("on_confirm", "on_cancel", "on_update"), "message.order.payment", domains=FASHION_AND_HOME
    )
    settled.present("PAYMENT_PARAMS_CURRENCY", "params.currency")
    settled.pattern("PAYMENT_PARAMS_AMOUNT", "params.amount", AMOUNT)
    settled.one_of("PAYMENT_STATUS", "status", ("PAID", "NOT-PAID"))
    settled.one_of("PAYMENT_COLLECTED_BY", "collected_by", ("BAP", "BPP"))
    settled.one_of(
        "PAYMENT_TYPE", "type", ("ON-ORDER", "ON-FULFILLMENT", "POST-FULFILLMENT"), optional=True
    )
    settled.pattern(
        "PAYMENT_ONDC_ORG_SETTLEMENT_WINDOW", "@ondc/org/settlement_window", DURATION, optional=True
    )
    settled.one_of(
        "PAYMENT_ONDC_ORG_SETTLEMENT_BASIS",
        "@ondc/org/settlement_basis",
        ("delivery", "shipment", "return_window_expiry"),
        optional=True,
    )
    rules += settled.rules

    init = RuleGroup("on_init", "message.order.fulfillments[]", domains=FASHION_AND_HOME)
    init.pattern("FULFILLMENTS_ID", "id", ORDER_ID)
    init.one_of("FULFILLMENTS_TYPE", "type", FULFILLMENT_TYPES)
    init.pattern("FULFILLMENTS_END_LOCATION_GPS", "end.location.gps", GPS)
    for field in ("name", "locality", "city", "state", "country"):
        init.present(
            f"FULFILLMENTS_END_LOCATION_ADDRESS_{field.upper()}", f"end.location.address.{field}"
        )
    init.pattern(
        "FULFILLMENTS_END_LOCATION_ADDRESS_AREA_CODE", "end.location.address.area_code", PINCODE
    )
    init.pattern("FULFILLMENTS_END_CONTACT_PHONE", "end.contact.phone", PHONE)
    rules += init.rules

    confirm = RuleGroup("on_confirm", "message.order", domains=FASHION_AND_HOME)
    confirm.one_of("ORDER_STATE", "state", ("Created", "Accepted"))
    confirm.pattern("ITEMS_QUANTITY_COUNT", "items[].quantity.count", r"^[0-9]+$")
    confirm.pattern("FULFILLMENTS_ID", "fulfillments[].id", ORDER_ID)
    confirm.one_of("FULFILLMENTS_TYPE", "fulfillments[].type", FULFILLMENT_TYPES)
    confirm.pattern("FULFILLMENTS_ONDC_ORG_TAT", "fulfillments[].@ondc/org/TAT", DURATION)
    confirm.present("FULFILLMENTS_TRACKING", "fulfillments[].tracking")
    confirm.present("FULFILLMENTS_END_PERSON_NAME", "fulfillments[].end.person.name")
    confirm.pattern("FULFILLMENTS_END_CONTACT_PHONE", "fulfillments[].end.contact.phone", PHONE)
    confirm.pattern("FULFILLMENTS_END_LOCATION_GPS", "fulfillments[].end.location.gps", GPS)
    confirm.one_of(
        "FULFILLMENTS_STATE_DESCRIPTOR_CODE", "fulfillments[].state.descriptor.code", ("Pending",)
    )
    confirm.present("FULFILLMENTS_START_LOCATION_ID", "fulfillments[].start.location.id")
    confirm.present(
        "FULFILLMENTS_START_LOCATION_DESCRIPTOR_NAME",
        "fulfillments[].start.location.descriptor.name",
    )
    for field in ("locality", "city", "state"):
        confirm.present(
            f"FULFILLMENTS_START_LOCATION_ADDRESS_{field.upper()}",
            f"fulfillments[].start.location.address.{field}",
        )
    confirm.pattern(
        "FULFILLMENTS_START_LOCATION_ADDRESS_AREA_CODE",
        "fulfillments[].start.location.address.area_code",
        PINCODE,
    )
    confirm.pattern("FULFILLMENTS_START_LOCATION_GPS", "fulfillments[].start.location.gps", GPS)
    confirm.pattern("FULFILLMENTS_START_CONTACT_PHONE", "fulfillments[].start.contact.phone", PHONE)
    confirm.one_of(
        "TAGS_BPP_TERMS_NP_TYPE",
        "tags[code=bpp_terms].list[code=np_type].value",
        ("ISN", "MSN"),
        optional=True,
    )
    rules += confirm.rules

    stamped = RuleGroup(
        ("on_confirm", "on_cancel", "on_update"), "message.order", domains=FASHION_AND_HOME
    )
    stamped.pattern("ORDER_CREATED_AT", "created_at", TIMESTAMP)
    stamped.pattern("ORDER_UPDATED_AT", "updated_at", TIMESTAMP)
    rules += stamped.rules

    status = RuleGroup("on_status", "message.order", domains=FASHION_AND_HOME)
    status.pattern("ORDER_ID", "id", STATUS_ORDER_ID)
    status.one_of(
        "ORDER_STATE", "state", ("Created", "Accepted", "In-progress", "Completed", "Cancelled")
    )
    status.pattern("ITEMS_QUANTITY_COUNT", "items[].quantity.count", r"^[0-9]+$")
    status.present("FULFILLMENTS_ID", "fulfillments[].id")
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
            "RTO-Delivered",
            "RTO-Disposed",
        ),
    )
    status.one_of(
        "FULFILLMENTS_TYPE", "fulfillments[].type", (*FULFILLMENT_TYPES, "Return", "RTO", "Cancel")
    )
    status.one_of(
        "FULFILLMENTS_START_INSTRUCTIONS_CODE",
        "fulfillments[].start.instructions.code",
        ("1", "2", "3", "4"),
        optional=True,
    )
    status.one_of(
        "ROUTING_TYPE",
        "fulfillments[].tags[code=routing].list[code=type].value",
        ("P2P", "P2H2P"),
        optional=True,
    )
    status.pattern(
        "TRACKING_URL",
        "fulfillments[].tags[code=tracking].list[code=url].value",
        r"^https?://.*$",
        optional=True,
    )
    rules += status.rules

    cancel = RuleGroup("on_cancel", "message.order", domains=FASHION_AND_HOME)
    cancel.one_of("ORDER_STATE", "state", ("Cancelled",))
    cancel.pattern("ITEMS_QUANTITY_COUNT", "items[].quantity.count", r"^[0-9]+$")
    cancel.pattern("FULFILLMENTS_ID", "fulfillments[].id", ORDER_ID)
    cancel.one_of(
        "FULFILLMENTS_STATE_DESCRIPTOR_CODE",
        "fulfillments[].state.descriptor.code",
        ("Cancelled", "RTO-Initiated", "RTO-Disposed", "RTO-Delivered", "Order-delivered"),
    )
    cancel.one_of(
        "FULFILLMENTS_TYPE", "fulfillments[].type", (*FULFILLMENT_TYPES, "Return", "Cancel", "RTO")
    )
    rules += cancel.rules

    update = RuleGroup("on_update", "message.order", domains=FASHION_AND_HOME)
    update.one_of(
        "ORDER_STATE", "state", ("Created", "Accepted", "In-progress", "Completed", "Cancelled")
    )
    update.pattern("ITEMS_QUANTITY_COUNT", "items[].quantity.count", r"^[0-9]+$")
    rules += update.rules
    return rules


def _returns() -> list[FieldRule]:
    """A return's tags in on_update: only the codes retail 1.2.0 defines for a
    ``return_request`` (``exchange`` is not one of them). Ours, not the workbench's: the
    1.2.0 contract and every certified log in ``tests/fixtures/ondc-examples`` use these codes."""
    g = RuleGroup("on_update", "message.order.fulfillments[]")
    g.one_of(
        "return_request_codes",
        "tags[code=return_request].list[].code",
        (
            "id",
            "item_id",
            "parent_item_id",
            "item_quantity",
            "reason_id",
            "reason_desc",
            "images",
            "ttl_approval",
            "ttl_reverseqc",
            "initiated_by",
        ),
        optional=True,
    )
    return g.rules


def _tracking() -> list[FieldRule]:
    """on_track's tracking block."""
    g = RuleGroup("on_track", "message.tracking", domains=FASHION_AND_HOME)
    g.pattern("TRACKING_LOCATION_GPS", "location.gps", GPS, optional=True)
    g.pattern(
        "TRACKING_LOCATION_TIME_TIMESTAMP", "location.time.timestamp", TIMESTAMP, optional=True
    )
    g.pattern("TRACKING_LOCATION_UPDATED_AT", "location.updated_at", TIMESTAMP, optional=True)
    for domains, regex in ((RET12, ORDER_ID), (RET16, RET16_ID)):
        ids = RuleGroup("on_track", "message.tracking", domains=domains)
        ids.pattern("TRACKING_ID", "id", regex, optional=True)
        g.rules += ids.rules
    every = RuleGroup("on_track", "message.tracking")
    every.one_of("TRACKING_STATUS", "status", ("active", "inactive"))
    return [*g.rules, *every.rules]


ORDER_RULES: Final[tuple[FieldRule, ...]] = (*_order(), *_returns(), *_tracking())
"""The rules for the order callbacks and ``on_track``."""
