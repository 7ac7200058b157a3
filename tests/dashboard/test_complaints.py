"""The department's complaints page: a buyer's complaint about a delivered Kullu shawl is
shown (page in English and Hindi, JSON, CSV, XLSX) by district, product and seller, open
and counted against its times, and never with the buyer's name, phone, e-mail or address;
a seller's login sees its own complaints only."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import load_workbook

from adapter.core.clock import FixedClock
from adapter.sandbox.flows import BILLING, BUYER_END
from tests.dashboard.test_dashboard import _token
from tests.igm.complainant import CONSUMER, Complainant
from tests.igm.test_escalation import escalating_timers
from tests.igm.test_igm2_flow import delivered
from tests.orders.shop import Shop, demo_item, shop

PII = [
    CONSUMER["info"]["person"]["name"],  # type: ignore[index]
    CONSUMER["info"]["contact"]["phone"],  # type: ignore[index]
    CONSUMER["info"]["contact"]["email"],  # type: ignore[index]
    BILLING["name"],
    BILLING["phone"],
    BILLING["email"],
    BUYER_END["location"]["address"]["building"],
]


async def _complaint(s: Shop, district: str, order_id: str) -> None:
    await delivered(s, district, order_id)
    _, item = demo_item(district)
    s.new_transaction()
    buyer = Complainant(s, order_id, item["sku"], item["domain"])
    buyer.open_v2()
    await buyer.send()


async def test_a_complaint_is_shown_by_district_product_and_seller_without_buyer_data(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        await _complaint(s, "Kullu", "ODOP-C-1")
        entry, item = demo_item("Kullu")
        viewer = await _token(s, "viewer")
        client = s.net.client
        clock.advance(2 * 86_400)  # past its day to resolve: our grievance officer takes over
        assert (await escalating_timers(s, clock).run_once()).escalated == 1

        answer = await client.get("/dashboard/api/complaints", headers=viewer)
        assert answer.status_code == 200, answer.text
        tables = {t["id"]: t for t in answer.json()["tables"]}
        [district] = tables["grievances_by_district"]["rows"]
        assert district["district"] == "Kullu"
        assert (district["complaints"], district["open"], district["late_resolution"]) == (1, 1, 1)
        assert district["late_response"] == 0  # answered PROCESSING at once
        assert district["escalated"] == 1
        [product] = tables["grievances_by_product"]["rows"]
        assert product["product"] == item["name"]
        [seller] = tables["grievances_by_seller"]["rows"]
        assert seller["seller"] == entry["seller"]["code"]
        [open_one] = tables["grievances_open"]["rows"]
        assert open_one["order_id"] == "ODOP-C-1"
        assert open_one["breaching"] is True
        assert open_one["owner"] == (
            "Grievance Redressal Officer, ODOP Himachal (9418000001, gro@odop.himachal.example)"
        )

        page = await client.get("/dashboard/complaints?lang=en", headers=viewer)
        hindi = await client.get("/dashboard/complaints?lang=hi", headers=viewer)
        csv = await client.get("/dashboard/export/complaints/grievances_open.csv", headers=viewer)
        xlsx = await client.get(
            "/dashboard/export/complaints/grievances_by_product.xlsx?lang=hi", headers=viewer
        )
        for response in (page, hindi, csv, xlsx):
            assert response.status_code == 200, response.text
        assert "ODOP-C-1" in page.text
        assert "Kullu" in page.text
        assert "ज़िलेवार शिकायतें" in hindi.text
        assert "कुल्लू" in hindi.text
        assert "ODOP-C-1" in csv.content.decode("utf-8")
        sheet = load_workbook(io.BytesIO(xlsx.content)).active
        assert sheet is not None
        cells = [str(c.value) for row in sheet.iter_rows() for c in row]
        assert "उत्पाद" in cells
        assert item["name"] in cells
        shown = answer.text + page.text + hindi.text + csv.content.decode("utf-8") + str(cells)
        for secret in PII:
            assert secret not in shown
        # The orders dashboard links to the page.
        dashboard = await client.get("/dashboard?lang=hi", headers=viewer)
        assert "/dashboard/complaints?" in dashboard.text


async def test_a_seller_sees_only_its_own_complaints(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        await _complaint(s, "Kullu", "ODOP-C-1")
        await _complaint(s, "Kinnaur", "ODOP-C-2")
        kinnaur = demo_item("Kinnaur")[0]["seller"]["code"]
        seller = await _token(s, "seller", kinnaur)
        answer = await s.net.client.get(
            "/dashboard/api/complaints?seller=someone-else", headers=seller
        )
        assert answer.status_code == 200, answer.text
        tables = {t["id"]: t for t in answer.json()["tables"]}
        assert [r["seller"] for r in tables["grievances_by_seller"]["rows"]] == [kinnaur]
        unknown = await s.net.client.get("/dashboard/export/complaints/orders.csv", headers=seller)
        assert unknown.status_code == 404
        signed_out = await s.net.client.get("/dashboard/api/complaints")
        assert signed_out.status_code == 401
