"""Charts as inline SVG, drawn on the server: the page needs no script and no network."""

from __future__ import annotations

from html import escape
from typing import Any, Final

__all__ = ["bar_chart", "line_chart"]

_WIDTH: Final = 640
_BAR: Final = 22


def _number(value: Any) -> float:
    try:
        return float(value or 0)
    except (TypeError, ValueError):
        return 0.0


def bar_chart(labels: list[str], values: list[Any], *, title: str) -> str:
    """Horizontal bars, one per label, each with its figure."""
    if not values:
        return ""
    top = max(_number(v) for v in values) or 1.0
    height = _BAR * len(values) + 10
    label_width = 200
    room = _WIDTH - label_width - 90
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" width="{_WIDTH}" '
        f'height="{height}" viewBox="0 0 {_WIDTH} {height}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = 5 + index * _BAR
        width = max(room * _number(value) / top, 1.0)
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 15}" text-anchor="end">'
            f"{escape(label[:32])}</text>"
            f'<rect x="{label_width}" y="{y + 3}" width="{width:.1f}" height="{_BAR - 6}" '
            f'fill="#2f6f4f"/>'
            f'<text x="{label_width + width + 4:.1f}" y="{y + 15}">{escape(str(value))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def line_chart(labels: list[str], values: list[Any], *, title: str) -> str:
    """A line of ``values`` over ``labels`` (days), with the first and last day marked."""
    if not values:
        return ""
    height, left, bottom = 180, 40, 30
    top = max(_number(v) for v in values) or 1.0
    span = max(len(values) - 1, 1)
    plot_w, plot_h = _WIDTH - left - 10, height - bottom - 10
    points = " ".join(
        f"{left + plot_w * i / span:.1f},{10 + plot_h * (1 - _number(v) / top):.1f}"
        for i, v in enumerate(values)
    )
    return (
        f'<svg class="chart" role="img" aria-label="{escape(title)}" width="{_WIDTH}" '
        f'height="{height}" viewBox="0 0 {_WIDTH} {height}" xmlns="http://www.w3.org/2000/svg">'
        f'<line x1="{left}" y1="{10 + plot_h}" x2="{_WIDTH - 10}" y2="{10 + plot_h}" '
        f'stroke="#999"/>'
        f'<text x="{left - 4}" y="16" text-anchor="end">'
        f"{escape(str(top).removesuffix('.0'))}</text>"
        f'<polyline fill="none" stroke="#2f6f4f" stroke-width="2" points="{points}"/>'
        f'<text x="{left}" y="{height - 8}">{escape(labels[0])}</text>'
        f'<text x="{_WIDTH - 10}" y="{height - 8}" text-anchor="end">{escape(labels[-1])}</text>'
        "</svg>"
    )
