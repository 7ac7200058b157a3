"""Context rules of ONDC B2B 2.0.2 (pure), built from the retail ones.

A B2B context differs from a retail 1.2.x one in three places: its version is named by
``version`` ("2.0.2", checked where the family is chosen), its city and country by
``location.city.code`` and ``location.country.code``, and a ``/select`` opening an RFQ may
carry a ttl of days or months (the buyer's window for quotations: ``P2D``, ``P6M`` in the
seller-led journey). Every other rule (domain, signer, our ids, distinct ids, timestamp not
in the future nor past its ttl) is the retail rule, applied by
``adapter.core.context_rules.check_context`` to a retail view of the context, so the two
families cannot drift apart; its errors are re-worded to name B2B's fields.

The ttl returned (which bounds how long the callback is retried) is at most the edge's
``max_ttl``: a long RFQ window keeps the request valid, it does not keep a callback in the
outbox for months.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime, timedelta
from typing import Any, Final

import schemas.b2b
from adapter.core.context_rules import ContextError, EdgePolicy, check_context

__all__ = ["B2B_RFQ_MAX_TTL", "check_b2b_context", "parse_b2b_duration"]

B2B_RFQ_MAX_TTL: Final = timedelta(days=366)
"""The longest RFQ window a ``/select`` may name (a seller-led standing quotation names
months)."""

_DURATION: Final = re.compile(
    r"P(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?"
)
# ISO 8601 leaves a month's and a year's length to the calendar; a window of "P6M" is
# counted in the buyer's favour as 31-day months and 366-day years.
_DAYS_PER: Final = {"years": 366, "months": 31, "weeks": 7}


def parse_b2b_duration(text: str) -> timedelta:
    """An ISO 8601 duration with years, months and weeks too (``P6M``, ``P1Y``,
    ``PT30S``). Raises ``ValueError``."""
    match = _DURATION.fullmatch(text)
    if match is None or text in ("P", "PT") or text.endswith("T"):
        raise ValueError(f"{text!r} is not an ISO 8601 duration")
    parts = {name: float(value) for name, value in match.groupdict().items() if value}
    days = sum(parts.pop(name, 0.0) * per for name, per in _DAYS_PER.items())
    return timedelta(days=days + parts.pop("days", 0.0), **parts)


def _as_retail_duration(ttl: timedelta) -> str:
    return f"P{ttl.days}DT{ttl.seconds + ttl.microseconds / 1e6:g}S"


_RETAIL_NAMES: Final = (
    ("context.city", "context.location.city.code"),
    ("context.country", "context.location.country.code"),
)


def _b2b_error(error: ContextError, ttl_text: str | None) -> ContextError:
    message, path = error.message, error.path
    for retail, b2b in _RETAIL_NAMES:
        message = message.replace(retail, b2b)
        if path == retail:
            path = b2b
    if path == "context.ttl" and ttl_text is not None:
        message = f"context.ttl {ttl_text} is longer than accepted here"
    return type(error)(message, path=path)


def check_b2b_context(
    context: Any,
    *,
    action: str,
    sender_id: str,
    now: datetime,
    policy: EdgePolicy,
) -> timedelta:
    """Apply the B2B 2.0.2 context rules; return the ttl bounding the callback. Raises
    ``ContextError`` naming the B2B field."""
    if not isinstance(context, schemas.b2b.B2BContext):
        raise ContextError("context.location is required (ONDC B2B 2.0.2)", path="context.location")
    if context.city is not None or context.country is not None:
        raise ContextError(
            "context.city/context.country are retail 1.2.x fields; B2B 2.0.2 names them in "
            "context.location",
            path="context.location",
        )
    if context.location is None:
        raise ContextError("context.location is required", path="context.location")
    if context.city_code is None:
        raise ContextError(
            "context.location.city.code is required", path="context.location.city.code"
        )
    if context.country_code is None:
        raise ContextError(
            "context.location.country.code is required", path="context.location.country.code"
        )
    view: dict[str, Any] = {"city": context.city_code, "country": context.country_code}
    ttl_text = context.ttl
    ttl: timedelta | None = None
    if ttl_text is not None:
        try:
            ttl = parse_b2b_duration(ttl_text)
        except ValueError as exc:
            raise ContextError(f"context.ttl: {exc}", path="context.ttl") from None
        view["ttl"] = _as_retail_duration(ttl)
    checked_policy = policy
    if action == "select":
        checked_policy = dataclasses.replace(policy, max_ttl=max(policy.max_ttl, B2B_RFQ_MAX_TTL))
    try:
        checked = check_context(
            context.model_copy(update=view),
            action=action,
            sender_id=sender_id,
            now=now,
            policy=checked_policy,
        )
    except ContextError as error:
        raise _b2b_error(error, ttl_text) from None
    return min(checked, policy.max_ttl)
