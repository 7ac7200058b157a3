"""Incremental catalogue refresh requests (ONDC retail 1.2.0, ``/search`` ``catalog_inc``).

A search whose intent carries the ``catalog_inc`` tag group asks either to *pull* the
changes of a time range (``start_time`` and ``end_time``: answered by one ``on_search``
with the items changed then) or to *start* or *stop* a push subscription (``mode``: no
reply; while it lasts, each change is pushed as an unsolicited ``on_search`` with a fresh
message id in the subscription's transaction).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import schemas

__all__ = ["IncrementalRequest", "incremental_request"]


@dataclass(frozen=True, slots=True)
class IncrementalRequest:
    """What a ``catalog_inc`` search asks for."""

    mode: Literal["pull", "start", "stop"]
    start: datetime | None = None
    end: datetime | None = None


def incremental_request(search: schemas.SearchRequest) -> IncrementalRequest | None:
    """The incremental refresh a search asks for, or ``None`` for an ordinary search.

    Raises ``ValueError`` naming the tag when the request is malformed.
    """
    intent = search.message.intent if search.message else None
    group = schemas.find_tag_group(intent.tags if intent else None, "catalog_inc")
    if group is None:
        return None
    mode = group.value_of("mode")
    if mode == "start":
        return IncrementalRequest(mode="start")
    if mode == "stop":
        return IncrementalRequest(mode="stop")
    if mode is not None:
        raise ValueError(f"catalog_inc mode is {mode!r}; expected start or stop")
    start, end = group.value_of("start_time"), group.value_of("end_time")
    if not isinstance(start, str) or not isinstance(end, str):
        raise ValueError("catalog_inc needs mode, or start_time and end_time")
    begins, ends = schemas.parse_timestamp(start), schemas.parse_timestamp(end)
    if ends < begins:
        raise ValueError("catalog_inc end_time is before its start_time")
    return IncrementalRequest(mode="pull", start=begins, end=ends)
