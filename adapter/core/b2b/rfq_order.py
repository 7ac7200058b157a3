"""A B2B order as the RFQ's quotation makes it and the order store keeps it (pure)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

import schemas.b2b
from adapter.core.orders import INTERNAL

__all__ = [
    "FULFILLMENT_ID", "FULFILMENT_TYPES", "b2b_order", "buyer_gstin", "fulfilment_id", "stored",
]  # fmt: skip

FULFILLMENT_ID: Final = "1"
"""The id of a delivery, and of a quotation's fulfilment of no known type."""

FULFILMENT_TYPES: Final = ("Delivery", "Self-Pickup")
"""The ways a B2B seller hands goods over, numbered from 1 in this order throughout the
B2B catalogue and its quotations, whichever of them a location offers."""


def fulfilment_id(kind: str) -> str:
    """The id of a fulfilment ``kind`` in the B2B catalogue, which its quotation keeps: a
    buyer selecting the catalogue's self-pickup is answered with it (ONDC's B2B verifier
    matches the select's fulfilment id and type to on_search's ``fulfillments``)."""
    return str(FULFILMENT_TYPES.index(kind) + 1) if kind in FULFILMENT_TYPES else FULFILLMENT_ID


def stored(
    wire: dict[str, Any], gstin: str | None, creds: Sequence[Mapping[str, str]] = ()
) -> dict[str, Any]:
    """A B2B order as the order store keeps it: the item lines and quote in the shape the
    store's stock, confirm and reporting steps read (``id``, ``quantity.count``,
    ``fulfillment_id``), and the B2B wire order itself under the adapter's own key, with
    the buyer's GSTIN and credentials (``adapter.core.b2b.buyer_creds``)."""
    return {
        "provider": wire["provider"],
        "items": [
            {
                "id": item["id"],
                "quantity": {"count": item["quantity"]["selected"]["count"]},
                "fulfillment_id": FULFILLMENT_ID,
            }
            for item in wire["items"]
        ],
        "quote": wire["quote"],
        INTERNAL: {
            "contract": "B2B 2.0.2",
            "b2b": wire,
            "buyer_gstin": gstin,
            "buyer_creds": [dict(cred) for cred in creds],
        },
    }


def b2b_order(document: dict[str, Any]) -> dict[str, Any]:
    """The B2B wire order kept in a stored document (``{}`` for a retail order)."""
    internal = document.get(INTERNAL) or {}
    wire: dict[str, Any] = internal.get("b2b") or {}
    return wire


def buyer_gstin(order: schemas.b2b.B2BOrder) -> str | None:
    """The buyer's GSTIN from the order's ``buyer_id`` tags (``buyer_id_no``)."""
    group = schemas.b2b.b2b_tag_group(order.tags, "buyer_id")
    value = group.value_of("buyer_id_no") if group is not None else None
    return value.strip().upper() if isinstance(value, str) and value.strip() else None
