"""A purchase order held for its seller's decision (pure): which POs are held, until when,
and how the buyer app hears the decision (ONDC B2B 2.0.2, ``/confirm`` -> ``/on_confirm``).

A seller's B2B terms may set a value above which a PO is not accepted automatically
(``po_review_above_paise``), a decision window (``po_decision_seconds``) and what happens
when the window closes without a decision (``po_default``: accept or reject). Such a PO
takes its stock at once (so accepting it cannot fail for stock) and waits in state
``Created``; its seller is sent the ``order.created`` webhook with the review's terms.

The buyer app is owed an ``/on_confirm`` within the ``/confirm``'s ttl. Two cases:

- **The window fits in the ttl** (it closes at least :data:`ANSWER_MARGIN` before the
  ttl ends): the solicited ``/on_confirm`` waits for the decision (the callback's build is
  :class:`Deferred`), and carries ``Accepted``, or ``Cancelled`` with error 30019 and the
  reason.
- **It does not**: the solicited ``/on_confirm`` goes out at once with the order
  ``Created`` (received, not yet accepted), and the decision follows as an *unsolicited*
  ``/on_confirm`` (fresh message id, same transaction) once the seller decides or the window
  closes. The contract's ``/on_confirm`` may be sent unsolicited by the seller app; its
  ``Created`` state is the one the contract's own ``/confirm`` examples carry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Final

import schemas
from adapter.core.b2b.price_list import SellerTerms, rupees

__all__ = [
    "ANSWER_MARGIN",
    "Decision",
    "Deferred",
    "Review",
    "decided",
    "held_for",
    "review_of",
]

ANSWER_MARGIN: Final = timedelta(seconds=5)
"""Time kept between a decision window's close and the end of the ``/confirm``'s ttl: the
timer applying the default runs every second, then the answer is built, signed and sent."""


class Decision(StrEnum):
    """What the seller (or its default) decided on a held PO."""

    ACCEPT = "accept"
    REJECT = "reject"


class Deferred(Exception):
    """A callback that cannot be built yet: build it again at ``until``."""

    def __init__(self, until: datetime, reason: str) -> None:
        super().__init__(reason)
        self.until = until
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Review:
    """A held PO's review, as kept in the order (``document[INTERNAL]["po_review"]``)."""

    reason: str
    decide_by: datetime
    default: Decision
    # Whether the solicited /on_confirm waits for the decision (the window fits the ttl).
    solicited: bool
    answer_by: datetime

    def stored(self) -> dict[str, Any]:
        """The review as JSON for the order's document."""
        return {
            "reason": self.reason,
            "decide_by": schemas.format_timestamp(self.decide_by),
            "default": str(self.default),
            "solicited": self.solicited,
            "answer_by": schemas.format_timestamp(self.answer_by),
        }


def review_of(stored: dict[str, Any] | None) -> Review | None:
    """The review kept in an order's document, or ``None`` for a PO never held."""
    if not stored:
        return None
    return Review(
        reason=str(stored["reason"]),
        decide_by=schemas.parse_timestamp(stored["decide_by"]),
        default=Decision(stored["default"]),
        solicited=bool(stored["solicited"]),
        answer_by=schemas.parse_timestamp(stored["answer_by"]),
    )


def held_for(
    terms: SellerTerms | None,
    *,
    total_paise: int,
    now: datetime,
    answer_deadline: datetime,
) -> Review | None:
    """The review a PO of ``total_paise`` needs under the seller's ``terms`` (``None``: it is
    accepted automatically). ``answer_deadline`` is when the ``/confirm``'s ttl ends."""
    if terms is None or terms.po_review_above_paise is None:
        return None
    if total_paise <= terms.po_review_above_paise:
        return None
    decide_by = now + timedelta(seconds=terms.po_decision_seconds)
    return Review(
        reason=(
            f"PO value {_rupees(total_paise)} is above the seller's automatic acceptance "
            f"limit of {_rupees(terms.po_review_above_paise)}"
        ),
        decide_by=decide_by,
        default=Decision(terms.po_default),
        solicited=decide_by + ANSWER_MARGIN <= answer_deadline,
        answer_by=answer_deadline,
    )


def _rupees(paise: int) -> str:
    return f"Rs {rupees(paise)}"


def decided(
    wire: dict[str, Any], decision: Decision, *, now: datetime
) -> tuple[str, str, dict[str, Any]]:
    """A held PO's order after ``decision``: its state, fulfilment state and wire order
    (``Accepted`` or ``Cancelled``)."""
    stamp = schemas.format_timestamp(now)
    if decision is Decision.ACCEPT:
        return "Accepted", "Pending", {**wire, "state": "Accepted", "updated_at": stamp}
    # As the contract's rejected PO (on_confirm_domestic_Rejected): the order Cancelled,
    # its fulfilment as it was, the reason in the callback's error 30019.
    cancelled = {**wire, "state": "Cancelled", "updated_at": stamp}
    return "Cancelled", "Cancelled", cancelled
