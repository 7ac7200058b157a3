"""Sellers' stock feeds and webhooks: SKU and true available count, read leniently and
reported strictly (pure).

A feed is CSV with a header row containing ``sku`` and ``available`` (other columns are
ignored), or JSON: a list of ``{"sku", "available"}`` objects or ``{"items": [...]}``.
Every line that cannot be used is reported with its reason; the good lines are applied.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any, Final

import orjson

__all__ = ["StockFeed", "parse_stock_feed"]


MAX_SKU_CHARS: Final = 64
"""The longest SKU a seller can have (the catalogue's SKU pattern)."""
CSV_FIELD_LIMIT: Final = 2**31 - 1
"""The csv module's field size limit while reading feeds and catalogues: no limit."""


@dataclass(slots=True)
class StockFeed:
    """The counts a feed gives, and what could not be read."""

    counts: list[tuple[str, int]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _count(feed: StockFeed, where: str, sku: Any, available: Any) -> None:
    if not isinstance(sku, str) or not sku.strip():
        feed.problems.append(f"{where}: sku is missing")
        return
    if len(sku.strip()) > MAX_SKU_CHARS:
        feed.problems.append(f"{where}: sku is longer than {MAX_SKU_CHARS} characters")
        return
    try:
        count = int(str(available).strip())
    except ValueError:
        feed.problems.append(f"{where}: available {available!r} is not a whole number")
        return
    if count < 0:
        feed.problems.append(f"{where}: available {count} is negative")
        return
    feed.counts.append((sku.strip(), count))


def parse_stock_feed(content: bytes) -> StockFeed:
    """Read a CSV or JSON stock feed."""
    feed = StockFeed()
    text = content.lstrip()
    if text[:1] in (b"[", b"{"):
        try:
            document = orjson.loads(text)
        except orjson.JSONDecodeError as exc:
            feed.problems.append(f"feed: not JSON: {exc}")
            return feed
        lines = document.get("items") if isinstance(document, dict) else document
        if not isinstance(lines, list):
            feed.problems.append("feed: expected a list of {sku, available}, or {items: [...]}")
            return feed
        for number, line in enumerate(lines, start=1):
            if not isinstance(line, dict):
                feed.problems.append(f"item {number}: expected an object")
                continue
            _count(feed, f"item {number}", line.get("sku"), line.get("available"))
        return feed
    # Any field size is read (a long one is refused by the checks on its row). The csv
    # module's limit is one setting for the whole process: the catalogue importer sets it
    # to this same value, so how a feed is read never depends on what ran before it.
    csv.field_size_limit(max(csv.field_size_limit(), CSV_FIELD_LIMIT))
    try:
        reader = csv.DictReader(io.StringIO(content.decode("utf-8-sig")))
    except UnicodeDecodeError:
        feed.problems.append("feed: not UTF-8 text")
        return feed
    number = 0  # the last row read: the header is row 1
    try:
        if not reader.fieldnames or not {"sku", "available"} <= set(reader.fieldnames):
            feed.problems.append("feed: CSV header must name the columns sku and available")
            return feed
        number = 1
        for number, row in enumerate(reader, start=2):
            _count(feed, f"row {number}", row.get("sku"), row.get("available"))
    except csv.Error as exc:
        # A field past the csv module's limit (128 KiB) or a broken quote: the rows before
        # it stand, the rest of the feed is not read.
        feed.problems.append(
            f"row {number + 1}: cannot be read as CSV ({exc}); rows after it not read"
        )
    return feed
