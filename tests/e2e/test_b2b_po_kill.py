"""A SIGKILL between a purchase order's acceptance and its on_confirm loses nothing: the
order and its callback were written together, so the restarted process sends the
on_confirm (Accepted) and the PO is still one order that took its stock once. Real
processes, real HTTP: the adapter is ``ondc-seller serve``, the buyer app a loopback
server that takes the on_confirm's connection and never answers while the adapter dies."""

from __future__ import annotations

import sqlite3
import uuid
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

import schemas
from adapter.core.clock import FixedClock, SystemClock
from adapter.sandbox.servers import LoopbackServer
from tests.b2b.test_b2b_purchase_order import ACCEPT, _order
from tests.b2b.test_b2b_rfq import OIL, _rfq
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
    tmp_path: Path,
) -> None:
    # Short leases: the restarted process takes the killed one's job over within seconds.
    async with network(
        tmp_path, ONDC_JOB_LEASE_SECONDS="3", ONDC_DOMAINS="ONDC:RET10,ONDC:RET12"
    ) as net:
        base = net.adapter.url.removesuffix("/ondc")
        async with httpx.AsyncClient(base_url=base, timeout=10.0) as http:
            await _seller(http)
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
        orders = _orders(tmp_path)
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
        assert [o["order_id"] for o in _orders(tmp_path)] == ["PO-K1"]
        assert _available(tmp_path) == 1000 - 120


def _orders(tmp_path: Path) -> list[dict[str, Any]]:
    with closing(sqlite3.connect(tmp_path / "adapter.db")) as db:
        db.row_factory = sqlite3.Row
        rows = db.execute("SELECT order_id, state FROM orders WHERE stage = 'confirmed'")
        return [dict(row) for row in rows]


def _available(tmp_path: Path) -> int:
    with closing(sqlite3.connect(tmp_path / "adapter.db")) as db:
        [(available,)] = db.execute("SELECT available FROM items WHERE sku = ?", (OIL,))
        return int(available)
