"""Context rules for inbound requests: who may send what, and when (pure).

ONDC retail 1.2.0 context (``ondc-retail-1.2.md``, the validator's ``checkContext``; the
version is checked where the request's family is chosen, ``adapter.core.contracts``):
a supported ``domain``, ``country`` "IND", ``city``
``std:<code>`` or ``*``, ``bap_id`` equal to the signer, ``bpp_id``/``bpp_uri`` ours (absent
on search), distinct ``transaction_id`` and ``message_id``, an RFC 3339 ``timestamp`` that
is neither in the future nor older than the ``ttl`` (an ISO 8601 duration). Each broken rule
raises :class:`ContextError` naming the field, which the edge answers with a NACK.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import ClassVar, Final

import schemas
from adapter.core.errors import NetworkError

__all__ = ["ContextError", "EdgePolicy", "StaleRequest", "check_context", "parse_duration"]

_DURATION: Final = re.compile(
    r"P(?:(?P<days>\d+)D)?(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?"
    r"(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?"
)
_CITY: Final = re.compile(r"std:\d{2,6}|\*")
_MAX_ID_LENGTH: Final = 255


class ContextError(NetworkError):
    """A context field breaks an ONDC rule (ONDC 30000, HTTP 400)."""

    code: ClassVar[str] = "30000"
    http_status: ClassVar[int] = 400
    error_type: ClassVar[str] = "CONTEXT-ERROR"


class StaleRequest(ContextError):
    """The request's timestamp is older than its ttl (ONDC 30022)."""

    code: ClassVar[str] = "30022"


@lru_cache(maxsize=64)
def parse_duration(text: str) -> timedelta:
    """An ISO 8601 duration of days, hours, minutes and seconds (``PT30S``, ``P1D``).

    Cached: buyer apps send a handful of ttls (``PT30S`` on almost every request).
    """
    match = _DURATION.fullmatch(text)
    if match is None or text in ("P", "PT") or text.endswith("T"):
        raise ValueError(f"{text!r} is not an ISO 8601 duration")
    parts = {name: float(value) for name, value in match.groupdict().items() if value}
    return timedelta(**parts)


@dataclass(frozen=True, slots=True)
class EdgePolicy:
    """What this deployment accepts: our identity, domains, clock tolerance and the
    longest ``ttl`` (a request's ttl also bounds how long its callback is retried and how
    old it may be when it arrives, so a ten-year ttl is refused)."""

    subscriber_id: str
    subscriber_url: str
    domains: frozenset[str]
    clock_skew: timedelta = timedelta(seconds=5)
    max_ttl: timedelta = timedelta(days=2)


def _require(value: str | None, field: str) -> str:
    if value is None or not value.strip():
        raise ContextError(f"{field} is required", path=field)
    return value


def _same_url(left: str, right: str) -> bool:
    return left.rstrip("/") == right.rstrip("/")


def check_context(
    context: schemas.Context,
    *,
    action: str,
    sender_id: str,
    now: datetime,
    policy: EdgePolicy,
) -> timedelta:
    """Apply every rule; return the request's ttl. Raises :class:`ContextError`."""
    if context.action != action:
        raise ContextError(
            f"context.action is {context.action!r} but the request was posted to /{action}",
            path="context.action",
        )
    domain = _require(context.domain, "context.domain")
    if domain not in policy.domains:
        raise ContextError(
            f"context.domain {domain!r} is not served here; served: "
            f"{', '.join(sorted(policy.domains))}",
            path="context.domain",
        )
    if _require(context.country, "context.country") != "IND":
        raise ContextError("context.country must be IND", path="context.country")
    city = _require(context.city, "context.city")
    if not _CITY.fullmatch(city):
        raise ContextError(
            f"context.city {city!r} is not std:<STD code> (with its leading zero) or *",
            path="context.city",
        )
    bap_id = _require(context.bap_id, "context.bap_id")
    if bap_id != sender_id:
        raise ContextError(
            f"context.bap_id {bap_id!r} is not the signer of the request ({sender_id!r})",
            path="context.bap_id",
        )
    bap_uri = _require(context.bap_uri, "context.bap_uri")
    if not bap_uri.startswith(("https://", "http://")):
        raise ContextError("context.bap_uri must be an http(s) URL", path="context.bap_uri")
    if action != "search" or context.bpp_id is not None:
        bpp_id = _require(context.bpp_id, "context.bpp_id")
        if bpp_id != policy.subscriber_id:
            raise ContextError(
                f"context.bpp_id {bpp_id!r} is not this seller app ({policy.subscriber_id!r})",
                path="context.bpp_id",
            )
    if context.bpp_uri is not None and not _same_url(context.bpp_uri, policy.subscriber_url):
        raise ContextError(
            f"context.bpp_uri {context.bpp_uri!r} is not ours ({policy.subscriber_url!r})",
            path="context.bpp_uri",
        )
    transaction_id = _require(context.transaction_id, "context.transaction_id")
    message_id = _require(context.message_id, "context.message_id")
    for field, value in (("transaction_id", transaction_id), ("message_id", message_id)):
        # The audit log and the orders keep ids in columns of 255 characters.
        if len(value) > _MAX_ID_LENGTH:
            raise ContextError(
                f"context.{field} is {len(value)} characters long; at most {_MAX_ID_LENGTH}",
                path=f"context.{field}",
            )
    if transaction_id == message_id:
        raise ContextError(
            "context.transaction_id and context.message_id must differ",
            path="context.message_id",
        )
    stamp = _require(context.timestamp, "context.timestamp")
    try:
        sent_at = schemas.parse_timestamp(stamp)
    except ValueError as exc:
        raise ContextError(f"context.timestamp: {exc}", path="context.timestamp") from None
    try:
        ttl = parse_duration(_require(context.ttl, "context.ttl"))
    except ValueError as exc:
        raise ContextError(f"context.ttl: {exc}", path="context.ttl") from None
    if ttl > policy.max_ttl:
        raise ContextError(
            f"context.ttl {context.ttl} is longer than the {policy.max_ttl.total_seconds():.0f} s "
            "accepted here",
            path="context.ttl",
        )
    if sent_at > now + policy.clock_skew:
        raise ContextError(
            f"context.timestamp {stamp} is {(sent_at - now).total_seconds():.1f} s in the future",
            path="context.timestamp",
        )
    if now - sent_at > ttl:
        raise StaleRequest(
            f"request is stale: context.timestamp is {stamp} and its ttl {context.ttl} ran out "
            f"{(now - sent_at - ttl).total_seconds():.1f} s ago",
            path="context.timestamp",
        )
    return ttl
