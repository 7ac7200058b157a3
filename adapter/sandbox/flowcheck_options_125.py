"""The flow rules of a retail 1.2.5 order whose ``/on_select`` offered more than one
fulfilment (Pramaan's ``Multi_Option_Fulfillment_Flow``), restated (pure).

The buyer app chooses one of on_select's fulfilments in its init, by id. Our callbacks of
the order are held to (each rule with our own name, as ONDC publishes none; the first two
are checks ONDC's log-validation-utility makes of every 1.2.5 order):

- ``option_offered``: the fulfilment on_init and on_confirm carry is one on_select offered,
  of the type it offered;
- ``option_tat_kept``: with the TAT on_select gave it (the utility's "TAT Mismatch between
  /on_confirm & /on_select");
- ``option_quote_kept``: when the buyer app chose the fulfilment on_select quoted (the one
  its items name in ``fulfillment_id``), on_init's quote is on_select's, line for line
  (less the stock counts); another option is quoted afresh.

An order offered one fulfilment is not judged by them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Final

from adapter.sandbox.flowcheck import Violation

__all__ = ["check_fulfillment_options"]

_CHOSEN_IN: Final = frozenset({"on_init", "on_confirm"})


def _order(body: Mapping[str, Any]) -> Mapping[str, Any]:
    return (body.get("message") or {}).get("order") or {}


def _lines(quote: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    """A quote's lines as compared: item or fulfilment id, title type, count, price."""
    return [
        (
            line.get("@ondc/org/item_id"),
            line.get("@ondc/org/title_type"),
            (line.get("@ondc/org/item_quantity") or {}).get("count"),
            (line.get("price") or {}).get("value"),
        )
        for line in quote.get("breakup") or []
    ]


def check_fulfillment_options(
    steps: Sequence[tuple[str, Mapping[str, Any]]],
) -> Iterator[Violation]:
    """The multi-option rules the ordered ``steps`` of one transaction break."""
    offered: dict[str, Mapping[str, Any]] = {}
    quoted_for: set[str] = set()
    quote: Mapping[str, Any] = {}
    for key, body in steps:
        action = str((body.get("context") or {}).get("action", ""))
        order = _order(body)
        if action == "on_select":
            fulfillments = order.get("fulfillments") or []
            offered = {str(f.get("id")): f for f in fulfillments} if len(fulfillments) > 1 else {}
            quoted_for = {str(i.get("fulfillment_id")) for i in order.get("items") or []}
            quote = order.get("quote") or {}
            continue
        if not offered or action not in _CHOSEN_IN:
            continue
        for index, chosen in enumerate(order.get("fulfillments") or []):
            where = f"$.message.order.fulfillments[{index}]"
            option = offered.get(str(chosen.get("id")))
            if option is None or option.get("type") != chosen.get("type"):
                yield Violation(
                    "option_offered", key, f"{where}.id",
                    f"{chosen.get('id')!r} ({chosen.get('type')}) is none of on_select's "
                    f"{sorted((i, f.get('type')) for i, f in offered.items())}",
                )  # fmt: skip
                continue
            if option.get("@ondc/org/TAT") != chosen.get("@ondc/org/TAT"):
                yield Violation(
                    "option_tat_kept", key, f"{where}['@ondc/org/TAT']",
                    f"{chosen.get('@ondc/org/TAT')!r}, on_select gave "
                    f"{option.get('@ondc/org/TAT')!r}",
                )  # fmt: skip
            kept = _lines(order.get("quote") or {}) == _lines(quote)
            if action == "on_init" and str(chosen.get("id")) in quoted_for and not kept:
                yield Violation(
                    "option_quote_kept", key, "$.message.order.quote.breakup",
                    "the fulfilment on_select quoted was chosen: its quote must stay",
                )  # fmt: skip
