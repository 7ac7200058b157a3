"""Timestamps: validated as RFC 3339, kept as received, written with milliseconds and Z."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

import schemas
from tests.schemas.examples import load


def _context(timestamp: str) -> bytes:
    return b'{"action":"search","timestamp":"' + timestamp.encode() + b'"}'


@pytest.mark.parametrize(
    "timestamp",
    [
        "2025-03-31T16:45:45.969Z",
        "2025-03-31T16:45:45.900Z",
        "2025-03-31T16:45:45Z",
        "2025-03-31T22:15:45.969+05:30",
        "2025-03-31T16:45:45.969123456Z",
        "2025-03-31t16:45:45.969z",
    ],
)
def test_a_timestamp_is_kept_exactly_as_received(timestamp: str) -> None:
    context = schemas.parse(schemas.Context, _context(timestamp))

    assert context.timestamp == timestamp
    assert load(schemas.dump(context))["timestamp"] == timestamp


def test_milliseconds_survive_a_round_trip_even_when_they_end_in_zeros() -> None:
    raw = _context("2025-03-31T16:45:45.000Z")

    assert schemas.dump(schemas.parse(schemas.Context, raw)) == raw


@pytest.mark.parametrize(
    "timestamp",
    ["2025-03-31T16:45:45.969", "2025-03-31", "31/03/2025 16:45", "2025-02-30T10:00:00Z", ""],
    ids=["no-offset", "date-only", "not-rfc3339", "no-such-day", "empty"],
)
def test_a_malformed_timestamp_is_rejected(timestamp: str) -> None:
    with pytest.raises(ValidationError):
        schemas.parse(schemas.Context, _context(timestamp))


def test_parse_timestamp_reads_zulu_and_offsets_to_the_same_instant() -> None:
    zulu = schemas.parse_timestamp("2025-03-31T16:45:45.969Z")
    offset = schemas.parse_timestamp("2025-03-31T22:15:45.969+05:30")

    assert zulu == datetime(2025, 3, 31, 16, 45, 45, 969000, tzinfo=UTC)
    assert offset == zulu
    assert offset.utcoffset() == timedelta(hours=5, minutes=30)


def test_format_timestamp_writes_utc_with_milliseconds_and_z() -> None:
    ist = timezone(timedelta(hours=5, minutes=30))

    assert (
        schemas.format_timestamp(datetime(2025, 3, 31, 22, 15, 45, 969999, tzinfo=ist))
        == "2025-03-31T16:45:45.969Z"
    )
    assert (
        schemas.format_timestamp(datetime(2025, 3, 31, 16, 45, 45, tzinfo=UTC))
        == "2025-03-31T16:45:45.000Z"
    )


def test_format_timestamp_drops_digits_below_the_millisecond_without_rounding() -> None:
    assert (
        schemas.format_timestamp(datetime(2025, 3, 31, 16, 45, 45, 999, tzinfo=UTC))
        == "2025-03-31T16:45:45.000Z"
    )
    assert (
        schemas.format_timestamp(datetime(2025, 12, 31, 23, 59, 59, 999999, tzinfo=UTC))
        == "2025-12-31T23:59:59.999Z"
    )


def test_format_timestamp_refuses_a_naive_datetime() -> None:
    with pytest.raises(ValueError, match="aware"):
        schemas.format_timestamp(datetime(2025, 3, 31, 16, 45, 45))


def test_a_formatted_timestamp_parses_back_to_the_same_millisecond() -> None:
    moment = datetime(2026, 11, 23, 10, 0, 0, 123000, tzinfo=UTC)

    assert schemas.parse_timestamp(schemas.format_timestamp(moment)) == moment
