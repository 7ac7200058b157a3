"""The largest values the schema's integer columns hold, for the edges that take them.

A number past a column's range is refused where it comes in (422 naming the field), not
by the database driver: SQLite's driver raises ``OverflowError`` past 64 bits and
PostgreSQL refuses an ``integer`` past 32, both of which surfaced as a 500.
"""

from __future__ import annotations

from typing import Final

__all__ = ["MAX_COUNT", "MAX_ROW_ID"]

MAX_ROW_ID: Final = 2**63 - 1
"""Row ids (``BigInteger`` on PostgreSQL, SQLite's 64-bit ``INTEGER``)."""

MAX_COUNT: Final = 2**31 - 1
"""Stock counts and quantities (``Integer`` columns: 32 bits on PostgreSQL)."""
