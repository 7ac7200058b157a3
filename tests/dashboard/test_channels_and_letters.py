"""A B2B purchase order through the real B2B flow counts in the dashboard as B2B (filter,
split columns, overview, exports); the LOI view shows the desk's letters at their stages
as the LOI desk's own report counts them; the monthly summary comes as a PDF in English
and Hindi."""

from __future__ import annotations

import re
import zlib
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from adapter.core.clock import FixedClock
from adapter.dashboard.charts import PALETTE, bar_chart
from adapter.dashboard.filters import View
from adapter.dashboard.overview import OverviewData
from adapter.dashboard.summary_pdf import Fonts, fonts, summary_pdf
from adapter.storage.overview import OverviewFigures
from tests.b2b.test_b2b_purchase_order import ACCEPT, _order, _quoted, _step
from tests.b2b.test_b2b_rfq import GSTIN
from tests.network.peers import edge
from tests.network.test_seller_api import ADMIN

LETTER = {
    "reference": "HIM-LOI-21", "buyer_name": "Alpine Foods", "buyer_gstin": GSTIN,
    "district": "Kinnaur", "product": "Chulli oil (wild apricot kernel)", "value": "60000",
    "signed_on": "2026-11-15",
    "items": [{"seller_code": "odopkinnaur", "sku": "odopkinnaur01", "quantity": 120,
               "unit_price": "350"}],
}  # fmt: skip


def _pdf_text(pdf: bytes) -> str:
    """The PDF's content streams, inflated (text drawn in a built-in font is legible)."""
    out = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            out.append(zlib.decompress(stream).decode("latin-1"))
        except zlib.error:
            out.append(stream.decode("latin-1"))
    return "".join(out)


async def test_a_b2b_purchase_order_counts_as_b2b_and_the_letter_moves_in_the_loi_view(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock, ONDC_DOMAINS="ONDC:RET10,ONDC:RET12") as net:
        client = net.client
        quoted = await _quoted(net, clock)
        added = await client.post("/admin/v1/loi/letters", json=LETTER, headers=ADMIN)
        assert added.status_code == 201, added.text
        await _step(net, clock, "init", _order(quoted))
        po = _order(quoted, id="PO-21", quote=quoted["quote"], tags=ACCEPT)
        assert (await _step(net, clock, "confirm", po))["message"]["order"]["state"] == "Accepted"
        # The dashboard's value is the items' (as for retail orders); the letter's ordered
        # value is the purchase order's total, taxes included (the LOI desk's rule).
        breakup = quoted["quote"]["breakup"]
        items = sum(
            Decimal(line["price"]["value"])
            for line in breakup
            if line.get("@ondc/org/title_type") == "item"
        )
        total = Decimal(quoted["quote"]["price"]["value"])
        made = await client.post(
            "/admin/v1/dashboard/credentials", json={"role": "viewer"}, headers=ADMIN
        )
        viewer = {"Authorization": f"Bearer {made.json()['token']}"}

        overview = (await client.get("/dashboard/api/overview", headers=viewer)).json()
        assert overview["b2b"] == {"orders": 1, "value": f"{items:.2f}"}
        assert overview["b2c"] == {"orders": 0, "value": "0.00"}
        assert overview["orders"] == 1
        kinnaur = next(d for d in overview["by_district"] if d["district"] == "Kinnaur")
        assert (kinnaur["b2b_orders"], kinnaur["b2b_value"]) == (1, f"{items:.2f}")

        url = "/dashboard/api/tables/by_district"
        b2b = (await client.get(f"{url}?channel=b2b", headers=viewer)).json()
        [row] = b2b["rows"]
        assert (row["district"], row["orders"], row["b2b_orders"], row["b2c_orders"]) == (
            "Kinnaur", 1, 1, 0,
        )  # fmt: skip
        assert (row["b2b_value"], row["b2c_value"]) == (f"{items:.2f}", "0.00")
        assert (await client.get(f"{url}?channel=b2c", headers=viewer)).json()["rows"] == []
        assert (await client.get(f"{url}?channel=b2x", headers=viewer)).status_code == 422
        csv = await client.get("/dashboard/export/by_district.csv?channel=b2b", headers=viewer)
        header = csv.content.decode("utf-8-sig").splitlines()[0]
        assert "B2B orders" in header
        assert "B2C value (₹)" in header
        page = (await client.get("/dashboard?channel=b2b", headers=viewer)).text
        assert '<option value="b2b" selected>' in page
        assert "channel=b2b" in page  # every link keeps the choice
        # The letters tile reads the LOI desk and links to the LOI view.
        assert (
            '<li class="tile" id="tile-letters"><h3>'
            '<a href="/dashboard/loi?lang=en&amp;days=30&amp;channel=b2b">'
        ) in page

        # The LOI view: the letter is at "PO placed" with the PO's value ordered, as the
        # desk's own report counts it.
        report = (await client.get("/admin/v1/loi/report", headers=ADMIN)).json()["total"]
        stages = (await client.get("/dashboard/api/tables/loi_stages", headers=viewer)).json()
        at = {r["stage"]: r["letters_n"] for r in stages["rows"]}
        assert at["PO placed"] == 1 == report["stages"]["po_placed"]
        assert sum(at.values()) == 1
        values = (await client.get("/dashboard/api/tables/loi_values", headers=viewer)).json()
        amounts = {r["stage"]: Decimal(r["value"]) for r in values["rows"]}
        assert amounts["signed"] == Decimal(report["signed_paise"]) / 100 == Decimal(60000)
        assert amounts["PO placed"] == Decimal(report["ordered_paise"]) / 100 == total
        assert amounts["paid"] == 0
        districts = (
            await client.get("/dashboard/api/tables/loi_by_district?lang=hi", headers=viewer)
        ).json()
        assert districts["rows"][0]["district"] == "किन्नौर"
        loi = await client.get("/dashboard/loi?lang=hi", headers=viewer)
        assert loi.status_code == 200
        assert "क्रय आदेश दिया" in loi.text
        assert 'id="table-loi_by_product"' in loi.text
        assert 'href="/dashboard/loi?lang=hi&amp;days=30" aria-current="page"' in loi.text

        seller_key = await client.post(
            "/admin/v1/dashboard/credentials",
            json={"role": "seller", "seller_code": "odopkinnaur"},
            headers=ADMIN,
        )
        seller = {"Authorization": f"Bearer {seller_key.json()['token']}"}
        assert (await client.get("/dashboard/loi", headers=seller)).status_code == 404
        assert (
            await client.get("/dashboard/api/tables/loi_stages", headers=seller)
        ).status_code == 404

        for lang in ("en", "hi"):
            pdf = await client.get(f"/dashboard/summary.pdf?lang={lang}", headers=viewer)
            assert pdf.status_code == 200
            assert pdf.headers["content-type"] == "application/pdf"
            assert pdf.content.startswith(b"%PDF-")
            assert pdf.content.count(b"/Type /Page\n") == 1  # one page
        # scripts/services installs Lohit Devanagari: the Hindi summary is set in it.
        assert fonts().devanagari is not None
        assert b"+LohitDevanagari" in pdf.content


def test_without_a_devanagari_font_the_hindi_summary_is_the_english_one_saying_so() -> None:
    figures = OverviewFigures(
        orders=14_808, cancelled=3, value_paise=5_629_000_050, b2b_orders=2,
        b2b_value_paise=22_000_000, sellers_onboarded=12, sellers_live=11, districts_live=11,
        districts=12, callbacks_delivered=0, callbacks_on_time=0,
    )  # fmt: skip
    data = OverviewData(figures, None, {}, None, network=True)
    made = summary_pdf(
        View(lang="hi"), data, None, now=datetime(2026, 12, 6, 10, tzinfo=UTC),
        found=Fonts(latin=None, devanagari=None),
    )  # fmt: skip
    words = _pdf_text(made)
    assert "fonts-lohit-deva" in words
    assert "Rs 5,62,90,000.50" in words  # Indian grouping; "Rs" where no font has the sign
    assert "Monthly review" in words


def test_value_bars_are_split_b2c_then_b2b_with_a_legend() -> None:
    drawn = bar_chart(
        ["Kullu", "Una"],
        [Decimal("300"), Decimal("100")],
        ["₹300", "₹100"],
        title="Value by district",
        parts=[("B2C value (₹)", [Decimal("200"), Decimal("100")]),
               ("B2B value (₹)", [Decimal("100"), Decimal("0")])],
    )  # fmt: skip
    pieces = re.findall(r'<rect x="([\d.]+)" y="\d+" width="([\d.]+)"[^>]*fill="(#\w+)">', drawn)
    # Kullu: B2C then B2B, side by side; Una: B2C only (a part of 0 draws nothing).
    assert [(colour, width) for _, width, colour in pieces] == [
        (PALETTE[0], "220.0"), (PALETTE[1], "110.0"), (PALETTE[0], "110.0"),
    ]  # fmt: skip
    assert float(pieces[1][0]) == float(pieces[0][0]) + float(pieces[0][1])
    assert "B2C value (₹)</text>" in drawn
    assert "B2B value (₹)</text>" in drawn
