"""The LOI desk's figures for the dashboard: value signed, quoted, ordered, delivered and
paid, by district, product or buyer.

``summarise`` is pure (it takes the letters as ``LoiDesk.letters`` lists them);
``loi_report`` reads the desk and summarises. Amounts are paise; every group counts its
letters, how many are at each stage and how many are flagged "on paper".
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final, Literal

from adapter.core.b2b.loi import Stage
from adapter.storage.loi_desk import LoiDesk

__all__ = ["GROUPINGS", "Grouping", "loi_report", "summarise"]

Grouping = Literal["district", "product", "buyer"]
GROUPINGS: Final[tuple[Grouping, ...]] = ("district", "product", "buyer")

_AMOUNTS: Final = (
    ("signed_paise", "value_paise"),
    ("quoted_paise", "quoted_paise"),
    ("ordered_paise", "ordered_paise"),
    ("delivered_paise", "delivered_paise"),
    ("paid_paise", "paid_paise"),
)
_KEY: Final = {"district": "district", "product": "product", "buyer": "buyer_name"}


def _empty(key: str) -> dict[str, Any]:
    group: dict[str, Any] = {"key": key, "letters": 0, "on_paper": 0}
    group.update({name: 0 for name, _ in _AMOUNTS})
    group["stages"] = {str(stage): 0 for stage in Stage}
    return group


def summarise(letters: Iterable[dict[str, Any]], by: Grouping) -> dict[str, Any]:
    """Totals per group (sorted by value signed, largest first) and over all letters."""
    groups: dict[str, dict[str, Any]] = {}
    total = _empty("all")
    for letter in letters:
        key = str(letter[_KEY[by]])
        group = groups.setdefault(key, _empty(key))
        for counted in (group, total):
            counted["letters"] += 1
            counted["on_paper"] += int(bool(letter["on_paper"]))
            counted["stages"][letter["stage"]] += 1
            for name, source in _AMOUNTS:
                counted[name] += int(letter[source])
    ordered = sorted(groups.values(), key=lambda group: (-group["signed_paise"], group["key"]))
    return {"by": by, "groups": ordered, "total": total}


async def loi_report(
    desk: LoiDesk, *, by: Grouping = "district", district: str | None = None,
    include_demo: bool = True,
) -> dict[str, Any]:  # fmt: skip
    """The desk's letters summarised ``by`` district, product or buyer."""
    letters = await desk.letters(district=district)
    if not include_demo:
        letters = [letter for letter in letters if not letter["demo"]]
    return summarise(letters, by)
