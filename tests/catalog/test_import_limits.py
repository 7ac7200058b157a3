"""The limits that bound what one catalogue file can take: past each, one clear problem."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from adapter.catalog import importer, sheets
from adapter.catalog.importer import read_catalogue_file
from adapter.cli import app
from tests.catalog.test_import_files import _text
from tests.catalog.test_spreadsheet import _rows, _xlsx
from tests.fixtures import REPO_ROOT

DEMO = (REPO_ROOT / "config" / "demo" / "odop-catalogue.json").read_bytes()


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_spreadsheet_over_the_row_limit_is_refused_naming_the_limit(
    kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sheets, "MAX_ROWS", 18)
    raw = _text(_rows()).encode() if kind == "csv" else _xlsx(_rows())
    _, report = read_catalogue_file(f"odop.{kind}", raw)
    assert report.unusable == (
        "more than 18 item rows (row 20); split the catalogue into several files"
    )
    assert report.landed == []


def test_a_json_catalogue_over_the_row_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer, "MAX_ROWS", 18)
    _, report = read_catalogue_file("odop.json", DEMO)
    assert report.unusable is not None
    assert report.unusable.startswith("19 items, more than the 18 one file may hold")


@pytest.mark.parametrize("kind", ["csv", "xlsx", "json"])
def test_a_file_over_the_size_limit_is_refused_before_it_is_read(
    kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sheets, "MAX_FILE_BYTES", 2 * 1024 * 1024)
    padding = b" " * (3 * 1024 * 1024)
    raw = {"csv": _text(_rows()).encode() + padding, "xlsx": _xlsx(_rows()) + padding,
           "json": DEMO + padding}[kind]  # fmt: skip
    _, report = read_catalogue_file(f"odop.{kind}", raw)
    assert report.unusable is not None
    assert "over the 2 MB limit" in report.unusable


def test_a_workbook_that_unpacks_past_the_limit_is_refused_unread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sheets, "MAX_UNPACKED_BYTES", 1024 * 1024)
    rows = _rows() * 40
    for number, row in enumerate(rows):
        row["sku"] = f"sku-{number}"
    _, report = read_catalogue_file("odop.xlsx", _xlsx(rows))
    assert report.unusable is not None
    assert report.unusable.startswith("the workbook unpacks to")
    assert orjson.dumps(report.problems)  # plain data, printable as the report


def test_a_workbook_whose_shared_text_unpacks_past_the_limit_is_refused_unread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sheets, "MAX_SHARED_TEXT_BYTES", 4096)
    out = io.BytesIO(_xlsx(_rows()))
    with zipfile.ZipFile(out, "a") as archive:
        text = "".join(f"<si><t>{n} ऊन</t></si>" for n in range(400))
        archive.writestr("xl/sharedStrings.xml", f"<sst>{text}</sst>")
    _, report = read_catalogue_file("odop.xlsx", out.getvalue())
    assert report.unusable is not None
    assert report.unusable.startswith("the workbook's shared text unpacks to")


def test_the_commands_refuse_a_file_over_the_size_limit_without_reading_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sheets, "MAX_FILE_BYTES", 1024 * 1024)
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as out:
        out.truncate(3 * 1024 * 1024)  # sparse: nothing the command reads is written
    for command in ("validate", "import"):
        result = CliRunner().invoke(app, ["catalog", command, str(huge)])
        assert result.exit_code == 2, result.output
        assert "UNUSABLE file: the file is 3.0 MB, over the 1 MB limit" in result.output
