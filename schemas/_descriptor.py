"""Descriptors and tags: how Beckn names and annotates everything.

A ``Descriptor`` names an entity (provider, item, category, state, instructions). Tag
groups carry what the core schema has no field for: ONDC retail 1.2.0 puts serviceability,
timings, ``bpp_terms``, item attributes, origin country, offers and return requests in
``tags``, each a group ``{"code": ..., "list": [{"code": ..., "value": ...}]}``.
"""

from __future__ import annotations

import builtins

from schemas._base import TagValue, WireModel


class MediaFile(WireModel):
    """A linked document (Beckn core 1.2.0 ``MediaFile``; IGM 1.0.0 ``additional_desc``).

    IGM uses ``url`` with ``content_type``; Beckn core uses ``url`` with ``mimetype``.
    """

    url: str | None = None
    content_type: str | None = None
    mimetype: str | None = None


class Tag(WireModel):
    """One entry of a tag group (Beckn core 1.2.0 ``Tag``; ONDC uses ``code``/``value``)."""

    code: str | None = None
    value: TagValue | None = None
    display: bool | None = None
    descriptor: Descriptor | None = None


class TagGroup(WireModel):
    """A group of tags (Beckn core 1.2.0 ``TagGroup``), e.g. ONDC ``serviceability``.

    ONDC retail 1.2.0 identifies the group by ``code`` and its entries by their own
    ``code``; ``value_of`` reads one entry.
    """

    code: str | None = None
    display: bool | None = None
    descriptor: Descriptor | None = None
    list: builtins.list[Tag] | None = None

    def value_of(self, code: str) -> TagValue | None:
        """The value of the first entry whose ``code`` is ``code``, or ``None`` if absent."""
        for tag in self.list or ():
            if tag.code == code:
                return tag.value
        return None


def find_tag_group(groups: builtins.list[TagGroup] | None, code: str) -> TagGroup | None:
    """The first tag group with this ``code`` (ONDC retail 1.2.0 ``tags``), or ``None``."""
    for group in groups or ():
        if group.code == code:
            return group
    return None


class Descriptor(WireModel):
    """Names and describes an entity (Beckn core 1.2.0 ``Descriptor``).

    ONDC retail 1.2.0 item descriptors need ``name``, ``symbol``, ``short_desc``,
    ``long_desc`` and ``images``; ``code`` is ``"<type>:<code>"`` for items (1 EAN,
    2 ISBN, 3 GTIN, 4 HSN, 5 others) and the state for fulfilment states (``Packed``).
    ``images`` are URLs. ``additional_desc`` is one ``MediaFile`` in IGM and a list in some
    catalogue examples; both are accepted.
    """

    name: str | None = None
    code: str | None = None
    symbol: str | None = None
    short_desc: str | None = None
    long_desc: str | None = None
    images: builtins.list[str] | None = None
    audio: str | None = None
    additional_desc: MediaFile | builtins.list[MediaFile] | None = None
    tags: builtins.list[TagGroup] | None = None
