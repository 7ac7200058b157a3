"""Typed access to the ONDC fields the adapter uses, and the two model bases."""

from __future__ import annotations

from types import FunctionType

import pytest
from pydantic import ValidationError

import schemas
from tests.schemas.examples import read_example


def test_on_init_payment_extensions_are_typed_attributes() -> None:
    body = schemas.parse(schemas.OnInitCallback, read_example("RET16/on_init.json"))

    assert body.message is not None
    assert body.message.order is not None
    payment = body.message.order.payment
    assert payment is not None
    assert payment.buyer_app_finder_fee_type == "percent"
    assert payment.buyer_app_finder_fee_amount == "3"
    assert payment.settlement_window == "PT24H"
    assert payment.settlement_details is not None
    assert payment.settlement_details[0].settlement_counterparty == "seller-app"


def test_on_init_tags_and_quote_breakup_are_reachable() -> None:
    body = schemas.parse(schemas.OnInitCallback, read_example("RET16/on_init.json"))

    assert body.message is not None
    assert body.message.order is not None
    order = body.message.order
    bpp_terms = schemas.find_tag_group(order.tags, "bpp_terms")
    assert bpp_terms is not None
    assert bpp_terms.value_of("np_type") == "MSN"
    assert bpp_terms.value_of("no_such_code") is None
    assert order.quote is not None
    assert order.quote.breakup is not None
    line = order.quote.breakup[0]
    assert (line.item_id, line.title_type) == ("584", "item")
    assert line.item_quantity is not None
    assert line.item_quantity.count == 1


def test_catalogue_fields_under_bpp_and_ondc_prefixes_are_typed_attributes() -> None:
    body = schemas.parse(
        schemas.OnSearchCallback, read_example("RET10/on_search_full_catalog_refresh.json")
    )

    assert body.message is not None
    assert body.message.catalog is not None
    catalog = body.message.catalog
    assert catalog.descriptor is not None
    assert catalog.descriptor.name
    assert catalog.providers
    provider = catalog.providers[0]
    assert provider.items
    item = provider.items[0]
    assert item.returnable in (True, False, "true", "false")
    assert item.time_to_ship is not None
    assert item.contact_details_consumer_care is not None


def test_fulfillment_state_and_tat_are_typed_attributes() -> None:
    body = schemas.parse(schemas.OnStatusCallback, read_example("RET10/on_status_picked.json"))

    assert body.message is not None
    assert body.message.order is not None
    order = body.message.order
    assert order.state == "In-progress"
    assert order.fulfillments is not None
    delivery = next(f for f in order.fulfillments if f.type == "Delivery")
    assert delivery.state is not None
    assert delivery.state.descriptor is not None
    assert delivery.state.descriptor.code == "Order-picked-up"
    assert delivery.tat is not None


def test_igm_issue_parts_are_typed_attributes() -> None:
    body = schemas.parse(schemas.IssueRequest, read_example("IGM-1.0.0/flow1/ret_issue.json"))

    issue = body.message.issue
    assert issue is not None
    assert (issue.category, issue.sub_category, issue.issue_type) == ("ITEM", "ITM02", "ISSUE")
    assert issue.order_details is not None
    assert issue.order_details.items is not None
    assert issue.order_details.items[0].quantity == 1
    assert issue.created_at == "2025-01-22T04:37:38.396Z"


def test_catalog_rejection_errors_are_typed() -> None:
    body = schemas.parse(
        schemas.CatalogRejectionRequest, read_example("RET10/flow7/catalog_rejection.json")
    )

    assert body.errors is not None
    assert (body.errors[0].type, body.errors[0].code) == ("ITEM-ERROR", "91001")


def test_wire_models_keep_unknown_fields_and_strict_models_reject_them() -> None:
    class SellerItem(schemas.StrictModel):
        sku: str

    wire = schemas.Descriptor.model_validate({"name": "Kangra tea", "brand_story": "since 1849"})

    assert wire.model_extra == {"brand_story": "since 1849"}
    with pytest.raises(ValidationError, match="brand_story"):
        SellerItem.model_validate({"sku": "KT-100", "brand_story": "since 1849"})


def _own_docstring(obj: object) -> str:
    """A class's own docstring (not inherited), or a function's."""
    doc = obj.__dict__.get("__doc__") if isinstance(obj, type) else getattr(obj, "__doc__", None)
    return doc.strip() if isinstance(doc, str) else ""


def test_every_public_class_and_function_says_what_it_is_for() -> None:
    public = [getattr(schemas, name) for name in schemas.__all__]
    documentable = [obj for obj in public if isinstance(obj, type | FunctionType)]

    assert len(documentable) > 100
    assert [obj.__name__ for obj in documentable if not _own_docstring(obj)] == []
