"""B2B tag groups: ``{"descriptor": {"code": ...}, "list": [{"descriptor": {"code": ...},
"value": ...}]}`` (ONDC B2B 2.0.2, Beckn core 1.1 ``TagGroup``).

Retail 1.2.x names a group and its entries by a bare ``code``; B2B names them through a
descriptor. The B2B contract carries most of its terms here: ``BUYER_TERMS`` (ITEM_REQ,
PACKAGING_REQ), ``buyer_id`` (buyer_id_code, buyer_id_no), ``bpp_terms``,
``DELIVERY_TERMS`` (INCOTERMS, NAMED_PLACE_OF_DELIVERY), ``PRICE_SLAB``, ``g2``...
"""

from __future__ import annotations

import builtins

from schemas._base import TagValue, WireModel


class B2BDescriptor(WireModel):
    """A B2B descriptor (Beckn core 1.1 ``Descriptor``): code, names and media; the rest
    (images, additional_desc...) is kept as received."""

    code: str | None = None
    name: str | None = None
    short_desc: str | None = None
    long_desc: str | None = None


class B2BTag(WireModel):
    """One entry of a B2B tag group."""

    descriptor: B2BDescriptor | None = None
    value: TagValue | None = None

    @property
    def code(self) -> str | None:
        """The entry's ``descriptor.code``."""
        return self.descriptor.code if self.descriptor else None


class B2BTagGroup(WireModel):
    """A B2B tag group; ``value_of`` reads one entry by its code."""

    descriptor: B2BDescriptor | None = None
    display: bool | None = None
    list: builtins.list[B2BTag] | None = None

    @property
    def code(self) -> str | None:
        """The group's ``descriptor.code``."""
        return self.descriptor.code if self.descriptor else None

    def value_of(self, code: str) -> TagValue | None:
        """The value of the first entry whose code is ``code`` (case as written), or
        ``None``."""
        for tag in self.list or ():
            if tag.code == code:
                return tag.value
        return None


def b2b_tag_group(groups: builtins.list[B2BTagGroup] | None, code: str) -> B2BTagGroup | None:
    """The first group whose code is ``code``, compared without case (the contract writes
    ``buyer_id`` and ``BUYER_ID``, ``bpp_terms`` and ``BPP_TERMS`` in different places)."""
    wanted = code.casefold()
    for group in groups or ():
        if (group.code or "").casefold() == wanted:
            return group
    return None
