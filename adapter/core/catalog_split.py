"""Split a large ``on_search`` into several, each under a size budget (pure).

Buyer apps and gateways commonly refuse bodies above about 200 kB, and a full catalogue
is larger than that. Rather than truncating, the answer is sent as several ``on_search``
callbacks for the same request (same context, same message id), each carrying a share of
the providers' items; a provider whose items span parts appears in each with its own
descriptor, locations and fulfilments. Nothing is dropped: every item is in exactly one
part, an item's customisations (retail 1.2.5) in its part. An item too large for any part
travels alone.
"""

from __future__ import annotations

from typing import Any

import orjson

__all__ = ["split_on_search"]


def _size(value: Any) -> int:
    return len(orjson.dumps(value))


def _tag_value(item: dict[str, Any], code: str) -> str | None:
    for tag in item.get("tags") or ():
        if isinstance(tag, dict) and tag.get("code") == code:
            for entry in tag.get("list") or ():
                if isinstance(entry, dict) and entry.get("code") == "id":
                    return str(entry.get("value"))
    return None


def _units(items: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The items in the order given, each with the customisations of its custom group
    (retail 1.2.5 customisation input text) right after it: a buyer app must find an item
    and its customisation in the same part."""
    groups = {_tag_value(item, "custom_group"): index for index, item in enumerate(items)}
    groups.pop(None, None)
    units: dict[int, list[dict[str, Any]]] = {}
    for index, item in enumerate(items):
        owner = groups.get(_tag_value(item, "parent"), index)
        units.setdefault(owner, []).append(item)
    return [units[index] for index in sorted(units)]


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
        for unit in _units(provider["items"]):
            item_size = sum(_size(item) + 1 for item in unit)
            extra = item_size + (frame_size if entry is None else 0)
            if current and used + extra > budget:
                parts.append(current)
                current, used, entry = [], base, None
                extra = item_size + frame_size
            if entry is None:
                entry = {**provider, "items": []}
                current.append(entry)
            entry["items"].extend(unit)
            used += extra
    if current:
        parts.append(current)
    return [render(part) for part in parts]
