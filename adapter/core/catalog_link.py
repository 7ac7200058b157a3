"""The full catalogue as a downloadable file (ONDC retail 1.2.0 and 1.2.5, ``/search``
intent tag ``catalog_full``, ``payload_type`` ``link``).

A buyer app that asks ``catalog_full.payload_type = link`` gets an ``/on_search`` whose
providers carry no ``items`` array: each provider says, in its ``catalog_link`` tag, where
its items are (``type`` ``link``, ``type_value`` the authorized URL of a zip file holding the
provider's items array, ``type_validity`` how long the URL stays good from ``last_update``).
``inline`` (the default) keeps the items in the answer. Any other value is a bad request
(:func:`payload_type` raises, the edge NACKs naming the tag).

The URL is signed by the deployment (:class:`CatalogueLinks` is the port; the signer and
the route serving the file are ``adapter.catalog.download``), so a buyer app fetches it
without an account and nobody can forge a link to another provider or stretch its life.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Final, Literal, Protocol

import schemas

__all__ = ["LINK_VALIDITY", "CatalogueLinks", "linked_providers", "payload_type"]

LINK_VALIDITY: Final = timedelta(hours=24)
"""How long a catalogue link stays good (``type_validity`` ``PT24H``)."""

_VALIDITY_TEXT: Final = "PT24H"
_TYPES: Final = ("link", "inline")


class CatalogueLinks(Protocol):
    """Signs the download URL of one provider's items in one domain."""

    def url(self, provider_id: str, domain: str, *, expires: datetime) -> str:
        """The signed URL of the provider's items file, good until ``expires``."""
        ...


def payload_type(search: schemas.SearchRequest) -> Literal["link", "inline"]:
    """What the search's ``catalog_full`` tag asks for (``inline`` without one); a
    ``ValueError`` naming the tag for a value that is neither."""
    intent = search.message.intent if search.message else None
    group = schemas.find_tag_group(intent.tags if intent else None, "catalog_full")
    value = group.value_of("payload_type") if group is not None else None
    if value is None or value == "inline":
        return "inline"
    if value == "link":
        return "link"
    raise ValueError(
        "message.intent.tags[catalog_full].payload_type must be one of "
        f"{', '.join(_TYPES)}, not {value!r}"
    )


def linked_providers(
    providers: list[dict[str, Any]],
    domain: str,
    links: CatalogueLinks,
    *,
    now: datetime,
) -> list[dict[str, Any]]:
    """``bpp/providers`` without their items, each with a ``catalog_link`` tag pointing at
    the signed file of its items (replacing any ``catalog_link`` it had)."""
    expires = now + LINK_VALIDITY
    answer = []
    for provider in providers:
        tag = {
            "code": "catalog_link",
            "list": [
                {"code": "type", "value": "link"},
                {"code": "type_value", "value": links.url(provider["id"], domain, expires=expires)},
                {"code": "type_validity", "value": _VALIDITY_TEXT},
                {"code": "last_update", "value": schemas.format_timestamp(now)},
            ],
        }
        others = [t for t in provider.get("tags") or [] if t.get("code") != "catalog_link"]
        rest = {key: value for key, value in provider.items() if key not in ("items", "tags")}
        answer.append({**rest, "tags": [*others, tag]})
    return answer
