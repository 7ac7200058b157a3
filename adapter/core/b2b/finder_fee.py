"""The buyer app's finder fee in a B2B transaction (pure).

ONDC B2B 2.0.2 puts the buyer app's finder fee in its ``/search``: the intent's
``bap_terms`` tag group, ``finder_fee_type`` (``percent`` or ``amount``) and
``finder_fee_amount``. The seller app answers with the same values in ``/on_init``'s payment
(``@ondc/org/buyer_app_finder_fee_type`` / ``_amount``), the buyer app repeats them in
``/confirm`` and the seller app in ``/on_confirm``: the buyer app's value is the one the
order carries (ONDC's B2B verifier compares on_init, confirm and on_confirm with the
search). The marketplace's ``ONDC_BUYER_FINDER_FEE_PERCENT`` is offered only when the
transaction's search named none (or a value that is not a fee).

The contract gives the seller app no field to offer a lower fee, so a seller app whose
ceiling (``ONDC_B2B_MAX_FINDER_FEE_PERCENT``) a buyer app's fee passes refuses the
transaction's RFQ and ``/init`` with 50005 naming the fee and the ceiling
(:func:`finder_fee_refusal`): the terms it will not meet, said to the buyer app instead of
a silence it cannot read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import ROUND_CEILING, Decimal
from typing import Any, Final

__all__ = ["FEE_TYPES", "finder_fee_refusal", "search_finder_fee"]

FEE_TYPES: Final = ("percent", "amount")
"""The finder fee kinds of the contract."""

_AMOUNT: Final = re.compile(r"\d{1,9}(\.\d{1,2})?")


def search_finder_fee(search: Mapping[str, Any]) -> tuple[str, str] | None:
    """(type, amount) of the finder fee a B2B ``/search`` body names in its intent's
    ``bap_terms``, or ``None`` when it names none or not a fee (a percent above 100, an
    unknown type, a value that is not a number)."""
    message = search.get("message")
    intent = message.get("intent") if isinstance(message, Mapping) else None
    tags = intent.get("tags") if isinstance(intent, Mapping) else None
    for group in tags if isinstance(tags, list) else []:
        if not isinstance(group, Mapping):
            continue
        descriptor = group.get("descriptor")
        if not isinstance(descriptor, Mapping) or descriptor.get("code") != "bap_terms":
            continue
        values = {
            str((entry.get("descriptor") or {}).get("code")): entry.get("value")
            for entry in group.get("list") or []
            if isinstance(entry, Mapping)
        }
        kind, amount = values.get("finder_fee_type"), values.get("finder_fee_amount")
        if kind not in FEE_TYPES or not isinstance(amount, str):
            return None
        if not _AMOUNT.fullmatch(amount) or (kind == "percent" and float(amount) > 100):
            return None
        return str(kind), amount
    return None


def finder_fee_refusal(
    fee: tuple[str, str] | None, *, total: Decimal, ceiling: str | None
) -> tuple[str, str] | None:
    """The 50005 refusal of a buyer app's finder ``fee`` (its search's, see
    :func:`search_finder_fee`) above the seller app's ``ceiling`` (percent): a percent fee as
    it stands, a fee in rupees as its share of the quotation's ``total``; ``None`` when
    there is no fee, no ceiling, or the fee is within it."""
    if fee is None or ceiling is None:
        return None
    kind, amount = fee
    limit = Decimal(ceiling)
    share = Decimal(amount) if kind == "percent" else Decimal(amount) * 100 / max(total, Decimal(1))
    if share <= limit:
        return None
    # A share just above the ceiling is shown rounded up, never as the ceiling itself.
    shown = share.quantize(Decimal("0.01"), rounding=ROUND_CEILING)
    named = f"{amount} percent" if kind == "percent" else f"INR {amount} ({shown} percent)"
    return (
        "50005",
        f"the buyer app's finder fee of {named}, named in its search (bap_terms "
        f"finder_fee_amount), is above this seller app's ceiling of {limit} percent",
    )
