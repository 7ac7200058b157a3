"""Where the overview's letter-of-intent and complaint figures come from.

Two ports, each one small protocol, so that the parts of the service that own these
figures can feed the overview without the dashboard knowing their tables:

- :class:`LetterSource` answers, district by district, "how much was promised in letters
  of intent, and how much of it was ordered, delivered and paid". :class:`DeskLetters`
  reads the LOI desk (``adapter.storage.loi_desk``: letters linked to the B2B trade that
  realises them, by buyer GSTIN, buyer app and items).
- :class:`ComplaintSource` answers "how many complaints are open and how many are past
  their resolution deadline". :class:`GrievanceComplaints` counts the IGM issues
  (``adapter.storage.issues``); without a source the overview shows "not yet available",
  never a zero it did not count.

:class:`Sources` holds the two for a running service; register a source with
``sources.letters = ...`` / ``sources.complaints = ...``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from adapter.core.clock import Clock
from adapter.igm.reports import OPEN_STATUSES, sla_state
from adapter.storage.issues import IssueStore
from adapter.storage.loi_desk import LoiDesk

__all__ = [
    "ComplaintFigures",
    "ComplaintSource",
    "DeskLetters",
    "GrievanceComplaints",
    "LetterFigures",
    "LetterSource",
    "Sources",
    "total",
]


@dataclass(frozen=True, slots=True)
class LetterFigures:
    """Letters of intent and what became of them, in paise; ``None`` where the source
    does not know."""

    letters: int
    signed_paise: int
    ordered_paise: int | None
    delivered_paise: int | None
    paid_paise: int | None
    # Letters with at least one order placed against them.
    realising: int | None


@dataclass(frozen=True, slots=True)
class ComplaintFigures:
    """Complaints (ONDC IGM issues) open now, and how many of those are past their
    resolution deadline."""

    open: int
    breaching_sla: int


class LetterSource(Protocol):
    """Gives the overview its letter-of-intent figures."""

    async def letter_figures_by_district(self) -> dict[str, LetterFigures]:
        """For each district with letters: its letters and what became of them."""
        ...


class ComplaintSource(Protocol):
    """Gives the overview its complaint figures."""

    async def complaint_figures(self, *, district: str | None) -> ComplaintFigures:
        """Complaints open now (against ``district``'s sellers, if given)."""
        ...


class DeskLetters:
    """The LOI desk's letters by district (signed, ordered, delivered, paid; realising =
    letters with an order placed)."""

    def __init__(self, desk: LoiDesk) -> None:
        self._desk = desk

    async def letter_figures_by_district(self) -> dict[str, LetterFigures]:
        return {
            str(row["district"]): LetterFigures(
                letters=int(row["letters"]),
                signed_paise=int(row["signed_paise"]),
                ordered_paise=int(row["ordered_paise"]),
                delivered_paise=int(row["delivered_paise"]),
                paid_paise=int(row["paid_paise"]),
                realising=int(row["realising"]),
            )
            for row in await self._desk.by_district()
        }


class GrievanceComplaints:
    """Complaints from the grievance desk's issues: open (``OPEN``/``PROCESSING``) and,
    of those, past their resolution time (the IGM report's own SLA rule)."""

    def __init__(self, issues: IssueStore, clock: Clock) -> None:
        self._issues = issues
        self._clock = clock

    async def complaint_figures(self, *, district: str | None) -> ComplaintFigures:
        now = self._clock.now()
        rows = [
            row
            for row in await self._issues.report_rows()
            if row.get("status") in OPEN_STATUSES
            and (district is None or row.get("district") == district)
        ]
        return ComplaintFigures(
            open=len(rows), breaching_sla=sum(1 for row in rows if sla_state(row, now)[1])
        )


def total(figures: list[LetterFigures]) -> LetterFigures:
    """Several districts' letter figures added up (unknown stays unknown)."""

    def added(values: list[int | None]) -> int | None:
        return None if any(v is None for v in values) else sum(v or 0 for v in values)

    return LetterFigures(
        letters=sum(f.letters for f in figures),
        signed_paise=sum(f.signed_paise for f in figures),
        ordered_paise=added([f.ordered_paise for f in figures]),
        delivered_paise=added([f.delivered_paise for f in figures]),
        paid_paise=added([f.paid_paise for f in figures]),
        realising=added([f.realising for f in figures]),
    )


class Sources:
    """The overview's sources for one running service."""

    def __init__(self, letters: LetterSource, complaints: ComplaintSource | None = None) -> None:
        self.letters: LetterSource = letters
        self.complaints: ComplaintSource | None = complaints
