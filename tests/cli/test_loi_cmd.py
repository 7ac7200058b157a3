"""``ondc-seller loi import``, ``loi report`` and ``loi sweep`` on a SQLite file."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from adapter.cli import app
from tests.fixtures import REPO_ROOT, settings_values

DEMO = REPO_ROOT / "config" / "demo" / "odop-catalogue.json"
runner = CliRunner()

SHEET = (
    "reference,buyer_name,buyer_gstin,district,product,value,signed_on,seller_code,sku,"
    "quantity,unit_price\n"
    "L1,Alpine Exports,02ABCDE1234F1Z5,Kinnaur,Kinnauri Shawl,900000,2026-01-15,"
    "odopkinnaur,odopkinnaur02,40,22500\n"
    "L2,Tea House,,Kangra,Kangra Tea,50000,2026-01-15,odopkangra,odopkangra01,0,500\n"
)


def test_letters_import_with_a_row_report_then_report_and_sweep(tmp_path: Path) -> None:
    env = {k: str(v) for k, v in settings_values(f"sqlite:///{tmp_path}/c.db").items()}
    landed = runner.invoke(app, ["catalog", "import", str(DEMO)], env=env)
    assert landed.exit_code == 0, landed.output
    sheet = tmp_path / "letters.csv"
    sheet.write_text(SHEET, encoding="utf-8")
    result = runner.invoke(app, ["loi", "import", str(sheet)], env=env)
    assert result.exit_code == 1, result.output
    assert "REFUSED 3: quantity:" in result.stdout
    assert "1 letter(s) saved from 2 row(s), 1 row(s) refused" in result.stdout
    report = runner.invoke(app, ["loi", "report", "--by", "product"], env=env)
    assert report.exit_code == 0, report.output
    assert "Kinnauri Shawl" in report.stdout
    assert "900,000.00" in report.stdout
    swept = runner.invoke(app, ["loi", "sweep"], env=env)
    assert swept.exit_code == 0, swept.output
    assert "ON PAPER L1 (sellers: odopkinnaur)" in swept.stdout
    unusable = tmp_path / "empty.csv"
    unusable.write_text("reference\n", encoding="utf-8")
    assert runner.invoke(app, ["loi", "import", str(unusable)], env=env).exit_code == 2
