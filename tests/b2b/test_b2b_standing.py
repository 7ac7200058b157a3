"""A letter of intent as a standing price agreement, on SQLite and PostgreSQL: its agreed
price covers the quantity its purchase orders have not taken yet, and a seller-led RFQ (a
``/select`` naming no items, ONDC B2B 2.0.2 ``select_seller_led_journey``) is quoted what
the letter has left, with the buyer's long window, re-quoted in the same transaction."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from adapter.core.clock import FixedClock
from tests.b2b.peers import b2b_body
from tests.b2b.test_b2b_purchase_order import ACCEPT, _order, _quote_like
from tests.b2b.test_b2b_rfq import GSTIN, OIL, _lines, _quote, _rfq, _seller
from tests.network.peers import Edge, edge
from tests.network.test_seller_api import ADMIN

DOMAINS = {"ONDC_DOMAINS": "ONDC:RET10,ONDC:RET12"}


async def _letter(net: Edge, quantity: int) -> int:
    """A letter of this buyer for ``quantity`` tins of chulli oil at Rs 300 on credit."""
    letter = {
        "reference": "HIM-2026-011", "buyer_name": "Alpine Foods (demo)",
        "buyer_gstin": GSTIN, "buyer_app_id": "buyer.example", "district": "Kinnaur",
        "product": "Chulli oil (wild apricot kernel)", "value": str(quantity * 300),
        "payment_type": "POST-FULFILLMENT", "signed_on": "2026-11-15",
        "items": [{"seller_code": "odopkinnaur", "sku": OIL, "quantity": quantity,
                   "unit_price": "300"}],
    }  # fmt: skip
    created = await net.client.post("/admin/v1/loi/letters", json=letter, headers=ADMIN)
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


async def _purchase(
    net: Edge, clock: FixedClock, txn: str, quoted: dict[str, Any], po: str
) -> None:
    """The quotation turned into a purchase order the seller accepts."""
    for action, order in (
        ("init", _order(quoted)),
        ("confirm", _order(quoted, id=po, quote=quoted["quote"], tags=ACCEPT)),
    ):
        body = b2b_body(action, clock, {"order": order}, transaction_id=txn)
        answer = await _quote_like(net, clock, action, body)
        assert "error" not in answer, answer
    assert answer["message"]["order"]["state"] == "Accepted"


def _seller_led(clock: FixedClock, txn: str, *, gstin: str = GSTIN) -> bytes:
    """The contract's seller-led RFQ: the provider with a six-month window, the delivery,
    the payment and the buyer's GSTIN, and no items."""
    rfq = orjson.loads(_rfq(clock, 1, gstin=gstin, transaction_id=txn))
    order = rfq["message"]["order"]
    del order["items"]
    order["provider"]["ttl"] = "P6M"
    order["payments"] = [{"type": "POST-FULFILLMENT"}]
    return b2b_body("select", clock, {"order": order}, transaction_id=txn, ttl="P6M")


async def test_the_letters_price_covers_what_its_purchase_orders_left(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with edge(tmp_path, clock, database_url=database_url, **DOMAINS) as net:
        await _seller(net)
        letter_id = await _letter(net, 150)
        first = await _quote(net, clock, _rfq(clock, 120, transaction_id="loi-t1"))
        assert _lines(first["message"]["order"]["quote"])["item"] == "36000.00"  # 120 x Rs 300
        await _purchase(net, clock, "loi-t1", first["message"]["order"], "PO-L1")
        shown = (await net.client.get(f"/admin/v1/loi/letters/{letter_id}", headers=ADMIN)).json()
        assert [(i["sku"], i["quantity"], i["ordered"]) for i in shown["items"]] == [
            (OIL, 150, 120)
        ]
        # 30 left at the agreed price: 120 more are the seller's slab price (Rs 350 from 100
        # up) and the seller's payment terms, not the letter's credit.
        more = await _quote(net, clock, _rfq(clock, 120, transaction_id="loi-t2"))
        order = more["message"]["order"]
        assert _lines(order["quote"])["item"] == "42000.00"
        assert order["payments"][0]["type"] == "PRE-FULFILLMENT"
        rest = await _quote(net, clock, _rfq(clock, 30, transaction_id="loi-t3"))
        assert _lines(rest["message"]["order"]["quote"])["item"] == "9000.00"  # 30 x Rs 300
        assert rest["message"]["order"]["payments"][0]["type"] == "POST-FULFILLMENT"


async def test_a_rejected_or_cancelled_po_gives_the_letters_quantity_back(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with edge(tmp_path, clock, database_url=database_url, **DOMAINS) as net:
        await _seller(net)
        letter_id = await _letter(net, 150)
        first = await _quote(net, clock, _rfq(clock, 120, transaction_id="loi-c1"))
        await _purchase(net, clock, "loi-c1", first["message"]["order"], "PO-C1")
        cancel = b2b_body("cancel", clock, {"order_id": "PO-C1", "cancellation_reason_id": "001"},
                          transaction_id="loi-c1")  # fmt: skip
        cancelled = await _quote_like(net, clock, "cancel", cancel)
        assert cancelled["message"]["order"]["state"] == "Cancelled"
        shown = (await net.client.get(f"/admin/v1/loi/letters/{letter_id}", headers=ADMIN)).json()
        assert shown["items"][0]["ordered"] == 0
        again = await _quote(net, clock, _rfq(clock, 120, transaction_id="loi-c2"))
        assert _lines(again["message"]["order"]["quote"])["item"] == "36000.00"


async def test_a_seller_led_rfq_is_quoted_the_letters_standing_lines_and_requoted(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with edge(tmp_path, clock, database_url=database_url, **DOMAINS) as net:
        await _seller(net)
        letter_id = await _letter(net, 400)
        done = await _quote(net, clock, _rfq(clock, 100, transaction_id="lead-0"))
        await _purchase(net, clock, "lead-0", done["message"]["order"], "PO-S0")
        # The standing quotation: what the letter has left (300), at its price and terms,
        # valid for the buyer's six months.
        standing = await _quote(net, clock, _seller_led(clock, "lead-1"))
        assert "error" not in standing, standing["error"]
        order = standing["message"]["order"]
        assert [(i["id"], i["quantity"]["selected"]["count"]) for i in order["items"]] == [
            (OIL, 300)
        ]
        assert _lines(order["quote"])["item"] == "90000.00"  # 300 x Rs 300
        assert order["quote"]["ttl"] == "P6M"
        assert order["payments"][0]["type"] == "POST-FULFILLMENT"
        # Re-quoted later in the same transaction: the new quotation replaces the earlier
        # one on the letter, which counts one quote, not two.
        clock.advance(seconds=86_400 * 30)
        again = await _quote(net, clock, _seller_led(clock, "lead-1"))
        assert again["message"]["order"]["quote"]["price"] == order["quote"]["price"]
        shown = (await net.client.get(f"/admin/v1/loi/letters/{letter_id}", headers=ADMIN)).json()
        assert shown["quoted_paise"] == (
            round(float(done["message"]["order"]["quote"]["price"]["value"]) * 100)
            + round(float(order["quote"]["price"]["value"]) * 100)
        )
        # The standing quotation becomes the purchase order; nothing is left after it.
        await _purchase(net, clock, "lead-1", again["message"]["order"], "PO-S1")
        empty = await _quote(net, clock, _seller_led(clock, "lead-2"))
        assert empty["error"]["code"] == "30000"
        assert "message.order.items" in empty["error"]["message"]


async def test_a_seller_led_rfq_from_a_buyer_without_a_letter_is_refused_naming_the_items(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with edge(tmp_path, clock, database_url=database_url, **DOMAINS) as net:
        await _seller(net)
        await _letter(net, 400)
        other = await _quote(net, clock, _seller_led(clock, "lead-x", gstin="02ZZZZZ9999Z1Z5"))
        assert other["error"]["code"] == "30000"
        assert "a letter of intent with" in other["error"]["message"]
