"""The B2B purchase order at the edge: RFQ -> quotation -> /init (proforma terms) ->
/confirm (PO accepted once, or rejected with 30019) and the letter it realises."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import delete

from adapter.core.clock import FixedClock
from adapter.storage.loi_tables import loi_movements
from tests.b2b.peers import b2b_body
from tests.b2b.test_b2b_rfq import GSTIN, _quote, _rfq, _seller, oil_letter
from tests.network.peers import Edge, edge, signed
from tests.network.test_seller_api import ADMIN
from tests.orders.shop import moved_first, noted, same_write

TXN = "b2b-txn-0001"


def _billing(gstin: str = GSTIN) -> dict[str, Any]:
    return {"name": "Alpine Foods", "address": "Mall Road, Shimla 171001", "tax_id": gstin,
            "phone": "9800000001"}  # fmt: skip


def _order(quoted: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "provider": quoted["provider"],
        "items": [{"id": i["id"], "quantity": i["quantity"]} for i in quoted["items"]],
        "billing": _billing(),
        "payments": [{"type": quoted["payments"][0]["type"]}],
        **extra,
    }


async def _step(net: Edge, clock: FixedClock, action: str, order: dict[str, Any]) -> dict[str, Any]:
    body = b2b_body(action, clock, {"order": order}, transaction_id=TXN)
    return await _quote_like(net, clock, action, body)


async def _quote_like(net: Edge, clock: FixedClock, action: str, body: bytes) -> dict[str, Any]:
    response = await net.post(action, body, signed(body, clock))
    assert response.status_code == 200, response.text
    before = len(net.received)
    assert await net.dispatch() == 1
    callback = net.received[before]
    assert str(callback.url).endswith(f"/on_{action}")
    sent: dict[str, Any] = orjson.loads(callback.content)
    return sent


ACCEPT = [{"descriptor": {"code": "bap_terms"},
           "list": [{"descriptor": {"code": "accept_bpp_terms"}, "value": "Y"}]}]  # fmt: skip


async def _quoted(net: Edge, clock: FixedClock) -> dict[str, Any]:
    await _seller(net)
    quoted = await _quote(net, clock, _rfq(clock, 120, transaction_id=TXN))
    order: dict[str, Any] = quoted["message"]["order"]
    return order


async def test_rfq_to_purchase_order_accepted_once_and_the_letter_moves(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock, ONDC_DOMAINS="ONDC:RET10,ONDC:RET12") as net:
        quoted = await _quoted(net, clock)
        letter = oil_letter("HIM-PO-1")
        created = await net.client.post("/admin/v1/loi/letters", json=letter, headers=ADMIN)
        assert created.status_code == 201
        init = await _step(net, clock, "init", _order(quoted))
        assert "error" not in init, init
        terms = {tag["descriptor"]["code"]: tag for tag in init["message"]["order"]["tags"]}
        assert {e["descriptor"]["code"] for e in terms["bpp_terms"]["list"]} == {
            "max_liability", "max_liability_cap", "mandatory_arbitration", "court_jurisdiction",
            "delay_interest",
        }  # fmt: skip
        assert init["message"]["order"]["quote"] == quoted["quote"]
        po = _order(quoted, id="PO-7", quote=quoted["quote"], tags=ACCEPT)
        first = await _step(net, clock, "confirm", po)
        assert first["message"]["order"]["state"] == "Accepted", first
        assert first["message"]["order"]["id"] == "PO-7"
        assert first["message"]["order"]["payments"][0]["status"] == "NOT-PAID"
        # As if the process died after the order's commit and before the letter's record:
        # the repeated PO (or the outbox's rebuilt answer) records it.
        database = net.app.state.runtime.store.database
        async with database.transaction() as connection:
            await connection.execute(
                delete(loi_movements).where(loi_movements.c.stage == "ordered")
            )
        again = await _step(net, clock, "confirm", po)
        assert again["message"]["order"] == first["message"]["order"]
        orders = await net.app.state.runtime.orders.by_transaction(TXN)
        assert (orders.stage, orders.order_id) == ("confirmed", "PO-7")
        shown = (
            await net.client.get(f"/admin/v1/loi/letters/{created.json()['id']}", headers=ADMIN)
        ).json()
        assert shown["stage"] == "po_placed"
        assert shown["ordered_paise"] == round(float(quoted["quote"]["price"]["value"]) * 100)


async def test_po_without_accepting_the_sellers_terms_is_rejected_30019(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock, ONDC_DOMAINS="ONDC:RET10,ONDC:RET12") as net:
        quoted = await _quoted(net, clock)
        assert "error" not in await _step(net, clock, "init", _order(quoted))
        refused = await _step(net, clock, "confirm", _order(quoted, id="PO-8",
                                                             quote=quoted["quote"]))  # fmt: skip
        assert refused["error"]["code"] == "30019"
        assert "accept_bpp_terms" in refused["error"]["message"]
        # As the contract's rejected PO: the order, Cancelled, its delivery still Pending.
        rejected = refused["message"]["order"]
        assert (rejected["id"], rejected["state"]) == ("PO-8", "Cancelled")
        assert rejected["fulfillments"][0]["state"]["descriptor"]["code"] == "Pending"
        cheaper = dict(quoted["quote"], price={"currency": "INR", "value": "1.00"})
        refused = await _step(net, clock, "confirm", _order(quoted, id="PO-8", quote=cheaper,
                                                             tags=ACCEPT))  # fmt: skip
        assert refused["error"]["code"] == "30019"
        draft = await net.app.state.runtime.orders.by_transaction(TXN)
        assert draft.stage == "initialized"


async def test_init_checks_the_buyers_gstin_and_the_quoted_lines(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock, ONDC_DOMAINS="ONDC:RET10,ONDC:RET12") as net:
        quoted = await _quoted(net, clock)
        wrong = await _step(
            net, clock, "init", {**_order(quoted), "billing": _billing("NOTAGSTIN")}
        )
        assert wrong["error"]["code"] == "50005"
        other = await _step(net, clock, "init",
                            {**_order(quoted), "billing": _billing("02ZZZZZ9999Z1Z5")})  # fmt: skip
        assert other["error"]["code"] == "50005"
        assert GSTIN in other["error"]["message"]
        more = _order(quoted)
        more["items"] = [{"id": "odopkinnaur01", "quantity": {"selected": {"count": 121}}}]
        changed = await _step(net, clock, "init", more)
        assert changed["error"]["code"] == "40008"


async def test_staged_split_deliveries_and_payment_move_the_order_and_the_letter(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock, ONDC_DOMAINS="ONDC:RET10,ONDC:RET12") as net:
        quoted = await _quoted(net, clock)
        key = await net.client.post("/admin/v1/sellers/odopkinnaur/keys", json={}, headers=ADMIN)
        seller = {"Authorization": f"Bearer {key.json()['api_key']}"}
        letter = oil_letter("HIM-PO-2")
        letter_id = (
            await net.client.post("/admin/v1/loi/letters", json=letter, headers=ADMIN)
        ).json()["id"]
        await _step(net, clock, "init", _order(quoted))
        await _step(net, clock, "confirm", _order(quoted, id="PO-9", quote=quoted["quote"],
                                                  tags=ACCEPT))  # fmt: skip
        base = "/seller/v1/b2b/orders/PO-9"
        before = len(net.received)
        proof = {"proof_images": ["https://odop.example/pickup/PO-9.jpg"]}
        for stage in ("Packed", "Order-picked-up", "Out-for-delivery"):
            body = {"stage": stage, **(proof if stage == "Order-picked-up" else {})}
            moved = await net.client.post(f"{base}/stage", json=body, headers=seller)
            assert moved.status_code == 200, moved.text
        first = await net.client.post(
            f"{base}/deliveries", json={"items": [{"sku": "odopkinnaur01", "count": 50}]},
            headers=seller,
        )  # fmt: skip
        assert first.json()["state"] == "In-progress", first.text
        too_many = await net.client.post(
            f"{base}/deliveries", json={"items": [{"sku": "odopkinnaur01", "count": 71}]},
            headers=seller,
        )  # fmt: skip
        assert too_many.status_code == 409
        rest = await net.client.post(f"{base}/deliveries", json={}, headers=seller)
        assert rest.json()["state"] == "Completed", rest.text
        total = quoted["quote"]["price"]["value"]
        paid = await net.client.post(
            f"{base}/payments", json={"amount": total, "reference": "UTR-1"}, headers=seller
        )
        assert paid.json()["order"]["payments"][0]["status"] == "PAID", paid.text
        await net.dispatch()
        sent = [orjson.loads(r.content) for r in net.received[before:]]
        assert [s["context"]["action"] for s in sent] == ["on_status"] * 6
        assert {s["context"]["version"] for s in sent} == {"2.0.2"}
        assert len({s["context"]["message_id"] for s in sent}) == 6
        codes = [s["message"]["order"]["fulfillments"][0]["state"]["descriptor"]["code"]
                 for s in sent]  # fmt: skip
        assert codes == ["Packed", "Order-picked-up", "Out-for-delivery", "Out-for-delivery",
                         "Order-delivered", "Order-delivered"]  # fmt: skip
        split = sent[3]["message"]["order"]["fulfillments"][-1]["tags"][0]
        assert split["descriptor"]["code"] == "ITEM_DETAILS"
        # The goods leave from the seller's location: picked up when, with proof.
        start = sent[1]["message"]["order"]["fulfillments"][0]["stops"][0]
        assert (start["type"], start["location"]["id"]) == ("start", "odopkinnaurhq")
        assert start["time"]["timestamp"] == sent[1]["context"]["timestamp"]
        assert start["instructions"]["images"] == proof["proof_images"]
        assert "timestamp" not in sent[0]["message"]["order"]["fulfillments"][0]["stops"][0]["time"]
        shown = (await net.client.get(f"/admin/v1/loi/letters/{letter_id}", headers=ADMIN)).json()
        assert shown["stage"] == "paid"
        ordered = round(float(total) * 100)
        assert (shown["ordered_paise"], shown["paid_paise"]) == (ordered, ordered)
        assert shown["delivered_paise"] == ordered  # the second delivery completes the value
        status = await _quote_like(
            net,
            clock,
            "status",
            b2b_body("status", clock, {"order_id": "PO-9"}, transaction_id=TXN),
        )
        assert status["message"]["order"]["state"] == "Completed"


async def _accepted(net: Edge, clock: FixedClock, order_id: str) -> dict[str, Any]:
    quoted = await _quoted(net, clock)
    await _step(net, clock, "init", _order(quoted))
    po = await _step(net, clock, "confirm",
                     _order(quoted, id=order_id, quote=quoted["quote"], tags=ACCEPT))  # fmt: skip
    assert po["message"]["order"]["state"] == "Accepted"
    return quoted


async def test_buyer_cancels_before_dispatch_and_the_stock_comes_back(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock, ONDC_DOMAINS="ONDC:RET10,ONDC:RET12") as net:
        await _accepted(net, clock, "PO-C1")
        bad = await _quote_like(net, clock, "cancel", b2b_body(
            "cancel", clock, {"order_id": "PO-C1", "cancellation_reason_id": "777"},
            transaction_id=TXN))  # fmt: skip
        assert bad["error"]["code"] == "30012"
        body = b2b_body("cancel", clock, {"order_id": "PO-C1", "cancellation_reason_id": "003"},
                        transaction_id=TXN)  # fmt: skip
        cancelled = await _quote_like(net, clock, "cancel", body)
        order = cancelled["message"]["order"]
        assert order["state"] == "Cancelled"
        assert order["cancellation"] == {"cancelled_by": "buyer.example", "reason": {"id": "003"}}
        assert order["fulfillments"][0]["state"]["descriptor"]["code"] == "Cancelled"
        # Every charge refunded, the total 0, each line naming the order's payment.
        lines = [
            (b["@ondc/org/title_type"], b["price"]["value"]) for b in order["quote"]["breakup"]
        ]
        charges = [value for kind, value in lines if kind != "refund"]
        refunds = [value for kind, value in lines if kind == "refund"]
        assert len(refunds) == len(charges)
        assert order["quote"]["price"]["value"] == "0.00"
        assert sum(map(Decimal, charges)) + sum(map(Decimal, refunds)) == 0
        assert {i["payment_ids"][0] for i in order["items"]} == {order["payments"][0]["id"]}
        items = await net.app.state.runtime.catalogue.items_of("odopkinnaur")
        [oil] = [item for item, _ in items if item.sku == "odopkinnaur01"]
        assert oil.available == 1000  # the 120 taken by the PO are back


def _cancel_body(clock: FixedClock, order_id: str) -> bytes:
    return b2b_body("cancel", clock, {"order_id": order_id, "cancellation_reason_id": "003"},
                    transaction_id=TXN)  # fmt: skip


async def test_a_b2b_cancel_built_twice_at_once_is_answered_both_times(
    tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The same cancel built twice at once (its job claimed again after a lapsed lease): the
    # build that writes second finds the order moved by the first. It is built again from
    # the cancelled order and answered as a retried cancel, instead of its job being
    # parked unanswered ("could not build the callback").
    met = moved_first(monkeypatch, "b2b_cancel", same_write)
    async with edge(tmp_path, clock, ONDC_DOMAINS="ONDC:RET10,ONDC:RET12") as net:
        await _accepted(net, clock, "PO-C4")
        cancelled = await _quote_like(net, clock, "cancel", _cancel_body(clock, "PO-C4"))
        assert met == ["PO-C4"]
        assert "error" not in cancelled, cancelled
        assert cancelled["message"]["order"]["state"] == "Cancelled"
        items = await net.app.state.runtime.catalogue.items_of("odopkinnaur")
        [oil] = [item for item, _ in items if item.sku == "odopkinnaur01"]
        assert oil.available == 1000  # given back once


async def test_a_cancel_whose_order_moves_under_three_builds_is_tried_again_later(
    tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An order that another writer moves before each of the cancel's writes is a hot
    # order, not a race: three builds at once, then the job waits a backoff (its error
    # recorded) and is built again; once the order stops moving, the cancel is answered.
    async with edge(tmp_path, clock, ONDC_DOMAINS="ONDC:RET10,ONDC:RET12") as net:
        await _accepted(net, clock, "PO-C5")
        met = moved_first(monkeypatch, "b2b_cancel", noted(clock), times=3)
        body = _cancel_body(clock, "PO-C5")
        assert (await net.post("cancel", body, signed(body, clock))).status_code == 200
        before = len(net.received)
        await net.dispatch()
        assert met == ["PO-C5"] * 3
        assert len(net.received) == before
        outbox = net.app.state.runtime.outbox
        [waiting] = await outbox.jobs(status="pending")
        [tried] = await outbox.attempts(waiting["id"])
        assert "changed meanwhile" in tried["error"]
        clock.advance(10)
        await net.dispatch()
        [answer] = [orjson.loads(r.content) for r in net.received[before:]]
        assert answer["context"]["action"] == "on_cancel"
        assert answer["message"]["order"]["state"] == "Cancelled"


async def test_no_cancel_after_pick_up_and_the_seller_cancels_with_a_reason(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock, ONDC_DOMAINS="ONDC:RET10,ONDC:RET12") as net:
        await _accepted(net, clock, "PO-C2")
        key = await net.client.post("/admin/v1/sellers/odopkinnaur/keys", json={}, headers=ADMIN)
        seller = {"Authorization": f"Bearer {key.json()['api_key']}"}
        base = "/seller/v1/b2b/orders/PO-C2"
        refused = await net.client.post(f"{base}/cancel", json={"reason": "777"}, headers=seller)
        assert refused.status_code == 409
        before = len(net.received)
        done = await net.client.post(f"{base}/cancel", json={"reason": "002"}, headers=seller)
        assert done.json()["state"] == "Cancelled", done.text
        await net.dispatch()
        [told] = [orjson.loads(r.content) for r in net.received[before:]]
        assert told["context"]["action"] == "on_cancel"
        assert told["message"]["order"]["cancellation"]["reason"] == {"id": "002"}
        again = await net.client.post(f"{base}/stage", json={"stage": "Packed"}, headers=seller)
        assert again.status_code == 409


async def test_buyer_cannot_cancel_once_the_goods_have_left(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock, ONDC_DOMAINS="ONDC:RET10,ONDC:RET12") as net:
        await _accepted(net, clock, "PO-C3")
        key = await net.client.post("/admin/v1/sellers/odopkinnaur/keys", json={}, headers=ADMIN)
        seller = {"Authorization": f"Bearer {key.json()['api_key']}"}
        picked = await net.client.post(
            "/seller/v1/b2b/orders/PO-C3/stage", json={"stage": "Order-picked-up"}, headers=seller
        )
        assert picked.status_code == 200
        assert await net.dispatch() == 1  # its on_status
        body = b2b_body("cancel", clock, {"order_id": "PO-C3", "cancellation_reason_id": "003"},
                        transaction_id=TXN)  # fmt: skip
        refused = await _quote_like(net, clock, "cancel", body)
        assert refused["error"]["code"] == "50001"


async def test_a_b2b_order_is_read_and_moved_only_through_the_b2b_routes(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock, ONDC_DOMAINS="ONDC:RET10,ONDC:RET12") as net:
        await _accepted(net, clock, "PO-R1")
        key = await net.client.post("/admin/v1/sellers/odopkinnaur/keys", json={}, headers=ADMIN)
        seller = {"Authorization": f"Bearer {key.json()['api_key']}"}
        retail = await net.client.post("/seller/v1/orders/PO-R1/pack", headers=seller)
        assert retail.status_code == 409
        assert "/seller/v1/b2b/orders" in retail.json()["detail"]
        shown = await net.client.get("/seller/v1/b2b/orders/PO-R1", headers=seller)
        assert shown.json()["order"]["state"] == "Accepted", shown.text


async def test_a_payment_the_buyer_app_collected_arrives_by_update(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock, ONDC_DOMAINS="ONDC:RET10,ONDC:RET12") as net:
        quoted = await _accepted(net, clock, "PO-U1")
        total = quoted["quote"]["price"]["value"]
        update = {
            "update_target": "payments",
            "order": {
                "id": "PO-U1",
                "payments": [{"type": "PRE-FULFILLMENT", "collected_by": "BAP", "status": "PAID",
                              "params": {"currency": "INR", "amount": total,
                                         "transaction_id": "BAP-PAY-1"}}],
            },
        }  # fmt: skip
        for _ in range(2):  # a retried update (new message id) records the payment once
            body = b2b_body("update", clock, update, transaction_id=TXN)
            answered = await _quote_like(net, clock, "update", body)
            assert answered["message"]["update_target"] == "payments"
            assert answered["message"]["order"]["payments"][0]["status"] == "PAID", answered
        row = await net.app.state.runtime.orders.by_order_id("PO-U1")
        assert row.document["_internal"]["paid"] == total
        wrong = dict(update, update_target="items")
        wrong_body = b2b_body("update", clock, wrong, transaction_id=TXN)
        refused = await _quote_like(net, clock, "update", wrong_body)
        assert refused["error"]["code"] == "50002"


async def test_proforma_and_tax_invoices_are_pdfs_at_signed_urls(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock, ONDC_DOMAINS="ONDC:RET10,ONDC:RET12") as net:
        quoted = await _quoted(net, clock)
        await _step(net, clock, "init", _order(quoted))
        purchase = _order(quoted, id="PO-D1", quote=quoted["quote"], tags=ACCEPT)
        po = await _step(net, clock, "confirm", purchase)
        assert "documents" not in po["message"]["order"]  # B2B sends them in on_status
        key = await net.client.post("/admin/v1/sellers/odopkinnaur/keys", json={}, headers=ADMIN)
        seller = {"Authorization": f"Bearer {key.json()['api_key']}"}
        packed = await net.client.post(
            "/seller/v1/b2b/orders/PO-D1/stage", json={"stage": "Packed"}, headers=seller
        )
        [proforma] = packed.json()["order"]["documents"]
        assert proforma["label"] == "PROFORMA_INVOICE"
        path = proforma["url"].removeprefix("http://seller.odop.example")
        fetched = await net.client.get(path)
        assert fetched.status_code == 200
        assert fetched.headers["content-type"] == "application/pdf"
        assert fetched.content.startswith(b"%PDF")
        forged = path[:-4] + ("0000" if not path.endswith("0000") else "1111")
        assert (await net.client.get(forged)).status_code == 404
        other = path.replace("/PO-D1/", "/PO-D2/")
        assert (await net.client.get(other)).status_code == 404
        picked = await net.client.post(
            "/seller/v1/b2b/orders/PO-D1/stage", json={"stage": "Order-picked-up"}, headers=seller
        )
        labels = {d["label"]: d["url"] for d in picked.json()["order"]["documents"]}
        assert set(labels) == {"PROFORMA_INVOICE", "INVOICE"}
        invoice = await net.client.get(labels["INVOICE"].removeprefix("http://seller.odop.example"))
        assert invoice.content.startswith(b"%PDF")
