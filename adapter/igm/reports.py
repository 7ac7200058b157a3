"""Complaints for the department (pure): by district, product and seller, the open ones,
escalations, and response and resolution times against the times each issue set.

The input is the store's reportable facts of each issue (``IssueStore.report_rows``: no
issue document, so no complainant's name, phone, e-mail or address); the output is a set
of tables with the same shape as the dashboard's (``id``, ``title``, ``columns``,
``labels``, ``rows``), so the dashboard shows and exports them (CSV, XLSX) like its other
views.

ONDC's service levels for a grievance are the times the issue itself carries:
``expected_response_time`` (ONDC's default is one hour) and ``expected_resolution_time``
(one day at level ``ISSUE``). An issue breaches its response time if our first answer came
after it (or has not come and it has passed), and its resolution time likewise. An issue
is escalated once our grievance officer owns it: the buyer app raised its level, or the
officer took it over when the seller left it unresolved past its resolution time; the open
complaints name their owner (the seller, or the officer and how to reach him).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

__all__ = ["GrievanceTable", "grievance_report", "sla_state"]

OPEN_STATUSES: Final = frozenset({"OPEN", "PROCESSING"})
_OPEN: Final = OPEN_STATUSES
_UNKNOWN: Final = "(unknown)"


@dataclass(frozen=True, slots=True)
class GrievanceTable:
    """One table of the report: its id (the export's name), title, column keys and
    labels, and rows."""

    id: str
    title: str
    columns: list[str]
    labels: list[str]
    rows: list[list[Any]]

    def records(self) -> list[dict[str, Any]]:
        """The rows as JSON objects keyed by column."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


def _late(done: datetime | None, due: datetime | None, now: datetime) -> bool:
    if due is None:
        return False
    return (done or now) > due


def sla_state(row: Mapping[str, Any], now: datetime) -> tuple[bool, bool]:
    """Whether the issue breached (or is breaching) its response and its resolution time."""
    response = _late(row.get("responded_at"), row.get("respond_by"), now)
    resolved = row.get("resolved_at")
    if resolved is None and row.get("status") == "CLOSED":
        resolved = row.get("closed_at")
    resolution = _late(resolved, row.get("resolve_by"), now)
    return response, resolution


def _minutes(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return (end - start).total_seconds() / 60


def _median(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(statistics.median(present), 1) if present else None


def _grouped(
    rows: Sequence[Mapping[str, Any]],
    key: Callable[[Mapping[str, Any]], tuple[str, ...]],
    now: datetime,
) -> list[list[Any]]:
    groups: dict[tuple[str, ...], list[Mapping[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[key(row)].append(row)
    table = []
    for name, members in sorted(groups.items(), key=lambda item: (-len(item[1]), item[0])):
        states = [sla_state(m, now) for m in members]
        table.append(
            [
                *name,
                len(members),
                sum(m.get("status") in _OPEN for m in members),
                sum(m.get("resolved_at") is not None for m in members),
                sum(m.get("escalated_at") is not None for m in members),
                sum(response for response, _ in states),
                sum(resolution for _, resolution in states),
                _median(_minutes(m.get("created_at"), m.get("responded_at")) for m in members),
                _median(_minutes(m.get("created_at"), m.get("resolved_at")) for m in members),
            ]
        )
    return table


_COUNTS: Final = [
    ("complaints", "Complaints"),
    ("open", "Open"),
    ("resolved", "Resolved"),
    ("escalated", "Escalated to the GRO"),
    ("late_response", "Answered late"),
    ("late_resolution", "Resolved late / overdue"),
    ("median_response_minutes", "Median minutes to first answer"),
    ("median_resolution_minutes", "Median minutes to resolution"),
]


def _text(value: Any) -> str:
    return value if isinstance(value, str) and value else _UNKNOWN


def grievance_report(
    rows: Sequence[Mapping[str, Any]], *, now: datetime, officer: str = "grievance officer"
) -> list[GrievanceTable]:
    """The department's grievance tables over ``rows`` (``IssueStore.report_rows``);
    ``officer`` names our grievance officer (and his contact) as the owner of the open
    complaints he has taken over."""
    keys, labels = [k for k, _ in _COUNTS], [label for _, label in _COUNTS]
    by_district = GrievanceTable(
        "grievances_by_district", "Complaints by district", ["district", *keys],
        ["District", *labels],
        _grouped(rows, lambda r: (_text(r.get("district")),), now),
    )  # fmt: skip
    by_product = GrievanceTable(
        "grievances_by_product", "Complaints by product", ["district", "product", *keys],
        ["District", "Product", *labels],
        _grouped(rows, lambda r: (_text(r.get("district")), _text(r.get("product"))), now),
    )  # fmt: skip
    by_seller = GrievanceTable(
        "grievances_by_seller", "Complaints by seller", ["seller", *keys], ["Seller", *labels],
        _grouped(rows, lambda r: (_text(r.get("seller_code")),), now),
    )  # fmt: skip
    open_rows = []
    for row in sorted(rows, key=lambda r: (r.get("resolve_by") is None, r.get("resolve_by"))):
        if row.get("status") not in _OPEN:
            continue
        late_response, late_resolution = sla_state(row, now)
        open_rows.append(
            [
                row.get("id"), _text(row.get("district")), _text(row.get("product")),
                _text(row.get("seller_code")), row.get("order_id"), row.get("category"),
                row.get("status"), row.get("level"), row.get("created_at"),
                row.get("resolve_by"), late_response or late_resolution,
                officer if row.get("escalated_at") is not None else _text(row.get("seller_code")),
            ]
        )  # fmt: skip
    open_issues = GrievanceTable(
        "grievances_open",
        "Open complaints, soonest due first",
        ["id", "district", "product", "seller", "order_id", "category", "status", "level",
         "raised_at", "resolve_by", "breaching", "owner"],
        ["Complaint", "District", "Product", "Seller", "Order", "Complaint code", "Status",
         "Level", "Raised at", "Resolve by", "Breaching its times", "Owner"],
        open_rows,
    )  # fmt: skip
    return [by_district, by_product, by_seller, open_issues]
