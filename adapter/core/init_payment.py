"""How an ``/on_init`` says the buyer pays (ONDC retail 1.2.0 and 1.2.5): the seller app's
payment terms (finder fee, settlement basis, window and account), then cash on delivery
when the buyer app asks for it and the seller and goods allow it, or the seller app
collecting on its own gateway when the seller does, else the buyer app collecting.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from adapter.core.order_book import OrderBook, OrderPolicy, Refusal
from adapter.core.order_terms import payment_terms
from adapter.core.retail125.cash_on_delivery import cash_refusal, cash_terms, is_cash
from adapter.core.retail125.seller_collects import collected_terms, collection_refusal
from catalog_sync.records import SellerRecord

__all__ = ["init_payment"]


async def init_payment(
    asked: Any,
    seller: SellerRecord,
    policy: OrderPolicy,
    book: OrderBook,
    *,
    skus: Sequence[str],
    total: Decimal,
    transaction_id: str,
    earlier: dict[str, Any] | None,
) -> dict[str, Any]:
    """The payment of an on_init for the init's ``asked`` payment (``earlier``: the one a
    previous on_init of the transaction gave, kept once paid); raises :class:`Refusal`
    40004 naming why a way of paying the buyer app asked for is not offered."""
    payment = payment_terms(seller, policy, asked)
    if is_cash(asked):
        refused = cash_refusal(seller, total, list(skus), await book.cash_items(seller.code, skus))
        if refused is not None:
            raise Refusal("40004", refused)
        return cash_terms(payment)
    collector = asked.collected_by if asked is not None else None
    refused = collection_refusal(seller, policy.payment_gateway, collector)
    if refused is not None:
        raise Refusal("40004", refused)
    return collected_terms(
        payment,
        seller=seller,
        gateway=policy.payment_gateway,
        asked=collector,
        transaction_id=transaction_id,
        total=total,
        earlier=earlier,
    )
