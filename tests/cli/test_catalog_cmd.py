"""``ondc-seller catalog validate``, ``import`` and ``preflight``: a row-level report, exit 1
on problems (refused rows, held items)."""

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
        "REFUSED odopbilaspur item odopbilaspur01: row: price 165.00 is above the MRP 1.00"
        in result.stdout
    )
    assert "18 row(s) landed, 1 problem(s)" in result.stdout


def test_validate_names_the_missing_attribute_of_a_held_row(tmp_path: Path) -> None:
    data = orjson.loads(DEMO.read_bytes())
    kullu = next(s for s in data["sellers"] if s["seller"]["district"] == "Kullu")
    del kullu["items"][0]["attributes"]["fabric"]  # the Kullu shawl
    path = tmp_path / "catalogue.json"
    path.write_bytes(orjson.dumps(data))
    result = runner.invoke(app, ["catalog", "validate", str(path)])
    assert result.exit_code == 0, result.output
    assert (
        "HELD    odopkullu item odopkullu01: a 'Dupattas & Shawls' item must state these "
        "attributes: fabric" in result.stdout
    )


def test_template_for_a_category_carries_its_attribute_columns(tmp_path: Path) -> None:
    output = tmp_path / "decor.csv"
    result = runner.invoke(app, ["catalog", "template", str(output), "--category", "Home Decor"])
    assert result.exit_code == 0, result.output
    header, example = output.read_text("utf-8").splitlines()[:2]
    assert header.endswith(
        "attribute.brand,attribute.colour,attribute.colour_name,attribute.material"
    )
    assert "ONDC:RET16" in example  # the domain follows from the category
    shawls = tmp_path / "shawls.xlsx"
    result = runner.invoke(app, ["catalog", "template", str(shawls)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["catalog", "validate", str(shawls)])
    assert result.exit_code == 0, result.output
    assert "HELD" not in result.stdout


def test_template_refuses_a_category_outside_the_taxonomy(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["catalog", "template", str(tmp_path / "t.csv"), "--category", "Handicrafts",
              "--domain", "ONDC:RET16"],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "'Handicrafts' is not in ONDC's home and kitchen taxonomy" in result.output
    assert not (tmp_path / "t.csv").exists()


def test_preflight_lists_held_items_with_their_rules_and_passes_once_they_are_fixed(
    tmp_path: Path,
) -> None:
    data = orjson.loads(DEMO.read_bytes())
    kangra = next(s for s in data["sellers"] if s["seller"]["district"] == "Kangra")
    painting = next(i for i in kangra["items"] if i["domain"] == "ONDC:RET16")
    block = painting.pop("packaged_commodities")
    path = tmp_path / "catalogue.json"
    path.write_bytes(orjson.dumps(data))
    env = {k: str(v) for k, v in settings_values(f"sqlite:///{tmp_path}/c.db").items()}
    imported = runner.invoke(app, ["catalog", "import", str(path)], env=env)
    assert imported.exit_code == 0, imported.output

    held = runner.invoke(app, ["catalog", "preflight"], env=env)
    assert held.exit_code == 1, held.output
    assert f"HELD      odopkangra {painting['sku']} ({painting['name']}):" in held.stdout
    assert (
        "manufacturer_or_packer_name: is required (rule RET16 MANUFACTURER_OR_PACKER_NAME)"
        in held.stdout
    )
    assert "19 item(s) checked, 1 held back from buyers, 0 published by this check" in held.stdout
    one_seller = runner.invoke(app, ["catalog", "preflight", "--seller", "odopkullu"], env=env)
    assert one_seller.exit_code == 0, one_seller.output
    assert "0 held back from buyers" in one_seller.stdout

    painting["packaged_commodities"] = block
    path.write_bytes(orjson.dumps(data))
    assert runner.invoke(app, ["catalog", "import", str(path)], env=env).exit_code == 0
    clean = runner.invoke(app, ["catalog", "preflight"], env=env)
    assert clean.exit_code == 0, clean.output
    assert "19 item(s) checked, 0 held back from buyers" in clean.stdout
