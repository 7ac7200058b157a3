"""A request's body: read whole as raw bytes, then parsed once by its family's model.

The signature is verified on the raw bytes between the two (``adapter.network.inbound``),
so nothing is parsed before it is verified, and a body that does not parse is a NACK
naming the field, never a 422.
"""

from __future__ import annotations

import asyncio
from functools import partial
from typing import Final

import pydantic
from starlette.requests import ClientDisconnect, Request

import schemas
from adapter.core.contracts import Contract
from adapter.core.errors import InvalidRequest
from adapter.network.nul_text import nul_path
from adapter.runtime import Runtime

__all__ = ["parse_body", "read_body"]

# Bodies up to this size are parsed on the event loop (a few ms at most); larger ones on
# the parser thread (see parse_body).
_INLINE_PARSE_BYTES: Final = 8 * 1024


async def read_body(request: Request) -> bytes | None:
    """The raw body, or ``None`` when the client went away before sending it whole (or the
    body limit refused it and answered already: ``adapter.network.body_limit``)."""
    chunks: list[bytes] = []
    try:
        async for chunk in request.stream():
            chunks.append(chunk)
    except ClientDisconnect:
        return None
    return b"".join(chunks)


def _validation_message(error: pydantic.ValidationError) -> tuple[str, str]:
    first = error.errors()[0]
    path = ".".join(str(part) for part in first["loc"]) or "body"
    return f"{path}: {first['msg']}", path


async def parse_body(
    runtime: Runtime, action: str, body: bytes
) -> tuple[Contract, schemas.Envelope]:
    """The body as its family's model of ``action`` (the family its context's version
    names: ``adapter.core.contracts``); a large one is parsed on the parser thread.

    Validating a body of many small objects costs about 1.2 ms of CPU per kB (a dense
    120 kB confirm took 148 ms on a loaded machine): on the event loop it stalls every
    other request. pydantic-core keeps the interpreter lock through long stretches of
    its work, so a thread does not hide all of it (a dense 1 MB confirm: longest
    stall 0.8 s of 4.3 s on the thread, 1.6 s of 1.7 s on the loop); the per-action
    body limits (``adapter.network.body_limit``) bound what is left. One thread: large
    bodies wait for each other, not for the rest.
    """
    path = nul_path(body)
    if path is not None:
        # PostgreSQL cannot store it: refused here, never failing a batched write.
        raise InvalidRequest(f"{path}: text with a NUL character (\\u0000)", path=path)
    try:
        # A search's parts other than its context are never written back (its answer
        # reads the intent): their key order is left unread. Every other request keeps
        # its whole order at once, since the edge itself may store or forward parts of it
        # (an /on_issue's answer, say) before any build completes it.
        parse = partial(
            runtime.contracts.parse_request, action, body, defer_order=action == "search"
        )
        if len(body) <= _INLINE_PARSE_BYTES:
            return parse()
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(runtime.parser, parse)
    except pydantic.ValidationError as exc:
        message, path = _validation_message(exc)
        raise InvalidRequest(message, path=path) from None
    except ValueError as exc:
        raise InvalidRequest(f"body is not JSON: {exc}") from None
