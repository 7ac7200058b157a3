"""The department's view of grievances: complaints by district, product and seller, the
open ones and the late ones, with no buyer's name, phone or address anywhere."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from adapter.core.clock import FixedClock
from adapter.dashboard.exports import to_csv
from adapter.dashboard.sources import ComplaintFigures
from adapter.dashboard.views import Table
from adapter.igm.reports import grievance_report, sla_state
from tests.igm.complainant import CONSUMER, Complainant
from tests.igm.test_igm2_flow import delivered
from tests.orders.shop import demo_item, shop


async def test_complaints_by_district_and_product_with_late_ones_and_no_buyer_data(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        for district, order_id in (("Kullu", "ODOP-R-1"), ("Kinnaur", "ODOP-R-2")):
            await delivered(s, district, order_id)
            _, item = demo_item(district)
            s.new_transaction()
            buyer = Complainant(s, order_id, item["sku"], item["domain"])
            buyer.open_v2()
            await buyer.send()
        await s.runtime.facts.refresh()
        assert s.runtime.issues is not None
        rows = await s.runtime.issues.report_rows()
        clock.advance(2 * 86_400)  # both are now past their day to resolve
        tables = {t.id: t for t in grievance_report(rows, now=clock.now())}

        districts = {r["district"]: r for r in tables["grievances_by_district"].records()}
        assert set(districts) == {"Kullu", "Kinnaur"}
        assert districts["Kullu"]["complaints"] == 1
        assert districts["Kullu"]["open"] == 1
        assert districts["Kullu"]["late_response"] == 0  # answered at once
        assert districts["Kullu"]["late_resolution"] == 1
        products = {r["product"] for r in tables["grievances_by_product"].records()}
        assert products == {demo_item("Kullu")[1]["name"], demo_item("Kinnaur")[1]["name"]}
        assert len(tables["grievances_open"].rows) == 2
        assert all(r["breaching"] for r in tables["grievances_open"].records())
        # The dashboard's overview counts the same issues.
        complaints = s.runtime.dashboard_sources.complaints
        assert complaints is not None
        assert await complaints.complaint_figures(district=None) == ComplaintFigures(2, 2)
        assert await complaints.complaint_figures(district="Kullu") == ComplaintFigures(1, 1)
        assert await complaints.complaint_figures(district="Shimla") == ComplaintFigures(0, 0)

        exported = b"".join(
            to_csv(Table(t.id, t.title, t.columns, t.labels, t.rows)) for t in tables.values()
        ).decode("utf-8")
        person = CONSUMER["info"]
        for secret in (
            person["person"]["name"],
            person["contact"]["phone"],
            person["contact"]["email"],
        ):
            assert secret not in exported
        assert "Kullu" in exported


def test_an_answer_after_the_response_time_counts_as_late(clock: FixedClock) -> None:
    base = clock.now()
    row = {
        "status": "PROCESSING",
        "created_at": base,
        "respond_by": base + timedelta(hours=1),
        "responded_at": base + timedelta(hours=2),
        "resolve_by": base + timedelta(days=1),
        "resolved_at": None,
    }
    assert sla_state(row, base + timedelta(hours=3)) == (True, False)
    assert sla_state(row, base + timedelta(days=2)) == (True, True)
