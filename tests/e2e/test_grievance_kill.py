"""A SIGKILL between a buyer app's acceptance of a refund (or a replacement) and its
delivery loses neither the issue's RESOLVED answer nor the order's on_update: both were
written in the same transaction as the issue's new state, and the restarted process sends
them."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from adapter.catalog.importer import import_catalogue
from adapter.core.clock import SystemClock
from adapter.sandbox.flows import FlowPlayer
from adapter.sandbox.grievances import GrievancePlayer
from adapter.sandbox.servers import LoopbackServer
from adapter.storage import Database
from adapter.storage.catalog import CatalogStore
from tests.e2e.network import network
from tests.fixtures import REPO_ROOT
from tests.outbound.hostile import HostilePeer

pytestmark = [pytest.mark.e2e]
ADMIN = {"Authorization": "Bearer admin-key-for-tests-0123456789"}
CATALOGUE = REPO_ROOT / "config" / "demo" / "odop-catalogue.json"


@pytest.mark.parametrize("resolution", ["REFUND", "REPLACEMENT"])
async def test_a_sigkill_after_an_accepted_resolution_loses_neither_answer_nor_on_update(
    tmp_path: Path, resolution: str
) -> None:
    # Short leases: the restarted process takes the killed one's jobs over within seconds.
    async with network(tmp_path, ONDC_JOB_LEASE_SECONDS="3") as net:
        database = Database.connect(f"sqlite:///{tmp_path}/adapter.db")
        try:
            raw = CATALOGUE.read_bytes()
            report = await import_catalogue(raw, CatalogStore(database), now=SystemClock().now())
            assert not report.problems
        finally:
            await database.dispose()
        entry = next(s for s in orjson.loads(raw)["sellers"] if s["seller"]["district"] == "Kullu")
        item = entry["items"][0]
        base = net.adapter.url.removesuffix("/ondc")
        async with httpx.AsyncClient(base_url=base, timeout=10.0) as http:
            made = await http.post(
                f"/admin/v1/sellers/{entry['seller']['code']}/keys", json={}, headers=ADMIN
            )
            key = {"Authorization": f"Bearer {made.json()['api_key']}"}

            async def act(order_id: str, action: str, body: Any) -> httpx.Response:
                return await http.post(
                    f"/seller/v1/orders/{order_id}/{action}", json=body, headers=key
                )

            async def desk(issue_id: str, step: str, body: Any) -> httpx.Response:
                listed = (await http.get("/seller/v1/issues", headers=key)).json()
                pk = next(i["id"] for i in listed if i["issue_id"] == issue_id)
                return await http.post(f"/seller/v1/issues/{pk}/{step}", json=body, headers=key)

            async def no_stock(sku: str, count: int) -> None:
                raise AssertionError("not used")

            common: dict[str, Any] = {
                "buyer": net.buyer,
                "http": net.http,
                "adapter_url": net.adapter.url,
                "seller_uri": net.adapter.url,
                "buyer_url": net.buyer_server.url,
                "seller_id": "seller.odop.example",
            }
            player = FlowPlayer(**common, seller_act=act, seller_stock=no_stock)
            player.buyer_near(entry)
            logs: dict[str, Any] = {}
            tx = str(uuid.uuid4())
            order_id = await player.order(logs, entry, item, transaction_id=tx)
            await player.deliver(logs, order_id, tx)
            order = logs["on_status_delivered"]["message"]["order"]

            buyer = GrievancePlayer(
                **common, seller_desk=desk, city=f"std:{entry['location']['std_code']}"
            )
            issue = buyer._opened(order, item["domain"])
            await buyer.call(
                "issue", {"issue": issue}, tx=tx, domain=item["domain"], version="1.2.0"
            )
            await buyer.seller(
                issue["id"],
                "propose",
                {
                    "resolutions": [
                        {
                            "code": "REFUND",
                            "short_desc": "Full refund",
                            "refund_amount": item["price"],
                        }
                        if resolution == "REFUND"
                        else {"code": "REPLACEMENT", "short_desc": "A new piece"}
                    ]
                },
            )
            issue = (await buyer.unsolicited(tx, "on_issue"))["message"]["issue"]
            accepted = buyer._add(issue, "RESOLUTION_ACCEPTED", ref=issue["resolutions"][-1]["id"])

            # The buyer app takes the callback's connection and never answers: the adapter
            # holds the job when it is killed.
            await net.buyer_server.stop()
            async with HostilePeer("hang", port=net.buyer_server.port).running() as hang:
                # The buyer app waits five minutes for the answer: a restart on a loaded
                # machine can take longer than the usual 30 s ttl, after which the answer
                # is rightly dropped (the on_update, unasked, is kept for hours anyway).
                sent = await buyer._request(
                    "issue",
                    {"issue": accepted},
                    tx=tx,
                    domain=item["domain"],
                    version="1.2.0",
                    ttl="PT5M",
                )
                await hang.wait_for_requests(1, 15.0)
                net.adapter.kill()
            # The buyer app is back (a new server on its address) and so is the adapter.
            back = LoopbackServer(net.buyer.app(), net.buyer_server.port)
            await back.start()
            try:
                await net.adapter.start()
                await _both_arrive(buyer, sent, tx, issue["id"], resolution)
            finally:
                await back.stop()


async def _both_arrive(
    buyer: GrievancePlayer, sent: dict[str, Any], tx: str, issue_id: str, resolution: str
) -> None:
    """The killed process's RESOLVED answer and the resolution's on_update reach the
    buyer: a refund liquidated, or a replacement's return approved with its new delivery."""
    [resolved] = await buyer.buyer.wait_for(sent["context"]["message_id"], seconds=90.0)
    assert resolved.signer == "seller.odop.example"
    assert resolved.payload["message"]["issue"]["status"] == "RESOLVED"
    update = await buyer.unsolicited(tx, "on_update")
    returned = [f for f in update["message"]["order"]["fulfillments"] if f["type"] == "Return"]
    tags = {g["code"]: g["list"] for g in returned[0]["tags"]}
    assert tags["igm_request"] == [{"code": "id", "value": issue_id}]
    if resolution == "REFUND":
        assert returned[0]["state"]["descriptor"]["code"] == "Liquidated"
        return
    assert returned[0]["state"]["descriptor"]["code"] == "Return_Approved"
    [(_, new_id)] = [(t["code"], t["value"]) for t in tags["replace_request"]]
    [new] = [f for f in update["message"]["order"]["fulfillments"] if f["id"] == new_id]
    assert (new["type"], new["state"]["descriptor"]["code"]) == ("Delivery", "Pending")
