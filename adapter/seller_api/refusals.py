"""How the seller API refuses a request: a 4xx whose ``detail`` names the field and says
what is wrong, in a sentence a seller's developer can act on.

FastAPI's own 422 is a list of pydantic error objects (``loc``, ``msg``, ``type``); the
seller API's routes use :class:`FieldNamingRoute`, which turns it into ``"label: ..."``,
and the handlers that validate bodies themselves use :func:`field_errors`.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from fastapi import HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

__all__ = ["FieldNamingRoute", "field_errors"]

# Where the error sits is not part of the field's name for the reader.
_CONTAINERS = frozenset({"body", "query", "path", "header"})


def _field(location: Sequence[Any]) -> str:
    parts = [str(part) for part in location if str(part) not in _CONTAINERS]
    return ".".join(parts) or "body"


def _reason(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a field of this body (check the spelling)"
    if kind in ("json_invalid", "model_attributes_type", "dict_type"):
        return "the body must be a JSON object"
    return str(error.get("msg", "is not valid")).removeprefix("Value error, ")


def field_errors(errors: Sequence[Any]) -> str:
    """One line naming each refused field and why: ``"label: is required; sku: ..."``."""
    return "; ".join(f"{_field(e.get('loc', ()))}: {_reason(e)}" for e in errors)


class FieldNamingRoute(APIRoute):
    """A route whose 422 for a refused body, query or path names the fields."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """FastAPI's handler, with validation errors turned into a 422 naming the fields."""
        handler = super().get_route_handler()

        async def named(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as exc:
                raise HTTPException(status_code=422, detail=field_errors(exc.errors())) from None

        return named
