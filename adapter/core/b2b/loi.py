"""Letters of intent as data with a life (pure): stages, amounts, links and price
agreements.

A letter of intent (LOI) signed at a buyer-seller meet names a buyer (by GSTIN, and by
buyer app when known), the sellers and items it covers, quantities and agreed unit prices.
It is *realised* by B2B transactions of that buyer: a transaction is linked to a letter
when its buyer GSTIN is the letter's, its buyer app is the letter's (when the letter names
one) and it covers at least one of the letter's (seller, item) lines. Product and district
alone never link a transaction to a letter.

Each linked event is a :class:`Movement`; a letter's figures follow from them:

- *quoted* and *ordered*: per transaction, the latest quote and the latest purchase order
  (a re-quote in the same transaction replaces the earlier one); a cancelled transaction
  counts for neither;
- *delivered* and *paid*: the sum of every delivery (split deliveries add up) and payment.

Its stage is the furthest point reached: signed, RFQ received, quoted, PO placed, partly
delivered, delivered, paid. A letter not yet paid with no movement for a number of days
(``ONDC_LOI_ON_PAPER_DAYS``) is *on paper*.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Final

__all__ = [
    "GSTIN",
    "LetterFigures",
    "LetterItem",
    "LetterTerms",
    "Movement",
    "MovementKind",
    "Stage",
    "agreed_lines",
    "figures",
    "is_on_paper",
    "realises",
    "standing_lines",
]

GSTIN: Final = re.compile(r"\d{2}[A-Z]{5}\d{4}[A-Z][1-9A-Z]Z[0-9A-Z]")
"""A GSTIN: state code, PAN, entity number, ``Z``, check character (15 characters)."""


class MovementKind(StrEnum):
    """What happened in a B2B transaction linked to a letter."""

    RFQ = "rfq"
    QUOTED = "quoted"
    ORDERED = "ordered"
    DELIVERED = "delivered"
    PAID = "paid"
    CANCELLED = "cancelled"


class Stage(StrEnum):
    """How far a letter has come, in order."""

    SIGNED = "signed"
    RFQ_RECEIVED = "rfq_received"
    QUOTED = "quoted"
    PO_PLACED = "po_placed"
    PARTLY_DELIVERED = "partly_delivered"
    DELIVERED = "delivered"
    PAID = "paid"


@dataclass(frozen=True, slots=True)
class Movement:
    """One event of a linked transaction, with its amount in paise."""

    transaction_id: str
    kind: MovementKind
    amount_paise: int
    at: datetime


@dataclass(frozen=True, slots=True)
class LetterFigures:
    """A letter's value at each stage (paise), its stage and its last movement."""

    signed_paise: int
    quoted_paise: int
    ordered_paise: int
    delivered_paise: int
    paid_paise: int
    stage: Stage
    last_movement_at: datetime | None
    transactions: int
    # Transactions with a purchase order, not cancelled.
    orders: int = 0


def figures(signed_paise: int, movements: Iterable[Movement]) -> LetterFigures:
    """The letter's figures from its movements (in any order)."""
    ordered_moves = sorted(movements, key=lambda move: move.at)
    quoted: dict[str, int] = {}
    ordered: dict[str, int] = {}
    cancelled: set[str] = set()
    asked: set[str] = set()
    delivered = paid = 0
    for move in ordered_moves:
        txn = move.transaction_id
        if move.kind is MovementKind.RFQ:
            asked.add(txn)
        elif move.kind is MovementKind.QUOTED:
            quoted[txn] = move.amount_paise
        elif move.kind is MovementKind.ORDERED:
            ordered[txn] = move.amount_paise
        elif move.kind is MovementKind.DELIVERED:
            delivered += move.amount_paise
        elif move.kind is MovementKind.PAID:
            paid += move.amount_paise
        else:
            cancelled.add(txn)
    quoted_total = sum(v for txn, v in quoted.items() if txn not in cancelled)
    ordered_total = sum(v for txn, v in ordered.items() if txn not in cancelled)
    live_asks = (asked | set(quoted) | set(ordered)) - cancelled
    stage = _stage(live_asks, quoted_total, ordered_total, delivered, paid)
    return LetterFigures(
        signed_paise=signed_paise,
        quoted_paise=quoted_total,
        ordered_paise=ordered_total,
        delivered_paise=delivered,
        paid_paise=paid,
        stage=stage,
        last_movement_at=ordered_moves[-1].at if ordered_moves else None,
        transactions=len({move.transaction_id for move in ordered_moves}),
        orders=len(set(ordered) - cancelled),
    )


def _stage(asks: set[str], quoted: int, ordered: int, delivered: int, paid: int) -> Stage:
    if ordered > 0 and paid >= ordered:
        return Stage.PAID
    if ordered > 0 and delivered >= ordered:
        return Stage.DELIVERED
    if delivered > 0:
        return Stage.PARTLY_DELIVERED
    if ordered > 0:
        return Stage.PO_PLACED
    if quoted > 0:
        return Stage.QUOTED
    if asks:
        return Stage.RFQ_RECEIVED
    return Stage.SIGNED


def is_on_paper(
    *,
    signed_on: date,
    figures: LetterFigures,
    now: datetime,
    quiet_days: int,
    flagged_at: datetime | None,
) -> bool:
    """Whether a letter is to be flagged now: not paid, no movement for ``quiet_days``
    (counted from its signing when it has none), and not flagged already since its last
    movement within the last ``quiet_days``."""
    if figures.stage is Stage.PAID:
        return False
    quiet = timedelta(days=quiet_days)
    last = figures.last_movement_at
    if last is not None:
        if now - last < quiet:
            return False
    elif now.date() - signed_on < quiet:
        return False
    if flagged_at is None:
        return True
    return (last is None or flagged_at >= last) and now - flagged_at >= quiet


@dataclass(frozen=True, slots=True)
class LetterItem:
    """A line of a letter: a seller's item, the quantity and the agreed unit price, and
    how many pieces purchase orders of the letter's buyer (not cancelled) have taken."""

    seller_code: str
    sku: str
    quantity: int
    unit_price_paise: int
    name: str | None = None
    ordered: int = 0

    @property
    def left(self) -> int:
        """The pieces the letter still covers at its agreed price."""
        return max(self.quantity - self.ordered, 0)


@dataclass(frozen=True, slots=True)
class LetterTerms:
    """What links a letter to transactions and what it agreed."""

    letter_id: int
    buyer_gstin: str | None
    buyer_app_id: str | None
    items: tuple[LetterItem, ...]
    payment_type: str | None = None


def realises(
    letter: LetterTerms,
    *,
    buyer_gstin: str | None,
    buyer_app_id: str,
    lines: Iterable[tuple[str, str]],
) -> bool:
    """Whether a transaction of this buyer over these (seller, SKU) lines realises the
    letter: same GSTIN (a letter or a transaction without one links nothing), same buyer
    app when the letter names one, and at least one line in common."""
    if not letter.buyer_gstin or not buyer_gstin:
        return False
    if letter.buyer_gstin.upper() != buyer_gstin.strip().upper():
        return False
    if letter.buyer_app_id is not None and letter.buyer_app_id != buyer_app_id:
        return False
    covered = {(item.seller_code, item.sku) for item in letter.items}
    return any(line in covered for line in lines)


def agreed_lines(
    letters: Sequence[LetterTerms],
    *,
    buyer_gstin: str | None,
    buyer_app_id: str,
    wants: Mapping[tuple[str, str], int],
) -> dict[tuple[str, str], LetterItem]:
    """The buyer's price agreement for these lines (``wants``: count by (seller, SKU)): for
    each line a letter of theirs covers with at least the count still left, the agreed item
    (the newest such letter wins: later letters are listed later). A line asking more than
    any letter has left is not agreed: the letter agreed a price for its quantity, and the
    rest is the seller's to price."""
    agreed: dict[tuple[str, str], LetterItem] = {}
    lines = list(wants)
    for letter in letters:
        if not realises(letter, buyer_gstin=buyer_gstin, buyer_app_id=buyer_app_id, lines=lines):
            continue
        for item in letter.items:
            line = (item.seller_code, item.sku)
            if line in wants and wants[line] <= item.left:
                agreed[line] = item
    return agreed


def standing_lines(
    letters: Sequence[LetterTerms], *, buyer_gstin: str | None, buyer_app_id: str,
    seller_code: str,
) -> dict[str, int]:  # fmt: skip
    """What a seller-led RFQ (a ``/select`` naming no items, ONDC B2B 2.0.2
    ``select_seller_led_journey``) is quoted: each item of this seller the buyer's letters
    still cover, for the count left (the newest letter with some left wins), by SKU."""
    wants: dict[str, int] = {}
    for letter in letters:
        mine = [(item.seller_code, item.sku) for item in letter.items
                if item.seller_code == seller_code]  # fmt: skip
        if not realises(letter, buyer_gstin=buyer_gstin, buyer_app_id=buyer_app_id, lines=mine):
            continue
        for item in letter.items:
            if item.seller_code == seller_code and item.left > 0:
                wants[item.sku] = item.left
    return wants
