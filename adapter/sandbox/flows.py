"""ONDC retail 1.2.0 certification flows, played by the sandbox buyer app against a running
adapter over real HTTP, with the seller's steps taken through the seller API.

Each flow's requests and verified callbacks are kept under the payload keys of ONDC's log
validator (``search_full_catalog_refresh``, ``on_select``, ``on_status_packed`` ...), so
they can be written in its layout (:func:`adapter.sandbox.flowcheck.write_flow_logs`) and
checked (:func:`adapter.sandbox.flowcheck.check_flow`). The buyer-side messages are built
here too; the test suite plays the same messages in process.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final

import httpx

from adapter.core.retail125.routing import routing_of
from adapter.sandbox.buyer import Received, SandboxBuyer

__all__ = [
    "BILLING",
    "BUYER_END",
    "SHIMLA_END",
    "FlowPlayer",
    "cart",
    "confirm_message",
    "delivery_legs",
    "delivery_routing",
    "init_message",
    "refund_message",
    "refund_of",
    "return_message",
    "seller_player",
    "shipping_papers",
]

SHIMLA_END: Final = {"location": {"gps": "31.104800,77.173400", "address": {"area_code": "171001"}}}
_ADDRESS: Final = {
    "name": "Asha Verma",
    "building": "12 Mall Road",
    "locality": "The Mall",
    "city": "Shimla",
    "state": "Himachal Pradesh",
    "country": "IND",
    "area_code": "171001",
}
BUYER_END: Final = {
    "location": {"gps": "31.104800,77.173400", "address": _ADDRESS},
    "contact": {"phone": "9876543210", "email": "asha@example.in"},
}
BILLING: Final = {
    "name": "Asha Verma",
    "address": _ADDRESS,
    "phone": "9876543210",
    "email": "asha@example.in",
    "created_at": "2026-11-23T09:59:00.000Z",
    "updated_at": "2026-11-23T09:59:00.000Z",
}
BUYER_GSTIN: Final = "29AABCU9602Q1Z3"
DELIVERY_STEPS: Final = (
    ("pack", "on_status_packed"),
    ("ship", "on_status_picked"),
    ("out_for_delivery", "on_status_out_for_delivery"),
    ("deliver", "on_status_delivered"),
)


def cart(
    entry: dict[str, Any], item: dict[str, Any], count: int, *, end: dict[str, Any] = SHIMLA_END
) -> dict[str, Any]:
    """A /select message for ``count`` of a catalogue ``item``, delivered to ``end``
    (Shimla unless said)."""
    location = entry["location"]["code"]
    return {
        "order": {
            "provider": {"id": entry["seller"]["code"], "locations": [{"id": location}]},
            "items": [{"id": item["sku"], "quantity": {"count": count}, "location_id": location}],
            "fulfillments": [{"end": end}],
        }
    }


_CUSTOMISATION_KEYS: Final = ("id", "parent_item_id", "fulfillment_id", "quantity", "tags")


def init_message(on_select: dict[str, Any], *, end: dict[str, Any] = BUYER_END) -> dict[str, Any]:
    """The /init a buyer app sends after an on_select: the quoted cart, billing, address."""
    order = on_select["message"]["order"]
    quantities = {
        line["@ondc/org/item_id"]: line["@ondc/org/item_quantity"]["count"]
        for line in order["quote"]["breakup"]
        if line["@ondc/org/title_type"] == "item"
    }
    return {
        "order": {
            "provider": order["provider"],
            "items": [
                {
                    "id": i["id"],
                    "quantity": {"count": quantities[i["id"]]},
                    "fulfillment_id": i["fulfillment_id"],
                }
                for i in order["items"]
                if i["id"] in quantities
            ]
            # A buyer's text on an item (retail 1.2.5): the customisation line goes on as
            # on_select echoed it, without the words (ONDC's RET16 init example).
            + [
                {key: i[key] for key in _CUSTOMISATION_KEYS if key in i}
                for i in order["items"]
                if i["id"] not in quantities
            ],
            "billing": {**BILLING, "address": end["location"]["address"]},
            "fulfillments": [{"id": "1", "type": "Delivery", "end": end}],
        }
    }


def confirm_message(on_init: dict[str, Any], order_id: str) -> dict[str, Any]:
    """The /confirm after an on_init: the same order, paid, with its id and the buyer app's
    terms (its ``created_at``/``updated_at`` are set to the confirm's timestamp when sent)."""
    order = dict(on_init["message"]["order"])
    payment = dict(order["payment"])
    payment |= {
        "status": "PAID",
        "params": {
            "amount": order["quote"]["price"]["value"],
            "currency": "INR",
            # Letters and digits only: RET16 refuses a hyphen in the order and payment
            # ids the seller echoes (ONDC's workbench rule on its ids).
            "transaction_id": f"PAY{order_id}",
        },
    }
    fulfillments = [dict(f) for f in order["fulfillments"]]
    fulfillments[0]["end"] = {**fulfillments[0]["end"], "person": {"name": BILLING["name"]}}
    tags = [
        *order.get("tags", []),
        {"code": "bap_terms", "list": [{"code": "tax_number", "value": BUYER_GSTIN}]},
    ]
    order |= {
        "id": order_id,
        "state": "Created",
        "payment": payment,
        "fulfillments": fulfillments,
        "tags": tags,
    }
    return {"order": order}


def refund_message(
    order_id: str, fulfillment_id: str, kind: str, amount: str, when: str
) -> dict[str, Any]:
    """The buyer app's ``update`` saying it refunded ``amount`` for a cancel or return."""
    return {
        "update_target": "payment",
        "order": {
            "id": order_id,
            "fulfillments": [{"id": fulfillment_id, "type": kind}],
            "payment": {
                "@ondc/org/settlement_details": [
                    {
                        "settlement_counterparty": "buyer",
                        "settlement_phase": "refund",
                        "settlement_type": "upi",
                        "settlement_amount": amount,
                        "settlement_timestamp": when,
                    }
                ]
            },
        },
    }


def return_message(
    order_id: str,
    return_id: str,
    sku: str,
    count: int,
    reason: str = "004",
    *,
    replace: bool | None = None,
) -> dict[str, Any]:
    """The buyer app's ``update`` asking to return ``count`` of ``sku`` (and, in retail
    1.2.5, saying whether it wants them replaced rather than refunded)."""
    asked = {
        "id": return_id,
        "item_id": sku,
        "item_quantity": str(count),
        "reason_id": reason,
        "reason_desc": "the colour is not as in the photo",
        "images": f"https://buyer-app.example/returns/{return_id}.jpg",
        "ttl_approval": "PT24H",
        "ttl_reverseqc": "P3D",
        # Not a retail 1.2.0 code, but ONDC's log validator (commit c3d10fe, the one
        # certification runs) refuses a buyer's return request without it. The adapter
        # takes it and does not echo it in on_update (adapter.core.order_updates).
        "exchange": "no",
    }
    if replace is not None:
        asked["replace"] = "yes" if replace else "no"
    return {
        "update_target": "item",
        "order": {
            "id": order_id,
            "fulfillments": [
                {
                    "type": "Return",
                    "tags": [
                        {
                            "code": "return_request",
                            "list": [
                                {"code": code, "value": value} for code, value in asked.items()
                            ],
                        }
                    ],
                }
            ],
        },
    }


def refund_of(on_update: dict[str, Any], fulfillment_id: str) -> str:
    """What a cancel or return took out of the quote (its ``quote_trail``), as a positive
    amount."""
    fulfillment = next(
        f for f in on_update["message"]["order"]["fulfillments"] if f["id"] == fulfillment_id
    )
    total = sum(
        -Decimal(tag["value"])
        for group in fulfillment.get("tags", [])
        if group["code"] == "quote_trail"
        for tag in group["list"]
        if tag["code"] == "value"
    )
    return str(total)


def shipping_papers(order_id: str) -> dict[str, str]:
    """What the demo's seller sends with its ``ship``: the invoice and the tracking link."""
    return {
        "invoice_url": f"https://odop.example/invoices/{order_id}.pdf",
        "tracking_url": f"https://track.odop.example/{order_id}",
    }


def delivery_legs(routing: str | None) -> list[tuple[str, str]]:
    """The seller's steps to delivery, each with the step name of its on_status: packed, an
    agent assigned, picked up, then for an intercity order (P2H2P) in transit, at the
    destination hub and out for delivery, then delivered (a P2P order has no
    out-for-delivery, retail 1.2.5)."""
    legs = [
        ("pack", "on_status_packed"),
        ("agent_assigned", "on_status_agent_assigned"),
        ("ship", "on_status_picked"),
    ]
    if routing == "P2H2P":
        legs += [
            ("in_transit", "on_status_in_transit"),
            ("at_destination_hub", "on_status_at_destination_hub"),
            ("out_for_delivery", "on_status_out_for_delivery"),
        ]
    return [*legs, ("deliver", "on_status_order_delivered")]


def delivery_routing(order: Mapping[str, Any]) -> str | None:
    """The routing (``P2P`` or ``P2H2P``) an order's fulfilments name, or None."""
    for fulfillment in order.get("fulfillments") or []:
        routing = routing_of(fulfillment)
        if routing is not None:
            return routing.value
    return None


SellerAct = Callable[[str, str, dict[str, Any] | None], Awaitable[httpx.Response]]
SellerRequest = Callable[[str, str, dict[str, Any] | None], Awaitable[httpx.Response]]


@dataclass
class FlowPlayer:
    """The sandbox buyer app walking flows against an adapter at ``adapter_url``."""

    buyer: SandboxBuyer
    http: httpx.AsyncClient
    adapter_url: str  # where the adapter's Beckn endpoints are reached, ``.../ondc``
    seller_uri: str  # what the adapter calls itself (``bpp_uri``)
    buyer_url: str
    seller_id: str
    seller_act: SellerAct  # POST /seller/v1/orders/{order_id}/{action} as the order's seller
    seller_stock: Callable[[str, int], Awaitable[None]]  # the seller sets an item's stock
    # The seller creates or replaces an item (PUT /seller/v1/items/{sku}), where it may.
    seller_item: Callable[[dict[str, Any]], Awaitable[httpx.Response]] | None = None
    # Any other seller API call (method, path under /seller/v1, JSON body), where it may.
    seller_request: SellerRequest | None = None
    # An operator registers the seller again (PUT /admin/v1/sellers/{code}), where it may.
    operator_seller: Callable[[dict[str, Any]], Awaitable[httpx.Response]] | None = None
    seconds: float = 30.0
    version: str = "1.2.0"  # the retail version the buyer app's transactions speak
    _seen: dict[tuple[str, str], int] = field(default_factory=dict)
    _asked: set[str] = field(default_factory=set)  # message ids of our requests
    # Where the buyer is: by default Shimla; a flow puts it in the seller's own city.
    _city: str = "std:0177"
    _end: dict[str, Any] = field(default_factory=lambda: dict(BUYER_END))

    async def seller_step(
        self, order_id: str, action: str, transaction_id: str, body: Any = None
    ) -> dict[str, Any]:
        """The seller's ``action`` on an order (``POST /seller/v1/orders/{id}/{action}``),
        which must succeed; the on_status it sent."""
        moved = await self.seller_act(order_id, action, body)
        if moved.status_code != 200:
            raise RuntimeError(f"seller {action}: {moved.status_code} {moved.text}")
        return await self.unsolicited(transaction_id, "on_status")

    async def seller_json(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """A seller API call (``path`` under ``/seller/v1``) that must succeed; its JSON."""
        if self.seller_request is None:
            raise RuntimeError("this player cannot reach the seller API")
        answer = await self.seller_request(method, path, body)
        if answer.status_code != 200:
            raise RuntimeError(f"seller {method} {path}: {answer.status_code} {answer.text}")
        return answer.json()

    def _cart(self, entry: dict[str, Any], item: dict[str, Any], count: int) -> dict[str, Any]:
        return cart(
            entry,
            item,
            count,
            end={
                "location": {
                    "gps": self._end["location"]["gps"],
                    "address": {"area_code": self._end["location"]["address"]["area_code"]},
                }
            },
        )

    def cart_for(self, entry: dict[str, Any], item: dict[str, Any], count: int) -> dict[str, Any]:
        """A /select message for ``count`` of ``item``, delivered where the buyer is."""
        return self._cart(entry, item, count)

    def _init(self, on_select: dict[str, Any]) -> dict[str, Any]:
        return init_message(on_select, end=self._end)

    def init_for(self, on_select: dict[str, Any]) -> dict[str, Any]:
        """The /init after ``on_select``: billed and delivered where the buyer is."""
        return self._init(on_select)

    def buyer_near(self, entry: dict[str, Any]) -> None:
        """Put the buyer in the seller's own city (as certification logs are made: ONDC's
        validator checks the search's city against each seller's PIN code)."""
        place = entry["location"]
        self._city = f"std:{place['std_code']}"
        address = {
            **_ADDRESS,
            "building": "House 7",
            "locality": place["locality"],
            "city": place["city"],
            "area_code": place["pincode"],
        }
        self._end = {
            "location": {"gps": place["gps"], "address": address},
            "contact": BUYER_END["contact"],
        }

    async def call(
        self, action: str, message: dict[str, Any], *, transaction_id: str, domain: str
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """One signed request and its verified callback (request body, callback body)."""
        body = await self.send(
            action, {"message": message}, transaction_id=transaction_id, domain=domain
        )
        message_id = body["context"]["message_id"]
        (callback,) = await self.buyer.wait_for(message_id, seconds=self.seconds)
        return body, callback.payload

    async def send(
        self,
        action: str,
        content: dict[str, Any],
        *,
        transaction_id: str,
        domain: str,
        city: str | None = None,
    ) -> dict[str, Any]:
        """One signed request, ACKed; its body. ``content`` is what goes beside the context
        (``message``, or ``errors`` for a catalogue rejection)."""
        search = action == "search"
        extra = {} if search else {"bpp_id": self.seller_id, "bpp_uri": self.seller_uri}
        context = self.buyer.context(
            action,
            bap_uri=self.buyer_url,
            domain=domain,
            city=city or self._city,
            transaction_id=transaction_id,
            core_version=self.version,
            **extra,
        )
        if action == "confirm":
            stamp = context["timestamp"]
            order = content["message"]["order"]
            content = {"message": {"order": {**order, "created_at": stamp, "updated_at": stamp}}}
        body = {"context": context, **content}
        self._asked.add(context["message_id"])
        answer = await self.buyer.send(self.http, f"{self.adapter_url}/{action}", body)
        if answer.status_code != 200:
            raise RuntimeError(f"{action}: adapter answered {answer.status_code} {answer.text}")
        return body

    async def catalogue_flow(
        self, flow: int, entry: dict[str, Any], item: dict[str, Any]
    ) -> dict[str, Any]:
        """Certification flow 8 (search only), 7 (search, then the buyer app rejects an
        item), 1 (search, then an incremental refresh: the buyer app subscribes and a stock
        change is pushed) or 9 (incremental refresh, then a rejection)."""
        logs: dict[str, Any] = {}
        domain, code = item["domain"], entry["seller"]["code"]
        self.buyer_near(entry)
        if flow in (1, 7, 8):
            await self.search(logs, domain, provider=code)
        if flow in (1, 9):
            tx = str(uuid.uuid4())
            start = {
                "intent": {
                    "payment": {
                        "@ondc/org/buyer_app_finder_fee_type": "percent",
                        "@ondc/org/buyer_app_finder_fee_amount": "3",
                    },
                    "tags": [{"code": "catalog_inc", "list": [{"code": "mode", "value": "start"}]}],
                }
            }
            logs["search_inc_refresh"] = await self.send(
                "search", {"message": start}, transaction_id=tx, domain=domain, city="*"
            )
            # The seller sells out (the buyer app sees "0"), then restocks.
            await self.seller_stock(item["sku"], 0)
            logs["on_search_inc_refresh"] = await self.unsolicited(tx, "on_search")
            await self.seller_stock(item["sku"], int(item["available"]))
            await self.unsolicited(tx, "on_search")
        if flow in (7, 9):
            path = (
                f"message.catalog.bpp/providers[?(@.id=='{code}')].items[?(@.id=='{item['sku']}')]"
            )
            errors = {
                "errors": [
                    {
                        "type": "ITEM-ERROR",
                        "code": "91001",
                        "path": path,
                        "message": "images are not clear enough",
                    }
                ]
            }
            logs["catalog_rejection"] = await self.send(
                "catalog_rejection",
                errors,
                transaction_id=str(uuid.uuid4()),
                domain=domain,
                city="*" if flow == 9 else None,
            )
        return logs

    async def unsolicited(self, transaction_id: str, action: str) -> dict[str, Any]:
        """The next unasked callback ``action`` of a transaction (replies to our requests
        carry their message ids and are not counted)."""
        seen = self._seen.get((transaction_id, action), 0)

        def wanted(received: Received) -> bool:
            context = received.payload.get("context", {})
            return bool(
                context.get("transaction_id") == transaction_id
                and context.get("action") == action
                and context.get("message_id") not in self._asked
            )

        arrived = await self.buyer.wait_until(wanted, count=seen + 1, seconds=self.seconds)
        self._seen[(transaction_id, action)] = seen + 1
        return arrived[seen].payload

    async def search(self, logs: dict[str, Any], domain: str, provider: str | None = None) -> None:
        """Flow step: the full catalogue of the domain (of one provider, if named) in the
        buyer's city."""
        intent: dict[str, Any] = {
            "fulfillment": {"type": "Delivery"},
            "payment": {
                "@ondc/org/buyer_app_finder_fee_type": "percent",
                "@ondc/org/buyer_app_finder_fee_amount": "3",
            },
        }
        if provider is not None:
            intent["provider"] = {"id": provider}
        request, callback = await self.call(
            "search", {"intent": intent}, transaction_id=str(uuid.uuid4()), domain=domain
        )
        logs["search_full_catalog_refresh"], logs["on_search_full_catalog_refresh"] = (
            request,
            callback,
        )

    async def order(
        self,
        logs: dict[str, Any],
        entry: dict[str, Any],
        item: dict[str, Any],
        *,
        transaction_id: str,
        count: int = 1,
    ) -> str:
        """Flow steps select, init, confirm and the seller's acceptance; the order id."""
        domain = item["domain"]
        logs["select"], logs["on_select"] = await self.call(
            "select", self._cart(entry, item, count), transaction_id=transaction_id, domain=domain
        )
        logs["init"], logs["on_init"] = await self.call(
            "init",
            self._init(logs["on_select"]),
            transaction_id=transaction_id,
            domain=domain,
        )
        order_id = f"ODOP{uuid.uuid4().hex[:10].upper()}"
        logs["confirm"], logs["on_confirm"] = await self.call(
            "confirm",
            confirm_message(logs["on_init"], order_id),
            transaction_id=transaction_id,
            domain=domain,
        )
        logs["on_status_pending"] = await self.unsolicited(transaction_id, "on_status")
        return order_id

    async def deliver(
        self, logs: dict[str, Any], order_id: str, transaction_id: str, *, until: str = "deliver"
    ) -> None:
        """The seller's steps from packing on, up to ``until``."""
        for action, key in DELIVERY_STEPS:
            body = {"invoice_url": f"https://odop.example/invoices/{order_id}.pdf"}
            moved = await self.seller_act(order_id, action, body if action == "ship" else None)
            if moved.status_code != 200:
                raise RuntimeError(f"seller {action}: {moved.status_code} {moved.text}")
            logs[key] = await self.unsolicited(transaction_id, "on_status")
            if action == until:
                return

    async def play(self, flow: int, entry: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
        """Certification flow 2 (order to delivery), 3 (out of stock, re-select, deliver),
        4 (buyer cancels), 5 (return to origin) or 6 (part cancel, returns) for ``item``;
        its payloads by key."""
        logs: dict[str, Any] = {}
        domain = item["domain"]
        transaction_id = str(uuid.uuid4())
        # As certification logs are made: one seller, the buyer in the seller's own city.
        self.buyer_near(entry)
        await self.search(logs, domain, provider=entry["seller"]["code"])
        count = 1
        if flow == 3:
            # Only one left (the seller says so): a cart of two comes back with 40002 and
            # the one that can be had; the buyer app takes it.
            await self.seller_stock(item["sku"], 1)
            logs["select_out_of_stock"], logs["on_select_out_of_stock"] = await self.call(
                "select", self._cart(entry, item, 2), transaction_id=transaction_id, domain=domain
            )
        if flow == 6:
            await self._flow_6(logs, entry, item, transaction_id)
            return logs
        order_id = await self.order(logs, entry, item, transaction_id=transaction_id, count=count)
        if flow in (2, 3):
            await self.deliver(logs, order_id, transaction_id)
        elif flow == 4:
            del logs["on_status_pending"]  # not a flow 4 key
            logs["cancel"], logs["on_cancel"] = await self.call(
                "cancel",
                {"order_id": order_id, "cancellation_reason_id": "010"},
                transaction_id=transaction_id,
                domain=domain,
            )
        elif flow == 5:
            await self.deliver(logs, order_id, transaction_id, until="out_for_delivery")
            failed = await self.seller_act(order_id, "rto", {"reason": "013"})
            if failed.status_code != 200:
                raise RuntimeError(f"seller rto: {failed.status_code} {failed.text}")
            logs["on_cancel"] = await self.unsolicited(transaction_id, "on_cancel")
            back = await self.seller_act(order_id, "rto_delivered", None)
            if back.status_code != 200:
                raise RuntimeError(f"seller rto_delivered: {back.status_code} {back.text}")
            logs["on_status_rto_delivered"] = await self.unsolicited(transaction_id, "on_status")
        return logs

    async def _flow_6(
        self, logs: dict[str, Any], entry: dict[str, Any], item: dict[str, Any], tx: str
    ) -> None:
        """Three pieces: one cancelled by the seller before acceptance (the seller must
        accept by hand), one returned with reverse QC, one liquidated; each refund settled."""
        domain, sku = item["domain"], item["sku"]
        logs["select"], logs["on_select"] = await self.call(
            "select", self._cart(entry, item, 3), transaction_id=tx, domain=domain
        )
        logs["init"], logs["on_init"] = await self.call(
            "init", self._init(logs["on_select"]), transaction_id=tx, domain=domain
        )
        order_id = f"ODOP{uuid.uuid4().hex[:10].upper()}"
        logs["confirm"], logs["on_confirm"] = await self.call(
            "confirm",
            confirm_message(logs["on_init"], order_id),
            transaction_id=tx,
            domain=domain,
        )

        async def seller(path: str, body: dict[str, Any] | None = None) -> None:
            moved = await self.seller_act(order_id, path, body)
            if moved.status_code != 200:
                raise RuntimeError(f"seller {path}: {moved.status_code} {moved.text}")

        async def settle(key: str, fulfillment: str, kind: str, callback: str) -> None:
            refund = refund_of(logs[callback], fulfillment)
            when = logs[callback]["context"]["timestamp"]
            logs[key], _ = await self.call(
                "update",
                refund_message(order_id, fulfillment, kind, refund, when),
                transaction_id=tx,
                domain=domain,
            )

        await seller("part_cancel", {"items": [{"sku": sku, "quantity": 1}], "reason": "002"})
        logs["on_update_part_cancel"] = await self.unsolicited(tx, "on_update")
        await settle("update_settlement_part_cancel", "C2", "Cancel", "on_update_part_cancel")
        await seller("accept")
        logs["on_status_pending"] = await self.unsolicited(tx, "on_status")
        await self.deliver(logs, order_id, tx)
        qc, liquidated = f"R-{uuid.uuid4().hex[:8]}", f"R-{uuid.uuid4().hex[:8]}"
        logs["update_reverse_qc"], logs["on_update_interim_reverse_qc"] = await self.call(
            "update", return_message(order_id, qc, sku, 1), transaction_id=tx, domain=domain
        )
        for action, key in (("approve", "on_update_approval"), ("pick", "on_update_picked")):
            await seller(f"returns/{qc}/{action}")
            logs[key] = await self.unsolicited(tx, "on_update")
        await settle("update_settlement_reverse_qc", qc, "Return", "on_update_picked")
        await seller(f"returns/{qc}/deliver")
        logs["on_update_delivered"] = await self.unsolicited(tx, "on_update")
        logs["update_liquidated"], logs["on_update_interim_liquidated"] = await self.call(
            "update",
            return_message(order_id, liquidated, sku, 1, reason="001"),
            transaction_id=tx,
            domain=domain,
        )
        await seller(f"returns/{liquidated}/liquidate")
        logs["on_update_liquidated"] = await self.unsolicited(tx, "on_update")
        await settle("update_settlement_liquidated", liquidated, "Return", "on_update_liquidated")


async def seller_player(
    http: httpx.AsyncClient,
    *,
    buyer: SandboxBuyer,
    adapter_url: str,
    seller_uri: str,
    buyer_url: str,
    seller_id: str,
    seller_code: str,
    admin: dict[str, str],
    version: str = "1.2.0",
) -> FlowPlayer:
    """A :class:`FlowPlayer` whose seller steps (order actions, stock) are taken with a fresh
    seller API key for ``seller_code``, made with the operator's ``admin`` headers on
    ``http`` (a client whose base URL is the adapter's)."""
    made = await http.post(f"/admin/v1/sellers/{seller_code}/keys", json={}, headers=admin)
    made.raise_for_status()
    seller = {"Authorization": f"Bearer {made.json()['api_key']}"}

    async def act(order_id: str, action: str, body: dict[str, Any] | None) -> httpx.Response:
        return await http.post(f"/seller/v1/orders/{order_id}/{action}", json=body, headers=seller)

    async def stock(sku: str, count: int) -> None:
        lines = {"items": [{"sku": sku, "available": count}]}
        (await http.patch("/seller/v1/stock", json=lines, headers=seller)).raise_for_status()

    async def put_item(item: dict[str, Any]) -> httpx.Response:
        return await http.put(f"/seller/v1/items/{item['sku']}", json=item, headers=seller)

    async def request(method: str, path: str, body: dict[str, Any] | None) -> httpx.Response:
        return await http.request(method, f"/seller/v1/{path}", json=body, headers=seller)

    async def put_seller(setup: dict[str, Any]) -> httpx.Response:
        return await http.put(f"/admin/v1/sellers/{seller_code}", json=setup, headers=admin)

    return FlowPlayer(
        buyer=buyer,
        http=http,
        adapter_url=f"{adapter_url}/ondc",
        seller_uri=seller_uri,
        buyer_url=buyer_url,
        seller_id=seller_id,
        seller_act=act,
        seller_stock=stock,
        seller_item=put_item,
        seller_request=request,
        operator_seller=put_seller,
        version=version,
    )
