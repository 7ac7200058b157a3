"""ONDC's workbench field rules for a seller's retail 1.2.0 callbacks, restated as our data.

Source: the "L1" rules ONDC's workbench (Pramaan 2.0) applies to RET10, RET12 and RET16
retail 1.2.0 callbacks (``x-validations`` of the specification each domain publishes; the
names are theirs, so a failure here can be found in a workbench report). Restated, not
copied: the rules a seller's callbacks must pass, grouped by the part of the message they
look at. Where ONDC's own rule is odd it is kept as it runs, with a comment: a callback that
passes here must pass there.

One rule is ours (lower case, ``return_request_codes``): the return tags 1.2.0 defines.
Not restated: rules on the buyer app's messages (search, select, init, confirm, status,
cancel, update, track), and the issue and grievance (IGM) callbacks.
"""

from __future__ import annotations

from typing import Final

from adapter.sandbox.field_rules import ALL_DOMAINS, Check, FieldRule, Scope

__all__ = ["FIELD_RULES"]

RET10: Final = frozenset({"ONDC:RET10"})
RET12: Final = frozenset({"ONDC:RET12"})
RET16: Final = frozenset({"ONDC:RET16"})
FASHION_AND_HOME: Final = RET12 | RET16

# Patterns the rules share.
DURATION: Final = r"^P(?=\d|T)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$"
TIMESTAMP: Final = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$"
UUID: Final = (
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$"
)
URI: Final = r"^(https?://)?([\w.-]+)(:[0-9]+)?(/.*)?$"
ORDER_ID: Final = r"^[0-9a-zA-Z_\-]{1,36}$"
# RET16's ids (catalogue and order): ONDC wrote "/-_" meaning three characters, which a regular
# expression reads as the range from "/" to "_": digits, capitals and a few signs, but no
# hyphen. It is what the workbench runs, so ids with a hyphen fail in RET16.
RET16_ID: Final = r"^[0-9a-zA-Z/-_]{1,36}$"
# on_status writes its order id rule differently again: hyphen and slash, no underscore.
STATUS_ORDER_ID: Final = r"^[a-zA-Z0-9\-/]{1,36}$"
PRICE: Final = r"^[0-9]+(\.[0-9]{2,})?$"
RET16_PRICE: Final = r"^[0-9]+(\.[0-9]{1,})?$"
AMOUNT: Final = r"^(\d*.?\d{1,2})$"
PINCODE: Final = r"^[0-9]{6}$"
PHONE: Final = r"^[0-9]{10}$"
EMAIL: Final = r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$"
GPS: Final = r"^[-+]?([1-8]?\d|90)\.\d{4,},\s*[-+]?(180|1[0-7]\d|[1-9]?\d)\.\d{4,}$"
HHMM: Final = r"^[0-9]{4}$"

ORDER_CALLBACKS: Final = (
    "on_select",
    "on_init",
    "on_confirm",
    "on_status",
    "on_cancel",
    "on_update",
)
CALLBACKS: Final = ("on_search", *ORDER_CALLBACKS, "on_track")

# Allowed values the rules share.
FULFILLMENT_TYPES: Final = ("Delivery", "Self-Pickup", "Buyer-Delivery")
UNITS: Final = ("unit", "dozen", "gram", "kilogram", "tonne", "litre", "millilitre")
TITLE_TYPES: Final = ("item", "delivery", "packing", "tax", "misc", "discount", "offer")
RET10_CATEGORIES: Final = (
    "Fruits and Vegetables",
    "Masala & Seasoning",
    "Oil & Ghee",
    "Eggs, Meat & Fish",
    "Cleaning & Household",
    "Bakery, Cakes & Dairy",
    "Pet Care",
    "Stationery",
    "Detergents and Dishwash",
    "Dairy and Cheese",
    "Snacks, Dry Fruits, Nuts",
    "Pasta, Soup and Noodles",
    "Cereals and Breakfast",
    "Sauces, Spreads and Dips",
    "Chocolates and Biscuits",
    "Cooking and Baking Needs",
    "Tinned and Processed Food",
    "Atta, Flours and Sooji",
    "Rice and Rice Products",
    "Dals and Pulses",
    "Salt, Sugar and Jaggery",
    "Energy and Soft Drinks",
    "Water",
    "Tea and Coffee",
    "Fruit Juices and Fruit Drinks",
    "Snacks and Namkeen",
    "Ready to Cook and Eat",
    "Pickles and Chutney",
    "Indian Sweets",
    "Frozen Vegetables",
    "Frozen Snacks",
    "Gift Voucher",
)


class _Group:
    """Rules sharing actions, domains, a scope and the start of their paths."""

    def __init__(
        self,
        actions: tuple[str, ...] | str,
        base: str = "",
        *,
        domains: frozenset[str] = ALL_DOMAINS,
        scope: Scope = Scope.ANY,
    ) -> None:
        self.actions = frozenset((actions,) if isinstance(actions, str) else actions)
        self.base = base
        self.domains = domains
        self.scope = scope
        self.rules: list[FieldRule] = []

    def _add(
        self, name: str, path: str, check: Check, values: tuple[str, ...], optional: bool
    ) -> None:
        full = f"{self.base}.{path}" if self.base else path
        self.rules.append(
            FieldRule(name, self.actions, full, check, values, optional, self.domains, self.scope)
        )

    def present(self, name: str, path: str, *, optional: bool = False) -> None:
        """``path`` must be there (unless ``optional``, which only documents the field)."""
        self._add(name, path, Check.PRESENT, (), optional)

    def pattern(self, name: str, path: str, regex: str, *, optional: bool = False) -> None:
        """``path`` must match ``regex``; when ``optional`` only if it is there."""
        self._add(name, path, Check.PATTERN, (regex,), optional)

    def one_of(
        self, name: str, path: str, values: tuple[str, ...], *, optional: bool = False
    ) -> None:
        """``path`` must be one of ``values``; when ``optional`` only if it is there."""
        self._add(name, path, Check.ONE_OF, values, optional)

    def refers(self, name: str, path: str, other: str, *, optional: bool = False) -> None:
        """``path`` must be one of the values at ``other`` (under the group's base, unless
        ``other`` starts at ``message``)."""
        full = f"{self.base}.{other}" if self.base and not other.startswith("message.") else other
        self._add(name, path, Check.IN_FIELD, (full,), optional)

    def equals(self, name: str, path: str, other: str) -> None:
        """``path`` must equal the value at ``other`` (under the group's base)."""
        full = f"{self.base}.{other}" if self.base else other
        self._add(name, path, Check.EQUALS_FIELD, (full,), False)


def _context() -> list[FieldRule]:
    """The context of every callback (ONDC retail 1.2.0 context rules)."""
    g = _Group(CALLBACKS, "context")
    for name, path in (
        ("CONTEXT_REQUIRED_DOMAIN", "domain"),
        ("CONTEXT_REQUIRED_COUNTRY", "country"),
        ("CONTEXT_REQUIRED_BAP_ID", "bap_id"),
        ("CONTEXT_REQUIRED_BPP_ID", "bpp_id"),
        ("CONTEXT_REQUIRED_BPP_URI", "bpp_uri"),
    ):
        g.present(name, path)
    g.pattern("REQUIRED_CONTEXT_CODE_14", "city", r"^(std:\d{3,5}|\*)$")
    g.one_of("CONTEXT_ENUM_VERSION", "core_version", ("1.2.0",))
    g.pattern("CONTEXT_REG_TIMESTAMP", "timestamp", TIMESTAMP)
    g.pattern("CONTEXT_REG_BAP_URI", "bap_uri", URI)
    g.pattern("CONTEXT_REG_BPP_URI", "bpp_uri", URI)
    g.pattern("CONTEXT_REG_TTL", "ttl", DURATION, optional=True)
    rules = g.rules
    ids = _Group(CALLBACKS, "context", domains=FASHION_AND_HOME)
    ids.pattern("CONTEXT_REG_TRANSACTION_ID", "transaction_id", UUID)
    ids.pattern("CONTEXT_REG_MESSAGE_ID", "message_id", UUID)
    return [*rules, *ids.rules]


def _catalogue_header() -> list[FieldRule]:
    """``bpp/descriptor`` and ``bpp/fulfillments`` of a full catalogue."""
    g = _Group("on_search", "message.catalog.bpp/descriptor", scope=Scope.FULL_CATALOGUE)
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
    f = _Group("on_search", "message.catalog.bpp/fulfillments[]", scope=Scope.FULL_CATALOGUE)
    f.one_of("BPP_FULFILLMENTS_TYPE", "type", FULFILLMENT_TYPES, optional=True)
    return [*g.rules, *f.rules]


def _providers() -> list[FieldRule]:
    """Providers of a full catalogue: id, time, descriptor, ttl, fulfilments, locations,
    categories (variant groups) and provider tags."""
    g = _Group("on_search", "message.catalog.bpp/providers[]", scope=Scope.FULL_CATALOGUE)
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

    ret10 = _Group(
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

    others = _Group(
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
        ids = _Group("on_search", "message.catalog.bpp/providers[]", domains=domains)
        ids.pattern("PROVIDERS_ID", "id", regex)
        ids.pattern("CATEGORIES_ID", "categories[].id", regex, optional=True)
        ids.pattern("ITEMS_ID", "items[].id", regex, optional=True)
        rules += ids.rules
    return [*rules, *ret10.rules, *others.rules]


def _items() -> list[FieldRule]:
    """Items of a full catalogue, and what an incremental one must still get right."""
    base = "message.catalog.bpp/providers[].items[]"
    g = _Group("on_search", base, scope=Scope.FULL_CATALOGUE)
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

    ret10 = _Group("on_search", base, domains=RET10, scope=Scope.FULL_CATALOGUE)
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
        ("veg", "non_veg", "egg"),
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

    others = _Group("on_search", base, domains=FASHION_AND_HOME, scope=Scope.FULL_CATALOGUE)
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

    ret12 = _Group("on_search", base, domains=RET12, scope=Scope.FULL_CATALOGUE)
    ret12.pattern("ITEMS_PRICE_VALUE", "price.value", PRICE)
    ret12.pattern("ITEMS_PRICE_MAXIMUM_VALUE", "price.maximum_value", PRICE)
    ret12.refers(
        "ITEMS_PARENT_ITEM_ID_SPF",
        "parent_item_id",
        "message.catalog.bpp/providers[].categories[].id",
        optional=True,
    )
    ret16 = _Group("on_search", base, domains=RET16, scope=Scope.FULL_CATALOGUE)
    ret16.pattern("ITEMS_PRICE_VALUE", "price.value", RET16_PRICE)
    ret16.pattern("ITEMS_PRICE_MAXIMUM_VALUE", "price.maximum_value", RET16_PRICE)

    inc = _Group("on_search", base, domains=FASHION_AND_HOME, scope=Scope.INCREMENTAL)
    inc.one_of("ITEMS_TIME_LABEL", "time.label", ("enable", "disable"), optional=True)
    inc.pattern("ITEMS_TIME_TIMESTAMP", "time.timestamp", TIMESTAMP, optional=True)
    inc.pattern(
        "ITEMS_QUANTITY_AVAILABLE_COUNT", "quantity.available.count", r"^[0-9]{1,2}$", optional=True
    )
    inc.pattern("ITEMS_PRICE_VALUE", "price.value", PRICE, optional=True)
    inc.pattern("ITEMS_ONDC_ORG_RETURN_WINDOW", "@ondc/org/return_window", DURATION, optional=True)
    inc.pattern("ITEMS_ONDC_ORG_TIME_TO_SHIP", "@ondc/org/time_to_ship", DURATION, optional=True)
    locations = _Group(
        "on_search",
        "message.catalog.bpp/providers[].locations[]",
        domains=FASHION_AND_HOME,
        scope=Scope.INCREMENTAL,
    )
    # In an incremental catalogue ONDC reads a location's range as timestamps, not HHMM.
    locations.pattern("LOCATIONS_TIME_RANGE_START", "time.range.start", TIMESTAMP, optional=True)
    locations.pattern("LOCATIONS_TIME_RANGE_END", "time.range.end", TIMESTAMP, optional=True)
    groups = (g, ret10, others, ret12, ret16, inc, locations)
    return [rule for group in groups for rule in group.rules]


def _order() -> list[FieldRule]:
    """The order of on_select ... on_update: provider, items, fulfilments, quote, billing,
    payment and timestamps, as far as each callback carries them."""
    rules: list[FieldRule] = []
    # RET12 ids allow letters, digits, "_" and "-"; RET16 holds the ids of its order
    # callbacks to its catalogue rule (no hyphen), the order id and the payment's
    # transaction id included.
    for domains, regex in ((RET12, ORDER_ID), (RET16, RET16_ID)):
        g = _Group(ORDER_CALLBACKS, "message.order", domains=domains)
        g.pattern("ORDER_PROVIDER_ID", "provider.id", regex)
        g.pattern("ORDER_PROVIDER_LOCATIONS_ID", "provider.locations[].id", regex, optional=True)
        g.pattern("ITEMS_ID", "items[].id", regex)
        ids = _Group(("on_confirm", "on_cancel", "on_update"), "message.order", domains=domains)
        ids.pattern("ORDER_ID", "id", regex)
        paid = _Group(
            ("on_confirm", "on_status", "on_cancel", "on_update"), "message.order", domains=domains
        )
        paid.pattern(
            "PAYMENT_PARAMS_TRANSACTION_ID", "payment.params.transaction_id", regex, optional=True
        )
        rules += [*g.rules, *ids.rules, *paid.rules]
    ret16 = _Group(("on_cancel", "on_update"), "message.order", domains=RET16)
    ret16.pattern(
        "FULFILLMENTS_START_LOCATION_ID",
        "fulfillments[].start.location.id",
        RET16_ID,
        optional=True,
    )
    ret16.pattern(
        "QUOTE_TRAIL_ID", "tags[code=quote_trail].list[code=id].value", RET16_ID, optional=True
    )
    tracked = _Group("on_track", "message.tracking", domains=RET16)
    tracked.pattern("ORDER_ID", "tags[code=order].list[code=id].value", RET16_ID, optional=True)
    g = _Group(ORDER_CALLBACKS, "message.order", domains=FASHION_AND_HOME)
    g.pattern("ITEMS_FULFILLMENT_ID", "items[].fulfillment_id", ORDER_ID, optional=True)
    g.refers(
        "ITEMS_FULFILLMENT_ID_MAP_SPF", "items[].fulfillment_id", "fulfillments[].id", optional=True
    )
    rules += [*ret16.rules, *tracked.rules, *g.rules]

    quoted = _Group(
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
    strict = _Group(
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

    select = _Group("on_select", "message.order")
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

    billed = _Group(
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

    paid = _Group(
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
    settled = _Group(
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

    init = _Group("on_init", "message.order.fulfillments[]", domains=FASHION_AND_HOME)
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

    confirm = _Group("on_confirm", "message.order", domains=FASHION_AND_HOME)
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

    stamped = _Group(
        ("on_confirm", "on_cancel", "on_update"), "message.order", domains=FASHION_AND_HOME
    )
    stamped.pattern("ORDER_CREATED_AT", "created_at", TIMESTAMP)
    stamped.pattern("ORDER_UPDATED_AT", "updated_at", TIMESTAMP)
    rules += stamped.rules

    status = _Group("on_status", "message.order", domains=FASHION_AND_HOME)
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

    cancel = _Group("on_cancel", "message.order", domains=FASHION_AND_HOME)
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

    update = _Group("on_update", "message.order", domains=FASHION_AND_HOME)
    update.one_of(
        "ORDER_STATE", "state", ("Created", "Accepted", "In-progress", "Completed", "Cancelled")
    )
    update.pattern("ITEMS_QUANTITY_COUNT", "items[].quantity.count", r"^[0-9]+$")
    rules += update.rules
    return rules


def _returns() -> list[FieldRule]:
    """A return's tags in on_update: only the codes retail 1.2.0 defines for a
    ``return_request`` (``exchange`` is not one of them). Ours, not the workbench's: the
    1.2.0 contract and every certified log in ``../shared/ondc-examples`` use these codes."""
    g = _Group("on_update", "message.order.fulfillments[]")
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
    g = _Group("on_track", "message.tracking", domains=FASHION_AND_HOME)
    g.pattern("TRACKING_LOCATION_GPS", "location.gps", GPS, optional=True)
    g.pattern(
        "TRACKING_LOCATION_TIME_TIMESTAMP", "location.time.timestamp", TIMESTAMP, optional=True
    )
    g.pattern("TRACKING_LOCATION_UPDATED_AT", "location.updated_at", TIMESTAMP, optional=True)
    for domains, regex in ((RET12, ORDER_ID), (RET16, RET16_ID)):
        ids = _Group("on_track", "message.tracking", domains=domains)
        ids.pattern("TRACKING_ID", "id", regex, optional=True)
        g.rules += ids.rules
    every = _Group("on_track", "message.tracking")
    every.one_of("TRACKING_STATUS", "status", ("active", "inactive"))
    return [*g.rules, *every.rules]


FIELD_RULES: Final[tuple[FieldRule, ...]] = (
    *_context(),
    *_catalogue_header(),
    *_providers(),
    *_items(),
    *_order(),
    *_returns(),
    *_tracking(),
)
"""Every field rule of the gate, in the order they are checked."""
