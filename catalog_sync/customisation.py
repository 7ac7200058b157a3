"""A buyer's own text on an item: a name or short message embroidered on a Chamba rumal
(pure; part of the catalogue transform, ``catalog_sync.transform``).

ONDC retail 1.2.5 ``Customization_Input_Text_Flow`` (RET16) carries it this way:

- the catalogue declares a provider ``categories`` entry of type ``custom_group`` whose
  ``config`` says ``input: text`` (with ``min``/``max`` of 1 and a ``seq``), a
  ``customization`` item whose ``parent`` tag names that group and whose price is the
  add-on, and the customisable item names the group in its ``custom_group`` tag;
- ``/select``, ``/init`` and ``/confirm`` send the customisation as an order line of its
  own (``tags`` ``type: customization`` and ``parent.id`` the group) with the buyer's
  words in ``descriptor.tags[code=customization].list[code=input_text]``, and the seller's
  replies echo that line.

The limits the seller sets (how long, which characters, whether the text is required) are
the seller's terms, checked here and stated in the customisation's description; ONDC's
contract has no field for them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

__all__ = [
    "CHARACTER_SETS",
    "TextInput",
    "custom_group",
    "custom_group_id",
    "customisation_id",
    "customisation_item",
    "describe",
    "text_problem",
]

CHARACTER_SETS: Final[Mapping[str, re.Pattern[str]]] = {
    # Letters of any script (Devanagari names need their vowel signs, Unicode marks),
    # spaces and the punctuation of a name: what an embroiderer can stitch.
    "letters": re.compile(r"[^\W\d_]|[\u0900-\u097F]| |[.'-]"),
    "letters_digits": re.compile(r"[^\W_]|[\u0900-\u097F]| |[.'&,!-]"),
    # Any printable character: a message printed rather than stitched.
    "printable": re.compile(r"[^\x00-\x1f\x7f]"),
}
"""The character sets a seller may allow in a buyer's text, by name."""


@dataclass(frozen=True, slots=True)
class TextInput:
    """What a seller allows a buyer to write on an item: a ``label`` the buyer sees
    ("Name to embroider"), at most ``max_length`` characters of ``characters`` (a name in
    :data:`CHARACTER_SETS`), for ``price`` rupees on top of the item's, ``required`` or
    optional."""

    label: str
    max_length: int
    characters: str = "letters"
    price: str = "0"
    required: bool = True


def text_problem(spec: TextInput, text: str | None) -> str | None:
    """Why ``text`` cannot be accepted under ``spec`` (a sentence), or None when it can.

    Surrounding spaces are not counted; an empty text is no text."""
    words = (text or "").strip()
    if not words:
        return "is required" if spec.required else None
    if len(words) > spec.max_length:
        return f"is {len(words)} characters long; at most {spec.max_length} are allowed"
    allowed = CHARACTER_SETS[spec.characters]
    refused = sorted({ch for ch in words if not allowed.fullmatch(ch)})
    if refused:
        shown = " ".join(repr(ch) for ch in refused)
        return f"has characters outside {spec.characters.replace('_', ' and ')}: {shown}"
    return None


def _short_id(prefix: str, sku: str) -> str:
    # Letters and digits, at most 12, as for the variant groups: the strictest domain's rule.
    return prefix + hashlib.blake2b(sku.encode(), digest_size=5).hexdigest()


def custom_group_id(sku: str) -> str:
    """The provider ``categories`` id of the item's text customisation group."""
    return _short_id("CG", sku)


def customisation_id(sku: str) -> str:
    """The catalogue id of the item's text customisation (an item of type customization)."""
    return _short_id("C", sku)


def custom_group(sku: str, spec: TextInput, *, seq: int) -> dict[str, Any]:
    """The ``custom_group`` provider category of an item's text input (ONDC retail 1.2.5):
    one text, required or not."""
    return {
        "id": custom_group_id(sku),
        "descriptor": {"name": spec.label},
        "tags": [
            {"code": "type", "list": [{"code": "type", "value": "custom_group"}]},
            {
                "code": "config",
                "list": [
                    {"code": "min", "value": "1" if spec.required else "0"},
                    {"code": "max", "value": "1"},
                    {"code": "input", "value": "text"},
                    {"code": "seq", "value": str(seq)},
                ],
            },
        ],
    }


def describe(spec: TextInput) -> str:
    """The seller's limits in words, for the customisation's description."""
    kind = {"letters": "letters", "letters_digits": "letters and digits"}.get(
        spec.characters, "any characters"
    )
    need = "required" if spec.required else "optional"
    return f"{spec.label}: up to {spec.max_length} {kind} ({need})"


def customisation_item(parent: Mapping[str, Any], spec: TextInput) -> dict[str, Any]:
    """The ``customization`` item of an item's text input (ONDC retail 1.2.5): its price is
    the add-on, its ``parent`` the item's custom group. It keeps the item's terms (returns,
    shipping, consumer care, statutory declarations, origin and attributes): ONDC's rules
    for a domain's catalogue items hold for every item, a customisation among them."""
    sku = str(parent["id"])
    price = f"{Decimal(spec.price):.2f}"
    own = [tag for tag in parent.get("tags", []) if tag.get("code") != "custom_group"]
    entry = {key: value for key, value in parent.items() if key != "parent_item_id"}
    return entry | {
        "id": customisation_id(sku),
        "descriptor": {
            **parent["descriptor"],
            "name": spec.label,
            "short_desc": describe(spec),
            "long_desc": describe(spec),
        },
        "quantity": {
            **parent["quantity"],
            "maximum": {"count": "1"},
        },
        "price": {"currency": "INR", "value": price, "maximum_value": price},
        "related": True,
        "tags": [
            {"code": "type", "list": [{"code": "type", "value": "customization"}]},
            {"code": "parent", "list": [{"code": "id", "value": custom_group_id(sku)}]},
            *own,
        ],
    }
