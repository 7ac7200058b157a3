"""The LOI desk's API: operators and sellers enter letters (one by one or a spreadsheet
with a row report), read the register and its report, and flag letters on paper."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from adapter.core.b2b.loi import MovementKind
from adapter.core.clock import FixedClock
from adapter.dashboard.sources import LetterFigures
from tests.network.peers import Edge, edge
from tests.network.test_seller_api import ADMIN, _register

GSTIN = "02ABCDE1234F1Z5"


def _letter(reference: str = "HIM-2026-001", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "reference": reference,
        "buyer_name": "Alpine Exports (demo)",
        "buyer_gstin": GSTIN,
        "buyer_app_id": "buyer.example",
        "district": "kinnaur",
        "product": "Kinnauri Shawl",
        "value": "900000.00",
        "payment_type": "PRE-FULFILLMENT",
        "signed_on": "2026-11-15",
        "meet": "HIM MSME Fest 2026, Shimla",
        "figures_source": "organisers' list of LOIs",
        "nodal_officer": "GM, DIC Reckong Peo",
        "items": [
            {"seller_code": "odopkinnaur", "sku": "odopkinnaur02", "quantity": 200,
             "unit_price": "4500"},
        ],
    }  # fmt: skip
    body.update(overrides)
    return body


async def _kinnaur(net: Edge) -> dict[str, str]:
    _, key = await _register(net, "Kinnaur")
    return key


async def test_operator_enters_a_letter_and_reads_it_with_its_stage(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock) as net:
        await _kinnaur(net)
        created = await net.client.post("/admin/v1/loi/letters", json=_letter(), headers=ADMIN)
        assert created.status_code == 201, created.text
        letter_id = created.json()["id"]
        again = await net.client.post(
            "/admin/v1/loi/letters", json=_letter(value="850000"), headers=ADMIN
        )
        assert (again.status_code, again.json()["id"]) == (200, letter_id)
        shown = (await net.client.get(f"/admin/v1/loi/letters/{letter_id}", headers=ADMIN)).json()
        assert shown["district"] == "Kinnaur"
        assert (shown["stage"], shown["value_paise"]) == ("signed", 85_000_000)
        assert shown["items"][0]["unit_price_paise"] == 450_000
        follow = await net.client.put(
            f"/admin/v1/loi/letters/{letter_id}/follow-up",
            json={"next_follow_up": "2026-12-01"},
            headers=ADMIN,
        )
        assert follow.status_code == 200, follow.text


async def test_bad_letters_are_refused_naming_the_field(tmp_path: Path, clock: FixedClock) -> None:
    async with edge(tmp_path, clock) as net:
        await _kinnaur(net)
        cases = [
            (_letter(buyer_gstin="12345"), "buyer_gstin"),
            (_letter(district="Goa"), "district"),
            (_letter(value="-1"), "value"),
            (_letter(items=[]), "items"),
            (_letter(payment_type="CASH"), "payment_type"),
            (_letter(colour="red"), "colour"),
            (
                _letter(
                    items=[{"seller_code": "nobody", "sku": "x", "quantity": 1, "unit_price": "1"}]
                ),
                "items[0].seller_code",
            ),
        ]
        for body, field in cases:
            refused = await net.client.post("/admin/v1/loi/letters", json=body, headers=ADMIN)
            assert refused.status_code == 422, (field, refused.text)
            assert refused.json()["detail"].startswith(field), refused.text
        assert (await net.client.get("/admin/v1/loi/letters", headers=ADMIN)).json() == []


async def test_a_seller_enters_only_its_own_letters_and_sees_only_them(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock) as net:
        kinnaur = await _kinnaur(net)
        _, kullu = await _register(net, "Kullu")
        mine = await net.client.post("/seller/v1/loi/letters", json=_letter(), headers=kinnaur)
        assert mine.status_code == 201, mine.text
        foreign = await net.client.post("/seller/v1/loi/letters", json=_letter("X"), headers=kullu)
        assert foreign.status_code == 403
        assert foreign.json()["detail"].startswith("items[0].seller_code")
        assert (await net.client.get("/seller/v1/loi/letters", headers=kullu)).json() == []
        hidden = await net.client.get(f"/seller/v1/loi/letters/{mine.json()['id']}", headers=kullu)
        assert hidden.status_code == 404
        [listed] = (await net.client.get("/seller/v1/loi/letters", headers=kinnaur)).json()
        assert listed["reference"] == "HIM-2026-001"


SHEET = (
    "reference,buyer_name,buyer_gstin,buyer_app_id,district,product,value,payment_type,"
    "signed_on,meet,seller_code,sku,item_name,quantity,unit_price\n"
    "L1,Alpine Exports,02ABCDE1234F1Z5,buyer.example,Kinnaur,Kinnauri Shawl,900000,"
    "PRE-FULFILLMENT,2026-11-15,HIM MSME Fest,odopkinnaur,odopkinnaur02,शॉल,200,4500\n"
    "L1,Alpine Exports,02ABCDE1234F1Z5,buyer.example,Kinnaur,Kinnauri Shawl,900000,"
    "PRE-FULFILLMENT,2026-11-15,HIM MSME Fest,odopkinnaur,odopkinnaur01,Chulli oil,50,300\n"
    "L2,Tea House,02ABCDE1234F1Z5,,Kangra,Kangra Tea,100000,POST-FULFILLMENT,2026-11-15,"
    "HIM MSME Fest,odopkinnaur,odopkinnaur02,,0,4500\n"
    "L2,Tea House,02ABCDE1234F1Z5,,Kangra,Kangra Tea,100000,POST-FULFILLMENT,2026-11-15,"
    "HIM MSME Fest,odopkinnaur,odopkinnaur03,,10,100\n"
    "L3,Paper Buyer,,,Kinnaur,Kinnauri Shawl,5000,,2026-11-16,HIM MSME Fest,odopkinnaur,"
    "odopkinnaur02,,1,5000\n"
)


async def test_a_spreadsheet_of_letters_gets_a_row_by_row_report(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock) as net:
        await _kinnaur(net)
        imported = await net.client.post(
            "/admin/v1/loi/import?filename=letters.csv",
            content=SHEET.encode(),
            headers={**ADMIN, "Content-Type": "text/csv"},
        )
        assert imported.status_code == 200, imported.text
        result = imported.json()
        assert (result["letters_saved"], result["rows"], result["rows_refused"]) == (2, 5, 2)
        by_row = {row["row"]: row for row in result["report"]}
        assert [by_row[n]["status"] for n in (2, 3, 4, 5, 6)] == [
            "created", "created", "refused", "refused", "created",
        ]  # fmt: skip
        assert by_row[4]["problems"][0].startswith("quantity")
        assert "row(s) 4" in by_row[5]["problems"][0]
        letters = (await net.client.get("/admin/v1/loi/letters", headers=ADMIN)).json()
        assert sorted(letter["reference"] for letter in letters) == ["L1", "L3"]
        again = await net.client.post("/admin/v1/loi/import", content=SHEET.encode(), headers=ADMIN)
        assert [row["status"] for row in again.json()["report"]][:2] == ["updated", "updated"]
        unusable = await net.client.post(
            "/admin/v1/loi/import", content=b"reference,buyer_name\nL9,x\n", headers=ADMIN
        )
        assert unusable.status_code == 422
        assert unusable.json()["detail"].startswith("file: missing column(s): district")


async def test_report_by_district_and_the_on_paper_flag(tmp_path: Path, clock: FixedClock) -> None:
    async with edge(tmp_path, clock) as net:
        await _kinnaur(net)
        await net.client.post("/admin/v1/loi/letters", json=_letter("A"), headers=ADMIN)
        old = _letter("B", signed_on="2026-09-01", value="100000", buyer_gstin=None)
        assert (await net.client.post("/admin/v1/loi/letters", json=old, headers=ADMIN)).is_success
        desk = net.app.state.runtime.loi
        at = datetime(2026, 11, 20, tzinfo=UTC)
        await desk.record(
            buyer_gstin=GSTIN, buyer_app_id="buyer.example",
            lines=[("odopkinnaur", "odopkinnaur02")], transaction_id="t1", order_id="O1",
            kind=MovementKind.ORDERED,
            amount_paise=45_000_000, event_key="t1:ordered", at=at,
        )  # fmt: skip
        report = (await net.client.get("/admin/v1/loi/report?by=district", headers=ADMIN)).json()
        [kinnaur] = report["groups"]
        assert (kinnaur["key"], kinnaur["letters"]) == ("Kinnaur", 2)
        assert (kinnaur["signed_paise"], kinnaur["ordered_paise"]) == (100_000_000, 45_000_000)
        assert kinnaur["stages"]["po_placed"] == 1
        # The dashboard's overview reads the same desk (delivered and paid known: zero here).
        by_district = (
            await net.app.state.runtime.dashboard_sources.letters.letter_figures_by_district()
        )
        assert by_district == {
            "Kinnaur": LetterFigures(
                letters=2, signed_paise=100_000_000, ordered_paise=45_000_000,
                delivered_paise=0, paid_paise=0, realising=1,
            )
        }  # fmt: skip
        swept = (await net.client.post("/admin/v1/loi/sweep", headers=ADMIN)).json()
        assert [letter["reference"] for letter in swept["flagged"]] == ["B"]
        after = (await net.client.get("/admin/v1/loi/report", headers=ADMIN)).json()
        assert after["total"]["on_paper"] == 1
