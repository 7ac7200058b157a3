"""Two RET16 flows of Pramaan (WORKBENCH, MANDATORY) the demo plays beside
:mod:`adapter.sandbox.flows_125`, both about who pays whom:

- ``SNP_Collecting_Payment_Flow``: the seller app collects the payment. An operator has the
  Kangra cooperative's payments collected by the seller app while the flow plays (and takes
  it back after, so every other flow's orders are paid to the buyer app as before); the
  init names no collector, on_init gives the gateway link NOT-PAID (``on_init_snp``); the
  demo's gateway reports the buyer's payment, signed with the demo's gateway secret, and the
  seller app says PAID in an unsolicited on_init (``on_init_snp_unsolicited``); the buyer
  app confirms with those terms (``confirm_snp``) and the order is delivered.
- ``Purchase_Finance_Flow``: the buyer app finances the purchase; its init carries
  ``bap_terms`` ``finance_cost_type`` percent, ``finance_cost_value`` 5.00 (``init_fin``),
  which on_init echoes; the order is confirmed and delivered (steps suffixed ``_fin``).

Each is the list of messages in the order sent, under the step names of Pramaan's flow,
played over real HTTP, the seller's steps taken through the seller API.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from types import MappingProxyType
from typing import Any, Final

import orjson

from adapter.sandbox.buyer import Received
from adapter.sandbox.flows import (
    FlowPlayer,
    confirm_message,
    delivery_legs,
    delivery_routing,
    shipping_papers,
)
from adapter.seller_api.stock_webhook import (
    DELIVERY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    sign_stock_push,
)

__all__ = [
    "DEMO_GATEWAY_SECRET",
    "DEMO_GATEWAY_URL",
    "FINANCE_TERMS",
    "PAYMENT_FLOWS",
    "play_purchase_finance",
    "play_seller_collects",
]

DEMO_GATEWAY_URL: Final = "https://pay.odop.himachal.example/checkout"
"""The demo seller app's payment page (``ONDC_PAYMENT_GATEWAY_URL``; nothing answers there:
the demo's gateway is this module, which reports the buyer's payment itself)."""

DEMO_GATEWAY_SECRET: Final = "odop-demo-gateway-secret"  # noqa: S105 (demo only)
"""What the demo's gateway signs its payment reports with (``ONDC_PAYMENT_GATEWAY_SECRET``)."""

FINANCE_TERMS: Final = {
    "code": "bap_terms",
    "list": [
        {"code": "finance_cost_type", "value": "percent"},
        {"code": "finance_cost_value", "value": "5.00"},
    ],
}
"""The demo buyer app's finance terms (Pramaan's example): 5% of the order."""


@asynccontextmanager
async def seller_app_collects(p: FlowPlayer, entry: dict[str, Any]) -> AsyncIterator[None]:
    """The seller of ``entry`` has the seller app collect its payments while the block
    runs, and is as catalogued after."""
    await _register(p, entry, collects=True)
    try:
        yield
    finally:
        await _register(p, entry, collects=bool(entry["seller"].get("collects_payment")))


async def _register(p: FlowPlayer, entry: dict[str, Any], *, collects: bool) -> None:
    if p.operator_seller is None:
        raise RuntimeError("this player cannot re-register the seller")
    setup = {
        "seller": {**entry["seller"], "collects_payment": collects},
        "location": entry["location"],
    }
    put = await p.operator_seller(setup)
    if put.status_code != 200:
        raise RuntimeError(f"operator PUT seller: {put.status_code} {put.text}")


async def gateway_reports(p: FlowPlayer, report: dict[str, Any]) -> dict[str, Any]:
    """The demo's gateway reports ``report`` to the seller app's payment webhook, signed
    with the demo's gateway secret; the seller app's answer."""
    body = orjson.dumps(report)
    stamp = int(p.buyer.clock.timestamp())
    delivery = str(uuid.uuid4())
    headers = {
        TIMESTAMP_HEADER: str(stamp),
        DELIVERY_HEADER: delivery,
        SIGNATURE_HEADER: sign_stock_push(DEMO_GATEWAY_SECRET, stamp, delivery, body),
        "Content-Type": "application/json",
    }
    answer = await p.http.post("/seller/v1/webhooks/payment", content=body, headers=headers)
    if answer.status_code != 200:
        raise RuntimeError(f"payment report: {answer.status_code} {answer.text}")
    recorded: dict[str, Any] = answer.json()
    return recorded


async def play_seller_collects(
    p: FlowPlayer, entry: dict[str, Any], item: dict[str, Any]
) -> dict[str, Any]:
    """``item`` paid on the seller app's gateway: the link in on_init, the payment reported
    by the gateway and announced PAID in an unsolicited on_init, then confirmed and
    delivered."""
    steps: dict[str, Any] = {}
    tx, domain = str(uuid.uuid4()), item["domain"]
    async with seller_app_collects(p, entry):
        steps["select"], steps["on_select"] = await p.call(
            "select", p.cart_for(entry, item, 1), transaction_id=tx, domain=domain
        )
        steps["init"], steps["on_init_snp"] = await p.call(
            "init", p.init_for(steps["on_select"]), transaction_id=tx, domain=domain
        )
    terms = steps["on_init_snp"]["message"]["order"]["payment"]
    if terms.get("collected_by") != "BPP" or not terms.get("uri"):
        raise RuntimeError(f"on_init_snp: the seller app does not collect: {terms}")
    # The buyer pays at the link; the gateway tells the seller app, which tells the buyer app.
    await gateway_reports(
        p,
        {
            "transaction_id": tx,
            "payment_id": f"pay{uuid.uuid4().hex[:14]}",
            "status": "captured",
            "amount": terms["params"]["amount"],
            "currency": "INR",
        },
    )
    steps["on_init_snp_unsolicited"] = await _second_answer(p, steps["init"])
    paid = steps["on_init_snp_unsolicited"]["message"]["order"]["payment"]
    if paid.get("status") != "PAID":
        raise RuntimeError(f"on_init_snp_unsolicited says {paid.get('status')}")
    order_id = f"ODOP{uuid.uuid4().hex[:10].upper()}"
    confirm = confirm_message(steps["on_init_snp_unsolicited"], order_id)
    confirm["order"]["payment"] = dict(paid)  # the seller app's record of the payment
    steps["confirm_snp"], steps["on_confirm"] = await p.call(
        "confirm", confirm, transaction_id=tx, domain=domain
    )
    if "error" in steps["on_confirm"]:
        raise RuntimeError(f"on_confirm: {steps['on_confirm']['error']}")
    steps["on_status_pending"] = await p.unsolicited(tx, "on_status")
    await _deliver(p, steps, order_id, tx, suffix="")
    return steps


async def _second_answer(p: FlowPlayer, init: dict[str, Any]) -> dict[str, Any]:
    """The seller app's second on_init to ``init``: the payment's news, under the init's
    message id."""
    context = init["context"]

    def wanted(received: Received) -> bool:
        got = received.payload.get("context", {})
        return bool(
            got.get("action") == "on_init"
            and got.get("transaction_id") == context["transaction_id"]
            and got.get("message_id") == context["message_id"]
        )

    arrived = await p.buyer.wait_until(wanted, count=2, seconds=p.seconds)
    return arrived[1].payload


async def play_purchase_finance(
    p: FlowPlayer, entry: dict[str, Any], item: dict[str, Any]
) -> dict[str, Any]:
    """``item`` bought on the buyer app's finance: the init's finance terms echoed by
    on_init and kept with the order, which is confirmed and delivered."""
    steps: dict[str, Any] = {}
    tx, domain = str(uuid.uuid4()), item["domain"]
    steps["select"], steps["on_select"] = await p.call(
        "select", p.cart_for(entry, item, 1), transaction_id=tx, domain=domain
    )
    init = p.init_for(steps["on_select"])
    init["order"]["tags"] = [dict(FINANCE_TERMS)]
    steps["init_fin"], steps["on_init_fin"] = await p.call(
        "init", init, transaction_id=tx, domain=domain
    )
    if "error" in steps["on_init_fin"]:
        raise RuntimeError(f"on_init_fin: {steps['on_init_fin']['error']}")
    order_id = f"ODOP{uuid.uuid4().hex[:10].upper()}"
    confirm = confirm_message(steps["on_init_fin"], order_id)
    # One bap_terms group, as ONDC's example has it: the buyer app's own terms (its GST
    # number) with the finance terms of its init.
    tags = confirm["order"]["tags"]
    ours = [entry for tag in tags if tag["code"] == "bap_terms" for entry in tag["list"]]
    confirm["order"]["tags"] = [
        *(tag for tag in tags if tag["code"] != "bap_terms"),
        {"code": "bap_terms", "list": list({e["code"]: e for e in ours}.values())},
    ]
    steps["confirm_fin"], steps["on_confirm_fin"] = await p.call(
        "confirm", confirm, transaction_id=tx, domain=domain
    )
    if "error" in steps["on_confirm_fin"]:
        raise RuntimeError(f"on_confirm_fin: {steps['on_confirm_fin']['error']}")
    steps["on_status_pending_fin"] = await p.unsolicited(tx, "on_status")
    await _deliver(p, steps, order_id, tx, suffix="_fin")
    return steps


async def _deliver(
    p: FlowPlayer, steps: dict[str, Any], order_id: str, tx: str, *, suffix: str
) -> None:
    """The seller's steps to delivery (the hub legs when the order travels P2H2P), each
    step named with ``suffix``."""
    on_confirm = next(v for k, v in steps.items() if k.startswith("on_confirm"))
    for action, step in delivery_legs(delivery_routing(on_confirm["message"]["order"])):
        body = shipping_papers(order_id) if action == "ship" else None
        steps[f"{step}{suffix}"] = await p.seller_step(order_id, action, tx, body)


PAYMENT_FLOWS: Final[
    Mapping[str, Callable[[FlowPlayer, dict[str, Any], dict[str, Any]], Awaitable[dict[str, Any]]]]
] = MappingProxyType(
    {
        "SNP_Collecting_Payment_Flow": play_seller_collects,
        "Purchase_Finance_Flow": play_purchase_finance,
    }
)
"""Pramaan flow id -> the function that plays it."""
