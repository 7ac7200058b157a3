"""An item's tag groups and long description, per domain (pure; part of the catalogue
transform, ``catalog_sync.transform``).

ONDC's workbench allows only the item tag groups ``origin``, ``veg_nonveg``, ``image``,
``timing`` and ``np_fees`` in grocery (RET10, retail 1.2.0); fashion (RET12) and home and
kitchen (RET16) take the category's ``attribute`` group and groups of their own. So ODOP and
GI provenance and the Hindi name travel in tag groups there, and in grocery at the end of
the item's long description.
"""

from __future__ import annotations

from typing import Any, Final

from catalog_sync.records import ItemRecord

__all__ = ["item_tags", "long_description"]

# The diet marks of ONDC's ``veg_nonveg`` tag group (retail 1.2.0, grocery).
_DIETS: Final = frozenset({"veg", "non_veg", "egg"})


def item_tags(item: ItemRecord) -> list[dict[str, Any]]:
    """The item's ``tags``: origin always; in grocery the ``veg_nonveg`` mark (from the
    ``veg_nonveg`` attribute) and nothing outside the groups RET10 allows; elsewhere the
    category's ``attribute`` group, ODOP and GI provenance in an ``odop`` group and the
    Hindi name in ``localised_name``. Grocery's provenance travels in the descriptor's
    long description instead (:func:`long_description`)."""
    tags: list[dict[str, Any]] = [
        {"code": "origin", "list": [{"code": "country", "value": item.origin_country}]},
    ]
    attributes = dict(item.attributes)
    diet = attributes.pop("veg_nonveg", None)
    if item.domain == "ONDC:RET10":
        if diet in _DIETS:
            tags.append({"code": "veg_nonveg", "list": [{"code": diet, "value": "yes"}]})
        return tags
    if attributes:
        # ONDC retail 1.2.0 item attributes (fashion, home and kitchen).
        attribute_list = [{"code": name, "value": value} for name, value in attributes.items()]
        tags.append({"code": "attribute", "list": attribute_list})
    if item.odop_district or item.gi_tag:
        tags.append({"code": "odop", "list": _provenance(item)})
    if item.name_hi:
        tags.append({"code": "localised_name", "list": [{"code": "hi", "value": item.name_hi}]})
    return tags


def _provenance(item: ItemRecord) -> list[dict[str, str]]:
    provenance = [{"code": "scheme", "value": "ODOP Himachal Pradesh"}]
    if item.odop_district:
        provenance.append({"code": "district", "value": item.odop_district})
    if item.gi_tag:
        provenance.append({"code": "gi_tag", "value": item.gi_tag})
    return provenance


def long_description(item: ItemRecord) -> str:
    """The item's long description; in grocery, where no custom tag group is allowed, it
    ends with the Hindi name and the ODOP and GI provenance, in words."""
    if item.domain != "ONDC:RET10":
        return item.long_desc
    notes = []
    if item.name_hi:
        notes.append(f"{item.name_hi}.")
    if item.odop_district:
        notes.append(
            f"One District One Product of {item.odop_district} district, Himachal Pradesh."
        )
    if item.gi_tag:
        notes.append(f"Geographical Indication: {item.gi_tag}.")
    return " ".join([item.long_desc.rstrip(), *notes]) if notes else item.long_desc
