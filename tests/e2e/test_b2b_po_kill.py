"""A SIGKILL between a purchase order's acceptance and its on_confirm loses nothing: the
order and its callback were written together, so the restarted process sends the
on_confirm (Accepted), the PO is still one order that took its stock once, and the letter
of intent it realises shows it placed, once. Real
processes, real HTTP: the adapter is ``ondc-seller serve``, the buyer app a loopback
server that takes the on_confirm's connection and never answers while the adapter dies."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy import select

import schemas
from adapter.core.clock import FixedClock, SystemClock
from adapter.sandbox.servers import LoopbackServer
from adapter.storage import Database
from adapter.storage.tables import items, orders
from tests.b2b.test_b2b_purchase_order import ACCEPT, _order
from tests.b2b.test_b2b_rfq import GSTIN, OIL, _rfq
from tests.e2e.network import Network, network
from tests.network.test_seller_api import _entry
from tests.outbound.hostile import HostilePeer

pytestmark = [pytest.mark.e2e]
ADMIN = {"Authorization": "Bearer admin-key-for-tests-0123456789"}


async def _seller(http: httpx.AsyncClient) -> None:
    """The Kinnaur seller with its chulli oil, a B2B price list and terms."""
    entry = _entry("Kinnaur")
    code = entry["seller"]["code"]
    made = await http.put(
        f"/admin/v1/sellers/{code}",
        json={"seller": entry["seller"], "location": entry["location"]},
        headers=ADMIN,
    )
    assert made.status_code == 200, made.text
    issued = await http.post(f"/admin/v1/sellers/{code}/keys", json={}, headers=ADMIN)
    key = {"Authorization": f"Bearer {issued.json()['api_key']}"}
    item = dict(entry["items"][0]) | {"available": 1000, "maximum": 99}
    assert (await http.put(f"/seller/v1/items/{OIL}", json=item, headers=key)).is_success
    slabs = {"slabs": [{"min_quantity": 1, "unit_price": "350"}], "tax_rate": "5"}
    assert (await http.put(f"/seller/v1/b2b/items/{OIL}", json=slabs, headers=key)).is_success
    terms = {"payment_types": ["PRE-FULFILLMENT", "POST-FULFILLMENT"]}
    assert (await http.put("/seller/v1/b2b/terms", json=terms, headers=key)).is_success


async def _letter(http: httpx.AsyncClient) -> int:
    """The buyer's letter of intent for the oil the PO orders."""
    letter = {
        "reference": "HIM-KILL-1", "buyer_name": "Alpine Foods (demo)", "buyer_gstin": GSTIN,
        "district": "Kinnaur", "product": "Chulli oil (wild apricot kernel)", "value": "42000",
        "signed_on": "2026-11-15",
        "items": [{"seller_code": "odopkinnaur", "sku": OIL, "quantity": 120,
                   "unit_price": "350"}],
    }  # fmt: skip
    created = await http.post("/admin/v1/loi/letters", json=letter, headers=ADMIN)
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


def _request(
    net: Network, action: str, message: dict[str, Any], txn: str, ttl: str = "PT30S"
) -> dict[str, Any]:
    """A B2B 2.0.2 request from the loopback buyer app to the adapter process."""
    return {
        "context": {
            "domain": "ONDC:RET10",
            "location": {"city": {"code": "std:0177"}, "country": {"code": "IND"}},
            "action": action,
            "version": "2.0.2",
            "bap_id": net.buyer.subscriber_id,
            "bap_uri": net.buyer_server.url,
            "bpp_id": "seller.odop.example",
            "bpp_uri": net.adapter.url,
            "transaction_id": txn,
            "message_id": str(uuid.uuid4()),
            "timestamp": schemas.format_timestamp(SystemClock().now()),
            "ttl": ttl,
        },
        "message": message,
    }


async def _ask(net: Network, action: str, message: dict[str, Any], txn: str) -> dict[str, Any]:
    sent = _request(net, action, message, txn)
    acked = await net.send(action, sent)
    assert acked.status_code == 200, acked.text
    [answer] = await net.buyer.wait_for(sent["context"]["message_id"], seconds=30.0)
    assert "error" not in answer.payload, answer.payload
    payload: dict[str, Any] = answer.payload
    return payload


async def test_a_sigkill_after_the_po_is_accepted_loses_neither_order_nor_on_confirm(
    tmp_path: Path, database_url: str
) -> None:
    # Short leases: the restarted process takes the killed one's job over within seconds.
    async with network(
        tmp_path,
        ONDC_JOB_LEASE_SECONDS="3",
        ONDC_DOMAINS="ONDC:RET10,ONDC:RET12",
        DATABASE_URL=database_url,
    ) as net:
        base = net.adapter.url.removesuffix("/ondc")
        async with httpx.AsyncClient(base_url=base, timeout=10.0) as http:
            await _seller(http)
            letter_id = await _letter(http)
        txn = str(uuid.uuid4())
        rfq = orjson.loads(_rfq(FixedClock(SystemClock().now()), 120))["message"]
        quoted = (await _ask(net, "select", rfq, txn))["message"]["order"]
        await _ask(net, "init", {"order": _order(quoted)}, txn)
        po = _order(quoted, id="PO-K1", quote=quoted["quote"], tags=ACCEPT)

        # The buyer app takes the on_confirm's connection and never answers: the adapter
        # has accepted the PO (the on_confirm is built from the committed order) and holds
        # the job when it is killed.
        await net.buyer_server.stop()
        async with HostilePeer("hang", port=net.buyer_server.port).running() as hang:
            # A ttl of 90 s: the restarted process must answer within it, and a process
            # starts in 20 to 40 s on a loaded test machine (a callback past its ttl is
            # parked unsent, by design).
            confirm = _request(net, "confirm", {"order": po}, txn, ttl="PT90S")
            assert (await net.send("confirm", confirm)).status_code == 200
            await hang.wait_for_requests(1, 20.0)
            net.adapter.kill()
        orders = await _orders(database_url)
        assert [(o["order_id"], o["state"]) for o in orders] == [("PO-K1", "Accepted")]

        back = LoopbackServer(net.buyer.app(), net.buyer_server.port)
        await back.start()
        try:
            await net.adapter.start()
            [answer] = await net.buyer.wait_for(confirm["context"]["message_id"], seconds=40.0)
        finally:
            await back.stop()
        assert answer.signer == "seller.odop.example"
        assert answer.payload["message"]["order"]["id"] == "PO-K1"
        assert answer.payload["message"]["order"]["state"] == "Accepted"
        assert [o["order_id"] for o in await _orders(database_url)] == ["PO-K1"]
        assert await _available(database_url) == 1000 - 120
        async with httpx.AsyncClient(base_url=base, timeout=10.0) as http:
            shown = (await http.get(f"/admin/v1/loi/letters/{letter_id}", headers=ADMIN)).json()
        assert shown["stage"] == "po_placed"
        total = answer.payload["message"]["order"]["quote"]["price"]["value"]
        assert shown["ordered_paise"] == round(float(total) * 100)
        assert [m["stage"] for m in shown["movements"]].count("ordered") == 1
        assert shown["items"][0]["ordered"] == 120


async def _orders(database_url: str) -> list[dict[str, Any]]:
    database = Database.connect(database_url)
    try:
        async with database.engine.connect() as connection:
            rows = await connection.execute(
                select(orders.c.order_id, orders.c.state).where(orders.c.stage == "confirmed")
            )
            return [dict(row._mapping) for row in rows]
    finally:
        await database.dispose()


async def _available(database_url: str) -> int:
    database = Database.connect(database_url)
    try:
        async with database.engine.connect() as connection:
            found = await connection.execute(select(items.c.available).where(items.c.sku == OIL))
            return int(found.scalar_one())
    finally:
        await database.dispose()
