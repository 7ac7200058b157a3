"""The overview and the map over orders made through the real flow: the figures the page
shows are the JSON API's, filters kept in the URL narrow every figure, and what no source
counts yet is said to be so."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from adapter.core.clock import FixedClock
from adapter.dashboard.sources import ComplaintFigures
from tests.dashboard.test_dashboard import _orders_in_flow, _token
from tests.orders.shop import ADMIN, Shop, demo_item, shop


async def _letter(s: Shop) -> None:
    added = await s.net.client.post(
        "/admin/v1/dashboard/letters",
        json={
            "buyer": "Himalayan Stores Ltd",
            "product": "Chulli oil (wild apricot kernel)",
            "district": "Kinnaur",
            "value": "220000",
            "signed_on": "2026-11-01",
        },
        headers=ADMIN,
    )
    assert added.status_code == 201, added.text


def _tile(page: str, tile: str) -> str:
    found = re.search(rf'<li class="tile" id="tile-{tile}">(.*?)</li>', page)
    assert found is not None, tile
    return re.sub(r"<[^>]+>", " ", found.group(1))


async def test_the_overview_shows_the_apis_figures_in_indian_formats(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        await _letter(s)
        await _orders_in_flow(s)
        viewer = await _token(s, "viewer")
        client = s.net.client
        figures = (await client.get("/dashboard/api/overview", headers=viewer)).json()
        kinnaur = demo_item("Kinnaur")[1]
        value = Decimal(kinnaur["price"]) * 2
        assert (figures["orders"], figures["cancelled"]) == (2, 1)
        assert Decimal(figures["value"]) == value
        # The letter names no buyer GSTIN nor items: the retail orders of its product and
        # district do not realise it (the LOI desk never links by those alone).
        assert figures["letters"] == {
            "letters": 1,
            "realising": 0,
            "signed": "220000.00",
            "ordered": "0.00",
            "delivered": "0.00",
            "paid": "0.00",
        }
        # Counted from the grievance desk: none raised in this test.
        assert figures["complaints"] == {"open": 0, "breaching_sla": 0}
        assert figures["districts"] == 12
        assert len(figures["by_district"]) == 12
        assert figures["sellers_onboarded"] >= figures["sellers_live"] >= 2

        page = (await client.get("/dashboard", headers=viewer)).text
        assert "₹2.2\u202flakh signed" in _tile(page, "letters")
        assert "not yet available" not in _tile(page, "letters")
        assert "0 open" in _tile(page, "complaints")
        orders = _tile(page, "orders")
        assert " 2 " in orders
        assert "1 cancelled" in orders
        assert f"of {figures['sellers_onboarded']} onboarded" in _tile(page, "sellers")
        assert page.count('<a class="district"') == 12
        # The letters tile opens the LOI view, where the desk's letters are detailed.
        found = re.search(r'<li class="tile" id="tile-letters"><h3><a href="([^"]*)"', page)
        assert found is not None
        assert found.group(1) == "/dashboard/loi?lang=en&amp;days=30"
        # Amounts in the tables read as an Indian reader writes them.
        assert f"₹{int(value):,}" in page or f"₹{value:,.2f}" in page

        hindi = (await client.get("/dashboard?lang=hi", headers=viewer)).text
        assert "0 खुली" in _tile(hindi, "complaints")
        assert "₹2.2 लाख हस्ताक्षरित" in _tile(hindi, "letters")
        assert "खरीदार" in hindi or "विक्रेता" in hindi
        deva = (await client.get("/dashboard?lang=hi&digits=deva", headers=viewer)).text
        assert "₹२.२ लाख" in _tile(deva, "letters")


async def test_filters_in_the_url_narrow_every_figure_and_bad_ones_are_named(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        await _orders_in_flow(s)
        viewer = await _token(s, "viewer")
        client = s.net.client
        query = "district=Kinnaur&days=7"
        figures = (await client.get(f"/dashboard/api/overview?{query}", headers=viewer)).json()
        assert (figures["orders"], figures["cancelled"], figures["districts"]) == (1, 0, 1)
        assert [d["district"] for d in figures["by_district"]] == ["Kinnaur"]
        rows = (
            await client.get(f"/dashboard/api/tables/by_district?{query}", headers=viewer)
        ).json()["rows"]
        assert [r["district"] for r in rows] == ["Kinnaur"]
        page = (await client.get(f"/dashboard?{query}&measure=value", headers=viewer)).text
        # Every link keeps the whole choice.
        assert "/dashboard/export/by_district.csv?lang=en&amp;days=7&amp;district=Kinnaur" in page
        assert 'href="/dashboard?lang=hi&amp;days=7&amp;district=Kinnaur&amp;measure=value"' in page
        bad = await client.get("/dashboard/api/overview?district=Atlantis", headers=viewer)
        assert bad.status_code == 422
        assert bad.json()["detail"].startswith("district:")
        bad = await client.get("/dashboard?product=Tea", headers=viewer)
        assert bad.status_code == 422
        assert bad.json()["detail"].startswith("product:")

        day = (await client.get("/dashboard/api/tables/timeline?days=1", headers=viewer)).json()
        assert day["columns"][0] == "hour"
        assert len(day["rows"]) in (24, 25)
        assert sum(r["orders"] for r in day["rows"]) == 2

        # The timeline draws its orders twice, each a whole: live and cancelled, then B2C
        # and B2B; each bar's pieces name their part and count.
        page = (await client.get("/dashboard?days=1", headers=viewer)).text
        section = page.split('id="table-timeline"', 1)[1].split("</section>", 1)[0]
        labels = re.findall(r'<svg class="chart" role="img" aria-label="([^"]*)"', section)
        assert labels == [
            "Orders and value over time: Live, Cancelled",
            "Orders and value over time: B2C orders, B2B orders",
        ], labels
        b2c = sum(int(n) for n in re.findall(r"<title>[^<]*: B2C orders (\d+)</title>", section))
        b2b = sum(int(n) for n in re.findall(r"<title>[^<]*: B2B orders (\d+)</title>", section))
        assert (b2c, b2b) == (
            sum(r["b2c_orders"] for r in day["rows"]),
            sum(r["b2b_orders"] for r in day["rows"]),
        )
        assert b2c + b2b == 2


async def test_a_seller_sees_no_network_figures_and_a_source_can_be_registered(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        await _orders_in_flow(s)
        client = s.net.client
        code = demo_item("Kinnaur")[0]["seller"]["code"]
        seller = await _token(s, "seller", code)
        own = (await client.get("/dashboard/api/overview", headers=seller)).json()
        assert own["letters"] is None
        assert own["callbacks"] is None
        assert (own["orders"], own["sellers_onboarded"]) == (1, 1)
        page = (await client.get("/dashboard", headers=seller)).text
        assert 'id="tile-letters"' not in page
        assert 'id="tile-complaints"' not in page

        class Desk:
            async def complaint_figures(self, *, district: str | None) -> ComplaintFigures:
                return ComplaintFigures(open=4, breaching_sla=1 if district is None else 0)

        s.net.app.state.runtime.dashboard_sources.complaints = Desk()
        viewer = await _token(s, "viewer")
        figures = (await client.get("/dashboard/api/overview", headers=viewer)).json()
        assert figures["complaints"] == {"open": 4, "breaching_sla": 1}
        page = (await client.get("/dashboard", headers=viewer)).text
        assert "4 open" in _tile(page, "complaints")
        assert "1 past their deadline" in _tile(page, "complaints")
