"""A B2B order's step and its letter's movement are not lost apart, on SQLite and
PostgreSQL: a seller's step and the movement it records are one transaction (a desk that
fails takes the step back with it), and a buyer's cancel or payment retried after a crash
between the order's change and the letter's record records the movement then."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, text
from sqlalchemy.exc import DBAPIError

from adapter.core.clock import FixedClock
from adapter.storage.loi_tables import loi_movements
from tests.b2b.peers import b2b_body
from tests.b2b.test_b2b_purchase_order import _quote_like
from tests.b2b.test_b2b_rfq import _quote, _rfq, _seller
from tests.b2b.test_b2b_standing import DOMAINS, _letter, _purchase
from tests.network.peers import Edge, edge
from tests.network.test_seller_api import ADMIN

TXN = "loi-together-1"

_FAIL_SQLITE = (
    "CREATE TRIGGER desk_down BEFORE INSERT ON loi_movements "
    "BEGIN SELECT RAISE(ABORT, 'the desk is down'); END",
)
_FAIL_POSTGRES = (
    "CREATE FUNCTION desk_down() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'the desk is down'; END $$",
    "CREATE TRIGGER desk_down BEFORE INSERT ON loi_movements "
    "FOR EACH ROW EXECUTE FUNCTION desk_down()",
)


async def _ordered(
    net: Edge, clock: FixedClock, po: str
) -> tuple[int, dict[str, Any], dict[str, str]]:
    """A letter of this buyer and a PO realising it, accepted: the letter's id, the order
    and the seller's key."""
    key = await _seller(net)
    letter_id = await _letter(net, 150)
    quoted = (await _quote(net, clock, _rfq(clock, 120, transaction_id=TXN)))["message"]["order"]
    await _purchase(net, clock, TXN, quoted, po)
    return letter_id, quoted, key


async def _ask(
    net: Edge, clock: FixedClock, action: str, message: dict[str, Any]
) -> dict[str, Any]:
    return await _quote_like(net, clock, action, b2b_body(action, clock, message,
                                                          transaction_id=TXN))  # fmt: skip


async def _shown(net: Edge, letter_id: int) -> dict[str, Any]:
    shown: dict[str, Any] = (
        await net.client.get(f"/admin/v1/loi/letters/{letter_id}", headers=ADMIN)
    ).json()
    return shown


async def _lose(net: Edge, stage: str) -> None:
    """The letter's movement of ``stage`` gone, as if the process died before writing it."""
    database = net.app.state.runtime.store.database
    async with database.transaction() as connection:
        await connection.execute(delete(loi_movements).where(loi_movements.c.stage == stage))


async def test_a_sellers_delivery_and_its_letters_movement_are_one_transaction(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with edge(tmp_path, clock, database_url=database_url, **DOMAINS) as net:
        letter_id, quoted, key = await _ordered(net, clock, "PO-T1")
        runtime = net.app.state.runtime
        database = runtime.store.database
        failing = _FAIL_POSTGRES if database_url.startswith("postgresql") else _FAIL_SQLITE
        async with database.transaction() as connection:
            for statement in failing:
                await connection.execute(text(statement))
        await net.dispatch()
        # The desk cannot be written: the delivery is taken back with its on_status.
        with pytest.raises(DBAPIError, match="the desk is down"):
            await runtime.b2b_steps.deliver("PO-T1", "odopkinnaur", None)
        order = await runtime.orders.by_transaction(TXN)
        assert (order.state, order.fulfillment_state) == ("Accepted", "Pending")
        assert await net.dispatch() == 0
        assert (await _shown(net, letter_id))["delivered_paise"] == 0
        async with database.transaction() as connection:
            await connection.execute(text("DROP TRIGGER desk_down ON loi_movements")
                                     if database_url.startswith("postgresql")
                                     else text("DROP TRIGGER desk_down"))  # fmt: skip
        # The seller tries again: the order, its on_status and the letter move together.
        done = await net.client.post("/seller/v1/b2b/orders/PO-T1/deliveries", json={},
                                     headers=key)  # fmt: skip
        assert done.status_code == 200, done.text
        assert done.json()["state"] == "Completed"
        assert await net.dispatch() == 1
        shown = await _shown(net, letter_id)
        assert shown["stage"] == "delivered"
        assert shown["delivered_paise"] == round(float(quoted["quote"]["price"]["value"]) * 100)


async def test_a_cancel_retried_after_its_movement_was_lost_counts_the_order_out(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with edge(tmp_path, clock, database_url=database_url, **DOMAINS) as net:
        letter_id, _, _ = await _ordered(net, clock, "PO-T2")
        cancel = {"order_id": "PO-T2", "cancellation_reason_id": "001"}
        first = await _ask(net, clock, "cancel", cancel)
        assert first["message"]["order"]["state"] == "Cancelled"
        await _lose(net, "cancelled")
        assert (await _shown(net, letter_id))["stage"] == "po_placed"  # the crash's damage
        again = await _ask(net, clock, "cancel", cancel)
        assert again["message"]["order"] == first["message"]["order"]
        shown = await _shown(net, letter_id)
        assert (shown["stage"], shown["ordered_paise"]) == ("signed", 0)
        assert shown["items"][0]["ordered"] == 0
        assert sum(m["stage"] == "cancelled" for m in shown["movements"]) == 1


async def test_a_payment_update_retried_after_its_movement_was_lost_records_it_once(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with edge(tmp_path, clock, database_url=database_url, **DOMAINS) as net:
        key = await _seller(net)
        terms = {"payment_types": ["PRE-FULFILLMENT", "POST-FULFILLMENT"]}
        assert (await net.client.put("/seller/v1/b2b/terms", json=terms, headers=key)).is_success
        letter_id = await _letter(net, 150)
        rfq = _rfq(clock, 120, transaction_id=TXN, payment="PRE-FULFILLMENT")
        asked = rfq.replace(b'"type":"PRE-FULFILLMENT"',
                            b'"type":"PRE-FULFILLMENT","collected_by":"BAP"')  # fmt: skip
        quoted = (await _quote(net, clock, asked))["message"]["order"]
        await _purchase(net, clock, TXN, quoted, "PO-T3")
        total = quoted["quote"]["price"]["value"]
        paid = {"currency": "INR", "amount": total, "transaction_id": "UTR-77"}
        payment = {**quoted["payments"][0], "status": "PAID", "params": paid}
        update = {"update_target": "payments",
                  "order": {"id": "PO-T3", "provider": quoted["provider"],
                            "items": [{"id": i["id"], "quantity": i["quantity"]}
                                      for i in quoted["items"]],
                            "payments": [payment]}}  # fmt: skip
        first = await _ask(net, clock, "update", update)
        assert first["message"]["order"]["payments"][0]["status"] == "PAID", first
        await _lose(net, "paid")
        assert (await _shown(net, letter_id))["paid_paise"] == 0  # the crash's damage
        for _ in range(2):
            await _ask(net, clock, "update", update)
        shown = await _shown(net, letter_id)
        assert shown["paid_paise"] == round(float(total) * 100)
        assert shown["stage"] == "paid"
        assert sum(m["stage"] == "paid" for m in shown["movements"]) == 1
