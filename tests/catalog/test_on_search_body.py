"""The ``/on_search`` body built as JSON is byte for byte the one built from models.

The search answers with ``schemas.Prebuilt`` (providers as the transform's wire JSON, no
model per node). These tests hold it to the way it was built before: every provider
validated into ``schemas.Provider`` inside an ``OnSearchCallback`` and dumped, for the demo
catalogue through the store on every backend, and for random catalogues.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

import schemas
from adapter.catalog import SqlCatalog
from adapter.catalog.importer import import_catalogue
from adapter.core.clock import FixedClock
from adapter.core.replies import REPLIES, CatalogPort, Identity, Storefront, callback_context
from adapter.storage import Store
from adapter.storage.catalog import CatalogStore
from catalog_sync.records import ItemRecord, LocationRecord, SellerRecord
from catalog_sync.transform import provider_payload
from tests.catalog.test_import_and_search import DEMO, _search

IDENTITY = Identity("seller.odop.example", "https://seller.odop.example/ondc", "ODOP हिमाचल ₹")
STOREFRONT = Storefront(
    symbol="https://seller.odop.example/logo.png",
    short_desc="हिमाचल के ODOP उत्पाद ₹",
    long_desc='Goods of "Himachal" — हिमाचल',
    images=("https://seller.odop.example/a.jpg", "https://seller.odop.example/b.jpg"),
)
NOW = datetime(2026, 11, 23, 10, 0, 0, 123000, tzinfo=UTC)


def _model_built(request: schemas.SearchRequest, providers: list[dict[str, Any]]) -> bytes:
    """The body as it was built before: a model per node, validated, then dumped."""
    return schemas.dump(
        schemas.OnSearchCallback(
            context=callback_context(
                request.context, action="on_search", identity=IDENTITY, now=NOW
            ),
            message=schemas.OnSearchMessage(
                catalog=schemas.Catalog(
                    descriptor=schemas.Descriptor(
                        name=IDENTITY.name,
                        symbol=STOREFRONT.symbol,
                        short_desc=STOREFRONT.short_desc,
                        long_desc=STOREFRONT.long_desc,
                        images=list(STOREFRONT.images),
                        tags=[
                            schemas.TagGroup(
                                code="bpp_terms", list=[schemas.Tag(code="np_type", value="MSN")]
                            )
                        ],
                    ),
                    fulfillments=[schemas.Fulfillment(id="1", type="Delivery")],
                    providers=[schemas.Provider.model_validate(p) for p in providers],
                )
            ),
        )
    )


async def _answer(request: schemas.SearchRequest, catalog: CatalogPort) -> schemas.Prebuilt:
    reply = await REPLIES["search"](request, identity=IDENTITY, now=NOW, catalog=catalog)
    assert isinstance(reply, schemas.Prebuilt)
    return reply


async def test_the_demo_catalogue_answers_the_same_bytes_as_the_model_built_body(
    store: Store, clock: FixedClock
) -> None:
    catalogue = CatalogStore(store.database)
    await import_catalogue(DEMO, catalogue, now=clock.now())
    searches = [
        _search(words, domain=domain)
        for domain in ("ONDC:RET10", "ONDC:RET12", "ONDC:RET16", "ONDC:RET18")
        for words in ("", "a", "shawl", "चाय", "kangra")
    ]
    answered = 0
    for request in searches:
        reply = await _answer(request, SqlCatalog(catalogue, STOREFRONT))
        providers = reply.message["catalog"]["bpp/providers"]
        body = schemas.dump(reply)
        assert body == _model_built(request, providers)
        assert schemas.dump(schemas.parse(schemas.OnSearchCallback, body)) == body
        answered += sum(len(p["items"]) for p in providers)
    assert answered > 12  # the full catalogue of each domain, and more


class _Fixed:
    def __init__(self, providers: list[dict[str, Any]]) -> None:
        self._providers = providers
        self.storefront = STOREFRONT

    async def providers_for(
        self, search: schemas.SearchRequest, *, now: datetime
    ) -> list[dict[str, Any]]:
        return self._providers


# Any text, non-ASCII included (Devanagari, the rupee sign, quotes, control characters).
_TEXT = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=20)
_MAYBE = st.none() | _TEXT
_MONEY = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999"), places=2)
_GPS = st.tuples(
    st.floats(min_value=-89, max_value=89), st.floats(min_value=-179, max_value=179)
).map(lambda pair: f"{pair[0]:.6f},{pair[1]:.6f}")
_HOURS = st.tuples(st.integers(0, 11), st.integers(12, 23)).map(
    lambda pair: f"{pair[0]:02d}00-{pair[1]:02d}59"
)
_SELLERS = st.builds(
    SellerRecord, code=_TEXT, name=_TEXT, name_hi=_MAYBE, district=_TEXT, short_desc=_TEXT,
    symbol=_TEXT, phone=_TEXT, email=_TEXT, fssai=_MAYBE,
)  # fmt: skip
_LOCATIONS = st.builds(
    LocationRecord, code=_TEXT, street=_TEXT, locality=_TEXT, city=_TEXT, state=_TEXT,
    pincode=_TEXT, std_code=_TEXT, gps=_GPS, serviceability=st.sampled_from(["10", "11", "12"]),
    radius_km=st.integers(0, 500), opening_hours=_HOURS,
)  # fmt: skip
_STATUTORY = st.fixed_dictionaries(
    {},
    optional={
        "@ondc/org/statutory_reqs_packaged_commodities": st.dictionaries(_TEXT, _TEXT),
        "@ondc/org/statutory_reqs_prepackaged_food": st.dictionaries(_TEXT, _TEXT),
    },
)
_ITEMS = st.builds(
    ItemRecord, sku=_TEXT,
    domain=st.sampled_from(["ONDC:RET10", "ONDC:RET12", "ONDC:RET14", "ONDC:RET16", "X"]),
    category_id=_TEXT, name=_TEXT, name_hi=_MAYBE, short_desc=_TEXT, long_desc=_TEXT,
    images=st.lists(_TEXT, max_size=3).map(tuple), price=_MONEY, mrp=_MONEY,
    available=st.integers(0, 10_000), maximum=st.integers(0, 100), unit=_TEXT,
    unit_value=_TEXT, returnable=st.booleans(), cancellable=st.booleans(), return_window=_TEXT,
    time_to_ship=_TEXT, available_on_cod=st.booleans(), gi_tag=_MAYBE, odop_district=_MAYBE,
    statutory=_STATUTORY, attributes=st.dictionaries(_TEXT, _TEXT, max_size=4), hsn=_MAYBE,
    ean=_MAYBE,
)  # fmt: skip
_PROVIDERS = st.lists(
    st.tuples(_SELLERS, _LOCATIONS, st.lists(_ITEMS, min_size=1, max_size=4)), max_size=4
)


@settings(max_examples=60, deadline=None)
@given(catalogue=_PROVIDERS, words=_TEXT)
async def test_random_catalogues_answer_the_same_bytes_as_the_model_built_body(
    catalogue: list[tuple[SellerRecord, LocationRecord, list[ItemRecord]]], words: str
) -> None:
    providers = [provider_payload(s, loc, goods, now=NOW) for s, loc, goods in catalogue]
    request = _search(words, domain="ONDC:RET12")
    reply = await _answer(request, _Fixed(providers))
    body = schemas.dump(reply)
    assert body == _model_built(request, providers)
    assert orjson.loads(body)["message"]["catalog"]["bpp/providers"] == providers
