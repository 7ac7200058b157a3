"""How a B2B 2.0.2 callback is made (pure): its envelope, and refusals as its error."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import orjson

import schemas
import schemas.b2b
from adapter.core.callbacks import Identity, callback_context
from adapter.core.order_book import Refusal

__all__ = ["answers_b2b_refusals", "b2b_reply"]

_Builder = Callable[..., Awaitable[schemas.Envelope]]


def b2b_reply(
    request: schemas.Envelope,
    *,
    identity: Identity,
    now: datetime,
    message: dict[str, Any] | None,
    error: tuple[str, str] | None = None,
) -> schemas.Envelope:
    """The B2B callback answering ``request``: its context (``location``, ``version`` as the
    request's), and a message and/or an error."""
    action = "on_" + request.context.action
    model = schemas.b2b.B2B_PAYLOAD_MODELS[action]
    context = callback_context(request.context, action=action, identity=identity, now=now)
    # A callback's own ttl is the contract's PT30S, whatever window the request opened.
    context = context.model_copy(update={"ttl": "PT30S"})
    body: dict[str, Any] = {
        "context": context.model_dump(mode="json", by_alias=True, exclude_none=True)
    }
    if message is not None:
        body["message"] = message
    if error is not None:
        body["error"] = {"type": "DOMAIN-ERROR", "code": error[0], "message": error[1]}
    return schemas.parse(model, orjson.dumps(body))


def answers_b2b_refusals(builder: _Builder) -> _Builder:
    """The builder, with a ``Refusal`` it raises answered as the B2B callback's error."""

    @functools.wraps(builder)
    async def answer(
        request: schemas.Envelope, *, identity: Identity, now: datetime, **ports: Any
    ) -> schemas.Envelope:
        try:
            return await builder(request, identity=identity, now=now, **ports)
        except Refusal as refusal:
            return b2b_reply(
                request, identity=identity, now=now, message=None,
                error=(refusal.code, refusal.message),
            )  # fmt: skip

    return answer
