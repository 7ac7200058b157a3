"""An RFQ held for its seller's decision (pure): which RFQs are held, until when, and the
quotation a counter-offer makes (ONDC B2B 2.0.2, ``/select`` -> ``/on_select``).

A seller's RFQ rules (``review``) say which RFQs it answers by hand: ``off`` (every RFQ
is quoted from the price list at once), ``terms`` (an RFQ carrying the buyer's own terms,
``BUYER_TERMS`` on an item or the order, or asking for more than the price list's last
slab) or ``all``. A held RFQ is decided by the seller (accept: the quotation from the price
list; counter: its own unit prices; decline: 50005 or another code, with the reason)
within ``decision_seconds``; when the window closes undecided, its ``default`` applies
(``quote`` or ``decline``) and the seller is told.

The contract's RFQ flow (``api/docs/b2b_rfq_flow.md``, release-2.0.2): the buyer's
``/select`` "includes a TTL, indicating the duration by which the buyer expects a response
with the quotation", and the quotation is the ``/on_select`` answering it. So unlike a held
PO (``adapter.core.b2b.po_review``, whose decision may follow as an unsolicited
``/on_confirm``), a held RFQ is answered by its solicited ``/on_select``, whose build waits
(``Deferred``) for the decision; the window is cut to end :data:`ANSWER_MARGIN` before the
request's ttl (as far as the outbox keeps the answer), and an RFQ whose ttl leaves no room
for a decision is not held.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any, Final

import schemas
import schemas.b2b
from adapter.core.b2b.context import parse_b2b_duration
from adapter.core.b2b.po_review import ANSWER_MARGIN

__all__ = [
    "DECLINE_CODES",
    "HeldRfq",
    "RfqRules",
    "RfqState",
    "answer_deadline",
    "counter_quote",
    "decide_by",
    "held_reason",
    "with_buyer_terms",
]

DECLINE_CODES: Final = ("50005", "40002", "40009", "30009")
"""Codes a seller may decline an RFQ with: terms it will not meet (the default), out of
stock, more than it can supply, not serviceable (ONDC error codes)."""

_SHORTEST_WINDOW: Final = timedelta(seconds=5)


def answer_deadline(
    request: schemas.Envelope, now: datetime, answer_window: timedelta
) -> datetime | None:
    """When a ``/select``'s answer is due: its timestamp plus its ttl, as far as the outbox
    keeps an answer (``answer_window``, ONDC_MAX_TTL_SECONDS). ``None`` for the usual PT30S
    (or none): then the answer is owed within 5 s, as ONDC's B2B verifier holds it, and no
    RFQ waits for its seller."""
    context = request.context
    try:
        sent = schemas.parse_timestamp(context.timestamp) if context.timestamp else now
        ttl = parse_b2b_duration(context.ttl) if context.ttl else timedelta(seconds=30)
    except ValueError:
        return None
    if ttl <= timedelta(seconds=30):
        return None
    return sent + min(ttl, answer_window)


class RfqState(StrEnum):
    """Where a held RFQ stands."""

    PENDING = "pending"
    QUOTED = "quoted"
    COUNTERED = "countered"
    DECLINED = "declined"
    # A later /select of the same transaction replaced it before it was decided.
    SUPERSEDED = "superseded"


@dataclass(frozen=True, slots=True)
class RfqRules:
    """A seller's rules for holding RFQs."""

    seller_code: str
    review: str = "off"  # off | terms | all
    decision_seconds: int = 3600
    default: str = "quote"  # quote | decline


@dataclass(frozen=True, slots=True)
class HeldRfq:
    """An RFQ held for its seller, as the store keeps it. ``proposed`` is the quotation from
    the price list (``order``) and each line's list unit price and tax rate (``lines``);
    ``decision`` the answer decided (``order``, or ``code`` and ``reason``)."""

    id: int
    seller_code: str
    transaction_id: str
    message_id: str
    state: RfqState
    reason: str
    decide_by: datetime
    default: str
    proposed: dict[str, Any]
    decision: dict[str, Any] | None


def with_buyer_terms(order: schemas.b2b.B2BOrder) -> bool:
    """Whether the RFQ carries the buyer's own terms (a ``BUYER_TERMS`` tag group on the order
    or one of its items: ITEM_REQ, PACKAGING_REQ)."""
    if schemas.b2b.b2b_tag_group(order.tags, "BUYER_TERMS") is not None:
        return True
    return any(
        schemas.b2b.b2b_tag_group(item.tags, "BUYER_TERMS") is not None
        for item in order.items or []
    )


def held_reason(rules: RfqRules | None, *, buyer_terms: bool, beyond: list[str]) -> str | None:
    """Why the seller's rules hold this RFQ for its decision, or ``None``."""
    if rules is None or rules.review == "off":
        return None
    if beyond:
        return f"quantities beyond the price list of {', '.join(beyond)}"
    if buyer_terms:
        return "the buyer's own terms (BUYER_TERMS)"
    if rules.review == "all":
        return "the seller decides every RFQ"
    return None


def decide_by(rules: RfqRules, *, now: datetime, answer_deadline: datetime) -> datetime | None:
    """When the seller's window closes: its ``decision_seconds``, cut to end
    :data:`ANSWER_MARGIN` before the ``/select``'s answer is due; ``None`` when that leaves
    under five seconds (the RFQ is answered at once)."""
    close = min(now + timedelta(seconds=rules.decision_seconds), answer_deadline - ANSWER_MARGIN)
    return close if close - now >= _SHORTEST_WINDOW else None


def _money(value: Decimal) -> dict[str, str]:
    return {"currency": "INR", "value": f"{value.quantize(Decimal('0.01'))}"}


def counter_quote(
    proposed: dict[str, Any],
    prices: Mapping[str, Decimal],
    *,
    above_list: bool,
    quote_ttl: str | None = None,
) -> dict[str, Any]:
    """The quotation of ``proposed`` with the seller's own unit prices (rupees, before GST)
    for some of its lines, tax recomputed at each line's rate. Raises ``ValueError`` naming
    the SKU for a price that is not above 0, or above the list price without
    ``above_list``, or for a SKU not in the RFQ."""
    lines: dict[str, dict[str, str]] = proposed["lines"]
    order = proposed["order"]
    for sku, price in prices.items():
        if sku not in lines:
            raise ValueError(f"items: {sku!r} is not in this RFQ")
        if price <= 0:
            raise ValueError(f"items[{sku}].unit_price: above 0")
        listed = Decimal(lines[sku]["list_price"])
        if price > listed and not above_list:
            raise ValueError(
                f"items[{sku}].unit_price {price}: above the list price {listed} (say "
                "above_list to quote it)"
            )
    breakup: list[dict[str, Any]] = []
    totals: dict[str, Decimal] = {}
    for line in order["quote"]["breakup"]:
        sku = line.get("@ondc/org/item_id")
        kind = line.get("@ondc/org/title_type")
        line = dict(line)
        if kind == "item" and sku in prices:
            count = int(line["@ondc/org/item_quantity"]["count"])
            totals[sku] = prices[sku] * count
            line["price"] = _money(totals[sku])
            line["item"] = {**line.get("item", {}), "price": _money(prices[sku])}
        elif kind == "tax" and sku in totals:
            rate = Decimal(lines[sku]["tax_rate"])
            line["price"] = _money((totals[sku] * rate / 100).quantize(Decimal("0.01")))
        breakup.append(line)
    total = sum((Decimal(line["price"]["value"]) for line in breakup), Decimal(0))
    quote = {**order["quote"], "price": _money(total), "breakup": breakup}
    if quote_ttl is not None:
        quote["ttl"] = quote_ttl
    return {**order, "quote": quote}
