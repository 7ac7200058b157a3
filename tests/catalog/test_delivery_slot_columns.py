"""A store's delivery slots (retail 1.2.5 slotted delivery) in a catalogue file: the
location's ``slot_minutes``, ``slot_hours``, ``slots_offered`` and ``slot_orders`` columns,
checked like every other cell."""

from __future__ import annotations

import csv
import io

from adapter.catalog.importer import read_catalogue_file
from adapter.catalog.spreadsheet import template_csv


def _sheet(**cells: str) -> bytes:
    """The tea template's example row with ``cells`` filled in."""
    rows = list(csv.reader(io.StringIO(template_csv("Tea and Coffee", "ONDC:RET10").decode())))
    header, example = rows[0], rows[1]
    for column, value in cells.items():
        example[header.index(column)] = value
    out = io.StringIO()
    csv.writer(out).writerows([header, example])
    return out.getvalue().encode()


def test_slot_columns_set_the_store_s_delivery_slots() -> None:
    raw = _sheet(slot_minutes="60", slot_hours="0900-2000", slots_offered="3", slot_orders="6")
    accepted, report = read_catalogue_file("tea.csv", raw)
    assert report.problems == []
    ((_, location, _),) = accepted
    assert (location.slot_minutes, location.slot_hours) == (60, "0900-2000")
    assert (location.slots_offered, location.slot_orders) == (3, 6)


def test_empty_slot_columns_mean_no_slots() -> None:
    accepted, report = read_catalogue_file("tea.csv", _sheet())
    assert report.problems == []
    ((_, location, _),) = accepted
    assert location.slot_minutes == 0


def test_slots_that_do_not_fit_the_hours_are_a_problem_naming_the_column() -> None:
    for cells, words in (
        ({"slot_minutes": "90", "slot_hours": "0900-1000"}, "slot_minutes 90"),
        ({"slot_minutes": "60", "slot_hours": "9am-8pm"}, "slot_hours"),
        ({"slot_minutes": "60", "slots_offered": "0"}, "slots_offered"),
    ):
        _, report = read_catalogue_file("tea.csv", _sheet(**cells))
        assert report.problems, cells
        assert any(words in f"{p.field} {p.reason}" for p in report.problems), report.problems
