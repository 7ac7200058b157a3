"""``ondc-seller catalog validate`` and ``import``: a row-level report, exit 1 on problems."""

from __future__ import annotations

from pathlib import Path

import orjson
from typer.testing import CliRunner

from adapter.cli import app
from tests.fixtures import REPO_ROOT, settings_values

DEMO = REPO_ROOT / "config" / "demo" / "odop-catalogue.json"
runner = CliRunner()


def test_validate_accepts_the_demo_catalogue() -> None:
    result = runner.invoke(app, ["catalog", "validate", str(DEMO)])
    assert result.exit_code == 0, result.output
    assert "19 row(s) would land, 0 problem(s)" in result.stdout


def test_import_lands_good_rows_and_lists_bad_ones(tmp_path: Path) -> None:
    data = orjson.loads(DEMO.read_bytes())
    data["sellers"][0]["items"][0]["mrp"] = "1.00"
    broken = tmp_path / "catalogue.json"
    broken.write_bytes(orjson.dumps(data))
    env = {k: str(v) for k, v in settings_values(f"sqlite:///{tmp_path}/c.db").items()}
    result = runner.invoke(app, ["catalog", "import", str(broken)], env=env)
    assert result.exit_code == 1
    assert (
        "REFUSED odop-bilaspur item odop-bilaspur-01: row: price 165.00 is above the MRP 1.00"
        in result.stdout
    )
    assert "18 row(s) landed, 1 problem(s)" in result.stdout
