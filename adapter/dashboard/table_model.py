"""The shapes every dashboard view is made of: who is looking (:class:`Viewer`), a table
and its rows (:class:`Table`), a heading and its tables (:class:`Section`); and which
tables each login may see (:func:`table_ids`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final, Literal

__all__ = [
    "LOI_TABLES",
    "ROWS_ON_PAGE",
    "Role",
    "Section",
    "Table",
    "Viewer",
    "table_ids",
]

ROWS_ON_PAGE: Final = 400
"""A table longer than this shows its first rows on the page (a year's days fit); the
exports and the JSON API hold every row."""

Role = Literal["operator", "viewer", "seller"]


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is looking: an operator, a department viewer, or one seller."""

    role: Role
    seller_code: str | None = None
    label: str = ""
    # The signed-in session's token for its forms; None when signed in by a bearer token.
    csrf: str | None = None


@dataclass(slots=True)
class Table:
    """One table: its id (the export's name), title, column keys and labels, rows."""

    id: str
    title: str
    columns: list[str]
    labels: list[str]
    rows: list[list[Any]]
    chart: Literal["bar", "line", "stacked"] | None = None
    chart_value: str | None = None
    # The columns whose values make up each bar (bottom or left first): a stacked chart's,
    # or a bar chart's when its bars are split (B2C and B2B value).
    parts: list[str] = field(default_factory=list)
    # Further stacked charts over the same rows, each the columns making up the whole
    # another way (the timeline's orders: live and cancelled, then B2C and B2B).
    more_stacks: list[list[str]] = field(default_factory=list)
    # How many rows the whole table has, when ``rows`` holds only the first of them.
    total: int | None = None

    def records(self) -> list[dict[str, Any]]:
        """The rows as JSON objects keyed by column."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


@dataclass(slots=True)
class Section:
    """A heading and its tables."""

    title: str
    tables: list[Table] = field(default_factory=list)


LOI_TABLES: Final = (
    "loi_values",
    "loi_stages",
    "loi_by_district",
    "loi_by_product",
    "loi_on_paper",
)
"""The letters-of-intent view's tables (``adapter.dashboard.loi_view``), in page order."""

_NETWORK_ONLY: Final = frozenset(
    {"ack_latency", "callbacks", "delivery", "parked", "letters", "held_items", *LOI_TABLES}
)


def table_ids(viewer: Viewer) -> list[str]:
    """The tables ``viewer`` may see, in page order."""
    ids = [
        "funnel",
        "timeline",
        "by_district",
        "by_product",
        "by_gi",
        "by_seller",
        "reasons_by_district",
        "reasons_by_seller",
        "ack_latency",
        "callbacks",
        "delivery",
        "parked",
        "late_to_ship",
        "coverage",
        "held_items",
        "letters",
        *LOI_TABLES,
    ]
    if viewer.role == "seller":
        return [i for i in ids if i not in _NETWORK_ONLY]
    return ids
