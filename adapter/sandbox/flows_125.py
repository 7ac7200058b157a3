"""Retail 1.2.5 flows of Pramaan, played by the sandbox buyer app against a running adapter
over real HTTP, the seller's steps taken through the seller API.

Pramaan (ONDC's certification buyer) runs, per domain, the flows its flow catalogue tags
PRAMAAN or MANDATORY (ONDC-Official/automation-specifications, ``draft-RET1x-1.2.5``,
``config/flows/index.yaml``). :data:`PLAYED` names those the demo plays for each domain;
:data:`NOT_PLAYED` those it does not, with the reason. A played flow is the list of messages
in the order they were sent, under the step names of Pramaan's flow (``select``,
``on_status_agent_assigned`` ...); :func:`write_steps` writes it as ``NN_<step>.json``, the
layout of the automation framework's flow folders, which the conformance gate reads back
(:func:`adapter.sandbox.conformance.check_folder`).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

import orjson

import schemas
from adapter.core.orders import parse_duration
from adapter.sandbox.buyer_messages_125 import (
    INSTRUCTIONS,
    NEW_ADDRESS,
    delivery_update_message,
    force_cancel_message,
    withdraw_return_message,
)
from adapter.sandbox.flowcheck_125 import TIMED_CALLBACKS
from adapter.sandbox.flows import (
    FlowPlayer,
    delivery_legs,
    delivery_routing,
    refund_message,
    refund_of,
    return_message,
    shipping_papers,
)
from adapter.sandbox.flows_buyer_delivery_125 import BUYER_DELIVERY_FLOWS
from adapter.sandbox.flows_inc_125 import INCREMENTAL_FLOW, play_incremental
from adapter.sandbox.flows_payment_125 import PAYMENT_FLOWS
from adapter.sandbox.flows_pickup_cash_125 import EXTRA_FLOWS
from adapter.sandbox.flows_slots_125 import SLOT_FLOW, SLOT_FLOWS
from adapter.sandbox.flows_text_125 import TEXT_FLOW, customisable, order_with_text

__all__ = [
    "NOT_PLAYED",
    "OWN_GOODS",
    "PLAYED",
    "Pramaan125",
    "TimingFigures",
    "timing_of",
    "write_steps",
]

PLAYED: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "ONDC:RET10": ("Discovery_Flow_full_catalog", INCREMENTAL_FLOW,
                       "Delivery_Flow", "Cancellation_Flow",
                       "Out_Of_Stock_Flow", "Return_Flow", "RTO_And_Part_Cancellation_Flow",
                       "Replacement_Flow", "Forced_Cancellation_Flow",
                       "Buyer_Instructions_And_Delivery_Update_Flow",
                       "Out_Of_Stock_Flow_Error-code_", "Self_Pickup_Flow",
                       "Multi_Option_Fulfillment_Flow", "Cash_On_Delivery_Flow", SLOT_FLOW,
                       "Buyer_Delivery_Flow"),
        "ONDC:RET12": ("Discovery_Flow_full_catalog", INCREMENTAL_FLOW,
                       "Delivery_Flow", "Buyer_Cancellation_Flow",
                       "Out_Of_Stock_Flow", "Return_Flow", "Seller_Cred_Flow",
                       "Seller_Cancellation_Flow", "Replacement_Flow",
                       "Force_Cancellation_Flow", "Buyer_Instructions_And_Delivery_Update_Flow",
                       "Out_Of_Stock_Flow_Error-code_", "Cash_On_Delivery_Flow",
                       "Cancel_Return_Request_Flow"),
        "ONDC:RET16": ("Discovery_Flow_full_catalog", INCREMENTAL_FLOW,
                       "Delivery_Flow", "Buyer_Cancellation_Flow",
                       "Out_Of_Stock_Flow", "Return_Flow", "Seller_Cancellation_Flow",
                       "Replacement_Flow", "Force_Cancellation_Flow",
                       "Out_Of_Stock_Flow_Error-code_", TEXT_FLOW,
                       "SNP_Collecting_Payment_Flow", "Purchase_Finance_Flow"),
    }
)  # fmt: skip
"""Domain -> the PRAMAAN or MANDATORY 1.2.5 flows the demo plays (RET16's Return_Flow has no
tag upstream; it is played as the return flow of the other two domains). The
customisation input text flow (:data:`OWN_GOODS`) is played with goods of its own."""

OWN_GOODS: Final[Mapping[str, tuple[str, int]]] = MappingProxyType({TEXT_FLOW: ("Chamba", 0)})
"""Flows the demo plays with other goods than the domain's (district and item of the demo
catalogue): a name embroidered on a Chamba rumal."""

NOT_PLAYED: Final[Mapping[str, str]] = MappingProxyType(
    {
        "Delivery_Flow_With_IGM": "IGM flows come with the IGM families",
    }
)
"""PRAMAAN or MANDATORY flows (by flow id, IGM variants under one name) the demo does not
play, and why."""

_ASK_TTL: Final = "PT2S"
"""How long the demo's buyer app gives the seller to answer a cancel it asks before it
forces one (Pramaan's example gives PT10S; the demo keeps its own runs short)."""

_DOOR_CODE: Final = "4826"
"""The code the demo's seller sets on a delivery the buyer authorises at the door."""

_OUT_OF_STOCK_CODE: Final = "Out_Of_Stock_Flow_Error-code_"
"""Pramaan's ``Out_Of_Stock_Flow(Error-code)``, under the folder name ONDC's framework
gives it."""

_PART_CANCEL_THEN_RTO: Final = frozenset(
    {"Seller_Cancellation_Flow", "RTO_And_Part_Cancellation_Flow"}
)


def write_steps(folder: Path, steps: Mapping[str, Any]) -> list[Path]:
    """Write one flow's messages, in order, as ``NN_<step>.json`` (pretty-printed UTF-8
    JSON); returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for number, (key, body) in enumerate(steps.items(), start=1):
        path = folder / f"{number:02d}_{key}.json"
        path.write_bytes(orjson.dumps(body, option=orjson.OPT_INDENT_2) + b"\n")
        written.append(path)
    return written


@dataclass(frozen=True, slots=True)
class TimingFigures:
    """The worst timing of a flow's timed callbacks (on_select, on_init, on_confirm):
    stamped how long after their request, and arrived how long after it (Pramaan wants the
    stamp within 5 s and the arrival inside the request's ttl)."""

    callbacks: int
    worst_stamp: timedelta
    worst_arrival: timedelta


@dataclass
class Pramaan125:
    """Pramaan's 1.2.5 flows, played by ``player`` (whose version is 1.2.5)."""

    player: FlowPlayer

    async def play(
        self, flow_id: str, entry: dict[str, Any], item: dict[str, Any]
    ) -> dict[str, Any]:
        """Play ``flow_id`` for ``item``; its messages by step name, in the order sent."""
        steps: dict[str, Any] = {}
        p = self.player
        tx = str(uuid.uuid4())
        domain = item["domain"]
        if flow_id == "Discovery_Flow_full_catalog":
            logs: dict[str, Any] = {}
            await p.search(logs, domain, provider=entry["seller"]["code"])
            steps["search"] = logs["search_full_catalog_refresh"]
            steps["on_search"] = logs["on_search_full_catalog_refresh"]
            return steps
        if flow_id in ("Out_Of_Stock_Flow", _OUT_OF_STOCK_CODE):
            # The error-code flow is the refusal alone and its cart is abandoned: with none
            # left it holds nothing (one left would stay held for the hold window, and the
            # next run's "one left" flows would find none).
            await p.seller_stock(item["sku"], 0 if flow_id == _OUT_OF_STOCK_CODE else 1)
            try:
                steps["select_out_of_stock"], steps["on_select_out_of_stock"] = await p.call(
                    "select", p.cart_for(entry, item, 2), transaction_id=tx, domain=domain
                )
                if flow_id == _OUT_OF_STOCK_CODE:
                    # The flow is the refusal itself: 40002, the item and what is left.
                    code = steps["on_select_out_of_stock"].get("error", {}).get("code")
                    if code != "40002":
                        raise RuntimeError(f"on_select_out_of_stock error {code}, not 40002")
                    return steps
                order_id = await p.order(steps, entry, item, transaction_id=tx)
                await self._deliver(steps, order_id, tx)
            finally:
                await p.seller_stock(item["sku"], int(item["available"]))
            return steps
        if flow_id == INCREMENTAL_FLOW:
            return await play_incremental(p, entry, item)
        if flow_id in EXTRA_FLOWS:
            return await EXTRA_FLOWS[flow_id](p, entry, item)
        if flow_id in SLOT_FLOWS:
            return await SLOT_FLOWS[flow_id](p, entry, item)
        if flow_id in BUYER_DELIVERY_FLOWS:
            return await BUYER_DELIVERY_FLOWS[flow_id](p, entry, item)
        if flow_id in PAYMENT_FLOWS:
            return await PAYMENT_FLOWS[flow_id](p, entry, item)
        if flow_id == TEXT_FLOW:
            async with customisable(p, item):
                order_id = await order_with_text(p, steps, entry, item, tx)
                await self._deliver(steps, order_id, tx)
            return steps
        part_cancel = flow_id in _PART_CANCEL_THEN_RTO
        count = 2 if part_cancel else 1  # a part cancel leaves a piece to deliver
        order_id = await p.order(steps, entry, item, transaction_id=tx, count=count)
        if part_cancel:
            await self._part_cancel_then_rto(steps, order_id, item["sku"], tx, domain)
        elif flow_id == "Seller_Cred_Flow":
            steps["confirm_seller_cred"] = steps.pop("confirm")
            steps["on_confirm_seller_cred"] = steps.pop("on_confirm")
            steps["on_status_pending"] = steps.pop("on_status_pending")
        elif flow_id in ("Cancellation_Flow", "Buyer_Cancellation_Flow"):
            steps["cancel"], steps["on_cancel"] = await p.call(
                "cancel",
                # 010 with a descriptor: the one buyer reason both of the log-validation-
                # utility's 1.2.5 reason lists hold, and its cancel schema wants the
                # descriptor (Pramaan's own example sends 051 without one).
                {
                    "order_id": order_id,
                    "cancellation_reason_id": "010",
                    "descriptor": {
                        "name": "Buyer wants to modify address / other order details",
                        "short_desc": "010",
                    },
                },
                transaction_id=tx,
                domain=domain,
            )
        elif flow_id == "Delivery_Flow":
            await self._deliver(steps, order_id, tx, track=True)
        elif flow_id == "Return_Flow":
            await self._deliver(steps, order_id, tx)
            await self._return(steps, order_id, item["sku"], tx, domain)
        elif flow_id == "Cancel_Return_Request_Flow":
            await self._deliver(steps, order_id, tx)
            return_id = await self._return(steps, order_id, item["sku"], tx, domain, withdraw=True)
            steps["cancel_return_request"], steps["on_cancel_return_request"] = await p.call(
                "cancel", withdraw_return_message(order_id, return_id), transaction_id=tx,
                domain=domain,
            )  # fmt: skip
        elif flow_id in ("Forced_Cancellation_Flow", "Force_Cancellation_Flow"):
            await self._deliver(steps, order_id, tx, until="out_for_delivery")
            if "on_status_out_for_delivery" in steps:  # P2P stops at the pick-up: on the road
                steps["on_status_out_for_delivery_force"] = steps.pop("on_status_out_for_delivery")
            await self._force_cancel(steps, order_id, tx, domain, flow_id)
        elif flow_id == "Buyer_Instructions_And_Delivery_Update_Flow":
            for name, end in (("buyer_instructions", INSTRUCTIONS),
                              ("delivery_address", NEW_ADDRESS)):  # fmt: skip
                steps[f"update_{name}"], steps[f"on_update_{name}"] = await p.call(
                    "update", delivery_update_message(order_id, end), transaction_id=tx,
                    domain=domain,
                )  # fmt: skip
            await self._deliver(steps, order_id, tx, auth=True)
        elif flow_id == "Replacement_Flow":
            await self._deliver(steps, order_id, tx)
            await self._replace(steps, order_id, item["sku"], tx, domain)
        else:
            raise ValueError(f"{flow_id} is not a flow the demo plays")
        return steps

    async def _part_cancel_then_rto(
        self, steps: dict[str, Any], order_id: str, sku: str, tx: str, domain: str
    ) -> None:
        """The seller cannot supply one piece (a part cancel, its refund settled by the
        buyer app); the rest ships, the delivery fails at the door and the goods return to
        the seller."""
        p = self.player
        cut = {"items": [{"sku": sku, "quantity": 1}], "reason": "002"}
        moved = await p.seller_act(order_id, "part_cancel", cut)
        if moved.status_code != 200:
            raise RuntimeError(f"seller part_cancel: {moved.status_code} {moved.text}")
        steps["on_update_part_cancel"] = on_update = await p.unsolicited(tx, "on_update")
        cancel = next(
            f for f in on_update["message"]["order"]["fulfillments"] if f.get("type") == "Cancel"
        )
        refund = refund_of(on_update, cancel["id"])
        when = on_update["context"]["timestamp"]
        (
            steps["update_settlement_part_cancel"],
            steps["on_update_settlement_part_cancel"],
        ) = await p.call(
            "update",
            refund_message(order_id, cancel["id"], "Cancel", refund, when),
            transaction_id=tx,
            domain=domain,
        )
        await self._deliver(steps, order_id, tx, until="out_for_delivery")
        failed = await p.seller_act(order_id, "rto", {"reason": "013"})
        if failed.status_code != 200:
            raise RuntimeError(f"seller rto: {failed.status_code} {failed.text}")
        steps["on_cancel_rto"] = await p.unsolicited(tx, "on_cancel")
        back = await p.seller_act(order_id, "rto_delivered", None)
        if back.status_code != 200:
            raise RuntimeError(f"seller rto_delivered: {back.status_code} {back.text}")
        steps["on_status_rto_delivered"] = await p.unsolicited(tx, "on_status")

    async def _deliver(
        self,
        steps: dict[str, Any],
        order_id: str,
        tx: str,
        *,
        track: bool = False,
        until: str = "deliver",
        auth: bool = False,
    ) -> None:
        """The seller's (and its courier's) steps to delivery (or to ``until``): the hub
        legs when the order travels P2H2P; a track after pick-up when asked; with ``auth``,
        a code set on the delivery after pick-up (``on_update_delivery_auth``) and given
        at the door."""
        p = self.player
        # P2H2P goes through the hubs and out for delivery; P2P (within the city) has no
        # out-for-delivery state (ONDC retail 1.2.5 routing): picked up, then delivered.
        intercity = _routing(steps) == "P2H2P"
        legs = delivery_legs("P2H2P" if intercity else "P2P")
        if until not in {action for action, _ in legs}:
            until = "ship"  # the last leg before the door: P2P's is the pick-up
        for action, key in legs:
            sent: dict[str, Any] | None = shipping_papers(order_id) if action == "ship" else None
            if action == "deliver" and "on_update_delivery_auth" in steps:
                sent = {"delivery_code": _DOOR_CODE}  # the buyer gives it at the door
            steps[key] = await p.seller_step(order_id, action, tx, sent)
            if auth and action == "ship":
                await self._seller_json(order_id, "delivery_auth", {"code": _DOOR_CODE})
                steps["on_update_delivery_auth"] = await p.unsolicited(tx, "on_update")
            if track and action == "ship":
                steps["track"], steps["on_track"] = await p.call(
                    "track", {"order_id": order_id}, transaction_id=tx, domain=_domain(steps)
                )
            if action == until:
                return

    async def _seller_json(self, order_id: str, path: str, body: dict[str, Any]) -> None:
        """One seller API action on the order with a JSON body."""
        moved = await self.player.seller_act(order_id, path, body)
        if moved.status_code != 200:
            raise RuntimeError(f"seller {path}: {moved.status_code} {moved.text}")

    async def _seller(self, order_id: str, path: str) -> None:
        """One seller API action on the order (``pack``, ``returns/R-1/approve`` ...)."""
        moved = await self.player.seller_act(order_id, path, None)
        if moved.status_code != 200:
            raise RuntimeError(f"seller {path}: {moved.status_code} {moved.text}")

    async def _return(
        self,
        steps: dict[str, Any],
        order_id: str,
        sku: str,
        tx: str,
        domain: str,
        *,
        withdraw: bool = False,
    ) -> str:
        """The buyer returns the piece; the seller approves, has it picked and received
        (only approves, when the buyer is to ``withdraw`` the request). Its return id."""
        p = self.player
        return_id = f"R-{uuid.uuid4().hex[:8]}"

        steps["update_reverse_qc"], steps["on_update_interim_reverseQc"] = await p.call(
            "update", return_message(order_id, return_id, sku, 1), transaction_id=tx, domain=domain
        )
        await self._seller(order_id, f"returns/{return_id}/approve")
        steps["on_update_return_approved"] = await p.unsolicited(tx, "on_update")
        if withdraw:
            return return_id
        await self._seller(order_id, f"returns/{return_id}/pick")
        steps["on_update_return_picked"] = await p.unsolicited(tx, "on_update")
        refund = refund_of(steps["on_update_return_picked"], return_id)
        when = steps["on_update_return_picked"]["context"]["timestamp"]
        (
            steps["update_reverse_qc_settlement"],
            steps["on_update_reverse_qc_settlement"],
        ) = await p.call(
            "update",
            refund_message(order_id, return_id, "Return", refund, when),
            transaction_id=tx,
            domain=domain,
        )
        await self._seller(order_id, f"returns/{return_id}/deliver")
        steps["on_update_return_delivered"] = await p.unsolicited(tx, "on_update")
        return return_id

    async def _force_cancel(
        self, steps: dict[str, Any], order_id: str, tx: str, domain: str, flow_id: str
    ) -> None:
        """The order is late and out for delivery: the buyer app asks to cancel (``force``
        no; the seller may refuse: it is not late by the order's TAT yet), then insists
        (``force`` yes), and settles the buyer's refund for the cancelled goods."""
        p = self.player

        ask = force_cancel_message(order_id, force=False, ttl_response=_ASK_TTL)
        steps["cancel_no"], steps["on_cancel_no"] = await p.call(
            "cancel", ask, transaction_id=tx, domain=domain
        )
        # The seller lets its time to answer the ask lapse; only then may the buyer insist.
        await asyncio.sleep(parse_duration(_ASK_TTL).total_seconds() + 0.2)
        answer = "on_cancel_force" if flow_id == "Forced_Cancellation_Flow" else "on_cancel_yes"
        steps["cancel_yes"], steps[answer] = await p.call(
            "cancel", force_cancel_message(order_id, force=True), transaction_id=tx, domain=domain
        )
        order = steps[answer]["message"]["order"]
        if order.get("state") != "Cancelled":
            raise RuntimeError(f"forced cancel not taken: {steps[answer].get('error')}")
        refund = order["quote"]["price"]["value"]
        when = steps[answer]["context"]["timestamp"]
        steps["update_settlement_cancel"], steps["on_update_settlement_cancel"] = await p.call(
            "update",
            refund_message(order_id, "C1", "Cancel", refund, when),
            transaction_id=tx,
            domain=domain,
        )

    async def _replace(
        self, steps: dict[str, Any], order_id: str, sku: str, tx: str, domain: str
    ) -> None:
        """The buyer wants the piece replaced: reverse QC, approval, pick-up (the
        replacement leaves Pending with it, nobody is refunded) and arrival back; then the
        seller delivers the replacement as the order went: the hub legs and out for
        delivery when it travels P2H2P, picked up then delivered when P2P."""
        p = self.player
        return_id = f"R-{uuid.uuid4().hex[:8]}"

        asked = return_message(order_id, return_id, sku, 1, replace=True)
        steps["update_reverse_qc_rep"], steps["on_update_interim_reverseQc"] = await p.call(
            "update", asked, transaction_id=tx, domain=domain
        )
        for action, key in (("approve", "on_update_return_approved"),
                            ("pick", "on_update_return_picked_rep"),
                            ("deliver", "on_update_return_delivered_rep")):  # fmt: skip
            await self._seller(order_id, f"returns/{return_id}/{action}")
            steps[key] = await p.unsolicited(tx, "on_update")
        legs = [("pack", "packed"), ("ship", "picked")]
        if _routing(steps) == "P2H2P":
            legs += [("in_transit", "in_transit"), ("at_destination_hub", "at_destination_hub"),
                     ("out_for_delivery", "out_for_delivery")]  # fmt: skip
        legs += [("deliver", "order_delivered")]
        for action, name in legs:
            await self._seller(order_id, f"returns/{return_id}/replacement/{action}")
            steps[f"on_status_{name}_rep"] = await p.unsolicited(tx, "on_status")


def timing_of(steps: Mapping[str, Any], arrivals: Mapping[str, Any]) -> TimingFigures:
    """The worst stamp and arrival delays of the timed callbacks among ``steps``;
    ``arrivals`` maps ``(action, message_id)`` to when the buyer received it."""
    requests = {
        body["context"]["message_id"]: body
        for body in steps.values()
        if isinstance(body, dict)
        and not str(body.get("context", {}).get("action")).startswith("on_")
    }
    worst_stamp = worst_arrival = timedelta(0)
    counted = 0
    answered: set[tuple[str, str]] = set()
    for body in steps.values():
        context = body.get("context", {}) if isinstance(body, dict) else {}
        action = context.get("action")
        request = requests.get(context.get("message_id"))
        if action not in TIMED_CALLBACKS or request is None:
            continue
        if (action, context["message_id"]) in answered:
            continue  # a later word on an answered request: the payment an on_init awaited
        answered.add((action, context["message_id"]))
        sent = schemas.parse_timestamp(request["context"]["timestamp"])
        stamped = schemas.parse_timestamp(context["timestamp"])
        counted += 1
        worst_stamp = max(worst_stamp, stamped - sent)
        arrived = arrivals.get(f"{action} {context['message_id']}")
        if arrived is not None:
            worst_arrival = max(worst_arrival, arrived - sent)
    return TimingFigures(counted, worst_stamp, worst_arrival)


def _routing(steps: Mapping[str, Any]) -> str | None:
    confirmed = steps.get("on_confirm", steps.get("on_confirm_seller_cred", {}))
    return delivery_routing(confirmed.get("message", {}).get("order", {}))


def _domain(steps: Mapping[str, Any]) -> str:
    return str(next(iter(steps.values()))["context"]["domain"])
