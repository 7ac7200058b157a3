"""Where the overview's letter-of-intent and complaint figures come from.

Two ports, each one small protocol, so that the parts of the service that own these
figures can feed the overview without the dashboard knowing their tables:

- :class:`LetterSource` answers, district by district, "how much was promised in letters
  of intent, and how much of it was ordered, delivered and paid". :class:`DeskLetters`
  reads the LOI desk (``adapter.storage.loi_desk``: letters linked to the B2B trade that
  realises them, so delivered and paid are known) once it holds any letter, and until then
  the older register (:class:`RegisterLetters`), which knows what was signed and what was
  ordered against each letter but not deliveries or payments: those stay ``None`` and the
  page says "not yet available".
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
from adapter.storage.letters import LettersOfIntent
from adapter.storage.loi_desk import LoiDesk

__all__ = [
    "ComplaintFigures",
    "ComplaintSource",
    "DeskLetters",
    "GrievanceComplaints",
    "LetterFigures",
    "LetterSource",
    "RegisterLetters",
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


class RegisterLetters:
    """The letters register as it is: signed value and the value of orders placed
    against each letter; deliveries and payments are not recorded there."""

    def __init__(self, letters: LettersOfIntent) -> None:
        self._letters = letters

    async def letter_figures_by_district(self) -> dict[str, LetterFigures]:
        return {
            row["district"]: LetterFigures(
                letters=int(row["letters"]),
                signed_paise=int(row["value_paise"] or 0),
                ordered_paise=int(row["realised_paise"] or 0),
                delivered_paise=None,
                paid_paise=None,
                realising=int(row["realising"]),
            )
            for row in await self._letters.by_district()
        }


class DeskLetters:
    """The LOI desk's letters by district (signed, ordered, delivered, paid; realising =
    letters with an order placed), or ``fallback``'s while the desk holds none."""

    def __init__(self, desk: LoiDesk, fallback: LetterSource) -> None:
        self._desk = desk
        self._fallback = fallback

    async def letter_figures_by_district(self) -> dict[str, LetterFigures]:
        letters = await self._desk.letters(district=None)
        if not letters:
            return await self._fallback.letter_figures_by_district()
        figures: dict[str, LetterFigures] = {}
        for letter in letters:
            before = figures.get(str(letter["district"]))
            ordered = int(letter["ordered_paise"])
            figures[str(letter["district"])] = LetterFigures(
                letters=(before.letters if before else 0) + 1,
                signed_paise=(before.signed_paise if before else 0) + int(letter["value_paise"]),
                ordered_paise=(before.ordered_paise or 0 if before else 0) + ordered,
                delivered_paise=(before.delivered_paise or 0 if before else 0)
                + int(letter["delivered_paise"]),
                paid_paise=(before.paid_paise or 0 if before else 0) + int(letter["paid_paise"]),
                realising=(before.realising or 0 if before else 0) + int(ordered > 0),
            )
        return figures


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
