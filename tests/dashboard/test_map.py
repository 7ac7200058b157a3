"""The map of Himachal's 12 districts: packaged outlines named as the project names the
districts, drawn as SVG with no outside reference, coloured by the measure."""

from __future__ import annotations

import re
from importlib import resources

import orjson

from adapter.core.odop import districts
from adapter.dashboard.districtmap import district_map, district_outlines

NAMES = sorted(d.name for d in districts())


def _draw(values: dict[str, float]) -> str:
    return district_map(
        values,
        title="Districts by orders",
        names=lambda d: d.upper(),
        shown=lambda d: f"{values.get(d, 0):g} orders",
        href=lambda d: f"/dashboard?district={d}",
        legend=("none", "most"),
        attribution="Boundaries: DataMeet, CC BY 4.0",
    )


def test_the_packaged_outlines_are_the_twelve_districts_by_the_projects_names() -> None:
    raw = resources.files("adapter.dashboard").joinpath("data/himachal-districts.geojson")
    features = orjson.loads(raw.read_bytes())["features"]
    assert sorted(f["properties"]["district"] for f in features) == NAMES
    areas, height = district_outlines()
    assert sorted(a.district for a in areas) == NAMES
    assert 400 < height < 700
    # Every label sits inside the drawing.
    for area in areas:
        assert 0 < area.label_x < 560, area
        assert 0 < area.label_y < height, area


def test_the_map_draws_each_district_once_with_its_figure_and_link() -> None:
    svg = _draw({"Kangra": 10, "Kinnaur": 5})
    links = re.findall(r'<a class="district" href="([^"]+)" data-district="([^"]+)"', svg)
    assert sorted(d for _, d in links) == NAMES
    assert ("/dashboard?district=Kangra", "Kangra") in links
    assert 'aria-label="KANGRA: 10 orders"' in svg
    assert svg.count("<path ") == 12
    # No request leaves the page: the only URL is the SVG namespace.
    assert re.findall(r"https?://[^\"' ]+", svg) == ["http://www.w3.org/2000/svg"]


def test_the_largest_value_is_darkest_and_no_value_is_grey() -> None:
    svg = _draw({"Kangra": 100, "Kinnaur": 10})

    def fill(district: str) -> str:
        found = re.search(rf'data-district="{district}"[^>]*>.*?fill="(#[0-9a-f]+)"', svg)
        assert found is not None
        return found.group(1)

    assert fill("Kangra") == "#006d2c"
    assert fill("Kinnaur") == "#c7e9c0"
    assert fill("Una") == "#eceeed"
