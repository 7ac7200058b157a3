"""Pramaan's ``Discovery_Flow_incremental_catalog`` (retail 1.2.5, PRAMAAN and MANDATORY in
RET10, RET12 and RET16), played by the sandbox buyer app against a running adapter.

The buyer app subscribes to incremental refresh (``search`` with ``catalog_inc`` ``mode``
``start``, city ``*``); the seller's changes then reach it as unsolicited ``on_search``
pushes, each with a message id of its own: a stock change (``on_search_inc``), and, as
Pramaan's flow has them, the grocery store shut for the day and opened again
(``on_search_inc_close``, ``on_search_inc_open``: the location ``disable`` then ``enable``)
or, in fashion and home and decor, the item taken off sale (``on_search_inc_disable``: the
item ``disable``). The buyer app then stops the subscription (``search_inc_stop``). The
seller's steps go through the seller API; what the flow changed is put back afterwards
(stock, the item on sale), once the subscription has stopped.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Final

from adapter.sandbox.flows import FlowPlayer
from catalog_sync.transform import store_day

__all__ = ["INCREMENTAL_FLOW", "play_incremental"]

INCREMENTAL_FLOW: Final = "Discovery_Flow_incremental_catalog"

_FINDER_FEE: Final = {
    "@ondc/org/buyer_app_finder_fee_type": "percent",
    "@ondc/org/buyer_app_finder_fee_amount": "3",
}


def _subscription(mode: str) -> dict[str, Any]:
    tags = [{"code": "catalog_inc", "list": [{"code": "mode", "value": mode}]}]
    return {"message": {"intent": {"payment": dict(_FINDER_FEE), "tags": tags}}}


async def play_incremental(
    p: FlowPlayer, entry: dict[str, Any], item: dict[str, Any]
) -> dict[str, Any]:
    """Subscribe, see the seller's changes pushed, stop; the messages by step name."""
    del entry  # the seller is the player's; the changes are ``item``'s and its store's
    steps: dict[str, Any] = {}
    tx, domain, sku = str(uuid.uuid4()), item["domain"], item["sku"]
    stocked = int(item["available"])
    steps["search_inc"] = await p.send(
        "search", _subscription("start"), transaction_id=tx, domain=domain, city="*"
    )
    try:
        await p.seller_stock(sku, stocked - 1)  # one piece sold in the seller's own shop
        steps["on_search_inc"] = await p.unsolicited(tx, "on_search")
        if domain == "ONDC:RET10":
            asked = datetime.fromisoformat(steps["search_inc"]["context"]["timestamp"])
            today = store_day(asked).isoformat()
            await p.seller_json("PUT", "store/closure", {"from": today, "until": today})
            steps["on_search_inc_close"] = await p.unsolicited(tx, "on_search")
            await p.seller_json("DELETE", "store/closure", None)
            steps["on_search_inc_open"] = await p.unsolicited(tx, "on_search")
        else:
            await p.seller_json("POST", f"items/{sku}/off_sale", None)
            steps["on_search_inc_disable"] = await p.unsolicited(tx, "on_search")
        steps["search_inc_stop"] = await p.send(
            "search", _subscription("stop"), transaction_id=tx, domain=domain, city="*"
        )
    finally:
        if domain != "ONDC:RET10":
            await p.seller_json("POST", f"items/{sku}/on_sale", None)
        await p.seller_stock(sku, stocked)
    return steps
