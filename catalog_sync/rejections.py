"""Buyer apps' catalogue rejections, read into what a seller needs to know (pure).

ONDC retail 1.2.0 ``catalog_rejection`` (certification flows 7 and 9) lists ``errors``
whose ``path`` points at a provider and an item in JSONPath, e.g.
``message.catalog.bpp/providers[?(@.id=='P1')].items[?(@.id=='I1')]``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

__all__ = ["Rejection", "explain", "parse_rejections"]

_PROVIDER: Final = re.compile(r"bpp/providers\[\?\(@\.id=='([^']+)'\)\]")
_ITEM: Final = re.compile(r"items\[\?\(@\.id=='([^']+)'\)\]")


@dataclass(frozen=True, slots=True)
class Rejection:
    """One refusal: which seller and item, and what the buyer app said."""

    seller_code: str
    sku: str | None
    error_type: str | None
    code: str | None
    message: str | None
    path: str | None


def parse_rejections(errors: list[dict[str, object]]) -> list[Rejection]:
    """The refusals whose path names one of our providers (others are dropped)."""
    out = []
    for error in errors:
        path = error.get("path")
        provider = _PROVIDER.search(path) if isinstance(path, str) else None
        if provider is None:
            continue
        item = _ITEM.search(path) if isinstance(path, str) else None
        out.append(
            Rejection(
                seller_code=provider.group(1),
                sku=item.group(1) if item else None,
                error_type=_text(error, "type"),
                code=_text(error, "code"),
                message=_text(error, "message"),
                path=_text(error, "path"),
            )
        )
    return out


def _text(error: dict[str, object], name: str) -> str | None:
    value = error.get(name)
    return value if isinstance(value, str) else None


def explain(rejection: Rejection, buyer_id: str) -> str:
    """The refusal in plain words for the seller."""
    what = f"your item {rejection.sku}" if rejection.sku else "your shop's listing"
    reason = rejection.message or "no reason given"
    return f"The buyer app {buyer_id} did not accept {what}: {reason} (code {rejection.code})."
