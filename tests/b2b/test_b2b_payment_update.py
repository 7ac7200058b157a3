"""A payment the buyer app collected arrives by /update (payments, PAID) and is answered
by /on_update: its type must be the order's and its amount the order's due, to the paisa;
the letter it realises moves to paid. SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from adapter.core.clock import FixedClock
from tests.b2b.peers import b2b_body
from tests.b2b.test_b2b_purchase_order import ACCEPT, TXN, _order, _quote_like, _step
from tests.b2b.test_b2b_rfq import _quote, _rfq, _seller, oil_letter
from tests.network.peers import edge
from tests.network.test_seller_api import ADMIN

DOMAINS = {"ONDC_DOMAINS": "ONDC:RET10,ONDC:RET12"}


def _update(order_id: str, amount: str, *, kind: str = "PRE-FULFILLMENT",
            reference: str = "BAP-PAY-7") -> dict[str, Any]:  # fmt: skip
    return {
        "update_target": "payments",
        "order": {
            "id": order_id,
            "payments": [{"type": kind, "collected_by": "BAP", "status": "PAID",
                          "params": {"currency": "INR", "amount": amount,
                                     "transaction_id": reference}}],
        },
    }  # fmt: skip


async def test_a_buyer_app_payment_must_be_the_orders_due_and_moves_the_letter_to_paid(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with edge(tmp_path, clock, database_url=database_url, **DOMAINS) as net:
        await _seller(net)
        letter = oil_letter("HIM-PAY-1")
        created = await net.client.post("/admin/v1/loi/letters", json=letter, headers=ADMIN)
        assert created.status_code == 201, created.text
        quoted = (await _quote(net, clock, _rfq(clock, 120, transaction_id=TXN)))["message"][
            "order"
        ]
        await _step(net, clock, "init", _order(quoted))
        confirm = _order(quoted, id="PO-P1", quote=quoted["quote"], tags=ACCEPT)
        po = await _step(net, clock, "confirm", confirm)
        assert po["message"]["order"]["state"] == "Accepted"
        total = quoted["quote"]["price"]["value"]

        async def update(message: dict[str, Any]) -> dict[str, Any]:
            body = b2b_body("update", clock, message, transaction_id=TXN)
            return await _quote_like(net, clock, "update", body)

        short = await update(_update("PO-P1", "100.00"))
        assert short["error"]["code"] == "30000"
        assert "message.order.payments[0].params.amount" in short["error"]["message"]
        assert f"amount due is {total}" in short["error"]["message"]
        other = await update(_update("PO-P1", total, kind="POST-FULFILLMENT"))
        assert other["error"]["code"] == "40004"
        assert "payments[0].type" in other["error"]["message"]
        no_reference = _update("PO-P1", total)
        del no_reference["order"]["payments"][0]["params"]["transaction_id"]
        assert (await update(no_reference))["error"]["code"] == "50002"
        unknown = await update(_update("PO-NONE", total))
        assert unknown["error"]["code"] == "30018"
        row = await net.app.state.runtime.orders.by_order_id("PO-P1")
        assert "paid" not in row.document["_internal"]  # nothing recorded from the refusals

        paid = await update(_update("PO-P1", total))
        assert "error" not in paid, paid
        [payment] = paid["message"]["order"]["payments"]
        assert (payment["status"], payment["params"]["transaction_id"]) == ("PAID", "BAP-PAY-7")
        assert paid["context"]["action"] == "on_update"
        # As the contract's on_update_prepaid_BAP: the order without its fulfilments.
        assert set(paid["message"]["order"]) == {"id", "state", "provider", "items", "payments"}
        shown = (
            await net.client.get(f"/admin/v1/loi/letters/{created.json()['id']}", headers=ADMIN)
        ).json()
        assert shown["stage"] == "paid"
        assert shown["paid_paise"] == round(float(total) * 100)
        # Paid in full: a further payment is more than the order owes.
        again = await update(_update("PO-P1", total, reference="BAP-PAY-8"))
        assert again["error"]["code"] == "30000"
        assert "amount due is 0.00" in again["error"]["message"]


async def test_an_rfq_naming_the_buyer_app_as_collector_is_quoted_and_ordered_so(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock, **DOMAINS) as net:
        key = await _seller(net)
        body = orjson.loads(_rfq(clock, 120, transaction_id=TXN))
        body["message"]["order"]["payments"] = [{"type": "PRE-FULFILLMENT", "collected_by": "BAP"}]
        raw = orjson.dumps(body)
        quoted = (await _quote(net, clock, raw))["message"]["order"]
        assert quoted["payments"] == [{"type": "PRE-FULFILLMENT", "collected_by": "BAP"}]
        init = await _step(net, clock, "init", _order(quoted))
        assert init["message"]["order"]["payments"][0]["collected_by"] == "BAP"
        # On delivery the seller app collects, whatever the RFQ says.
        body["context"]["message_id"] = "another-rfq"
        body["message"]["order"]["payments"] = [{"type": "ON-FULFILLMENT", "collected_by": "BAP"}]
        await net.client.put(
            "/seller/v1/b2b/terms",
            json={"payment_types": ["ON-FULFILLMENT"]},
            headers=key,
        )
        raw = orjson.dumps(body)
        again = (await _quote(net, clock, raw))["message"]["order"]
        assert again["payments"] == [{"type": "ON-FULFILLMENT", "collected_by": "BPP"}]
