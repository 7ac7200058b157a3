"""The flow rules of a buyer's text on an item (ONDC retail 1.2.5, Pramaan's
``Customization_Input_Text_Flow``, RET16), restated (pure).

The ``/select`` carries the customisation as an order line of its own (``tags`` ``type:
customization``, ``parent.id`` the custom group) with the buyer's words in
``descriptor.tags[code=customization].list[code=input_text]``. Our answers are held to (each
rule with our own name, as ONDC publishes none):

- ``customisation_echoed``: ``on_select``, ``on_init`` and ``on_confirm`` show every
  customisation line the select sent, under the same custom group;
- ``input_text_kept``: the words they show are the select's (a callback may leave them out,
  as ONDC's examples of on_init and on_confirm do, but never change them).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Final

from adapter.sandbox.flowcheck import Violation

__all__ = ["check_input_text"]

_ECHOING: Final = frozenset({"on_select", "on_init", "on_confirm"})


def _values(tags: Any, code: str) -> dict[str, Any]:
    for tag in tags or []:
        if isinstance(tag, Mapping) and tag.get("code") == code:
            return {e.get("code"): e.get("value") for e in tag.get("list") or []}
    return {}


def _customisations(order: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The order's customisation lines: id -> (custom group, words or None)."""
    found = {}
    for line in order.get("items") or []:
        if _values(line.get("tags"), "type").get("type") != "customization":
            continue
        group = _values(line.get("tags"), "parent").get("id")
        words = _values((line.get("descriptor") or {}).get("tags"), "customization")
        found[str(line.get("id"))] = (group, words.get("input_text"))
    return found


def check_input_text(steps: Sequence[tuple[str, Mapping[str, Any]]]) -> Iterator[Violation]:
    """Every rule of a customisation input text the ordered ``steps`` break."""
    asked: dict[str, tuple[Any, Any]] = {}
    for key, body in steps:
        action = body.get("context", {}).get("action")
        order = (body.get("message") or {}).get("order") or {}
        if action == "select":
            asked = _customisations(order)
            continue
        if action not in _ECHOING or not asked:
            continue
        shown = _customisations(order)
        for line_id, (group, words) in asked.items():
            if line_id not in shown or shown[line_id][0] != group:
                yield Violation(
                    "customisation_echoed", key, "$.message.order.items",
                    f"customisation {line_id} (custom group {group}) of the select is not shown",
                )  # fmt: skip
                continue
            echoed = shown[line_id][1]
            if echoed is not None and str(echoed).strip() != str(words).strip():
                yield Violation(
                    "input_text_kept", key,
                    f"$.message.order.items[?(@.id=='{line_id}')].descriptor.tags",
                    f"input_text {echoed!r} is not the select's {words!r}",
                )  # fmt: skip
