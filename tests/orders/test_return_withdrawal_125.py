"""A return request withdrawn (retail 1.2.5, Pramaan's Cancel_Return_Request_Flow,
WORKBENCH and MANDATORY in RET12): the buyer of a delivered Kinnauri shawl asks to return
it, the seller approves, and the buyer withdraws the request with a /cancel naming the
Return fulfilment. The order stays delivered (its on_cancel says Cancelled, as ONDC's rule
of every on_cancel wants), the return is Cancelled and shows the state it was withdrawn
from; after the pick-up it can no longer be withdrawn. The conformance gate passes the
flow, and a broken copy fails each rule it adds for it."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from adapter.core.clock import FixedClock
from adapter.sandbox.buyer_messages_125 import withdraw_return_message
from adapter.sandbox.conformance import check
from adapter.sandbox.flows import return_message
from tests.orders.shop import Shop, cart, confirm_message, demo_item, init_message, shop

_FLOW: Final = "Cancel_Return_Request_Flow"
_LEGS: Final = ("pack", "agent_assigned", "ship", "in_transit", "at_destination_hub",
                "out_for_delivery", "deliver")  # fmt: skip


async def _returning(s: Shop, order_id: str, return_id: str) -> tuple[dict[str, Any], str]:
    """A Kinnauri shawl ordered in 1.2.5, delivered to Shimla, its return asked for and
    approved: the flow's steps, and the seller's returns path."""
    s.core_version = "1.2.5"
    entry, item = demo_item("Kinnaur", 1)
    key = await s.seller_key(entry["seller"]["code"])
    steps: dict[str, Any] = {}
    domain = item["domain"]
    for action, message in [
        ("select", lambda: cart(entry, item, 1)),
        ("init", lambda: init_message(steps["on_select"])),
        ("confirm", lambda: confirm_message(steps["on_init"], order_id)),
    ]:
        answer = await s.call(action, message(), domain=domain)
        steps[action], steps[f"on_{action}"] = s.sent[-1], answer
    (steps["on_status_pending"],) = await s.timers()
    for action, told in zip(_LEGS, await s.seller_moves(key, order_id, _LEGS), strict=True):
        steps[f"on_status_{action}"] = told
    answer = await s.call(
        "update", return_message(order_id, return_id, item["sku"], 1), domain=domain
    )
    steps["update_reverse_qc"], steps["on_update_interim_reverseQc"] = s.sent[-1], answer
    returns = f"/seller/v1/orders/{order_id}/returns/{return_id}"
    approved = await s.net.client.post(f"{returns}/approve", headers=key)
    assert approved.status_code == 200, approved.text
    (steps["on_update_return_approved"],) = await s.unsolicited()
    return steps, returns


def _return_of(callback: dict[str, Any], return_id: str) -> dict[str, Any]:
    (found,) = [f for f in callback["message"]["order"]["fulfillments"] if f["id"] == return_id]
    return found


def _group(fulfillment: dict[str, Any], code: str) -> dict[str, Any]:
    (tag,) = [t for t in fulfillment["tags"] if t["code"] == code]
    return {e["code"]: e["value"] for e in tag["list"]}


async def test_an_approved_return_is_withdrawn_and_the_order_stays_delivered(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        steps, returns = await _returning(s, "ODOPWDR1", "R-1")
        domain = steps["select"]["context"]["domain"]
        quote = steps["on_update_return_approved"]["message"]["order"]["quote"]
        clock.advance(60)
        answer = await s.call("cancel", withdraw_return_message("ODOPWDR1", "R-1"), domain=domain)
        steps["cancel_return_request"], steps["on_cancel_return_request"] = s.sent[-1], answer
        assert answer["context"]["action"] == "on_cancel"
        order = answer["message"]["order"]
        assert order["state"] == "Cancelled", "ONDC's rule of every on_cancel"
        assert order["fulfillments"][0]["state"]["descriptor"]["code"] == "Order-delivered"
        withdrawn = _return_of(answer, "R-1")
        assert withdrawn["state"]["descriptor"]["code"] == "Cancelled"
        assert _group(withdrawn, "precancel_state")["fulfillment_state"] == "Return_Approved"
        assert _group(withdrawn, "cancel_request")["reason_id"] == "001"
        assert not [i for i in order["items"] if i["fulfillment_id"] == "R-1"], "nothing returns"
        assert order["quote"] == quote, "nothing was refunded"
        assert check(_FLOW, steps) == []

        again = await s.call("cancel", withdraw_return_message("ODOPWDR1", "R-1"), domain=domain)
        assert again["message"]["order"] == order, "a retried withdrawal changes nothing"
        status = await s.call("status", {"order_id": "ODOPWDR1"}, domain=domain)
        kept = status["message"]["order"]
        assert kept["state"] == "Completed", "the order itself stays delivered"
        assert _return_of(status, "R-1")["state"]["descriptor"]["code"] == "Cancelled"
        code = order["provider"]["id"]
        key = await s.seller_key(code)
        late = await s.net.client.post(f"{returns}/pick", headers=key)
        assert late.status_code == 409, "the courier has nothing to pick up"
        told = [n["event"] for n in await s.runtime.notifications.log(code)]
        assert told.count("order.return_withdrawn") == 1
        assert "order.cancelled" not in told

        for step, rule, breaks in _BROKEN:
            broken = copy.deepcopy(steps)
            breaks(broken[step]["message"]["order"])
            assert rule in {v.rule for v in check(_FLOW, broken)}, rule


async def test_a_return_picked_up_or_unknown_cannot_be_withdrawn(
    tmp_path: Path, clock: FixedClock, database_url: str
) -> None:
    async with shop(tmp_path, clock, database_url) as s:
        steps, returns = await _returning(s, "ODOPWDR2", "R-2")
        domain = steps["select"]["context"]["domain"]
        unknown = await s.call("cancel", withdraw_return_message("ODOPWDR2", "R-9"), domain=domain)
        assert unknown["error"]["code"] == "50007"
        assert "message.descriptor.short_desc" in unknown["error"]["message"]
        delivery = withdraw_return_message("ODOPWDR2", "1")
        refused = await s.call("cancel", delivery, domain=domain)
        assert refused["error"]["code"] == "50001", "naming the delivery cancels the order"

        key = await s.seller_key(steps["on_confirm"]["message"]["order"]["provider"]["id"])
        picked = await s.net.client.post(f"{returns}/pick", headers=key)
        assert picked.status_code == 200, picked.text
        await s.unsolicited()
        late = await s.call("cancel", withdraw_return_message("ODOPWDR2", "R-2"), domain=domain)
        assert late["error"]["code"] == "50001"
        assert "Return_Picked" in late["error"]["message"]


def _drop_return(order: dict[str, Any]) -> None:
    order["fulfillments"] = [f for f in order["fulfillments"] if f.get("type") != "Return"]


def _tag(code: str, entry: str, value: str) -> Callable[[dict[str, Any]], None]:
    def breaks(order: dict[str, Any]) -> None:
        (back,) = [f for f in order["fulfillments"] if f.get("type") == "Return"]
        for tag in back["tags"]:
            if tag["code"] == code:
                for item in tag["list"]:
                    if item["code"] == entry:
                        item["value"] = value

    return breaks


_BROKEN: Final[tuple[tuple[str, str, Callable[[dict[str, Any]], None]], ...]] = (
    ("on_cancel_return_request", "withdrawn_return_shown", _drop_return),
    ("on_cancel_return_request", "withdrawn_precancel_state",
     _tag("precancel_state", "fulfillment_state", "Return_Picked")),
    ("on_cancel_return_request", "withdrawn_return_cancelled",
     _tag("cancel_request", "reason_id", "002")),
    ("on_cancel_return_request", "withdrawn_delivery_kept",
     lambda o: o["fulfillments"][0].update(state={"descriptor": {"code": "Cancelled"}})),
)  # fmt: skip
"""(step, rule, how a copy of its order breaks the rule)."""
