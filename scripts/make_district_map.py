"""Build adapter/dashboard/data/himachal-districts.geojson, the district map's outlines.

Run once by hand when the source changes (the adapter never fetches anything at run time):

    python -m venv /tmp/geo && /tmp/geo/bin/pip install shapely
    /tmp/geo/bin/python scripts/make_district_map.py SOURCE.geojson

SOURCE is the Census 2011 district outlines of Himachal Pradesh as a GeoJSON feature
collection with a ``district`` property (see adapter/dashboard/data/README.md for where it
comes from and its licence). Each outline is simplified (shapely, topology kept) to about
half a kilometre and its coordinates rounded to 0.001 degree: plenty for a map a few
hundred pixels wide, and small enough to ship in the package.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from shapely.geometry import mapping, shape

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "adapter" / "dashboard" / "data" / "himachal-districts.geojson"
DISTRICTS = ROOT / "adapter" / "core" / "odop_districts.json"
# The census spelling of a district where the project's list spells it otherwise.
RENAMED = {"Lahul & Spiti": "Lahaul and Spiti"}
TOLERANCE = 0.005  # degrees
DIGITS = 3


def _rounded(value: object) -> object:
    if isinstance(value, float):
        return round(value, DIGITS)
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    return value


def main(source: Path) -> None:
    wanted = {d["district"] for d in json.loads(DISTRICTS.read_text(encoding="utf-8"))}
    features = []
    for feature in json.loads(source.read_text(encoding="utf-8"))["features"]:
        props = feature["properties"]
        name = RENAMED.get(props["district"], props["district"])
        if name not in wanted:
            raise SystemExit(f"{name!r} is not one of the project's districts")
        outline = shape(feature["geometry"]).simplify(TOLERANCE, preserve_topology=True)
        geometry = mapping(outline)
        features.append(
            {
                "type": "Feature",
                "properties": {"district": name, "census_2011_code": props.get("censuscode")},
                "geometry": {
                    "type": geometry["type"],
                    "coordinates": _rounded(geometry["coordinates"]),
                },
            }
        )
    missing = wanted - {f["properties"]["district"] for f in features}
    if missing:
        raise SystemExit(f"no outline for {sorted(missing)}")
    features.sort(key=lambda f: f["properties"]["district"])
    collection = {"type": "FeatureCollection", "features": features}
    OUT.write_text(json.dumps(collection, separators=(",", ":")) + "\n", encoding="utf-8")
    points = sum(len(str(f["geometry"]["coordinates"]).split("],")) for f in features)
    print(
        f"{OUT.relative_to(ROOT)}: {len(features)} districts, about {points} points, {OUT.stat().st_size} bytes"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
