"""A header line longer than the csv module's default field limit is a file problem named
as such, whatever the process-wide limit was before (it was a 500 on the LOI import of a
freshly started server, where nothing had raised the limit yet)."""

from __future__ import annotations

import csv
from collections.abc import Iterator

import pytest

from adapter.catalog.sheets import FileUnusable, csv_sheet


@pytest.fixture
def default_csv_limit() -> Iterator[None]:
    before = csv.field_size_limit()
    csv.field_size_limit(131_072)  # the csv module's default
    try:
        yield
    finally:
        csv.field_size_limit(before)


@pytest.mark.usefixtures("default_csv_limit")
def test_a_one_cell_header_past_128_kib_is_an_unusable_file_not_a_csv_error() -> None:
    with pytest.raises(FileUnusable, match="separator"):
        csv_sheet(b"{}" + b" " * 200_000 + b"\n", lambda name: False)


@pytest.mark.usefixtures("default_csv_limit")
def test_a_long_quoted_header_cell_is_read() -> None:
    long_name = "a" * 200_000
    sheet = csv_sheet(f'"{long_name}",b\n1,2\n'.encode(), lambda name: name == "b")
    assert len(sheet.header) == 2
