"""Subscriber records as the registry returns them from ``/lookup`` and ``/v2.0/lookup``.

Registries in the field spell the same things several ways: the key id as ``ukId``,
``ukid``, ``unique_key_id`` or ``br_id``; the encryption key as ``encr_public_key`` or
``encryption_public_key``; the URL flat or under ``network_participant[]`` (relative to the
subscriber id). :func:`parse_records` reads all of them into one shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

__all__ = ["SubscriberRecord", "parse_records"]


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def _first_str(record: dict[str, Any], *names: str) -> str | None:
    for name in names:
        value = record.get(name)
        if isinstance(value, str) and value:
            return value
    return None


@dataclass(frozen=True, slots=True)
class SubscriberRecord:
    """One registry entry: a subscriber's key under one unique key id."""

    subscriber_id: str
    unique_key_id: str | None
    signing_public_key: str
    encryption_public_key: str | None
    subscriber_url: str | None
    type: str | None
    domain: str | None
    status: str | None
    valid_from: datetime | None
    valid_until: datetime | None

    def is_live(self, now: datetime) -> bool:
        """Subscribed (or status not given) and inside its validity window."""
        if self.status is not None and self.status.upper() != "SUBSCRIBED":
            return False
        if self.valid_from is not None and now < self.valid_from:
            return False
        return not (self.valid_until is not None and now >= self.valid_until)


def _record(raw: dict[str, Any]) -> SubscriberRecord | None:
    subscriber_id = _first_str(raw, "subscriber_id")
    signing_key = _first_str(raw, "signing_public_key")
    if subscriber_id is None or signing_key is None:
        return None
    url = _first_str(raw, "subscriber_url")
    participants = raw.get("network_participant")
    if url is None and isinstance(participants, list) and participants:
        first = participants[0] if isinstance(participants[0], dict) else {}
        relative = _first_str(first, "subscriber_url")
        if relative is not None:
            url = relative if "://" in relative else f"https://{subscriber_id}{relative}"
    return SubscriberRecord(
        subscriber_id=subscriber_id,
        unique_key_id=_first_str(raw, "ukId", "ukid", "unique_key_id", "br_id"),
        signing_public_key=signing_key,
        encryption_public_key=_first_str(raw, "encr_public_key", "encryption_public_key"),
        subscriber_url=url,
        type=_first_str(raw, "type"),
        domain=_first_str(raw, "domain"),
        status=_first_str(raw, "status"),
        valid_from=_parse_time(raw.get("valid_from")),
        valid_until=_parse_time(raw.get("valid_until")),
    )


def parse_records(payload: Any) -> list[SubscriberRecord]:
    """Every usable record in a lookup response (a JSON array; a lone object is accepted)."""
    items = payload if isinstance(payload, list) else [payload] if isinstance(payload, dict) else []
    records = [_record(item) for item in items if isinstance(item, dict)]
    return [record for record in records if record is not None]
