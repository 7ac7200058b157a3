"""The certification flows played against the adapter, their logs checked by the
conformance gate (adapter.sandbox.conformance): the rules ONDC's log validator enforces on
a seller (id pairing, timestamps, 5-second replies, quote arithmetic and carry-over, state
per on_status) and the workbench's field rules on every callback."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import select

import schemas
from adapter.core.clock import FixedClock
from adapter.sandbox.conformance import check
from adapter.sandbox.flowcheck import write_flow_logs
from adapter.sandbox.flows import refund_message, refund_of, return_message
from adapter.storage.tables import order_facts, orders
from tests.official_sdk import sdk_verifies
from tests.orders.shop import Shop, cart, confirm_message, demo_item, init_message, shop

# One ODOP product per domain: Kangra tea (RET10), Kinnauri shawl (RET12), Chamba rumal (RET16).
PRODUCTS = [("Kangra", 0), ("Kinnaur", 1), ("Chamba", 0)]


async def _to_confirm(s: Shop, district: str, index: int, logs: dict[str, Any]) -> str:
    entry, item = demo_item(district, index)
    domain = item["domain"]
    search = {
        "intent": {
            "fulfillment": {"type": "Delivery"},
            "payment": {
                "@ondc/org/buyer_app_finder_fee_type": "percent",
                "@ondc/org/buyer_app_finder_fee_amount": "3",
            },
        }
    }
    logs["on_search_full_catalog_refresh"] = await s.call("search", search, domain=domain)
    logs["search_full_catalog_refresh"] = s.sent[-1]
    await _walk_order(s, entry, item, logs, count=1)
    return str(entry["seller"]["code"])


async def _walk_order(
    s: Shop, entry: dict[str, Any], item: dict[str, Any], logs: dict[str, Any], *, count: int
) -> None:
    """select, init, confirm and the seller's acceptance, into ``logs``."""
    domain = item["domain"]
    district = entry["seller"]["district"]
    logs["on_select"] = await s.call("select", cart(entry, item, count), domain=domain)
    logs["select"] = s.sent[-1]
    logs["on_init"] = await s.call("init", init_message(logs["on_select"]), domain=domain)
    logs["init"] = s.sent[-1]
    confirm = confirm_message(logs["on_init"], f"ODOP{district}{item['sku']}")
    logs["on_confirm"] = await s.call("confirm", confirm, domain=domain)
    logs["confirm"] = s.sent[-1]
    pending = await s.timers()
    logs["on_status_pending"] = pending[0]


STEPS = [
    ("pack", "on_status_packed"),
    ("ship", "on_status_picked"),
    ("out_for_delivery", "on_status_out_for_delivery"),
    ("deliver", "on_status_delivered"),
]


async def _deliver(s: Shop, logs: dict[str, Any], *, until: str = "deliver") -> None:
    """The seller's steps from packing on (up to ``until``), each callback into ``logs``."""
    order_id = logs["on_confirm"]["message"]["order"]["id"]
    code = logs["on_confirm"]["message"]["order"]["provider"]["id"]
    key = await s.seller_key(code)
    for action, name in STEPS:
        s.clock.advance(30)
        body = {"invoice_url": f"https://odop.example/invoices/{order_id}.pdf"}
        moved = await s.net.client.post(
            f"/seller/v1/orders/{order_id}/{action}",
            json=body if action == "ship" else None,
            headers=key,
        )
        assert moved.status_code == 200, moved.text
        (logs[name],) = await s.unsolicited()
        if action == until:
            return


@pytest.mark.parametrize(("district", "index"), PRODUCTS)
async def test_flow_2_order_to_delivery_passes_the_validator_rules(
    tmp_path: Path, clock: FixedClock, district: str, index: int
) -> None:
    url = f"sqlite:///{tmp_path}/flows.db"
    async with shop(tmp_path, clock, url) as s:
        logs: dict[str, Any] = {}
        await _to_confirm(s, district, index, logs)
        await _deliver(s, logs)
        assert check(2, logs) == []
        written = write_flow_logs(tmp_path / "logs" / "flow2", logs)
        assert len(written) == len(logs)


@pytest.mark.parametrize(("district", "index"), PRODUCTS)
async def test_flow_4_buyer_cancel_passes_the_validator_rules(
    tmp_path: Path, clock: FixedClock, district: str, index: int
) -> None:
    url = f"sqlite:///{tmp_path}/flows.db"
    async with shop(tmp_path, clock, url) as s:
        logs: dict[str, Any] = {}
        await _to_confirm(s, district, index, logs)
        order_id = logs["on_confirm"]["message"]["order"]["id"]
        domain = logs["confirm"]["context"]["domain"]
        logs["on_cancel"] = await s.call(
            "cancel", {"order_id": order_id, "cancellation_reason_id": "010"}, domain=domain
        )
        logs["cancel"] = s.sent[-1]
        del logs["on_status_pending"]
        assert logs["on_cancel"]["message"]["order"]["state"] == "Cancelled"
        assert check(4, logs) == []


async def test_a_broken_quote_would_be_caught(tmp_path: Path, clock: FixedClock) -> None:
    """The check above can fail: the same logs with on_init's total changed do."""
    url = f"sqlite:///{tmp_path}/flows.db"
    async with shop(tmp_path, clock, url) as s:
        logs: dict[str, Any] = {}
        await _to_confirm(s, "Kangra", 0, logs)
        logs["on_init"]["message"]["order"]["quote"]["price"]["value"] = "1.00"
        rules = {violation.rule for violation in check(4, logs)}
        assert "quote_breakup_sum" in rules


async def test_the_fields_ondc_validator_requires_of_the_seller_are_sent(
    tmp_path: Path, clock: FixedClock
) -> None:
    """What ONDC's log validator checked on these flows beyond ids, time and quotes: the
    settlement account, tax numbers, fulfilment times that do not move, the invoice and
    routing from pick-up, and the shape of a cancellation."""
    async with shop(tmp_path, clock, f"sqlite:///{tmp_path}/flows.db") as s:
        logs: dict[str, Any] = {}
        code = await _to_confirm(s, "Kinnaur", 1, logs)
        on_init = logs["on_init"]["message"]["order"]
        (details,) = on_init["payment"]["@ondc/org/settlement_details"]
        for field in (
            "settlement_bank_account_no",
            "settlement_ifsc_code",
            "beneficiary_name",
            "bank_name",
            "branch_name",
        ):
            assert details[field], field
        assert on_init["payment"]["@ondc/org/settlement_window"].startswith("PT")
        (terms,) = on_init["tags"]
        values = {tag["code"]: tag["value"] for tag in terms["list"]}
        assert values["tax_number"][2:12] != values["provider_tax_number"]
        assert values["np_type"] == "MSN"
        assert "accept_bap_terms" not in values

        on_confirm = logs["on_confirm"]
        order = on_confirm["message"]["order"]
        assert order["created_at"] == logs["confirm"]["context"]["timestamp"]
        assert order["updated_at"] == on_confirm["context"]["timestamp"]
        assert {"bpp_terms", "bap_terms"} <= {group["code"] for group in order["tags"]}
        delivery = order["fulfillments"][0]
        times = (delivery["start"]["time"]["range"], delivery["end"]["time"]["range"])

        key = await s.seller_key(code)
        order_id = order["id"]
        await s.net.client.post(f"/seller/v1/orders/{order_id}/pack", headers=key)
        unshipped = await s.net.client.post(f"/seller/v1/orders/{order_id}/ship", headers=key)
        assert unshipped.status_code == 422
        assert unshipped.json()["detail"].startswith("invoice_url:")
        invoice = {"invoice_url": "https://odop.example/invoices/1.pdf"}
        await s.net.client.post(f"/seller/v1/orders/{order_id}/ship", json=invoice, headers=key)
        *_, picked = await s.unsolicited()
        moved = picked["message"]["order"]
        assert moved["documents"][0]["label"] == "Invoice"
        delivery = moved["fulfillments"][0]
        assert delivery["tags"][0]["code"] == "routing"
        assert delivery["start"]["time"]["range"] == times[0]
        assert delivery["end"]["time"]["range"] == times[1]
        assert "timestamp" in delivery["start"]["time"]

        s.new_transaction()
        logs = {}
        await _to_confirm(s, "Kinnaur", 2, logs)
        order = logs["on_confirm"]["message"]["order"]
        on_cancel = await s.call(
            "cancel",
            {"order_id": order["id"], "cancellation_reason_id": "010"},
            domain=logs["confirm"]["context"]["domain"],
        )
        cancelled = on_cancel["message"]["order"]
        assert "tags" not in cancelled
        kinds = [f["type"] for f in cancelled["fulfillments"]]
        assert kinds == ["Delivery", "Cancel"]
        tags = {
            g["code"]: {t["code"]: t["value"] for t in g["list"]}
            for g in cancelled["fulfillments"][0]["tags"]
        }
        assert tags["cancel_request"] == {"reason_id": "010", "initiated_by": "buyer.example"}
        assert tags["precancel_state"] == {
            "fulfillment_state": "Pending",
            "updated_at": order["updated_at"],
        }
        counts = {(i["fulfillment_id"], i["quantity"]["count"]) for i in cancelled["items"]}
        assert counts == {("1", 0), ("C1", 1)}


async def test_flow_3_out_of_stock_then_reselect_passes_the_validator_rules(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with shop(tmp_path, clock, f"sqlite:///{tmp_path}/flows.db") as s:
        entry, item = demo_item("Kangra", 0)
        domain = item["domain"]
        await s.runtime.catalogue.set_stock(
            entry["seller"]["code"], [(item["sku"], 3)], now=clock.now()
        )
        logs: dict[str, Any] = {}
        search = {"intent": {"fulfillment": {"type": "Delivery"}}}
        logs["on_search_full_catalog_refresh"] = await s.call("search", search, domain=domain)
        logs["search_full_catalog_refresh"] = s.sent[-1]
        logs["on_select_out_of_stock"] = await s.call("select", cart(entry, item, 5), domain=domain)
        logs["select_out_of_stock"] = s.sent[-1]
        assert logs["on_select_out_of_stock"]["error"]["code"] == "40002"
        await _walk_order(s, entry, item, logs, count=3)
        await _deliver(s, logs)
        assert check(3, logs) == []


async def test_flow_5_return_to_origin_passes_the_validator_rules(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with shop(tmp_path, clock, f"sqlite:///{tmp_path}/flows.db") as s:
        logs: dict[str, Any] = {}
        code = await _to_confirm(s, "Chamba", 0, logs)
        _, item = demo_item("Chamba", 0)
        before = await s.stock(code, item["sku"])
        await _deliver(s, logs, until="out_for_delivery")
        order_id = logs["on_confirm"]["message"]["order"]["id"]
        key = await s.seller_key(code)
        clock.advance(30)
        failed = await s.net.client.post(
            f"/seller/v1/orders/{order_id}/rto", json={"reason": "013"}, headers=key
        )
        assert failed.status_code == 200, failed.text
        (logs["on_cancel"],) = await s.unsolicited()
        cancelled = logs["on_cancel"]["message"]["order"]
        assert cancelled["state"] == "Cancelled"
        assert [f["type"] for f in cancelled["fulfillments"]] == ["Delivery", "RTO"]
        clock.advance(30)
        back = await s.net.client.post(f"/seller/v1/orders/{order_id}/rto_delivered", headers=key)
        assert back.status_code == 200, back.text
        (logs["on_status_rto_delivered"],) = await s.unsolicited()
        assert await s.stock(code, item["sku"]) == before + 1, "the piece is back in stock"
        assert check(5, logs) == []


async def test_flow_6_part_cancel_return_and_liquidation_pass_the_validator_rules(
    tmp_path: Path, clock: FixedClock
) -> None:
    """Kangra tea, three packets: the seller cancels one it cannot supply, the buyer app
    returns one (reverse QC: approved, picked, delivered back) and one is liquidated; each
    refund is settled and each step is a callback the buyer app can check."""
    async with shop(tmp_path, clock, f"sqlite:///{tmp_path}/flows.db") as s:
        entry, item = demo_item("Kangra", 0)
        code, sku, domain = entry["seller"]["code"], item["sku"], item["domain"]
        await s.reshape(code, seller={"auto_accept": False})
        stock = await s.stock(code, sku)
        logs: dict[str, Any] = {}
        search = {"intent": {"fulfillment": {"type": "Delivery"}}}
        logs["on_search_full_catalog_refresh"] = await s.call("search", search, domain=domain)
        logs["search_full_catalog_refresh"] = s.sent[-1]
        logs["on_select"] = await s.call("select", cart(entry, item, 3), domain=domain)
        logs["select"] = s.sent[-1]
        logs["on_init"] = await s.call("init", init_message(logs["on_select"]), domain=domain)
        logs["init"] = s.sent[-1]
        logs["on_confirm"] = await s.call(
            "confirm", confirm_message(logs["on_init"], "ODOP6A"), domain=domain
        )
        logs["confirm"] = s.sent[-1]
        assert await s.stock(code, sku) == stock - 3
        key = await s.seller_key(code)
        orders = "/seller/v1/orders/ODOP6A"

        clock.advance(30)
        refused = await s.net.client.post(
            f"{orders}/part_cancel", json={"items": [{"sku": sku, "quantity": 3}]}, headers=key
        )
        assert refused.status_code == 409, "cancelling every piece is a cancel, not a part cancel"
        cancelled = await s.net.client.post(
            f"{orders}/part_cancel", json={"items": [{"sku": sku, "quantity": 1}]}, headers=key
        )
        assert cancelled.status_code == 200, cancelled.text
        (logs["on_update_part_cancel"],) = await s.unsolicited()
        assert await s.stock(code, sku) == stock - 2, "the cancelled packet is back in stock"
        part = logs["on_update_part_cancel"]["message"]["order"]
        assert Decimal(part["quote"]["price"]["value"]) == Decimal(
            logs["on_confirm"]["message"]["order"]["quote"]["price"]["value"]
        ) - Decimal(item["price"])
        refund = refund_of(logs["on_update_part_cancel"], "C2")
        stamp = schemas.format_timestamp(clock.now())
        await s.call(
            "update", refund_message("ODOP6A", "C2", "Cancel", refund, stamp), domain=domain
        )
        logs["update_settlement_part_cancel"] = s.sent[-1]

        clock.advance(30)
        assert (await s.net.client.post(f"{orders}/accept", headers=key)).status_code == 200
        (logs["on_status_pending"],) = await s.unsolicited()
        await _deliver(s, logs)

        logs["on_update_interim_reverse_qc"] = await s.call(
            "update", return_message("ODOP6A", "R-QC-1", sku, 1), domain=domain
        )
        logs["update_reverse_qc"] = s.sent[-1]
        (back,) = [
            f
            for f in logs["on_update_interim_reverse_qc"]["message"]["order"]["fulfillments"]
            if f["type"] == "Return"
        ]
        assert back["state"]["descriptor"]["code"] == "Return_Initiated"
        for action, name in [("approve", "on_update_approval"), ("pick", "on_update_picked")]:
            clock.advance(30)
            moved = await s.net.client.post(f"{orders}/returns/R-QC-1/{action}", headers=key)
            assert moved.status_code == 200, moved.text
            (logs[name],) = await s.unsolicited()
        refund = refund_of(logs["on_update_picked"], "R-QC-1")
        assert Decimal(refund) == Decimal(item["price"])
        stamp = schemas.format_timestamp(clock.now())
        await s.call(
            "update", refund_message("ODOP6A", "R-QC-1", "Return", refund, stamp), domain=domain
        )
        logs["update_settlement_reverse_qc"] = s.sent[-1]
        clock.advance(30)
        arrived = await s.net.client.post(f"{orders}/returns/R-QC-1/deliver", headers=key)
        assert arrived.status_code == 200, arrived.text
        (logs["on_update_delivered"],) = await s.unsolicited()
        assert await s.stock(code, sku) == stock - 1, "the returned packet is back in stock"

        logs["on_update_interim_liquidated"] = await s.call(
            "update", return_message("ODOP6A", "R-LQ-1", sku, 1, reason="001"), domain=domain
        )
        logs["update_liquidated"] = s.sent[-1]
        clock.advance(30)
        gone = await s.net.client.post(f"{orders}/returns/R-LQ-1/liquidate", headers=key)
        assert gone.status_code == 200, gone.text
        (logs["on_update_liquidated"],) = await s.unsolicited()
        refund = refund_of(logs["on_update_liquidated"], "R-LQ-1")
        stamp = schemas.format_timestamp(clock.now())
        await s.call(
            "update", refund_message("ODOP6A", "R-LQ-1", "Return", refund, stamp), domain=domain
        )
        logs["update_settlement_liquidated"] = s.sent[-1]
        assert await s.stock(code, sku) == stock - 1, "a liquidated packet is not collected"

        too_many = await s.call("update", return_message("ODOP6A", "R-3", sku, 1), domain=domain)
        assert too_many["error"]["code"] == "30005", "nothing left to return"
        final = logs["on_update_liquidated"]["message"]["order"]
        (line,) = [b for b in final["quote"]["breakup"] if b["@ondc/org/title_type"] == "item"]
        assert line["@ondc/org/item_quantity"]["count"] == 0
        detail = (await s.net.client.get(orders, headers=key)).json()
        assert Decimal(detail["settlement"]["items"]) == 0
        told = {n["event"] for n in await s.runtime.notifications.log(code)}
        assert {"order.created", "order.return_requested"} <= told
        assert check(6, logs) == []


async def test_the_department_counts_an_order_returned_once_its_goods_come_back(
    tmp_path: Path, clock: FixedClock
) -> None:
    """Not when a return is asked for, nor when the seller rejects it: once one is picked up."""
    async with shop(tmp_path, clock, f"sqlite:///{tmp_path}/flows.db") as s:
        entry, item = demo_item("Kangra", 0)
        code, sku, domain = entry["seller"]["code"], item["sku"], item["domain"]
        logs: dict[str, Any] = {}
        await _walk_order(s, entry, item, logs, count=2)
        await _deliver(s, logs)
        order_id = logs["on_confirm"]["message"]["order"]["id"]
        returns = f"/seller/v1/orders/{order_id}/returns"
        key = await s.seller_key(code)
        database = s.runtime.store.database

        async def counted_returned() -> bool:
            await s.runtime.facts.refresh()
            query = select(order_facts.c.returned).where(order_facts.c.order_pk == order_pk)
            async with database.engine.connect() as connection:
                return bool((await connection.execute(query)).scalar_one())

        async with database.engine.connect() as connection:
            order_pk = (
                await connection.execute(select(orders.c.id).where(orders.c.order_id == order_id))
            ).scalar_one()
        assert not await counted_returned()
        for return_id, seller_says in [("R-1", "reject"), ("R-2", "approve"), ("R-2", "pick")]:
            if seller_says != "pick":
                clock.advance(30)
                asked = await s.call("update", return_message(order_id, return_id, sku, 1),
                                     domain=domain)  # fmt: skip
                assert "error" not in asked, asked
                assert not await counted_returned(), "asked for, not returned"
            clock.advance(30)
            said = await s.net.client.post(f"{returns}/{return_id}/{seller_says}", headers=key)
            assert said.status_code == 200, said.text
            await s.unsolicited()
            assert await counted_returned() == (seller_says == "pick"), seller_says


async def test_every_callback_of_the_flows_verifies_with_ondcs_official_sdk(
    tmp_path: Path, clock: FixedClock
) -> None:
    """Flow 2 to delivery with track and support, then a buyer's cancel: the Authorization
    header of every callback, checked by the official SDK on the bytes the adapter sent."""
    async with shop(tmp_path, clock, f"sqlite:///{tmp_path}/flows.db") as s:
        logs: dict[str, Any] = {}
        await _to_confirm(s, "Kangra", 0, logs)
        order_id = logs["on_confirm"]["message"]["order"]["id"]
        domain = logs["confirm"]["context"]["domain"]
        await s.call("track", {"order_id": order_id}, domain=domain)
        await s.call("support", {"ref_id": order_id}, domain=domain)
        await _deliver(s, logs)
        s.new_transaction()
        cancelled: dict[str, Any] = {}
        await _to_confirm(s, "Chamba", 0, cancelled)
        await s.call(
            "cancel",
            {"order_id": cancelled["on_confirm"]["message"]["order"]["id"],
             "cancellation_reason_id": "010"},
            domain=cancelled["confirm"]["context"]["domain"],
        )  # fmt: skip
        callbacks = [(sent.headers["authorization"], sent.content) for sent in s.net.received]
        public = s.runtime.settings.signer.private_key.public_key.to_base64()
    actions = {orjson.loads(body)["context"]["action"] for _, body in callbacks}
    assert actions == {"on_search", "on_select", "on_init", "on_confirm", "on_track",
                       "on_support", "on_status", "on_cancel"}  # fmt: skip
    assert sdk_verifies(callbacks, public) == [True] * len(callbacks)
