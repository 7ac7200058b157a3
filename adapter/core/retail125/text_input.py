"""A buyer's text on an item in ``/select``, ``/init`` and ``/confirm`` (ONDC retail 1.2.5
``Customization_Input_Text_Flow``, RET16), checked against the seller's limits (pure).

The text travels as an order line of its own: ``tags`` ``type: customization`` and
``parent.id`` the item's custom group, the words in
``descriptor.tags[code=customization].list[code=input_text]``. A line naming a group no item
of the cart has is refused with 30004 (item not found); a missing required text, an
over-long one or one with characters the seller does not stitch with 30000 (invalid
request), the message naming the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import schemas
from adapter.core.order_book import Refusal
from catalog_sync.customisation import custom_group_id, customisation_id, text_problem
from catalog_sync.records import ItemRecord
from catalog_sync.transform import variant_group_id

__all__ = ["BuyerText", "buyer_texts", "echoed", "is_customisation"]


def is_customisation(item: schemas.Item) -> bool:
    """Whether an order line is a customisation (its ``type`` tag says so), not an item."""
    group = schemas.find_tag_group(item.tags, "type")
    return group is not None and group.value_of("type") == "customization"


@dataclass(frozen=True, slots=True)
class BuyerText:
    """The text a buyer wrote for one item of the cart (``sku``)."""

    sku: str
    text: str


def _text_of(item: schemas.Item) -> str | None:
    descriptor = item.descriptor
    group = schemas.find_tag_group(descriptor.tags if descriptor else None, "customization")
    value = group.value_of("input_text") if group is not None else None
    return value if isinstance(value, str) else None


def buyer_texts(order: schemas.Order, items: Mapping[str, ItemRecord]) -> list[BuyerText]:
    """The texts of the cart, by item, each within its seller's limits; raises
    :class:`Refusal` naming the field when one is not (``items``: the cart's items by SKU)."""
    by_group = {
        custom_group_id(sku): item for sku, item in items.items() if item.text_input is not None
    }
    written: dict[str, str] = {}
    for index, line in enumerate(order.items or []):
        if not is_customisation(line):
            continue
        parent = schemas.find_tag_group(line.tags, "parent")
        group = parent.value_of("id") if parent is not None else None
        item = by_group.get(str(group)) if group is not None else None
        if item is None or item.text_input is None:
            raise Refusal(
                "30004",
                f"message.order.items[{index}].tags.parent.id {group!r}: "
                "no item of this cart takes a text",
            )
        text = _text_of(line)
        problem = text_problem(item.text_input, text)
        if problem is not None:
            raise Refusal(
                "30000",
                f"message.order.items[{index}].descriptor.tags.customization.input_text "
                f"({item.text_input.label} for {item.sku}) {problem}",
            )
        written[item.sku] = (text or "").strip()
    for group, item in by_group.items():
        spec = item.text_input
        if spec is not None and spec.required and item.sku not in written:
            raise Refusal(
                "30000",
                f"message.order.items: {item.sku} needs its customisation input_text "
                f"({spec.label}, custom group {group})",
            )
    return [BuyerText(sku, text) for sku, text in written.items()]


def echoed(
    texts: list[BuyerText], items: Mapping[str, ItemRecord], *, fulfillment_id: str
) -> list[dict[str, Any]]:
    """The customisation lines the seller's replies echo after the items (ONDC retail
    1.2.5 ``on_select``, ``on_init``, ``on_confirm``): the buyer's words, the item's
    variant group as ``parent_item_id``, the custom group as ``parent``."""
    lines = []
    for written in texts:
        item = items[written.sku]
        lines.append(
            {
                "id": customisation_id(written.sku),
                "parent_item_id": variant_group_id(item),
                "fulfillment_id": fulfillment_id,
                "quantity": {"count": 1},
                "descriptor": {
                    "tags": [
                        {
                            "code": "customization",
                            "list": [{"code": "input_text", "value": written.text}],
                        }
                    ]
                },
                "tags": [
                    {"code": "type", "list": [{"code": "type", "value": "customization"}]},
                    {
                        "code": "parent",
                        "list": [{"code": "id", "value": custom_group_id(written.sku)}],
                    },
                ],
            }
        )
    return lines
