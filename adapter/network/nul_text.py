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


def _find(document: Any, root: str) -> str | None:
    # Depth first with a stack of its own, in document order: JSON nested as deep as the
    # parser allows (1,024 levels) is deeper than Python lets a recursive walk go (it was
    # a RecursionError, a 500 to the seller API and a 503 NACK to buyer apps).
    stack: list[tuple[Any, str]] = [(document, root)]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                return path or "body"
        elif isinstance(value, dict):
            children: list[tuple[Any, str]] = []
            for key, item in value.items():
                where = f"{path}.{key}" if path else key
                if "\x00" in key:
                    # Keys come before their values and their later siblings: the first
                    # key with NUL wins unless an earlier sibling's value holds one.
                    children.append((_KEY, where.replace("\x00", "\\u0000")))
                    break
                children.append((item, where))
            stack.extend(reversed(children))
        elif isinstance(value, list):
            stack.extend(
                reversed(
                    [(item, f"{path}.{i}" if path else str(i)) for i, item in enumerate(value)]
                )
            )
        elif value is _KEY:
            return path
    return None


_KEY: Final = object()  # marks a key holding NUL on the stack


async def refuse_nul_text(request: Request) -> None:
    """A FastAPI dependency: 422 naming the field when a path value, a query value or a
    JSON body holds NUL (a ``%00`` in an id looked up in PostgreSQL was a 500).

    FastAPI solves dependencies before it validates the body, and the body read here is
    kept by the request, so routes that read it themselves get the same bytes.
    """
    for name, value in [*request.path_params.items(), *request.query_params.multi_items()]:
        if "\x00" in str(value) or "\x00" in name:
            raise HTTPException(
                status_code=422,
                detail=f"{name.replace(chr(0), '%00')}: text with a NUL character (%00) is refused",
            )
    if request.method not in _BODY_METHODS:
        return
    path = nul_path(await request.body())
    if path is not None:
        raise HTTPException(
            status_code=422, detail=f"{path}: text with a NUL character (\\u0000) is refused"
        )
