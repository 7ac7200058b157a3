"""Charts as inline SVG, drawn on the server: the page needs no script and no network.

Every chart is an image with a name (``role="img"``, ``aria-label``) and stands beside a
table of its numbers, so nothing is only in the picture. Figures on the chart come already
written (short forms such as ``₹2.2 lakh``) by the caller, in the viewer's language.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any, Final

__all__ = ["PALETTE", "bar_chart", "stacked_chart"]

_WIDTH: Final = 640
_BAR: Final = 22
PALETTE: Final = ("#2f6f4f", "#d9822b", "#7a5195", "#8c8c8c")
"""Colours of a stacked chart's parts, bottom first (told apart by lightness too)."""


def _number(value: Any) -> float:
    try:
        return float(value or 0)
    except (TypeError, ValueError):
        return 0.0


def _svg(title: str, height: int) -> str:
    return (
        f'<svg class="chart" role="img" aria-label="{escape(title)}" '
        f'viewBox="0 0 {_WIDTH} {height}" preserveAspectRatio="xMinYMin meet" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    )


def _legend(parts: Sequence[tuple[str, Any]], x: float, height: int) -> str:
    """A swatch and name for each part, in a row along the bottom from ``x``."""
    out = []
    for (name, _), colour in zip(parts, PALETTE, strict=False):
        out.append(
            f'<rect x="{x}" y="{height - 14}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x + 16}" y="{height - 4}">{escape(name)}</text>'
        )
        x += 24 + 8 * len(name)
    return "".join(out)


def bar_chart(
    labels: list[str],
    values: list[Any],
    shown: list[str],
    *,
    title: str,
    parts: Sequence[tuple[str, list[Any]]] = (),
) -> str:
    """Horizontal bars, one per label, each with its figure as ``shown``. With ``parts``
    (name and values, left first, adding up to ``values``) each bar is split into them,
    with a legend."""
    if not values:
        return ""
    top = max(_number(v) for v in values) or 1.0
    legend = 20 if parts else 0
    height = _BAR * len(values) + 10 + legend
    label_width = 200
    room = _WIDTH - label_width - 110
    out = [_svg(title, height)]
    for index, (label, value, figure) in enumerate(zip(labels, values, shown, strict=True)):
        y = 5 + index * _BAR
        width = max(room * _number(value) / top, 1.0)
        out.append(
            f'<text x="{label_width - 6}" y="{y + 15}" text-anchor="end">'
            f"{escape(label[:32])}</text>"
        )
        pieces = (
            [(None, value, PALETTE[0])]
            if not parts
            else [
                (name, part_values[index], colour)
                for (name, part_values), colour in zip(parts, PALETTE, strict=False)
            ]
        )
        x = float(label_width)
        for name, piece, colour in pieces:
            piece_width = room * _number(piece) / top if parts else width
            if piece_width <= 0:
                continue
            named = (
                f"{escape(label)}: {escape(figure)}"
                if name is None
                else (f"{escape(label)}: {escape(name)} {escape(str(piece))}")
            )
            out.append(
                f'<rect x="{x:.1f}" y="{y + 3}" width="{piece_width:.1f}" '
                f'height="{_BAR - 6}" fill="{colour}"><title>{named}</title></rect>'
            )
            x += piece_width
        out.append(f'<text x="{label_width + width + 4:.1f}" y="{y + 15}">{escape(figure)}</text>')
    out.append(_legend(parts, label_width, height))
    out.append("</svg>")
    return "".join(out)


def stacked_chart(
    labels: list[str],
    parts: Sequence[tuple[str, list[Any]]],
    *,
    title: str,
    top_shown: str,
) -> str:
    """Vertical bars over ``labels`` (hours or days), each the sum of ``parts`` (name and
    values, bottom first), with a legend; ``top_shown`` is the axis's top figure, written.

    Works for one bar and for 365: bars share the width, and the time axis names its first,
    middle and last points only.
    """
    if not labels:
        return ""
    height, left, bottom, top_pad = 210, 48, 44, 12
    totals = [sum(_number(values[i]) for _, values in parts) for i in range(len(labels))]
    top = max(totals) or 1.0
    plot_w, plot_h = _WIDTH - left - 10, height - bottom - top_pad
    step = plot_w / len(labels)
    bar_w = max(step * 0.8, 0.8)
    out = [
        _svg(title, height),
        f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{_WIDTH - 10}" '
        f'y2="{top_pad + plot_h}" stroke="#6b7570"/>'
        f'<line x1="{left}" y1="{top_pad}" x2="{_WIDTH - 10}" y2="{top_pad}" '
        f'stroke="#dfe5e1" stroke-dasharray="3 3"/>'
        f'<text x="{left - 4}" y="{top_pad + 4}" text-anchor="end">{escape(top_shown)}</text>'
        f'<text x="{left - 4}" y="{top_pad + plot_h}" text-anchor="end">0</text>',
    ]
    for i, label in enumerate(labels):
        x = left + i * step + (step - bar_w) / 2
        base = float(top_pad + plot_h)
        pieces = []
        for (name, values), colour in zip(parts, PALETTE, strict=False):
            value = _number(values[i])
            if value <= 0:
                continue
            h = plot_h * value / top
            base -= h
            pieces.append(
                f'<rect x="{x:.1f}" y="{base:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'fill="{colour}"><title>{escape(label)}: {escape(name)} '
                f"{escape(str(values[i]))}</title></rect>"
            )
        out.append("".join(pieces))
    marks = sorted({0, len(labels) // 2, len(labels) - 1})
    for i in marks:
        x = left + i * step + step / 2
        anchor = "start" if i == 0 else "end" if i == len(labels) - 1 else "middle"
        out.append(
            f'<text x="{x:.1f}" y="{top_pad + plot_h + 16}" text-anchor="{anchor}">'
            f"{escape(labels[i])}</text>"
        )
    out.append(_legend(parts, left, height))
    out.append("</svg>")
    return "".join(out)
