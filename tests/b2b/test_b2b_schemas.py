"""B2B 2.0.2 wire models: every example of the contract and the certified flow round-trips."""

from __future__ import annotations

import re

import orjson
import pydantic
import pytest

import schemas
import schemas.b2b
from tests.b2b.examples import b2b_payload_files, read_b2b
from tests.schemas.examples import assert_same_json


def test_the_fixtures_are_all_there() -> None:
    files = b2b_payload_files()
    assert sum(name.startswith("B2B-2.0.2/") for name in files) == 71
    assert sum(name.startswith("B2B-2.0.2-certified/") for name in files) == 12


@pytest.mark.parametrize("name", b2b_payload_files())
def test_b2b_example_round_trips_unchanged(name: str) -> None:
    raw = read_b2b(name)
    action = orjson.loads(raw)["context"]["action"]
    model = schemas.b2b.B2B_PAYLOAD_MODELS[action]
    parsed = schemas.parse(model, raw)
    assert isinstance(parsed.context, schemas.b2b.B2BContext)
    assert parsed.context.version == "2.0.2"
    assert parsed.context.city_code is not None
    assert parsed.context.country_code == "IND"
    assert_same_json(orjson.loads(schemas.dump(parsed)), orjson.loads(raw))


def test_rfq_select_reads_its_terms_and_window() -> None:
    raw = read_b2b("B2B-2.0.2-certified/PX_seller_Flow_1/03_select.json")
    select = schemas.parse(schemas.b2b.B2BSelectRequest, raw)
    order = select.message.order
    assert order is not None
    assert order.provider is not None
    assert order.items
    assert order.provider.ttl == "P2D"
    [item] = order.items
    assert item.quantity is not None
    assert item.quantity.selected is not None
    assert item.quantity.selected.count == 100
    terms = schemas.b2b.b2b_tag_group(item.tags, "BUYER_TERMS")
    assert terms is not None
    assert terms.value_of("ITEM_REQ") == "Flow 1"
    buyer = schemas.b2b.b2b_tag_group(order.tags, "BUYER_ID")
    assert buyer is not None
    assert buyer.value_of("buyer_id_no") == "33NLUFD6907T1Z0"
    assert [payment.type for payment in order.payments or []] == ["ON-FULFILLMENT"]


def test_billing_address_is_one_line_of_text_unlike_retail() -> None:
    raw = read_b2b("B2B-2.0.2/init/init_domestic.json")
    init = schemas.parse(schemas.b2b.B2BInitRequest, raw)
    assert init.message.order is not None
    assert init.message.order.billing is not None
    assert init.message.order.billing.address is not None
    assert init.message.order.billing.address.startswith("22, Mahatma Gandhi Rd")
    with pytest.raises(pydantic.ValidationError, match=re.escape("billing.address")):
        schemas.parse(schemas.InitRequest, raw)


def test_catalogue_reads_price_slabs_and_moq() -> None:
    raw = read_b2b("B2B-2.0.2/on_search/on_search_grocery.json")
    catalog = schemas.parse(schemas.b2b.B2BOnSearchCallback, raw).message
    assert catalog is not None
    assert catalog.catalog is not None
    [provider, *_] = catalog.catalog.providers or []
    item = (provider.items or [])[0]
    slabs = [group for group in item.tags or [] if group.code == "price_slab"]
    assert [slab.value_of("unit_sale_price") for slab in slabs] == ["250", "200", "175"]
    assert item.quantity is not None
    assert item.quantity.minimum is not None
    assert item.quantity.minimum.count == 4000
    assert [p.type for p in catalog.catalog.payments or []] == [
        "PRE-FULFILLMENT", "ON-FULFILLMENT", "POST-FULFILLMENT",
    ]  # fmt: skip


_SHAPES = {
    # Bodies of the shapes B2B 2.0.2's api/build/build.yaml gives track, rating, support and
    # their callbacks (the contract has no examples of them), with non-ASCII text on purpose.
    "track": {"order_id": "PO-1", "callback_url": "https://bap.example/track/PO-1"},
    "on_track": {"tracking": {"id": "1", "url": "https://track.example/PO-1?शहर=कुल्लू",
                              "status": "active"}},
    "rating": {"ratings": [{"rating_category": "Support", "id": "PO-1", "value": "5"}]},
    "on_rating": {"feedback_form": {"form": {"url": "https://bpp.example/feedback",
                                             "mime_type": "text/html"}, "required": False}},
    "support": {"support": {"ref_id": "PO-1", "callback_phone": "+91-9876543210"}},
    "on_support": {"support": {"ref_id": "PO-1", "phone": "+91-9876543210",
                               "email": "सहायता@odop.example", "url": "https://odop.example/₹"}},
}  # fmt: skip


@pytest.mark.parametrize("action", sorted(_SHAPES))
def test_track_rating_and_support_bodies_round_trip_in_their_b2b_models(action: str) -> None:
    context = {"domain": "ONDC:RET10", "action": action, "version": "2.0.2",
               "location": {"city": {"code": "std:080"}, "country": {"code": "IND"}}}  # fmt: skip
    raw = orjson.dumps({"context": context, "message": _SHAPES[action]})
    parsed = schemas.parse(schemas.b2b.B2B_PAYLOAD_MODELS[action], raw)
    assert_same_json(orjson.loads(schemas.dump(parsed)), orjson.loads(raw))
    dumped = parsed.model_dump(by_alias=True, exclude_unset=True)["message"]
    assert dumped == _SHAPES[action]


def test_b2b_support_is_read_from_message_support_unlike_retails_ref_id() -> None:
    raw = orjson.dumps({"context": {"action": "support", "version": "2.0.2"},
                        "message": {"support": {"ref_id": "PO-1"}}})  # fmt: skip
    parsed = schemas.parse(schemas.b2b.B2BSupportRequest, raw)
    assert parsed.message.support is not None
    assert parsed.message.support.ref_id == "PO-1"
