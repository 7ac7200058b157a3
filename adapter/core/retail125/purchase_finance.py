"""Purchase finance by the buyer app (ONDC retail 1.2.5, feature 0099, Pramaan's
``Purchase_Finance_Flow``). Pure.

A buyer app that lends its buyer the price (or arranges a loan) says what the finance costs
in its ``/init``: ``tags[code=bap_terms]`` ``finance_cost_type`` (``percent`` of the order
or ``amount`` in rupees) and ``finance_cost_value``. The seller app accepts the terms,
keeps them with the order, echoes them in ``/on_init`` (as their own ``bap_terms`` group,
after its ``bpp_terms``) and shows them to the seller (seller API order view). The finance
is the buyer app's business with its buyer and lender: the retail order is recorded at its
full value and the seller's settlement does not change (ONDC 0099: "the retail order
records the buyer as having collected the full payment").

Terms that are not a cost type and a number are refused 30000, naming the field; a
``/confirm`` whose ``bap_terms`` give another finance cost than the init's is refused 30000
too (the cost agreed at init is the one kept).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, Final

__all__ = [
    "FINANCE_KEY",
    "finance_change",
    "finance_of",
    "finance_refusal",
    "finance_tags",
]

FINANCE_KEY: Final = "purchase_finance"
"""Where an order's internal notes keep the buyer app's finance terms."""

_TYPE: Final = "finance_cost_type"
_VALUE: Final = "finance_cost_value"
_TYPES: Final = ("percent", "amount")


def _bap_terms(tags: Sequence[Mapping[str, Any]] | None) -> dict[str, Any]:
    for tag in tags or ():
        if tag.get("code") == "bap_terms":
            return {str(e.get("code")): e.get("value") for e in tag.get("list") or ()}
    return {}


def finance_of(tags: Sequence[Mapping[str, Any]] | None) -> dict[str, str] | None:
    """The finance terms a request's order ``tags`` carry (``{"type", "value"}``), or
    None when its ``bap_terms`` name no finance cost."""
    terms = _bap_terms(tags)
    if _TYPE not in terms and _VALUE not in terms:
        return None
    return {"type": str(terms.get(_TYPE)), "value": str(terms.get(_VALUE))}


def finance_refusal(tags: Sequence[Mapping[str, Any]] | None) -> str | None:
    """Why the finance terms of an init's order ``tags`` are refused (the message of a
    30000, naming the field), or None (no finance, or good terms)."""
    finance = finance_of(tags)
    if finance is None:
        return None
    where = "message.order.tags[bap_terms]"
    if finance["type"] not in _TYPES:
        return f"{where}.{_TYPE}: {finance['type']!r} is not one of {', '.join(_TYPES)}"
    try:
        value = Decimal(finance["value"])
    except InvalidOperation:
        return f"{where}.{_VALUE}: {finance['value']!r} is not a number"
    if not value.is_finite() or value < 0:
        return f"{where}.{_VALUE}: {finance['value']!r} is not a cost"
    if finance["type"] == "percent" and value > 100:
        return f"{where}.{_VALUE}: {finance['value']}% is more than the order"
    return None


def finance_tags(finance: Mapping[str, str]) -> list[dict[str, Any]]:
    """The ``bap_terms`` group ``/on_init`` echoes the buyer app's finance terms in."""
    return [
        {
            "code": "bap_terms",
            "list": [
                {"code": _TYPE, "value": finance["type"]},
                {"code": _VALUE, "value": finance["value"]},
            ],
        }
    ]


def finance_change(
    kept: Mapping[str, str] | None, confirm_tags: Sequence[Mapping[str, Any]] | None
) -> str | None:
    """Why a confirm whose order ``confirm_tags`` give other finance terms than the init's
    (``kept``) is refused (the message of a 30000), or None. A confirm naming none keeps
    the init's."""
    asked = finance_of(confirm_tags)
    if asked is None or kept is None:
        return None
    for key, code in (("type", _TYPE), ("value", _VALUE)):
        same = asked[key] == kept[key]
        if key == "value" and not same:
            try:
                same = Decimal(asked[key]) == Decimal(kept[key])
            except InvalidOperation:
                same = False
        if not same:
            return (
                f"message.order.tags[bap_terms].{code}: {asked[key]!r} is not the "
                f"{kept[key]!r} of the init"
            )
    return None
