"""Time on the wire: RFC 3339 timestamps kept as text, and the Beckn ``Time`` object.

A timestamp is validated but never re-formatted: ``"2025-03-31T16:45:45.969Z"`` is stored
and written back exactly as received, milliseconds included, because the body we pass on
or sign must be the body we were given. ``parse_timestamp`` turns the text into a
``datetime`` for comparisons; ``format_timestamp`` writes our own timestamps in the form
ONDC requires (RFC 3339, UTC, milliseconds, ``Z``).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from typing import Annotated, TypeAlias

from pydantic import AfterValidator

from schemas._base import WireModel

_RFC3339 = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})[Tt ]"
    r"(?P<time>\d{2}:\d{2}:\d{2})(?:\.(?P<fraction>\d+))?"
    r"(?P<offset>[Zz]|[+-]\d{2}:?\d{2})"
)


@lru_cache(maxsize=1024)
def parse_timestamp(text: str) -> datetime:
    """Read an RFC 3339 timestamp into an aware ``datetime``.

    Cached: a request's timestamp is read when its model is validated, again by the
    context rules and for its callback's deadline.

    Loose in form, strict in meaning: ``T`` or a space may separate date and time, the
    fraction may have any number of digits (kept to microseconds), ``Z``/``z`` or an offset
    with or without a colon ends it. A timestamp without an offset is rejected, because its
    instant is unknown (ONDC retail 1.2.0 context rules: RFC 3339 with ``Z``).

    Raises ``ValueError`` if the text is not such a timestamp or names no real instant.
    """
    match = _RFC3339.fullmatch(text)
    if match is None:
        raise ValueError(f"not an RFC 3339 timestamp with an offset: {text!r}")
    fraction = (match["fraction"] or "")[:6].ljust(6, "0")
    offset = match["offset"]
    if offset in ("Z", "z"):
        zone = UTC
    else:
        sign = -1 if offset[0] == "-" else 1
        digits = offset[1:].replace(":", "")
        delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        zone = timezone(sign * delta)
    naive = datetime.fromisoformat(f"{match['date']}T{match['time']}.{fraction}")
    return naive.replace(tzinfo=zone)


def format_timestamp(moment: datetime) -> str:
    """Write an aware ``datetime`` as ONDC wants it: UTC, milliseconds, ``Z``.

    ``2025-03-31T16:45:45.969Z`` (ONDC retail 1.2.0, context ``timestamp``). Sub-millisecond
    digits are dropped, not rounded, so a formatted time never lies in the future of the
    instant it came from. Raises ``ValueError`` for a naive ``datetime``.
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("format_timestamp needs an aware datetime; a naive one has no instant")
    # Sliced from ``isoformat()`` (a four-digit year, so fixed places; called without
    # arguments, which are parsed at a cost): several times cheaper than ``strftime``.
    utc = moment.astimezone(UTC)
    text = utc.isoformat()
    if utc.microsecond:
        return text[:23] + "Z"  # "YYYY-MM-DDTHH:MM:SS.fff", the rest of the fraction dropped
    return text[:19] + ".000Z"


def _check_timestamp(text: str) -> str:
    parse_timestamp(text)
    return text


Timestamp: TypeAlias = Annotated[str, AfterValidator(_check_timestamp)]
"""An RFC 3339 timestamp kept exactly as received (Beckn core 1.2.0 ``date-time``).

Validated with ``parse_timestamp``; the model stores and writes back the original text.
"""


class TimeRange(WireModel):
    """A ``range`` of a Beckn ``Time`` (Beckn core 1.2.0 ``Time.range``).

    ``start`` and ``end`` are plain text: fulfilment windows carry RFC 3339 timestamps, but
    ONDC retail 1.2.0 store and schedule hours are ``"HHMM"`` (``"0900"``, ``"2100"``).
    """

    start: str | None = None
    end: str | None = None


class Schedule(WireModel):
    """Recurring availability (Beckn core 1.2.0 ``Schedule``; ONDC store timings).

    ``holidays`` are dates (``"2023-08-15"``), ``frequency`` an ISO 8601 duration,
    ``times`` RFC 3339 timestamps or ``"HHMM"`` values.
    """

    frequency: str | None = None
    holidays: list[str] | None = None
    times: list[str] | None = None
    range: TimeRange | None = None


class Time(WireModel):
    """A Beckn ``Time`` (Beckn core 1.2.0): a label with an instant, a range or a schedule.

    ONDC retail 1.2.0 uses ``label`` ``enable``/``disable`` with ``timestamp`` for items
    and stores, ``days`` (``"1,2,3,4,5,6,7"``) with ``schedule`` for store hours, and
    ``range`` for fulfilment windows.
    """

    label: str | None = None
    timestamp: Timestamp | None = None
    duration: str | None = None
    range: TimeRange | None = None
    days: str | None = None
    schedule: Schedule | None = None
