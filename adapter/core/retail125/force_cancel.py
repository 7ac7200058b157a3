"""A buyer app's forced cancel (ONDC retail 1.2.5, Pramaan's ``Force_Cancellation_Flow``). Pure.

A buyer whose order is not delivered in time may cancel it (reason 052, or 1.2.0's 006: not
delivered within the TAT). The buyer app first asks (``force`` no in the cancel's
``descriptor.tags[code=params]``, with ``ttl_response``, how long the seller has to answer);
a seller whose goods are already on the road may refuse. The buyer app may then insist
(``force`` yes), but only once the first ask's ``ttl_response`` has lapsed: the seller must
then accept, whatever the order's delivery state short of delivered, and the buyer app
refunds the buyer. A forced cancel with no ask before it, or before the ask's time to answer
is over, is refused. A forced cancel of goods already picked up does not put them back in
stock: they are with the courier, and the seller counts them again when they are back.

The first ask is kept on the order (:data:`ASK_KEY` of its internal notes): when it came and
when the seller's time to answer it ends. Later asks do not move that time.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, Final

import schemas
from adapter.core.orders import parse_duration

__all__ = ["ASK_KEY", "FORCE_CODE", "TTL_RESPONSE_CODE", "ask_note", "force_refusal", "forced"]

FORCE_CODE: Final = "force"
"""The ``params`` code by which a buyer app forces a cancel (``yes`` or ``no``)."""

TTL_RESPONSE_CODE: Final = "ttl_response"
"""The ``params`` code giving the seller's time to answer an asked cancel (ISO 8601)."""

ASK_KEY: Final = "cancel_ask"
"""Where an order's internal notes keep the first asked cancel (``asked_at``,
``answer_by``)."""


def _params(descriptor: schemas.Descriptor | None) -> dict[str, str]:
    group = schemas.find_tag_group(descriptor.tags if descriptor else None, "params")
    return {str(tag.code): str(tag.value or "") for tag in (group.list if group else None) or []}


def forced(descriptor: schemas.Descriptor | None) -> bool | None:
    """What a cancel's ``descriptor.tags[code=params]`` says of ``force``: True (yes), False
    (no) or None (not said, or a value other than yes or no)."""
    value = _params(descriptor).get(FORCE_CODE)
    if value is None:
        return None
    value = value.strip().lower()
    return True if value == "yes" else False if value == "no" else None


def ttl_response(descriptor: schemas.Descriptor | None) -> timedelta | None:
    """The seller's time to answer an asked cancel (``params.ttl_response``), or None when
    the cancel gives none or not as an ISO 8601 duration."""
    text = _params(descriptor).get(TTL_RESPONSE_CODE)
    try:
        return parse_duration(text.strip()) if text else None
    except ValueError:
        return None


def ask_note(descriptor: schemas.Descriptor | None, now: datetime) -> dict[str, str] | None:
    """The note kept of an asked cancel received ``now``: when it came and when the seller's
    time to answer ends (``ttl_response`` later); None if it gives no ``ttl_response``."""
    ttl = ttl_response(descriptor)
    if ttl is None:
        return None
    return {
        "asked_at": schemas.format_timestamp(now),
        "answer_by": schemas.format_timestamp(now + ttl),
    }


def force_refusal(internal: Mapping[str, Any], order_id: str, now: datetime) -> str | None:
    """Why a forced cancel of order ``order_id`` received ``now`` is refused, given the
    order's internal notes: no cancel was asked first, or the first ask's ``ttl_response``
    has not lapsed yet; None when it may be forced."""
    ask = internal.get(ASK_KEY)
    if not ask:
        return (
            f"message.descriptor.tags[params].force yes: no cancel of order {order_id} was "
            "asked first (force no, with ttl_response)"
        )
    answer_by = schemas.parse_timestamp(ask["answer_by"])
    if now < answer_by:
        return (
            f"message.descriptor.tags[params].force yes: the seller has until {ask['answer_by']} "
            f"to answer the cancel asked at {ask['asked_at']} (its ttl_response)"
        )
    return None
