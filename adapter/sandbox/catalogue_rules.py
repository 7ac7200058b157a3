"""ONDC's workbench field rules for a seller's ``/on_search`` (retail 1.2.0, RET10, RET12,
RET16), restated: the catalogue's descriptor and fulfilments, providers, items, and what an
incremental catalogue must still get right. Part of the gate's rule table
(:mod:`adapter.sandbox.conformance_rules`)."""

from __future__ import annotations

from typing import Final

from adapter.sandbox.field_rules import FieldRule, RuleGroup, Scope
from adapter.sandbox.ondc_values import (
    COLOURS,
    DIETS,
    DURATION,
    EMAIL,
    FASHION_AND_HOME,
    FULFILLMENT_TYPES,
    GPS,
    HHMM,
    MATERIALS,
    ORDER_ID,
    PHONE,
    PINCODE,
    PRICE,
    RET10,
    RET10_CATEGORIES,
    RET12,
    RET16,
    RET16_ID,
    RET16_PRICE,
    TIMESTAMP,
    UNITS,
)

__all__ = ["CATALOGUE_RULES"]


def _catalogue_header() -> list[FieldRule]:
    """``bpp/descriptor`` and ``bpp/fulfillments`` of a full catalogue."""
    g = RuleGroup("on_search", "message.catalog.bpp/descriptor", scope=Scope.FULL_CATALOGUE)
    g.present("BPP_DESCRIPTOR_NAME", "name")
    g.present("BPP_DESCRIPTOR_SYMBOL", "symbol")
    g.present("BPP_DESCRIPTOR_SHORT_DESC", "short_desc")
    g.present("BPP_DESCRIPTOR_LONG_DESC", "long_desc")
    g.present("BPP_DESCRIPTOR_IMAGES", "images[]")
    g.one_of("TAGS_BPP_DESCRIPTORS_VALID_TAGS", "tags[].code", ("bpp_terms",), optional=True)
    terms = "tags[code=bpp_terms].list"
    g.one_of("TAGS_BPP_TERMS_NP_TYPE", f"{terms}[code=np_type].value", ("ISN", "MSN"))
    g.one_of(
        "TAGS_BPP_TERMS_ACCEPT_BAP_TERMS",
        f"{terms}[code=accept_bap_terms].value",
        ("Y", "N"),
        optional=True,
    )
    g.one_of(
        "TAGS_BPP_TERMS_COLLECT_PAYMENT",
        f"{terms}[code=collect_payment].value",
        ("Y", "N"),
        optional=True,
    )
    f = RuleGroup("on_search", "message.catalog.bpp/fulfillments[]", scope=Scope.FULL_CATALOGUE)
    f.one_of("BPP_FULFILLMENTS_TYPE", "type", FULFILLMENT_TYPES, optional=True)
    return [*g.rules, *f.rules]


def _providers() -> list[FieldRule]:
    """Providers of a full catalogue: id, time, descriptor, ttl, fulfilments, locations,
    categories (variant groups) and provider tags."""
    g = RuleGroup("on_search", "message.catalog.bpp/providers[]", scope=Scope.FULL_CATALOGUE)
    g.present("PROVIDERS_ID", "id")
    g.one_of("PROVIDERS_TIME_LABEL", "time.label", ("enable", "disable"))
    g.pattern("PROVIDERS_TIME_TIMESTAMP", "time.timestamp", TIMESTAMP)
    g.pattern("PROVIDERS_TTL", "ttl", DURATION)
    g.present("FULFILLMENTS_ID", "fulfillments[].id")
    g.one_of("FULFILLMENTS_TYPE", "fulfillments[].type", FULFILLMENT_TYPES)
    g.pattern("FULFILLMENTS_CONTACT_EMAIL", "fulfillments[].contact.email", EMAIL)
    for field in ("name", "symbol", "short_desc", "long_desc"):
        g.present(f"PROVIDERS_DESCRIPTOR_{field.upper()}", f"descriptor.{field}")
    g.present("PROVIDERS_DESCRIPTOR_IMAGES", "descriptor.images[]")
    g.present("LOCATIONS_ID", "locations[].id")
    g.pattern("LOCATIONS_TIME_TIMESTAMP", "locations[].time.timestamp", TIMESTAMP)
    g.pattern(
        "LOCATIONS_TIME_SCHEDULE_HOLIDAYS",
        "locations[].time.schedule.holidays[]",
        r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
        optional=True,
    )
    for field in ("locality", "street", "city", "state"):
        g.present(f"LOCATIONS_ADDRESS_{field.upper()}", f"locations[].address.{field}")
    g.pattern("LOCATIONS_ADDRESS_AREA_CODE", "locations[].address.area_code", PINCODE)
    g.one_of(
        "LOCATIONS_CIRCLE_RADIUS_UNIT", "locations[].circle.radius.unit", ("km",), optional=True
    )
    g.present("CATEGORIES_DESCRIPTOR_NAME", "categories[].descriptor.name")
    g.one_of(
        "TAGS_PROVIDER_CATEGORY_TYPE_TYPE",
        "categories[].tags[code=type].list[code=type].value",
        ("variant_group", "custom_menu", "custom_group"),
    )
    g.pattern(
        "TAGS_PROVIDER_CATEGORY_ATTR_NAME",
        "categories[].tags[code=attr].list[code=name].value",
        r"^([a-zA-Z_]+\.)*[a-zA-Z0-9_]+$",
        optional=True,
    )
    g.pattern(
        "TAGS_PROVIDER_CATEGORY_ATTR_SEQ",
        "categories[].tags[code=attr].list[code=seq].value",
        r"^[0-9]+$",
        optional=True,
    )
    serviceability = "tags[code=serviceability].list"
    for field in ("location", "category", "val", "unit"):
        g.present(
            f"TAGS_PROVIDERS_SERVICEABILITY_{field.upper()}",
            f"{serviceability}[code={field}].value",
        )
    g.one_of(
        "TAGS_PROVIDERS_SERVICEABILITY_TYPE",
        f"{serviceability}[code=type].value",
        ("10", "11", "12", "13"),
    )
    g.one_of(
        "TAGS_PROVIDERS_SERVICEABILITY_UNIT",
        f"{serviceability}[code=unit].value",
        ("km", "geojson", "country", "pincode"),
    )
    timing = "tags[code=timing].list"
    g.present("TAGS_PROVIDERS_TIMING_TYPE", f"{timing}[code=type].value")
    g.present("TAGS_PROVIDERS_TIMING_LOCATION", f"{timing}[code=location].value")
    days = tuple("1234567")
    g.one_of("TAGS_PROVIDERS_TIMING_DAY_FROM", f"{timing}[code=day_from].value", days)
    g.one_of("TAGS_PROVIDERS_TIMING_DAY_TO", f"{timing}[code=day_to].value", days)
    g.pattern("TAGS_PROVIDERS_TIMING_TIME_FROM", f"{timing}[code=time_from].value", HHMM)
    g.pattern("TAGS_PROVIDERS_TIMING_TIME_TO", f"{timing}[code=time_to].value", HHMM)
    rules = g.rules

    ret10 = RuleGroup(
        "on_search", "message.catalog.bpp/providers[]", domains=RET10, scope=Scope.FULL_CATALOGUE
    )
    ret10.one_of(
        "PROVIDERS_TAGS_VALID_ENUMS",
        "tags[].code",
        ("timing", "close_timing", "serviceability", "order_value", "np_fees"),
    )
    ret10.pattern("FULFILLMENTS_CONTACT_PHONE", "fulfillments[].contact.phone", r"^\d{10,11}$")
    ret10.one_of("LOCATIONS_TIME_LABEL", "locations[].time.label", ("enable", "disable"))
    ret10.pattern("LOCATIONS_GPS", "locations[].gps", r"^\d{2}\.\d{4,}\s*,\s*\d{2}\.\d{4,}$")
    ret10.pattern(
        "RANGE_START_AND_END", "locations[].time.range.start", r"^([01]\d|2[0-3])[0-5]\d$"
    )
    ret10.pattern("RANGE_START_AND_END", "locations[].time.range.end", r"^([01]\d|2[0-3])[0-5]\d$")
    ret10.pattern("CATEGORIES_ID", "categories[].id", r"^[a-zA-Z0-9]{1,12}$", optional=True)
    ret10.one_of(
        "TAGS_PROVIDER_CATEGORY_TYPE_VALID_TAGS",
        "categories[].tags[].code",
        ("type", "attr", "np_fees"),
        optional=True,
    )

    others = RuleGroup(
        "on_search",
        "message.catalog.bpp/providers[]",
        domains=FASHION_AND_HOME,
        scope=Scope.FULL_CATALOGUE,
    )
    others.pattern("FULFILLMENTS_CONTACT_PHONE", "fulfillments[].contact.phone", PHONE)
    others.one_of(
        "LOCATIONS_TIME_LABEL", "locations[].time.label", ("enable", "disable", "open", "close")
    )
    others.pattern("LOCATIONS_GPS", "locations[].gps", GPS)
    others.present("CATEGORIES_ID", "categories[].id")

    for domains, regex in ((RET12, ORDER_ID), (RET16, RET16_ID)):
        ids = RuleGroup("on_search", "message.catalog.bpp/providers[]", domains=domains)
        ids.pattern("PROVIDERS_ID", "id", regex)
        ids.pattern("CATEGORIES_ID", "categories[].id", regex, optional=True)
        ids.pattern("ITEMS_ID", "items[].id", regex, optional=True)
        rules += ids.rules
    return [*rules, *ret10.rules, *others.rules]


def _items() -> list[FieldRule]:
    """Items of a full catalogue, and what an incremental one must still get right."""
    base = "message.catalog.bpp/providers[].items[]"
    g = RuleGroup("on_search", base, scope=Scope.FULL_CATALOGUE)
    g.one_of("ITEMS_TIME_LABEL", "time.label", ("enable", "disable"))
    g.pattern("ITEMS_TIME_TIMESTAMP", "time.timestamp", TIMESTAMP)
    g.present("ITEMS_DESCRIPTOR_NAME", "descriptor.name")
    g.one_of("ITEMS_QUANTITY_UNITIZED_MEASURE_UNIT", "quantity.unitized.measure.unit", UNITS)
    g.present("ITEMS_QUANTITY_UNITIZED_MEASURE_VALUE", "quantity.unitized.measure.value")
    g.pattern("ITEMS_QUANTITY_MAXIMUM_COUNT", "quantity.maximum.count", r"^[0-9]{1,2}$")
    g.one_of("ITEMS_PRICE_CURRENCY", "price.currency", ("INR",))
    g.present("ITEMS_CATEGORY_ID", "category_id")
    g.present("ITEMS_FULFILLMENT_ID", "fulfillment_id")
    g.present("ITEMS_LOCATION_ID", "location_id")
    for field in ("returnable", "cancellable", "seller_pickup_return", "available_on_cod"):
        g.present(f"ITEMS_ONDC_ORG_{field.upper()}", f"@ondc/org/{field}")
    g.present(
        "ITEMS_ONDC_ORG_CONTACT_DETAILS_CONSUMER_CARE", "@ondc/org/contact_details_consumer_care"
    )
    g.pattern("ITEMS_ONDC_ORG_RETURN_WINDOW", "@ondc/org/return_window", DURATION)
    g.pattern("ITEMS_ONDC_ORG_TIME_TO_SHIP", "@ondc/org/time_to_ship", DURATION)
    g.pattern("ITEMS_TAGS_ORIGIN", "tags[code=origin].list[code=country].value", r"^[A-Z]{3}$")

    ret10 = RuleGroup("on_search", base, domains=RET10, scope=Scope.FULL_CATALOGUE)
    for field in ("symbol", "short_desc"):
        ret10.present(f"ITEMS_DESCRIPTOR_{field.upper()}", f"descriptor.{field}")
    ret10.present("ITEMS_DESCRIPTOR_IMAGES", "descriptor.images[]")
    ret10.pattern("ITEMS_DESCRIPTOR_CODE", "descriptor.code", r"^(1|5):")
    ret10.one_of("ITEMS_QUANTITY_AVAILABLE_COUNT", "quantity.available.count", ("99", "0"))
    ret10.one_of("ITEMS_CATEGORY_ID", "category_id", RET10_CATEGORIES)
    # Grocery items may carry only these tag groups: provenance and the rest travel
    # elsewhere (docs/catalogue.md).
    ret10.one_of(
        "TAGS_BPP_ITEMS_VALID_TAGS",
        "tags[].code",
        ("origin", "veg_nonveg", "image", "timing", "np_fees"),
    )
    ret10.one_of("TAGS_ITEMS_ORIGIN_VALID_TAGS", "tags[code=origin].list[].code", ("country",))
    ret10.one_of(
        "TAGS_VEG_NONVEG_CODES",
        "tags[code=veg_nonveg].list[].code",
        DIETS,
        optional=True,
    )
    ret10.one_of(
        "TAGS_VEG_NONVEG_VALUES", "tags[code=veg_nonveg].list[].value", ("yes",), optional=True
    )
    commodities = "@ondc/org/statutory_reqs_packaged_commodities"
    commodity_fields = (
        "manufacturer_or_packer_name",
        "manufacturer_or_packer_address",
        "common_or_generic_name_of_commodity",
        "month_year_of_manufacture_packing_import",
    )
    for field in commodity_fields:
        ret10.present(
            f"ITEMS_STATUTORY_REQS_PACKAGED_COMMODITIES_{field.upper()}",
            f"{commodities}.{field}",
            optional=True,
        )

    others = RuleGroup("on_search", base, domains=FASHION_AND_HOME, scope=Scope.FULL_CATALOGUE)
    others.pattern("ITEMS_QUANTITY_AVAILABLE_COUNT", "quantity.available.count", r"^[0-9]{1,2}$")
    others.present("MANUFACTURER_OR_PACKER_NAME", f"{commodities}.manufacturer_or_packer_name")
    others.present(
        "MANUFACTURER_OR_PACKER_ADDRESS", f"{commodities}.manufacturer_or_packer_address"
    )
    others.present(
        "COMMON_OR_GENERIC_NAME_OF_COMMODITY", f"{commodities}.common_or_generic_name_of_commodity"
    )
    others.pattern(
        "MONTH_YEAR_OF_MANUFACTURE_PACKING_IMPORT",
        f"{commodities}.month_year_of_manufacture_packing_import",
        r"^\d{2}/\d{4}|NA$",
    )
    others.present(
        "TAGS_ATTRIBUTE_BRAND", "tags[code=attribute].list[code=brand].value", optional=False
    )

    # Ours (lower case): colour names and fashion's materials from ONDC's enumerations
    # (adapter.sandbox.ondc_values), which no validator checks but buyer apps filter by.
    attribute = "tags[code=attribute].list"
    others.one_of(
        "item_colour_name", f"{attribute}[code=colour_name].value", COLOURS, optional=True
    )
    fashion_material = RuleGroup("on_search", base, domains=RET12, scope=Scope.FULL_CATALOGUE)
    fashion_material.one_of(
        "item_material", f"{attribute}[code=material].value", MATERIALS, optional=True
    )

    ret12 = RuleGroup("on_search", base, domains=RET12, scope=Scope.FULL_CATALOGUE)
    ret12.pattern("ITEMS_PRICE_VALUE", "price.value", PRICE)
    ret12.pattern("ITEMS_PRICE_MAXIMUM_VALUE", "price.maximum_value", PRICE)
    ret12.refers(
        "ITEMS_PARENT_ITEM_ID_SPF",
        "parent_item_id",
        "message.catalog.bpp/providers[].categories[].id",
        optional=True,
    )
    ret16 = RuleGroup("on_search", base, domains=RET16, scope=Scope.FULL_CATALOGUE)
    ret16.pattern("ITEMS_PRICE_VALUE", "price.value", RET16_PRICE)
    ret16.pattern("ITEMS_PRICE_MAXIMUM_VALUE", "price.maximum_value", RET16_PRICE)

    inc = RuleGroup("on_search", base, domains=FASHION_AND_HOME, scope=Scope.INCREMENTAL)
    inc.one_of("ITEMS_TIME_LABEL", "time.label", ("enable", "disable"), optional=True)
    inc.pattern("ITEMS_TIME_TIMESTAMP", "time.timestamp", TIMESTAMP, optional=True)
    inc.pattern(
        "ITEMS_QUANTITY_AVAILABLE_COUNT", "quantity.available.count", r"^[0-9]{1,2}$", optional=True
    )
    inc.pattern("ITEMS_PRICE_VALUE", "price.value", PRICE, optional=True)
    inc.pattern("ITEMS_ONDC_ORG_RETURN_WINDOW", "@ondc/org/return_window", DURATION, optional=True)
    inc.pattern("ITEMS_ONDC_ORG_TIME_TO_SHIP", "@ondc/org/time_to_ship", DURATION, optional=True)
    locations = RuleGroup(
        "on_search",
        "message.catalog.bpp/providers[].locations[]",
        domains=FASHION_AND_HOME,
        scope=Scope.INCREMENTAL,
    )
    # In an incremental catalogue ONDC reads a location's range as timestamps, not HHMM.
    locations.pattern("LOCATIONS_TIME_RANGE_START", "time.range.start", TIMESTAMP, optional=True)
    locations.pattern("LOCATIONS_TIME_RANGE_END", "time.range.end", TIMESTAMP, optional=True)
    groups = (g, ret10, others, fashion_material, ret12, ret16, inc, locations)
    return [rule for group in groups for rule in group.rules]


CATALOGUE_RULES: Final[tuple[FieldRule, ...]] = (*_catalogue_header(), *_providers(), *_items())
"""The rules for ``on_search``, full and incremental."""
