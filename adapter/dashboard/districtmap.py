"""Himachal Pradesh's 12 districts as an SVG map, coloured by a measure, drawn on the server.

The outlines are packaged data (``data/himachal-districts.geojson``: Census 2011 districts
by the DataMeet India community, CC BY 4.0, simplified; see ``data/README.md``). Nothing is
fetched at run time and the page needs no script: each district is a focusable link whose
figure shows on hover and on keyboard focus (CSS), and carries it in its accessible name;
the same figures are in a table beside the map.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from html import escape
from importlib import resources
from typing import Any, Final

import orjson

__all__ = ["MapArea", "district_map", "district_outlines"]

_WIDTH: Final = 560
_PAD: Final = 8
# Five steps of one hue, light to dark (ColorBrewer "Greens"), and a grey for "none".
_STEPS: Final = ("#c7e9c0", "#a1d99b", "#74c476", "#31a354", "#006d2c")
_NONE: Final = "#eceeed"
# The darkest two steps take white text.
_DARK: Final = frozenset(_STEPS[3:])


@dataclass(frozen=True, slots=True)
class MapArea:
    """One district's outline as an SVG path, and where its label goes."""

    district: str
    path: str
    label_x: float
    label_y: float


def _rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return list(geometry["coordinates"])
    return [ring for polygon in geometry["coordinates"] for ring in polygon]


def _area_centre(ring: Sequence[tuple[float, float]]) -> tuple[float, float, float]:
    """Signed area and centroid of a closed ring (the shoelace formula)."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in itertools.pairwise(ring):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if not area:
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        return 0.0, sum(xs) / len(xs), sum(ys) / len(ys)
    return area / 2, cx / (3 * area), cy / (3 * area)


@cache
def district_outlines() -> tuple[tuple[MapArea, ...], int]:
    """The 12 districts projected to SVG coordinates, and the map's height.

    Equirectangular around the state's middle latitude (longitudes shrunk by its cosine):
    over a state 3.5 degrees tall the distortion is a few per cent, invisible at this size.
    """
    raw = resources.files(__package__).joinpath("data/himachal-districts.geojson").read_bytes()
    features = orjson.loads(raw)["features"]
    points = [p for f in features for ring in _rings(f["geometry"]) for p in ring]
    west, east = min(p[0] for p in points), max(p[0] for p in points)
    south, north = min(p[1] for p in points), max(p[1] for p in points)
    shrink = math.cos(math.radians((north + south) / 2))
    scale = (_WIDTH - 2 * _PAD) / ((east - west) * shrink)
    height = round((north - south) * scale + 2 * _PAD)

    def project(lon: float, lat: float) -> tuple[float, float]:
        return _PAD + (lon - west) * shrink * scale, _PAD + (north - lat) * scale

    areas = []
    for feature in features:
        parts, biggest = [], (0.0, 0.0, 0.0)
        for ring in _rings(feature["geometry"]):
            xy = [project(lon, lat) for lon, lat in ring]
            parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in xy) + "Z")
            centre = _area_centre(xy)
            if abs(centre[0]) > abs(biggest[0]):
                biggest = centre
        name = feature["properties"]["district"]
        areas.append(MapArea(name, "".join(parts), round(biggest[1], 1), round(biggest[2], 1)))
    return tuple(areas), height


def _step(value: float, top: float) -> str:
    if value <= 0 or top <= 0:
        return _NONE
    return _STEPS[min(int(value / top * len(_STEPS)), len(_STEPS) - 1)]


def district_map(
    values: dict[str, float],
    *,
    title: str,
    names: Callable[[str], str],
    shown: Callable[[str], str],
    href: Callable[[str], str],
    legend: tuple[str, str],
    attribution: str,
) -> str:
    """The map as inline SVG: each district filled by its share of the largest value
    (five steps; grey for none), named by ``names``, its figure written by ``shown``,
    linking to ``href``. ``legend`` is the words for the two ends of the scale."""
    areas, height = district_outlines()
    top = max(values.values(), default=0.0)
    out = [
        f'<svg class="map" role="group" aria-label="{escape(title)}" '
        f'viewBox="0 0 {_WIDTH} {height + 34}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>"
    ]
    labels = []
    for area in areas:
        value = values.get(area.district, 0.0)
        fill = _step(value, top)
        name, figure = names(area.district), shown(area.district)
        text_class = "on-dark" if fill in _DARK else ""
        out.append(
            f'<a class="district" href="{escape(href(area.district))}" '
            f'data-district="{escape(area.district)}" data-value="{value:g}" '
            f'aria-label="{escape(name)}: {escape(figure)}">'
            f"<title>{escape(name)}: {escape(figure)}</title>"
            f'<path d="{area.path}" fill="{fill}"/></a>'
        )
        labels.append(
            f'<text class="tip {text_class}" x="{area.label_x}" y="{area.label_y}" '
            'text-anchor="middle" '
            f'data-for="{escape(area.district)}">'
            f'<tspan x="{area.label_x}" class="name">{escape(name)}</tspan>'
            f'<tspan x="{area.label_x}" dy="1.2em">{escape(figure)}</tspan></text>'
        )
    out.extend(labels)
    y = height + 8
    for index, colour in enumerate((_NONE, *_STEPS)):
        out.append(
            f'<rect x="{_PAD + index * 22}" y="{y}" width="22" height="10" fill="{colour}"/>'
        )
    out.append(
        f'<text class="legend" x="{_PAD}" y="{y + 22}">{escape(legend[0])}</text>'
        f'<text class="legend" x="{_PAD + 6 * 22}" y="{y + 22}" text-anchor="end">'
        f"{escape(legend[1])}</text>"
        f'<text class="legend" x="{_WIDTH - _PAD}" y="{y + 22}" text-anchor="end">'
        f"{escape(attribution)}</text></svg>"
    )
    return "".join(out)
