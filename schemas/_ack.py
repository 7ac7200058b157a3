"""The synchronous answer to every Beckn call, and the Beckn ``Error`` object.

Every request and callback is answered at once over HTTP with an ACK, or a NACK with an
``error`` (Beckn core 1.2.0 ``Ack``; ONDC developer docs, error codes)::

    {"message": {"ack": {"status": "NACK"}},
     "error": {"type": "CONTEXT-ERROR", "code": "30022", "message": "stale request"}}

Business outcomes found after the ACK (out of stock, not serviceable) travel in the
callback's own ``error`` block, which is the same ``Error`` model.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from schemas._base import WireModel
from schemas._context import Context
from schemas._descriptor import TagGroup


class AckStatus(StrEnum):
    """``ack.status`` (Beckn core 1.2.0 ``Ack``)."""

    ACK = "ACK"
    NACK = "NACK"


class ErrorType(StrEnum):
    """``error.type`` values (Beckn core 1.0 ``Error.type``, kept by ONDC retail 1.2.0).

    ``ITEM-ERROR`` is what ONDC's ``catalog_rejection`` uses for a rejected item.
    """

    CONTEXT_ERROR = "CONTEXT-ERROR"
    CORE_ERROR = "CORE-ERROR"
    DOMAIN_ERROR = "DOMAIN-ERROR"
    POLICY_ERROR = "POLICY-ERROR"
    JSON_SCHEMA_ERROR = "JSON-SCHEMA-ERROR"
    ITEM_ERROR = "ITEM-ERROR"


class Error(WireModel):
    """A Beckn error (Beckn core 1.2.0 ``Error``), in a NACK or a callback.

    ``code`` is an ONDC error code as a string (``"40002"`` item quantity unavailable,
    ``"30016"`` invalid signature ...), ``path`` a JSON path to the offending field.
    For ``/on_select`` out of stock, ONDC retail 1.2.0 puts a JSON list in ``message``:
    ``[{"item_id":"I1","error":"40002"}]``.
    """

    type: str | None = None
    code: str | None = None
    path: str | None = None
    message: str | None = None


class Ack(WireModel):
    """``{"status": "ACK"}`` or ``"NACK"`` (Beckn core 1.2.0 ``Ack``); see ``AckStatus``."""

    status: str
    tags: list[TagGroup] | None = None


class AckMessage(WireModel):
    """The ``message`` of a synchronous response: ``{"ack": {...}}``."""

    ack: Ack


class AckResponse(WireModel):
    """The HTTP body answering any Beckn call (Beckn core 1.2.0 ``AckResponse``).

    Build with ``ack()`` and ``nack(...)``; parse a peer's answer to our callback with
    ``parse(AckResponse, body)``. An echoed ``context`` that is not a complete ``Context``
    is kept as a plain dict: a peer's ACK must not turn into a failed delivery because of
    a sloppy echo.
    """

    context: Context | dict[str, Any] | None = None
    message: AckMessage
    error: Error | None = None

    @property
    def is_ack(self) -> bool:
        """Whether the peer accepted the call (``message.ack.status == "ACK"``)."""
        return self.message.ack.status == AckStatus.ACK


def ack() -> AckResponse:
    """An ACK: ``{"message": {"ack": {"status": "ACK"}}}`` (Beckn core 1.2.0)."""
    return AckResponse(message=AckMessage(ack=Ack(status=AckStatus.ACK)))


def nack(
    *, error_type: str, code: str, message: str | None = None, path: str | None = None
) -> AckResponse:
    """A NACK with its error (Beckn core 1.2.0; ONDC error codes).

    ``nack(error_type=ErrorType.CONTEXT_ERROR, code="30022", message="stale request")``
    gives ``{"message": {"ack": {"status": "NACK"}}, "error": {"type": "CONTEXT-ERROR",
    "code": "30022", "message": "stale request"}}``. ``message`` and ``path`` appear only
    when given.
    """
    error = Error(type=error_type, code=code)
    if path is not None:
        error.path = path
    if message is not None:
        error.message = message
    return AckResponse(message=AckMessage(ack=Ack(status=AckStatus.NACK)), error=error)
