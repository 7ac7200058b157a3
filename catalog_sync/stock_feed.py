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
from typing import Any

import orjson

__all__ = ["MAX_FEED_CELL_CHARS", "StockFeed", "parse_stock_feed"]

# A SKU or a count longer than this is refused on its row; the feed's other rows still count.
MAX_FEED_CELL_CHARS = 256


@dataclass(slots=True)
class StockFeed:
    """The counts a feed gives, and what could not be read."""

    counts: list[tuple[str, int]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _count(feed: StockFeed, where: str, sku: Any, available: Any) -> None:
    for name, value in (("sku", sku), ("available", available)):
        if isinstance(value, str) and len(value) > MAX_FEED_CELL_CHARS:
            feed.problems.append(
                f"{where}: {name} is {len(value):,} characters, over the "
                f"{MAX_FEED_CELL_CHARS} a stock feed's cell may hold"
            )
            return
    if not isinstance(sku, str) or not sku.strip():
        feed.problems.append(f"{where}: sku is missing")
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
    # The csv module's field limit is one setting for the whole process, which the catalogue
    # importer raises too: lift it past this feed's size so the outcome never depends on
    # what ran before, and hold each cell to MAX_FEED_CELL_CHARS instead.
    csv.field_size_limit(max(csv.field_size_limit(), len(content) + 1))
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
        # A broken quote: the rows before it stand, the rest of the feed is not read.
        feed.problems.append(
            f"row {number + 1}: cannot be read as CSV ({exc}); rows after it not read"
        )
    return feed
