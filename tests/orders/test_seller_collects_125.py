"""The seller app collects a prepaid order's payment (retail 1.2.5, SNP_Collecting_Payment_
Flow): on_init gives the gateway link NOT-PAID; the gateway's signed report is recorded
once, checked against the quote, and announced PAID in an unsolicited on_init; a confirm
before it is refused 30019; the settlement shows the finder fee the seller app owes."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any, Final

import httpx
import orjson
import pytest
from sqlalchemy import update

from adapter.core.clock import FixedClock
from adapter.core.orders import OrderRow
from adapter.sandbox.flowcheck_payment_125 import check_seller_collection
from adapter.sandbox.flows import confirm_message, init_message
from adapter.seller_api import payment_webhook
from adapter.seller_api.stock_webhook import (
    DELIVERY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    sign_stock_push,
)
from adapter.storage.database import Database
from adapter.storage.draft_payments import record_draft_payment
from adapter.storage.tables import orders
from tests.orders.shop import Shop, cart, demo_item, shop

_GATEWAY: Final = "https://pay.odop.example/checkout"
_SECRET: Final = "gateway-secret-of-the-demo"
_ORDER: Final = "ODOPSNP1"
_GATEWAY_SETTINGS: Final = {
    "ONDC_PAYMENT_GATEWAY_URL": _GATEWAY,
    "ONDC_PAYMENT_GATEWAY_SECRET": _SECRET,
}


async def _report(
    s: Shop, body: dict[str, Any], *, secret: str = _SECRET, delivery: str | None = None
) -> httpx.Response:
    raw = orjson.dumps(body)
    stamp = s.clock.timestamp()
    delivery = delivery or str(uuid.uuid4())
    headers = {
        TIMESTAMP_HEADER: str(stamp),
        DELIVERY_HEADER: delivery,
        SIGNATURE_HEADER: sign_stock_push(secret, stamp, delivery, raw),
        "Content-Type": "application/json",
    }
    return await s.net.client.post("/seller/v1/webhooks/payment", content=raw, headers=headers)


async def _initialised(s: Shop, *, collects: bool = True) -> tuple[dict[str, Any], str]:
    entry, item = demo_item("Kangra", 1)  # a Kangra miniature painting (RET16)
    await s.reshape(entry["seller"]["code"], seller={"collects_payment": collects})
    domain = item["domain"]
    on_select = await s.call("select", cart(entry, item, 1), domain=domain)
    return await s.call("init", init_message(on_select), domain=domain), domain


async def test_the_seller_app_collects_reports_paid_and_only_then_confirms(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url, **_GATEWAY_SETTINGS) as s:
        s.core_version = "1.2.5"
        on_init, domain = await _initialised(s)
        terms = on_init["message"]["order"]["payment"]
        total = on_init["message"]["order"]["quote"]["price"]["value"]
        assert (terms["type"], terms["collected_by"], terms["status"]) == (
            "ON-ORDER",
            "BPP",
            "NOT-PAID",
        )
        assert terms["uri"].startswith(_GATEWAY + "?transaction_id=" + s.transaction_id)
        assert terms["params"] == {"currency": "INR", "amount": total}

        early = await s.call("confirm", confirm_message(on_init, _ORDER), domain=domain)
        assert early["error"]["code"] == "30019"
        assert "not been paid" in early["error"]["message"]

        paid = {"transaction_id": s.transaction_id, "payment_id": "pay_K29QQ", "amount": total,
                "status": "captured"}  # fmt: skip
        short = await _report(s, paid | {"amount": "1.00"})
        assert short.status_code == 422
        assert "amount" in short.text
        forged = await _report(s, paid, secret="another-secret-entirely")
        assert forged.status_code == 401
        assert "ONDC_PAYMENT_GATEWAY_SECRET" in forged.text
        assert await s.unsolicited() == [], "nothing announced for a refused report"

        recorded = await _report(s, paid)
        assert recorded.status_code == 200, recorded.text
        assert recorded.json() == {"transaction_id": s.transaction_id, "status": "PAID",
                                   "recorded": True}  # fmt: skip
        (update,) = await s.unsolicited()
        assert update["context"]["action"] == "on_init"
        assert update["context"]["core_version"] == "1.2.5"
        assert update["context"]["message_id"] == on_init["context"]["message_id"]
        now_paid = update["message"]["order"]["payment"]
        assert now_paid["status"] == "PAID"
        assert now_paid["params"] == {"currency": "INR", "amount": total,
                                      "transaction_id": "pay_K29QQ"}  # fmt: skip
        assert now_paid["tags"] == [
            {"code": "bpp_collect", "list": [{"code": "success", "value": "Y"}]}
        ]
        assert update["message"]["order"]["quote"] == on_init["message"]["order"]["quote"]

        again = await _report(s, paid)  # the gateway's retry, a new delivery id
        assert again.status_code == 200
        assert again.json()["recorded"] is False
        assert await s.unsolicited() == [], "a retry is announced no second time"
        other = await _report(s, paid | {"payment_id": "pay_OTHER"})
        assert other.status_code == 409
        assert "pay_K29QQ" in other.text

        # The buyer app confirms with its own copy of the terms; the seller app's record
        # of the payment stands.
        confirm = confirm_message(update, _ORDER)
        confirm["order"]["payment"]["params"]["transaction_id"] = "buyer-app-says-so"
        on_confirm = await s.call("confirm", confirm, domain=domain)
        assert "error" not in on_confirm, on_confirm
        callbacks = [("on_init_snp", on_init), ("on_init_snp_unsolicited", update),
                     ("confirm_snp", {"context": {"action": "confirm"}, "message": confirm}),
                     ("on_confirm", on_confirm)]  # fmt: skip
        assert list(check_seller_collection(callbacks)) == []
        kept = on_confirm["message"]["order"]["payment"]
        assert (kept["status"], kept["collected_by"]) == ("PAID", "BPP")
        assert kept["params"]["transaction_id"] == "pay_K29QQ"

        entry, _ = demo_item("Kangra", 1)
        key = await s.seller_key(entry["seller"]["code"])
        seen = await s.net.client.get(f"/seller/v1/orders/{_ORDER}", headers=key)
        assert seen.json()["payment"] == {"collected_by": "BPP", "status": "PAID"}
        settled = seen.json()["settlement"]
        assert settled["collected_by"] == "BPP"
        assert (settled["collected"], settled["gateway_payment_id"]) == (total, "pay_K29QQ")
        assert settled["payable_to_buyer_app"] == settled["buyer_app_finder_fee"] != "0.00"


async def test_a_failed_payment_is_announced_not_paid_with_the_gateways_reason(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url, **_GATEWAY_SETTINGS) as s:
        s.core_version = "1.2.5"
        on_init, domain = await _initialised(s)
        total = on_init["message"]["order"]["quote"]["price"]["value"]
        failed = {"transaction_id": s.transaction_id, "payment_id": "pay_F1", "amount": total,
                  "status": "failed"}  # fmt: skip
        unexplained = await _report(s, failed)
        assert unexplained.status_code == 422
        assert "error" in unexplained.text
        told = await _report(s, failed | {"error": "card declined"})
        assert told.status_code == 200
        assert told.json()["status"] == "NOT-PAID"
        (update,) = await s.unsolicited()
        payment = update["message"]["order"]["payment"]
        assert payment["status"] == "NOT-PAID"
        assert payment["tags"][0]["list"] == [
            {"code": "success", "value": "N"},
            {"code": "error", "value": "card declined"},
        ]
        refused = await s.call("confirm", confirm_message(update, _ORDER), domain=domain)
        assert refused["error"]["code"] == "30019"


async def test_who_collects_follows_the_seller_the_gateway_and_the_buyer_apps_ask(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url, **_GATEWAY_SETTINGS) as s:
        s.core_version = "1.2.5"
        on_init, _ = await _initialised(s, collects=False)
        assert on_init["message"]["order"]["payment"]["collected_by"] == "BAP"
        s.new_transaction()
        entry, item = demo_item("Kangra", 1)
        on_select = await s.call("select", cart(entry, item, 1), domain=item["domain"])
        asked = init_message(on_select)
        asked["order"]["payment"] = {"collected_by": "BPP"}
        refused = await s.call("init", asked, domain=item["domain"])
        assert refused["error"]["code"] == "40004"
        assert "message.order.payment.collected_by BPP" in refused["error"]["message"]
        s.new_transaction()
        await s.reshape(entry["seller"]["code"], seller={"collects_payment": True})
        on_select = await s.call("select", cart(entry, item, 1), domain=item["domain"])
        keeps = init_message(on_select)
        keeps["order"]["payment"] = {"collected_by": "BAP"}
        kept = await s.call("init", keeps, domain=item["domain"])
        assert kept["message"]["order"]["payment"]["collected_by"] == "BAP"
        stranger = await _report(s, {"transaction_id": s.transaction_id, "payment_id": "p1",
                                     "amount": "1.00", "status": "captured"})  # fmt: skip
        assert stranger.status_code == 409, "the buyer app collects this one"
        nobody = await _report(s, {"transaction_id": "no-such-cart", "payment_id": "p1",
                                   "amount": "1.00", "status": "captured"})  # fmt: skip
        assert nobody.status_code == 404


async def test_without_a_gateway_the_seller_app_collects_nothing(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        s.core_version = "1.2.5"
        on_init, _ = await _initialised(s)
        assert on_init["message"]["order"]["payment"]["collected_by"] == "BAP"
        report = await _report(s, {"transaction_id": s.transaction_id, "payment_id": "p1",
                                   "amount": "1.00", "status": "captured"})  # fmt: skip
        assert report.status_code == 404


async def test_an_init_asked_again_after_the_payment_keeps_it(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url, **_GATEWAY_SETTINGS) as s:
        s.core_version = "1.2.5"
        on_init, domain = await _initialised(s)
        total = on_init["message"]["order"]["quote"]["price"]["value"]
        paid = {"transaction_id": s.transaction_id, "payment_id": "pay_AGAIN", "amount": total,
                "status": "captured"}  # fmt: skip
        assert (await _report(s, paid)).status_code == 200
        await s.unsolicited()
        entry, _ = demo_item("Kangra", 1)
        # The operator stops collecting for the seller meanwhile: the paid cart stays paid.
        await s.reshape(entry["seller"]["code"], seller={"collects_payment": False})
        on_select = {"message": {"order": on_init["message"]["order"]}}
        again = await s.call("init", init_message(on_select), domain=domain)
        kept = again["message"]["order"]["payment"]
        assert (kept["status"], kept["collected_by"]) == ("PAID", "BPP")
        assert kept["params"]["transaction_id"] == "pay_AGAIN"
        on_confirm = await s.call("confirm", confirm_message(again, _ORDER), domain=domain)
        assert on_confirm["message"]["order"]["payment"]["status"] == "PAID"


async def test_a_report_on_a_cart_changed_under_it_is_recorded_on_the_cart_as_it_now_is(
    tmp_path: Path, clock: FixedClock, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with shop(tmp_path, clock, database_url, **_GATEWAY_SETTINGS) as s:
        s.core_version = "1.2.5"
        on_init, _ = await _initialised(s)
        total = on_init["message"]["order"]["quote"]["price"]["value"]
        calls: list[bool] = []

        async def another_process_writes_first(
            database: Database, draft: OrderRow, **record: Any
        ) -> bool:
            if not calls:  # another process touches the cart just before this write
                async with database.transaction() as connection:
                    await connection.execute(
                        update(orders)
                        .where(orders.c.id == draft.pk)
                        .values(updated_at=draft.updated_at + timedelta(seconds=1))
                    )
            calls.append(await record_draft_payment(database, draft, **record))
            return calls[-1]

        monkeypatch.setattr(payment_webhook, "record_draft_payment", another_process_writes_first)
        paid = {"transaction_id": s.transaction_id, "payment_id": "pay_RACE", "amount": total,
                "status": "captured"}  # fmt: skip
        answer = await _report(s, paid)
        assert answer.status_code == 200, answer.text
        assert calls == [False, True]
        (update_,) = await s.unsolicited()
        assert update_["message"]["order"]["payment"]["status"] == "PAID"
