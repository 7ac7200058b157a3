"""Split a large ``on_search`` into several, each under a size budget (pure).

Buyer apps and gateways commonly refuse bodies above about 200 kB, and a full catalogue
is larger than that. Rather than truncating, the answer is sent as several ``on_search``
callbacks for the same request (same context, same message id), each carrying a share of
the providers' items; a provider whose items span parts appears in each with its own
descriptor, locations and fulfilments. Nothing is dropped: every item is in exactly one
part. An item too large for any part travels alone.
"""

from __future__ import annotations

from typing import Any

import orjson

__all__ = ["split_on_search"]


def _size(value: Any) -> int:
    return len(orjson.dumps(value))


def split_on_search(body: bytes, budget: int) -> list[bytes]:
    """``[body]`` when it fits the budget; otherwise the parts, each within it."""
    if len(body) <= budget:
        return [body]
    document = orjson.loads(body)
    catalog = document["message"]["catalog"]

    def render(providers: list[dict[str, Any]]) -> bytes:
        message = {**document["message"], "catalog": {**catalog, "bpp/providers": providers}}
        return orjson.dumps({**document, "message": message})

    base = len(render([]))
    parts: list[list[dict[str, Any]]] = []
    current: list[dict[str, Any]] = []
    used = base
    for provider in catalog.get("bpp/providers") or []:
        if not provider.get("items"):
            size = _size(provider) + 1
            if current and used + size > budget:
                parts.append(current)
                current, used = [], base
            current.append(provider)
            used += size
            continue
        frame_size = _size({**provider, "items": []}) + 1
        entry: dict[str, Any] | None = None
        for item in provider["items"]:
            item_size = _size(item) + 1
            extra = item_size + (frame_size if entry is None else 0)
            if current and used + extra > budget:
                parts.append(current)
                current, used, entry = [], base, None
                extra = item_size + frame_size
            if entry is None:
                entry = {**provider, "items": []}
                current.append(entry)
            entry["items"].append(item)
            used += extra
    if current:
        parts.append(current)
    return [render(part) for part in parts]
