"""B2B columns of a catalogue file (ONDC B2B 2.0.2): price slabs, minimum order quantity,
g2 time_to_ship / tax_rate / cancellable, origin, and the seller's terms, in CSV, XLSX and
JSON; the row report names the column; the price lists land with the items, in the same
transaction, and quotations read them."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson

from adapter.catalog.importer import import_catalogue, read_catalogue, read_catalogue_file
from adapter.core.b2b.price_list import PriceSlab, SellerTerms
from adapter.core.clock import FixedClock
from adapter.storage import Database, upgrade
from adapter.storage.b2b_terms import B2BTermsStore
from adapter.storage.catalog import CatalogStore
from tests.catalog.test_spreadsheet import DEMO, _csv, _rows, _xlsx

B2B = {
    "b2b_price_slabs": "1-99:400|100-:350.50",
    "b2b_min_order_quantity": "20",
    "b2b_time_to_ship": "P3D",
    "b2b_tax_rate": "5",
    "b2b_cancellable": "no",
    "b2b_origin": "IND",
    "b2b_gst_credit_invoice": "yes",
    "b2b_payment_types": "PRE-FULFILLMENT|POST-FULFILLMENT",
}


def _kinnaur_rows(**cells: Any) -> list[dict[str, Any]]:
    rows = [row for row in _rows() if row["seller_code"] == "odopkinnaur"]
    return [{**row, **B2B, **cells} for row in rows]


def test_b2b_columns_of_a_csv_and_a_workbook_become_price_lists_and_seller_terms() -> None:
    for name, data in (("k.csv", _csv(_kinnaur_rows())), ("k.xlsx", _xlsx(_kinnaur_rows()))):
        accepted, report = read_catalogue_file(name, data)
        assert report.problems == [], (name, report.problems)
        [(seller, _, goods)] = accepted
        offer = report.b2b[seller.code]
        assert offer.terms == SellerTerms(
            seller.code, True, ("PRE-FULFILLMENT", "POST-FULFILLMENT")
        )
        assert [p.sku for p in offer.price_lists] == [item.sku for item in goods]
        first = offer.price_lists[0]
        assert first.slabs == (PriceSlab(1, 99, 40_000), PriceSlab(100, None, 35_050))
        assert (first.min_order_quantity, first.time_to_ship, first.tax_rate) == (
            20, "P3D", Decimal(5)
        )  # fmt: skip
        assert (first.cancellable, first.origin) == (False, "IND")


def test_a_bad_b2b_cell_refuses_its_row_naming_the_column() -> None:
    rows = _kinnaur_rows()
    rows[0]["b2b_price_slabs"] = "1-99:400|150-:350"  # a gap from 100 to 149
    rows[1]["b2b_tax_rate"] = "7"
    rows[1]["b2b_price_slabs"] = "cheap"
    _, report = read_catalogue_file("k.csv", _csv(rows))
    found = {(p.row, p.field): p.reason for p in report.problems}
    assert found[(f"row 2 (odopkinnaur {rows[0]['sku']})", "b2b_price_slabs")].startswith(
        "slabs[1].min_quantity must be 100"
    )
    assert "a GST rate" in found[(f"row 3 (odopkinnaur {rows[1]['sku']})", "b2b_tax_rate")]
    assert "'cheap' is not a slab" in found[(f"row 3 (odopkinnaur {rows[1]['sku']})",
                                              "b2b_price_slabs")]  # fmt: skip
    assert len(report.landed) == len(rows) - 2


def test_a_sellers_b2b_terms_repeat_on_every_row_and_name_the_column_when_wrong() -> None:
    rows = _kinnaur_rows()
    rows[1]["b2b_payment_types"] = "PRE-FULFILLMENT"
    _, report = read_catalogue_file("k.csv", _csv(rows))
    assert [(p.row, p.field) for p in report.problems] == [("row 3", "b2b_payment_types")]
    rows = _kinnaur_rows(b2b_payment_types="ADVANCE")
    _, report = read_catalogue_file("k.csv", _csv(rows))
    [problem] = report.problems
    assert (problem.row, problem.field) == ("row 2", "b2b_payment_types")


def test_a_json_catalogue_carries_b2b_blocks_and_items_without_them_stay_retail() -> None:
    document = orjson.loads(orjson.dumps(DEMO))
    kinnaur = next(e for e in document["sellers"] if e["seller"]["code"] == "odopkinnaur")
    kinnaur["seller_terms"] = {"gst_credit_invoice": False, "payment_types": ["ON-FULFILLMENT"]}
    kinnaur["items"][0]["b2b"] = {
        "slabs": [{"min_pack_size": 1, "unit_sale_price": "300"}],
        "origin": "NPL",
    }
    kinnaur["items"][1]["b2b"] = {"slabs": [{"min_pack_size": 2, "unit_sale_price": "1"}]}
    _, report = read_catalogue(orjson.dumps(document))
    [problem] = report.problems
    assert problem.field == "b2b"
    assert "slabs[0].min_quantity must be 1" in problem.reason
    offer = report.b2b["odopkinnaur"]
    assert offer.terms == SellerTerms("odopkinnaur", False, ("ON-FULFILLMENT",))
    [price_list] = offer.price_lists
    assert (price_list.sku, price_list.origin) == (kinnaur["items"][0]["sku"], "NPL")
    assert report.b2b["odopkullu"].price_lists == []
    assert report.b2b["odopkullu"].terms is None


async def test_imported_price_lists_are_stored_and_keep_the_sellers_po_rules(
    tmp_path: Path, clock: FixedClock
) -> None:
    upgrade(f"sqlite:///{tmp_path / 'c.db'}")
    database = Database.connect(f"sqlite:///{tmp_path / 'c.db'}")
    terms = B2BTermsStore(database)
    try:
        await terms.put_seller_terms(
            SellerTerms(
                "odopkinnaur",
                po_review_above_paise=100_000,
                po_decision_seconds=60,
                min_order_value_paise=5_000_000,
            ),
            now=clock.now(),
        )
        rows = _kinnaur_rows()
        rows[0]["b2b_category_code"] = _code_for(rows[0])
        report = await import_catalogue(
            _csv(rows), CatalogStore(database), now=clock.now(), name="k.csv"
        )
        assert report.problems == []
        stored = await terms.price_lists("odopkinnaur")
        assert len(stored) == len(report.landed)
        assert next(iter(stored.values())).slabs[1] == PriceSlab(100, None, 35_050)
        kept = await terms.seller_terms("odopkinnaur")
        assert kept is not None
        assert kept.payment_types == ("PRE-FULFILLMENT", "POST-FULFILLMENT")
        assert (kept.po_review_above_paise, kept.po_decision_seconds) == (100_000, 60)
        # A file states no minimum order value: the seller's stays.
        assert kept.min_order_value_paise == 5_000_000
        assert stored[rows[0]["sku"]].category_code == _code_for(rows[0])
    finally:
        await database.dispose()


def _code_for(row: dict[str, Any]) -> str:
    """An accepted B2B category code of the row's domain."""
    return {"ONDC:RET10": "RET10-1042", "ONDC:RET12": "RET12-1029"}[row["domain"]]


def test_b2b_category_codes_land_in_the_price_lists_and_bad_ones_refuse_their_row() -> None:
    rows = _kinnaur_rows()
    for row in rows:
        row["b2b_category_code"] = _code_for(row).lower()
    _, report = read_catalogue_file("k.csv", _csv(rows))
    assert report.problems == []
    codes = {p.sku: p.category_code for p in report.b2b["odopkinnaur"].price_lists}
    assert codes == {row["sku"]: _code_for(row) for row in rows}
    rows[0]["b2b_category_code"] = "RET12-9999"
    other = "RET12-1029" if rows[1]["domain"] == "ONDC:RET10" else "RET10-1042"
    rows[1]["b2b_category_code"] = other
    _, report = read_catalogue_file("k.csv", _csv(rows))
    found = {(p.row, p.field): p.reason for p in report.problems}
    unknown = found[(f"row 2 (odopkinnaur {rows[0]['sku']})", "b2b_category_code")]
    assert "RET12-9999 is not a RET12 code" in unknown
    [(field, wrong)] = [(f, r) for (row, f), r in found.items() if row.startswith("row 3")]
    assert f"{other} is a code of ONDC:{other[:5]}" in wrong, (field, wrong)
    assert "b2b category_code" in wrong
    assert len(report.landed) == len(rows) - 2
