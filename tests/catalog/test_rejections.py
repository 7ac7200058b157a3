"""Catalogue rejections read from JSONPath into seller and item (pure)."""

from __future__ import annotations

import orjson

from catalog_sync.rejections import Rejection, explain, parse_rejections
from tests.schemas.examples import EXAMPLES_DIR


def test_the_official_rejection_examples_name_a_provider_and_an_item() -> None:
    for flow in ("flow7", "flow9"):
        body = orjson.loads((EXAMPLES_DIR / "RET10" / flow / "catalog_rejection.json").read_bytes())
        [rejection] = parse_rejections(body["errors"])
        assert rejection.seller_code == "f14d0f1f-9ed4-47f3-81f5-c5436ca84c8f"
        assert rejection.sku == "6784af53ff12538119f01987"
        assert rejection.code == "91001"


def test_a_provider_level_rejection_has_no_item_and_foreign_paths_are_dropped() -> None:
    errors = [
        {"path": "message.catalog.bpp/providers[?(@.id=='P1')]", "code": "90001",
         "message": "Provider timings missing"},
        {"path": "message.catalog.bpp/descriptor", "code": "90002"},
        {"code": "90003"},
    ]  # fmt: skip
    [rejection] = parse_rejections(errors)  # type: ignore[arg-type]
    assert (rejection.seller_code, rejection.sku) == ("P1", None)
    assert explain(rejection, "buyer.example") == (
        "The buyer app buyer.example did not accept your shop's listing: "
        "Provider timings missing (code 90001)."
    )


def test_explain_says_when_no_reason_was_given() -> None:
    rejection = Rejection("P1", "I1", None, "91001", None, None)
    assert "no reason given" in explain(rejection, "b")
