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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import schemas
from adapter.core.order_book import Refusal
from adapter.core.orders import INTERNAL, Quote, money
from catalog_sync.customisation import custom_group_id, customisation_id, text_problem
from catalog_sync.records import ItemRecord
from catalog_sync.transform import variant_group_id

__all__ = [
    "BuyerText",
    "add_ons",
    "add_ons_out",
    "buyer_texts",
    "echoed",
    "is_customisation",
    "kept_texts",
    "priced",
    "texts_confirmed",
]


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


def buyer_texts(
    order: schemas.Order,
    items: Mapping[str, ItemRecord],
    draft: Mapping[str, Any] | None = None,
) -> list[BuyerText]:
    """The texts of the cart, by item, each within its seller's limits; raises
    :class:`Refusal` naming the field when one is not (``items``: the cart's items by SKU).

    ``draft``: the transaction's order document so far, whose texts (the select's) stand
    when an init carries the customisation line without the words, as ONDC's RET16
    examples do; words it does carry replace them."""
    kept = kept_texts(draft or {})
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
        if text is None:
            text = kept.get(customisation_id(item.sku))
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


def priced(
    quote: Quote,
    texts: Sequence[BuyerText],
    items: Mapping[str, ItemRecord],
    counts: Mapping[str, int],
    *,
    fulfillment_id: str,
) -> Quote:
    """``quote`` with the price of each text on top: a ``misc`` line charged to the
    fulfilment (as ONDC's RET16 customisation examples charge their extras), the add-on
    once per piece (``counts``: pieces offered, by SKU); a free text adds no line."""
    breakup = list(quote.payload["breakup"])
    total = quote.total
    for written in texts:
        item = items[written.sku]
        spec = item.text_input
        pieces = counts.get(written.sku, 0)
        if spec is None or not Decimal(spec.price) or not pieces:
            continue
        amount = Decimal(spec.price) * pieces
        total += amount
        breakup.append(
            {
                "@ondc/org/item_id": fulfillment_id,
                "title": _add_on_title(item),
                "@ondc/org/title_type": "misc",
                "price": {"currency": "INR", "value": money(amount)},
            }
        )
    payload = {**quote.payload, "price": {"currency": "INR", "value": money(total)}}
    return Quote(total=total, payload={**payload, "breakup": breakup})


def _add_on_title(item: ItemRecord) -> str:
    spec = item.text_input
    return f"{spec.label if spec else 'Customisation'} ({item.name})"


def add_ons(texts: Sequence[BuyerText], items: Mapping[str, ItemRecord]) -> dict[str, Any]:
    """What the order keeps of each priced text (by SKU: its quote line's title and the
    price per piece), so that a piece leaving the order (part cancel, return, RTO) takes
    its add-on out of the quote with it (:func:`add_ons_out`)."""
    kept: dict[str, Any] = {}
    for written in texts:
        item = items[written.sku]
        spec = item.text_input
        if spec is not None and Decimal(spec.price):
            kept[written.sku] = {"title": _add_on_title(item), "price": money(Decimal(spec.price))}
    return kept


def add_ons_out(
    document: Mapping[str, Any], breakup: list[dict[str, Any]], pieces: Mapping[str, int] | None
) -> list[dict[str, Any]]:
    """Lower, in ``breakup`` (the order's quote lines, changed in place), the add-on line of
    each text whose item loses ``pieces`` (SKU -> count; ``None``: every piece), and return
    the quote trail of what left (``type`` misc, the line's id, the value negative)."""
    trail: list[dict[str, Any]] = []
    kept = document.get(INTERNAL, {}).get("add_ons", {})
    for sku, add_on in kept.items():
        if pieces is not None and not pieces.get(sku):
            continue
        for index, line in enumerate(breakup):
            if line.get("@ondc/org/title_type") != "misc" or line.get("title") != add_on["title"]:
                continue
            value = Decimal(line["price"]["value"])
            out = value if pieces is None else min(value, Decimal(add_on["price"]) * pieces[sku])
            if not out:
                continue
            breakup[index] = {**line, "price": {"currency": "INR", "value": money(value - out)}}
            trail.append(
                {
                    "code": "quote_trail",
                    "list": [
                        {"code": "type", "value": "misc"},
                        {"code": "id", "value": str(line["@ondc/org/item_id"])},
                        {"code": "currency", "value": "INR"},
                        {"code": "value", "value": money(-out)},
                    ],
                }
            )
    return trail


def kept_texts(document: Mapping[str, Any]) -> dict[str, str]:
    """The buyer's texts an order document keeps, by customisation id."""
    lines = document.get(INTERNAL, {}).get("customisations", [])
    texts = {}
    for line in lines:
        words = line["descriptor"]["tags"][0]["list"][0]["value"]
        texts[str(line["id"])] = str(words)
    return texts


def texts_confirmed(order: schemas.Order, document: Mapping[str, Any]) -> None:
    """Check a ``/confirm``'s customisation lines against the texts on_init quoted: a line
    naming no text of the order is refused with 30004, words other than the quoted ones
    with 30000 (the price and the order were agreed for those)."""
    kept = kept_texts(document)
    for index, line in enumerate(order.items or []):
        if not is_customisation(line):
            continue
        if line.id not in kept:
            raise Refusal("30004", f"message.order.items[{index}].id {line.id!r}: not in the quote")
        text = _text_of(line)
        if text is not None and text.strip() != kept[line.id]:
            raise Refusal(
                "30000",
                f"message.order.items[{index}].descriptor.tags.customization.input_text "
                f"is not the text quoted in on_init ({kept[line.id]!r})",
            )
