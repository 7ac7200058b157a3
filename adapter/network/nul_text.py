"""Text PostgreSQL cannot store: the NUL character, refused where it comes in.

JSON may carry NUL in a string as the escape ``\\u0000``; PostgreSQL refuses it in
``text`` and ``varchar`` columns (and in ``jsonb``: "unsupported Unicode escape sequence"),
so a request holding one would fail when its fields are written, and a batch written
with it. Every other character JSON can carry is storable: a lone surrogate escape is
already refused by the JSON parsers the adapter uses, raw control characters are not JSON.
Requests with NUL are refused at the edge instead, naming the field: a NACK for network
peers, 422 for the seller, admin and dashboard APIs.
"""

from __future__ import annotations

from typing import Any, Final

import orjson
from fastapi import HTTPException, Request

__all__ = ["nul_path", "refuse_nul_text"]

_ESCAPE: Final = b"\\u0000"
_BODY_METHODS: Final = frozenset({"POST", "PUT", "PATCH"})


def nul_path(body: bytes) -> str | None:
    """The dotted path of the first JSON key or string in ``body`` holding NUL, ``None``
    when there is none (or the body is not JSON: its parser will say so)."""
    if _ESCAPE not in body:  # the common case: one scan of the bytes, no parse
        return None
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    return _find(document, "")


def _find(value: Any, path: str) -> str | None:
    if isinstance(value, str):
        return (path or "body") if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else key
            if "\x00" in key:
                return where.replace("\x00", "\\u0000")
            found = _find(item, where)
            if found is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = _find(item, f"{path}.{index}" if path else str(index))
            if found is not None:
                return found
    return None


async def refuse_nul_text(request: Request) -> None:
    """A FastAPI dependency: 422 naming the field when a JSON body holds NUL.

    FastAPI solves dependencies before it validates the body, and the body read here is
    kept by the request, so routes that read it themselves get the same bytes.
    """
    if request.method not in _BODY_METHODS:
        return
    path = nul_path(await request.body())
    if path is not None:
        raise HTTPException(
            status_code=422, detail=f"{path}: text with a NUL character (\\u0000) is refused"
        )
