"""Pramaan's ``Customization_Input_Text_Flow`` (retail 1.2.5, WORKBENCH and MANDATORY in
RET16) as the demo plays it: a name embroidered on a Chamba rumal.

The seller makes the rumal customisable through the seller API for the flow only (a name of
up to 20 letters, for ₹150 on top) and takes the offer back afterwards, so the catalogue
every other flow searches stays as it was. The buyer's ``select`` carries the name as the
rumal's customisation line (step ``select_input``); the ``init`` repeats the line without
the words, as ONDC's example does; then the order is confirmed and delivered like any other.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Final

from adapter.sandbox.flows import FlowPlayer, confirm_message
from catalog_sync.customisation import custom_group_id, customisation_id

__all__ = ["TEXT_FLOW", "TEXT_LIMITS", "customisable", "order_with_text", "text_line"]

TEXT_FLOW: Final = "Customization_Input_Text_Flow"
"""Pramaan's flow id."""

TEXT_LIMITS: Final = {
    "label": "Name to embroider",
    "max_length": 20,
    "characters": "letters",
    "price": "150",
    "required": True,
}
"""What the demo's Chamba seller allows on a rumal (seller API ``text_input``)."""

_NAME: Final = "आशा ठाकुर"
"""The name the demo's buyer has embroidered (Devanagari on purpose)."""


def text_line(sku: str, words: str) -> dict[str, Any]:
    """The customisation line of a select carrying ``words`` for item ``sku``."""
    return {
        "id": customisation_id(sku),
        "quantity": {"count": 1},
        "descriptor": {
            "tags": [{"code": "customization", "list": [{"code": "input_text", "value": words}]}]
        },
        "tags": [
            {"code": "type", "list": [{"code": "type", "value": "customization"}]},
            {"code": "parent", "list": [{"code": "id", "value": custom_group_id(sku)}]},
        ],
    }


@asynccontextmanager
async def customisable(p: FlowPlayer, item: dict[str, Any]) -> AsyncIterator[None]:
    """``item`` takes a name to embroider while the block runs, and is as catalogued after."""
    await _put(p, {**item, "text_input": TEXT_LIMITS})
    try:
        yield
    finally:
        await _put(p, item)


async def _put(p: FlowPlayer, item: dict[str, Any]) -> None:
    if p.seller_item is None:
        raise RuntimeError("this player cannot change the seller's items")
    put = await p.seller_item(item)
    if put.status_code != 200 or put.json().get("held_back"):
        raise RuntimeError(f"seller PUT {item['sku']}: {put.status_code} {put.text}")


async def order_with_text(
    p: FlowPlayer, steps: dict[str, Any], entry: dict[str, Any], item: dict[str, Any], tx: str
) -> str:
    """Steps ``select_input`` ... ``on_status_pending`` of one rumal with a name; the order id."""
    domain = item["domain"]
    ask = p.cart_for(entry, item, 1)
    ask["order"]["items"].append(text_line(item["sku"], _NAME))
    steps["select_input"], steps["on_select_input"] = await p.call(
        "select", ask, transaction_id=tx, domain=domain
    )
    if "error" in steps["on_select_input"]:
        raise RuntimeError(f"on_select_input: {steps['on_select_input']['error']}")
    steps["init"], steps["on_init"] = await p.call(
        "init", p.init_for(steps["on_select_input"]), transaction_id=tx, domain=domain
    )
    order_id = f"ODOP{uuid.uuid4().hex[:10].upper()}"
    steps["confirm"], steps["on_confirm"] = await p.call(
        "confirm", confirm_message(steps["on_init"], order_id), transaction_id=tx, domain=domain
    )
    if "error" in steps["on_confirm"]:
        raise RuntimeError(f"on_confirm: {steps['on_confirm']['error']}")
    steps["on_status_pending"] = await p.unsolicited(tx, "on_status")
    return order_id
